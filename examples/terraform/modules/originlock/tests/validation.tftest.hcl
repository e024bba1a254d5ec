# Checks of the module's input validation and of how inputs shape the plan.
# Every run only plans: nothing is created. The AWS provider still answers the
# plan's reads (caller identity, region, a random initial value), so it needs
# an endpoint: Terraform 1.11's mock providers cannot mock the ephemeral
# resource the module uses. The packages only need to exist (only their hash
# is computed):
#
#   terraform init
#   terraform test -var rotation_lambda_zip=ANY.zip -var authorizer_lambda_zip=ANY.zip
#
# with AWS credentials, or AWS_ENDPOINT_URL pointing at moto_server, as the Go
# test in examples/terraform (scripts/test-terraform) does.

variables {
  name        = "test"
  backend_url = "https://backend.example.com/v1"
}

# --- configurations that plan -------------------------------------------------

run "rest_api_with_defaults" {
  command = plan

  assert {
    condition     = length(aws_api_gateway_authorizer.this) == 1 && length(aws_apigatewayv2_api.this) == 0
    error_message = "api_type = rest must create the REST API only"
  }
  assert {
    condition     = aws_api_gateway_authorizer.this[0].identity_source == "method.request.header.X-Origin-Verify"
    error_message = "the REST authorizer's identity source must be the header"
  }
  assert {
    condition     = aws_secretsmanager_secret_rotation.this.rotation_rules[0].schedule_expression == "rate(30 days)" && aws_secretsmanager_secret_rotation.this.rotate_immediately
    error_message = "production defaults: a 30-day schedule and an immediate first rotation"
  }
}

run "http_api" {
  command = plan

  variables {
    api_type              = "http"
    header_name           = "x-origin-verify"
    authorizer_result_ttl = 0
    authorizer_settings   = { previous_grace = "20m", max_staleness = "1h30m" }
  }

  assert {
    condition     = length(aws_apigatewayv2_authorizer.this) == 1 && length(aws_api_gateway_rest_api.this) == 0
    error_message = "api_type = http must create the HTTP API only"
  }
  assert {
    condition     = aws_apigatewayv2_authorizer.this[0].enable_simple_responses && aws_apigatewayv2_authorizer.this[0].authorizer_payload_format_version == "2.0"
    error_message = "the HTTP API authorizer must use payload 2.0 with simple responses"
  }
  # Known at plan time, so that the whole environment is.
  override_resource {
    target          = aws_secretsmanager_secret.this
    override_during = plan
    values = {
      id  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:test/origin-verify-AbCdEf"
      arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:test/origin-verify-AbCdEf"
    }
  }

  assert {
    condition = aws_lambda_function.authorizer.environment[0].variables == tomap({
      SECRET_ID       = "arn:aws:secretsmanager:us-east-1:123456789012:secret:test/origin-verify-AbCdEf"
      AUTHORIZER_TYPE = "http-simple"
      HEADER_NAME     = "x-origin-verify"
      SECRET_FORMAT   = "json"
      SECRET_JSON_KEY = "HEADERVALUE"
      LOG_LEVEL       = "info"
      PREVIOUS_GRACE  = "20m"
      MAX_STALENESS   = "1h30m"
    })
    error_message = "the authorizer environment must carry the set settings and only those"
  }
}

run "rotation_after_days_and_token_header" {
  command = plan

  variables {
    header_name         = "X-Origin_Verify.v2!#$%&'*+^`|~"
    rotation_schedule   = null
    rotation_after_days = 7
    rotation_window     = "24h"
  }

  assert {
    condition     = aws_secretsmanager_secret_rotation.this.rotation_rules[0].automatically_after_days == 7 && aws_secretsmanager_secret_rotation.this.rotation_rules[0].schedule_expression == null
    error_message = "rotation_after_days must set AutomaticallyAfterDays only"
  }
}

# --- header names CloudFront refuses -----------------------------------------------

run "header_host" {
  command = plan
  variables { header_name = "Host" }
  expect_failures = [var.header_name]
}

run "header_cookie_lower_case" {
  command = plan
  variables { header_name = "cookie" }
  expect_failures = [var.header_name]
}

run "header_transfer_encoding_mixed_case" {
  command = plan
  variables { header_name = "TRANSFER-encoding" }
  expect_failures = [var.header_name]
}

run "header_x_real_ip" {
  command = plan
  variables { header_name = "X-Real-IP" }
  expect_failures = [var.header_name]
}

run "header_x_amz_prefix" {
  command = plan
  variables { header_name = "X-Amz-Origin-Verify" }
  expect_failures = [var.header_name]
}

run "header_x_edge_prefix" {
  command = plan
  variables { header_name = "x-edge-secret" }
  expect_failures = [var.header_name]
}

run "header_with_space" {
  command = plan
  variables { header_name = "X Origin Verify" }
  expect_failures = [var.header_name]
}

run "header_with_colon" {
  command = plan
  variables { header_name = "X-Origin:Verify" }
  expect_failures = [var.header_name]
}

run "header_empty" {
  command = plan
  variables { header_name = "" }
  expect_failures = [var.header_name]
}

run "header_of_256_characters" {
  command = plan
  variables { header_name = "X-${join("", [for i in range(254) : "a"])}" }
}

run "header_of_257_characters" {
  command = plan
  variables { header_name = "X-${join("", [for i in range(255) : "a"])}" }
  expect_failures = [var.header_name]
}

# --- other inputs --------------------------------------------------------------------

run "schedule_too_frequent" {
  command = plan
  variables { rotation_schedule = "rate(2 hours)" }
  expect_failures = [var.rotation_schedule]
}

run "schedule_not_an_expression" {
  command = plan
  variables { rotation_schedule = "every 30 days" }
  expect_failures = [var.rotation_schedule]
}

run "schedule_and_days" {
  command = plan
  variables { rotation_after_days = 30 }
  expect_failures = [var.rotation_after_days]
}

run "neither_schedule_nor_days" {
  command = plan
  variables { rotation_schedule = null }
  expect_failures = [var.rotation_after_days]
}

run "window_too_long" {
  command = plan
  variables { rotation_window = "25h" }
  expect_failures = [var.rotation_window]
}

run "ttl_too_long" {
  command = plan
  variables { authorizer_result_ttl = 3601 }
  expect_failures = [var.authorizer_result_ttl]
}

run "unknown_api_type" {
  command = plan
  variables { api_type = "websocket" }
  expect_failures = [var.api_type]
}

run "plain_http_backend" {
  command = plan
  variables { backend_url = "http://backend.example.com" }
  expect_failures = [var.backend_url]
}

run "authorizer_setting_not_a_duration" {
  command = plan
  variables { authorizer_settings = { previous_grace = "15 minutes" } }
  expect_failures = [var.authorizer_settings]
}

run "secret_name_with_space" {
  command = plan
  variables { secret_name = "origin verify" }
  expect_failures = [var.secret_name]
}

run "name_too_long" {
  command = plan
  variables { name = "a-name-that-is-much-too-long-for-lambda-and-iam-names" }
  expect_failures = [var.name]
}

run "aliases_without_certificate" {
  command = plan
  variables { aliases = ["api.example.com"] }
  expect_failures = [var.acm_certificate_arn]
}

run "refresh_cooldown_not_whole_seconds" {
  command = plan
  variables { authorizer_settings = { refresh_cooldown = "1.5s" } }
  expect_failures = [var.authorizer_settings]
}

run "settle_delay_outlasts_the_cooldown" {
  command = plan

  variables { authorizer_settings = { refresh_cooldown = "1m" } }

  # Known at plan time, so that the whole environment is.
  override_resource {
    target          = aws_secretsmanager_secret.this
    override_during = plan
    values = {
      id  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:test/origin-verify-AbCdEf"
      arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:test/origin-verify-AbCdEf"
    }
  }
  override_resource {
    target          = aws_cloudfront_distribution.this
    override_during = plan
    values          = { id = "E1TESTDISTRIBUTION" }
  }

  assert {
    condition     = aws_lambda_function.rotation.environment[0].variables["SETTLE_DELAY"] == "120s"
    error_message = "the rotation's settle delay must be twice the authorizer's refresh cooldown"
  }
}
