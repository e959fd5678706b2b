#!/usr/bin/env python3
"""Fail unless expected decisions cover the contract: every (clause, kind) finding, every status, every interview.

The lists below are the contract's (doc/contract-suzhou-2024.md, "How the policy reads the notice" and the
decision table). They are also checked against that document (--contract, relative to the repository root), so
they cannot silently fall behind it.
Usage: coverage.py EXPECTED.jsonl [--contract doc/contract-suzhou-2024.md]   (exit 1 when something is missing)
"""
import argparse
import json
import os
import re
import sys

FINDINGS = {
    ("一", "warning"),          # no 附件1 committee accepts the specialty and level
    ("三(一)", "violation"),    # 中级/高级 continuing education
    ("三(二)", "violation"),    # 正高级 continuing education
    ("四(二)", "violation"),    # similarity over 30; foreign and not translated
    ("四(二)", "warning"),      # not first author
    ("八(三)", "warning"),      # paper after 2024-04-30
    ("九(六)", "violation"),    # paper outside the specialty
    ("八(一)", "violation"),    # intermediary
    ("八(二)", "violation"),    # more than one committee this year
    ("八(四)", "violation"),    # integrity record within three years
    ("四(一)", "todo"),         # 能力业绩自评表 not uploaded
    ("九(三)", "violation"),    # 高级/正高级 substitute also used as achievement
    ("九(三)", "warning"),      # substitutes at 初级/中级
    ("九(四)", "todo"),         # patents without benefit proof
    ("九(五)", "todo"),         # awards without proof
    ("九(七)", "todo"),         # 委托函
}
STATUSES = {"eligible", "ineligible", "unrouted"}
INTERVIEWS = {"required", "possible", "none"}


def from_contract(text):
    """The (clause, kind) pairs, statuses and interview values the contract names."""
    findings = set(re.findall(r"\{([^{},\s]+), (violation|todo|warning)\}", text))
    statuses = interviews = set()
    for line in text.splitlines():
        if line.startswith("| `status`"):
            statuses = set(re.findall(r"`(eligible|ineligible|unrouted)`", line))
        elif line.startswith("| `interview`"):
            interviews = set(re.findall(r"`(required|possible|none)`", line))
    return findings, statuses, interviews


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("expected")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--contract", default=os.path.join(root, "doc", "contract-suzhou-2024.md"))
    args = ap.parse_args()
    problems = []

    with open(args.contract, encoding="utf-8") as f:
        findings, statuses, interviews = from_contract(f.read())
    for name, ours, theirs in (("findings", FINDINGS, findings), ("statuses", STATUSES, statuses),
                               ("interview values", INTERVIEWS, interviews)):
        if ours != theirs:
            problems.append(f"the {name} listed here differ from {args.contract}: "
                            f"only here {sorted(ours - theirs)}, only there {sorted(theirs - ours)}")

    seen_findings, seen_statuses, seen_interviews = set(), set(), set()
    with open(args.expected, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            decision = json.loads(line)
            if "error" in decision:
                continue
            seen_statuses.add(decision.get("status"))
            seen_interviews.add(decision.get("interview"))
            for finding in decision.get("findings", []):
                seen_findings.add((finding["clause"], finding["kind"]))

    for name, wanted, seen in (("finding", FINDINGS, seen_findings), ("status", STATUSES, seen_statuses),
                               ("interview", INTERVIEWS, seen_interviews)):
        for item in sorted(wanted - seen):
            problems.append(f"{args.expected}: no decision has the {name} {item}")

    for p in problems:
        print(p)
    print(f"coverage: {len(FINDINGS)} findings, {len(STATUSES)} statuses, {len(INTERVIEWS)} interview values: "
          + ("complete" if not problems else f"{len(problems)} problems"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
