#!/usr/bin/env python3
"""run.py: the PostgreSQL extension's test (make check-postgres), on a real throwaway cluster (cluster.py).

    run.py --make MAKE --build DIR --polvm PATH --pbc PATH [--pg-config PATH] [--count N] [--flat-rows N]

Generated applicants (tests/reference/generate.py, bad lines included) go into a table; the reference is polvm
itself, each record decided as line 1 (as pol_decide sees it). Checked:
  - pol_decide(policy, text) gives exactly polvm's bytes for every line PostgreSQL can hold as text;
  - pol_decide(policy, jsonb) gives polvm's decision of the jsonb's text form, read as jsonb; and for every
    record polvm decides, the jsonb and text variants agree;
  - the policy passed as a table column (TOAST), a scalar subquery (InitPlan) and a literal (Const) decides the
    same; NULL in, NULL out; pol_policy_info's digest is the .pbc's SHA-256; the backend keeps one memory
    context per policy, named by its digest;
  - a bad .pbc is an ERROR with SQLSTATE 22P03 and exactly the loader's reason (polvm's), the backend survives;
    hundreds of mutated programs (digest recomputed, so the verifier sees them) load and decide exactly when
    polvm's do, and the server log shows no crashed backend;
  - EXPLAIN ANALYZE on a large table runs Gather over a Parallel Seq Scan with workers launched, with the same
    answer as the serial plan;
  - a backend's private memory stays flat while it decides --flat-rows rows (sampled from /proc).
Prints `check-postgres: ok: ...` or the failures, and exits 1 on any. Python 3 standard library only.
"""

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import generate  # noqa: E402
from cluster import Cluster, Skip  # noqa: E402

POLICY = "(SELECT pbc FROM policies WHERE name = 'suzhou-2024')"
failures = []


def check(ok, what, detail=""):
    if not ok:
        failures.append(what + (": " + detail if detail else ""))
        print("FAIL " + what + (": " + detail if detail else ""))
    return ok


def copy_text(value):
    """A value in COPY's text format."""
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))


def is_error_object(line):
    return line.startswith(b'{"line":')


def polvm_run(polvm, pbc_path, data, timeout=300):
    return subprocess.run([polvm, pbc_path], input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout)


def polvm_as_line_one(polvm, pbc_path, lines):
    """polvm's output for each line decided on its own, as line 1: one run for all; an error object then gets
    "line": 1, and a line starting with a BOM (which line 1 drops) a run of its own."""
    proc = polvm_run(polvm, pbc_path, b"".join(l + b"\n" for l in lines))
    outs = proc.stdout.split(b"\n")[:-1]
    if proc.returncode not in (0, 1) or len(outs) != len(lines):
        raise RuntimeError("polvm: exit %d, %d lines for %d: %s" % (proc.returncode, len(outs), len(lines),
                                                                   proc.stderr[-500:]))
    for i, out in enumerate(outs):
        if not is_error_object(out):
            continue
        if lines[i].startswith(b"\xef\xbb\xbf"):
            outs[i] = polvm_run(polvm, pbc_path, lines[i] + b"\n").stdout.split(b"\n")[0]
        else:  # only line 1 reads a BOM differently (doc/json.md): elsewhere only the number differs
            outs[i] = b'{"line":1,' + out.split(b",", 1)[1]
    return outs


def write_copy_file(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write("\t".join("\\N" if v is None else copy_text(str(v)) for v in row) + "\n")


def mutants(pbc, count, seed):
    """Programs with one to three bytes changed after the header and the digest recomputed (so the section
    reader and the verifier see them), and a few truncations."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        b = bytearray(pbc)
        if i % 10 == 9:
            b = b[:rng.randrange(56, len(b))]
        else:
            for _ in range(rng.randint(1, 3)):
                b[rng.randrange(56, len(b))] = rng.randrange(256)
            b[24:56] = hashlib.sha256(bytes(b[56:])).digest()
        out.append(bytes(b))
    return out


def rss_anon_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def watch_flat(c, script, appname, what, max_growth_kb):
    """Run script in a backend of its own and sample that backend's private memory (RssAnon) while it works:
    the largest sample of the last fifth of the run may exceed that of the first fifth by max_growth_kb."""
    os.environ["PGAPPNAME"] = appname
    try:
        proc = c.popen_sql(script)
    finally:
        del os.environ["PGAPPNAME"]
    pid = None
    samples = []
    start = time.time()
    while proc.poll() is None:
        if time.time() - start > 600:  # bounded like every psql call here
            proc.kill()
            break
        if pid is None:
            found = c.sql("SELECT pid FROM pg_stat_activity WHERE application_name = '%s'"
                          % appname).strip()
            pid = int(found) if found.isdigit() else None
        if pid is not None:
            kb = rss_anon_kb(pid)
            if kb is not None:
                samples.append((time.time() - start, kb))
        time.sleep(0.1)
    out, err = proc.communicate()
    if not check(proc.returncode == 0, what + ": the query ran", err.decode("utf-8", "replace")[-500:]):
        return None
    if not check(len(samples) >= 10, what + ": enough memory samples", "%d samples" % len(samples)):
        return None
    n = len(samples)
    first = max(kb for _, kb in samples[: max(1, n // 5)])
    last = max(kb for _, kb in samples[n - max(1, n // 5):])
    check(last - first <= max_growth_kb, what + ": private memory flat",
          "RssAnon %d kB in the first fifth, %d kB in the last" % (first, last))
    return first, last, n, samples[-1][0], out.decode().strip()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--make", default="make")
    ap.add_argument("--build", required=True)
    ap.add_argument("--polvm", required=True)
    ap.add_argument("--pbc", required=True)
    ap.add_argument("--pg-config", default="pg_config")
    ap.add_argument("--count", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--big-copies", type=int, default=25, help="copies of the records in the large table")
    ap.add_argument("--flat-rows", type=int, default=1000000)
    ap.add_argument("--mutants", type=int, default=300)
    a = ap.parse_args(argv)
    polvm = os.path.abspath(a.polvm)
    polc = os.path.join(os.path.dirname(polvm), "polc")
    started = time.time()
    with open(a.pbc, "rb") as f:
        pbc = f.read()

    work = tempfile.mkdtemp(prefix="pol-pg-test-")
    try:
        with Cluster(a.pg_config, a.make, os.path.abspath(a.build)) as c:
            print("check-postgres: cluster in a temporary folder on a Unix socket; " + c.install_note)
            summary = run_checks(c, a, polvm, polc, pbc, work)
            log = c.server_log()
            check("terminated by signal" not in log and "was terminated" not in log,
                  "no backend crashed (server log)", log[-1500:])
    except Skip as e:
        print("check-postgres: skipped: %s" % e)
        return 0
    finally:
        subprocess.run(["rm", "-rf", work])
    if failures:
        print("check-postgres: %d failed" % len(failures))
        return 1
    print("check-postgres: ok: %s (%.0f s)" % (summary, time.time() - started))
    return 0


def run_checks(c, a, polvm, polc, pbc, work):
    pbc_path = os.path.join(work, "suzhou-2024.pbc")
    with open(pbc_path, "wb") as f:
        f.write(pbc)

    # ---- the records, the policy, and what PostgreSQL can hold ----
    lines = [l.encode("utf-8") for l in generate.generate(a.seed, a.count)]
    as_text = {}
    for n, line in enumerate(lines, 1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            as_text[n] = text
    write_copy_file(os.path.join(work, "applicants.copy"), sorted(as_text.items()))
    write_copy_file(os.path.join(work, "policies.copy"), [("suzhou-2024", "\\x" + pbc.hex())])
    c.sql("""
CREATE EXTENSION pol;
CREATE TABLE applicants (n int PRIMARY KEY, line text NOT NULL, record jsonb);
CREATE TABLE policies (name text PRIMARY KEY, pbc bytea NOT NULL);
\\copy applicants (n, line) FROM '%s'
\\copy policies FROM '%s'
CREATE FUNCTION try_jsonb(t text) RETURNS jsonb LANGUAGE plpgsql AS
  $$ BEGIN RETURN t::jsonb; EXCEPTION WHEN others THEN RETURN NULL; END $$;
CREATE FUNCTION try_decide(p bytea, r text) RETURNS text LANGUAGE plpgsql AS
  $$ BEGIN RETURN pol_decide(p, r); EXCEPTION WHEN others THEN RETURN 'ERROR ' || SQLSTATE; END $$;
UPDATE applicants SET record = try_jsonb(line);
ANALYZE applicants;
""" % (os.path.join(work, "applicants.copy"), os.path.join(work, "policies.copy")))
    numbers = sorted(as_text)
    reference = dict(zip(numbers, polvm_as_line_one(polvm, pbc_path, [lines[n - 1] for n in numbers])))
    refused = sum(1 for n in numbers if is_error_object(reference[n]))
    check(refused > 0 and refused < len(numbers), "the records include refused ones and decided ones",
          "%d refused of %d" % (refused, len(numbers)))

    # ---- text: polvm's bytes, row by row ----
    out = c.sql("SELECT pol_decide(p.pbc, a.line) FROM applicants a JOIN policies p ON p.name = 'suzhou-2024' "
                "ORDER BY a.n").encode("utf-8").split(b"\n")[:-1]
    check(len(out) == len(numbers), "pol_decide(text): one row per record", "%d rows, %d records" % (
        len(out), len(numbers)))
    bad = [(n, got) for n, got in zip(numbers, out) if got != reference[n]]
    for n, got in bad[:3]:
        print("  record %d: %s\n    pol_decide: %s\n    polvm:      %s" % (n, lines[n - 1][:200], got[:300],
                                                                         reference[n][:300]))
    check(not bad, "pol_decide(text) equals polvm for every record", "%d differ" % len(bad))

    # the policy as a literal (Const) and as a scalar subquery (InitPlan) decides as the column did
    const = "'\\x%s'::bytea" % pbc.hex()
    differ = c.sql("SELECT count(*) FROM applicants a JOIN policies p ON p.name = 'suzhou-2024' "
                   "WHERE pol_decide(%s, a.line) IS DISTINCT FROM pol_decide(p.pbc, a.line) "
                   "OR pol_decide(%s, a.line) IS DISTINCT FROM pol_decide(p.pbc, a.line)" % (const, POLICY))
    check(differ.strip() == "0", "the policy as a Const, an InitPlan and a column decides the same", differ)

    # ---- jsonb: the text form of the jsonb, decided; and the same decisions as text for decided records ----
    jsonb_rows = c.sql("SELECT n, record::text FROM applicants WHERE record IS NOT NULL ORDER BY n").split("\n")[:-1]
    jsonb_n = [int(r.split("|", 1)[0]) for r in jsonb_rows]
    jsonb_text = [r.split("|", 1)[1].encode("utf-8") for r in jsonb_rows]
    jsonb_ref = polvm_as_line_one(polvm, pbc_path, jsonb_text)
    write_copy_file(os.path.join(work, "ref.copy"), [(n, r.decode("utf-8")) for n, r in zip(jsonb_n, jsonb_ref)])
    got = c.sql("""
CREATE TABLE ref_jsonb (n int PRIMARY KEY, decision text);
\\copy ref_jsonb FROM '%s'
SELECT count(*), count(*) FILTER (WHERE pol_decide(%s, a.record)::text IS DISTINCT FROM r.decision::jsonb::text)
  FROM applicants a JOIN ref_jsonb r USING (n);
SELECT count(*), count(*) FILTER (WHERE pol_decide(%s, line)::jsonb::text IS DISTINCT FROM pol_decide(%s, record)::text)
  FROM applicants WHERE record IS NOT NULL AND left(pol_decide(%s, line), 8) <> '{"line":';
""" % (os.path.join(work, "ref.copy"), POLICY, POLICY, POLICY, POLICY)).split("\n")
    compared, differing = got[0].split("|")
    check(int(compared) == len(jsonb_n) and differing == "0",
          "pol_decide(jsonb) equals polvm on the jsonb's text form", got[0])
    decided, differing2 = got[1].split("|")
    check(int(decided) > 0 and differing2 == "0", "pol_decide(jsonb) and pol_decide(text) agree on decided records",
          got[1])

    # ---- NULL, policy info, schema, and the backend's cache ----
    nulls = c.sql("SELECT pol_decide(NULL::bytea, '{}'::text) IS NULL, pol_decide(NULL::bytea, '{}'::jsonb) IS NULL,"
                  " pol_decide(%s, NULL::text) IS NULL, pol_decide(%s, NULL::jsonb) IS NULL,"
                  " pol_policy_info(NULL) IS NULL" % (POLICY, POLICY)).strip()
    check(nulls == "t|t|t|t|t", "NULL policy or record gives NULL", nulls)
    digest = hashlib.sha256(pbc[56:]).hexdigest()
    others = []
    for src in ("minimal", "small-routing", "enums-lists"):
        path = os.path.join(work, src + ".pbc")
        subprocess.check_call([polc, os.path.join(ROOT, "tests", "fuzz", "corpus", "compile", src + ".pol"), "-o",
                               path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(path, "rb") as f:
            others.append(f.read())
    info = c.sql("""
SELECT pol_policy_info(pbc)->>'digest', pol_policy_info(pbc)->>'name',
       (SELECT count(*) FROM jsonb_array_elements(pol_policy_schema(pbc)->'fields') f WHERE f->>'name' = 'specialty')
  FROM policies;
%s
SELECT string_agg(ident, ',' ORDER BY ident) FROM pg_backend_memory_contexts WHERE name = 'pol program';
""" % "\n".join("SELECT pol_decide('\\x%s'::bytea, '{}'::text) IS NOT NULL;" % o.hex() for o in others)).split("\n")
    got_digest, name, specialty = info[0].split("|")
    check(got_digest == digest, "pol_policy_info's digest is the SHA-256 of the .pbc's contents", got_digest)
    check(name != "" and specialty == "1", "pol_policy_info names the policy, pol_policy_schema lists its fields",
          info[0])
    want_contexts = ",".join(sorted([digest] + [hashlib.sha256(o[56:]).hexdigest() for o in others]))
    check(info[-2] == want_contexts, "one memory context per policy in the backend, named by its digest",
          "%s, expected %s" % (info[-2], want_contexts))

    # ---- bad programs: an ERROR with SQLSTATE and the loader's reason; the backend lives on ----
    bad_programs = [("empty", b""), ("random", bytes(random.Random(5).randrange(256) for _ in range(3000))),
                    ("truncated", pbc[:len(pbc) // 2]), ("one byte flipped", pbc[:-1] + bytes([pbc[-1] ^ 1]))]
    corpus = os.path.join(ROOT, "tests", "fuzz", "corpus", "load")
    for f in sorted(os.listdir(corpus)):
        with open(os.path.join(corpus, f), "rb") as fh:
            bad_programs.append((f, fh.read()))
    script = ["\\set ON_ERROR_STOP 0", "SELECT pg_backend_pid() AS pid0 \\gset"]
    expected = []
    for i, (label, bytes_) in enumerate(bad_programs):
        path = os.path.join(work, "bad-%d.pbc" % i)
        with open(path, "wb") as f:
            f.write(bytes_)
        proc = polvm_run(polvm, path, b"")
        if proc.returncode != 2:
            continue  # a corpus file this runtime loads is no bad program
        reason = proc.stderr.decode("utf-8").strip().split(": ", 2)[2]
        expected.append((label, reason))
        script += ["SELECT pol_decide(p.pbc, a.line) FROM applicants a, (SELECT '\\x%s'::bytea AS pbc) p "
                   "WHERE a.n < 50;" % bytes_.hex() if i % 2 else
                   "SELECT pol_decide('\\x%s'::bytea, '{}'::jsonb);" % bytes_.hex(),
                   "\\echo BAD|:ERROR|:LAST_ERROR_SQLSTATE|:LAST_ERROR_MESSAGE"]
    script += ["SELECT 'ALIVE|' || (pg_backend_pid() = :pid0)::text;",
               "SELECT 'DECIDES|' || (pol_decide(%s, line) = '%s') FROM applicants WHERE n = %d;" % (
                   POLICY, reference[numbers[0]].decode("utf-8").replace("'", "''"), numbers[0])]
    rc, out, err = c.sql("\n".join(script), check=False)
    results = [l.split("|", 3) for l in out.split("\n") if l.startswith("BAD|")]
    check(len(results) == len(expected), "every bad program ran", "%d of %d; %s" % (len(results), len(expected),
                                                                                  err[-500:]))
    for (label, reason), r in zip(expected, results):
        check(r[1:] == ["true", "22P03", reason], "bad program (%s): ERROR 22P03 with the loader's reason" % label,
              "%s, expected %r" % (r[1:], reason))
    check("ALIVE|true" in out and "DECIDES|true" in out, "the backend survives bad programs and still decides",
          out[-300:])

    # mutated programs: an ERROR exactly where polvm refuses to load, else polvm's bytes
    muts = mutants(pbc, a.mutants, a.seed)
    sample = [numbers[i % len(numbers)] for i in range(len(muts))]
    want = []
    for i, (m, n) in enumerate(zip(muts, sample)):
        path = os.path.join(work, "mutant.pbc")
        with open(path, "wb") as f:
            f.write(m)
        proc = polvm_run(polvm, path, lines[n - 1] + b"\n")
        want.append(None if proc.returncode == 2 else proc.stdout.split(b"\n")[0])
    write_copy_file(os.path.join(work, "mutants.copy"), [(i, n, "\\x" + m.hex()) for i, (m, n) in
                                                         enumerate(zip(muts, sample))])
    got = c.sql("""
CREATE TABLE mutants (i int PRIMARY KEY, n int, pbc bytea);
\\copy mutants FROM '%s'
SELECT try_decide(m.pbc, a.line) FROM mutants m JOIN applicants a USING (n) ORDER BY m.i;
""" % os.path.join(work, "mutants.copy")).encode("utf-8").split(b"\n")[:-1]
    loaded = sum(1 for w in want if w is not None)
    wrong = [i for i, (w, g) in enumerate(zip(want, got)) if (g != w if w is not None else
                                                              not g.startswith(b"ERROR "))]
    check(len(got) == len(muts) and not wrong, "mutated programs: ERROR exactly where polvm refuses, else polvm's "
          "decision", "%d rows, %d wrong, e.g. %s" % (len(got), len(wrong), [(want[i], got[i]) for i in wrong[:2]]))

    # ---- a large table: Gather over a Parallel Seq Scan, workers launched, the serial answer ----
    eligible = "count(*) FILTER (WHERE pol_decide(%s, record)->>'status' = 'eligible')" % POLICY
    got = c.sql("""
CREATE TABLE big AS SELECT a.n * 1000 + g AS n, a.record FROM applicants a, generate_series(1, %d) g
  WHERE a.record IS NOT NULL;
ANALYZE big;
SELECT pg_size_pretty(pg_table_size('big')), (SELECT count(*) FROM big);
SET max_parallel_workers_per_gather = 0;
SELECT %s FROM applicants;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (ANALYZE, FORMAT JSON) SELECT %s FROM big;
EXPLAIN (FORMAT JSON) SELECT pol_decide(%s, record) FROM big;
""" % (a.big_copies, eligible, eligible, POLICY))
    size_line, serial, rest = got.split("\n", 2)
    decoder = json.JSONDecoder()
    plans, end = decoder.raw_decode(rest)
    plan_rows = decoder.raw_decode(rest[end:].lstrip())[0]

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)
    analyzed = list(nodes(plans[0]["Plan"]))
    gathers = [n for n in analyzed if n["Node Type"] in ("Gather", "Gather Merge")]
    launched = max([g.get("Workers Launched", 0) for g in gathers] or [0])
    check(gathers and launched >= 1 and any(n["Node Type"] == "Seq Scan" and n.get("Parallel Aware")
                                            for n in analyzed),
          "EXPLAIN ANALYZE on the large table: Gather, Parallel Seq Scan, workers launched",
          json.dumps(plans[0]["Plan"])[:600])
    # the parallel count is the serial one times the copies
    got_count = c.sql("SELECT %s FROM big" % eligible).strip()
    check(int(got_count) == int(serial) * a.big_copies and int(serial) > 0,
          "the large table's answer is the records' answer times the copies", "%s vs %s x %d" % (
              got_count, serial, a.big_copies))
    full_plan = [n["Node Type"] for n in nodes(plan_rows[0]["Plan"])]

    # ---- postgres_fdw: the partitions on other servers (here: two databases of this one), a WHERE on pol_decide
    # shipped to them with the extensions option; they decide, the answer is the local one ----
    eligible_where = "pol_decide(%s, record) @> '{\"status\": \"eligible\"}'" % POLICY
    for shard in ("shard1", "shard2"):
        c.sql("CREATE DATABASE %s" % shard)
        c.sql("CREATE EXTENSION pol; CREATE TABLE part (n int, record jsonb);", database=shard)
    got = c.sql("""
CREATE EXTENSION postgres_fdw;
CREATE SERVER shard1 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '%(socket)s', dbname 'shard1', extensions 'pol');
CREATE SERVER shard2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '%(socket)s', dbname 'shard2', extensions 'pol');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard1 OPTIONS (user '%(role)s');
CREATE USER MAPPING FOR CURRENT_USER SERVER shard2 OPTIONS (user '%(role)s');
CREATE TABLE spread (n int, record jsonb) PARTITION BY HASH (n);
CREATE FOREIGN TABLE spread_1 PARTITION OF spread FOR VALUES WITH (MODULUS 2, REMAINDER 0) SERVER shard1
  OPTIONS (table_name 'part');
CREATE FOREIGN TABLE spread_2 PARTITION OF spread FOR VALUES WITH (MODULUS 2, REMAINDER 1) SERVER shard2
  OPTIONS (table_name 'part');
INSERT INTO spread SELECT n, record FROM applicants WHERE record IS NOT NULL;
EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM spread WHERE %(where)s;
SELECT 'SPREAD|' || count(*) FROM spread WHERE %(where)s;
SELECT 'LOCAL|' || count(*) FROM applicants WHERE %(where)s;
""" % {"socket": c.socket, "role": "poltest", "where": eligible_where})
    shipped = [l for l in got.split("\n") if "Remote SQL:" in l and "pol_decide(" in l]
    spread = [l.split("|")[1] for l in got.split("\n") if l.startswith("SPREAD|")]
    local = [l.split("|")[1] for l in got.split("\n") if l.startswith("LOCAL|")]
    check(len(shipped) == 2, "postgres_fdw ships the WHERE on pol_decide to both servers", got[:800])
    check(spread == local and local[0] != "0", "the partitions on foreign servers give the local answer",
          "%s vs %s" % (spread, local))
    remote_calls = 0
    for _ in range(50):  # the servers' statistics arrive once their backends have gone idle
        remote_calls = sum(int(c.sql("SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions WHERE funcname = "
                                     "'pol_decide'", database=shard).strip() or 0) for shard in ("shard1", "shard2"))
        if remote_calls >= len(jsonb_n):
            break
        time.sleep(0.2)
    check(remote_calls == len(jsonb_n), "the foreign servers decided every row, once (pg_stat_user_functions)",
          "%d calls for %d rows" % (remote_calls, len(jsonb_n)))

    # ---- memory stays flat over many rows, text and jsonb ----
    reps = max(1, a.flat_rows // len(numbers))
    # (the decision inside the aggregate: an IMMUTABLE call in a WHERE would be pushed below the join, run once)
    flat_text = watch_flat(c, "SET max_parallel_workers_per_gather = 0;\nSELECT sum(length(pol_decide(%s, a.line))) "
                           "FROM applicants a, generate_series(1, %d) g;" % (POLICY, reps), "pol-flat-text", "%d text decisions" % (reps * len(numbers)), 2048)
    reps_j = max(1, reps // 5)
    flat_jsonb = watch_flat(c, "SET max_parallel_workers_per_gather = 0;\nSELECT sum(length(pol_decide(%s, "
                            "a.record)::text)) FROM applicants a, generate_series(1, %d) g WHERE a.record IS NOT NULL;"
                            % (POLICY, reps_j), "pol-flat-jsonb",
                            "%d jsonb decisions" % (reps_j * len(jsonb_n)), 2048)

    def flat(f, rows):
        return "n/a" if f is None else "%d rows in %.1f s, RssAnon %d -> %d kB" % (rows, f[3], f[0], f[1])
    return ("%d records (%d refused as error objects; %d not storable as text) equal polvm as text, %d as jsonb; "
            "%d bad programs and %d mutants (%d loading) as polvm; large table %s (%s rows): %d workers launched, "
            "plan for all rows %s; postgres_fdw: WHERE shipped, %d rows decided remotely; flat memory: %s; %s" % (
                len(numbers), refused, len(lines) - len(numbers), len(jsonb_n), len(expected), len(muts), loaded,
                size_line.split("|")[0], size_line.split("|")[1], launched, "/".join(full_plan[:3]), remote_calls,
                flat(flat_text, reps * len(numbers)), flat(flat_jsonb, reps_j * len(jsonb_n))))


if __name__ == "__main__":
    sys.exit(main())
