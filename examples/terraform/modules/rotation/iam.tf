# The function's role. Every statement names its resources: the secret, the
# distributions (or the role to assume in their account), the function's own
# log group, the KMS key when one is configured.

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name                 = local.function_name
  path                 = var.role_path
  description          = "Rotation function of the origin header secret"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid = "RotateTheSecret"
    actions = [
      "secretsmanager:DescribeSecret",
      "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue",
      "secretsmanager:UpdateSecretVersionStage",
    ]
    resources = [local.secret_arn]
  }

  # Distributions in this account: the function updates them itself.
  dynamic "statement" {
    for_each = local.cross_account ? [] : [1]
    content {
      sid = "UpdateTheDistributions"
      actions = [
        "cloudfront:GetDistribution",
        "cloudfront:GetDistributionConfig",
        "cloudfront:UpdateDistribution",
      ]
      resources = [for d in var.distributions : "arn:${local.partition}:cloudfront::${local.account_id}:distribution/${d.id}"]
    }
  }

  # Distributions in another account: through a role there, which grants the
  # three CloudFront actions on them.
  dynamic "statement" {
    for_each = local.cross_account ? [var.cloudfront_role_arn] : []
    content {
      sid       = "AssumeTheDistributionsRole"
      actions   = ["sts:AssumeRole"]
      resources = [statement.value]
    }
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  dynamic "statement" {
    for_each = var.secret_kms_key_arn == null ? [] : [var.secret_kms_key_arn]
    content {
      sid       = "UseTheSecretKeyThroughSecretsManager"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:SecretARN"
        values   = [local.secret_arn]
      }
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "rotate-origin-header"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}
