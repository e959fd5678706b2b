#!/bin/sh
# update.sh: rewrite the golden files that follow the 2024 policy (the listing, and the amendment's diff and
# impact), after a deliberate change to the policy or the compiler. Review `git diff` of them before committing.
# usage: tests/golden/update.sh BUILD_DIR      (or: make BUILD=... golden-update)
build=${1:-build}
polc=$build/bin/polc
polvm=$build/bin/polvm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
update=1
. tests/golden/audit.sh
echo "updated tests/golden/listing/suzhou-2024.dis, examples/amendment/suzhou-2024-amended.pol and examples/amendment/expected/"
