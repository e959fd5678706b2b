"""test_threads.py: one Program shared by several threads deciding at once gives each thread polvm's decisions."""

import gc
import json
import threading

import pol
from conftest import compact

THREADS = 6


def test_threads_deciding_at_once(program, records):
    lines, expected = records
    barrier = threading.Barrier(THREADS)
    mismatches, failures = [], []

    def work(k):
        try:
            mine = list(range(k, len(lines), THREADS))
            barrier.wait(timeout=30)
            # half the threads through decide_lines, half record by record through decide, all at once
            if k % 2:
                got = list(program.decide_lines(lines[i] for i in mine))
                for i, decision in zip(mine, got):
                    want = expected[i]
                    if b'"error"' in want:  # the line number is the one in this thread's stream
                        decision.pop("line")
                        want = compact({key: v for key, v in json.loads(want).items() if key != "line"})
                    if compact(decision) != want:
                        mismatches.append(i)
            else:
                for i in mine:
                    try:
                        got = compact(program.decide(lines[i]))
                    except pol.RecordError as e:
                        got = compact({"line": i + 1, "id": e.id, "error": e.message})
                    if got != expected[i]:
                        mismatches.append(i)
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            failures.append(repr(e))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert not failures
    assert not mismatches, "lines %s" % mismatches[:10]


def test_each_thread_has_its_own_state_and_the_program_is_freed_after_them(pbc):
    program = pol.load(pbc)
    record = {"id": "T", "specialty": "建设", "level": "中级", "region": "吴中", "submitted_by": "本人",
              "current_title_date": "2018-06-30"}
    states = []

    def work():
        program.decide(record)
        states.append(program._state())

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len({s.ctx.value for s in states}) == 3
    freed = program._handle._finalizer  # holds no reference to the handle itself
    del states, program
    gc.collect()
    # the threads ended and the Program is gone: their contexts and readers were freed, then the pol_program
    assert not freed.alive
