# api_type = "rest": a regional REST API that proxies every path to the
# backend, each method guarded by the authorizer (module.authorizer) whose
# identity source is the origin header. CloudFront is the only intended caller.
# Every integration overwrites the header, so the backend never sees it.

resource "aws_api_gateway_rest_api" "this" {
  count = var.api_type == "rest" ? 1 : 0

  name        = var.name
  description = "Reachable only through CloudFront: requests need ${var.header_name}"
  tags        = var.tags

  endpoint_configuration {
    types = ["REGIONAL"]
  }
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
  authorizer_id = module.authorizer.authorizer_id
}

resource "aws_api_gateway_integration" "root" {
  count = var.api_type == "rest" ? 1 : 0

  rest_api_id             = aws_api_gateway_rest_api.this[0].id
  resource_id             = aws_api_gateway_rest_api.this[0].root_resource_id
  http_method             = aws_api_gateway_method.root[0].http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "ANY"
  uri                     = var.backend_url
  request_parameters      = local.strip_header
}

resource "aws_api_gateway_method" "proxy" {
  count = var.api_type == "rest" ? 1 : 0

  rest_api_id        = aws_api_gateway_rest_api.this[0].id
  resource_id        = aws_api_gateway_resource.proxy[0].id
  http_method        = "ANY"
  authorization      = "CUSTOM"
  authorizer_id      = module.authorizer.authorizer_id
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
  request_parameters      = merge({ "integration.request.path.proxy" = "method.request.path.proxy" }, local.strip_header)
}

resource "aws_api_gateway_deployment" "this" {
  count = var.api_type == "rest" ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id

  # Redeploy whenever what the stage serves changes: a REST API serves a
  # snapshot taken at deployment. Configured values only, so that attributes
  # the service fills in after creation cause no redeployment.
  triggers = {
    redeployment = sha1(jsonencode([
      module.authorizer.authorizer_id,
      module.authorizer.function_arn,
      var.header_name,
      var.authorizer_result_ttl,
      aws_api_gateway_resource.proxy[0].id,
      aws_api_gateway_method.root[0].id,
      aws_api_gateway_method.root[0].authorizer_id,
      aws_api_gateway_method.proxy[0].id,
      aws_api_gateway_method.proxy[0].authorizer_id,
      aws_api_gateway_integration.root[0].id,
      aws_api_gateway_integration.root[0].uri,
      aws_api_gateway_integration.root[0].request_parameters,
      aws_api_gateway_integration.proxy[0].id,
      aws_api_gateway_integration.proxy[0].uri,
      aws_api_gateway_integration.proxy[0].request_parameters,
      aws_api_gateway_integration.internal[*].id,
      aws_api_gateway_integration.internal[*].uri,
      aws_api_gateway_method.internal[*].authorization,
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

# --- internal callers: /<internal_path>/{proxy+} with AWS_IAM ---------------------
# Callers inside AWS that legitimately skip CloudFront sign their requests
# (SigV4, examples/cdk/iamclient) and call the execute-api URL directly; their
# roles need execute-api:Invoke on these methods. The origin header is neither
# needed nor accepted here: the authorizer is not involved.

locals {
  rest_internal = var.api_type == "rest" && var.internal_path != null
}

resource "aws_api_gateway_resource" "internal_group" {
  count = local.rest_internal ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  parent_id   = aws_api_gateway_rest_api.this[0].root_resource_id
  path_part   = var.internal_path
}

resource "aws_api_gateway_resource" "internal" {
  count = local.rest_internal ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this[0].id
  parent_id   = aws_api_gateway_resource.internal_group[0].id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "internal" {
  count = local.rest_internal ? 1 : 0

  rest_api_id        = aws_api_gateway_rest_api.this[0].id
  resource_id        = aws_api_gateway_resource.internal[0].id
  http_method        = "ANY"
  authorization      = "AWS_IAM"
  request_parameters = { "method.request.path.proxy" = true }
}

resource "aws_api_gateway_integration" "internal" {
  count = local.rest_internal ? 1 : 0

  rest_api_id             = aws_api_gateway_rest_api.this[0].id
  resource_id             = aws_api_gateway_resource.internal[0].id
  http_method             = aws_api_gateway_method.internal[0].http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "ANY"
  uri                     = "${trimsuffix(var.backend_url, "/")}/${var.internal_path}/{proxy}"
  request_parameters      = merge({ "integration.request.path.proxy" = "method.request.path.proxy" }, local.strip_header)
}
