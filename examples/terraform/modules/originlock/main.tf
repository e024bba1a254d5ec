# originlock: lock an API to CloudFront with a rotated secret origin header.
#
#   secret.tf      the Secrets Manager secret, its first value, the value CloudFront sends
#   rotation.tf    the rotation Lambda and the rotation schedule
#   authorizer.tf  the authorizer Lambda
#   api_rest.tf    REST API with a REQUEST authorizer      (api_type = "rest")
#   api_http.tf    HTTP API with a payload 2.0 authorizer  (api_type = "http")
#   cloudfront.tf  the distribution in front of the API
#
# Dependency order, without cycles: secret -> authorizer Lambda -> API ->
# distribution -> rotation Lambda (its DISTRIBUTIONS names the distribution) ->
# rotation schedule.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  # The one origin of the distribution; the rotation Lambda rotates its header.
  origin_id = "api"

  rotation_function_name   = "${var.name}-rotation"
  authorizer_function_name = "${var.name}-authorizer"
  secret_name              = coalesce(var.secret_name, "${var.name}/origin-verify")

  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name

  # The API the distribution forwards to, whichever flavour is deployed.
  api_domain = (var.api_type == "rest"
    ? "${one(aws_api_gateway_rest_api.this[*].id)}.execute-api.${local.region}.${data.aws_partition.current.dns_suffix}"
    : trimprefix(one(aws_apigatewayv2_api.this[*].api_endpoint), "https://")
  )
  api_origin_path = var.api_type == "rest" ? "/${one(aws_api_gateway_stage.this[*].stage_name)}" : ""
  api_url         = var.api_type == "rest" ? one(aws_api_gateway_stage.this[*].invoke_url) : one(aws_apigatewayv2_stage.this[*].invoke_url)
}
