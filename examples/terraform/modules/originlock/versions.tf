terraform {
  # 1.11: write-only arguments (the initial secret value never enters the
  # state); 1.9: variable validations that refer to other variables.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}
