# Test fixture, never deployed: a user's own method on an existing REST API,
# wired to the authorizer module's outputs the way its README says — the
# authorizer on the method, the header stripped by the integration.

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

resource "aws_api_gateway_resource" "orders" {
  rest_api_id = var.rest_api_id
  parent_id   = var.root_resource_id
  path_part   = "orders"
}

resource "aws_api_gateway_method" "orders" {
  rest_api_id   = var.rest_api_id
  resource_id   = aws_api_gateway_resource.orders.id
  http_method   = "ANY"
  authorization = "CUSTOM"
  authorizer_id = var.authorizer_id
}

resource "aws_api_gateway_integration" "orders" {
  rest_api_id             = var.rest_api_id
  resource_id             = aws_api_gateway_resource.orders.id
  http_method             = aws_api_gateway_method.orders.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "ANY"
  uri                     = "https://backend.example.com/orders"
  request_parameters      = var.request_parameters
}
