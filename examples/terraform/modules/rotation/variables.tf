# --- naming ---------------------------------------------------------------------

variable "name" {
  description = "Prefix of every resource name (function, role, log group, rule, alarms). Letters, digits, - and _; at most 48 characters so that derived names stay within AWS limits."
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

# --- the secret -------------------------------------------------------------------

variable "secret_arn" {
  description = "ARN of an existing secret to rotate. Its AWSCURRENT must already hold a header value in secret_format, and the distributions must already send it (or rotate_immediately puts it there). Default (null): the module creates the secret and its first value."
  type        = string
  default     = null

  validation {
    condition     = var.secret_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.secret_arn))
    error_message = "secret_arn must be a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-xxxxxx)."
  }
}

variable "secret_name" {
  description = "Name of the secret the module creates (secret_arn = null). Default: \"<name>/origin-verify\"."
  type        = string
  default     = null

  validation {
    condition     = var.secret_name == null || can(regex("^[A-Za-z0-9/_+=.@-]{1,512}$", var.secret_name))
    error_message = "A secret name is 1 to 512 letters, digits and /_+=.@- characters."
  }
}

variable "secret_format" {
  description = "How the secret holds the value: \"json\" (under secret_json_key; other keys are kept) or \"plain\" (the whole secret string)."
  type        = string
  default     = "json"

  validation {
    condition     = contains(["json", "plain"], var.secret_format)
    error_message = "The secret format must be json or plain."
  }
}

variable "secret_json_key" {
  description = "JSON key under which the secret holds the header value (secret_format = \"json\")."
  type        = string
  default     = "HEADERVALUE"

  validation {
    condition     = length(var.secret_json_key) > 0
    error_message = "The JSON key must not be empty."
  }
}

variable "secret_kms_key_arn" {
  description = "ARN of the customer managed KMS key the secret is (or is to be) encrypted with. Default: the AWS managed key aws/secretsmanager. When set, the function gets kms:Decrypt and kms:GenerateDataKey on it, only through Secrets Manager and only for this secret."
  type        = string
  default     = null
}

variable "secret_recovery_window_in_days" {
  description = "Days Secrets Manager keeps a secret the module created after destroy: 0 (delete at once) or 7 to 30."
  type        = number
  default     = 30

  validation {
    condition     = var.secret_recovery_window_in_days == 0 || (var.secret_recovery_window_in_days >= 7 && var.secret_recovery_window_in_days <= 30)
    error_message = "The recovery window must be 0 or between 7 and 30 days."
  }
}

variable "header_name" {
  description = "Origin custom header CloudFront sends. Must be an HTTP token of at most 256 characters that CloudFront lets origin custom headers set: not Cache-Control, Connection, Content-Length, Cookie, Host, If-Match, If-Modified-Since, If-None-Match, If-Range, If-Unmodified-Since, Max-Forwards, Pragma, Proxy-Authorization, Proxy-Connection, Range, Request-Range, TE, Trailer, Transfer-Encoding, Upgrade, Via, X-Real-Ip, or a name starting with X-Amz- or X-Edge-."
  type        = string
  default     = "X-Origin-Verify"

  validation {
    condition     = can(regex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$", var.header_name))
    error_message = "The header name must be 1 to 256 HTTP token characters (letters, digits and !#$%&'*+-.^_`|~)."
  }

  validation {
    condition = !contains([
      "cache-control", "connection", "content-length", "cookie", "host", "if-match",
      "if-modified-since", "if-none-match", "if-range", "if-unmodified-since",
      "max-forwards", "pragma", "proxy-authorization", "proxy-connection", "range",
      "request-range", "te", "trailer", "transfer-encoding", "upgrade", "via", "x-real-ip",
    ], lower(var.header_name)) && !startswith(lower(var.header_name), "x-amz-") && !startswith(lower(var.header_name), "x-edge-")
    error_message = "CloudFront cannot add this header to origin requests: Cache-Control, Connection, Content-Length, Cookie, Host, If-Match, If-Modified-Since, If-None-Match, If-Range, If-Unmodified-Since, Max-Forwards, Pragma, Proxy-Authorization, Proxy-Connection, Range, Request-Range, TE, Trailer, Transfer-Encoding, Upgrade, Via, X-Real-Ip and names starting with X-Amz- or X-Edge- are reserved."
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

# --- the distributions ----------------------------------------------------------

variable "distributions" {
  description = "CloudFront distributions whose origin header rotation keeps in step, by ID; they need not be managed by this configuration. origin_ids: the origins to update (empty: every origin that already carries the header)."
  type = list(object({
    id         = string
    origin_ids = optional(list(string), [])
  }))
  nullable = false

  validation {
    condition     = length(var.distributions) > 0 && alltrue([for d in var.distributions : can(regex("^[A-Z0-9]{1,32}$", d.id))])
    error_message = "Give at least one distribution; a distribution ID is upper-case letters and digits (E1ABCDEF2GHIJK)."
  }

  validation {
    condition     = length(distinct([for d in var.distributions : d.id])) == length(var.distributions)
    error_message = "A distribution is listed twice."
  }

  validation {
    condition     = alltrue([for d in var.distributions : alltrue([for o in d.origin_ids : can(regex("^[^,;: ]+$", o))])])
    error_message = "An origin ID must not be empty nor contain a comma, semicolon, colon or space."
  }
}

variable "cloudfront_role_arn" {
  description = "Role in the distributions' account that the function assumes to read and update them (CLOUDFRONT_ROLE_ARN). Default (null): the distributions are in this account and the function's own role may update them."
  type        = string
  default     = null

  validation {
    condition     = var.cloudfront_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.cloudfront_role_arn))
    error_message = "cloudfront_role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)."
  }
}

variable "cloudfront_external_id" {
  description = "External ID the role in the distributions' account requires (CLOUDFRONT_EXTERNAL_ID); only with cloudfront_role_arn."
  type        = string
  default     = null

  validation {
    condition     = var.cloudfront_external_id == null || var.cloudfront_role_arn != null
    error_message = "cloudfront_external_id needs cloudfront_role_arn."
  }
}

# --- the function ---------------------------------------------------------------

variable "code" {
  description = "The rotation function's package, a zip holding the bootstrap binary built from examples/lambda/rotation: either zip_file (a local path, e.g. dist/rotation-arm64.zip of scripts/build-lambdas, or a released artifact downloaded beside the configuration) or s3_bucket and s3_key (and optionally s3_object_version; a released artifact copied to your bucket). source_code_hash (base64 SHA-256 of the zip) makes an S3 package redeploy when it changes."
  type = object({
    zip_file          = optional(string)
    s3_bucket         = optional(string)
    s3_key            = optional(string)
    s3_object_version = optional(string)
    source_code_hash  = optional(string)
  })
  nullable = false

  validation {
    condition     = (var.code.zip_file != null) != (var.code.s3_bucket != null && var.code.s3_key != null) && (var.code.zip_file == null || (var.code.s3_bucket == null && var.code.s3_key == null && var.code.s3_object_version == null))
    error_message = "Set code.zip_file, or code.s3_bucket and code.s3_key, not both."
  }

  validation {
    condition     = var.code.zip_file == null || endswith(coalesce(var.code.zip_file, ".zip"), ".zip")
    error_message = "code.zip_file must be a .zip file."
  }
}

variable "lambda_architecture" {
  description = "Instruction set the package was built for: arm64 or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "The architecture must be arm64 or x86_64."
  }
}

variable "rotation_timeout" {
  description = "Rotation function timeout in seconds (60 to 900). testSecret waits for CloudFront to deploy the new value until this deadline (minus a margin); if it runs out, Secrets Manager retries the rotation."
  type        = number
  default     = 900

  validation {
    condition     = var.rotation_timeout >= 60 && var.rotation_timeout <= 900
    error_message = "The rotation timeout must be between 60 and 900 seconds."
  }
}

variable "settle_delay" {
  description = "Seconds setSecret lets a new value settle before CloudFront may send it (SETTLE_DELAY), so that every authorizer can learn it first. Must be at least the authorizers' refresh cooldown plus authorizer_read_timeout (5 s by default), and at most half the rotation timeout. Give the authorizer module the same value."
  type        = number
  default     = 10

  validation {
    condition     = floor(var.settle_delay) == var.settle_delay && var.settle_delay >= var.authorizer_refresh_cooldown + var.authorizer_read_timeout
    error_message = "settle_delay must be whole seconds, at least authorizer_refresh_cooldown + authorizer_read_timeout: a new value must not reach CloudFront before every authorizer can have re-read the secret."
  }

  validation {
    condition     = var.settle_delay * 2 <= var.rotation_timeout
    error_message = "settle_delay must be at most half of rotation_timeout: setSecret has to finish its CloudFront update within the same invocation."
  }
}

variable "authorizer_refresh_cooldown" {
  description = "Seconds: the authorizers' REFRESH_COOLDOWN (least time between two re-reads caused by unknown values), to check settle_delay against. Default: the authorizer's default, 5."
  type        = number
  default     = 5

  validation {
    condition     = var.authorizer_refresh_cooldown >= 0 && floor(var.authorizer_refresh_cooldown) == var.authorizer_refresh_cooldown
    error_message = "authorizer_refresh_cooldown must be whole seconds, at least 0."
  }
}

variable "authorizer_read_timeout" {
  description = "Seconds added to the refresh cooldown when settle_delay is checked: the authorizer's 3 s read timeout and 1 s consistency margin, plus 1 because the authorizer function requires settle_delay to exceed their sum (5 by default, the exact rule for whole seconds)."
  type        = number
  default     = 5

  validation {
    condition     = var.authorizer_read_timeout >= 0 && floor(var.authorizer_read_timeout) == var.authorizer_read_timeout
    error_message = "authorizer_read_timeout must be whole seconds, at least 0."
  }
}

variable "revoke_previous" {
  description = "Emergency mode (REVOKE_PREVIOUS): finishSecret removes AWSPREVIOUS from the old version right after moving AWSCURRENT, so a leaked value stops working at once instead of after the authorizers' grace window."
  type        = bool
  default     = false
}

variable "permissions_boundary_arn" {
  description = "ARN of a managed policy to set as the permissions boundary of the function's role."
  type        = string
  default     = null
}

variable "role_path" {
  description = "Path of the function's IAM role, e.g. \"/service/\"."
  type        = string
  default     = "/"

  validation {
    condition     = can(regex("^/([\\x21-\\x7e]{1,510}/)?$", var.role_path))
    error_message = "The role path must start and end with / (e.g. /service/)."
  }
}

# --- schedule ---------------------------------------------------------------------

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
  description = "Alternative to rotation_schedule: rotate N days after the last rotation (1 to 1000). Requires rotation_schedule = null."
  type        = number
  default     = null

  validation {
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
  description = "Rotate as soon as rotation is configured (production: true): replaces a new secret's first value and puts the value on the distributions. false only asks Secrets Manager to test the function (testSecret)."
  type        = bool
  default     = true
}

# --- logs, metrics, alarms --------------------------------------------------------

variable "log_retention_days" {
  description = "Retention of the function's CloudWatch log group, in days (a value CloudWatch Logs accepts, e.g. 7, 30, 90, 365)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The retention must be one CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "log_kms_key_arn" {
  description = "ARN of a KMS key to encrypt the log group with (its key policy must allow CloudWatch Logs)."
  type        = string
  default     = null
}

variable "log_level" {
  description = "Log level: debug, info, warn or error. Logs are JSON (Lambda's JSON log format); no level ever logs a header value."
  type        = string
  default     = "info"

  validation {
    condition     = contains(["debug", "info", "warn", "error"], var.log_level)
    error_message = "The log level must be debug, info, warn or error."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the function's metrics (METRICS_NAMESPACE, Embedded Metric Format)."
  type        = string
  default     = "Originlock"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/#:-]{1,255}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/")
    error_message = "The metrics namespace must be 1 to 255 letters, digits or ._/#:- and must not start with AWS/."
  }
}

variable "metrics_enabled" {
  description = "Emit the function's metrics; false sets METRICS=off."
  type        = bool
  default     = true
}

variable "alarms_enabled" {
  description = "Create the EventBridge rule for failed rotations and the CloudWatch alarms (function errors, duration near the timeout)."
  type        = bool
  default     = true
}

variable "alarm_topic_arn" {
  description = "SNS topic that failed rotations and alarms notify. Its policy must let events.amazonaws.com and cloudwatch.amazonaws.com publish. Default (null): the module creates a topic (output alarm_topic_arn); subscribe to it."
  type        = string
  default     = null
}

variable "alarm_topic_kms_key_arn" {
  description = "KMS key for the topic the module creates; its key policy must let EventBridge and CloudWatch use it. Default: unencrypted (the AWS managed key aws/sns cannot be used by EventBridge)."
  type        = string
  default     = null
}

variable "duration_alarm_ratio" {
  description = "The duration alarm fires when an invocation lasts longer than this share of the timeout (0.5 to 1)."
  type        = number
  default     = 0.8

  validation {
    condition     = var.duration_alarm_ratio >= 0.5 && var.duration_alarm_ratio <= 1
    error_message = "duration_alarm_ratio must be between 0.5 and 1."
  }
}
