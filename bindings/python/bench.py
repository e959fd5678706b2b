#!/usr/bin/env python3
"""bench.py: decisions/s through the Python package (program.decide, program.decide_lines) on the bench's records.

    bench.py --build DIR [--records N] [--repeat R]

The records are tests/bench/run.py's (generate.py --seed 1 --valid-only, made once as DIR/bench/records-N.jsonl).
The package is this folder's, over DIR/lib's libpol.so.0 and libpol_json.so.0 (POL_LIBRARY_PATH). Before anything
is timed, decide_lines's decisions are checked against polvm's output for the same file. Each figure is the
least CPU time (user + system of this process) of R runs, wall time beside it; one line per figure:
  - decide_lines over the file's bytes lines (as `open(path, "rb")` yields them), on one thread, then with the
    lines dealt over --threads threads sharing the one program (libpol runs without the GIL, the JSON in Python
    with it: wall time is the figure that shows what the threads gain);
  - decide of each record as a dict (json.dumps into the layer, the decision parsed back into a dict);
  - decide of each record as its JSON text (str);
  - polvm on the same file, for comparison (its CPU time, as a child process).
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # the package is imported from the repository: leave no __pycache__ in it
sys.path.insert(0, HERE)


def cpu_seconds():
    t = os.times()
    return t.user + t.system


def best(repeat, work):
    """(CPU seconds, wall seconds) of the run with the least CPU time; work() is timed as a whole."""
    runs = []
    for _ in range(repeat):
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        work()
        runs.append((cpu_seconds() - cpu0, time.perf_counter() - wall0))
    return min(runs)


def child_best(repeat, argv):
    runs = []
    for _ in range(repeat):
        before, wall0 = os.times(), time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        after = os.times()
        runs.append((after.children_user - before.children_user + after.children_system - before.children_system,
                     time.perf_counter() - wall0))
    return min(runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True)
    ap.add_argument("--records", type=int, default=200000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    os.environ.setdefault("POL_LIBRARY_PATH", os.path.join(build, "lib"))
    import pol

    polvm, pbc = os.path.join(build, "bin", "polvm"), os.path.join(build, "suzhou-2024.pbc")
    records = os.path.join(build, "bench", "records-%d.jsonl" % a.records)
    if not os.path.exists(records):  # the same file tests/bench/run.py makes
        os.makedirs(os.path.dirname(records), exist_ok=True)
        print("bench-python: generating %d contract-valid records (once) ..." % a.records, file=sys.stderr)
        subprocess.check_call([sys.executable, os.path.join(ROOT, "tests", "reference", "generate.py"), "--seed",
                               "1", "--count", str(a.records), "--valid-only", "-o", records + ".python.tmp"])
        os.replace(records + ".python.tmp", records)  # its own temporary name: make -j2 bench may run others
    with open(records, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    texts = [line.decode("utf-8") for line in lines]
    dicts = [json.loads(text) for text in texts]
    n = len(lines)

    program = pol.load(pbc)
    want = subprocess.run([polvm, pbc, records], capture_output=True, check=True).stdout.split(b"\n")[:-1]
    got = [json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
           for d in program.decide_lines(lines)]
    if got != want:
        first = next((i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
        sys.exit("bench-python: decide_lines differs from polvm at line %d" % (first + 1))

    def decide_each(items):
        decide = program.decide
        for item in items:
            decide(item)

    def decide_lines_on_threads(count):
        def work(k):
            for _ in program.decide_lines(lines[k::count]):
                pass
        threads = [threading.Thread(target=work, args=(k,)) for k in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    figures = [
        ("decide_lines over the file's bytes lines", best(a.repeat, lambda: sum(1 for _ in program.decide_lines(lines)))),
        ("decide_lines, the lines split over %d threads" % a.threads,
         best(a.repeat, lambda: decide_lines_on_threads(a.threads))),
        ("decide of each record as a dict", best(a.repeat, lambda: decide_each(dicts))),
        ("decide of each record as JSON text", best(a.repeat, lambda: decide_each(texts))),
    ]
    for what, (cpu, wall) in figures:
        print("bench-python: %s: %.0f decisions/s CPU (%.0f wall), %d records" % (what, n / cpu, n / wall, n))
    cpu, wall = child_best(a.repeat, [polvm, pbc, records])
    print("bench-python: polvm on the same file, for comparison: %.0f records/s CPU (%.0f wall)" % (n / cpu, n / wall))
    return 0


if __name__ == "__main__":
    sys.exit(main())
