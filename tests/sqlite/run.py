#!/usr/bin/env python3
"""The SQLite extension against polvm: a database of generated applicants decided in SQL, row by row.

    run.py --build DIR [--count N] [--seed S] [--sanitized]

Builds a database of tests/reference/generate.py's applicants (bad lines included, some records NULL, some
stored as blobs), decides every row with `SELECT pol_decide(...)` through the real sqlite3 shell (`.load`) and
through tests/sqlite/sqlite_client.c (sqlite3_load_extension), and checks:
  - every decision is the bytes polvm writes for that record; a refused record gives polvm's error object for
    it with "line": 1 (what polvm writes for the record alone); a NULL record gives NULL;
  - the policy as a path, as a bound blob and as a blob column decides the same;
  - NULL policy or record gives NULL; a bad .pbc (truncated, altered, not a .pbc, empty, missing) is an SQL
    error carrying the loader's reason as polvm reports it, never a crash;
  - one connection loads and verifies a program once, whatever the rows and statements (pol_cache_info), and
    keeps at most 8 programs, dropping the least recently used;
  - pol_policy_info gives the program's digest (the SHA-256 of the .pbc after its header);
  - pol_findings lists each decision's findings in order, none for an error object;
  - with --installed, the extension as `make install` put it decides the same;
  - when SQLite's allocator refuses its N-th allocation and all later ones, for every N, the C client gets an SQL
    error or the right rows, never a crash.
--sanitized (make check-asan): the extension is built with sanitizers, which only a sanitized program can load:
the client runs every check, the sqlite3 shell is skipped.  Python 3 standard library only.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import generate  # noqa: E402

TIMEOUT = 300
ERROR_LINE = re.compile(rb'^\{"line":(\d+),')
failures = []


def check(ok, what, detail=""):
    print(("ok   " if ok else "FAIL ") + what + ("" if ok or not detail else ": " + detail))
    if not ok:
        failures.append(what)
    return ok


def sql_text(s):
    return "'" + s.replace("'", "''") + "'"


class Engine:
    """Runs SQL statements on one connection: the sqlite3 shell or the C client. Returns (status, rows, stderr)
    with rows as bytes lines; NULL is printed as NULL by both."""

    def __init__(self, name, argv_for):
        self.name, self.argv_for = name, argv_for

    def run(self, db, statements, blob=None):
        argv, stdin = self.argv_for(db, statements, blob)
        p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT)
        rows = p.stdout.split(b"\n")
        if rows and rows[-1] == b"":
            rows.pop()
        return p.returncode, rows, p.stderr.decode("utf-8", "replace")


def shell_engine(extension):
    def argv_for(db, statements, blob):
        assert blob is None, "the shell reads blobs with readfile()"
        script = ".bail on\n.load %s\n.mode list\n.nullvalue NULL\n" % extension
        script += "".join(s + ";\n" for s in statements)
        return ["sqlite3", "-batch", db], script.encode("utf-8")
    return Engine("sqlite3 shell", argv_for)


def client_engine(client, extension):
    def argv_for(db, statements, blob):
        return [client, extension, db] + (["-b", blob] if blob else []) + list(statements), None
    return Engine("C client", argv_for)


def polvm_lines(polvm, pbc, lines):
    """polvm's output for each record, an error object rewritten to what polvm writes for that record alone
    ("line": 1). The rewrite is checked: the line number polvm wrote must be the record's."""
    p = subprocess.run([polvm, pbc], input=b"".join(l + b"\n" for l in lines), stdout=subprocess.PIPE,
                       timeout=TIMEOUT)
    out = p.stdout.split(b"\n")[:-1]
    assert len(out) == len(lines), "polvm wrote %d lines for %d records" % (len(out), len(lines))
    expected = []
    for no, line in enumerate(out, 1):
        m = ERROR_LINE.match(line)
        if m:
            assert int(m.group(1)) == no, "polvm's error line %d says line %s" % (no, m.group(1))
            line = b'{"line":1,' + line[m.end():]
        expected.append(line)
    return expected


def compare_rows(what, expected, rows, status, stderr):
    if not check(status == 0, what + ": the query ran", stderr.strip()):
        return
    if not check(len(rows) == len(expected), what + ": one row per applicant",
                 "%d rows for %d applicants" % (len(rows), len(expected))):
        return
    bad = [i for i, (e, r) in enumerate(zip(expected, rows)) if e != r]
    detail = ""
    if bad:
        i = bad[0]
        detail = "%d rows differ; first, row %d:\n  expected %s\n  got      %s" % (
            len(bad), i + 1, expected[i].decode("utf-8", "replace"), rows[i].decode("utf-8", "replace"))
    check(not bad, what + ": %d rows equal polvm's bytes" % len(expected), detail)


def cache_info(rows):
    try:
        return json.loads(rows[-1])
    except (IndexError, ValueError):
        return {}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--sanitized", action="store_true")
    ap.add_argument("--installed", help="the extension as make install put it (without .so): decide with it too")
    a = ap.parse_args(argv)
    build = os.path.abspath(a.build)
    extension = os.path.join(build, "lib", "pol_sqlite")  # without .so: SQLite adds it, as users write it
    client = os.path.join(build, "sqlite", "sqlite_client")
    polvm, polc = os.path.join(build, "bin", "polvm"), os.path.join(build, "bin", "polc")
    pbc = os.path.join(build, "suzhou-2024.pbc")
    work = os.path.join(build, "sqlite", "check")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    engines = [client_engine(client, extension)]
    if a.sanitized:
        print("skip the sqlite3 shell: it cannot load an extension built with sanitizers (the C client can)")
    elif not shutil.which("sqlite3"):
        check(False, "the sqlite3 shell is installed (Debian package sqlite3)")
    else:
        engines.insert(0, shell_engine(extension))

    # ---- the database: generated applicants, bad lines included; some NULL, some stored as blobs ----
    lines = [l.encode("utf-8") for l in generate.generate(a.seed, a.count)]
    rows = []  # (record as stored, or None)
    for i, line in enumerate(lines):
        rows.append(line if i % 7 == 3 else line.decode("utf-8"))
        if i % 500 == 250:
            rows.append(None)
    db = os.path.join(work, "applicants.db")
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE applicants (id INTEGER PRIMARY KEY, record TEXT)")
        conn.executemany("INSERT INTO applicants (id, record) VALUES (?, ?)", enumerate(rows, 1))
        # the policies as an application would keep them: .pbc bytes in a table (bad ones added below)
        conn.execute("CREATE TABLE pbc (name TEXT PRIMARY KEY, bytes BLOB)")
        conn.execute("INSERT INTO pbc (name, bytes) VALUES ('good', ?)", (open(pbc, "rb").read(),))
    conn.close()
    decided = polvm_lines(polvm, pbc, lines)
    expected, it = [], iter(decided)
    for r in rows:
        expected.append(b"NULL" if r is None else next(it))
    n_errors = sum(1 for e in decided if e.startswith(b'{"line":1,'))
    print("database: %d applicants (%d refused by polvm, %d NULL, %d stored as blobs) from generate.py --seed %d"
          % (len(rows), n_errors, rows.count(None), sum(1 for r in rows if isinstance(r, bytes)), a.seed))
    check(n_errors > 0 and n_errors < len(lines), "the applicants include bad records and good ones")

    by_path = "SELECT pol_decide(%s, record) FROM applicants ORDER BY id" % sql_text(pbc)
    by_column = ("SELECT pol_decide(p.bytes, a.record) FROM pbc p, applicants a WHERE p.name = 'good' "
                 "ORDER BY a.id")
    by_parameter = "SELECT pol_decide(?1, record) FROM applicants ORDER BY id"

    if a.installed:  # the installed extension, loaded the way its users load it
        installed = (client_engine(client, a.installed) if a.sanitized else shell_engine(a.installed))
        status, out, err = installed.run(db, [by_path])
        compare_rows(installed.name + ", the extension make install put in " + os.path.dirname(a.installed),
                     expected, out, status, err)
    n, nn = len(rows), len(lines)  # rows, and rows with a record

    for engine in engines:
        name = engine.name
        # a path: one load, then every row from the statement's kept program
        status, out, err = engine.run(db, [by_path, "SELECT pol_cache_info()"])
        compare_rows(name + ", policy as a path", expected, out[:-1], status, err)
        info = cache_info(out)
        check(info == {"programs": 1, "loads": 1, "refusals": 0, "cache_hits": 0, "statement_hits": nn - 1},
              name + ": %d rows loaded and verified the program once, then kept it for the statement" % n,
              json.dumps(info))
        if engine.name == "C client":
            status, out, err = engine.run(db, [by_parameter, "SELECT pol_cache_info()"], blob=pbc)
            compare_rows(name + ", policy as a bound blob", expected, out[:-1], status, err)
            check(cache_info(out).get("loads") == 1, name + ", bound blob: one load", json.dumps(cache_info(out)))
        # a blob column: not a constant of the statement, each row finds the program in the connection's cache
        status, out, err = engine.run(db, [by_column, by_path, by_column, "SELECT pol_cache_info()"])
        compare_rows(name + ", policy as a blob column", expected * 3, out[:-1], status, err)
        info = cache_info(out)
        check(info == {"programs": 1, "loads": 1, "refusals": 0, "cache_hits": 2 * nn, "statement_hits": nn - 1},
              name + ": three statements, path and blobs, %d rows: one load" % (3 * n), json.dumps(info))

        # NULL in, NULL out
        status, out, err = engine.run(db, [
            "SELECT pol_decide(NULL, '{}') IS NULL, pol_decide(%s, NULL) IS NULL, pol_decide(NULL, NULL) IS NULL, "
            "pol_policy_info(NULL) IS NULL, (SELECT count(*) FROM pol_findings(NULL))" % sql_text(pbc),
            "SELECT pol_decide(NULL, record) IS NULL FROM applicants LIMIT 1",
            "SELECT pol_cache_info()"])
        check(status == 0 and out[:2] == [b"1|1|1|1|0", b"1"], name + ": NULL policy or record gives NULL",
              err.strip() or repr(out))
        check(cache_info(out).get("loads") == 0, name + ": a NULL policy loads nothing", repr(out[-1:]))

        # the decision is JSON to SQLite's json functions, and its findings are rows
        status, out, err = engine.run(db, [
            "SELECT json_type(json_object('d', pol_decide(%s, record)), '$.d') FROM applicants "
            "WHERE record IS NOT NULL LIMIT 1" % sql_text(pbc)])
        check(status == 0 and out == [b"object"], name + ": json_object() embeds a decision as an object",
              err.strip() or repr(out))
        status, out, err = engine.run(db, [
            "SELECT json_array(a.id, f.clause, f.kind, f.message) FROM applicants a, "
            "pol_findings(pol_decide(%s, a.record)) f ORDER BY a.id, f.rowid" % sql_text(pbc)])
        want = []
        for i, e in enumerate(expected, 1):
            if e != b"NULL":
                want += [[i, f["clause"], f["kind"], f["message"]] for f in json.loads(e).get("findings", [])]
        got = [json.loads(r) for r in out] if status == 0 else None
        check(got == want, name + ": pol_findings lists the %d findings of the decisions in order" % len(want),
              err.strip() or "%d rows" % len(got or []))
        status, out, err = engine.run(db, ["SELECT * FROM pol_findings('[1,')"])
        check(status == 1 and "pol_findings: not a decision" in err, name + ": pol_findings of invalid JSON is an "
              "SQL error", err.strip() or repr(out))

    # ---- bad .pbc files: an SQL error with the loader's reason, as polvm words it ----
    good = open(pbc, "rb").read()
    altered = bytearray(good)
    altered[-5] ^= 0x20
    wrong_version = bytearray(good)
    wrong_version[8] = 9
    bad_files = {"truncated": good[:1000], "altered": bytes(altered), "not a .pbc": b"policy x\n", "empty": b"",
                 "a newer format": bytes(wrong_version)}
    for label, data in list(bad_files.items()) + [("missing", None)]:
        path = os.path.join(work, "bad-%s.pbc" % label.replace(" ", "-").replace(".", ""))
        if data is not None:
            with open(path, "wb") as f:
                f.write(data)
            with sqlite3.connect(db) as conn:
                conn.execute("INSERT INTO pbc (name, bytes) VALUES (?, ?)", (label, data))
            conn.close()
        p = subprocess.run([polvm, path, os.devnull], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
        reason = p.stderr.decode("utf-8").strip()
        prefix = "polvm: %s: " % path
        check(p.returncode == 2 and reason.startswith(prefix), "polvm refuses the %s .pbc" % label, reason)
        reason = reason[len(prefix):]
        for engine in engines:
            calls = [("path", [by_path.replace(sql_text(pbc), sql_text(path))], None)]
            if data is not None:
                calls.append(("blob column", [by_column.replace("'good'", sql_text(label))], None))
                if engine.name == "C client":
                    calls.append(("bound blob", [by_parameter], path))
            for how, statements, blob in calls:
                status, out, err = engine.run(db, statements, blob)
                want = "pol_decide: cannot load the policy: " + reason
                check(status == 1 and want in err and not out,
                      "%s: the %s .pbc as a %s is an SQL error with the loader's reason" % (engine.name, label, how),
                      "exit %d, stderr %r, wanted %r" % (status, err.strip(), want))
        status, out, err = engines[0].run(db, ["SELECT pol_policy_info(%s)" % sql_text(path)])
        check(status == 1 and "pol_policy_info: cannot load the policy: " + reason in err,
              "pol_policy_info of the %s .pbc is an SQL error" % label, err.strip())

    # ---- pol_policy_info: the program's facts; its digest is the SHA-256 of the .pbc after the header ----
    for engine in engines:
        status, out, err = engine.run(db, ["SELECT pol_policy_info(%s), pol_policy_info(bytes) FROM pbc "
                                           "WHERE name = 'good'" % sql_text(pbc)])
        ok = status == 0 and len(out) == 1 and out[0].count(b"}|{") == 1
        info = json.loads(out[0].split(b"}|{")[0] + b"}") if ok else {}
        check(ok and out[0].split(b"|", 1)[0] == out[0].split(b"|", 1)[1],
              engine.name + ": pol_policy_info of a path and of its bytes agree", err.strip() or repr(out))
        check(info.get("digest") == hashlib.sha256(good[56:]).hexdigest() and info.get("name") and
              info.get("version"), engine.name + ": pol_policy_info gives name, version and the .pbc's digest",
              json.dumps(info))

    # ---- a second program, and the cache's bound: 9 programs through one connection keep 8 ----
    variants = []
    with open(os.path.join(ROOT, "tests", "fuzz", "corpus", "compile", "minimal.pol"), encoding="utf-8") as f:
        source = f.read()
    for v in range(1, 10):
        src = os.path.join(work, "minimal-%d.pol" % v)
        with open(src, "w", encoding="utf-8") as f:
            f.write(source.replace('version "1"', 'version "%d"' % v, 1))
        subprocess.check_call([polc, src, "-o", src[:-4] + ".pbc"], timeout=TIMEOUT)
        variants.append(src[:-4] + ".pbc")
    second = variants[0]
    expected_second = polvm_lines(polvm, second, lines)
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE policies (n INTEGER PRIMARY KEY, path TEXT)")
        conn.executemany("INSERT INTO policies (n, path) VALUES (?, ?)", enumerate(variants + [variants[0]], 1))
    conn.close()
    for engine in engines:
        status, out, err = engine.run(db, [
            "SELECT pol_decide(%s, record) FROM applicants WHERE record IS NOT NULL ORDER BY id" % sql_text(second),
            by_path, "SELECT pol_cache_info()"])
        compare_rows(engine.name + ", a second program", expected_second + expected,
                     out[:-1], status, err)
        info = cache_info(out)
        check(info.get("loads") == 2 and info.get("programs") == 2, engine.name + ": two programs, two loads",
              json.dumps(info))
        status, out, err = engine.run(db, [
            "SELECT json_extract(pol_policy_info(path), '$.version') FROM policies ORDER BY n",
            "SELECT pol_cache_info()"])
        info = cache_info(out)
        check(status == 0 and out[:-1] == [str(v).encode() for v in list(range(1, 10)) + [1]] and
              info.get("programs") == 8 and info.get("loads") == 10,
              engine.name + ": 9 programs keep 8 in the cache; the least recently used is loaded again",
              err.strip() or repr(out))

    # ---- out of memory: SQLite's allocator (libpol's too, here) refuses its N-th allocation and every later one,
    # for each N: an error or the right rows, never a crash (nor, under the sanitizers, a leak) ----
    small = [by_path.replace("ORDER BY id", "WHERE id <= 40 ORDER BY id"), "SELECT pol_policy_info(%s)" % sql_text(pbc),
             "SELECT f.kind, f.clause FROM applicants a, pol_findings(pol_decide(%s, a.record)) f WHERE a.id <= 40 "
             "ORDER BY a.id, f.rowid" % sql_text(pbc)]

    p = subprocess.run([client, "--refuse-each", extension, db] + small, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=TIMEOUT)
    summary = p.stdout.decode("utf-8", "replace").strip()
    check(p.returncode == 0 and re.fullmatch(r"refused each of \d{3,} allocations: 0 wrong", summary),
          "the C client, each allocation refused in turn: an SQL error or the right rows (%s)" % summary,
          "exit %d: %s" % (p.returncode, p.stderr.decode("utf-8", "replace")[-600:]))

    print("%d checks failed" % len(failures) if failures else "sqlite: every check passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
