output "cloudfront_url" {
  description = "URL viewers use: the distribution's domain. Requests through it carry the header and pass the authorizer."
  value       = "https://${aws_cloudfront_distribution.this.domain_name}"
}

output "cloudfront_distribution_id" {
  description = "ID of the distribution whose origin header rotation keeps in step."
  value       = aws_cloudfront_distribution.this.id
}

output "cloudfront_distribution_arn" {
  description = "ARN of the distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "api_url" {
  description = "Direct URL of the API (execute-api). Requests to it without the header are refused: use it to check the lock."
  value       = local.api_url
}

output "api_id" {
  description = "ID of the REST or HTTP API."
  value       = local.api_id
}

output "authorizer_id" {
  description = "ID of the API's Lambda authorizer."
  value       = module.authorizer.authorizer_id
}

output "secret_arn" {
  description = "ARN of the Secrets Manager secret holding the header value (JSON, under secret_json_key)."
  value       = module.rotation.secret_arn
}

output "origin_id" {
  description = "ID of the distribution's origin that carries the header."
  value       = local.origin_id
}

output "header_name" {
  description = "Name of the origin custom header."
  value       = var.header_name
}

output "rotation_function_arn" {
  description = "ARN of the rotation Lambda function."
  value       = module.rotation.function_arn
}

output "authorizer_function_arn" {
  description = "ARN of the authorizer Lambda function."
  value       = module.authorizer.function_arn
}

output "rotation_log_group_name" {
  description = "CloudWatch log group of the rotation function."
  value       = module.rotation.log_group_name
}

output "authorizer_log_group_name" {
  description = "CloudWatch log group of the authorizer function."
  value       = module.authorizer.log_group_name
}

output "header_value" {
  description = "The header value this plan gave the distribution: AWSCURRENT when Terraform read it. Compare it with AWSCURRENT after an apply (see the example's check block): a plan made before a rotation finished and applied after it writes the value that has just become AWSPREVIOUS."
  value       = module.rotation.header_value
  sensitive   = true
}

output "secret_json_key" {
  description = "The JSON key of the secret that holds the header value."
  value       = var.secret_json_key
}

output "rotation_role_name" {
  description = "IAM role of the rotation function."
  value       = module.rotation.role_name
}

output "authorizer_role_name" {
  description = "IAM role of the authorizer function."
  value       = module.authorizer.role_name
}

output "alarm_topic_arn" {
  description = "SNS topic that failed rotations and the alarms notify: subscribe to it (null with alarms_enabled = false)."
  value       = module.rotation.alarm_topic_arn
}

output "alarm_names" {
  description = "CloudWatch alarms on both functions."
  value       = concat(module.rotation.alarm_names, module.authorizer.alarm_names)
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the authorizer's decisions (null when not created)."
  value       = module.authorizer.dashboard_name
}

output "internal_url" {
  description = "Base URL of the AWS_IAM route group for internal callers (null without internal_path); sign requests with SigV4 for execute-api."
  value       = var.internal_path == null ? null : "${trimsuffix(local.api_url, "/")}/${var.internal_path}/"
}
