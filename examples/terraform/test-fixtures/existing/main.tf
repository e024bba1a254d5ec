# Test fixture, never deployed: what a user already has before adopting
# originlock, created outside the modules under test — a secret with a value,
# a CloudFront distribution, a REST API and an HTTP API with a route each, the
# functions' packages in an S3 bucket, a permissions boundary. The modules'
# terraform test files (modules/*/tests) apply it first, against moto_server.

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

# --- the secret -----------------------------------------------------------------

resource "aws_secretsmanager_secret" "existing" {
  name                    = "${var.name}/existing-origin-verify"
  recovery_window_in_days = 0
}

# A test value, not a secret: it exists only in moto.
resource "aws_secretsmanager_secret_version" "existing" {
  secret_id     = aws_secretsmanager_secret.existing.id
  secret_string = jsonencode({ HEADERVALUE = "fixture0value0that0is0long0enough0for0the0header0check0000" })
}

# --- the distribution -----------------------------------------------------------

resource "aws_cloudfront_distribution" "existing" {
  enabled             = true
  comment             = "${var.name}: an existing distribution"
  wait_for_deployment = false

  origin {
    origin_id   = "api"
    domain_name = "backend.example.com"

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }

    custom_header {
      name  = var.header_name
      value = jsondecode(aws_secretsmanager_secret_version.existing.secret_string)["HEADERVALUE"]
    }
  }

  default_cache_behavior {
    target_origin_id       = "api"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = true
  }
}

# --- the APIs ---------------------------------------------------------------------

resource "aws_api_gateway_rest_api" "existing" {
  name = "${var.name}-existing"

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_apigatewayv2_api" "existing" {
  name          = "${var.name}-existing"
  protocol_type = "HTTP"
}

# --- the packages and the boundary ----------------------------------------------------

resource "aws_s3_bucket" "artifacts" {
  bucket        = "${lower(var.name)}-artifacts"
  force_destroy = true
}

resource "aws_s3_object" "package" {
  bucket = aws_s3_bucket.artifacts.id
  key    = "originlock/v1/bootstrap.zip"
  source = var.package
  etag   = filemd5(var.package)
}

data "aws_iam_policy_document" "boundary" {
  statement {
    actions   = ["secretsmanager:*", "cloudfront:*", "logs:*", "sts:AssumeRole", "kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "boundary" {
  name   = "${var.name}-boundary"
  policy = data.aws_iam_policy_document.boundary.json
}
