terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }

  # Production: keep the state in an encrypted remote backend with tight
  # access. It holds the current header value (README: "State").
  # backend "s3" {}
}
