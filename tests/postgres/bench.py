#!/usr/bin/env python3
"""bench.py: rows/s of pol_decide in PostgreSQL on the bench's 200,000 records with 0, 1 and 2 parallel workers
(make bench-postgres), beside polvm's records/s on the same file; prints one line of figures.

    bench.py --make MAKE --build DIR --pbc PATH [--pg-config PATH] [--records N] [--repeat N]

The records are tests/bench/run.py's (generate.py --seed 1 --valid-only, made once under DIR/bench). Each figure
is the best of --repeat runs of `SELECT count(pol_decide(policy, record)) FROM t`, timed by the server
(EXPLAIN ANALYZE, TIMING OFF: the execution time, without psql's round trip). PostgreSQL's leader takes part in
a parallel scan too, so "1 worker" is two processes deciding, "2 workers" three (on this machine's 2 cores).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from cluster import Cluster, Skip  # noqa: E402
from run import copy_text  # noqa: E402

POLICY = "(SELECT pbc FROM policies WHERE name = 'bench')"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--make", default="make")
    ap.add_argument("--build", required=True)
    ap.add_argument("--pbc", required=True)
    ap.add_argument("--pg-config", default="pg_config")
    ap.add_argument("--records", type=int, default=200000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    build = os.path.abspath(a.build)
    records = os.path.join(build, "bench", "records-%d.jsonl" % a.records)
    if not os.path.exists(records):
        os.makedirs(os.path.dirname(records), exist_ok=True)
        subprocess.check_call([sys.executable, os.path.join(ROOT, "tests", "reference", "generate.py"), "--seed", "1",
                               "--count", str(a.records), "--valid-only", "-o", records + ".tmp"])
        os.replace(records + ".tmp", records)
    with open(a.pbc, "rb") as f:
        pbc = f.read()

    start = time.time()
    subprocess.run([os.path.join(build, "bin", "polvm"), a.pbc, records], stdout=subprocess.DEVNULL, check=True)
    polvm_rate = a.records / (time.time() - start)

    work = tempfile.mkdtemp(prefix="pol-pg-bench-")
    try:
        with Cluster(a.pg_config, a.make, build, settings={"shared_buffers": "'256MB'", "jit": "off"}) as c:
            copy = os.path.join(work, "records.copy")
            with open(records, encoding="utf-8") as src, open(copy, "w", encoding="utf-8") as dst:
                for line in src:
                    dst.write(copy_text(line.rstrip("\n")) + "\n")
            with open(os.path.join(work, "policy.copy"), "w") as f:
                f.write("bench\t\\\\x%s\n" % pbc.hex())
            c.sql("""
CREATE EXTENSION pol;
CREATE TABLE policies (name text PRIMARY KEY, pbc bytea NOT NULL);
\\copy policies FROM '%s'
CREATE TABLE t (line text);
\\copy t FROM '%s'
ALTER TABLE t ADD record jsonb;
UPDATE t SET record = line::jsonb;
VACUUM ANALYZE t;
SELECT count(*) FROM t;
""" % (os.path.join(work, "policy.copy"), copy))
            figures = {}
            for kind, column in (("jsonb", "record"), ("text", "line")):
                for workers in (0, 1, 2):
                    best, launched = None, 0
                    for _ in range(a.repeat):
                        out = c.sql("""
SET max_parallel_workers_per_gather = %d;
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) SELECT count(pol_decide(%s, %s)) FROM t;
""" % (workers, POLICY, column))
                        plan = json.loads(out)[0]
                        ms = plan["Execution Time"]
                        best = ms if best is None else min(best, ms)
                        launched = max([launched] + [n.get("Workers Launched", 0) for n in walk(plan["Plan"])])
                    figures[(kind, workers)] = (a.records / (best / 1000.0), launched)
    except Skip as e:
        print("bench-postgres: skipped: %s" % e)
        return 0
    finally:
        subprocess.run(["rm", "-rf", work])

    def fig(kind):
        return " / ".join("%.0f%s" % (figures[(kind, w)][0], "" if figures[(kind, w)][1] == w else
                                      " (%d launched)" % figures[(kind, w)][1]) for w in (0, 1, 2))
    print("bench-postgres: pol_decide rows/s on %d records, 0 / 1 / 2 parallel workers (best of %d): jsonb %s; "
          "text %s; polvm on the same file, 1 thread: %.0f records/s" % (a.records, a.repeat, fig("jsonb"),
                                                                          fig("text"), polvm_rate))
    return 0


def walk(node):
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)


if __name__ == "__main__":
    sys.exit(main())
