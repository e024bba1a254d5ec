# The rotation module against moto_server: an existing secret and an existing
# distribution created outside the module (test-fixtures/existing), the code
# from an S3 object, a permissions boundary and a role path; then the plans
# of the other modes and the input checks. Run from examples/terraform
# (scripts/test-terraform) with AWS_ENDPOINT_URL pointing at moto_server and
# a zip at ./package.zip:
#
#   terraform init && terraform test

# moto serves S3 on its one endpoint: path-style addressing.
provider "aws" {
  region                      = "us-east-1"
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = false
}

variables {
  name          = "rot"
  distributions = [{ id = "E1PLACEHOLDER" }]
  code          = { zip_file = "package.zip" }
}

run "existing" {
  module {
    source = "../../test-fixtures/existing"
  }

  variables {
    name    = "rot"
    package = "package.zip"
  }
}

# Existing secret and distribution; code from S3. moto runs no function: it
# turns rotation on only for AutomaticallyAfterDays, and only the test
# invocation is asked for.
run "existing_secret_and_distribution" {
  variables {
    secret_arn               = run.existing.secret_arn
    distributions            = [{ id = run.existing.distribution_id, origin_ids = ["api"] }]
    code                     = { s3_bucket = run.existing.bucket, s3_key = run.existing.key, source_code_hash = "dGVzdA==" }
    permissions_boundary_arn = run.existing.boundary_arn
    role_path                = "/originlock/"
    rotation_schedule        = null
    rotation_after_days      = 30
    rotate_immediately       = false
    revoke_previous          = true
    rotation_timeout         = 600
  }

  assert {
    condition     = length(aws_secretsmanager_secret.this) == 0 && output.secret_arn == run.existing.secret_arn
    error_message = "an existing secret must be used, not a new one created"
  }
  assert {
    condition     = nonsensitive(output.header_value) == "fixture0value0that0is0long0enough0for0the0header0check0000"
    error_message = "header_value must be the existing secret's AWSCURRENT"
  }
  assert {
    condition     = aws_lambda_function.this.s3_bucket == run.existing.bucket && aws_lambda_function.this.s3_key == run.existing.key && aws_lambda_function.this.filename == null
    error_message = "the function's code must come from the S3 object"
  }
  assert {
    condition     = aws_iam_role.this.path == "/originlock/" && aws_iam_role.this.permissions_boundary == run.existing.boundary_arn
    error_message = "the role must have the path and the permissions boundary"
  }
  assert {
    condition = tomap(output.environment) == tomap({
      SECRET_ID         = run.existing.secret_arn
      DISTRIBUTIONS     = "${run.existing.distribution_id}:api"
      HEADER_NAME       = "X-Origin-Verify"
      SECRET_FORMAT     = "json"
      SECRET_JSON_KEY   = "HEADERVALUE"
      VALUE_LENGTH      = "64"
      SETTLE_DELAY      = "10s"
      LOG_LEVEL         = "info"
      METRICS_NAMESPACE = "Originlock"
      REVOKE_PREVIOUS   = "true"
    })
    error_message = "the function's environment must follow examples/lambda/README.md"
  }
  assert {
    # Built from the ID: moto's distribution ARNs lack the empty region field.
    condition     = jsondecode(data.aws_iam_policy_document.this.json).Statement[1].Resource == "arn:aws:cloudfront::123456789012:distribution/${run.existing.distribution_id}"
    error_message = "the role may update the existing distribution, and only it"
  }
  # The EventBridge rule for failed rotations, to the created topic.
  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.rotation_failed[0].event_pattern) == {
      source      = ["aws.secretsmanager"]
      detail-type = ["AWS Service Event via CloudTrail"]
      detail = {
        eventSource         = ["secretsmanager.amazonaws.com"]
        eventName           = ["RotationFailed", "RotationAbandoned"]
        additionalEventData = { SecretId = [run.existing.secret_arn] }
      }
    }
    error_message = "the rule must match RotationFailed and RotationAbandoned of this secret"
  }
  assert {
    condition     = aws_cloudwatch_event_target.rotation_failed[0].arn == aws_sns_topic.alarms[0].arn && output.alarm_topic_arn == aws_sns_topic.alarms[0].arn
    error_message = "failed rotations must notify the created topic"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.errors[0].metric_name == "Errors" && aws_cloudwatch_metric_alarm.errors[0].dimensions.FunctionName == "rot-rotation"
    error_message = "an alarm must watch the rotation function's errors"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.duration[0].statistic == "Maximum" && aws_cloudwatch_metric_alarm.duration[0].threshold == 480000
    error_message = "the duration alarm must fire at 80% of the 600 s timeout"
  }
  assert {
    condition     = aws_secretsmanager_secret_rotation.this.rotation_lambda_arn == aws_lambda_function.this.arn
    error_message = "the secret must be rotated by the function"
  }
}

# Distributions in another account: the role to assume, no CloudFront grant
# on this account's role; a topic given by the caller, none created.
run "cross_account" {
  command = plan

  variables {
    secret_arn             = run.existing.secret_arn
    distributions          = [{ id = "E2OTHERACCOUNT" }, { id = "E3OTHERACCOUNT", origin_ids = ["a", "b"] }]
    cloudfront_role_arn    = "arn:aws:iam::210987654321:role/originlock-cloudfront"
    cloudfront_external_id = "originlock-test"
    alarm_topic_arn        = "arn:aws:sns:us-east-1:123456789012:ops"
  }

  assert {
    condition     = output.environment.CLOUDFRONT_ROLE_ARN == "arn:aws:iam::210987654321:role/originlock-cloudfront" && output.environment.CLOUDFRONT_EXTERNAL_ID == "originlock-test"
    error_message = "the function must be told the role to assume and its external ID"
  }
  assert {
    condition     = output.environment.DISTRIBUTIONS == "E2OTHERACCOUNT;E3OTHERACCOUNT:a,b"
    error_message = "DISTRIBUTIONS must list every distribution with its origins"
  }
  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.this.json).Statement : s.Sid] == ["RotateTheSecret", "AssumeTheDistributionsRole", "WriteOwnLogs"]
    error_message = "cross-account: the role may assume the distributions' role and has no CloudFront permissions"
  }
  assert {
    condition     = length(aws_sns_topic.alarms) == 0 && aws_cloudwatch_event_target.rotation_failed[0].arn == "arn:aws:sns:us-east-1:123456789012:ops"
    error_message = "a given topic must be used, none created"
  }
}

run "new_secret_without_alarms" {
  command = plan

  variables {
    alarms_enabled  = false
    metrics_enabled = false
    secret_format   = "plain"
  }

  assert {
    condition     = length(aws_secretsmanager_secret.this) == 1 && aws_secretsmanager_secret.this[0].name == "rot/origin-verify"
    error_message = "without secret_arn the module must create the secret"
  }
  assert {
    condition     = length(aws_cloudwatch_event_rule.rotation_failed) == 0 && length(aws_cloudwatch_metric_alarm.errors) == 0 && output.alarm_topic_arn == null
    error_message = "alarms_enabled = false must create no rule, alarm or topic"
  }
  # Checked in a plan: moto does not keep a function's logging configuration.
  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_format == "JSON" && aws_lambda_function.this.logging_config[0].application_log_level == "INFO" && aws_lambda_function.this.logging_config[0].log_group == "/aws/lambda/rot-rotation"
    error_message = "the function must log JSON to its own log group"
  }
  assert {
    condition     = output.environment.METRICS == "off" && !contains(keys(output.environment), "SECRET_JSON_KEY")
    error_message = "METRICS=off and no JSON key with a plain secret"
  }
}

# --- input checks -------------------------------------------------------------------

run "settle_delay_within_cooldown_and_read" {
  command = plan
  variables {
    settle_delay                = 20
    authorizer_refresh_cooldown = 16
  }
  expect_failures = [var.settle_delay]
}

run "settle_delay_beyond_half_the_timeout" {
  command = plan
  variables {
    settle_delay     = 31
    rotation_timeout = 60
  }
  expect_failures = [var.settle_delay]
}

run "code_from_zip_and_s3" {
  command = plan
  variables {
    code = { zip_file = "package.zip", s3_bucket = "b", s3_key = "k" }
  }
  expect_failures = [var.code]
}

run "no_distribution" {
  command = plan
  variables { distributions = [] }
  expect_failures = [var.distributions]
}

run "distribution_twice" {
  command = plan
  variables { distributions = [{ id = "E1ABC" }, { id = "E1ABC" }] }
  expect_failures = [var.distributions]
}

run "external_id_without_role" {
  command = plan
  variables { cloudfront_external_id = "x" }
  expect_failures = [var.cloudfront_external_id]
}
