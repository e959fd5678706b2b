#!/usr/bin/env python3
"""Stand-in "polvm" for self-testing compare.py only: `fake_polvm.py PBC [FILE]` decides JSON Lines from FILE or
stdin with notice.decide()/validate(), exit status 1 when some line is an error.

FAKE_POLVM_BUG=<name> plants one deliberate fault, to prove compare.py notices it (or, for the harmless ones,
that it does not complain):
  tenure        tenure_years one too high for titles obtained in the second half of a year
  drop_finding  the 九(七) finding is left out
  kind          八(三) warnings reported as violations
  message       四(二) findings get an empty message
  deadline      materials_until without 九(一)'s T17:00
  receiver      高新区 applicants sent to 附件2's 苏州高新区（虎丘区）人力资源开发管理中心
  bool_as_int   review_allowed printed as 1/0
  error_field   error lines name the field "record" instead of the real one
  error_id      error lines always carry id null
  exit          always exit 0
  drop_line     the last output line is missing
  harmless      findings shuffled, keys reordered, pretty spacing (must still pass)
"""

import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import notice  # noqa: E402


def main():
    bug = os.environ.get("FAKE_POLVM_BUG", "")
    if len(sys.argv) < 2:
        sys.stderr.write("usage: fake_polvm.py PBC [FILE]\n")
        return 2
    if len(sys.argv) > 2:
        with open(sys.argv[2], "rb") as f:
            data = f.read()
    else:
        data = sys.stdin.buffer.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    rng = random.Random(0)
    any_error = False
    out = []
    for no, line in enumerate(lines, 1):
        record, error = notice.parse_line(line, no)
        if error is not None:
            any_error = True
            if bug == "error_field" and ":" in error["error"]:
                error["error"] = "record:" + error["error"].split(":", 1)[1]
            if bug == "error_id":
                error["id"] = None
            out.append(json.dumps(error, ensure_ascii=False))
            continue
        d = notice.decide(record)
        if bug == "tenure" and record["current_title_date"].month > 6 and d["tenure_years"] > 0:
            d["tenure_years"] += 1
        if bug == "drop_finding":
            d["findings"] = [f for f in d["findings"] if f["clause"] != "九(七)"]
        if bug == "kind":
            for f in d["findings"]:
                if f["clause"] == "八(三)":
                    f["kind"] = "violation"
        if bug == "message":
            for f in d["findings"]:
                if f["clause"] == "四(二)":
                    f["message"] = ""
        if bug == "deadline" and d["materials_until"]:
            d["materials_until"] = d["materials_until"].replace("T17:00", "")
        if bug == "receiver" and record["region"] == "高新区" and d["receiver"] == notice.SERVICE_CENTER:
            d["receiver"] = "苏州高新区（虎丘区）人力资源开发管理中心"
        if bug == "bool_as_int":
            d["review_allowed"] = int(d["review_allowed"])
        if bug == "harmless":
            rng.shuffle(d["findings"])
            items = list(d.items())
            rng.shuffle(items)
            out.append(json.dumps(dict(items), ensure_ascii=True, indent=None, separators=(" , ", " : ")))
            continue
        out.append(json.dumps(d, ensure_ascii=False))
    if bug == "drop_line" and out:
        out.pop()
    sys.stdout.buffer.write("".join(o + "\n" for o in out).encode("utf-8"))
    if bug == "exit":
        return 0
    return 1 if any_error else 0


if __name__ == "__main__":
    sys.exit(main())
