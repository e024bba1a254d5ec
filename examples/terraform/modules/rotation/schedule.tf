# The rotation schedule. With a new secret it refers to the first version:
# rotation needs an AWSCURRENT value.

resource "aws_secretsmanager_secret_rotation" "this" {
  secret_id           = var.secret_arn != null ? var.secret_arn : aws_secretsmanager_secret_version.initial[0].secret_id
  rotation_lambda_arn = aws_lambda_function.this.arn
  rotate_immediately  = var.rotate_immediately

  rotation_rules {
    schedule_expression      = var.rotation_schedule
    automatically_after_days = var.rotation_after_days
    duration                 = var.rotation_window
  }

  depends_on = [aws_lambda_permission.this]
}
