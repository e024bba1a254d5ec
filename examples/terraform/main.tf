# A deployable example: one API behind CloudFront, locked with a rotated
# origin header. Copy this directory, point the backend at your API and keep
# the state in an encrypted remote backend (README.md).

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      "app"    = var.name
      "origin" = "originlock"
    }
  }
}

locals {
  dist = "${path.module}/../../dist"
}

module "originlock" {
  source = "./modules/originlock"

  name        = var.name
  header_name = var.header_name
  api_type    = var.api_type
  backend_url = var.backend_url

  rotation_lambda_zip   = coalesce(var.rotation_lambda_zip, "${local.dist}/rotation-arm64.zip")
  authorizer_lambda_zip = coalesce(var.authorizer_lambda_zip, "${local.dist}/authorizer-arm64.zip")

  rotation_schedule     = var.rotation_schedule
  rotation_window       = var.rotation_window
  authorizer_result_ttl = var.authorizer_result_ttl

  secret_recovery_window_in_days = var.secret_recovery_window_in_days
}
