# audit.sh: sourced by run.sh (compare) and update.sh (update=1: rewrite the expected files). The listing of the
# 2024 policy; the HYPOTHETICAL amendment (examples/amendment/amend.sh applied to the current policy) and the diff
# and impact poldiff gives for it; the impact's counts checked against polvm's decisions. Uses $build $polc $tmp.
poldiff=$build/bin/poldiff
case $polc in /*) polc_abs=$polc ;; *) polc_abs=$PWD/$polc ;; esac
case $poldiff in /*) poldiff_abs=$poldiff ;; *) poldiff_abs=$PWD/$poldiff ;; esac
case $polvm in /*) polvm_abs=$polvm ;; *) polvm_abs=$PWD/$polvm ;; esac
# line numbers, the source digest and the compiler version move with unrelated edits; the changes must not
mask() { sed -e 's/line [0-9][0-9]*/line #/g' -e '/^source /d' -e '/^compiler /d' "$1"; }
audit_result() { # NAME OK-STATUS [diff command...]
    name=$1; ok=$2; shift 2
    if [ "$ok" = yes ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1)); echo "FAIL $name"; "$@" 2>&1 | head -30
        echo "(if the policy was changed on purpose: make golden-update, then review the new expected files)"
    fi
}
same() { if cmp -s "$1" "$2"; then echo yes; else echo no; fi; }

# the listing
"$polc" policies/suzhou-2024.pol -o "$tmp/listing.pbc" && "$polc" --dis "$tmp/listing.pbc" >"$tmp/listing.dis"
if [ "${update:-0}" = 1 ]; then
    cp "$tmp/listing.dis" tests/golden/listing/suzhou-2024.dis
else
    audit_result "listing of policies/suzhou-2024.pol" "$(same "$tmp/listing.dis" tests/golden/listing/suzhou-2024.dis)" \
        diff tests/golden/listing/suzhou-2024.dis "$tmp/listing.dis"
fi

# the amendment: diff and impact
ex=examples/amendment
mkdir -p "$tmp/amend"
cp "$ex/records.jsonl" "$tmp/amend/records.jsonl"
sh "$ex/amend.sh" policies/suzhou-2024.pol >"$tmp/amend/suzhou-2024-amended.pol"
cp policies/suzhou-2024.pol "$tmp/amend/suzhou-2024.pol"
(
    cd "$tmp/amend" || exit 2
    "$polc_abs" suzhou-2024.pol -o suzhou-2024.pbc && "$polc_abs" suzhou-2024-amended.pol -o suzhou-2024-amended.pbc || exit 2
    "$poldiff_abs" suzhou-2024.pbc suzhou-2024-amended.pbc >diff.txt; echo $? >diff.status
    "$poldiff_abs" --json suzhou-2024.pbc suzhou-2024-amended.pbc >diff.json
    "$poldiff_abs" --records records.jsonl suzhou-2024.pbc suzhou-2024-amended.pbc >impact.txt; echo $? >impact.status
    "$poldiff_abs" --json --records records.jsonl suzhou-2024.pbc suzhou-2024-amended.pbc >impact.json
    "$polvm_abs" suzhou-2024.pbc records.jsonl >old.decisions.jsonl
    "$polvm_abs" suzhou-2024-amended.pbc records.jsonl >new.decisions.jsonl
    true
)
if [ "${update:-0}" = 1 ]; then
    cp "$tmp/amend/suzhou-2024-amended.pol" "$ex/suzhou-2024-amended.pol"
    for f in diff.txt diff.json impact.txt impact.json; do cp "$tmp/amend/$f" "$ex/expected/$f"; done
else
    mask "$ex/expected/diff.txt" >"$tmp/amend/diff.expected.masked"
    mask "$tmp/amend/diff.txt" >"$tmp/amend/diff.masked"
    ok=$(same "$tmp/amend/diff.expected.masked" "$tmp/amend/diff.masked")
    [ "$(cat "$tmp/amend/diff.status" 2>/dev/null)" = 1 ] || ok=no
    audit_result "poldiff of the amendment ($ex/expected/diff.txt, line numbers aside)" "$ok" \
        diff "$tmp/amend/diff.expected.masked" "$tmp/amend/diff.masked"
    ok=$(same "$ex/expected/impact.txt" "$tmp/amend/impact.txt")
    [ "$(cat "$tmp/amend/impact.status" 2>/dev/null)" = 1 ] || ok=no
    audit_result "poldiff --records of the amendment ($ex/expected/impact.txt)" "$ok" \
        diff "$ex/expected/impact.txt" "$tmp/amend/impact.txt"
    if python3 tests/golden/impact_check.py "$tmp/amend/old.decisions.jsonl" "$tmp/amend/new.decisions.jsonl" \
        "$tmp/amend/impact.json" >"$tmp/amend/check.txt" 2>&1; then ok=yes; else ok=no; fi
    audit_result "poldiff --records counts against polvm's decisions" "$ok" cat "$tmp/amend/check.txt"
fi
