output "authorizer_id" {
  description = "ID of the authorizer: put it on the methods (REST: authorization = \"CUSTOM\", authorizer_id) or routes (HTTP: authorization_type = \"CUSTOM\", authorizer_id) that only CloudFront may call."
  value       = local.authorizer_id
}

output "integration_request_parameters" {
  description = "Request parameters to put on every integration behind the authorizer so that the header never reaches the backend: REST overwrites it with a constant (request_parameters of aws_api_gateway_integration), HTTP removes it (request_parameters of aws_apigatewayv2_integration)."
  value       = local.integration_request_parameters
}

output "function_name" {
  description = "Name of the authorizer function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the authorizer function."
  value       = aws_lambda_function.this.arn
}

output "invoke_arn" {
  description = "Invoke ARN of the function, for authorizers in other APIs."
  value       = aws_lambda_function.this.invoke_arn
}

output "role_name" {
  description = "Name of the function's IAM role."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the function's IAM role."
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

output "alarm_names" {
  description = "Names of the CloudWatch alarms on the authorizer."
  value       = compact([one(aws_cloudwatch_metric_alarm.unavailable[*].alarm_name), one(aws_cloudwatch_metric_alarm.errors[*].alarm_name)])
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard (null when not created)."
  value       = one(aws_cloudwatch_dashboard.this[*].dashboard_name)
}
