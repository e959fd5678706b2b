#!/usr/bin/env python3
"""bench.py: polserve's figures for make bench: requests/s and p50/p99 latency of POST /v1/decide with wrk (loopback,
2 wrk threads, kept-alive connections) at 1, 16 and 256 connections, on valid generated records rotating through
the requests; and the records/s of one POST /v1/decide/batch of the same records beside polvm's on the file.

    bench.py --build BUILD [--seconds S]"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_harness as sh  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

WRK_SCRIPT = """
local bodies = {}
for line in io.lines("%s") do bodies[#bodies + 1] = line end
local n = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n %% #bodies + 1
  return wrk.format(nil, "/v1/decide", nil, bodies[n])
end
"""


def to_ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--seconds", type=int, default=5)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    polserve, polvm = os.path.join(build, "bin", "polserve"), os.path.join(build, "bin", "polvm")
    pbc = os.path.join(build, "suzhou-2024.pbc")
    if shutil.which("wrk") is None:
        print("bench-service: wrk is not installed (apt-get install wrk)")
        return 1
    tmp = tempfile.mkdtemp(prefix="pol-bench-service-")
    server = None
    try:
        records = os.path.join(tmp, "records.jsonl")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/reference/generate.py"), "--seed", "5",
                        "--count", "20000", "--valid-only", "-o", records], check=True)
        script = os.path.join(tmp, "decide.lua")
        with open(script, "w") as f:
            f.write(WRK_SCRIPT % records)
        server = sh.Polserve(polserve, pbc, tmp, "--threads", "2").start()
        cores = os.cpu_count()
        print("service (polserve --threads 2, wrk -t2 (-t1 for 1 connection) on the same %d-core machine, loopback, %d s each):" %
              (cores, a.seconds))
        for connections in (1, 16, 256):
            out = subprocess.run(["wrk", "-t%d" % min(2, connections), "-c%d" % connections, "-d%ds" % a.seconds, "--latency", "-s", script,
                                  "http://127.0.0.1:%d" % server.port], capture_output=True, text=True,
                                 timeout=a.seconds + 60).stdout
            rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
            p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
            bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            errors = re.search(r"Socket errors: (.*)", out)
            print("  POST /v1/decide, %3d connections: %8.0f requests/s, p50 %.3f ms, p99 %.3f ms%s%s" %
                  (connections, rate, p50, p99, ", %s non-2xx" % bad.group(1) if bad else "",
                   ", socket errors: " + errors.group(1) if errors else ""))
        with open(records, "rb") as f:
            data = f.read()
        t0 = time.monotonic()
        status, _, body = server.request("POST", "/v1/decide/batch", data)
        took = time.monotonic() - t0
        t0 = time.monotonic()
        reference = subprocess.run([polvm, pbc, records], capture_output=True).stdout
        polvm_took = time.monotonic() - t0
        same = status == 200 and body == reference
        print("  POST /v1/decide/batch, 20000 records in one request: %.0f records/s (polvm on the file: %.0f/s)%s" %
              (20000 / took, 20000 / polvm_took, "" if same else " -- ANSWER DIFFERS FROM POLVM'S"))
        return 0 if same else 1
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
