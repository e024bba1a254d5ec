# Adopting originlock with what you already have: your API (REST or HTTP),
# your CloudFront distribution(s) in front of it, and optionally your own
# secret. This configuration manages none of them; it adds the rotation
# (modules/rotation) and the authorizer (modules/authorizer), and tells you
# what to put on your methods or routes (outputs).
#
# Order that drops no request: apply with attach = false first: rotation
# starts at once (rotate_immediately) and puts the header on the
# distributions; then put the authorizer on your methods/routes and the
# integration parameters on your integrations, and redeploy a REST stage.

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

provider "aws" {
  region = var.region
}

module "rotation" {
  source = "../modules/rotation"

  name          = var.name
  secret_arn    = var.secret_arn
  header_name   = var.header_name
  distributions = [for id in var.distribution_ids : { id = id, origin_ids = var.origin_ids }]

  code = var.rotation_code

  cloudfront_role_arn    = var.cloudfront_role_arn
  cloudfront_external_id = var.cloudfront_external_id
  alarm_topic_arn        = var.alarm_topic_arn
}

module "authorizer" {
  source = "../modules/authorizer"

  name        = var.name
  secret_arn  = module.rotation.secret_arn
  header_name = var.header_name
  api_type    = var.api_type
  api_id      = var.api_id

  settle_delay  = module.rotation.settle_delay
  code          = var.authorizer_code
  alarm_actions = [module.rotation.alarm_topic_arn]
}
