package originlock

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"
)

// MetricsNamespace is the functions' default CloudWatch namespace
// (METRICS_NAMESPACE unset).
const MetricsNamespace = "Originlock"

// Outcomes of the authorizer's Decisions metric.
const (
	OutcomeCurrent     = "current"
	OutcomePending     = "pending"
	OutcomePrevious    = "previous"
	OutcomeDeny        = "deny"
	OutcomeUnavailable = "unavailable"
)

// durationAlarmRatio: the duration alarm fires past this share of the
// rotation function's timeout.
const durationAlarmRatio = 0.8

// MetricDecisions is the authorizer's Decisions metric for one outcome
// (OutcomeCurrent ... OutcomeUnavailable), summed per minute.
func (l *Lock) MetricDecisions(outcome string) awscloudwatch.Metric {
	return awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:  jsii.String(MetricsNamespace),
		MetricName: jsii.String("Decisions"),
		DimensionsMap: &map[string]*string{
			"FunctionName": l.authorizerFunction.FunctionName(),
			"Outcome":      jsii.String(outcome),
		},
		Statistic: jsii.String("Sum"),
		Period:    awscdk.Duration_Minutes(jsii.Number(1)),
	})
}

// MetricRotationErrors is the rotation function's Lambda Errors metric.
func (l *Lock) MetricRotationErrors() awscloudwatch.Metric {
	return l.rotationFunction.MetricErrors(&awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(5))})
}

// MetricRotationDuration is the rotation function's longest invocation.
func (l *Lock) MetricRotationDuration() awscloudwatch.Metric {
	return l.rotationFunction.MetricDuration(&awscloudwatch.MetricOptions{
		Period: awscdk.Duration_Minutes(jsii.Number(5)), Statistic: jsii.String("Maximum"),
	})
}

// MetricAuthorizerErrors is the authorizer function's Lambda Errors metric.
func (l *Lock) MetricAuthorizerErrors() awscloudwatch.Metric {
	return l.authorizerFunction.MetricErrors(&awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(1))})
}

// RotationFailedRule is the EventBridge rule on failed rotations (nil
// without Props.AlarmTopic).
func (l *Lock) RotationFailedRule() awsevents.Rule { return l.rotationFailed }

// Alarms are the alarms Props.AlarmTopic receives.
func (l *Lock) Alarms() []awscloudwatch.Alarm { return l.alarms }

// addAlarms sends failed rotations and the alarms to topic.
func (l *Lock) addAlarms(topic awssns.ITopic) {
	l.rotationFailed = awsevents.NewRule(l.Construct, jsii.String("RotationFailed"), &awsevents.RuleProps{
		Description: jsii.String("originlock: Secrets Manager could not rotate the origin header secret"),
		EventPattern: &awsevents.EventPattern{
			Source:     jsii.Strings("aws.secretsmanager"),
			DetailType: jsii.Strings("AWS Service Event via CloudTrail"),
			Detail: &map[string]any{
				"eventSource":         []string{"secretsmanager.amazonaws.com"},
				"eventName":           []string{"RotationFailed", "RotationAbandoned"},
				"additionalEventData": map[string]any{"SecretId": []*string{l.secret.SecretArn()}},
			},
		},
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewSnsTopic(topic, nil)},
	})
	action := awscloudwatchactions.NewSnsAction(topic)
	add := func(id, description string, metric awscloudwatch.Metric, threshold float64, periods float64) {
		alarm := metric.CreateAlarm(l.Construct, jsii.String(id), &awscloudwatch.CreateAlarmOptions{
			AlarmDescription:   jsii.String(description),
			Threshold:          jsii.Number(threshold),
			EvaluationPeriods:  jsii.Number(periods),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		alarm.AddAlarmAction(action)
		l.alarms = append(l.alarms, alarm)
	}
	add("RotationErrorsAlarm", "The rotation function failed a step: read its log group.", l.MetricRotationErrors(), 0, 1)
	add("RotationDurationAlarm", "A rotation step ran close to the function's timeout (slow or throttled CloudFront deployment).",
		l.MetricRotationDuration(), rotationTimeout*1000*durationAlarmRatio, 1)
	add("AuthorizerUnavailableAlarm", "The authorizer could not decide (Decisions, Outcome unavailable): API Gateway answered 500.",
		l.MetricDecisions(OutcomeUnavailable), 0, 5)
	add("AuthorizerErrorsAlarm", "The authorizer function failed: API Gateway answered 500.", l.MetricAuthorizerErrors(), 0, 5)
}
