#!/usr/bin/env python3
"""impact_check.py OLD.decisions.jsonl NEW.decisions.jsonl IMPACT.json: poldiff --records's counts, recomputed.

polvm wrote one line per record under each policy. A record's decision changes when one side is an error line
and the other is not, or when both are decisions and an output or the multiset of findings differs. The
number of such records, and the ids in each output group, must be exactly poldiff's."""
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def main():
    old, new, impact = load(sys.argv[1]), load(sys.argv[2]), json.load(open(sys.argv[3], encoding="utf-8"))
    if len(old) != len(new):
        print(f"polvm wrote {len(old)} and {len(new)} lines")
        return 1
    changed, by_output = 0, {}
    for a, b in zip(old, new):
        ea, eb = "error" in a, "error" in b
        if ea and eb:
            continue
        if ea != eb:
            changed += 1
            continue
        differs = False
        for key in set(a) | set(b):
            if key == "findings":
                fa = sorted(json.dumps(x, sort_keys=True, ensure_ascii=False) for x in a.get(key, []))
                fb = sorted(json.dumps(x, sort_keys=True, ensure_ascii=False) for x in b.get(key, []))
                differs |= fa != fb
            elif a.get(key) != b.get(key):
                differs = True
                by_output.setdefault(key, set()).add(b.get("id"))
        changed += differs
    problems = []
    if impact["changed"] != changed:
        problems.append(f"poldiff counts {impact['changed']} changed records, polvm's decisions {changed}")
    for key, ids in by_output.items():
        got = set()
        for g in impact["groups"]:
            if g["what"] == "output" and g["name"] == key:
                got |= set(g["ids"])
        if got != ids:
            problems.append(f"output {key}: poldiff names {len(got)} records, polvm's decisions {len(ids)}")
    for p in problems:
        print(p)
    if not problems:
        print(f"{changed} changed records, as polvm's decisions say")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
