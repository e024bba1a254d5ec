# The authorizer in the existing API, and API Gateway's permission to invoke
# the function for it (only for this API's authorizer).
#
# A REST API serves a snapshot taken at deployment: after putting the
# authorizer on methods, create a new deployment of the stage.

resource "aws_api_gateway_authorizer" "this" {
  count = var.api_type == "rest" ? 1 : 0

  name                             = var.authorizer_name
  rest_api_id                      = var.api_id
  type                             = "REQUEST"
  authorizer_uri                   = aws_lambda_function.this.invoke_arn
  identity_source                  = "method.request.header.${var.header_name}"
  authorizer_result_ttl_in_seconds = var.authorizer_result_ttl
}

resource "aws_apigatewayv2_authorizer" "this" {
  count = var.api_type == "http" ? 1 : 0

  name                              = var.authorizer_name
  api_id                            = var.api_id
  authorizer_type                   = "REQUEST"
  authorizer_uri                    = aws_lambda_function.this.invoke_arn
  authorizer_payload_format_version = "2.0"
  enable_simple_responses           = true
  identity_sources                  = ["$request.header.${var.header_name}"]
  authorizer_result_ttl_in_seconds  = var.authorizer_result_ttl
}

locals {
  authorizer_id = var.api_type == "rest" ? one(aws_api_gateway_authorizer.this[*].id) : one(aws_apigatewayv2_authorizer.this[*].id)
  execution_arn = "arn:${local.partition}:execute-api:${local.region}:${local.account_id}:${var.api_id}"

  # What keeps the header from the backend: put these on every integration
  # behind the authorizer. An HTTP API removes the header; a REST API cannot
  # remove one, so it overwrites it with a constant.
  integration_request_parameters = (var.api_type == "rest"
    ? { "integration.request.header.${var.header_name}" = "'-'" }
    : { "remove:header.${var.header_name}" = "''" }
  )
}

resource "aws_lambda_permission" "this" {
  statement_id  = "ApiGatewayInvokesAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${local.execution_arn}/authorizers/${local.authorizer_id}"
}
