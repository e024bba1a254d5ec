# Alarms on the authorizer and a dashboard of its decisions. The metrics are
# the function's own (CloudWatch Embedded Metric Format, namespace
# metrics_namespace, dimension FunctionName on every metric):
#   Decisions (FunctionName, Outcome = current|pending|previous|deny|unavailable)
#   UnavailableDecisions (FunctionName, Reason), SecretReads (FunctionName, Cause),
#   SecretReadFailures, SecretReadLatency (FunctionName)

locals {
  metric_alarms = var.alarms_enabled && var.metrics_enabled
  outcomes      = ["current", "pending", "previous", "deny", "unavailable"]
}

# "unavailable": the authorizer could not decide (secret unreadable past its
# staleness bound, or the settle invariant not guaranteed) and returned an
# error, which API Gateway answers with 500 for every caller with that value.
resource "aws_cloudwatch_metric_alarm" "unavailable" {
  count = local.metric_alarms ? 1 : 0

  alarm_name          = "${local.function_name}-unavailable"
  alarm_description   = "The authorizer could not decide (Decisions with Outcome unavailable): API Gateway answered 500. Read the function's log group (reason) and the secret's state."
  namespace           = var.metrics_namespace
  metric_name         = "Decisions"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name, Outcome = "unavailable" }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 2
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  count = var.alarms_enabled ? 1 : 0

  alarm_name          = "${local.function_name}-errors"
  alarm_description   = "The authorizer function failed (init, timeout or unavailable decision): API Gateway answered 500."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 2
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.dashboard_enabled && var.metrics_enabled ? 1 : 0

  dashboard_name = local.function_name
  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title   = "Decisions by version stage"
          region  = local.region
          stat    = "Sum"
          period  = 60
          stacked = true
          view    = "timeSeries"
          metrics = [
            for o in local.outcomes : [var.metrics_namespace, "Decisions", "FunctionName", aws_lambda_function.this.function_name, "Outcome", o, { label = o }]
          ]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title  = "Unavailable decisions by reason"
          region = local.region
          stat   = "Sum"
          period = 60
          view   = "timeSeries"
          metrics = [[{
            expression = "SEARCH('{${var.metrics_namespace},FunctionName,Reason} MetricName=\"UnavailableDecisions\" FunctionName=\"${aws_lambda_function.this.function_name}\"', 'Sum', 60)"
            label      = "unavailable"
          }]]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title  = "Secret reads"
          region = local.region
          stat   = "Sum"
          period = 60
          view   = "timeSeries"
          metrics = [
            [var.metrics_namespace, "SecretReadFailures", "FunctionName", aws_lambda_function.this.function_name, { label = "failures" }],
            [{ expression = "SEARCH('{${var.metrics_namespace},Cause,FunctionName} MetricName=\"SecretReads\" FunctionName=\"${aws_lambda_function.this.function_name}\"', 'Sum', 60)", label = "reads" }],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title  = "Function"
          region = local.region
          period = 60
          view   = "timeSeries"
          metrics = [
            ["AWS/Lambda", "Invocations", "FunctionName", aws_lambda_function.this.function_name, { stat = "Sum" }],
            ["AWS/Lambda", "Errors", "FunctionName", aws_lambda_function.this.function_name, { stat = "Sum" }],
            [var.metrics_namespace, "SecretReadLatency", "FunctionName", aws_lambda_function.this.function_name, { stat = "p99", label = "secret read p99 (ms)" }],
          ]
        }
      },
    ]
  })
}
