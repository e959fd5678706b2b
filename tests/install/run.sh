#!/bin/sh
# run.sh: the install test: make install into a staging DESTDIR, check what was installed (files, soname,
# exported symbols, pkg-config files, man pages), build examples/embed and a JSON embedder through pkg-config
# alone and run them, then make uninstall and check that nothing is left.
#   usage: sh tests/install/run.sh MAKE BUILD PBC        (CC and SAN come from the environment)
set -eu
MAKE_CMD=$1 BUILD=$2 PBC=$3
CC=${CC:-cc}
SAN=${SAN:-}
PREFIX=/usr/local
STAGE=$(cd "$BUILD" && pwd)/install-test
ROOT=$STAGE$PREFIX
WORK=$BUILD/install-test-work
fail() { echo "check-install: FAIL: $*" >&2; exit 1; }

rm -rf "$STAGE" "$WORK"
mkdir -p "$WORK"
$MAKE_CMD --no-print-directory BUILD="$BUILD" PREFIX="$PREFIX" DESTDIR="$STAGE" install >"$WORK/install.log" 2>&1 ||
    { cat "$WORK/install.log"; fail "make install"; }

# ---- the files ----
version=$(sed -n 's/^#define POL_VERSION_STRING "\(.*\)"/\1/p' runtime/include/pol.h)
major=${version%%.*}
for f in bin/polc bin/polvm lib/libpol.a lib/libpol_json.a "lib/libpol.so.$version" include/pol.h \
         include/pol_json.h lib/pkgconfig/pol.pc lib/pkgconfig/pol-json.pc; do
    [ -f "$ROOT/$f" ] || fail "$PREFIX/$f not installed"
done
[ "$(readlink "$ROOT/lib/libpol.so.$major")" = "libpol.so.$version" ] || fail "libpol.so.$major is not a link to libpol.so.$version"
[ "$(readlink "$ROOT/lib/libpol.so")" = "libpol.so.$major" ] || fail "libpol.so is not a link to libpol.so.$major"
# every command built has a man page, and every man page is installed with its command
for cmd in "$BUILD"/bin/*; do
    name=$(basename "$cmd")
    [ -f "doc/man/$name.1" ] || fail "command $name has no man page doc/man/$name.1"
    [ -f "$ROOT/bin/$name" ] || fail "command $name not installed"
    [ -f "$ROOT/share/man/man1/$name.1" ] || fail "man page $name.1 not installed"
done
for page in doc/man/*.1; do
    man --warnings -l "$page" >/dev/null 2>"$WORK/man.err" || true
    [ ! -s "$WORK/man.err" ] || { cat "$WORK/man.err"; fail "$page has formatting warnings"; }
done 2>/dev/null

# ---- the shared library: soname, and only pol.h's API exported ----
lib="$ROOT/lib/libpol.so.$version"
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = "libpol.so.$major" ] || fail "soname is '$soname', not libpol.so.$major"
nm -D --defined-only "$lib" | awk '$2 ~ /^[A-Z]$/ && $2 != "A" { print $3 }' | sort >"$WORK/exported"
grep -v '^pol_' "$WORK/exported" >"$WORK/stray" || true
[ ! -s "$WORK/stray" ] || { cat "$WORK/stray"; fail "libpol.so exports symbols outside the pol_ API (above)"; }
sed -n 's/^POL_API [^(]*[ *]\(pol_[a-z0-9_]*\)(.*/\1/p' runtime/include/pol.h | sort >"$WORK/declared"
[ -s "$WORK/declared" ] || fail "no POL_API declarations found in pol.h"
diff "$WORK/declared" "$WORK/exported" >"$WORK/api.diff" ||
    { cat "$WORK/api.diff"; fail "libpol.so's exports differ from pol.h's POL_API functions (< declared, > exported)"; }
# libpol_json.so: its soname, links, and exactly pol_json.h's API (the libpol it needs is not copied into it)
jlib="$ROOT/lib/libpol_json.so.$version"
[ -f "$jlib" ] || fail "$PREFIX/lib/libpol_json.so.$version not installed"
[ "$(readlink "$ROOT/lib/libpol_json.so.$major")" = "libpol_json.so.$version" ] || fail "libpol_json.so.$major link"
[ "$(objdump -p "$jlib" | awk '$1 == "SONAME" { print $2 }')" = "libpol_json.so.$major" ] || fail "libpol_json soname"
objdump -p "$jlib" | grep -q "NEEDED *libpol.so.$major" || fail "libpol_json.so does not need libpol.so.$major"
nm -D --defined-only "$jlib" | awk '$2 ~ /^[A-Z]$/ && $2 != "A" { print $3 }' | sort >"$WORK/json-exported"
sed -n 's/^POL_API [^(]*[ *]\(pol_json_[a-z0-9_]*\)(.*/\1/p' runtime/json/pol_json.h | sort >"$WORK/json-declared"
diff "$WORK/json-declared" "$WORK/json-exported" >"$WORK/json-api.diff" ||
    { cat "$WORK/json-api.diff"; fail "libpol_json.so's exports differ from pol_json.h's POL_API functions"; }

# ---- pkg-config alone ----
export PKG_CONFIG_PATH="$ROOT/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$STAGE"
pkg-config --exists pol pol-json || fail "pkg-config does not find pol and pol-json"
[ "$(pkg-config --modversion pol)" = "$version" ] || fail "pol.pc version is not $version"
pkg-config --static --libs pol | grep -q -- -lnettle || fail "pol.pc: a static link does not get -lnettle"
pkg-config --libs pol-json | grep -q -- -lyajl || fail "pol-json.pc does not bring -lyajl"

embed_shared=$WORK/embed-shared embed_static=$WORK/embed-static
# shellcheck disable=SC2046,SC2086
$CC $SAN -std=c11 -Wall -Wextra -Werror -Wpedantic $(pkg-config --cflags pol) examples/embed/embed.c \
    $(pkg-config --libs pol) -o "$embed_shared" || fail "examples/embed does not build against the shared library"
# shellcheck disable=SC2046,SC2086
$CC $SAN -std=c11 -Wall -Wextra -Werror -Wpedantic $(pkg-config --cflags pol) examples/embed/embed.c \
    -Wl,-Bstatic $(pkg-config --static --libs pol) -Wl,-Bdynamic -o "$embed_static" ||
    fail "examples/embed does not build against the static library"
objdump -p "$embed_shared" | grep -q "NEEDED *libpol.so.$major" || fail "the shared embed does not need libpol.so.$major"
! objdump -p "$embed_static" | grep -q "NEEDED *libpol" || fail "the static embed still needs libpol.so"
# shellcheck disable=SC2046,SC2086
$CC $SAN -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror $(pkg-config --cflags pol-json) \
    tests/install/json_decide.c $(pkg-config --libs pol-json) -o "$WORK/json_decide" ||
    fail "a JSON embedder does not build through pol-json.pc"

status=0
LD_LIBRARY_PATH="$ROOT/lib" "$embed_shared" "$PBC" >"$WORK/shared.out" || status=$?
[ "$status" = 1 ] || fail "embed (shared) exit status $status, expected 1 (record E03 is meant to fail)"
head -n 1 "$WORK/shared.out" | grep -q "^libpol $version (header $version), bytecode format [0-9]" ||
    fail "embed's version line: $(head -n 1 "$WORK/shared.out")"
sed 1d "$WORK/shared.out" | diff -u examples/embed/expected.txt - || fail "embed (shared) output differs"
status=0
"$embed_static" "$PBC" >"$WORK/static.out" || status=$?
[ "$status" = 1 ] && cmp -s "$WORK/shared.out" "$WORK/static.out" || fail "embed (static) differs from embed (shared)"
# the decisions the embedder printed are the JSON layer's for the same records
status=0
LD_LIBRARY_PATH="$ROOT/lib" "$WORK/json_decide" "$PBC" <examples/embed/records.jsonl >"$WORK/json.out" || status=$?
[ "$status" = 1 ] || fail "json_decide exit status $status, expected 1"
"$BUILD/bin/polvm" "$PBC" examples/embed/records.jsonl >"$WORK/polvm.out" || true
cmp -s "$WORK/json.out" "$WORK/polvm.out" || fail "the installed JSON layer decides differently from polvm"
# and binding natively decides as binding the same records through JSON
sed 1d examples/embed/expected.txt >"$WORK/expected-decisions"
python3 tests/install/render.py <"$WORK/polvm.out" | diff -u - "$WORK/expected-decisions" ||
    fail "embed's native decisions differ from polvm's for examples/embed/records.jsonl"

# ---- uninstall leaves nothing ----
$MAKE_CMD --no-print-directory BUILD="$BUILD" PREFIX="$PREFIX" DESTDIR="$STAGE" uninstall >"$WORK/uninstall.log" 2>&1 ||
    { cat "$WORK/uninstall.log"; fail "make uninstall"; }
left=$(find "$STAGE" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $left"
echo "check-install: ok: installed, soname $soname, $(wc -l <"$WORK/exported") pol_ symbols exported and no other," \
     "libpol_json.so with its $(wc -l <"$WORK/json-exported") pol_json_ symbols," \
     "embed built through pkg-config (shared and static) and run, uninstalled"
rm -rf "$STAGE" "$WORK"
