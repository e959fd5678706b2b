#!/usr/bin/env python3
"""An independent reading of doc/contract-nanjing-quality-2025.md, compared with polvm on generated records.

    nanjing_quality_2025.py --polvm PATH --pbc PATH [--count N] [--seed S]

Generates N records (valid ones over every value of every field, boundary dates for 一(五), and broken ones: a
missing required field, an enum value outside its list, a tier below 1, a wrong type), decides each with
decide() below, written from the contract and the notice text (not from the policy), runs polvm on them, and
compares line by line: every decision field equal (JSON types too), findings as multisets of (clause, kind)
with non-empty messages; error lines by line, id and the field named before the first ':'; polvm's exit
status 1 when some line is an error. Prints `N passed, M failed`; exits 0 only when everything agrees.
Python 3 standard library only.
"""

import argparse
import collections
import datetime
import json
import random
import subprocess
import sys

REVIEW = "南京市2025年质量工程中级专业技术资格评审"
ORGANIZER = "南京市市场监督管理局"
BASIS = "《南京市人力资源和社会保障局关于做好2025年度职称评审工作的通知》（宁人社职〔2025〕4号）"

ENUMS = {
    "level": ["初级", "中级", "高级", "正高级"],
    "work_field": ["质量检验", "计量", "质量管理", "标准化", "特种设备", "其他质量工作"],
    "employment": ["劳动聘用合同", "自由职业", "总部在宁", "其他"],
    "origin": ["内地", "港澳台", "外籍"],
    "foreign_document": ["外国人来华工作许可证", "外国人永久居留身份证", "江苏省海外高层次人才居住证",
                         "南京人才居住证", "紫金山英才卡", "其他证件"],
    "unit_type": ["本地", "央企在宁子公司", "外省市民营企业在宁子公司", "其他中央驻宁", "其他外省市驻宁",
                  "部队驻宁", "省属"],
}
REQUIRED = ["id", "level", "work_field", "employment", "applied_on"]
BOOLS = ["state_controlled", "registered_tax_nanjing", "independent_legal_person", "social_insurance_nanjing",
         "entrustment_approved", "civil_servant", "retired"]
DEFAULTS = {"origin": "内地", "foreign_document": None, "unit_type": "本地", "subsidiary_tier": None,
            "discipline_until": None, **{name: False for name in BOOLS}}


def day(text):
    return datetime.date.fromisoformat(text)


def decide(r):
    """The decision the contract gives for a bound record r (defaults filled in)."""
    findings = []

    def add(clause, kind):
        findings.append((clause, kind))

    taken = r["level"] == "中级" and r["unit_type"] != "省属"
    if r["level"] != "中级":
        add("前言", "warning")
    if r["employment"] == "其他":
        add("一(一)", "violation")
    if r["work_field"] == "其他质量工作":
        add("一(一)", "todo")
    if r["origin"] == "外籍" and r["foreign_document"] is None:
        add("一(二)", "violation")
    if r["origin"] == "外籍" and r["foreign_document"] == "其他证件":
        add("一(二)", "todo")
    tier = r["subsidiary_tier"]
    kind_qualifies = ((r["unit_type"] == "央企在宁子公司" and tier is not None and tier >= 3
                       and not r["state_controlled"]) or r["unit_type"] == "外省市民营企业在宁子公司")
    conditions = r["registered_tax_nanjing"] and r["independent_legal_person"] and r["social_insurance_nanjing"]
    direct = r["unit_type"] == "本地" or (kind_qualifies and conditions)
    entrusted = r["unit_type"] != "省属" and not direct
    if entrusted and not r["entrustment_approved"]:
        add("一(三)", "todo")
    if r["unit_type"] == "省属":
        add("一(四)", "warning")
    if r["civil_servant"]:
        add("一(五)", "violation")
    if r["retired"]:
        add("一(五)", "violation")
    if r["discipline_until"] is not None and day(r["discipline_until"]) >= day(r["applied_on"]):
        add("一(五)", "violation")
    if taken:
        add("二(一)", "todo")
    if not taken:
        status = "unrouted"
    elif any(kind == "violation" for _, kind in findings):
        status = "ineligible"
    else:
        status = "eligible"
    return {
        "id": r["id"], "review": REVIEW if taken else None, "organizer": ORGANIZER if taken else None,
        "basis": BASIS if taken else None, "direct": direct, "entrustment_needed": entrusted, "status": status,
    }, findings


def bind(obj):
    """None and the defaults for a valid record, or the name of the field that makes it an error line."""
    for name in REQUIRED:
        if obj.get(name) is None:
            return None, name
    if not isinstance(obj["id"], str):
        return None, "id"
    r = dict(DEFAULTS)
    r.update({k: v for k, v in obj.items() if v is not None})
    for name, values in ENUMS.items():
        if r[name] is not None and r[name] not in values:
            return None, name
    tier = r["subsidiary_tier"]
    if tier is not None and (isinstance(tier, bool) or not isinstance(tier, int) or tier < 1):
        return None, "subsidiary_tier"
    for name in BOOLS:
        if not isinstance(r[name], bool):
            return None, name
    return r, None


def generate(rng, count):
    applied = day("2025-06-09")
    lines = []
    for n in range(1, count + 1):
        obj = {"id": f"NJ{n:05d}", "level": rng.choice(ENUMS["level"] + ["中级"] * 4),
               "work_field": rng.choice(ENUMS["work_field"]), "employment": rng.choice(ENUMS["employment"]),
               "applied_on": (applied + datetime.timedelta(days=rng.randrange(0, 120))).isoformat()}
        for name in ("origin", "unit_type"):
            if rng.random() < 0.8:
                obj[name] = rng.choice(ENUMS[name] + ENUMS[name][1:3])
        if rng.random() < 0.5:
            obj["foreign_document"] = rng.choice(ENUMS["foreign_document"] + [None])
        if rng.random() < 0.6:
            obj["subsidiary_tier"] = rng.choice([None, 1, 2, 3, 4, 7])
        for name in BOOLS:
            if rng.random() < 0.3:
                obj[name] = rng.random() < 0.3
        if rng.random() < 0.5:   # the three conditions of 一(三) all met, then perhaps one of them missed
            for name in BOOLS[1:4]:
                obj[name] = True
            if rng.random() < 0.3:
                obj[rng.choice(BOOLS[1:4])] = False
        if rng.random() < 0.4:   # around the day of application: before, on, after
            offset = rng.choice([-400, -1, 0, 1, 30])
            obj["discipline_until"] = (day(obj["applied_on"]) + datetime.timedelta(days=offset)).isoformat()
        broken = rng.random()
        if broken < 0.03:
            del obj[rng.choice(REQUIRED[1:])]
        elif broken < 0.06:
            obj[rng.choice(list(ENUMS))] = "不存在的值"
        elif broken < 0.08:
            obj["subsidiary_tier"] = 0
        elif broken < 0.10:
            obj[rng.choice(BOOLS)] = "yes"
        lines.append(obj)
    return lines


def compare(line_no, obj, got):
    r, bad_field = bind(obj)
    if r is None:
        if "error" not in got:
            return [f"expected an error naming {bad_field}, got a decision"]
        out = []
        if got.get("line") != line_no or got.get("id") != obj.get("id"):
            out.append(f"error line/id {got.get('line')}/{got.get('id')!r}")
        if got["error"].split(":", 1)[0].strip() != bad_field:
            out.append(f"error names {got['error']!r}, expected {bad_field}")
        return out
    if "error" in got:
        return [f"unexpected error {got['error']!r}"]
    want, want_findings = decide(r)
    out = [f"{k}: {json.dumps(got.get(k), ensure_ascii=False)} != {json.dumps(v, ensure_ascii=False)}"
           for k, v in want.items() if k not in got or got[k] != v or type(got[k]) is not type(v)]
    extra = set(got) - set(want) - {"findings"}
    if extra:
        out.append(f"unexpected fields {sorted(extra)}")
    findings = got.get("findings", [])
    if any(not isinstance(f.get("message"), str) or not f["message"] for f in findings):
        out.append("a finding without a message")
    if collections.Counter((f["clause"], f["kind"]) for f in findings) != collections.Counter(want_findings):
        out.append(f"findings {[(f['clause'], f['kind']) for f in findings]} != {want_findings}")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--polvm", required=True)
    ap.add_argument("--pbc", required=True)
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=2025)
    args = ap.parse_args()
    records = generate(random.Random(args.seed), args.count)
    text = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in records)
    run = subprocess.run([args.polvm, args.pbc], input=text.encode(), capture_output=True, timeout=120)
    out = run.stdout.decode().splitlines()
    passed = failed = 0
    if len(out) != len(records):
        print(f"polvm wrote {len(out)} lines for {len(records)} records")
        failed += 1
    any_error = False
    for n, (obj, line) in enumerate(zip(records, out), 1):
        got = json.loads(line)
        any_error = any_error or "error" in got
        problems = compare(n, obj, got)
        if problems:
            failed += 1
            if failed <= 10:
                print(f"line {n} {obj.get('id')}: " + "; ".join(problems))
        else:
            passed += 1
    if run.returncode != (1 if any_error else 0):
        print(f"polvm exit {run.returncode}, expected {1 if any_error else 0}")
        failed += 1
    print(f"nanjing-quality-2025 reference: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
