#!/usr/bin/env python3
"""rows/s of pol_decide in the sqlite3 shell over the bench's 200,000 records, beside polvm's records/s.

    bench.py --build DIR [--records N] [--repeat R]

The records are tests/bench/run.py's (generate.py --seed 1 --valid-only, made once under DIR/bench/); they are
loaded once into DIR/sqlite/bench/records-N.db. Each query runs R times in a fresh sqlite3 shell and the least
CPU time (user + system of the shell) is kept: a scan that only reads the records, pol_decide with the policy
as a path (a constant: the statement keeps the program), and with the policy as a blob column (each row finds
the program in the connection's cache). Prints one line of figures.  Python 3 standard library only.
"""

import argparse
import os
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def best(repeat, argv, stdin_text=None):
    """The least CPU time (user + system of the child) over repeat runs, and that run's wall time."""
    runs = []
    for _ in range(repeat):
        before, start = os.times(), time.perf_counter()
        p = subprocess.run(argv, input=stdin_text.encode() if stdin_text else None, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
        wall, after = time.perf_counter() - start, os.times()
        if p.returncode != 0:
            sys.exit("bench-sqlite: %s failed: %s" % (argv[0], p.stderr.decode("utf-8", "replace").strip()))
        runs.append((after.children_user - before.children_user + after.children_system - before.children_system,
                     wall))
    return min(runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--records", type=int, default=200000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    polvm, pbc = os.path.join(build, "bin", "polvm"), os.path.join(build, "suzhou-2024.pbc")
    extension = os.path.join(build, "lib", "pol_sqlite")
    records = os.path.join(build, "bench", "records-%d.jsonl" % a.records)
    if not os.path.exists(records):  # the same file tests/bench/run.py makes
        os.makedirs(os.path.dirname(records), exist_ok=True)
        print("bench-sqlite: generating %d contract-valid records (once) ..." % a.records, file=sys.stderr)
        subprocess.check_call([sys.executable, os.path.join(ROOT, "tests", "reference", "generate.py"), "--seed",
                               "1", "--count", str(a.records), "--valid-only", "-o", records + ".sqlite.tmp"])
        os.replace(records + ".sqlite.tmp", records)  # its own temporary name: make -j2 bench may run both
    work = os.path.join(build, "sqlite", "bench")
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "records-%d.db" % a.records)
    if not os.path.exists(db) or os.path.getmtime(db) < os.path.getmtime(records):
        with open(records, encoding="utf-8") as f, sqlite3.connect(db + ".tmp") as conn:
            conn.execute("DROP TABLE IF EXISTS applicants")
            conn.execute("DROP TABLE IF EXISTS pbc")
            conn.execute("CREATE TABLE applicants (id INTEGER PRIMARY KEY, record TEXT)")
            conn.executemany("INSERT INTO applicants (record) VALUES (?)", ((l.rstrip("\n"),) for l in f))
            conn.execute("CREATE TABLE pbc (bytes BLOB)")
        conn.close()
        os.replace(db + ".tmp", db)
    with sqlite3.connect(db) as conn:  # the policy of this build, as a blob column
        conn.execute("DELETE FROM pbc")
        conn.execute("INSERT INTO pbc (bytes) VALUES (?)", (open(pbc, "rb").read(),))
    conn.close()

    path = "'" + pbc.replace("'", "''") + "'"
    queries = {
        "scan": "SELECT count(length(record)) FROM applicants",
        "path": "SELECT count(length(pol_decide(%s, record))) FROM applicants" % path,
        "column": "SELECT count(length(pol_decide(p.bytes, a.record))) FROM pbc p, applicants a",
    }
    figures = {}
    for label, sql in queries.items():
        script = ".load %s\n%s;\n" % (extension, sql)
        figures[label] = best(a.repeat, ["sqlite3", "-bail", "-batch", db], script)
    polvm_cpu, polvm_wall = best(a.repeat, [polvm, pbc, records])
    n = a.records
    print("bench-sqlite: pol_decide over %d records: %.0f rows/s CPU (%.0f wall) with the policy as a path, "
          "%.0f rows/s CPU as a blob column; the scan alone %.0f rows/s; polvm %.0f records/s CPU (%.0f wall)"
          % (n, n / figures["path"][0], n / figures["path"][1], n / figures["column"][0], n / figures["scan"][0],
             n / polvm_cpu, n / polvm_wall))
    return 0


if __name__ == "__main__":
    sys.exit(main())
