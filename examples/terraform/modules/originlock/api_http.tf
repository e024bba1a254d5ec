# api_type = "http": an HTTP API that proxies every path to the backend, each
# route guarded by the authorizer (module.authorizer: payload 2.0, simple
# responses) whose identity source is the origin header. CloudFront is the
# only intended caller. Every integration removes the header, so the backend
# never sees it.

resource "aws_apigatewayv2_api" "this" {
  count = var.api_type == "http" ? 1 : 0

  name          = var.name
  description   = "Reachable only through CloudFront: requests need ${var.header_name}"
  protocol_type = "HTTP"
  tags          = var.tags
}

# ANY / and ANY /{proxy+}, both through the authorizer to the backend.
resource "aws_apigatewayv2_integration" "root" {
  count = var.api_type == "http" ? 1 : 0

  api_id                 = aws_apigatewayv2_api.this[0].id
  integration_type       = "HTTP_PROXY"
  integration_method     = "ANY"
  integration_uri        = var.backend_url
  payload_format_version = "1.0"
  request_parameters     = local.strip_header
}

resource "aws_apigatewayv2_integration" "proxy" {
  count = var.api_type == "http" ? 1 : 0

  api_id                 = aws_apigatewayv2_api.this[0].id
  integration_type       = "HTTP_PROXY"
  integration_method     = "ANY"
  integration_uri        = "${trimsuffix(var.backend_url, "/")}/{proxy}"
  payload_format_version = "1.0"
  request_parameters     = local.strip_header
}

resource "aws_apigatewayv2_route" "root" {
  count = var.api_type == "http" ? 1 : 0

  api_id             = aws_apigatewayv2_api.this[0].id
  route_key          = "ANY /"
  target             = "integrations/${aws_apigatewayv2_integration.root[0].id}"
  authorization_type = "CUSTOM"
  authorizer_id      = module.authorizer.authorizer_id
}

resource "aws_apigatewayv2_route" "proxy" {
  count = var.api_type == "http" ? 1 : 0

  api_id             = aws_apigatewayv2_api.this[0].id
  route_key          = "ANY /{proxy+}"
  target             = "integrations/${aws_apigatewayv2_integration.proxy[0].id}"
  authorization_type = "CUSTOM"
  authorizer_id      = module.authorizer.authorizer_id
}

resource "aws_apigatewayv2_stage" "this" {
  count = var.api_type == "http" ? 1 : 0

  api_id      = aws_apigatewayv2_api.this[0].id
  name        = "$default"
  auto_deploy = true
  tags        = var.tags
}

# --- internal callers: ANY /<internal_path>/{proxy+} with AWS_IAM ----------------
# See api_rest.tf. An HTTP API picks the most specific route, so these
# requests never meet the origin header authorizer.

locals {
  http_internal = var.api_type == "http" && var.internal_path != null
}

resource "aws_apigatewayv2_integration" "internal" {
  count = local.http_internal ? 1 : 0

  api_id                 = aws_apigatewayv2_api.this[0].id
  integration_type       = "HTTP_PROXY"
  integration_method     = "ANY"
  integration_uri        = "${trimsuffix(var.backend_url, "/")}/${var.internal_path}/{proxy}"
  payload_format_version = "1.0"
  request_parameters     = local.strip_header
}

resource "aws_apigatewayv2_route" "internal" {
  count = local.http_internal ? 1 : 0

  api_id             = aws_apigatewayv2_api.this[0].id
  route_key          = "ANY /${var.internal_path}/{proxy+}"
  target             = "integrations/${aws_apigatewayv2_integration.internal[0].id}"
  authorization_type = "AWS_IAM"
}
