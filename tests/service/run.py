#!/usr/bin/env python3
"""run.py: a real polserve on 127.0.0.1 against polvm. Thousands of generated records (bad lines included) sent one
by one to POST /v1/decide on kept-alive connections from several threads, each answer compared byte for byte with
polvm's line for it and its code with the line's kind (200 decided, 422 refused, 400 not JSON); the same file
through /v1/decide/batch; ?explain=1 against polvm --explain; every error code (400, 404, 405, 413, 422) with a
JSON body naming the problem; the headers; /v1/policy, /v1/schema, /healthz, /metrics; the pages; reload by
SIGHUP and --watch (a good file served next, a bad one refused with the old program serving on); the decision
log holding every answered decision with the digest that decided it.

    run.py --build BUILD [--count N]"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_harness as sh  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
check = sh.Checks("service")


def code_for(polvm_line):
    """the code polserve must answer a line with, from polvm's answer for it"""
    answer = json.loads(polvm_line)
    if "error" not in answer:
        return 200
    # 400: the body is not a JSON object at all (polvm: "invalid JSON ...", "expected a JSON object", a blank or
    # NUL-holding line); 422: an object the contract refuses
    e = answer["error"]
    return 400 if e.startswith("invalid JSON") or e == "expected a JSON object" or e.startswith("empty") \
        or "NUL" in e else 422


def decide_all(server, lines, want, threads=4):
    """POST each line alone; compare with polvm's line (its line number is 1 when sent alone)"""
    mismatches, seen = [], [0]

    def work(part):
        c = server.connection()
        for i in part:
            status, headers, body = server.request("POST", "/v1/decide", lines[i], connection=c)
            seen[0] += 1
            expected = want[i]
            if body != expected + b"\n":
                mismatches.append((i, body[:300], expected[:300]))
            elif status != code_for(expected):
                mismatches.append((i, "code %d" % status, code_for(expected)))
            elif headers.get("pol-policy-digest") != server.digest:
                mismatches.append((i, "digest header", headers.get("pol-policy-digest")))
        c.close()

    parts = [range(k, len(lines), threads) for k in range(threads)]
    ts = [threading.Thread(target=work, args=(p,)) for p in parts]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return mismatches, seen[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--count", type=int, default=3000)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    polserve, polvm, polc = (os.path.join(build, "bin", n) for n in ("polserve", "polvm", "polc"))
    pbc = os.path.join(build, "suzhou-2024.pbc")
    tmp = tempfile.mkdtemp(prefix="pol-service-")
    try:
        records = os.path.join(tmp, "records.jsonl")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/reference/generate.py"), "--seed", "12",
                        "--count", str(a.count), "-o", records], check=True)
        with open(records, "rb") as f:
            data = f.read()
        lines = data.split(b"\n")[:-1]
        want_file = sh.polvm_lines(polvm, pbc, data)
        check("polvm answers every line", len(want_file) == len(lines))
        # a line decided alone differs from its place in the file only in "line": N of an error object
        want_alone = []
        for line, answer in zip(lines, want_file):
            if answer.startswith(b'{"line":'):
                obj = json.loads(answer)
                obj["line"] = 1
                answer = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
            want_alone.append(answer)

        served = os.path.join(tmp, "served.pbc")
        shutil.copy(pbc, served)
        log = os.path.join(tmp, "decisions.jsonl")
        server = sh.Polserve(polserve, served, tmp, "--threads", "2", "--log", log, "--max-body", "65536").start()
        status, headers, body = server.request("GET", "/v1/policy")
        info = json.loads(body)
        server.digest = info["digest"]
        check("GET /v1/policy", status == 200 and set(info) >= {"name", "version", "digest", "source_sha256",
                                                                "compiler_version"}, body.decode())
        check("Pol-Policy-Digest on /v1/policy", headers.get("pol-policy-digest") == info["digest"])

        # ---- /v1/decide against polvm ----
        t0 = time.monotonic()
        mismatches, sent = decide_all(server, lines, want_alone)
        took = time.monotonic() - t0
        check("every /v1/decide answer is polvm's (%d lines)" % len(lines), not mismatches,
              "%d differ, first: %r" % (len(mismatches), mismatches[:2]))
        bad = sum(1 for w in want_alone if w.startswith(b'{"line"'))
        print("service: %d records through /v1/decide (%d bad lines) in %.1f s: all equal polvm's" %
              (sent, bad, took) if not mismatches else "service: /v1/decide differs from polvm")

        # ---- batch: polvm's output exactly, header counts lines ----
        status, headers, body = server.request("POST", "/v1/decide/batch", data)
        check("batch status", status == 200, str(status))
        check("batch is polvm's output byte for byte", body == b"\n".join(want_file) + b"\n",
              "%d bytes against %d" % (len(body), len(b"\n".join(want_file)) + 1))
        check("batch Pol-Lines", headers.get("pol-lines") == str(len(lines)), headers.get("pol-lines"))
        check("batch content type", headers.get("content-type", "").startswith("application/x-ndjson"))
        # a batch sent chunked (no Content-Length), in pieces that cut lines
        c = server.connection()
        c.putrequest("POST", "/v1/decide/batch")
        c.putheader("Transfer-Encoding", "chunked")
        c.endheaders()
        for at in range(0, len(data), 7777):
            piece = data[at:at + 7777]
            c.send(b"%x\r\n%s\r\n" % (len(piece), piece))
        c.send(b"0\r\n\r\n")
        r = c.getresponse()
        chunked = r.read()
        c.close()
        check("chunked batch is polvm's output", r.status == 200 and chunked == body)

        # ---- explain: the decision and polvm --explain's lines ----
        sample = next(l for l, w in zip(lines, want_alone) if b'"error"' not in w)
        status, _, body = server.request("POST", "/v1/decide?explain=1", sample)
        got = json.loads(body)
        ex = subprocess.run([polvm, "--explain", pbc], input=sample + b"\n", capture_output=True).stdout.decode()
        ex_lines = ex.split("\n")
        check("explain status", status == 200)
        check("explain decision", json.dumps(got["decision"], ensure_ascii=False, separators=(",", ":")) ==
              ex_lines[0], body[:200].decode(errors="replace"))
        check("explain events are polvm --explain's lines",
              [e["text"] for e in got["explain"]] == [l.strip() for l in ex_lines[1:] if l.strip()],
              "%d events" % len(got["explain"]))

        # ---- the error codes, each with a JSON body naming the problem ----
        def error_case(what, method, path, body, code, words, headers=None):
            status, h, answer = server.request(method, path, body, headers)
            check(what + " code", status == code, "%d, not %d: %s" % (status, code, answer[:200]))
            try:
                obj = json.loads(answer)
            except ValueError:
                check(what + " body is JSON", False, answer[:200].decode(errors="replace"))
                return h
            check(what + " body names the problem", words in obj.get("error", ""), answer.decode()[:200])
            check(what + " content type", h.get("content-type", "").startswith("application/json"))
            return h

        error_case("not JSON", "POST", "/v1/decide", b"{nope", 400, "invalid JSON")
        error_case("empty body", "POST", "/v1/decide", b"", 400, "")
        error_case("refused record", "POST", "/v1/decide", b'{"id":"R1","level":"\xe4\xb8\xad\xe7\xba\xa7"}', 422,
                   "missing")
        error_case("unknown path", "GET", "/v2/nothing", None, 404, "no such path")
        h = error_case("wrong method", "GET", "/v1/decide", None, 405, "POST")
        check("405 names the allowed method", h.get("allow") == "POST", str(h.get("allow")))
        error_case("wrong method on GET path", "POST", "/v1/policy", b"{}", 405, "GET")
        error_case("body over the limit (Content-Length)", "POST", "/v1/decide", b" " * 70000, 413, "limit")
        # chunked, so the limit is found while reading
        c = server.connection()
        c.putrequest("POST", "/v1/decide")
        c.putheader("Transfer-Encoding", "chunked")
        c.endheaders()
        for _ in range(20):
            c.send(b"1000\r\n" + b" " * 4096 + b"\r\n")
        c.send(b"0\r\n\r\n")
        r = c.getresponse()
        check("chunked body over the limit", r.status == 413 and b"limit" in r.read(), str(r.status))
        c.close()

        # ---- schema, health, pages, metrics ----
        status, _, body = server.request("GET", "/v1/schema")
        fields = [f["name"] for f in json.loads(body)["fields"]]
        check("GET /v1/schema", status == 200 and "specialty" in fields and "ce" in fields, str(fields[:5]))
        status, _, body = server.request("GET", "/healthz")
        check("GET /healthz", status == 200 and json.loads(body)["status"] == "ok")
        for path, words in (("/", "申报"), ("/try", "政策"), ("/static/style.css", "{")):
            status, h, body = server.request("GET", path)
            check("page " + path, status == 200 and words.encode() in body, "%d %s" % (status, body[:80]))
        status, h, body = server.request("GET", "/metrics")
        text = body.decode()
        check("metrics content type", h.get("content-type", "").startswith("text/plain; version=0.0.4"))
        decided = sum(1 for w in want_alone if b'"error"' not in w)
        ok_line = 'pol_requests_total{endpoint="decide",code="200"} %d' % (decided + 1)  # + the explain request
        check("metrics count decide 200s", ok_line in text, ok_line)
        check("metrics count 404", 'pol_requests_total{endpoint="other",code="404"} 1' in text)
        check("metrics histogram", 'pol_request_duration_seconds_bucket{endpoint="decide",le="+Inf"}' in text)
        check("metrics decisions by status", 'pol_decisions_total{status="eligible"}' in text)

        # ---- reload: a new program, a bad file, the old one serving on ----
        other_src = os.path.join(tmp, "other.pol")
        with open(os.path.join(ROOT, "policies/suzhou-2024.pol"), encoding="utf-8") as f:
            source = f.read()
        with open(other_src, "w", encoding="utf-8") as f:
            f.write(source.replace('version "2024.1"', 'version "2024.2"', 1))
        other = os.path.join(tmp, "other.pbc")
        subprocess.run([polc, other_src, "-o", other], check=True)
        shutil.copy(other, served + ".new")
        os.replace(served + ".new", served)
        server.signal(signal.SIGHUP)
        new_digest = None
        for _ in range(100):
            _, h, body = server.request("GET", "/v1/policy")
            if json.loads(body)["digest"] != server.digest:
                new_digest = json.loads(body)["digest"]
                break
            time.sleep(0.05)
        check("SIGHUP serves the new program", new_digest is not None and json.loads(body)["version"] == "2024.2")
        status, h, _ = server.request("POST", "/v1/decide", sample)
        check("the new digest decides", status == 200 and h.get("pol-policy-digest") == new_digest)
        with open(served, "r+b") as f:  # one byte changed: the digest no longer holds
            f.seek(64)
            byte = f.read(1)
            f.seek(64)
            f.write(bytes([byte[0] ^ 0xFF]))
        server.signal(signal.SIGHUP)
        time.sleep(0.6)
        status, h, _ = server.request("POST", "/v1/decide", sample)
        check("a bad file is refused, the old program serves on", status == 200 and
              h.get("pol-policy-digest") == new_digest, h.get("pol-policy-digest"))
        check("the refusal and its reason are in the log", "reload refused" in server.stderr(), server.stderr()[-500:])
        check("the server is up", server.alive())
        code = server.stop()
        check("SIGTERM stops cleanly", code == 0, str(code))

        # ---- the decision log: one line per answered decision, with the digest that decided it ----
        entries = sh.json_lines(log)
        single = [e for e in entries if e["request"] == "decide"]
        batch = [e for e in entries if e["request"] == "batch"]
        # decide: every generated line, the explain sample, the refused record, the not-JSON and empty bodies,
        # the two samples after reloads
        check("log: a line per /v1/decide answer", len(single) == len(lines) + 1 + 3 + 2,
              "%d, expected %d" % (len(single), len(lines) + 6))
        check("log: a line per batch line (two batches)", len(batch) == 2 * len(lines), str(len(batch)))
        by_id = {}
        for e in single[:len(lines)]:
            if e["id"] is not None:
                by_id[e["id"]] = e
        check("log: digests", {e["policy"] for e in entries} == {server.digest, new_digest})
        want_by_id = {}
        for w in want_alone:
            o = json.loads(w)
            if "error" not in o and o.get("id") is not None:
                want_by_id[o["id"]] = o
        wrong = [i for i, o in want_by_id.items() if by_id.get(i, {}).get("decision") != o]
        check("log: each decision as answered", not wrong, str(wrong[:3]))
        check("log: statuses", all(e["status"] == e["decision"].get("status", "error") for e in single
                                   if "error" not in e["decision"]))

        # ---- --watch: a changed file is served without a signal ----
        shutil.copy(pbc, served)
        watcher = sh.Polserve(polserve, served, tmp, "--watch", "--threads", "1").start()
        _, h, _ = watcher.request("GET", "/healthz")
        first = h.get("pol-policy-digest")
        time.sleep(1.1)  # a new modification time, whatever the file system's granularity
        shutil.copy(other, served + ".new")
        os.replace(served + ".new", served)
        changed = False
        for _ in range(60):
            _, h, _ = watcher.request("GET", "/healthz")
            if h.get("pol-policy-digest") == new_digest:
                changed = True
                break
            time.sleep(0.1)
        check("--watch serves the changed file", changed and first == server.digest)
        check("--watch: stopped cleanly", watcher.stop() == 0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
