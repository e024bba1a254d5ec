# originlock authorizer: the Lambda authorizer that lets through only requests
# carrying the origin header CloudFront sends, attached to an existing REST API
# or HTTP API. Put the output authorizer_id on the methods (REST, authorization
# "CUSTOM") or routes (HTTP, authorization_type "CUSTOM") to protect, and the
# output integration_request_parameters on their integrations, so that the
# header never reaches the backend.
#
#   function.tf   the function, its code and log group
#   iam.tf        the function's role: read the secret, write its logs
#   attach.tf     the API Gateway authorizer and the permission to invoke
#   alarms.tf     alarms on unavailable decisions and errors; the dashboard

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# id is the region's name with AWS provider 5 and 6 alike (6 deprecates name).
data "aws_region" "current" {}

locals {
  function_name = "${var.name}-authorizer"

  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.id
  partition  = data.aws_partition.current.partition
}
