#!/usr/bin/env python3
"""run.py: polserve's pages in a real headless Chromium, against a real polserve on 127.0.0.1, each answer compared
with what polc and polvm give.

    run.py --build BUILD --polserve BUILD/bin/polserve --screenshots DIR [--records FILE] [--min-records N]

The self-check page (/): records of examples/applicants.jsonl, chosen to cover lists, enums, dates, bools and every
status, interview and kind of finding, are entered field by field through the generated form and submitted; the
page must show polvm's decision for the record (committee, receiver with address and phone, dates, interview,
status, every other field, each finding's clause, kind and message) and, on request, polvm --explain's lines.
A record missing a required field must show polvm's error. The playground (/try): a broken policy uploaded must
show polc's diagnostics (line, column, level, message and polc's text) in Chinese and, switched, in English; a
policy with checks must show them; the 2024 policy pasted must compile to the program polserve runs and decide
typed records, bad lines included, exactly as polvm. Screenshots of every page go to DIR. Bounded in time."""

import argparse
import json
import os
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import selfcheck  # noqa: E402
import try_page  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
TIME_LIMIT = 420  # seconds for the whole run; a hung browser or server fails the test instead of the build


class Checks:
    def __init__(self):
        self.failures, self.count = [], 0

    def equal(self, what, got, want):
        self.count += 1
        if got != want:
            self.failures.append("%s: page shows %r, expected %r" % (what, got, want))


def js_string(value):
    """String(v) in the page, for a JSON value v of the decision"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def features(record, decision):
    """what filling this record exercises: the covering choice of records below takes each at least once"""
    f = {"level:" + record["level"], "status:" + decision["status"], "interview:" + str(decision["interview"]),
         "submitted_by:" + record["submitted_by"]}
    for name in ("ce", "papers", "substitutes"):
        if record.get(name):
            f.add("list:" + name)
            if len(record[name]) >= 3:
                f.add("rows:" + name)
    for name, value in record.items():
        if isinstance(value, bool):
            f.add("bool:%s=%s" % (name, value))
    for paper in record.get("papers") or []:
        for name in ("foreign", "translated", "first_author", "matches_specialty"):
            if name in paper:
                f.add("paper:%s=%s" % (name, paper[name]))
    for name in ("unit_type", "integrity_record_date", "applications_this_year", "patents_as_achievement", "awards"):
        if record.get(name) is not None:
            f.add("field:" + name)
    for finding in decision["findings"]:
        f.add("kind:" + finding["kind"])
    if decision.get("receiver_address") is None:
        f.add("no-address")
    return f


def choose(records, decisions, least):
    """a few records that cover every feature, then more with the most findings until there are `least`"""
    candidates = [i for i, d in enumerate(decisions) if "error" not in d]
    wanted = set().union(*(features(records[i], decisions[i]) for i in candidates))
    chosen, covered = [], set()
    while covered != wanted:
        best = max(candidates, key=lambda i: len(features(records[i], decisions[i]) - covered))
        chosen.append(best)
        covered |= features(records[best], decisions[best])
    for i in sorted(candidates, key=lambda i: -len(decisions[i]["findings"])):
        if len(chosen) >= least:
            break
        if i not in chosen:
            chosen.append(i)
    return sorted(chosen), wanted


def explain_lines(text):
    """polvm --explain's output: per decision line, its explanation lines without their indent"""
    per_record = []
    for line in text.split("\n"):
        if line.startswith("  "):
            per_record[-1].append(line[2:])
        elif line:
            per_record.append([])
    return per_record


def check_selfcheck(browser, server, a, checks, shots):
    schema = server.get_json("/v1/schema")
    raw = [l for l in open(a.records, "rb").read().split(b"\n") if l.strip()]
    out = harness.polvm(a.polvm, a.pbc, raw).split("\n")
    decisions = [json.loads(l) for l in out if l]
    explained = explain_lines(harness.polvm(a.polvm, a.pbc, raw, explain=True))
    assert len(decisions) == len(raw) == len(explained)
    records = [json.loads(l) if "error" not in d else None for l, d in zip(raw, decisions)]
    chosen, wanted = choose(records, decisions, a.min_records)
    print("self-check: %d records of %s, covering %d features" % (len(chosen), os.path.basename(a.records),
                                                                  len(wanted)))
    d = browser.driver
    for n, i in enumerate(chosen):
        record, decision = records[i], decisions[i]
        rid = record["id"]
        selfcheck.fill(d, server.base, schema, record)
        if n % 2 == 0:  # ask for the explanation before submitting on half of them, with the button on the rest
            d.find_element(selfcheck.By.ID, "want-explain").click()
        selfcheck.submit(d)
        shown = selfcheck.shown_decision(d)
        checks.equal(rid + " error", shown["error"], None)
        checks.equal(rid + " status", shown["status"], decision["status"])
        checks.equal(rid + " status shown", bool(shown["status_text"]), True)
        for name, value in decision.items():
            if name in ("id", "status", "findings"):
                continue
            got = shown["cells"].get(name)
            checks.equal("%s %s" % (rid, name), got[0] if got else None, js_string(value))
            if name in ("committee", "receiver", "receiver_address", "receiver_phone", "online_from", "online_to",
                        "materials_until") and got:
                text = value.replace("T", " ") if isinstance(value, str) else value  # "2024-04-30 17:00"
                checks.equal("%s %s (text)" % (rid, name), got[1], text if value is not None else "—")
        want = [{"clause": f["clause"] or "", "kind": f["kind"], "clause_text": f["clause"] or "—",
                 "message_text": f["message"]} for f in decision["findings"]]
        checks.equal(rid + " findings", shown["findings"], want)
        checks.equal(rid + " explanation", selfcheck.explanation(d), explained[i])
        browser.screenshot(os.path.join(shots, "selfcheck-%s.png" % rid))
    # a record the contract refuses: the page says why, in polvm's words
    first = records[chosen[0]]
    missing = {k: v for k, v in first.items() if k != "submitted_by"}
    error = json.loads(harness.polvm(a.polvm, a.pbc, [json.dumps(missing, ensure_ascii=False).encode()]))["error"]
    selfcheck.fill(d, server.base, schema, missing)
    selfcheck.submit(d)
    shown = selfcheck.shown_decision(d)
    checks.equal("a record without submitted_by", shown["error"], "无法判定：" + error)
    checks.equal("a record without submitted_by: no findings", shown["findings"], [])
    browser.screenshot(os.path.join(shots, "selfcheck-refused.png"))
    return len(chosen)


def check_diagnostics(driver, what, source, lang, a, checks, tmp):
    text, want = harness.polc_diagnostics(a.polc, source, lang, tmp)
    found, shown_text, ok, _ = try_page.shown_diagnostics(driver)
    levels = {"en": {"error": "error", "warning": "warning", "note": "note"},
              "zh": {"error": "错误", "warning": "警告", "note": "附注"}}[lang]
    got = [(f["line"], f["column"], levels[f["level"]], f["message"]) for f in found]
    checks.equal("%s (%s): diagnostics" % (what, lang), got, want)
    checks.equal("%s (%s): polc's text" % (what, lang), shown_text, text)
    for f in found:
        if f["line"]:
            checks.equal("%s (%s): where" % (what, lang), f["where"], "第 %d 行第 %d 列" % (f["line"], f["column"]))
    return ok


def check_try(browser, server, a, checks, shots, tmp):
    d = browser.driver
    try_page.open_page(d, server.base)
    # a broken policy, uploaded: polc's diagnostics, at their lines and columns, in both languages
    broken = os.path.join(ROOT, "tests", "golden", "errors", "two_mistakes.pol")
    source = open(broken, encoding="utf-8").read()
    try_page.upload(d, broken)
    ok = check_diagnostics(d, "two_mistakes.pol", source, "zh", a, checks, tmp)
    checks.equal("two_mistakes.pol compiles", ok, "false")
    browser.screenshot(os.path.join(shots, "try-broken-zh.png"))
    try_page.set_language(d, "en")
    check_diagnostics(d, "two_mistakes.pol", source, "en", a, checks, tmp)
    browser.screenshot(os.path.join(shots, "try-broken-en.png"))
    _, summary, rows = try_page.decide(d, '{"id":"x"}\n')
    checks.equal("deciding with a broken policy is refused", (summary.startswith("无法试算"), rows), (True, 0))
    try_page.set_language(d, "zh")
    # a policy that compiles with checks: the checks are shown as polc --check reports them
    lint = open(os.path.join(ROOT, "tests", "golden", "errors", "lint_copied_last_year.pol"), encoding="utf-8").read()
    try_page.paste(d, lint)
    ok = check_diagnostics(d, "lint_copied_last_year.pol", lint, "zh", a, checks, tmp)
    checks.equal("lint_copied_last_year.pol compiles", ok, "true")
    browser.screenshot(os.path.join(shots, "try-checks.png"))
    # the 2024 policy, pasted: the program polserve runs, and polvm's bytes for typed records
    good = open(os.path.join(ROOT, "policies", "suzhou-2024.pol"), encoding="utf-8").read()
    try_page.paste(d, good)
    found, _, ok, _ = try_page.shown_diagnostics(d)
    checks.equal("suzhou-2024.pol compiles", (ok, found), ("true", []))
    checks.equal("suzhou-2024.pol's digest", try_page.policy_table(d).get("摘要（SHA-256）"),
                 server.get_json("/v1/policy")["digest"])
    raw = [l for l in open(a.records, "rb").read().split(b"\n") if l.strip()][:6]
    raw += [b'{"id":"T1","specialty":"\xe5\xbb\xba\xe8\xae\xbe"}', b"not json"]
    typed = "\n".join(l.decode("utf-8") for l in raw)
    lines, summary, rows = try_page.decide(d, typed)
    checks.equal("decisions on /try", lines, harness.polvm(a.polvm, a.pbc, raw))
    checks.equal("decision rows on /try", rows, len(raw))
    browser.screenshot(os.path.join(shots, "try-decided.png"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--polserve", required=True)
    ap.add_argument("--screenshots", required=True)
    ap.add_argument("--records", default=os.path.join(ROOT, "examples", "applicants.jsonl"))
    ap.add_argument("--min-records", type=int, default=14)
    a = ap.parse_args(argv)
    a.build, a.polserve = os.path.abspath(a.build), os.path.abspath(a.polserve)
    a.polc = os.path.join(a.build, "bin", "polc")
    a.polvm = os.path.join(a.build, "bin", "polvm")
    a.pbc = os.path.join(a.build, "suzhou-2024.pbc")
    os.makedirs(a.screenshots, exist_ok=True)
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("over %d s" % TIME_LIMIT)))
    signal.alarm(TIME_LIMIT)
    started = time.monotonic()
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="pol-browser-") as tmp:
        server = harness.Polserve(a.polserve, a.pbc, tmp).start()
        browser = None
        try:
            browser = harness.Browser()
            n = check_selfcheck(browser, server, a, checks, a.screenshots)
            check_try(browser, server, a, checks, a.screenshots, tmp)
        finally:
            if browser:
                browser.quit()
            code = server.stop()
            log = open(os.path.join(tmp, "polserve.stderr"), encoding="utf-8", errors="replace").read()
        if code not in (0, -signal.SIGTERM):
            checks.failures.append("polserve exited with %s on SIGTERM:\n%s" % (code, log[-2000:]))
    signal.alarm(0)
    for f in checks.failures[:40]:
        print("FAIL " + f)
    print("browser: %d records on /, /try; %d checks, %d failed, %.1f s; screenshots in %s"
          % (n, checks.count, len(checks.failures), time.monotonic() - started, a.screenshots))
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main())
