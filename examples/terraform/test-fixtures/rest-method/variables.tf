variable "rest_api_id" {
  description = "The existing REST API."
  type        = string
}

variable "root_resource_id" {
  description = "Its root resource."
  type        = string
}

variable "authorizer_id" {
  description = "The authorizer module's authorizer_id."
  type        = string
}

variable "request_parameters" {
  description = "The authorizer module's integration_request_parameters."
  type        = map(string)
}
