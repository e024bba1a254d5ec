variable "name" {
  description = "Prefix of the fixture's resource names."
  type        = string
}

variable "package" {
  description = "Local zip uploaded as both functions' package."
  type        = string
}

variable "header_name" {
  description = "Origin custom header the existing distribution sends."
  type        = string
  default     = "X-Origin-Verify"
}
