#!/usr/bin/env python3
"""run.py: the robustness test: mutated .pol files through polc, mutated .pbc files and record lines through polvm.

Every run must end with exit status 0, 1 or 2, with a message on stderr when it refuses something (polc) or
cannot load (polvm), never with a signal, a sanitizer's or valgrind's exit status, or a timeout; polvm must
write exactly one output line per input line. Mutations are reproducible from --seed. Under ASan (make
check-asan) LeakSanitizer turns a leak into a failing exit status; under --wrapper valgrind, so does valgrind.

  run.py --polc BIN --polvm BIN --pbc 2024.pbc --policy SRC.pol [--count N] [--seed S] [--wrapper CMD]
"""
import argparse
import concurrent.futures
import hashlib
import os
import random
import shlex
import subprocess
import sys
import tempfile
import threading
import time

WRAPPER_ERROR = 101  # --error-exitcode given to valgrind by the Makefile
POL_TOKENS = [b"{", b"}", b"(", b")", b"[", b"]", b":", b"=", b"->", b",", b".", b"..", b"\"", b"#", b"\n",
              b"policy", b"version", b"year", b"enum", b"record", b"applicant", b"entity", b"routing", b"by",
              b"route", b"clause", b"let", b"const", b"output", b"violation", b"todo", b"warning", b"when",
              b"for", b"each", b"in", b"where", b"if", b"then", b"else", b"count", b"any", b"all", b"sum",
              b"not", b"and", b"or", b"null", b"true", b"false", b"list", b"date", b"int", b"number",
              b"string", b"bool", b"unrouted", b"2024-02-29", b"9999999999999999999999", b"1e309",
              b"\xe5\x90", b"\x00", b"\r\n", b"\xef\xbb\xbf", b"\xef\xbc\x9a", b"{x}", b"{", b"?",
              b"\xe9\xab\x98\xe7\xba\xa7", b"0..1000000000", b">=", b"<", b"*", b"/", b"-", b"+"]
JSON_TOKENS = [b"{", b"}", b"[", b"]", b":", b",", b"\"", b"null", b"true", b"false", b"0", b"-1",
               b"1e999", b"-0.0", b"9223372036854775808", b"\"2024-02-30\"", b"\"\\u0000\"", b"\\ud800",
               b"\xe5\x90", b"\x00", b"\r", b"\xef\xbb\xbf", b"{\"year\":2020}", b"[[[[[[[[[[", b"]]]]]]]]]]",
               b"\"id\":", b"\"ce\":", b"\"papers\":", b"\"level\":\"\xe9\xab\x98\xe7\xba\xa7\""]


def mutate(data, rng, tokens, rounds=None):
    b = bytearray(data)
    for _ in range(rounds or rng.randint(1, 6)):
        op = rng.randrange(8)
        pos = rng.randrange(len(b) + 1)
        if op == 0 and b:  # flip bits
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1 and b:  # random byte
            b[rng.randrange(len(b))] = rng.randrange(256)
        elif op == 2:  # delete a range
            del b[pos:pos + rng.randint(1, 64)]
        elif op == 3 and b:  # duplicate a range
            n = rng.randint(1, 256)
            b[pos:pos] = b[pos:pos + n]
        elif op == 4:  # insert a token
            b[pos:pos] = rng.choice(tokens)
        elif op == 5 and b:  # truncate
            del b[rng.randrange(len(b)):]
        elif op == 6 and len(b) > 8:  # swap two ranges
            i, j = sorted(rng.sample(range(len(b)), 2))
            n = min(rng.randint(1, 32), j - i)
            b[i:i + n], b[j:j + n] = b[j:j + n], b[i:i + n]
        else:  # an interesting integer, little-endian, over 4 bytes
            v = rng.choice([0, 1, 0xff, 0x7f, 0x80, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff])
            b[pos:pos + 4] = v.to_bytes(4, "little")
    return bytes(b)


def repair_pbc(b):
    """Give mutated .pbc bytes a matching size and digest, so that they reach the section reader and verifier."""
    if len(b) < 56:
        return b
    b = bytearray(b)
    b[16:24] = len(b).to_bytes(8, "little")
    b[24:56] = hashlib.sha256(bytes(b[56:])).digest()
    return bytes(b)


class Runner:
    def __init__(self, args):
        self.args = args
        self.wrapper = shlex.split(args.wrapper) if args.wrapper else []
        self.failures = []
        self.runs = 0
        self.worst = 0.0
        self.lock = threading.Lock()

    def run(self, what, argv, stdin=b""):
        with self.lock:
            self.runs += 1
        start = time.monotonic()
        try:
            p = subprocess.run(self.wrapper + argv, input=stdin, capture_output=True, timeout=self.args.timeout)
        except subprocess.TimeoutExpired:
            self.fail(what, "timed out after %ss" % self.args.timeout)
            return None
        with self.lock:
            self.worst = max(self.worst, time.monotonic() - start)
        if p.returncode < 0:
            self.fail(what, "killed by signal %d\n%s" % (-p.returncode, p.stderr.decode("utf-8", "replace")[-2000:]))
        elif p.returncode not in (0, 1, 2):
            self.fail(what, "exit status %d\n%s" % (p.returncode, p.stderr.decode("utf-8", "replace")[-4000:]))
        return p

    def fail(self, what, why):
        with self.lock:
            self.failures.append((what, why))
            if len(self.failures) <= 5:
                sys.stderr.write("robustness: FAIL %s: %s\n" % (what, why))


def keep(tmp, name, data):
    """Keep a failing input beside the report, so it can become a regression test."""
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--polc", required=True)
    ap.add_argument("--polvm", required=True)
    ap.add_argument("--pbc", required=True)
    ap.add_argument("--policy", action="append", required=True)
    ap.add_argument("--records", default="examples/applicants.jsonl")
    ap.add_argument("--count", type=int, default=1000, help="mutated .pol files, and as many .pbc files")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--wrapper", default="")
    ap.add_argument("--keep", default="", help="directory to keep failing inputs in")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    r = Runner(args)
    sources = [open(p, "rb").read() for p in args.policy]
    pbc = open(args.pbc, "rb").read()
    records = [line.rstrip(b"\n") for line in open(args.records, "rb") if line.strip()]
    started = time.monotonic()
    kept = args.keep or tempfile.mkdtemp(prefix="pol-robustness-")
    os.makedirs(kept, exist_ok=True)
    compiled = [0]
    batches = max(1, args.count // 100)

    # the inputs are drawn in order from one seeded generator, then run on --jobs threads
    pol_inputs = [mutate(rng.choice(sources), rng, POL_TOKENS) for _ in range(args.count)]
    pbc_inputs = []
    for i in range(args.count):
        data = mutate(pbc, rng, [b"\x00", b"\xff\xff\xff\xff", b"CODE", b"STRS"], rng.randint(1, 4))
        pbc_inputs.append(repair_pbc(data) if i % 2 else data)  # half with size and digest repaired
    streams = []
    for i in range(batches):
        lines = [mutate(rng.choice(records), rng, JSON_TOKENS).replace(b"\n", b" ") for _ in range(200)]
        if i == 0:  # the awkward cases of batch mode, once
            lines += [b"", b"   ", b"\xef\xbb\xbf{}", b"{\"id\":\"x\"}\r", b"\x00" * 10, b"{" * 100000,
                      b"[" * 5000 + b"]" * 5000, b"{\"id\":\"" + b"x" * (3 << 20) + b"\"}"]
        streams.append((len(lines), b"\n".join(lines) + (b"\n" if i % 2 else b"")))  # odd: last line unended

    with tempfile.TemporaryDirectory(prefix="pol-robustness-") as tmp:
        def pol_job(i):
            data = pol_inputs[i]
            src, out = os.path.join(tmp, "m%d.pol" % i), os.path.join(tmp, "m%d.pbc" % i)
            with open(src, "wb") as f:
                f.write(data)
            p = r.run("polc on mutated .pol #%d" % i, [args.polc, src, "-o", out])
            if p is None or p.returncode not in (0, 1, 2):
                keep(kept, "pol-%d.pol" % i, data)
            elif p.returncode != 0 and not p.stderr.strip():
                r.fail("polc on mutated .pol #%d" % i, "exit status %d without a message" % p.returncode)
            elif p.returncode == 0:  # a compiled mutant decides records
                with r.lock:
                    compiled[0] += 1
                q = r.run("polvm on compiled mutant #%d" % i, [args.polvm, out], b"\n".join(records[:3]) + b"\n")
                if q is not None and q.returncode in (0, 1) and q.stdout.count(b"\n") != 3:
                    r.fail("polvm on compiled mutant #%d" % i, "not one output line per input line")
            for path in (src, out):
                if os.path.exists(path):
                    os.unlink(path)

        def pbc_job(i):
            data = pbc_inputs[i]
            bad = os.path.join(tmp, "b%d.pbc" % i)
            with open(bad, "wb") as f:
                f.write(data)
            p = r.run("polvm on mutated .pbc #%d" % i, [args.polvm, bad], records[i % len(records)] + b"\n")
            os.unlink(bad)
            if p is None or p.returncode not in (0, 1, 2):
                keep(kept, "pbc-%d.pbc" % i, data)
            elif p.returncode == 2 and not p.stderr.strip():
                r.fail("polvm on mutated .pbc #%d" % i, "refused without a message")
            elif p.returncode in (0, 1) and p.stdout.count(b"\n") != 1:
                r.fail("polvm on mutated .pbc #%d" % i, "not one output line for one record")

        def records_job(i):
            nlines, stream = streams[i]
            p = r.run("polvm on mutated records, batch %d" % i, [args.polvm, args.pbc], stream)
            if p is None or p.returncode not in (0, 1, 2):
                keep(kept, "records-%d.jsonl" % i, stream)
            elif p.returncode == 2 or p.stdout.count(b"\n") != nlines:
                r.fail("polvm on mutated records, batch %d" % i, "exit %d, %d output lines for %d input lines"
                       % (p.returncode, p.stdout.count(b"\n"), nlines))
                keep(kept, "records-%d.jsonl" % i, stream)

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            jobs = [pool.submit(pol_job, i) for i in range(args.count)]
            jobs += [pool.submit(pbc_job, i) for i in range(args.count)]
            jobs += [pool.submit(records_job, i) for i in range(batches)]
            for j in jobs:
                j.result()  # re-raise a harness error

    took = time.monotonic() - started
    if r.failures:
        sys.stderr.write("robustness: %d of %d runs failed (inputs kept in %s)\n" % (len(r.failures), r.runs, kept))
        return 1
    if not os.listdir(kept):
        os.rmdir(kept)
    print("robustness: %d runs (%d mutated .pol, %d compiled; %d mutated .pbc; %d record batches) clean in %.0fs, "
          "slowest run %.2fs" % (r.runs, args.count, compiled[0], args.count, batches, took, r.worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
