"""A minimal Lambda custom runtime for handler.handler, written against the
Lambda Runtime API as a provided.al2023 bootstrap would be (awslambdaric is
not available here). It keeps one HTTP connection to the Runtime API, as the
AWS runtime clients do.

Runtime API: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
"""

import http.client
import json
import os
import sys
import traceback

PREFIX = "/2018-06-01/runtime"
conn = http.client.HTTPConnection(os.environ["AWS_LAMBDA_RUNTIME_API"])


def post(path, body, headers=None):
    data = json.dumps(body).encode()
    conn.request("POST", PREFIX + path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
    resp = conn.getresponse()
    resp.read()


def error_body(exc):
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "stackTrace": traceback.format_tb(exc.__traceback__),
    }


class Context:
    def __init__(self, request_id, deadline_ms, arn):
        self.aws_request_id = request_id
        self.invoked_function_arn = arn
        self._deadline_ms = deadline_ms


def main():
    try:
        import handler  # the function's init: imports boto3, creates the client
    except Exception as exc:  # noqa: BLE001 - reported to Lambda as the init error
        post("/init/error", error_body(exc), {"Lambda-Runtime-Function-Error-Type": "Runtime.ImportModuleError"})
        sys.exit(1)
    while True:
        conn.request("GET", PREFIX + "/invocation/next")
        resp = conn.getresponse()
        event = json.loads(resp.read())
        request_id = resp.getheader("Lambda-Runtime-Aws-Request-Id")
        ctx = Context(request_id, resp.getheader("Lambda-Runtime-Deadline-Ms"), resp.getheader("Lambda-Runtime-Invoked-Function-Arn"))
        try:
            result = handler.handler(event, ctx)
        except Exception as exc:  # noqa: BLE001 - reported to Lambda as the invocation error
            post("/invocation/%s/error" % request_id, error_body(exc), {"Lambda-Runtime-Function-Error-Type": type(exc).__name__})
            continue
        post("/invocation/%s/response" % request_id, result)


if __name__ == "__main__":
    main()
