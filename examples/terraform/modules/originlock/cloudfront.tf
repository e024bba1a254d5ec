# The distribution: the API as its only origin, with the secret header.

resource "aws_cloudfront_distribution" "this" {
  enabled             = true
  comment             = "${var.name}: API locked to this distribution by a rotated origin header"
  is_ipv6_enabled     = true
  http_version        = "http2and3"
  price_class         = var.price_class
  aliases             = var.aliases
  web_acl_id          = var.web_acl_id
  wait_for_deployment = var.wait_for_deployment
  tags                = var.tags

  origin {
    origin_id   = local.origin_id
    domain_name = local.api_domain
    origin_path = local.api_origin_path

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }

    # The rotation function rewrites this value in place; Terraform converges
    # to AWSCURRENT, which the distribution already carries after a rotation.
    custom_header {
      name  = var.header_name
      value = module.rotation.header_value
    }
  }

  default_cache_behavior {
    target_origin_id         = local.origin_id
    viewer_protocol_policy   = "redirect-to-https"
    allowed_methods          = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods           = ["GET", "HEAD"]
    cache_policy_id          = var.cache_policy_id
    origin_request_policy_id = var.origin_request_policy_id
    compress                 = true
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = var.acm_certificate_arn == null
    acm_certificate_arn            = var.acm_certificate_arn
    ssl_support_method             = var.acm_certificate_arn == null ? null : "sni-only"
    minimum_protocol_version       = var.acm_certificate_arn == null ? "TLSv1" : "TLSv1.2_2021"
  }
}
