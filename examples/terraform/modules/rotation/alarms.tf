# Telling someone when rotation goes wrong:
#   - an EventBridge rule for Secrets Manager's RotationFailed and
#     RotationAbandoned events of this secret (CloudTrail service events),
#   - CloudWatch alarms on the function's errors and on an invocation nearing
#     the timeout (testSecret waits for CloudFront's deployment: a rotation
#     that keeps running out of time fails later),
# all to one SNS topic, given or created.

locals {
  create_topic    = var.alarms_enabled && var.alarm_topic_arn == null
  alarm_topic_arn = var.alarms_enabled ? (var.alarm_topic_arn != null ? var.alarm_topic_arn : aws_sns_topic.alarms[0].arn) : null

  rotation_failed_pattern = {
    source      = ["aws.secretsmanager"]
    detail-type = ["AWS Service Event via CloudTrail"]
    detail = {
      eventSource         = ["secretsmanager.amazonaws.com"]
      eventName           = ["RotationFailed", "RotationAbandoned"]
      additionalEventData = { SecretId = [local.secret_arn] }
    }
  }
}

resource "aws_sns_topic" "alarms" {
  count = local.create_topic ? 1 : 0

  name              = "${var.name}-rotation-alarms"
  kms_master_key_id = var.alarm_topic_kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "alarms_topic" {
  count = local.create_topic ? 1 : 0

  statement {
    sid       = "EventBridgeReportsFailedRotations"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms[0].arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.rotation_failed[0].arn]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsNotify"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms[0].arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  count = local.create_topic ? 1 : 0

  arn    = aws_sns_topic.alarms[0].arn
  policy = data.aws_iam_policy_document.alarms_topic[0].json
}

resource "aws_cloudwatch_event_rule" "rotation_failed" {
  count = var.alarms_enabled ? 1 : 0

  name          = "${var.name}-rotation-failed"
  description   = "Secrets Manager could not rotate the origin header secret (RotationFailed, RotationAbandoned)"
  event_pattern = jsonencode(local.rotation_failed_pattern)
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "rotation_failed" {
  count = var.alarms_enabled ? 1 : 0

  rule      = aws_cloudwatch_event_rule.rotation_failed[0].name
  target_id = "notify"
  arn       = local.alarm_topic_arn
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  count = var.alarms_enabled ? 1 : 0

  alarm_name          = "${local.function_name}-errors"
  alarm_description   = "The rotation function failed a step; Secrets Manager retries, but a rotation that keeps failing leaves AWSPENDING behind. Read the function's log group."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  ok_actions          = [local.alarm_topic_arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "duration" {
  count = var.alarms_enabled ? 1 : 0

  alarm_name          = "${local.function_name}-duration"
  alarm_description   = "A rotation step ran close to the function's timeout (CloudFront deploying slowly, or throttled): raise rotation_timeout or look at the distributions."
  namespace           = "AWS/Lambda"
  metric_name         = "Duration"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = floor(var.rotation_timeout * 1000 * var.duration_alarm_ratio)
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [local.alarm_topic_arn]
  tags                = var.tags
}
