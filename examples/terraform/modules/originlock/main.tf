# originlock: lock an API to CloudFront with a rotated secret origin header.
# The all-in-one composition of the two submodules with an API and a
# distribution of its own:
#
#   ../rotation     the secret, the rotation function and schedule, alarms
#   ../authorizer   the authorizer function attached to the API, alarms,
#                   dashboard
#   api_rest.tf     REST API with a REQUEST authorizer      (api_type = "rest")
#   api_http.tf     HTTP API with a payload 2.0 authorizer  (api_type = "http")
#   cloudfront.tf   the distribution in front of the API
#   moved.tf        where the resources of earlier versions went
#
# Dependency order, without cycles: secret -> authorizer -> API ->
# distribution -> rotation function (its DISTRIBUTIONS names the
# distribution) -> rotation schedule.

data "aws_partition" "current" {}

# id is the region's name with AWS provider 5 and 6 alike (6 deprecates name).
data "aws_region" "current" {}

locals {
  # The one origin of the distribution; the rotation function rotates its header.
  origin_id = "api"

  region = data.aws_region.current.id

  cooldown_seconds = (var.authorizer_settings.refresh_cooldown == null ? 5 : (var.authorizer_settings.refresh_cooldown == "0" ? 0 : sum(concat([0], [
    for part in regexall("([0-9]+)([hms])", var.authorizer_settings.refresh_cooldown) : tonumber(part[0]) * { h = 3600, m = 60, s = 1 }[part[1]]
  ]))))
  # setSecret waits this long before CloudFront may send a new value, so that
  # every authorizer can learn it first. Default: twice the cooldown, never
  # under the function's default of 10 s (so at least cooldown + 5 s read).
  settle_delay = coalesce(var.settle_delay, max(10, 2 * local.cooldown_seconds))

  # The API the distribution forwards to, whichever flavour is deployed.
  api_id = var.api_type == "rest" ? one(aws_api_gateway_rest_api.this[*].id) : one(aws_apigatewayv2_api.this[*].id)
  api_domain = (var.api_type == "rest"
    ? "${one(aws_api_gateway_rest_api.this[*].id)}.execute-api.${local.region}.${data.aws_partition.current.dns_suffix}"
    : trimprefix(one(aws_apigatewayv2_api.this[*].api_endpoint), "https://")
  )
  api_origin_path = var.api_type == "rest" ? "/${one(aws_api_gateway_stage.this[*].stage_name)}" : ""
  api_url         = var.api_type == "rest" ? one(aws_api_gateway_stage.this[*].invoke_url) : one(aws_apigatewayv2_stage.this[*].invoke_url)

  # The header never reaches the backend (the authorizer's output).
  strip_header = module.authorizer.integration_request_parameters
}

module "rotation" {
  source = "../rotation"

  name       = var.name
  tags       = var.tags
  secret_arn = var.secret_arn

  secret_name                    = var.secret_name
  secret_json_key                = var.secret_json_key
  secret_kms_key_arn             = var.secret_kms_key_arn
  secret_recovery_window_in_days = var.secret_recovery_window_in_days
  header_name                    = var.header_name
  value_length                   = var.value_length

  distributions = [{ id = aws_cloudfront_distribution.this.id, origin_ids = [local.origin_id] }]

  code = {
    zip_file          = var.rotation_lambda_zip
    s3_bucket         = try(var.rotation_code.s3_bucket, null)
    s3_key            = try(var.rotation_code.s3_key, null)
    s3_object_version = try(var.rotation_code.s3_object_version, null)
    source_code_hash  = try(var.rotation_code.source_code_hash, null)
  }
  lambda_architecture         = var.lambda_architecture
  rotation_timeout            = var.rotation_timeout
  settle_delay                = local.settle_delay
  authorizer_refresh_cooldown = local.cooldown_seconds
  revoke_previous             = var.revoke_previous
  permissions_boundary_arn    = var.permissions_boundary_arn
  role_path                   = var.role_path

  rotation_schedule   = var.rotation_schedule
  rotation_after_days = var.rotation_after_days
  rotation_window     = var.rotation_window
  rotate_immediately  = var.rotate_immediately

  log_retention_days = var.log_retention_days
  log_kms_key_arn    = var.log_kms_key_arn
  log_level          = var.log_level
  metrics_namespace  = var.metrics_namespace
  metrics_enabled    = var.metrics_enabled
  alarms_enabled     = var.alarms_enabled
  alarm_topic_arn    = var.alarm_topic_arn
}

module "authorizer" {
  source = "../authorizer"

  name               = var.name
  tags               = var.tags
  secret_arn         = module.rotation.secret_arn
  secret_json_key    = var.secret_json_key
  secret_kms_key_arn = var.secret_kms_key_arn
  header_name        = var.header_name

  api_type              = var.api_type
  api_id                = local.api_id
  authorizer_result_ttl = var.authorizer_result_ttl
  authorizer_settings   = var.authorizer_settings
  settle_delay          = local.settle_delay

  code = {
    zip_file          = var.authorizer_lambda_zip
    s3_bucket         = try(var.authorizer_code.s3_bucket, null)
    s3_key            = try(var.authorizer_code.s3_key, null)
    s3_object_version = try(var.authorizer_code.s3_object_version, null)
    source_code_hash  = try(var.authorizer_code.source_code_hash, null)
  }
  lambda_architecture      = var.lambda_architecture
  authorizer_timeout       = var.authorizer_timeout
  permissions_boundary_arn = var.permissions_boundary_arn
  role_path                = var.role_path

  log_retention_days = var.log_retention_days
  log_kms_key_arn    = var.log_kms_key_arn
  log_level          = var.log_level
  metrics_namespace  = var.metrics_namespace
  metrics_enabled    = var.metrics_enabled
  alarms_enabled     = var.alarms_enabled
  alarm_actions      = var.alarms_enabled ? [module.rotation.alarm_topic_arn] : []
  dashboard_enabled  = var.alarms_enabled
}
