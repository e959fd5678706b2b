#!/usr/bin/env python3
"""Compare polvm's decisions with the independent reference reading (notice.py), line by line.

    compare.py --polvm PATH --pbc PATH [--count N] [--seed S] [--records FILE] [--valid-only]

Generates records with generate.py (or reads FILE), runs `PATH PBC` with the records on stdin, and checks every
output line against notice.decide()/notice.validate():
  - decisions: every contract field equal (JSON types too: true is not 1, 5.0 is not 5); no other fields;
    findings compared as multisets of (clause, kind), each finding needing a non-empty string message;
  - error lines: line and id equal, and the error names the same field (the text before the first ':');
    for a line that is not a JSON object at all (invalid JSON, an array, ...) no field is compared;
  - polvm's exit status: 0 when no line is an error, 1 when some are.
Prints a summary and, last, exactly `N passed, M failed` (per record).  Exits 0 only when everything agrees.
Python 3 standard library only.
"""

import argparse
import collections
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import generate  # noqa: E402
import notice    # noqa: E402

ERROR_FIELDS = ("line", "id", "error")


def same(a, b):
    """JSON equality that keeps JSON's types apart (bool vs number, integer vs fractional)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def finding_key(f):
    return (f.get("clause"), f.get("kind"))


def compare_decision(exp, act):
    """List of field names that differ."""
    bad = []
    for k in notice.DECISION_FIELDS:
        if k not in act:
            bad.append(k + " (missing)")
            continue
        if k == "findings":
            fs = act[k]
            if not isinstance(fs, list) or not all(isinstance(f, dict) for f in fs):
                bad.append("findings (not a list of objects)")
                continue
            if sorted(map(finding_key, exp[k]), key=repr) != sorted(map(finding_key, fs), key=repr):
                bad.append("findings")
            if any(not isinstance(f.get("message"), str) or not f["message"].strip() for f in fs):
                bad.append("findings.message (empty or missing)")
            continue
        if not same(exp[k], act[k]):
            bad.append(k)
    for k in act:
        if k not in notice.DECISION_FIELDS:
            bad.append("extra field " + k)
    return bad


def id_read_before_error(act_id, line):
    """A line that is not JSON may still show its id before the point where it breaks; a reader that reports
    that id is right too, provided the id really is the line's "id" value."""
    if not isinstance(act_id, str):
        return False
    text = line.decode("utf-8", "replace")
    for sep in ('":"', '": "'):
        if ('"id' + sep + json.dumps(act_id, ensure_ascii=False)[1:]) in text:
            return True
    return False


def compare_error(exp, field, act, line=b""):
    bad = []
    for k in ERROR_FIELDS:
        if k not in act:
            bad.append("error line: %s missing" % k)
    if bad:
        return bad
    if not same(exp["line"], act["line"]):
        bad.append("error line: line")
    if not same(exp["id"], act["id"]) and not (field is None and exp["id"] is None
                                                 and id_read_before_error(act["id"], line)):
        bad.append("error line: id")
    if not isinstance(act["error"], str) or not act["error"].strip():
        bad.append("error line: empty error")
    elif field is not None and notice.error_field(act["error"]) != field:
        bad.append("error line: field named")
    for k in act:
        if k not in ERROR_FIELDS:
            bad.append("error line: extra field " + k)
    return bad


def short(text, n=1200):
    return text if len(text) <= n else text[:n] + "…(%d more chars)" % (len(text) - n)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--polvm", required=True, help="the polvm executable (or a stand-in)")
    ap.add_argument("--pbc", required=True, help="the compiled policy, passed as polvm's argument")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--records", help="read these JSON Lines instead of generating")
    ap.add_argument("--valid-only", action="store_true", help="generate only contract-valid records")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--examples", type=int, default=10, help="how many mismatches to show")
    a = ap.parse_args(argv)

    if a.records:
        with open(a.records, "rb") as f:
            data = f.read()
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        source = a.records
    else:
        lines = [l.encode("utf-8") for l in generate.generate(a.seed, a.count, a.valid_only)]
        data = b"".join(l + b"\n" for l in lines)
        source = "generate.py --seed %d --count %d%s" % (a.seed, a.count, " --valid-only" if a.valid_only else "")

    expected = []
    for no, line in enumerate(lines, 1):
        record, error, field = notice.parse_line_ex(line, no)
        expected.append((error, field) if error is not None else (notice.decide(record), None))
    n_errors = sum(1 for e, _ in expected if "error" in e)
    want_status = 1 if n_errors else 0

    try:
        proc = subprocess.run([a.polvm, a.pbc], input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=a.timeout)
    except subprocess.TimeoutExpired:
        print("polvm did not finish within %gs" % a.timeout)
        print("0 passed, %d failed" % len(lines))
        return 1
    except OSError as e:
        print("cannot run %s: %s" % (a.polvm, e))
        print("0 passed, %d failed" % len(lines))
        return 1
    out_lines = proc.stdout.split(b"\n")
    if out_lines and out_lines[-1] == b"":
        out_lines.pop()

    by_field = collections.Counter()
    examples = []
    passed = failed = 0
    for i, line in enumerate(lines):
        exp, field = expected[i]
        if i >= len(out_lines):
            bad = ["no output line"]
            act_text = "<none>"
        else:
            act_text = out_lines[i].decode("utf-8", "replace")
            try:
                act = json.loads(out_lines[i])
            except ValueError:
                act = None
            if not isinstance(act, dict):
                bad = ["output not a JSON object"]
            elif "error" in exp:
                bad = compare_error(exp, field, act, lines[i]) if "error" in act else ["decided a line that is an error"]
            elif "error" in act and "committee" not in act:
                bad = ["error for a valid record"]
            else:
                bad = compare_decision(exp, act)
        if bad:
            failed += 1
            by_field.update(bad)
            if len(examples) < a.examples:
                examples.append((i + 1, line.decode("utf-8", "replace"), exp, act_text, bad))
        else:
            passed += 1

    problems = []
    if len(out_lines) > len(lines):
        problems.append("polvm printed %d lines for %d records" % (len(out_lines), len(lines)))
    if proc.returncode != want_status:
        problems.append("polvm exit status %d, expected %d (%s)" % (
            proc.returncode, want_status, "some lines are errors" if n_errors else "no line is an error"))

    print("records: %d from %s" % (len(lines), source))
    print("error lines expected: %d; decisions expected: %d" % (n_errors, len(lines) - n_errors))
    print("polvm exit status: %d (expected %d)" % (proc.returncode, want_status))
    if proc.stderr and (problems or failed):
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-5:]
        print("polvm stderr (last lines):")
        for t in tail:
            print("  " + t)
    if by_field:
        print("mismatches by field:")
        for k, v in sorted(by_field.items(), key=lambda kv: (-kv[1], kv[0])):
            print("  %-40s %d" % (k, v))
    for no, rec, exp, act_text, bad in examples:
        print("--- line %d: %s" % (no, ", ".join(bad)))
        print("  record:   " + short(rec))
        print("  expected: " + short(json.dumps(exp, ensure_ascii=False)))
        print("  polvm:    " + short(act_text))
        try:
            act = json.loads(act_text)
        except ValueError:
            act = None
        if isinstance(act, dict):
            for b in bad:
                k = b.split(" ")[0]
                if k in exp and k in act and k != "findings":
                    print("  %s: expected %s, polvm %s" % (k, json.dumps(exp[k], ensure_ascii=False),
                                                         json.dumps(act[k], ensure_ascii=False)))
                elif k == "findings" and isinstance(act.get("findings"), list):
                    e = collections.Counter(map(finding_key, exp["findings"]))
                    g = collections.Counter(finding_key(f) for f in act["findings"] if isinstance(f, dict))
                    print("  findings: only expected %s; only polvm %s" % (sorted((e - g).elements()),
                                                                        sorted((g - e).elements())))
                elif b.startswith("error line"):
                    print("  error: expected %r, polvm %r" % (exp.get("error"), act.get("error")))
    for p in problems:
        print("PROBLEM: " + p)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
