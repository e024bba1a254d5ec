package main

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/originlock/originlock/internal/fixture"
)

// TestCrossAccountDistributions: the rotation function updates a
// distribution in another account of moto through CLOUDFRONT_ROLE_ARN;
// status and doctor read it through that role (with its external ID), and
// without the role the distribution is not found.
func TestCrossAccountDistributions(t *testing.T) {
	const role = "arn:aws:iam::444455556666:role/originlock-cloudfront"
	w := newWorld(t, nil)
	provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(w.cfg), role, func(o *stscreds.AssumeRoleOptions) { o.ExternalID = aws.String("ext") })
	other := w.cfg.Copy()
	other.Credentials = aws.NewCredentialsCache(provider)
	dist, err := fixture.CreateDistribution(t.Context(), cfsdk.NewFromConfig(other), w.name+"-other", fixture.Origin{ID: "api", Headers: [][2]string{{header, w.value}}})
	if err != nil {
		t.Fatal(err)
	}
	w.function = w.name + "-xacct"
	w.createFunction(w.function, 900, map[string]string{"SECRET_ID": w.name, "DISTRIBUTIONS": dist + ":api", "CLOUDFRONT_ROLE_ARN": role, "CLOUDFRONT_EXTERNAL_ID": "ext"})
	w.enableRotation(false)

	w.run("", "", "status", "--secret", w.name).want(t, exitOK, "CloudFront read as:    "+role+" (assumed)", dist, "CURRENT", "Verdict: healthy")
	r := w.run("", "", "status", "--secret", w.name, "--json")
	r.want(t, exitOK, `"cloudFrontRole": "`+role+`"`)
	w.run("", "", "doctor", "--secret", w.name).want(t, exitOK, "PASS  distributions are read through role "+role, "PASS  distribution "+dist+" exists (Deployed)", "origin api carries the CURRENT value")

	// The command's own account has no such distribution: the role is what
	// finds it.
	w.run("", "", "status", "--secret", w.name, "--cloudfront-role-arn", "arn:aws:iam::123456789012:role/same-account").
		want(t, exitDrift, "distribution "+dist+" does not exist")
	w.run("", "", "status", "--secret", w.name, "--cloudfront-external-id", "x").
		want(t, exitUsage, "--cloudfront-external-id applies only with --cloudfront-role-arn")
}
