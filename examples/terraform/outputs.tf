output "cloudfront_url" {
  description = "Call the API through this URL."
  value       = module.originlock.cloudfront_url
}

output "api_url" {
  description = "Direct API URL: requests here without the header are refused."
  value       = module.originlock.api_url
}

output "secret_arn" {
  description = "Secret holding the header value."
  value       = module.originlock.secret_arn
}

output "cloudfront_distribution_id" {
  description = "Distribution in front of the API."
  value       = module.originlock.cloudfront_distribution_id
}

output "api_id" {
  description = "ID of the API."
  value       = module.originlock.api_id
}

output "authorizer_id" {
  description = "ID of the API's authorizer."
  value       = module.originlock.authorizer_id
}

output "rotation_function_arn" {
  description = "Rotation function."
  value       = module.originlock.rotation_function_arn
}

output "authorizer_function_arn" {
  description = "Authorizer function."
  value       = module.originlock.authorizer_function_arn
}
