"""Times the baseline's handler in-process, without the Lambda runtime: what
one request costs it (its GetSecretValue included). The Go side's
counterpart is go test -bench in authorizer/.

Usage: python3 microbench.py N   (SECRET_ID and the AWS variables set)
Prints one JSON object: {"n": N, "mean_us": ..., "median_us": ...}.
"""

import json
import statistics
import sys
import time

import handler


def main():
    n = int(sys.argv[1])
    event = json.loads(sys.stdin.read())
    handler.handler(event, None)  # warm-up: the first call opens the connection
    times = []
    for _ in range(n):
        t = time.perf_counter()
        out = handler.handler(event, None)
        times.append(time.perf_counter() - t)
        if out["policyDocument"]["Statement"][0]["Effect"] != "Allow":
            sys.exit("microbench: the baseline denied AWSCURRENT")
    print(json.dumps({"n": n, "mean_us": statistics.mean(times) * 1e6, "median_us": statistics.median(times) * 1e6}))


if __name__ == "__main__":
    main()
