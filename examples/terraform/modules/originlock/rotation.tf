# The rotation function (examples/lambda/rotation) and the rotation schedule.

resource "aws_cloudwatch_log_group" "rotation" {
  name              = "/aws/lambda/${local.rotation_function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "rotation" {
  function_name    = local.rotation_function_name
  description      = "${var.name}: rotates the origin header secret and the header of CloudFront distribution ${aws_cloudfront_distribution.this.id}"
  role             = aws_iam_role.rotation.arn
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = [var.lambda_architecture]
  filename         = var.rotation_lambda_zip
  source_code_hash = filebase64sha256(var.rotation_lambda_zip)
  memory_size      = 128
  timeout          = var.rotation_timeout

  # Configuration contract: examples/lambda/README.md.
  environment {
    variables = {
      SECRET_ID       = aws_secretsmanager_secret.this.arn
      DISTRIBUTIONS   = "${aws_cloudfront_distribution.this.id}:${local.origin_id}"
      HEADER_NAME     = var.header_name
      SECRET_FORMAT   = "json"
      SECRET_JSON_KEY = var.secret_json_key
      VALUE_LENGTH    = tostring(var.value_length)
      SETTLE_DELAY    = "${local.settle_delay_seconds}s"
      LOG_LEVEL       = var.log_level
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.rotation.name
  }

  tags = var.tags

  # The role must be able to act before the first invocation.
  depends_on = [aws_iam_role_policy.rotation]
}

# Only Secrets Manager, only from this account, and only for this secret may
# invoke the function (confused-deputy protection: aws:SourceAccount and
# aws:SourceArn).
resource "aws_lambda_permission" "rotation" {
  statement_id   = "SecretsManagerRotatesOriginHeader"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.rotation.function_name
  principal      = "secretsmanager.amazonaws.com"
  source_account = local.account_id
  source_arn     = aws_secretsmanager_secret.this.arn
}

resource "aws_secretsmanager_secret_rotation" "this" {
  # Referring to the initial version: rotation needs an AWSCURRENT value.
  secret_id           = aws_secretsmanager_secret_version.initial.secret_id
  rotation_lambda_arn = aws_lambda_function.rotation.arn
  rotate_immediately  = var.rotate_immediately

  rotation_rules {
    schedule_expression      = var.rotation_schedule
    automatically_after_days = var.rotation_after_days
    duration                 = var.rotation_window
  }

  depends_on = [aws_lambda_permission.rotation]
}

locals {
  # setSecret waits this long before CloudFront may send a new value, so that
  # every authorizer can learn it first: it must outlast the authorizer's
  # refresh cooldown. Twice the cooldown, and never under the function's
  # default of 10 s.
  cooldown_match = var.authorizer_settings.refresh_cooldown == null ? null : regex("^([0-9]+)(s|m)$", var.authorizer_settings.refresh_cooldown)
  cooldown_seconds = (local.cooldown_match == null ? 5 :
  tonumber(local.cooldown_match[0]) * (local.cooldown_match[1] == "m" ? 60 : 1))
  settle_delay_seconds = max(10, 2 * local.cooldown_seconds)
}
