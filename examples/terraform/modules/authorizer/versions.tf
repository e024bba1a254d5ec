terraform {
  # 1.11: write-only arguments (a new secret's first value never enters the
  # state); 1.9: variable validations that refer to other variables.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.x is admitted: the module uses no argument or attribute that 6.0
      # removed or deprecated (data.aws_region's id, not name). The offline
      # checks validate it against 5.100.
      version = ">= 5.100, < 7.0"
    }
  }
}
