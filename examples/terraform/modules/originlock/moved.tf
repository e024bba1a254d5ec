# Earlier versions of this module held the functions and the secret
# themselves; they now live in the rotation and authorizer submodules. These
# blocks move existing state there instead of replacing the resources.

moved {
  from = aws_secretsmanager_secret.this
  to   = module.rotation.aws_secretsmanager_secret.this[0]
}

moved {
  from = aws_secretsmanager_secret_version.initial
  to   = module.rotation.aws_secretsmanager_secret_version.initial[0]
}

moved {
  from = aws_secretsmanager_secret_rotation.this
  to   = module.rotation.aws_secretsmanager_secret_rotation.this
}

moved {
  from = aws_cloudwatch_log_group.rotation
  to   = module.rotation.aws_cloudwatch_log_group.this
}

moved {
  from = aws_lambda_function.rotation
  to   = module.rotation.aws_lambda_function.this
}

moved {
  from = aws_lambda_permission.rotation
  to   = module.rotation.aws_lambda_permission.this
}

moved {
  from = aws_iam_role.rotation
  to   = module.rotation.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.rotation
  to   = module.rotation.aws_iam_role_policy.this
}

moved {
  from = aws_cloudwatch_log_group.authorizer
  to   = module.authorizer.aws_cloudwatch_log_group.this
}

moved {
  from = aws_lambda_function.authorizer
  to   = module.authorizer.aws_lambda_function.this
}

moved {
  from = aws_iam_role.authorizer
  to   = module.authorizer.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.authorizer
  to   = module.authorizer.aws_iam_role_policy.this
}

moved {
  from = aws_api_gateway_authorizer.this
  to   = module.authorizer.aws_api_gateway_authorizer.this
}

moved {
  from = aws_apigatewayv2_authorizer.this
  to   = module.authorizer.aws_apigatewayv2_authorizer.this
}
