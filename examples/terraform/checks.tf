# The distribution's header takes AWSCURRENT as Terraform read it when it
# planned. A plan made during a rotation and applied after it finished writes
# the value that has just become AWSPREVIOUS: the authorizer accepts it only
# for its grace window (15 minutes by default), then refuses every request.
# After each apply this check reads AWSCURRENT again and warns when the value
# written is no longer it; apply again to put the current value back. (On the
# very first plan it says the result is known after apply.)
check "distribution_sends_the_current_value" {
  data "aws_secretsmanager_secret_version" "after_apply" {
    secret_id     = module.originlock.secret_arn
    version_stage = "AWSCURRENT"
  }

  assert {
    condition     = module.originlock.header_value == jsondecode(data.aws_secretsmanager_secret_version.after_apply.secret_string)[module.originlock.secret_json_key]
    error_message = "The distribution was given a header value that is no longer the secret's AWSCURRENT: the plan was made before a rotation finished. Run terraform apply again before the authorizer's grace window for the previous value ends."
  }
}
