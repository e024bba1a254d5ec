package originlock

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"
)

// newRotationSchedule lets Secrets Manager invoke the rotation function for
// this secret only, and schedules rotation with a first one at deploy time.
//
// It uses the L1 resources rather than Secret.AddRotationSchedule: that L2
// grants secretsmanager.amazonaws.com lambda:InvokeFunction without
// SourceArn or SourceAccount (any secret in any account could have the
// function rotate it) and adds secretsmanager:GetRandomPassword on "*",
// which this function does not call (it generates values itself).
func (l *Lock) newRotationSchedule() awssecretsmanager.CfnRotationSchedule {
	permission := awslambda.NewCfnPermission(l.Construct, jsii.String("RotationInvokePermission"), &awslambda.CfnPermissionProps{
		Action:        jsii.String("lambda:InvokeFunction"),
		FunctionName:  l.rotationFunction.FunctionArn(),
		Principal:     jsii.String("secretsmanager.amazonaws.com"),
		SourceArn:     l.secret.SecretArn(),
		SourceAccount: awscdk.Stack_Of(l.Construct).Account(),
	})
	// Validate has checked the interval already.
	expression, err := scheduleExpression(l.props.RotationInterval)
	if err != nil {
		panic(err)
	}
	schedule := awssecretsmanager.NewCfnRotationSchedule(l.Construct, jsii.String("RotationSchedule"), &awssecretsmanager.CfnRotationScheduleProps{
		SecretId:          l.secret.SecretArn(),
		RotationLambdaArn: l.rotationFunction.FunctionArn(),
		RotationRules: &awssecretsmanager.CfnRotationSchedule_RotationRulesProperty{
			ScheduleExpression: jsii.String(expression),
		},
		// Creating the schedule starts a rotation at once: the value
		// CloudFormation generated is replaced within minutes of the
		// deploy, and a broken rotation shows up now, not in 30 days.
		RotateImmediatelyOnUpdate: jsii.Bool(true),
	})
	// That first rotation invokes the function at once: Secrets Manager must
	// be allowed to, and setSecret needs the distribution (already implied
	// through the function's environment; stated so it survives refactoring).
	schedule.Node().AddDependency(permission)
	if l.distribution != nil {
		schedule.Node().AddDependency(l.distribution)
	}
	return schedule
}
