variable "region" {
  description = "Region of the API, the functions and the secret (the distribution is global)."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "originlock-example"
}

variable "header_name" {
  description = "Origin custom header CloudFront sends and the authorizer checks."
  type        = string
  default     = "X-Origin-Verify"
}

variable "api_type" {
  description = "\"rest\" (REST API, REQUEST authorizer) or \"http\" (HTTP API, payload 2.0 authorizer)."
  type        = string
  default     = "rest"
}

variable "backend_url" {
  description = "HTTPS URL of the backend the API proxies to."
  type        = string
}

variable "rotation_lambda_zip" {
  description = "Rotation function package. Default: dist/rotation-arm64.zip of this repository (scripts/build-lambdas)."
  type        = string
  default     = null
}

variable "authorizer_lambda_zip" {
  description = "Authorizer function package. Default: dist/authorizer-arm64.zip of this repository (scripts/build-lambdas)."
  type        = string
  default     = null
}

variable "rotation_schedule" {
  description = "When Secrets Manager rotates the value: rate(N days), rate(N hours) or cron(...)."
  type        = string
  default     = "rate(30 days)"
}

variable "rotation_window" {
  description = "Window in which a scheduled rotation starts, e.g. \"4h\"; null for Secrets Manager's default."
  type        = string
  default     = "4h"
}

variable "authorizer_result_ttl" {
  description = "Seconds API Gateway caches the authorizer's answer (0 to 3600)."
  type        = number
  default     = 300
}

variable "secret_recovery_window_in_days" {
  description = "Days the secret can still be restored after destroy (0 or 7 to 30)."
  type        = number
  default     = 30
}
