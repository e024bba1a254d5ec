# tflint configuration for examples/terraform (root and modules/originlock).
# scripts/test-terraform runs tflint at a pinned version with --recursive.
#
# Only the ruleset bundled in tflint (terraform) is used: the AWS ruleset is a
# plugin that tflint --init downloads from GitHub, which the project's offline
# test machines cannot do. With network access, add
#
#   plugin "aws" {
#     enabled = true
#     version = "<pinned>"
#     source  = "github.com/terraform-linters/tflint-ruleset-aws"
#   }

config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "all"
}
