# The authorizer function (examples/lambda/authorizer), shared by both API
# flavours; AUTHORIZER_TYPE selects its adapter.

resource "aws_cloudwatch_log_group" "authorizer" {
  name              = "/aws/lambda/${local.authorizer_function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "authorizer" {
  function_name    = local.authorizer_function_name
  description      = "${var.name}: lets through requests that carry the origin header CloudFront sends"
  role             = aws_iam_role.authorizer.arn
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.lambda_architecture]
  filename         = var.authorizer_lambda_zip
  source_code_hash = filebase64sha256(var.authorizer_lambda_zip)
  memory_size      = 128
  timeout          = var.authorizer_timeout

  # Configuration contract: examples/lambda/README.md. Unset settings keep the
  # function's defaults.
  environment {
    variables = merge(
      {
        SECRET_ID       = aws_secretsmanager_secret.this.arn
        AUTHORIZER_TYPE = var.api_type == "rest" ? "rest-request" : "http-simple"
        HEADER_NAME     = var.header_name
        SECRET_FORMAT   = "json"
        SECRET_JSON_KEY = var.secret_json_key
        LOG_LEVEL       = var.log_level
      },
      { for k, v in {
        CACHE_TTL        = var.authorizer_settings.cache_ttl
        REFRESH_COOLDOWN = var.authorizer_settings.refresh_cooldown
        PREVIOUS_GRACE   = var.authorizer_settings.previous_grace
        MAX_STALENESS    = var.authorizer_settings.max_staleness
      } : k => v if v != null },
    )
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.authorizer.name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.authorizer]
}
