variable "region" {
  description = "Region of the API, the functions and the secret."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of every resource name."
  type        = string
  default     = "originlock"
}

variable "header_name" {
  description = "Origin custom header CloudFront sends and the authorizer checks."
  type        = string
  default     = "X-Origin-Verify"
}

variable "api_type" {
  description = "\"rest\" or \"http\": the kind of your API."
  type        = string
}

variable "api_id" {
  description = "ID of your existing REST API or HTTP API."
  type        = string
}

variable "distribution_ids" {
  description = "IDs of your distributions in front of the API."
  type        = list(string)
}

variable "origin_ids" {
  description = "Origins of the distributions that point at the API (empty: every origin that already carries the header)."
  type        = list(string)
  default     = []
}

variable "secret_arn" {
  description = "Your existing secret (JSON, value under HEADERVALUE); null to create one."
  type        = string
  default     = null
}

variable "cloudfront_role_arn" {
  description = "Role to assume when the distributions are in another account."
  type        = string
  default     = null
}

variable "cloudfront_external_id" {
  description = "External ID that role requires."
  type        = string
  default     = null
}

variable "alarm_topic_arn" {
  description = "Your SNS topic for failed rotations and alarms; null to create one."
  type        = string
  default     = null
}

variable "rotation_code" {
  description = "Rotation function package: { zip_file = \"rotation-arm64.zip\" } or { s3_bucket = \"...\", s3_key = \"...\" }."
  type = object({
    zip_file          = optional(string)
    s3_bucket         = optional(string)
    s3_key            = optional(string)
    s3_object_version = optional(string)
    source_code_hash  = optional(string)
  })
}

variable "authorizer_code" {
  description = "Authorizer function package, as rotation_code."
  type = object({
    zip_file          = optional(string)
    s3_bucket         = optional(string)
    s3_key            = optional(string)
    s3_object_version = optional(string)
    source_code_hash  = optional(string)
  })
}
