# api_type = "http": an HTTP API that proxies every path to the backend, each
# route guarded by a payload 2.0 REQUEST authorizer with simple responses whose
# identity source is the origin header. CloudFront is the only intended caller.

resource "aws_apigatewayv2_api" "this" {
  count = var.api_type == "http" ? 1 : 0

  name          = var.name
  description   = "Reachable only through CloudFront: requests need ${var.header_name}"
  protocol_type = "HTTP"
  tags          = var.tags
}

resource "aws_apigatewayv2_authorizer" "this" {
  count = var.api_type == "http" ? 1 : 0

  name                              = "origin-header"
  api_id                            = aws_apigatewayv2_api.this[0].id
  authorizer_type                   = "REQUEST"
  authorizer_uri                    = aws_lambda_function.authorizer.invoke_arn
  authorizer_payload_format_version = "2.0"
  enable_simple_responses           = true
  identity_sources                  = ["$request.header.${var.header_name}"]
  authorizer_result_ttl_in_seconds  = var.authorizer_result_ttl
}

resource "aws_lambda_permission" "http_authorizer" {
  count = var.api_type == "http" ? 1 : 0

  statement_id  = "ApiGatewayInvokesAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.authorizer.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this[0].execution_arn}/authorizers/${aws_apigatewayv2_authorizer.this[0].id}"
}

# ANY / and ANY /{proxy+}, both through the authorizer to the backend.
resource "aws_apigatewayv2_integration" "root" {
  count = var.api_type == "http" ? 1 : 0

  api_id                 = aws_apigatewayv2_api.this[0].id
  integration_type       = "HTTP_PROXY"
  integration_method     = "ANY"
  integration_uri        = var.backend_url
  payload_format_version = "1.0"
}

resource "aws_apigatewayv2_integration" "proxy" {
  count = var.api_type == "http" ? 1 : 0

  api_id                 = aws_apigatewayv2_api.this[0].id
  integration_type       = "HTTP_PROXY"
  integration_method     = "ANY"
  integration_uri        = "${trimsuffix(var.backend_url, "/")}/{proxy}"
  payload_format_version = "1.0"
}

resource "aws_apigatewayv2_route" "root" {
  count = var.api_type == "http" ? 1 : 0

  api_id             = aws_apigatewayv2_api.this[0].id
  route_key          = "ANY /"
  target             = "integrations/${aws_apigatewayv2_integration.root[0].id}"
  authorization_type = "CUSTOM"
  authorizer_id      = aws_apigatewayv2_authorizer.this[0].id
}

resource "aws_apigatewayv2_route" "proxy" {
  count = var.api_type == "http" ? 1 : 0

  api_id             = aws_apigatewayv2_api.this[0].id
  route_key          = "ANY /{proxy+}"
  target             = "integrations/${aws_apigatewayv2_integration.proxy[0].id}"
  authorization_type = "CUSTOM"
  authorizer_id      = aws_apigatewayv2_authorizer.this[0].id
}

resource "aws_apigatewayv2_stage" "this" {
  count = var.api_type == "http" ? 1 : 0

  api_id      = aws_apigatewayv2_api.this[0].id
  name        = "$default"
  auto_deploy = true
  tags        = var.tags
}
