# --- naming -------------------------------------------------------------------

variable "name" {
  description = "Prefix of every resource name (functions, roles, log groups, APIs). Letters, digits, - and _; at most 48 characters so that derived names stay within AWS limits."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,48}$", var.name))
    error_message = "The name must be 1 to 48 letters, digits, - or _."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource the module creates."
  type        = map(string)
  default     = {}
}

# --- the header and its secret --------------------------------------------------

variable "header_name" {
  description = "Origin custom header CloudFront sends and the authorizer checks. Must be an HTTP token of at most 256 characters that CloudFront lets origin custom headers set: not Cache-Control, Connection, Content-Length, Cookie, Host, If-Match, If-Modified-Since, If-None-Match, If-Range, If-Unmodified-Since, Max-Forwards, Pragma, Proxy-Authorization, Proxy-Connection, Range, Request-Range, TE, Trailer, Transfer-Encoding, Upgrade, Via, X-Real-Ip, or a name starting with X-Amz- or X-Edge-."
  type        = string
  default     = "X-Origin-Verify"

  validation {
    # RFC 9110 token characters; CloudFront allows names up to 256 characters.
    condition     = can(regex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$", var.header_name))
    error_message = "The header name must be 1 to 256 HTTP token characters (letters, digits and !#$%&'*+-.^_`|~)."
  }

  validation {
    # CloudFront Developer Guide: "Custom headers that CloudFront can't add to
    # origin requests". Compared case-insensitively, as HTTP does.
    condition = !contains([
      "cache-control", "connection", "content-length", "cookie", "host", "if-match",
      "if-modified-since", "if-none-match", "if-range", "if-unmodified-since",
      "max-forwards", "pragma", "proxy-authorization", "proxy-connection", "range",
      "request-range", "te", "trailer", "transfer-encoding", "upgrade", "via", "x-real-ip",
    ], lower(var.header_name)) && !startswith(lower(var.header_name), "x-amz-") && !startswith(lower(var.header_name), "x-edge-")
    error_message = "CloudFront cannot add this header to origin requests: Cache-Control, Connection, Content-Length, Cookie, Host, If-Match, If-Modified-Since, If-None-Match, If-Range, If-Unmodified-Since, Max-Forwards, Pragma, Proxy-Authorization, Proxy-Connection, Range, Request-Range, TE, Trailer, Transfer-Encoding, Upgrade, Via, X-Real-Ip and names starting with X-Amz- or X-Edge- are reserved."
  }
}

variable "secret_name" {
  description = "Name of the Secrets Manager secret. Default: \"<name>/origin-verify\"."
  type        = string
  default     = null

  validation {
    condition     = var.secret_name == null || can(regex("^[A-Za-z0-9/_+=.@-]{1,512}$", var.secret_name))
    error_message = "A secret name is 1 to 512 letters, digits and /_+=.@- characters."
  }
}

variable "secret_json_key" {
  description = "JSON key under which the secret holds the header value (the secret string is a JSON object; other keys are kept by rotation)."
  type        = string
  default     = "HEADERVALUE"

  validation {
    condition     = length(var.secret_json_key) > 0
    error_message = "The JSON key must not be empty."
  }
}

variable "secret_kms_key_arn" {
  description = "ARN of a customer managed KMS key to encrypt the secret with. Default: the AWS managed key aws/secretsmanager. When set, both functions get kms:Decrypt (and rotation kms:GenerateDataKey) on this key, only through Secrets Manager and only for this secret."
  type        = string
  default     = null
}

variable "secret_recovery_window_in_days" {
  description = "Days Secrets Manager keeps the secret after destroy before deleting it: 0 (delete at once) or 7 to 30."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_in_days == 0 || (var.secret_recovery_window_in_days >= 7 && var.secret_recovery_window_in_days <= 30)
    error_message = "The recovery window must be 0 or between 7 and 30 days."
  }
}

# --- rotation -------------------------------------------------------------------

variable "rotation_lambda_zip" {
  description = "Path of the rotation function's deployment package: a zip holding the `bootstrap` binary built from examples/lambda/rotation (scripts/build-lambdas writes dist/rotation-arm64.zip), or a released artifact downloaded beside the configuration. Set this or rotation_code."
  type        = string
  default     = null

  validation {
    condition     = var.rotation_lambda_zip == null || endswith(coalesce(var.rotation_lambda_zip, ".zip"), ".zip")
    error_message = "The rotation package must be a .zip file."
  }
}

variable "rotation_code" {
  description = "The rotation function's package in S3 (a released artifact copied to your bucket): s3_bucket, s3_key, optionally s3_object_version and source_code_hash. Set this or rotation_lambda_zip."
  type = object({
    s3_bucket         = string
    s3_key            = string
    s3_object_version = optional(string)
    source_code_hash  = optional(string)
  })
  default = null

  validation {
    condition     = (var.rotation_code == null) != (var.rotation_lambda_zip == null)
    error_message = "Set exactly one of rotation_lambda_zip and rotation_code."
  }
}

variable "rotation_schedule" {
  description = "When Secrets Manager rotates the value: rate(N days), rate(N hours) (at least 4) or cron(...). Set it to null to use rotation_after_days instead."
  type        = string
  default     = "rate(30 days)"

  validation {
    condition     = var.rotation_schedule == null || can(regex("^(rate\\((1 day|[1-9][0-9]* days|([4-9]|[1-9][0-9]+) hours)\\)|cron\\(.+\\))$", var.rotation_schedule))
    error_message = "The rotation schedule must be rate(N days), rate(N hours) with N >= 4, or cron(...)."
  }
}

variable "rotation_after_days" {
  description = "Alternative to rotation_schedule: rotate N days after the last rotation (Secrets Manager's AutomaticallyAfterDays, 1 to 1000). Requires rotation_schedule = null."
  type        = number
  default     = null

  validation {
    # Exactly one of rotation_schedule and rotation_after_days is set.
    condition = (var.rotation_after_days == null
      ? var.rotation_schedule != null
      : var.rotation_schedule == null && var.rotation_after_days >= 1 && var.rotation_after_days <= 1000 && floor(var.rotation_after_days) == var.rotation_after_days
    )
    error_message = "Set exactly one of rotation_schedule and rotation_after_days; rotation_after_days must be a whole number from 1 to 1000."
  }
}

variable "rotation_window" {
  description = "Length of the window in which a scheduled rotation starts, e.g. \"4h\" (1h to 24h). Default (null): Secrets Manager's default window."
  type        = string
  default     = null

  validation {
    condition     = var.rotation_window == null || can(regex("^([1-9]|1[0-9]|2[0-4])h$", var.rotation_window))
    error_message = "The rotation window must be whole hours from 1h to 24h."
  }
}

variable "rotate_immediately" {
  description = "Replace the initial value by a first rotation as soon as rotation is configured (production: true). false only asks Secrets Manager to test the function (testSecret) and leaves the first rotation to the schedule."
  type        = bool
  default     = true
}

variable "rotation_timeout" {
  description = "Rotation function timeout in seconds. testSecret waits for CloudFront to deploy the new value until this deadline (minus a margin); if it runs out, Secrets Manager retries the rotation."
  type        = number
  default     = 900

  validation {
    condition     = var.rotation_timeout >= 60 && var.rotation_timeout <= 900
    error_message = "The rotation timeout must be between 60 and 900 seconds."
  }
}

variable "value_length" {
  description = "Length of the header values rotation generates (letters and digits), 43 to 1783."
  type        = number
  default     = 64

  validation {
    condition     = var.value_length >= 43 && var.value_length <= 1783 && floor(var.value_length) == var.value_length
    error_message = "The value length must be a whole number from 43 to 1783."
  }
}

# --- authorizer and API -----------------------------------------------------------

variable "authorizer_lambda_zip" {
  description = "Path of the authorizer function's deployment package: a zip holding the `bootstrap` binary built from examples/lambda/authorizer (scripts/build-lambdas writes dist/authorizer-arm64.zip), or a released artifact downloaded beside the configuration. Set this or authorizer_code."
  type        = string
  default     = null

  validation {
    condition     = var.authorizer_lambda_zip == null || endswith(coalesce(var.authorizer_lambda_zip, ".zip"), ".zip")
    error_message = "The authorizer package must be a .zip file."
  }
}

variable "authorizer_code" {
  description = "The authorizer function's package in S3 (a released artifact copied to your bucket): s3_bucket, s3_key, optionally s3_object_version and source_code_hash. Set this or authorizer_lambda_zip."
  type = object({
    s3_bucket         = string
    s3_key            = string
    s3_object_version = optional(string)
    source_code_hash  = optional(string)
  })
  default = null

  validation {
    condition     = (var.authorizer_code == null) != (var.authorizer_lambda_zip == null)
    error_message = "Set exactly one of authorizer_lambda_zip and authorizer_code."
  }
}

variable "lambda_architecture" {
  description = "Instruction set the two packages were built for: arm64 or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "The architecture must be arm64 or x86_64."
  }
}

variable "api_type" {
  description = "API flavour in front of the backend: \"rest\" (REST API, REQUEST authorizer) or \"http\" (HTTP API, payload 2.0 authorizer with simple responses)."
  type        = string
  default     = "rest"

  validation {
    condition     = contains(["rest", "http"], var.api_type)
    error_message = "The API type must be rest or http."
  }
}

variable "backend_url" {
  description = "HTTPS URL of the backend the API proxies to; the request path is appended (https://backend.example.com/v1 + /orders -> https://backend.example.com/v1/orders)."
  type        = string

  validation {
    condition     = can(regex("^https://[^/?#]+(/[^?#]*)?$", var.backend_url))
    error_message = "The backend URL must be an https:// URL without query or fragment."
  }
}

variable "stage_name" {
  description = "REST API stage name (api_type = \"rest\"); the distribution's origin path. HTTP APIs use the $default stage."
  type        = string
  default     = "prod"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "The stage name must be 1 to 128 letters, digits, - or _."
  }
}

variable "authorizer_result_ttl" {
  description = "Seconds API Gateway caches the authorizer's answer per header value (0 to 3600; 0 disables caching). A cached Allow for an old value outlives rotation by up to this long, so keep it below authorizer_settings.previous_grace."
  type        = number
  default     = 300

  validation {
    condition     = var.authorizer_result_ttl >= 0 && var.authorizer_result_ttl <= 3600 && floor(var.authorizer_result_ttl) == var.authorizer_result_ttl
    error_message = "The authorizer result TTL must be a whole number of seconds from 0 to 3600."
  }
}

variable "authorizer_settings" {
  description = "Authorizer tuning as Go durations of whole hours, minutes and seconds (\"90s\", \"5m\", \"1h30m\", \"0\"); null keeps the function's default (examples/lambda/README.md): cache_ttl 5m, refresh_cooldown 5s, previous_grace 15m, max_staleness 6h."
  type = object({
    cache_ttl        = optional(string)
    refresh_cooldown = optional(string)
    previous_grace   = optional(string)
    max_staleness    = optional(string)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for v in values(var.authorizer_settings) : v == null || can(regex("^(0|([0-9]+h)?([0-9]+m)?([0-9]+s)?)$", v)) && v != ""
    ])
    error_message = "Each authorizer setting must be a Go duration of whole hours, minutes and seconds, such as 90s, 5m or 1h30m."
  }

  # A cached Allow must not outlive the window in which the authorizer itself
  # still accepts an old value.
  validation {
    condition = (var.authorizer_settings.previous_grace == null ? 900 : (var.authorizer_settings.previous_grace == "0" ? 0 : sum(concat([0], [
      for part in regexall("([0-9]+)([hms])", var.authorizer_settings.previous_grace) : tonumber(part[0]) * { h = 3600, m = 60, s = 1 }[part[1]]
    ])))) >= var.authorizer_result_ttl
    error_message = "authorizer_result_ttl must not exceed authorizer_settings.previous_grace (15m by default): lower the TTL or lengthen the grace."
  }
}

variable "authorizer_timeout" {
  description = "Authorizer function timeout in seconds (1 to 30). The authorizer never waits on the request path; this bounds a cold start and one Secrets Manager read."
  type        = number
  default     = 10

  validation {
    condition     = var.authorizer_timeout >= 1 && var.authorizer_timeout <= 30
    error_message = "The authorizer timeout must be between 1 and 30 seconds."
  }
}

# --- CloudFront ---------------------------------------------------------------------

variable "price_class" {
  description = "CloudFront price class: PriceClass_100, PriceClass_200 or PriceClass_All."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "The price class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "aliases" {
  description = "Alternate domain names of the distribution; requires acm_certificate_arn."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "acm_certificate_arn" {
  description = "ARN of an ACM certificate in us-east-1 covering the aliases. Default: the *.cloudfront.net certificate."
  type        = string
  default     = null

  validation {
    condition     = (var.acm_certificate_arn == null) == (length(var.aliases) == 0)
    error_message = "Set acm_certificate_arn exactly when aliases are set."
  }
}

variable "web_acl_id" {
  description = "ARN of an AWS WAF (v2, CLOUDFRONT scope) web ACL to attach to the distribution."
  type        = string
  default     = null
}

variable "cache_policy_id" {
  description = "Cache policy of the default behaviour. Default: the managed CachingDisabled policy, right for most APIs."
  type        = string
  default     = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
}

variable "origin_request_policy_id" {
  description = "Origin request policy of the default behaviour. Default: the managed AllViewerExceptHostHeader policy (API Gateway needs its own Host header)."
  type        = string
  default     = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
}

variable "wait_for_deployment" {
  description = "Make apply wait until the distribution is Deployed (several minutes)."
  type        = bool
  default     = true
}

# --- logs ---------------------------------------------------------------------------

variable "log_retention_days" {
  description = "Retention of the two functions' CloudWatch log groups, in days (a value CloudWatch Logs accepts, e.g. 7, 30, 90, 365)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The retention must be one CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "log_kms_key_arn" {
  description = "ARN of a KMS key to encrypt the log groups with (its key policy must allow CloudWatch Logs). Default: CloudWatch Logs encryption."
  type        = string
  default     = null
}

variable "log_level" {
  description = "Log level of both functions: debug, info, warn or error. No level ever logs a header value."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "The log level must be debug, info, warn or error."
  }
}

# --- rotation timing, existing secret, emergency mode ---------------------------------

variable "secret_arn" {
  description = "ARN of an existing secret to use instead of creating one; its AWSCURRENT must hold a header value (JSON under secret_json_key)."
  type        = string
  default     = null
}

variable "settle_delay" {
  description = "Seconds the rotation waits before CloudFront may send a new value (SETTLE_DELAY of both functions). Default (null): twice the refresh cooldown, at least 10. Must be at least the refresh cooldown plus 5 s (the authorizer's 3 s read timeout and 1 s consistency margin, which the authorizer function requires settle_delay to exceed), and at most half the rotation timeout."
  type        = number
  default     = null

  validation {
    # HCL evaluates both sides of ||: the conditional guards floor(null).
    condition = var.settle_delay == null ? true : (floor(var.settle_delay) == var.settle_delay && var.settle_delay >= 5 + (var.authorizer_settings.refresh_cooldown == null ? 5 : (var.authorizer_settings.refresh_cooldown == "0" ? 0 : sum(concat([0], [
      for part in regexall("([0-9]+)([hms])", var.authorizer_settings.refresh_cooldown) : tonumber(part[0]) * { h = 3600, m = 60, s = 1 }[part[1]]
    ])))))
    error_message = "settle_delay must be whole seconds, at least authorizer_settings.refresh_cooldown (5s by default) plus 5 (the authorizer's 3 s read timeout and 1 s consistency margin, strictly exceeded)."
  }

  validation {
    condition     = var.settle_delay == null || coalesce(var.settle_delay, 0) * 2 <= var.rotation_timeout
    error_message = "settle_delay must be at most half of rotation_timeout."
  }
}

variable "revoke_previous" {
  description = "Emergency mode (REVOKE_PREVIOUS): finishSecret removes AWSPREVIOUS from the old version right after moving AWSCURRENT."
  type        = bool
  default     = false
}

# --- IAM ------------------------------------------------------------------------------

variable "permissions_boundary_arn" {
  description = "ARN of a managed policy to set as the permissions boundary of both functions' roles."
  type        = string
  default     = null
}

variable "role_path" {
  description = "Path of both functions' IAM roles, e.g. \"/service/\"."
  type        = string
  default     = "/"
}

# --- internal callers -------------------------------------------------------------------

variable "internal_path" {
  description = "Path segment of a route group (e.g. \"internal\" for /internal/*) that internal callers reach directly, skipping CloudFront, with AWS_IAM authorization (SigV4-signed requests; grant execute-api:Invoke to their roles). Default (null): no such group."
  type        = string
  default     = null

  validation {
    condition     = var.internal_path == null || can(regex("^[A-Za-z0-9._-]{1,64}$", var.internal_path))
    error_message = "internal_path must be one path segment of letters, digits, ., _ or -."
  }
}

# --- metrics and alarms -----------------------------------------------------------------

variable "metrics_namespace" {
  description = "CloudWatch namespace of both functions' metrics (METRICS_NAMESPACE)."
  type        = string
  default     = "Originlock"
}

variable "metrics_enabled" {
  description = "Emit the functions' metrics; false sets METRICS=off."
  type        = bool
  default     = true
}

variable "alarms_enabled" {
  description = "Create the EventBridge rule for failed rotations, the alarms (rotation errors and duration, authorizer unavailable decisions and errors) and the dashboard."
  type        = bool
  default     = true
}

variable "alarm_topic_arn" {
  description = "SNS topic that failed rotations and alarms notify (its policy must let events.amazonaws.com and cloudwatch.amazonaws.com publish). Default (null): a topic is created (output alarm_topic_arn)."
  type        = string
  default     = null
}
