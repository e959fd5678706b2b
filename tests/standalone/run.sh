#!/bin/sh
# run.sh: the repository stands alone: no file of it names a folder outside it (the notice, the contract and the
# examples a test needs are in the repository). Fails with the offending lines.
#   usage: sh tests/standalone/run.sh        (from the repository root)
set -eu
# absolute folders of the machines the project was written on, and any way of climbing out of the repository
# to a sibling folder (../shared and the like)
pattern='(/work/|/root/|/home/|/tmp/briefs|\.\./shared|\.\./\.\./|shared/notice)'
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    files=$(git ls-files -co --exclude-standard)
else
    files=$(find . -path ./build -prune -o -path './build-*' -prune -o -type f -print)
fi
found=$(printf '%s\n' "$files" | grep -v '^tests/standalone/run.sh$' |
        while IFS= read -r f; do [ -f "$f" ] && grep -InE "$pattern" "$f" /dev/null || true; done)
if [ -n "$found" ]; then
    printf '%s\n' "$found"
    echo "standalone: FAIL: the lines above name a folder outside the repository"
    exit 1
fi
echo "standalone: $(printf '%s\n' "$files" | wc -l) files, none names a folder outside the repository"
