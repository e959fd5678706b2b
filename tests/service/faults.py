#!/usr/bin/env python3
"""faults.py: polserve under load and faults, on 127.0.0.1, bounded in time. Four clients decide records on
kept-alive connections while the policy file is swapped between two good programs (whose decisions differ) and
two bad files (one byte changed, cut short), each followed by SIGHUP; meanwhile connections are dropped mid-body
(single and batch), malformed HTTP is sent, and slow clients trickle a byte a second. Then: every complete request
got exactly one answer, and it is polvm's for the program its Pol-Policy-Digest names; the slow clients were cut
off within the request time limit; the server is still up and answers; the decision log holds every answered
decision with the digest that decided it.

    faults.py --build BUILD [--seconds S]"""

import argparse
import collections
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_harness as sh  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REQUEST_TIMEOUT = 2  # polserve --request-timeout for this test
check = sh.Checks("faults")


def alone(answer):
    """polvm's answer for a line of a file, as the line sent alone gets it ("line": 1 in an error object)"""
    if answer.startswith(b'{"line":'):
        o = json.loads(answer)
        o["line"] = 1
        return json.dumps(o, ensure_ascii=False, separators=(",", ":")).encode()
    return answer


def raw(port, data, wait=3.0):
    """send bytes on a fresh socket, return what came back before it closed (or wait passed)"""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    got = b""
    try:
        s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except OSError:
        pass
    finally:
        s.close()
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--seconds", type=float, default=8)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    polserve, polvm, polc = (os.path.join(build, "bin", n) for n in ("polserve", "polvm", "polc"))
    tmp = tempfile.mkdtemp(prefix="pol-faults-")
    server = None
    try:
        # two good programs whose decisions differ (a receiver's phone), two bad files
        with open(os.path.join(ROOT, "policies/suzhou-2024.pol"), encoding="utf-8") as f:
            source = f.read()
        check("the phone to change is in the policy", "69820556" in source)
        programs = {}
        for name, text in (("a", source), ("b", source.replace("69820556", "69820599").replace(
                'version "2024.1"', 'version "2024.1-b"', 1))):
            with open(os.path.join(tmp, name + ".pol"), "w", encoding="utf-8") as f:
                f.write(text)
            subprocess.run([polc, os.path.join(tmp, name + ".pol"), "-o", os.path.join(tmp, name + ".pbc")],
                           check=True)
            with open(os.path.join(tmp, name + ".pbc"), "rb") as f:
                programs[name] = f.read()
        flipped = bytearray(programs["a"])
        flipped[80] ^= 0xFF
        bad_files = [bytes(flipped), programs["a"][: len(programs["a"]) // 2]]

        records = os.path.join(tmp, "records.jsonl")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/reference/generate.py"), "--seed", "31",
                        "--count", "1500", "-o", records], check=True)
        with open(records, "rb") as f:
            data = f.read()
        lines = data.split(b"\n")[:-1]
        expected, digests = {}, {}
        for name in programs:
            path = os.path.join(tmp, name + ".pbc")
            expected[name] = [alone(x) for x in sh.polvm_lines(polvm, path, data)]
        check("the two programs decide some records differently",
              sum(1 for x, y in zip(expected["a"], expected["b"]) if x != y) > 0)

        served = os.path.join(tmp, "served.pbc")

        def put(content):
            with open(served + ".new", "wb") as f:
                f.write(content)
            os.replace(served + ".new", served)

        put(programs["a"])
        log = os.path.join(tmp, "decisions.jsonl")
        server = sh.Polserve(polserve, served, tmp, "--threads", "2", "--log", log, "--request-timeout",
                             str(REQUEST_TIMEOUT), "--idle-timeout", "5", "--max-body", "65536").start()
        for name in programs:  # learn each program's digest by serving it once
            put(programs[name])
            server.signal(signal.SIGHUP)
            for _ in range(100):
                _, h, _ = server.request("GET", "/healthz")
                if h["pol-policy-digest"] not in digests.values():
                    digests[name] = h["pol-policy-digest"]
                    break
                time.sleep(0.02)
        check("both programs served once", len(digests) == 2, str(digests))
        by_digest = {digests[n]: n for n in digests}

        stop = threading.Event()
        answered = []       # (line index, digest, status, body)
        problems = []
        lock = threading.Lock()

        def client(seed):
            rnd = random.Random(seed)
            c = server.connection(timeout=20)
            while not stop.is_set():
                i = rnd.randrange(len(lines))
                try:
                    status, h, body = server.request("POST", "/v1/decide", lines[i], connection=c)
                except OSError as e:  # a connection the server closed: a new one, and the request again
                    c.close()
                    c = server.connection(timeout=20)
                    with lock:
                        problems.append("client %d: %s" % (seed, e))
                    continue
                with lock:
                    answered.append((i, h.get("pol-policy-digest"), status, body))
            c.close()

        def reloader():
            steps = [programs["b"], bad_files[0], programs["a"], bad_files[1]]
            k = 0
            while not stop.is_set():
                put(steps[k % len(steps)])
                server.signal(signal.SIGHUP)
                k += 1
                time.sleep(0.25)
            put(programs["a"])

        slow_results = []

        def slow_client(kind):
            """a byte a second: headers (kind 0) or a body (kind 1); the server must cut it off"""
            s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            t0 = time.monotonic()
            if kind == 0:
                trickle = b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
            else:
                s.sendall(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
                trickle = b"x" * 100
            closed = False
            for byte in trickle:
                try:
                    s.sendall(bytes([byte]))
                    s.settimeout(1.0)
                    if s.recv(4096) == b"":
                        closed = True
                        break
                except socket.timeout:
                    continue
                except OSError:
                    closed = True
                    break
                if time.monotonic() - t0 > 20:
                    break
            s.close()
            slow_results.append((kind, closed, time.monotonic() - t0))

        def chaos():
            rnd = random.Random(7)
            n = 0
            while not stop.is_set():
                what = n % 4
                n += 1
                try:
                    if what == 0:  # a body cut off midway
                        body = lines[rnd.randrange(len(lines))]
                        s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
                        s.sendall(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body)
                                  + body[: len(body) // 2])
                        s.close()
                    elif what == 1:  # a batch cut off midway
                        s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
                        s.sendall(b"POST /v1/decide/batch HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
                                  % len(data) + data[:20000])
                        s.close()
                    elif what == 2:  # malformed HTTP: the server answers 400 or closes, and lives
                        got = raw(server.port, rnd.choice([b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
                                                           b"POST /v1/decide HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                                                           b"\x00\x01\x02\r\n\r\n",
                                                           b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n"]), 3)
                        if got and not any(got.startswith(b"HTTP/1.%d %s" % (v, c)) for v in (0, 1)
                                           for c in (b"4", b"505")):
                            with lock:
                                problems.append("malformed HTTP answered: %r" % got[:60])
                    else:  # a request without its end of headers, then nothing
                        s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
                        s.sendall(b"GET /healthz HTTP/1.1\r\nHost")
                        s.close()
                except OSError:
                    pass
                time.sleep(0.02)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
        threads += [threading.Thread(target=reloader), threading.Thread(target=chaos)]
        slow = [threading.Thread(target=slow_client, args=(k,)) for k in (0, 1)]
        for t in threads + slow:
            t.start()
        time.sleep(a.seconds)
        stop.set()
        for t in threads + slow:
            t.join(timeout=60)
        check("every thread finished", not any(t.is_alive() for t in threads + slow))

        # ---- every answer is exactly polvm's for the program that answered it ----
        wrong = []
        for i, digest, status, body in answered:
            name = by_digest.get(digest)
            want = expected[name][i] + b"\n" if name else None
            if body != want:
                wrong.append((i, digest, status, body[:120]))
            elif status != (200 if not want.startswith(b'{"line":') else 400 if b'JSON' in want else 422):
                wrong.append((i, "status", status))
        check("every answer is polvm's for the program its digest names (%d answers)" % len(answered),
              not wrong, "%d wrong, first: %r" % (len(wrong), wrong[:2]))
        used = collections.Counter(d for _, d, _, _ in answered)
        check("answers came from both programs during the reloads", len(used) == 2, str(dict(used)))
        check("no client request lost", not problems, "; ".join(problems[:3]))
        check("the load was real", len(answered) > 500, str(len(answered)))
        for kind, closed, took in slow_results:
            check("slow client (%s) cut off" % ("headers", "body")[kind], closed and took < REQUEST_TIMEOUT + 3,
                  "closed=%s after %.1f s" % (closed, took))

        # ---- the server is up and answers ----
        check("the server is still up", server.alive())
        status, h, body = server.request("POST", "/v1/decide", lines[0])
        check("and answers", status in (200, 422, 400) and body == expected["a"][0] + b"\n",
              "%d %r" % (status, body[:100]))
        _, _, metrics = server.request("GET", "/metrics")
        check("metrics count the cut connections", b"pol_connections_cut_total 0\n" not in metrics)
        check("metrics count refused reloads", b'pol_reloads_total{result="refused"} 0\n' not in metrics)
        code = server.stop()
        server = None
        check("SIGTERM stops cleanly after all this", code == 0, str(code))

        # ---- the log holds every answered decision, with its digest ----
        logged = collections.Counter()
        for e in sh.json_lines(log):
            if e["request"] == "decide":
                logged[(e["policy"], json.dumps(e["decision"], ensure_ascii=False, separators=(",", ":")))] += 1
        missing = collections.Counter()
        for i, digest, status, body in answered:
            missing[(digest, body.rstrip(b"\n").decode())] += 1
        short = [(k, n, logged[k]) for k, n in missing.items() if logged[k] < n]
        check("the decision log holds every answered decision", not short,
              "%d answers not logged, first %r" % (len(short), short[:1]))
        print("faults: %d answers during %d s of reloads, dropped bodies, malformed HTTP and slow clients; "
              "slow clients (headers, body) cut after %s s" % (len(answered), a.seconds,
                                               "/".join("%.1f" % t for _, _, t in sorted(slow_results))))
    finally:
        if server is not None:
            server.stop()
        if check.failures and os.environ.get("POL_KEEP_TMP"):
            print("faults: kept", tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return check.report()


if __name__ == "__main__":
    sys.exit(main())
