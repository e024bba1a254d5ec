# --- naming ---------------------------------------------------------------------

variable "name" {
  description = "Prefix of every resource name (function, role, log group, alarms, dashboard). Letters, digits, - and _; at most 48 characters."
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

# --- the secret and the header ----------------------------------------------------

variable "secret_arn" {
  description = "ARN of the secret holding the header value (the rotation module's output secret_arn, or your own)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", var.secret_arn))
    error_message = "secret_arn must be a Secrets Manager secret ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-xxxxxx)."
  }
}

variable "secret_format" {
  description = "How the secret holds the value: \"json\" (under secret_json_key) or \"plain\"."
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
  description = "ARN of the customer managed KMS key the secret is encrypted with, if any: the function gets kms:Decrypt on it, only through Secrets Manager and only for this secret."
  type        = string
  default     = null
}

variable "header_name" {
  description = "Header carrying the value: the origin custom header CloudFront sends."
  type        = string
  default     = "X-Origin-Verify"

  validation {
    condition     = can(regex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$", var.header_name))
    error_message = "The header name must be 1 to 256 HTTP token characters (letters, digits and !#$%&'*+-.^_`|~)."
  }
}

# --- the API ----------------------------------------------------------------------

variable "api_type" {
  description = "\"rest\" (REST API: REQUEST authorizer) or \"http\" (HTTP API: payload 2.0 authorizer with simple responses)."
  type        = string

  validation {
    condition     = contains(["rest", "http"], var.api_type)
    error_message = "The API type must be rest or http."
  }
}

variable "api_id" {
  description = "ID of the existing REST API or HTTP API to attach the authorizer to; it need not be managed by this configuration."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{1,32}$", var.api_id))
    error_message = "api_id must be an API Gateway API ID (lower-case letters and digits)."
  }
}

variable "authorizer_name" {
  description = "Name of the authorizer in the API."
  type        = string
  default     = "origin-header"
}

variable "authorizer_result_ttl" {
  description = "Seconds API Gateway caches the authorizer's answer per header value (0 to 3600; 0 disables caching). A cached Allow for an old value outlives rotation by up to this long, so it may not exceed authorizer_settings.previous_grace."
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

  # API Gateway keeps a cached Allow for up to the TTL; the authorizer keeps
  # accepting AWSPREVIOUS for the grace window. A TTL longer than the grace
  # would make how long an old value works depend on API Gateway's cache
  # rather than on the setting meant for it.
  validation {
    condition = (var.authorizer_settings.previous_grace == null ? 900 : (var.authorizer_settings.previous_grace == "0" ? 0 : sum(concat([0], [
      for part in regexall("([0-9]+)([hms])", var.authorizer_settings.previous_grace) : tonumber(part[0]) * { h = 3600, m = 60, s = 1 }[part[1]]
    ])))) >= var.authorizer_result_ttl
    error_message = "authorizer_result_ttl must not exceed authorizer_settings.previous_grace (15m by default): lower the TTL or lengthen the grace."
  }
}

variable "settle_delay" {
  description = "Seconds the rotation function lets a new value settle before CloudFront may send it (SETTLE_DELAY, the same value as the rotation module's settle_delay): the authorizer relies on it to deny, rather than fail, an unknown value seen within the refresh cooldown. Must be at least the refresh cooldown plus read_timeout (5 s by default)."
  type        = number
  default     = 10

  validation {
    condition = floor(var.settle_delay) == var.settle_delay && var.settle_delay >= var.read_timeout + (var.authorizer_settings.refresh_cooldown == null ? 5 : (var.authorizer_settings.refresh_cooldown == "0" ? 0 : sum(concat([0], [
      for part in regexall("([0-9]+)([hms])", var.authorizer_settings.refresh_cooldown) : tonumber(part[0]) * { h = 3600, m = 60, s = 1 }[part[1]]
    ]))))
    error_message = "settle_delay must be whole seconds, at least authorizer_settings.refresh_cooldown (5s by default) plus read_timeout: a new value must not reach CloudFront before every authorizer can have re-read the secret."
  }
}

variable "read_timeout" {
  description = "Seconds added to the refresh cooldown when settle_delay is checked: the authorizer's 3 s read timeout and 1 s consistency margin, plus 1 because the authorizer function requires settle_delay to exceed their sum (5 by default, the exact rule for whole seconds)."
  type        = number
  default     = 5

  validation {
    condition     = var.read_timeout >= 1 && floor(var.read_timeout) == var.read_timeout
    error_message = "read_timeout must be whole seconds, at least 1."
  }
}

# --- the function ---------------------------------------------------------------

variable "code" {
  description = "The authorizer function's package, a zip holding the bootstrap binary built from examples/lambda/authorizer: either zip_file (a local path, e.g. dist/authorizer-arm64.zip of scripts/build-lambdas, or a released artifact downloaded beside the configuration) or s3_bucket and s3_key (and optionally s3_object_version; a released artifact copied to your bucket). source_code_hash (base64 SHA-256 of the zip) makes an S3 package redeploy when it changes."
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

variable "authorizer_timeout" {
  description = "Function timeout in seconds (1 to 30). The authorizer never waits on the request path; this bounds a cold start and one Secrets Manager read."
  type        = number
  default     = 10

  validation {
    condition     = var.authorizer_timeout >= 1 && var.authorizer_timeout <= 30
    error_message = "The authorizer timeout must be between 1 and 30 seconds."
  }
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
  description = "Emit the function's metrics; false sets METRICS=off (and leaves out the alarm on unavailable decisions and the dashboard, which read them)."
  type        = bool
  default     = true
}

variable "alarms_enabled" {
  description = "Create the CloudWatch alarms: decisions with Outcome \"unavailable\" (the authorizer could not decide: API Gateway answered 500) and function errors."
  type        = bool
  default     = true
}

variable "alarm_actions" {
  description = "ARNs the alarms notify, e.g. the rotation module's alarm_topic_arn."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "dashboard_enabled" {
  description = "Create a CloudWatch dashboard: decisions by version stage (current, pending, previous), denials and unavailable decisions, secret reads, errors."
  type        = bool
  default     = true
}
