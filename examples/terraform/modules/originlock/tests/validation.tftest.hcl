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
    condition     = length(aws_api_gateway_rest_api.this) == 1 && length(aws_apigatewayv2_api.this) == 0
    error_message = "api_type = rest must create the REST API only"
  }
  # The header never reaches the backend: every REST integration overwrites it.
  assert {
    condition = alltrue([
      for i in [aws_api_gateway_integration.root[0], aws_api_gateway_integration.proxy[0]] :
      i.request_parameters["integration.request.header.X-Origin-Verify"] == "'-'"
    ])
    error_message = "every REST integration must overwrite the origin header"
  }
  assert {
    condition     = aws_api_gateway_integration.proxy[0].request_parameters["integration.request.path.proxy"] == "method.request.path.proxy"
    error_message = "the proxy integration must still map the path"
  }
  assert {
    condition     = length(aws_api_gateway_method.internal) == 0
    error_message = "no internal route group unless internal_path is set"
  }
  assert {
    condition     = module.rotation.environment["SETTLE_DELAY"] == "10s" && module.authorizer.environment["SETTLE_DELAY"] == "10s"
    error_message = "both functions must get the default settle delay of 10 s"
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
    condition     = length(aws_apigatewayv2_api.this) == 1 && length(aws_api_gateway_rest_api.this) == 0
    error_message = "api_type = http must create the HTTP API only"
  }
  # The header never reaches the backend: every HTTP integration removes it.
  assert {
    condition = alltrue([
      for i in [aws_apigatewayv2_integration.root[0], aws_apigatewayv2_integration.proxy[0]] :
      i.request_parameters == tomap({ "remove:header.x-origin-verify" = "''" })
    ])
    error_message = "every HTTP integration must remove the origin header"
  }
  # Known at plan time, so that the whole environment is.
  override_resource {
    target          = module.rotation.aws_secretsmanager_secret.this[0]
    override_during = plan
    values = {
      id  = "arn:aws:secretsmanager:us-east-1:123456789012:secret:test/origin-verify-AbCdEf"
      arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:test/origin-verify-AbCdEf"
    }
  }

  assert {
    condition = tomap(module.authorizer.environment) == tomap({
      SECRET_ID         = "arn:aws:secretsmanager:us-east-1:123456789012:secret:test/origin-verify-AbCdEf"
      AUTHORIZER_TYPE   = "http-simple"
      HEADER_NAME       = "x-origin-verify"
      SECRET_FORMAT     = "json"
      SECRET_JSON_KEY   = "HEADERVALUE"
      SETTLE_DELAY      = "10s"
      LOG_LEVEL         = "info"
      METRICS_NAMESPACE = "Originlock"
      PREVIOUS_GRACE    = "20m"
      MAX_STALENESS     = "1h30m"
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
    condition     = module.rotation.environment["HEADER_NAME"] == "X-Origin_Verify.v2!#$%&'*+^`|~"
    error_message = "the header name must reach the rotation function unchanged"
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
    target          = module.rotation.aws_secretsmanager_secret.this[0]
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
    condition     = module.rotation.environment["SETTLE_DELAY"] == "120s" && module.authorizer.environment["SETTLE_DELAY"] == "120s"
    error_message = "the settle delay must be twice the authorizer's refresh cooldown, on both functions"
  }
  assert {
    condition     = module.rotation.environment["DISTRIBUTIONS"] == "E1TESTDISTRIBUTION:api"
    error_message = "the rotation function must rotate the distribution's api origin"
  }
}

# --- cross-variable checks --------------------------------------------------------

run "ttl_above_previous_grace" {
  command = plan
  variables {
    authorizer_result_ttl = 600
    authorizer_settings   = { previous_grace = "5m" }
  }
  expect_failures = [var.authorizer_settings]
}

run "ttl_equal_to_previous_grace" {
  command = plan
  variables {
    authorizer_result_ttl = 300
    authorizer_settings   = { previous_grace = "5m" }
  }
}

run "settle_delay_within_the_cooldown" {
  command = plan
  variables {
    settle_delay        = 30
    authorizer_settings = { refresh_cooldown = "30s" }
  }
  expect_failures = [var.settle_delay]
}

run "settle_delay_beyond_half_the_timeout" {
  command = plan
  variables {
    settle_delay     = 40
    rotation_timeout = 60
  }
  expect_failures = [var.settle_delay]
}

run "zip_and_s3_code" {
  command = plan
  variables {
    rotation_code = { s3_bucket = "artifacts", s3_key = "originlock/rotation-arm64.zip" }
  }
  expect_failures = [var.rotation_code]
}

# --- the internal route group ---------------------------------------------------------

run "internal_routes_rest" {
  command = plan
  variables { internal_path = "internal" }

  assert {
    condition     = aws_api_gateway_method.internal[0].authorization == "AWS_IAM" && aws_api_gateway_resource.internal_group[0].path_part == "internal"
    error_message = "the internal route group must use AWS_IAM authorization"
  }
  assert {
    condition     = aws_api_gateway_integration.internal[0].request_parameters["integration.request.header.X-Origin-Verify"] == "'-'"
    error_message = "the internal integration must overwrite the origin header too"
  }
}

run "internal_routes_http" {
  command = plan
  variables {
    api_type      = "http"
    internal_path = "internal"
  }

  assert {
    condition     = aws_apigatewayv2_route.internal[0].authorization_type == "AWS_IAM" && aws_apigatewayv2_route.internal[0].route_key == "ANY /internal/{proxy+}"
    error_message = "the internal route must be ANY /internal/{proxy+} with AWS_IAM authorization"
  }
}

run "internal_path_with_slash" {
  command = plan
  variables { internal_path = "internal/v1" }
  expect_failures = [var.internal_path]
}
