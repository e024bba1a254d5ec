# The rotation function (examples/lambda/rotation). Configuration contract:
# examples/lambda/README.md.

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

locals {
  environment = merge(
    {
      SECRET_ID         = local.secret_arn
      DISTRIBUTIONS     = local.distributions
      HEADER_NAME       = var.header_name
      SECRET_FORMAT     = var.secret_format
      VALUE_LENGTH      = tostring(var.value_length)
      SETTLE_DELAY      = "${var.settle_delay}s"
      LOG_LEVEL         = var.log_level
      METRICS_NAMESPACE = var.metrics_namespace
    },
    var.secret_format == "json" ? { SECRET_JSON_KEY = var.secret_json_key } : {},
    var.metrics_enabled ? {} : { METRICS = "off" },
    var.revoke_previous ? { REVOKE_PREVIOUS = "true" } : {},
    local.cross_account ? { CLOUDFRONT_ROLE_ARN = var.cloudfront_role_arn } : {},
    var.cloudfront_external_id != null ? { CLOUDFRONT_EXTERNAL_ID = var.cloudfront_external_id } : {},
  )
}

resource "aws_lambda_function" "this" {
  function_name = local.function_name
  description   = "${var.name}: rotates the origin header secret and the header of CloudFront distributions ${join(", ", [for d in var.distributions : d.id])}"
  role          = aws_iam_role.this.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  architectures = [var.lambda_architecture]
  memory_size   = 128
  timeout       = var.rotation_timeout

  filename          = var.code.zip_file
  s3_bucket         = var.code.s3_bucket
  s3_key            = var.code.s3_key
  s3_object_version = var.code.s3_object_version
  source_code_hash  = var.code.zip_file != null ? filebase64sha256(var.code.zip_file) : var.code.source_code_hash

  environment {
    variables = local.environment
  }

  # JSON: Lambda's own lines are JSON like the function's, and the level
  # filter applies to both.
  logging_config {
    log_format            = "JSON"
    application_log_level = upper(var.log_level)
    system_log_level      = "WARN"
    log_group             = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags

  # The role must be able to act before the first invocation.
  depends_on = [aws_iam_role_policy.this]
}

# Only Secrets Manager, only from this account, and only for this secret may
# invoke the function (confused-deputy protection).
resource "aws_lambda_permission" "this" {
  statement_id   = "SecretsManagerRotatesOriginHeader"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "secretsmanager.amazonaws.com"
  source_account = local.account_id
  source_arn     = local.secret_arn
}
