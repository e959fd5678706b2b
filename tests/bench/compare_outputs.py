#!/usr/bin/env python3
"""compare_outputs.py: does a baseline decide like polvm?  compare_outputs.py POLVM.jsonl OTHER.jsonl

Line by line: every decision field equal (JSON types too), findings equal as multisets of (clause, kind).
Messages are not compared (the baselines word some of them differently); how many lines have identical
messages is reported for information. Prints one summary line; exits 0 only when everything agrees."""
import json
import sys


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return type(a) is type(b) and a == b
    return a == b


def main():
    want_path, got_path = sys.argv[1], sys.argv[2]
    lines = mismatched = same_messages = 0
    first_bad = None
    with open(want_path, encoding="utf-8") as fw, open(got_path, encoding="utf-8") as fg:
        for lines, (w, g) in enumerate(zip(fw, fg), 1):
            if w == g:
                same_messages += 1
                continue
            a, b = json.loads(w), json.loads(g)
            fa, fb = a.pop("findings", None), b.pop("findings", None)
            ok = a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
            ka = sorted((f["clause"], f["kind"]) for f in fa or [])
            kb = sorted((f["clause"], f["kind"]) for f in fb or [])
            ok = ok and ka == kb
            if ok and [f["message"] for f in fa or []] == [f["message"] for f in fb or []]:
                same_messages += 1
            if not ok:
                mismatched += 1
                if first_bad is None:
                    first_bad = (lines, w.strip()[:400], g.strip()[:400])
        rest_w, rest_g = fw.read(), fg.read()
    extra = "" if not rest_w and not rest_g else " (the files have different numbers of lines)"
    print("%d lines, %d differ, %d with identical messages%s" % (lines, mismatched, same_messages, extra))
    if first_bad:
        print("first difference at line %d:\n  polvm: %s\n  other: %s" % first_bad)
    return 0 if mismatched == 0 and not extra else 1


if __name__ == "__main__":
    sys.exit(main())
