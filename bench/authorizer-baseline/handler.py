"""The baseline: a REST API REQUEST authorizer that fetches the secret on
every request, as the blog posts on locking an API to CloudFront show it.

It exists only to be measured against originlock's authorizer (bench/,
scripts/bench). Like the posts, it creates the boto3 client once, at module
load, and calls GetSecretValue for AWSCURRENT on every invocation, then
compares the header with the secret's HEADERVALUE. (Posts that also accept
AWSPENDING make a second call per request; this one makes the fewest calls a
per-request-fetch authorizer can.)
"""

import json
import os

import boto3

SECRET_ID = os.environ["SECRET_ID"]
HEADER_NAME = os.environ.get("HEADER_NAME", "X-Origin-Verify").lower()
JSON_KEY = os.environ.get("SECRET_JSON_KEY", "HEADERVALUE")

client = boto3.client("secretsmanager")


def handler(event, context):
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    value = headers.get(HEADER_NAME, "")
    secret = json.loads(client.get_secret_value(SecretId=SECRET_ID)["SecretString"])
    allowed = value != "" and value == secret[JSON_KEY]
    return {
        "principalId": "cloudfront" if allowed else "unverified",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow" if allowed else "Deny",
                    "Resource": event["methodArn"],
                }
            ],
        },
    }
