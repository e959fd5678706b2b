#!/usr/bin/env python3
"""Compare polvm's decisions with expected decisions written by hand from the notice.

Every field must be equal, except: findings are compared as multisets of (clause, kind) and each actual
message must be non-empty (messages are free text); an error line must have the same line and id, and its
error must name the same field (the text before the first ':').
Usage: compare_decisions.py ACTUAL.jsonl EXPECTED.jsonl   (prints 'N passed, M failed', exit 1 on any failure)
"""
import json
import sys
from collections import Counter


def field_of(error):
    return error.split(":", 1)[0].strip()


def differences(actual, expected):
    if "error" in expected:
        if "error" not in actual:
            return ["expected an error object, got a decision"]
        out = []
        for key in ("line", "id"):
            if actual.get(key) != expected.get(key):
                out.append(f"{key}: {actual.get(key)!r} != {expected.get(key)!r}")
        if field_of(actual["error"]) != field_of(expected["error"]):
            out.append(f"error names {field_of(actual['error'])!r}, expected {field_of(expected['error'])!r}")
        return out
    if "error" in actual:
        return [f"unexpected error: {actual['error']}"]
    out = []
    for key in expected:
        if key == "findings":
            continue
        if actual.get(key, "<absent>") != expected[key]:
            out.append(f"{key}: {actual.get(key, '<absent>')!r} != {expected[key]!r}")
    extra = set(actual) - set(expected)
    if extra:
        out.append(f"unexpected fields: {sorted(extra)}")
    got = Counter((f["clause"], f["kind"]) for f in actual.get("findings", []))
    want = Counter((f["clause"], f["kind"]) for f in expected.get("findings", []))
    if got != want:
        out.append(f"findings: missing {sorted((want - got).elements())}, extra {sorted((got - want).elements())}")
    for f in actual.get("findings", []):
        if not f.get("message"):
            out.append(f"finding {f.get('clause')} has an empty message")
    return out


def main():
    actual_path, expected_path = sys.argv[1], sys.argv[2]
    with open(actual_path, encoding="utf-8") as f:
        actual = [line for line in f.read().split("\n") if line != ""]
    with open(expected_path, encoding="utf-8") as f:
        expected = [line for line in f.read().split("\n") if line != ""]
    passed = failed = 0
    if len(actual) != len(expected):
        print(f"{actual_path}: {len(actual)} lines, expected {len(expected)}")
        failed += abs(len(actual) - len(expected))
    for number, (a, e) in enumerate(zip(actual, expected), 1):
        try:
            diffs = differences(json.loads(a), json.loads(e))
        except json.JSONDecodeError as err:
            diffs = [f"not JSON: {err}"]
        if diffs:
            failed += 1
            print(f"{expected_path}:{number}: " + "; ".join(diffs))
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
