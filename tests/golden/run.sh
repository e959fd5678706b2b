#!/bin/sh
# Golden tests: broken policies → expected diagnostics; policy + records → expected decisions.
# usage: tests/golden/run.sh BUILD_DIR
build=${1:-build}
polc=$build/bin/polc
polvm=$build/bin/polvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# diagnostics: stderr must be exactly NAME.expected, exit status 1; NAME.args, when present, holds more polc
# options (e.g. --werror for a policy that has only warnings, --lang zh); the language is English unless asked
for src in tests/golden/errors/*.pol; do
    [ -e "$src" ] || continue
    expected=${src%.pol}.expected
    args=
    [ -e "${src%.pol}.args" ] && args=$(cat "${src%.pol}.args")
    # shellcheck disable=SC2086 # args holds several words
    LC_ALL= LC_MESSAGES= LANG=C "$polc" $args "$src" -o "$tmp/out.pbc" 2>"$tmp/stderr" >/dev/null
    status=$?
    if [ "$status" -eq 1 ] && cmp -s "$tmp/stderr" "$expected"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $src (exit $status)"
        diff "$expected" "$tmp/stderr" | head -20
    fi
done

# decisions: each RECORDS.jsonl beside RECORDS.expected.jsonl, decided by the policy named in RECORDS.policy
# (default policies/suzhou-2024.pol); and examples/NAME/records.jsonl beside examples/NAME/expected.jsonl, decided
# by policies/NAME.pol (a folder of examples without a policy of its name has checks of its own)
for records in tests/golden/decisions/*.jsonl examples/applicants.jsonl examples/*/records.jsonl; do
    case $records in *.expected.jsonl) continue ;; esac
    [ -e "$records" ] || continue
    base=${records%.jsonl}
    expected=$base.expected.jsonl
    [ -e "$expected" ] || expected=$(dirname "$records")/expected/$(basename "$base").expected.jsonl
    policy=policies/suzhou-2024.pol
    [ -e "$base.policy" ] && policy=$(cat "$base.policy")
    case $records in examples/*/records.jsonl)
        name=$(basename "$(dirname "$records")")
        [ -e "policies/$name.pol" ] || continue
        expected=examples/$name/expected.jsonl policy=policies/$name.pol ;;
    esac
    if ! "$polc" "$policy" -o "$tmp/policy.pbc"; then
        failed=$((failed + 1)); echo "FAIL $records: $policy does not compile"; continue
    fi
    "$polvm" "$tmp/policy.pbc" "$records" >"$tmp/actual.jsonl"
    status=$?
    if [ "$status" -gt 1 ]; then
        failed=$((failed + 1)); echo "FAIL $records: polvm exit $status"; continue
    fi
    if python3 tests/golden/compare_decisions.py "$tmp/actual.jsonl" "$expected" >"$tmp/report"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $records"
        head -30 "$tmp/report"
    fi
done

# coverage: the examples' expected decisions hold every finding, status and interview value of the contract
if python3 tests/golden/coverage.py examples/expected/applicants.expected.jsonl >"$tmp/coverage"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "FAIL coverage of examples/expected/applicants.expected.jsonl"; cat "$tmp/coverage"
fi

# explanations: polvm --explain on explain/records.jsonl must print explain/records.expected exactly, and its
# decision lines (those not indented) must be what polvm prints without --explain
if "$polc" tests/golden/explain/trace.pol -o "$tmp/explain.pbc" 2>/dev/null; then
    "$polvm" --explain "$tmp/explain.pbc" tests/golden/explain/records.jsonl >"$tmp/explain.out"
    "$polvm" "$tmp/explain.pbc" tests/golden/explain/records.jsonl >"$tmp/plain.out"
    grep -v '^  ' "$tmp/explain.out" >"$tmp/explain.decisions"
    if cmp -s "$tmp/explain.out" tests/golden/explain/records.expected &&
        cmp -s "$tmp/explain.decisions" "$tmp/plain.out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL tests/golden/explain"
        diff tests/golden/explain/records.expected "$tmp/explain.out" | head -20
        diff "$tmp/plain.out" "$tmp/explain.decisions" | head -5
    fi
else
    failed=$((failed + 1)); echo "FAIL tests/golden/explain/trace.pol does not compile"
fi

# every policy compiles without a warning (polc --werror: a gap in the routes, an unused declaration, a date
# outside the year), so a second notice is held to what the first is
for policy in policies/*.pol; do
    if "$polc" --check --werror "$policy" 2>"$tmp/warnings"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL $policy has warnings"; head -5 "$tmp/warnings"
    fi
done

# determinism: the same source compiles to the same bytes, wherever and whenever it is compiled
mkdir -p "$tmp/elsewhere"
cp policies/suzhou-2024.pol "$tmp/elsewhere/moved.pol"
"$polc" policies/suzhou-2024.pol -o "$tmp/a.pbc" &&
    (case $polc in /*) ;; *) polc=$PWD/$polc ;; esac
     cd "$tmp/elsewhere" && SOURCE_DATE_EPOCH=1 TZ=Asia/Shanghai "$polc" moved.pol -o b.pbc) &&
    if cmp -s "$tmp/a.pbc" "$tmp/elsewhere/b.pbc"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL determinism: two compilations differ"
    fi

# --threads keeps the promise of one line per input line, in order: the same bytes and exit status as one thread,
# on generated records (valid and malformed) and on the examples
python3 tests/reference/generate.py --seed 5 --count 3000 -o "$tmp/threads.jsonl" &&
    cat examples/applicants.jsonl >>"$tmp/threads.jsonl" &&
    "$polvm" "$tmp/a.pbc" "$tmp/threads.jsonl" >"$tmp/one.out"
one_status=$?
"$polvm" --threads 2 "$tmp/a.pbc" "$tmp/threads.jsonl" >"$tmp/two.out"
two_status=$?
if [ "$one_status" -eq "$two_status" ] && cmp -s "$tmp/one.out" "$tmp/two.out" &&
    [ "$(wc -l <"$tmp/one.out")" -eq "$(wc -l <"$tmp/threads.jsonl")" ]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); echo "FAIL polvm --threads 2 differs from one thread (exit $one_status vs $two_status)"
fi

# --threads reads the input in blocks of whole lines (runtime/polvm.c): lines longer than a block, empty lines,
# NUL bytes inside a line, a last line without its newline, standard input, and more workers than blocks
python3 - "$tmp/threads.jsonl" "$tmp/edges.jsonl" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:400]
long = b'{"id":"' + b"x" * 300000 + b'"}'
edges = [lines[0], b"", long, lines[1], b'{"id":"a\x00b"}', b"", b"", long + long] + lines[2:] + [lines[3]]
open(sys.argv[2], "wb").write(b"\n".join(edges))  # no newline after the last line
open(sys.argv[2] + ".last", "wb").write(lines[5])  # one record, no newline
PY
for edges in "$tmp/edges.jsonl" "$tmp/edges.jsonl.last"; do
    "$polvm" "$tmp/a.pbc" "$edges" >"$tmp/one.out" 2>"$tmp/one.err"
    one_status=$?
    for threads in 2 7; do
        "$polvm" --threads "$threads" "$tmp/a.pbc" <"$edges" >"$tmp/two.out" 2>"$tmp/two.err"
        two_status=$?
        if [ "$one_status" -eq "$two_status" ] && cmp -s "$tmp/one.out" "$tmp/two.out" &&
            cmp -s "$tmp/one.err" "$tmp/two.err" && [ "$(wc -l <"$tmp/one.out")" -eq "$(($(wc -l <"$edges") + 1))" ]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "FAIL polvm --threads $threads on $(basename "$edges") (long, empty, unterminated lines) differs from one thread"
        fi
    done
done

# superinstructions: polvm evaluates the code the loader fused (runtime/vm/quicken.h), polvm --explain the plain
# instructions it was fused from, one by one; their decision lines must be the same bytes, on the records above
# for the 2024 policy and on each policy's examples
quick_check() { # POLICY.pbc RECORDS NAME
    "$polvm" "$1" "$2" >"$tmp/quick.out"
    "$polvm" --explain "$1" "$2" | grep -v '^  ' >"$tmp/plain.out"
    if [ -s "$tmp/quick.out" ] && cmp -s "$tmp/quick.out" "$tmp/plain.out"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL $3: the fused code decides otherwise than the plain code"
        diff "$tmp/plain.out" "$tmp/quick.out" | head -6
    fi
}
quick_check "$tmp/a.pbc" "$tmp/threads.jsonl" "policies/suzhou-2024.pol on generated records"
for records in examples/*/records.jsonl; do
    name=$(basename "$(dirname "$records")")
    [ -e "policies/$name.pol" ] || continue
    "$polc" "policies/$name.pol" -o "$tmp/$name.pbc" && quick_check "$tmp/$name.pbc" "$records" "policies/$name.pol"
done

# auditing: the listing of the 2024 policy, and poldiff's diff and impact for examples/amendment (audit.sh)
. tests/golden/audit.sh

echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
