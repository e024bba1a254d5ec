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
  value       = var.api_type == "rest" ? one(aws_api_gateway_rest_api.this[*].id) : one(aws_apigatewayv2_api.this[*].id)
}

output "authorizer_id" {
  description = "ID of the API's Lambda authorizer."
  value       = var.api_type == "rest" ? one(aws_api_gateway_authorizer.this[*].id) : one(aws_apigatewayv2_authorizer.this[*].id)
}

output "secret_arn" {
  description = "ARN of the Secrets Manager secret holding the header value (JSON, under secret_json_key)."
  value       = aws_secretsmanager_secret.this.arn
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
  value       = aws_lambda_function.rotation.arn
}

output "authorizer_function_arn" {
  description = "ARN of the authorizer Lambda function."
  value       = aws_lambda_function.authorizer.arn
}

output "rotation_log_group_name" {
  description = "CloudWatch log group of the rotation function."
  value       = aws_cloudwatch_log_group.rotation.name
}

output "authorizer_log_group_name" {
  description = "CloudWatch log group of the authorizer function."
  value       = aws_cloudwatch_log_group.authorizer.name
}

output "header_value" {
  description = "The header value this plan gave the distribution: AWSCURRENT when Terraform read it. Compare it with AWSCURRENT after an apply (see the example's check block): a plan made before a rotation finished and applied after it writes the value that has just become AWSPREVIOUS."
  value       = local.header_value
  sensitive   = true
}

output "secret_json_key" {
  description = "The JSON key of the secret that holds the header value."
  value       = var.secret_json_key
}
