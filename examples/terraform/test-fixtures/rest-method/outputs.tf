output "authorizer_id" {
  description = "The authorizer on the method."
  value       = aws_api_gateway_method.orders.authorizer_id
}

output "request_parameters" {
  description = "The integration's request parameters."
  value       = aws_api_gateway_integration.orders.request_parameters
}
