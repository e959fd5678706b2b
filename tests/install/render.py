#!/usr/bin/env python3
"""render.py: print polvm's JSON decisions in examples/embed's text form, to compare native and JSON binding."""
import json
import sys

KINDS = {"violation", "todo", "warning"}


def scalar(v):
    if v is None:
        return "null"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, float):
        return "%g" % v
    return str(v)


for line in sys.stdin:
    d = json.loads(line)
    print("%s:" % (d.get("id") or "?"))
    if "error" in d:
        print("  bind error: %s" % d["error"])
        continue
    for k, v in d.items():
        if k != "findings":
            print("  %s = %s" % (k, scalar(v)))
    for f in d.get("findings", []):
        assert f["kind"] in KINDS
        print("  finding %s %s: %s" % (f["kind"], f["clause"], f["message"]))
