#!/usr/bin/env python3
"""Deterministic generator of applicant records (JSON Lines) for the 2024 Suzhou policy, with malformed lines.

    generate.py [--seed S] [--count N] [--valid-only] [--malformed-fraction F] [-o FILE]

Valid records cycle through every specialty x level x region (836 combinations, in a seeded order), every
submitted_by and unit_type (plus absent/null), and lean on the contract's boundaries: similarity 30/30.1,
学习强国 499/500/999/1000 around 2019/2020, hours 13/14/23/24/71/72, titles from 2019-2023 and long ago, integrity
record dates around 2021-01-10/11, paper dates around 2024-04-30, unique ce years, empty/absent/null lists and
nulls for optional fields.  Unless --valid-only, about one line in eight is malformed with exactly one defect
(so the field an error names is determined): invalid JSON, non-object JSON, a missing required field, a wrong
type, a near-miss enum value, an impossible date, a list of the wrong shape.  Python 3 standard library only.
"""

import argparse
import datetime as _dt
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import notice  # noqa: E402

N = notice

TITLES = ["深基坑支护设计", "BIM应用", "先进封装热仿真", "工业互联网平台安全架构", "区块链溯源系统",
          "丝绸印染废水处理", "钢结构节点疲劳分析", "A study of \"quoted\" words", "路径\\反斜杠\\测试",
          "Émoji 🚧 在标题中", "PLC控制系统设计\t制表符", "质量管理体系研究", "药品稳定性试验", "5G切片"]
CE_HOURS = [0, 10, 13, 13.5, 14, 16, 20, 23, 23.9, 24, 30, 40, 48, 71, 72, 80]
XXQG = [0, 300, 499, 500, 501, 999, 1000, 1200]
PROF = [0, 24, 47, 48, 60]
SIMILARITY = [0, 5, 8, 12.5, 29.9, 30, 30.0, 30.1, 31, 45]
PAPER_DATES = ["2019-03-01", "2021-11-11", "2023-05-01", "2024-01-15", "2024-04-29", "2024-04-30", "2024-05-01",
               "2024-05-02", "2024-12-31"]
INTEGRITY_DATES = ["2019-06-01", "2020-12-31", "2021-01-09", "2021-01-10", "2021-01-11", "2021-01-12", "2021-02-28",
                   "2022-07-01", "2023-09-09", "2024-02-29", "2020-02-29"]
TITLE_DATE_EDGES = ["2017-12-31", "2018-01-01", "2019-01-01", "2019-06-30", "2019-12-31", "2020-01-01", "2020-02-29",
                    "2021-06-01", "2022-12-31", "2023-01-01", "2023-08-01", "2023-12-31", "2024-01-01", "2024-03-15"]


def rand_date(rng, y0, y1):
    start = _dt.date(y0, 1, 1).toordinal()
    end = _dt.date(y1, 12, 31).toordinal()
    return _dt.date.fromordinal(rng.randint(start, end)).isoformat()


def opt(rng, value, p_absent=0.3, p_null=0.1):
    """An optional value: returns (present, value); absent or null (which means the default) sometimes."""
    x = rng.random()
    if x < p_absent:
        return False, None
    if x < p_absent + p_null:
        return True, None
    return True, value


def put(rng, obj, key, value, p_absent=0.3, p_null=0.1):
    present, v = opt(rng, value, p_absent, p_null)
    if present:
        obj[key] = v


def title_date(rng):
    x = rng.random()
    if x < 0.35:
        return rand_date(rng, 2014, 2020)
    if x < 0.60:
        return rng.choice(TITLE_DATE_EDGES)
    if x < 0.80:
        return rand_date(rng, 2019, 2023)          # titles obtained 2019-2023: fewer than 4 countable years
    return rand_date(rng, 1988, 2008)              # long ago


def ce_entry(rng, year, level, mode):
    e = {"year": year}
    if mode == "pass":
        if level == "正高级":
            if year >= 2020 and rng.random() < 0.3:           # 1000 学分 + 48 学时专业科目
                e["xxqg_points"] = rng.choice([1000, 1200])
                e["professional_hours"] = rng.choice([48, 50])
                put(rng, e, "hours", rng.choice([0, 10]))
            else:                                              # hours + professional_hours >= 72
                h = rng.choice([72, 80, 24, 40])
                e["hours"] = h
                p = max(0, 72 - h)
                if p > 0 or rng.random() < 0.5:
                    e["professional_hours"] = p + rng.choice([0, 0, 5])
        else:
            need_h, need_x = (14, 500) if level in ("初级", "中级") else (24, 1000)
            if year >= 2020 and rng.random() < 0.3:
                e["xxqg_points"] = rng.choice([need_x, need_x + 1, 1500])
                put(rng, e, "hours", rng.choice([0, 5, need_h - 1]))
            else:
                e["hours"] = rng.choice([need_h, need_h, need_h + 0.5, 30, 72])
                put(rng, e, "xxqg_points", rng.choice([0, 499, 999]))
        return e
    # random boundary values; absent numbers are 0 (contract), nulls take the default too
    put(rng, e, "hours", rng.choice(CE_HOURS), 0.2, 0.05)
    put(rng, e, "xxqg_points", rng.choice(XXQG), 0.5, 0.05)
    put(rng, e, "professional_hours", rng.choice(PROF), 0.5, 0.05)
    return e


def gen_ce(rng, level, T):
    x = rng.random()
    if x < 0.06:
        return "absent"
    if x < 0.10:
        return None
    if x < 0.14:
        return []
    lo = max(T - 1, 1985)
    years = list(range(lo, 2025))
    if x < 0.55:                                   # mostly passing: every counted year, one maybe perturbed
        entries = [ce_entry(rng, y, level, "pass") for y in range(max(T + 1, 1985), 2024)]
        if rng.random() < 0.3 and entries:
            k = rng.randrange(len(entries))
            entries[k] = ce_entry(rng, entries[k]["year"], level, "random")
        if rng.random() < 0.3:
            entries.append(ce_entry(rng, T, level, "pass"))           # the title's own year: not counted
        if rng.random() < 0.2:
            entries.append(ce_entry(rng, 2024, level, "pass"))        # after 2023: not counted
        # keep years unique
        uniq = {}
        for e in entries:
            uniq.setdefault(e["year"], e)
        entries = list(uniq.values())
    elif x < 0.75:                                 # 学习强国 around 2019/2020
        entries = []
        for y in range(max(lo, 2016), 2024):
            e = {"year": y, "xxqg_points": rng.choice([499, 500, 999, 1000])}
            put(rng, e, "hours", rng.choice([0, 13, 23]), 0.5, 0.1)
            put(rng, e, "professional_hours", rng.choice([0, 47, 48]), 0.4, 0.1)
            entries.append(e)
    else:                                          # random subset of years with boundary values
        k = rng.randint(1, min(len(years), 8))
        entries = [ce_entry(rng, y, level, "random") for y in sorted(rng.sample(years, k))]
    if rng.random() < 0.3:
        rng.shuffle(entries)
    return entries


def gen_paper(rng):
    p = {"title": rng.choice(TITLES), "date": rng.choice(PAPER_DATES + [rand_date(rng, 2015, 2024)]),
         "similarity": rng.choice(SIMILARITY)}
    put(rng, p, "first_author", rng.random() < 0.8, 0.4, 0.1)
    put(rng, p, "foreign", rng.random() < 0.25, 0.4, 0.1)
    put(rng, p, "translated", rng.random() < 0.5, 0.4, 0.1)
    put(rng, p, "matches_specialty", rng.random() < 0.85, 0.4, 0.1)
    if rng.random() < 0.05:
        p["journal"] = "《苏州科技》"                 # not listed: ignored
    return p


def gen_list(rng, make, max_n):
    x = rng.random()
    if x < 0.35:
        return "absent"
    if x < 0.42:
        return None
    if x < 0.52:
        return []
    return [make(rng) for _ in range(rng.randint(1, max_n))]


def gen_substitute(rng):
    s = {"kind": rng.choice(N.SUBSTITUTE_KINDS)}
    put(rng, s, "also_as_achievement", rng.random() < 0.4, 0.35, 0.1)
    return s


def make_id(rng, i):
    x = rng.random()
    if x < 0.93:
        return "R%06d" % i
    return rng.choice(["申请人-%d" % i, "id with \"quotes\" %d" % i, "back\\slash-%d" % i, "emoji-🙂-%d" % i,
                       "tab\t%d" % i])


def gen_valid(rng, i, combo):
    spec, level, region = combo
    T = title_date(rng)
    r = {"id": make_id(rng, i), "specialty": spec, "level": level, "region": region,
         "submitted_by": N.SUBMITTED_BY[i % 3] if rng.random() < 0.8 else rng.choice(["本人", "单位"]),
         "current_title_date": T}
    ut = i % 6                                      # the four unit types, absent and null
    if ut < 4:
        r["unit_type"] = N.UNIT_TYPES[ut] if rng.random() < 0.6 else "本地"
    elif ut == 5:
        r["unit_type"] = None
    put(rng, r, "applications_this_year", rng.choice([1, 1, 1, 2, 3]), 0.5, 0.1)
    put(rng, r, "exceptional", rng.random() < 0.3, 0.4, 0.1)
    put(rng, r, "major_matches", rng.random() < 0.75, 0.4, 0.1)
    ce = gen_ce(rng, level, int(T[:4]))
    if ce != "absent":
        r["ce"] = ce
    papers = gen_list(rng, gen_paper, 4)
    if papers != "absent":
        r["papers"] = papers
    subs = gen_list(rng, gen_substitute, 3)
    if subs != "absent":
        r["substitutes"] = subs
    put(rng, r, "patents_as_achievement", rng.choice([0, 1, 2]), 0.5, 0.1)
    put(rng, r, "patent_benefit_proof", rng.random() < 0.5, 0.5, 0.1)
    put(rng, r, "awards", rng.choice([0, 1, 3]), 0.5, 0.1)
    put(rng, r, "award_proof", rng.random() < 0.5, 0.5, 0.1)
    put(rng, r, "self_assessment_uploaded", rng.random() < 0.85, 0.15, 0.05)
    x = rng.random()
    if x < 0.15:
        r["integrity_record_date"] = None
    elif x < 0.40:
        r["integrity_record_date"] = rng.choice(INTEGRITY_DATES)
    if rng.random() < 0.05:
        r["备注"] = {"nested": [1, 2, {"x": None}]}   # fields not listed are ignored
    if rng.random() < 0.03:
        r["ce_total"] = "not a field"
    return r


def dump(rng, obj):
    items = list(obj.items())
    if rng.random() < 0.15:
        rng.shuffle(items)                           # key order is not significant in JSON
        obj = dict(items)
    style = rng.random()
    if style < 0.7:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    if style < 0.9:
        return json.dumps(obj, ensure_ascii=False)
    if style < 0.97:
        return json.dumps(obj, ensure_ascii=True)    # \uXXXX escapes, surrogate pairs for emoji
    return " \t" + json.dumps(obj, ensure_ascii=False, indent=None, separators=(" , ", " : ")) + "  "


# ---------------------------------------------------------------------------------------------------------------
# Malformed lines: each mutator returns (line_text, field_named_or_None) with exactly one defect
# ---------------------------------------------------------------------------------------------------------------

REQUIRED_TOP = ["id", "specialty", "level", "region", "submitted_by", "current_title_date"]
NEAR_MISS = {
    "specialty": ["机戒", "建筑", "电子", "电子信息工程", "化学工程", "纺织丝绸", "药学专业（药品）", "集成电路 ", "数字经济（区块链）",
                  "网安", "高技能", "Mechanical"],
    "level": ["副高级", "高级 ", "中级工程师", "正高", "初 级", "senior"],
    "region": ["吴江区", "苏州工业园区", "高新", "昆山市", "姑苏区", "市区", "园区", "张家港市"],
    "submitted_by": ["个人", "本人 ", "中介公司", "单位代报"],
    "unit_type": ["外地", "中央", "部队", "本地单位"],
}
BAD_DATES = ["2023-02-29", "2021-04-31", "2022-13-01", "2022-00-10", "2022-01-00", "2022-1-5", "2022/01/05",
             "20220105", "2022-01-05T00:00", "", "yesterday", "2019-02-29", "2021-06-31"]


def _ensure_list(rng, r, key, make, n):
    lst = r.get(key)
    if not isinstance(lst, list) or len(lst) < n:
        lst = list(lst) if isinstance(lst, list) else []
        while len(lst) < n:
            lst.append(make(rng))
        if key == "ce":                               # keep ce years unique
            for k, e in enumerate(lst):
                e["year"] = 2016 + k
        r[key] = lst
    return lst


def _ce_make(rng):
    return {"year": 2016, "hours": rng.choice(CE_HOURS)}


def malformed(rng, r):
    """Mutate a valid record r (a dict) into one malformed line."""
    kind = rng.choice(["json", "json", "nonobject", "missing", "missing", "null_required", "type", "type", "type",
                       "enum", "enum", "date", "date", "list_shape", "list_shape", "element", "element", "element",
                       "posint"])
    text = json.dumps(r, ensure_ascii=False, separators=(",", ":"))
    if kind == "json":
        m = rng.randrange(8)
        if m == 0:
            return text[: rng.randint(1, len(text) - 1)], None                 # truncated
        if m == 1:
            return text[:-1] + ",}", None                                     # trailing comma
        if m == 2:
            return text.replace('"', "'"), None                               # single quotes
        if m == 3:
            return text[:-1] + ',"similarity":NaN}', None                      # NaN is not JSON
        if m == 4:
            return text + " x", None                                          # trailing garbage
        if m == 5:
            return text + text, None                                          # two objects on one line
        if m == 6:
            return text.replace('"id"', "id", 1), None                         # unquoted key
        return text.replace(":", " ", 1), None                                # missing colon
    if kind == "nonobject":
        return rng.choice(["[" + text + "]", "42", '"R1"', "null", "true", "[]", "3.5"]), None
    if kind == "missing":
        f = rng.choice(REQUIRED_TOP)
        del r[f]
        return json.dumps(r, ensure_ascii=False), f
    if kind == "null_required":
        f = rng.choice(REQUIRED_TOP)
        r[f] = None
        return json.dumps(r, ensure_ascii=False), f
    if kind == "type":
        f, v = rng.choice([
            ("id", 12345), ("id", ["R1"]), ("specialty", 5), ("level", True), ("region", ["吴江"]),
            ("submitted_by", {"who": "本人"}), ("current_title_date", 20180701), ("current_title_date", True),
            ("unit_type", 1), ("applications_this_year", "2"), ("applications_this_year", 1.5),
            ("applications_this_year", True), ("exceptional", "true"), ("exceptional", 1), ("major_matches", 0),
            ("major_matches", "否"), ("patents_as_achievement", 1.5), ("patents_as_achievement", "1"),
            ("patent_benefit_proof", "yes"), ("awards", "2"), ("awards", False), ("award_proof", 1),
            ("self_assessment_uploaded", "false"), ("self_assessment_uploaded", []), ("integrity_record_date", 2021),
            ("integrity_record_date", False), ("ce", {"year": 2020, "hours": 14}), ("ce", "2020:14"),
            ("papers", {"title": "x"}), ("substitutes", "发明专利"), ("ce", 3)])
        r[f] = v
        return json.dumps(r, ensure_ascii=False), f
    if kind == "enum":
        f = rng.choice(list(NEAR_MISS))
        r[f] = rng.choice(NEAR_MISS[f])
        return json.dumps(r, ensure_ascii=False), f
    if kind == "date":
        f = rng.choice(["current_title_date", "current_title_date", "integrity_record_date", "paper"])
        bad = rng.choice(BAD_DATES)
        if f == "paper":
            papers = _ensure_list(rng, r, "papers", gen_paper, rng.randint(1, 3))
            k = rng.randrange(len(papers))
            papers[k]["date"] = bad
            return json.dumps(r, ensure_ascii=False), "papers[%d].date" % k
        r[f] = bad
        return json.dumps(r, ensure_ascii=False), f
    if kind == "list_shape":
        key = rng.choice(["ce", "papers", "substitutes"])
        make = {"ce": _ce_make, "papers": gen_paper, "substitutes": gen_substitute}[key]
        lst = _ensure_list(rng, r, key, make, rng.randint(1, 3))
        k = rng.randrange(len(lst))
        lst[k] = rng.choice([1, "x", [2020, 14], True, 2.5])
        return json.dumps(r, ensure_ascii=False), "%s[%d]" % (key, k)
    if kind == "element":
        key = rng.choice(["ce", "ce", "papers", "papers", "substitutes"])
        if key == "ce":
            lst = _ensure_list(rng, r, key, _ce_make, rng.randint(1, 4))
            k = rng.randrange(len(lst))
            f, v = rng.choice([("hours", "14"), ("hours", True), ("xxqg_points", "500"), ("professional_hours", [48]),
                               ("year", "2020"), ("year", 2020.5), ("year", None), ("year", "missing")])
        elif key == "papers":
            lst = _ensure_list(rng, r, key, gen_paper, rng.randint(1, 3))
            k = rng.randrange(len(lst))
            f, v = rng.choice([("title", 5), ("title", "missing"), ("similarity", "30%"), ("similarity", "missing"),
                               ("similarity", False), ("first_author", "yes"), ("foreign", 0), ("translated", "no"),
                               ("matches_specialty", 1), ("date", "missing"), ("date", 20240101)])
        else:
            lst = _ensure_list(rng, r, key, gen_substitute, rng.randint(1, 3))
            k = rng.randrange(len(lst))
            f, v = rng.choice([("kind", "专利"), ("kind", "国家标准"), ("kind", 1), ("kind", "missing"),
                               ("also_as_achievement", "true"), ("also_as_achievement", 1)])
        if v == "missing":
            lst[k].pop(f, None)
        else:
            lst[k][f] = v
        return json.dumps(r, ensure_ascii=False), "%s[%d].%s" % (key, k, f)
    if kind == "posint":                              # applications_this_year is an integer >= 1
        r["applications_this_year"] = rng.choice([0, -1])
        return json.dumps(r, ensure_ascii=False), "applications_this_year"
    raise AssertionError(kind)


def combos(rng):
    all_combos = [(s, lv, rg) for s in N.SPECIALTIES for lv in N.LEVELS for rg in N.REGIONS]
    rng.shuffle(all_combos)
    return all_combos


def generate(seed=1, count=1000, valid_only=False, malformed_fraction=0.125, with_fields=False):
    """The lines (str, without newline); with_fields=True yields (line, intended error field or 'valid'/None)."""
    rng = random.Random(seed)
    order = combos(rng)
    out = []
    valid_i = 0
    for i in range(1, count + 1):
        if not valid_only and rng.random() < malformed_fraction:
            base = gen_valid(rng, i, rng.choice(order))
            line, field = malformed(rng, base)
            out.append((line, field) if with_fields else line)
        else:
            combo = order[valid_i % len(order)]
            valid_i += 1
            line = dump(rng, gen_valid(rng, i, combo))
            out.append((line, "valid") if with_fields else line)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--valid-only", action="store_true", help="only contract-valid records (benchmark input)")
    ap.add_argument("--malformed-fraction", type=float, default=0.125)
    ap.add_argument("-o", "--output", help="write here instead of stdout")
    ap.add_argument("--check", action="store_true",
                    help="self-check: every line is valid or names exactly the intended field under notice.validate")
    a = ap.parse_args(argv)
    lines = generate(a.seed, a.count, a.valid_only, a.malformed_fraction, with_fields=a.check)
    if a.check:
        bad = 0
        for no, (line, field) in enumerate(lines, 1):
            rec, err, named = N.parse_line_ex(line, no)
            ok = (err is None) if field == "valid" else (err is not None and named == field)
            if ok and field == "valid" and "\n" in line:
                ok = False
            if not ok:
                bad += 1
                if bad <= 10:
                    print("line %d intended %r got %r: %s" % (no, field, err, line[:200]))
        print("generator check: %d lines, %d unexpected" % (len(lines), bad))
        return 1 if bad else 0
    data = "".join(line + "\n" for line in lines)
    if a.output:
        with open(a.output, "w", encoding="utf-8", newline="") as f:
            f.write(data)
    else:
        sys.stdout.buffer.write(data.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
