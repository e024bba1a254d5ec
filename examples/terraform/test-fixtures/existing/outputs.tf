output "secret_arn" {
  description = "The existing secret."
  value       = aws_secretsmanager_secret.existing.arn
}

output "distribution_id" {
  description = "The existing distribution."
  value       = aws_cloudfront_distribution.existing.id
}

output "distribution_arn" {
  description = "ARN of the existing distribution."
  value       = aws_cloudfront_distribution.existing.arn
}

output "rest_api_id" {
  description = "The existing REST API."
  value       = aws_api_gateway_rest_api.existing.id
}

output "rest_api_root_resource_id" {
  description = "Root resource of the existing REST API."
  value       = aws_api_gateway_rest_api.existing.root_resource_id
}

output "http_api_id" {
  description = "The existing HTTP API."
  value       = aws_apigatewayv2_api.existing.id
}

output "bucket" {
  description = "Bucket holding the package."
  value       = aws_s3_bucket.artifacts.id
}

output "key" {
  description = "Key of the package."
  value       = aws_s3_object.package.key
}

output "boundary_arn" {
  description = "Permissions boundary policy."
  value       = aws_iam_policy.boundary.arn
}
