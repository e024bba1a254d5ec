output "secret_arn" {
  description = "ARN of the secret (created or given)."
  value       = local.secret_arn
}

output "header_name" {
  description = "Name of the origin custom header."
  value       = var.header_name
}

output "header_value" {
  description = "AWSCURRENT's header value as Terraform read it, for a distribution this configuration manages. A plan made before a rotation finished and applied after it writes the value that has just become AWSPREVIOUS: compare it with AWSCURRENT after an apply (examples/terraform/checks.tf)."
  value       = local.header_value
  sensitive   = true
}

output "secret_json_key" {
  description = "JSON key of the value in the secret (null with secret_format = \"plain\")."
  value       = var.secret_format == "json" ? var.secret_json_key : null
}

output "function_name" {
  description = "Name of the rotation function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the rotation function."
  value       = aws_lambda_function.this.arn
}

output "role_name" {
  description = "Name of the function's IAM role, to attach more policies (e.g. for other targets)."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the function's IAM role: the principal a cross-account CloudFront role must trust."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the function."
  value       = aws_cloudwatch_log_group.this.name
}

output "environment" {
  description = "The function's environment variables (no secret: the value is only in Secrets Manager)."
  value       = local.environment
}

output "alarm_topic_arn" {
  description = "SNS topic that failed rotations and the alarms notify (null with alarms_enabled = false)."
  value       = local.alarm_topic_arn
}

output "rotation_failed_rule_name" {
  description = "EventBridge rule matching RotationFailed and RotationAbandoned for the secret."
  value       = one(aws_cloudwatch_event_rule.rotation_failed[*].name)
}

output "alarm_names" {
  description = "Names of the CloudWatch alarms on the rotation function."
  value       = compact([one(aws_cloudwatch_metric_alarm.errors[*].alarm_name), one(aws_cloudwatch_metric_alarm.duration[*].alarm_name)])
}

output "settle_delay" {
  description = "Seconds setSecret waits before CloudFront may send a new value; give the authorizer module the same settle_delay."
  value       = var.settle_delay
}
