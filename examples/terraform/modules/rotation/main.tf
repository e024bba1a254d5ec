# originlock rotation: the Secrets Manager secret (new, or an existing one by
# ARN), the rotation function that keeps the origin custom header of one or
# more CloudFront distributions in step with it, the rotation schedule, and
# what tells someone when a rotation fails.
#
#   secret.tf    a new secret and its first value, or the existing one
#   function.tf  the rotation function, its code, its permission to be invoked
#   iam.tf       the function's role: the secret, the distributions (or the
#                role to assume for distributions in another account), its logs
#   schedule.tf  the rotation schedule
#   alarms.tf    EventBridge rule for failed rotations, alarms, SNS topic
#
# The distributions are given by ID: this configuration need not manage them.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# id is the region's name with AWS provider 5 and 6 alike (6 deprecates name).
data "aws_region" "current" {}

locals {
  function_name = "${var.name}-rotation"
  secret_name   = coalesce(var.secret_name, "${var.name}/origin-verify")

  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.id
  partition  = data.aws_partition.current.partition

  secret_arn = var.secret_arn != null ? var.secret_arn : aws_secretsmanager_secret.this[0].arn

  # DISTRIBUTIONS of the rotation function: "E1ABC:api,api-2;E2DEF".
  distributions = join(";", [
    for d in var.distributions : length(d.origin_ids) == 0 ? d.id : "${d.id}:${join(",", d.origin_ids)}"
  ])
  cross_account = var.cloudfront_role_arn != null
}
