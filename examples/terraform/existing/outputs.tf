output "authorizer_id" {
  description = "Put it on every method (REST: authorization = \"CUSTOM\") or route (HTTP: authorization_type = \"CUSTOM\") that only CloudFront may call."
  value       = module.authorizer.authorizer_id
}

output "integration_request_parameters" {
  description = "Put these on the integrations behind those methods or routes: the backend never sees the header."
  value       = module.authorizer.integration_request_parameters
}

output "secret_arn" {
  description = "Secret holding the header value."
  value       = module.rotation.secret_arn
}

output "alarm_topic_arn" {
  description = "Subscribe to it: failed rotations and alarms."
  value       = module.rotation.alarm_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the authorizer's decisions."
  value       = module.authorizer.dashboard_name
}
