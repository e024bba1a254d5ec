# api_type = "rest": a regional REST API that proxies every path to the
# backend, each method guarded by a REQUEST authorizer whose identity source is
# the origin header. CloudFront is the only intended caller.

resource "aws_api_gateway_rest_api" "this" {
  count = var.api_type == "rest" ? 1 : 0

  name        = var.name
  description = "Reachable only through CloudFront: requests need ${var.header_name}"
  tags        = var.tags

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_authorizer" "this" {
  count = var.api_type == "rest" ? 1 : 0

  name                             = "origin-header"
  rest_api_id                      = aws_api_gateway_rest_api.this[0].id
  type                             = "REQUEST"
  authorizer_uri                   = aws_lambda_function.authorizer.invoke_arn
  identity_source                  = "method.request.header.${var.header_name}"
  authorizer_result_ttl_in_seconds = var.authorizer_result_ttl
}

resource "aws_lambda_permission" "rest_authorizer" {
  count = var.api_type == "rest" ? 1 : 0

  statement_id  = "ApiGatewayInvokesAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.authorizer.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this[0].execution_arn}/authorizers/${aws_api_gateway_authorizer.this[0].id}"
}

# ANY / and ANY /{proxy+}, both through the authorizer to the backend.
resource "aws_api_gateway_resource" "proxy" {
  count = var.api_type == "rest" ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  parent_id   = aws_api_gateway_rest_api.this[0].root_resource_id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "root" {
  count = var.api_type == "rest" ? 1 : 0

  rest_api_id   = aws_api_gateway_rest_api.this[0].id
  resource_id   = aws_api_gateway_rest_api.this[0].root_resource_id
  http_method   = "ANY"
  authorization = "CUSTOM"
  authorizer_id = aws_api_gateway_authorizer.this[0].id
}

resource "aws_api_gateway_integration" "root" {
  count = var.api_type == "rest" ? 1 : 0

  rest_api_id             = aws_api_gateway_rest_api.this[0].id
  resource_id             = aws_api_gateway_rest_api.this[0].root_resource_id
  http_method             = aws_api_gateway_method.root[0].http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "ANY"
  uri                     = var.backend_url
}

resource "aws_api_gateway_method" "proxy" {
  count = var.api_type == "rest" ? 1 : 0

  rest_api_id        = aws_api_gateway_rest_api.this[0].id
  resource_id        = aws_api_gateway_resource.proxy[0].id
  http_method        = "ANY"
  authorization      = "CUSTOM"
  authorizer_id      = aws_api_gateway_authorizer.this[0].id
  request_parameters = { "method.request.path.proxy" = true }
}

resource "aws_api_gateway_integration" "proxy" {
  count = var.api_type == "rest" ? 1 : 0

  rest_api_id             = aws_api_gateway_rest_api.this[0].id
  resource_id             = aws_api_gateway_resource.proxy[0].id
  http_method             = aws_api_gateway_method.proxy[0].http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "ANY"
  uri                     = "${trimsuffix(var.backend_url, "/")}/{proxy}"
  request_parameters      = { "integration.request.path.proxy" = "method.request.path.proxy" }
}

resource "aws_api_gateway_deployment" "this" {
  count = var.api_type == "rest" ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id

  # Redeploy whenever what the stage serves changes: a REST API serves a
  # snapshot taken at deployment. Configured values only, so that attributes
  # the service fills in after creation cause no redeployment.
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_authorizer.this[0].id,
      aws_api_gateway_authorizer.this[0].authorizer_uri,
      aws_api_gateway_authorizer.this[0].identity_source,
      aws_api_gateway_authorizer.this[0].authorizer_result_ttl_in_seconds,
      aws_api_gateway_resource.proxy[0].id,
      aws_api_gateway_method.root[0].id,
      aws_api_gateway_method.root[0].authorizer_id,
      aws_api_gateway_method.proxy[0].id,
      aws_api_gateway_method.proxy[0].authorizer_id,
      aws_api_gateway_integration.root[0].id,
      aws_api_gateway_integration.root[0].uri,
      aws_api_gateway_integration.proxy[0].id,
      aws_api_gateway_integration.proxy[0].uri,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "this" {
  count = var.api_type == "rest" ? 1 : 0

  rest_api_id   = aws_api_gateway_rest_api.this[0].id
  deployment_id = aws_api_gateway_deployment.this[0].id
  stage_name    = var.stage_name
  tags          = var.tags
}
