# The authorizer function (examples/lambda/authorizer). Configuration
# contract: examples/lambda/README.md. Unset settings keep its defaults.

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

locals {
  environment = merge(
    {
      SECRET_ID         = var.secret_arn
      AUTHORIZER_TYPE   = var.api_type == "rest" ? "rest-request" : "http-simple"
      HEADER_NAME       = var.header_name
      SECRET_FORMAT     = var.secret_format
      SETTLE_DELAY      = "${var.settle_delay}s"
      LOG_LEVEL         = var.log_level
      METRICS_NAMESPACE = var.metrics_namespace
    },
    var.secret_format == "json" ? { SECRET_JSON_KEY = var.secret_json_key } : {},
    var.metrics_enabled ? {} : { METRICS = "off" },
    { for k, v in {
      CACHE_TTL        = var.authorizer_settings.cache_ttl
      REFRESH_COOLDOWN = var.authorizer_settings.refresh_cooldown
      PREVIOUS_GRACE   = var.authorizer_settings.previous_grace
      MAX_STALENESS    = var.authorizer_settings.max_staleness
    } : k => v if v != null },
  )
}

resource "aws_lambda_function" "this" {
  function_name = local.function_name
  description   = "${var.name}: lets through requests that carry the origin header CloudFront sends"
  role          = aws_iam_role.this.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  architectures = [var.lambda_architecture]
  memory_size   = 128
  timeout       = var.authorizer_timeout

  filename          = var.code.zip_file
  s3_bucket         = var.code.s3_bucket
  s3_key            = var.code.s3_key
  s3_object_version = var.code.s3_object_version
  source_code_hash  = var.code.zip_file != null ? filebase64sha256(var.code.zip_file) : var.code.source_code_hash

  environment {
    variables = local.environment
  }

  logging_config {
    log_format            = "JSON"
    application_log_level = upper(var.log_level)
    system_log_level      = "WARN"
    log_group             = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]
}
