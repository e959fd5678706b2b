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

# diagnostics: stderr must be exactly NAME.expected, exit status 1
for src in tests/golden/errors/*.pol; do
    [ -e "$src" ] || continue
    expected=${src%.pol}.expected
    "$polc" "$src" -o "$tmp/out.pbc" 2>"$tmp/stderr" >/dev/null
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
# (default policies/suzhou-2024.pol)
for records in tests/golden/decisions/*.jsonl examples/applicants.jsonl; do
    case $records in *.expected.jsonl) continue ;; esac
    [ -e "$records" ] || continue
    base=${records%.jsonl}
    expected=$base.expected.jsonl
    [ -e "$expected" ] || expected=$(dirname "$records")/expected/$(basename "$base").expected.jsonl
    policy=policies/suzhou-2024.pol
    [ -e "$base.policy" ] && policy=$(cat "$base.policy")
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

# determinism: the same source compiles to the same bytes, wherever and whenever it is compiled
mkdir -p "$tmp/elsewhere"
cp policies/suzhou-2024.pol "$tmp/elsewhere/moved.pol"
"$polc" policies/suzhou-2024.pol -o "$tmp/a.pbc" &&
    (cd "$tmp/elsewhere" && SOURCE_DATE_EPOCH=1 TZ=Asia/Shanghai "$OLDPWD/$polc" moved.pol -o b.pbc) &&
    if cmp -s "$tmp/a.pbc" "$tmp/elsewhere/b.pbc"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL determinism: two compilations differ"
    fi

echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
