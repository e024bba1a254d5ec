# The authorizer module against moto_server: attached to an existing REST API
# and then to an existing HTTP API (test-fixtures/existing), with the code
# from an S3 object; a user's own method wired to its outputs
# (test-fixtures/rest-method); then the input checks. Run from
# examples/terraform (scripts/test-terraform) with AWS_ENDPOINT_URL pointing
# at moto_server and a zip at ./package.zip:
#
#   terraform init && terraform test

# moto serves S3 on its one endpoint: path-style addressing.
provider "aws" {
  region                      = "us-east-1"
  s3_use_path_style           = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true
}

variables {
  name       = "auth"
  api_type   = "rest"
  api_id     = "abc123"
  secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:auth/origin-verify-AbCdEf"
  code       = { zip_file = "package.zip" }
}

run "existing" {
  module {
    source = "../../test-fixtures/existing"
  }

  variables {
    name    = "auth"
    package = "package.zip"
  }
}

run "existing_rest_api" {
  variables {
    api_type                 = "rest"
    api_id                   = run.existing.rest_api_id
    secret_arn               = run.existing.secret_arn
    code                     = { s3_bucket = run.existing.bucket, s3_key = run.existing.key }
    permissions_boundary_arn = run.existing.boundary_arn
    role_path                = "/originlock/"
    alarm_actions            = ["arn:aws:sns:us-east-1:123456789012:ops"]
  }

  assert {
    condition     = aws_api_gateway_authorizer.this[0].rest_api_id == run.existing.rest_api_id && output.authorizer_id == aws_api_gateway_authorizer.this[0].id && output.authorizer_id != ""
    error_message = "the authorizer must be created in the existing REST API and its ID output"
  }
  assert {
    condition     = aws_api_gateway_authorizer.this[0].identity_source == "method.request.header.X-Origin-Verify" && aws_api_gateway_authorizer.this[0].type == "REQUEST"
    error_message = "a REQUEST authorizer whose identity source is the header"
  }
  assert {
    condition     = output.integration_request_parameters == tomap({ "integration.request.header.X-Origin-Verify" = "'-'" })
    error_message = "REST integrations must overwrite the header"
  }
  assert {
    condition     = aws_lambda_permission.this.source_arn == "arn:aws:execute-api:us-east-1:123456789012:${run.existing.rest_api_id}/authorizers/${output.authorizer_id}"
    error_message = "only this API's authorizer may invoke the function"
  }
  assert {
    condition     = aws_lambda_function.this.s3_bucket == run.existing.bucket && aws_iam_role.this.path == "/originlock/" && aws_iam_role.this.permissions_boundary == run.existing.boundary_arn
    error_message = "code from S3, the role path and the boundary must be applied"
  }
  assert {
    condition     = output.environment.SETTLE_DELAY == "10s" && output.environment.AUTHORIZER_TYPE == "rest-request" && output.environment.METRICS_NAMESPACE == "Originlock"
    error_message = "the environment must carry the settle delay, the adapter and the metrics namespace"
  }
  # Alarms: the unavailable decisions (the observability metric) and errors.
  assert {
    condition = (aws_cloudwatch_metric_alarm.unavailable[0].namespace == "Originlock" && aws_cloudwatch_metric_alarm.unavailable[0].metric_name == "Decisions"
    && aws_cloudwatch_metric_alarm.unavailable[0].dimensions == tomap({ FunctionName = "auth-authorizer", Outcome = "unavailable" }))
    error_message = "an alarm must watch Decisions with Outcome unavailable"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.errors[0].namespace == "AWS/Lambda" && aws_cloudwatch_metric_alarm.errors[0].alarm_actions == toset(["arn:aws:sns:us-east-1:123456789012:ops"])
    error_message = "an alarm must watch the function's errors and notify alarm_actions"
  }
  # The dashboard: decisions by version stage.
  assert {
    condition     = [for m in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets[0].properties.metrics : m[5]] == ["current", "pending", "previous", "deny", "unavailable"]
    error_message = "the dashboard's first widget must show Decisions by every Outcome"
  }
}

# A user's own method on the existing API, wired to the outputs.
run "user_method" {
  module {
    source = "../../test-fixtures/rest-method"
  }

  variables {
    rest_api_id        = run.existing.rest_api_id
    root_resource_id   = run.existing.rest_api_root_resource_id
    authorizer_id      = run.existing_rest_api.authorizer_id
    request_parameters = run.existing_rest_api.integration_request_parameters
  }

  assert {
    condition     = output.authorizer_id == run.existing_rest_api.authorizer_id && output.request_parameters["integration.request.header.X-Origin-Verify"] == "'-'"
    error_message = "the user's method must carry the authorizer and its integration overwrite the header"
  }
}

run "existing_http_api" {
  variables {
    api_type              = "http"
    api_id                = run.existing.http_api_id
    secret_arn            = run.existing.secret_arn
    authorizer_result_ttl = 0
    metrics_enabled       = false
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.this[0].api_id == run.existing.http_api_id && length(aws_api_gateway_authorizer.this) == 0
    error_message = "the authorizer must be created in the existing HTTP API"
  }
  assert {
    condition     = aws_apigatewayv2_authorizer.this[0].enable_simple_responses && aws_apigatewayv2_authorizer.this[0].authorizer_payload_format_version == "2.0"
    error_message = "payload 2.0 with simple responses"
  }
  assert {
    condition     = output.integration_request_parameters == tomap({ "remove:header.X-Origin-Verify" = "''" })
    error_message = "HTTP integrations must remove the header"
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.unavailable) == 0 && length(aws_cloudwatch_dashboard.this) == 0 && length(aws_cloudwatch_metric_alarm.errors) == 1
    error_message = "without metrics: no alarm or dashboard on them, the errors alarm stays"
  }
}

# --- input checks -------------------------------------------------------------------

run "ttl_above_previous_grace" {
  command = plan
  variables {
    authorizer_result_ttl = 900
    authorizer_settings   = { previous_grace = "10m" }
  }
  expect_failures = [var.authorizer_settings]
}

run "ttl_within_previous_grace_in_hours" {
  command = plan
  variables {
    authorizer_result_ttl = 3600
    authorizer_settings   = { previous_grace = "1h30m" }
  }
}

run "settle_delay_below_cooldown_and_read" {
  command = plan
  variables {
    settle_delay        = 14
    authorizer_settings = { refresh_cooldown = "10s" }
  }
  expect_failures = [var.settle_delay]
}

run "settle_delay_covers_cooldown_and_read" {
  command = plan
  variables {
    settle_delay        = 15
    authorizer_settings = { refresh_cooldown = "10s" }
  }
}

run "duration_with_fraction" {
  command = plan
  variables { authorizer_settings = { cache_ttl = "1.5s" } }
  expect_failures = [var.authorizer_settings]
}

# Checked in a plan: moto does not keep a function's logging configuration.
run "json_logs" {
  command = plan
  variables { log_level = "warn" }

  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_format == "JSON" && aws_lambda_function.this.logging_config[0].application_log_level == "WARN"
    error_message = "the function must log JSON at the configured level"
  }
}

run "api_id_not_an_id" {
  command = plan
  variables { api_id = "https://abc123.execute-api.us-east-1.amazonaws.com" }
  expect_failures = [var.api_id]
}
