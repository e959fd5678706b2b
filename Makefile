# pol: policy language, compiler and VM.
#   make          build everything into build/
#   make demo     compile policies/suzhou-2024.pol and decide examples/applicants.jsonl
#   make check    run every test (unit, golden, reference)
#   make check-asan  the same under AddressSanitizer + UndefinedBehaviorSanitizer (build in build-asan/)
#   make bench    the performance figures of issue 7 (doc/performance.md); not part of check

BUILD    ?= build
CC       ?= cc
FLEX     ?= flex
BISON    ?= bison
PYTHON   ?= python3
# Debian's interpreter, for tests that import Debian's python3-* packages (selenium, pytest)
DEBIAN_PYTHON ?= /usr/bin/python3

DEBIAN_PACKAGES := flex bison libcmocka-dev libyajl-dev libsimdjson-dev g++ nettle-dev pkg-config python3

WARN      := -Wall -Wextra -Werror
STD       := -std=c11 -D_POSIX_C_SOURCE=200809L
OPT       ?= -O2 -g
SAN       ?=
CFLAGS_ALL = $(STD) $(OPT) $(SAN) $(WARN) -fPIC -fvisibility=hidden
# the one C++ file, the JSON layer's simdjson reader (runtime/json/*.cpp): no exceptions, C interface only;
# SIMDJSON_THREADS_ENABLED as Debian built libsimdjson (its simdjson.pc)
CXX      ?= c++
CXXFLAGS_ALL = -std=c++17 $(OPT) $(SAN) $(WARN) -fPIC -fvisibility=hidden -fno-exceptions -DSIMDJSON_THREADS_ENABLED=1
# our own sources are also pedantic; flex/bison output is not (it uses GNU extensions in places)
PEDANTIC  := -Wpedantic
INCLUDES  := -Iruntime/include -Iruntime/core -Iruntime/format -Iruntime/verify -Iruntime/vm \
             -Iruntime/disasm -Iruntime/json -Icompiler/diag -Icompiler/parse -Icompiler/check \
             -Icompiler/emit -Icompiler/fmt -Icompiler/ptest -Icompiler/api -I$(BUILD)/gen
LIBS_CORE := -lnettle -lm
LIBS_JSON := -lyajl -lsimdjson -lstdc++
LIBS_TEST := -lcmocka -lpthread

# ---- sources: the folders are the pipeline ---------------------------------------------------------------
RUNTIME_CORE_SRC := $(wildcard runtime/core/*.c runtime/format/*.c runtime/verify/*.c runtime/vm/*.c \
                                runtime/disasm/*.c)
RUNTIME_JSON_SRC := $(wildcard runtime/json/*.c)
COMPILER_SRC     := $(filter-out compiler/polc.c,$(wildcard compiler/diag/*.c compiler/parse/*.c \
                                compiler/check/*.c compiler/emit/*.c compiler/fmt/*.c compiler/ptest/*.c \
                                compiler/api/*.c))
GEN_SRC          := $(BUILD)/gen/parser.c $(BUILD)/gen/scanner.c

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
RUNTIME_CORE_OBJ := $(call obj,$(RUNTIME_CORE_SRC))
RUNTIME_JSON_OBJ := $(call obj,$(RUNTIME_JSON_SRC)) \
                    $(patsubst %.cpp,$(BUILD)/obj/%.o,$(wildcard runtime/json/*.cpp))
COMPILER_OBJ     := $(call obj,$(COMPILER_SRC)) $(BUILD)/obj/gen/parser.o $(BUILD)/obj/gen/scanner.o

LIBPOL_A      := $(BUILD)/lib/libpol.a
LIBPOL_SO     := $(BUILD)/lib/libpol.so.0
LIBPOLJSON_A  := $(BUILD)/lib/libpol_json.a
LIBPOLJSON_SO := $(BUILD)/lib/libpol_json.so.0
LIBPOLC_A     := $(BUILD)/lib/libpolc.a
POLC          := $(BUILD)/bin/polc
POLVM         := $(BUILD)/bin/polvm

UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all deps demo check check-unit check-golden check-reference check-poltest check-standalone check-asan clean
all: deps $(POLC) $(POLVM) $(LIBPOL_SO) $(LIBPOLJSON_SO)

# ---- dependencies: install with apt-get when root, else print the command ------------------------------
# $(call ensure_packages,PACKAGES,WHAT): install the missing Debian packages with apt-get when root, else print the
# exact command and fail. Every part of the tree (service/, bindings/...) states its packages through this.
define ensure_packages
missing=""; for p in $(1); do \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ]; then \
    echo "installing$(if $(2), for $(2)):$$missing"; \
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) || exit 1; \
  else \
    echo "missing Debian packages$(if $(2), for $(2)):$$missing"; \
    echo "run: sudo apt-get install -y$$missing"; exit 1; \
  fi; \
fi
endef

deps: $(BUILD)/.deps-ok
$(BUILD)/.deps-ok:
	@$(call ensure_packages,$(DEBIAN_PACKAGES))
	@mkdir -p $(BUILD) && touch $@

# ---- generated scanner and parser (build products, never committed) -------------------------------------
$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h &: compiler/parse/parser.y | $(BUILD)/.deps-ok
	@mkdir -p $(BUILD)/gen
	$(BISON) -Wall -Werror --defines=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/scanner.c $(BUILD)/gen/scanner.h &: compiler/scan/scanner.l $(BUILD)/gen/parser.h
	@mkdir -p $(BUILD)/gen
	$(FLEX) --header-file=$(BUILD)/gen/scanner.h -o $(BUILD)/gen/scanner.c $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c $(BUILD)/gen/parser.h $(BUILD)/gen/scanner.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-unused-function -Wno-sign-compare $(INCLUDES) -MMD -MP -c $< -o $@

# ---- our objects --------------------------------------------------------------------------------------------
$(BUILD)/obj/runtime/%.o: runtime/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(PEDANTIC) -DPOL_BUILDING_LIBRARY $(INCLUDES) -MMD -MP -c $< -o $@

$(BUILD)/obj/runtime/%.o: runtime/%.cpp | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS_ALL) $(PEDANTIC) -DPOL_BUILDING_LIBRARY $(INCLUDES) -MMD -MP -c $< -o $@

$(BUILD)/obj/compiler/%.o: compiler/%.c $(BUILD)/gen/parser.h $(BUILD)/gen/scanner.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(PEDANTIC) $(INCLUDES) -MMD -MP -c $< -o $@

$(BUILD)/obj/tests/%.o: tests/%.c $(BUILD)/gen/parser.h $(BUILD)/gen/scanner.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(INCLUDES) -Itests/unit -MMD -MP -c $< -o $@

# ---- libraries and commands ---------------------------------------------------------------------------------
$(LIBPOL_A): $(RUNTIME_CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(LIBPOL_SO): $(RUNTIME_CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -shared $(SAN) -Wl,-soname,libpol.so.0 -o $@ $^ $(LIBS_CORE)
	ln -sf libpol.so.0 $(BUILD)/lib/libpol.so

$(LIBPOLJSON_A): $(RUNTIME_JSON_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# the JSON layer as a shared library too, over libpol.so: what bindings load at run time (Python's ctypes)
$(LIBPOLJSON_SO): $(RUNTIME_JSON_OBJ) $(LIBPOL_SO)
	@mkdir -p $(dir $@)
	$(CC) -shared $(SAN) -Wl,-soname,libpol_json.so.0 -o $@ $(RUNTIME_JSON_OBJ) -L$(BUILD)/lib -lpol $(LIBS_JSON)
	ln -sf libpol_json.so.0 $(BUILD)/lib/libpol_json.so

$(LIBPOLC_A): $(COMPILER_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(POLC): $(BUILD)/obj/compiler/polc.o $(LIBPOLC_A) $(LIBPOLJSON_A) $(LIBPOL_A)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(LIBS_JSON) $(LIBS_CORE)

$(POLVM): $(BUILD)/obj/runtime/polvm.o $(LIBPOLJSON_A) $(LIBPOL_A)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(LIBS_JSON) $(LIBS_CORE) -lpthread

# polvm.c is a command, not part of the library
RUNTIME_CORE_OBJ := $(filter-out $(BUILD)/obj/runtime/polvm.o,$(RUNTIME_CORE_OBJ))

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIBPOLC_A) $(LIBPOLJSON_A) $(LIBPOL_A)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(LIBS_TEST) $(LIBS_JSON) $(LIBS_CORE)

# ---- the main job -------------------------------------------------------------------------------------------
$(BUILD)/suzhou-2024.pbc: policies/suzhou-2024.pol $(POLC)
	$(POLC) $< -o $@

demo: all $(BUILD)/suzhou-2024.pbc
	@echo "== decisions for examples/applicants.jsonl (bad lines become error objects) =="
	$(POLVM) $(BUILD)/suzhou-2024.pbc examples/applicants.jsonl; status=$$?; \
	  echo "== polvm exit status $$status (1: some lines were errors, as the example file intends) =="; \
	  [ $$status -le 1 ]

# ---- tests ----------------------------------------------------------------------------------------------------
check: all check-unit check-golden check-reference check-poltest check-standalone

# no file names a folder outside the repository: a clone with nothing beside it has all it needs
check-standalone:
	@sh tests/standalone/run.sh

# the policy's own tests (policies/*.poltest, run by polc test)
check-poltest: all
	@for p in policies/*.poltest; do $(POLC) test $${p%.poltest}.pol || exit 1; done

check-unit: $(UNIT_BIN)
	@failed=""; for t in $(UNIT_BIN); do echo "== $$t"; $$t || failed="$$failed $$t"; done; \
	  if [ -n "$$failed" ]; then echo "failed:$$failed"; exit 1; fi

check-golden: all
	@sh tests/golden/run.sh $(BUILD)

check-reference: all $(BUILD)/suzhou-2024.pbc
	@$(PYTHON) tests/reference/notice.py
	@$(PYTHON) tests/reference/compare.py --polvm $(POLVM) --pbc $(BUILD)/suzhou-2024.pbc --count 5000
	@$(POLC) policies/nanjing-quality-2025.pol -o $(BUILD)/nanjing-quality-2025.pbc
	@$(PYTHON) tests/reference/nanjing_quality_2025.py --polvm $(POLVM) --pbc $(BUILD)/nanjing-quality-2025.pbc

# the JSON layer's simdjson reader against its yajl reader on 20,000 generated lines (bad ones too), mutated
check: check-json-fast
check-json-fast: $(BUILD)/tests/test_json_fast
	@mkdir -p $(BUILD)/json-fast
	@[ -s $(BUILD)/json-fast/records.jsonl ] || $(PYTHON) tests/reference/generate.py --seed 14 --count 20000 \
	  -o $(BUILD)/json-fast/records.jsonl
	@POL_JSON_RECORDS=$(BUILD)/json-fast/records.jsonl $(BUILD)/tests/test_json_fast

check-asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" check

# ---- make bench: the performance figures of issue 7 (tests/bench/, doc/performance.md); not part of check ------
BENCH_PACKAGES := lua5.4 luajit lua-cjson libjansson-dev
BENCH_DIR       = $(BUILD)/bench
.PHONY: bench bench-deps
bench: all bench-deps $(BENCH_DIR)/bench_eval $(BENCH_DIR)/decide_jansson
	@$(PYTHON) tests/bench/run.py --build $(BUILD)

bench-deps:
	@$(call ensure_packages,$(BENCH_PACKAGES),the bench)

$(BENCH_DIR)/bench_eval: tests/bench/bench_eval.c $(BENCH_DIR)/parse_simdjson.o $(LIBPOLJSON_A) $(LIBPOL_A)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(OPT) $(WARN) $(PEDANTIC) -Iruntime/include -Iruntime/json -o $@ $^ $(LIBS_JSON) $(LIBS_CORE)

# simdjson's parse-only floor, beside yajl's (C++, like the JSON layer's simdjson reader)
$(BENCH_DIR)/parse_simdjson.o: tests/bench/parse_simdjson.cpp
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 $(OPT) $(WARN) $(PEDANTIC) -fno-exceptions -DSIMDJSON_THREADS_ENABLED=1 -c $< -o $@

$(BENCH_DIR)/decide_jansson: tests/bench/baselines/decide_jansson.c | bench-deps
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(OPT) $(WARN) $(PEDANTIC) -o $@ $< -ljansson

# ---- installed like a C library; fuzzing, robustness and valgrind (issue 6; doc/embedding.md) -----------------
#   make install PREFIX=/usr/local DESTDIR=   commands with a man page in doc/man, libpol.a, libpol.so (soname
#                                            and links), libpol_json.a, pol.h, pol_json.h, pol.pc, pol-json.pc
#   make uninstall                           removes exactly those files
#   make fuzz FUZZ_SECONDS=N                 each libFuzzer target N seconds (installs clang when root)
#   make check-valgrind                      unit tests, polc, polvm and a robustness sample under valgrind
PREFIX     ?= /usr/local
DESTDIR    ?=
POL_VERSION := $(shell sed -n 's/^.define POL_VERSION_STRING "\(.*\)"/\1/p' runtime/include/pol.h)
MAN_PAGES  := $(wildcard doc/man/*.1)
INSTALL_BIN = $(patsubst doc/man/%.1,$(BUILD)/bin/%,$(MAN_PAGES))
INSTALL_LIB = $(DESTDIR)$(PREFIX)/lib
PC_SED      = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$${prefix}/lib|' \
                  -e 's|@INCLUDEDIR@|$${prefix}/include|' -e 's|@VERSION@|$(POL_VERSION)|'
POL_PBC    := $(BUILD)/suzhou-2024.pbc
FUZZ_TARGETS := compile load record
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 10
FUZZ_PACKAGES := clang libclang-rt-14-dev
FUZZ_CC    ?= clang
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_DIR    = $(BUILD)/fuzz
FUZZ_LIBS   = $(FUZZ_DIR)/lib/libpolc.a $(FUZZ_DIR)/lib/libpol_json.a $(FUZZ_DIR)/lib/libpol.a
REPLAY_BIN  = $(patsubst %,$(BUILD)/replay/fuzz_%,$(FUZZ_TARGETS))
# extra seeds beside tests/fuzz/corpus/<target>: whole policies, and the compiled 2024 policy
FUZZ_SEEDS_compile = policies tests/golden/errors
FUZZ_SEEDS_load    = $(FUZZ_DIR)/seeds-load
FUZZ_SEEDS_record  =
ROBUST_COUNT ?= $(if $(SAN),600,1500)
VALGRIND   := valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible

.PHONY: install uninstall check-install check-robustness check-fuzz fuzz fuzz-deps fuzz-build check-valgrind
check: check-install check-robustness check-fuzz

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(INSTALL_LIB)/pkgconfig $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(INSTALL_BIN) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(LIBPOL_A) $(LIBPOLJSON_A) $(INSTALL_LIB)/
	install -m 755 $(LIBPOL_SO) $(INSTALL_LIB)/libpol.so.$(POL_VERSION)
	ln -sf libpol.so.$(POL_VERSION) $(INSTALL_LIB)/$(notdir $(LIBPOL_SO))
	ln -sf $(notdir $(LIBPOL_SO)) $(INSTALL_LIB)/libpol.so
	install -m 755 $(LIBPOLJSON_SO) $(INSTALL_LIB)/libpol_json.so.$(POL_VERSION)
	ln -sf libpol_json.so.$(POL_VERSION) $(INSTALL_LIB)/$(notdir $(LIBPOLJSON_SO))
	ln -sf $(notdir $(LIBPOLJSON_SO)) $(INSTALL_LIB)/libpol_json.so
	install -m 644 runtime/include/pol.h runtime/json/pol_json.h $(DESTDIR)$(PREFIX)/include/
	$(PC_SED) runtime/pol.pc.in >$(INSTALL_LIB)/pkgconfig/pol.pc
	$(PC_SED) runtime/json/pol-json.pc.in >$(INSTALL_LIB)/pkgconfig/pol-json.pc
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(PREFIX)/share/man/man1/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(notdir $(INSTALL_BIN))) \
	  $(addprefix $(INSTALL_LIB)/,libpol.a libpol_json.a libpol.so.$(POL_VERSION) $(notdir $(LIBPOL_SO)) libpol.so \
	    libpol_json.so.$(POL_VERSION) $(notdir $(LIBPOLJSON_SO)) libpol_json.so \
	    pkgconfig/pol.pc pkgconfig/pol-json.pc) \
	  $(DESTDIR)$(PREFIX)/include/pol.h $(DESTDIR)$(PREFIX)/include/pol_json.h \
	  $(addprefix $(DESTDIR)$(PREFIX)/share/man/man1/,$(notdir $(MAN_PAGES)))

# install into a staging DESTDIR, check it, build examples/embed through pkg-config alone, run it, uninstall
check-install: all $(POL_PBC)
	@CC="$(CC)" SAN="$(SAN)" sh tests/install/run.sh "$(MAKE)" $(BUILD) $(POL_PBC)

# thousands of mutated .pol, .pbc and record lines: exit 0/1/2 with a message, never a signal or a hang
check-robustness: all $(POL_PBC)
	@$(PYTHON) tests/robustness/run.py --polc $(POLC) --polvm $(POLVM) --pbc $(POL_PBC) --count $(ROBUST_COUNT) \
	  --policy policies/suzhou-2024.pol --policy tests/fuzz/corpus/compile/small-routing.pol \
	  --keep $(BUILD)/robustness-failures $(ROBUST_ARGS)

# the fuzz targets without libFuzzer (any compiler, any sanitizer): replay the corpus, regressions included
$(BUILD)/replay/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/replay.o $(LIBPOLC_A) \
                        $(LIBPOLJSON_A) $(LIBPOL_A)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(LIBS_JSON) $(LIBS_CORE)

.SECONDARY: $(patsubst %,$(BUILD)/obj/tests/fuzz/%.o,replay $(addprefix fuzz_,$(FUZZ_TARGETS)))

$(FUZZ_DIR)/seeds-load/suzhou-2024.pbc: $(POL_PBC)
	@mkdir -p $(dir $@) && cp $< $@

fuzz_replay = POL_FUZZ_PBC=$(POL_PBC) $(1) $(BUILD)/replay/fuzz_$(2) tests/fuzz/corpus/$(2) $(FUZZ_SEEDS_$(2))
fuzz_run = mkdir -p $(FUZZ_DIR)/corpus/$(1) $(FUZZ_DIR)/crashes/$(1) && POL_FUZZ_PBC=$(POL_PBC) \
  $(FUZZ_DIR)/fuzz_$(1) -max_total_time=$(2) -timeout=20 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
  -artifact_prefix=$(FUZZ_DIR)/crashes/$(1)/ $(FUZZ_DIR)/corpus/$(1) tests/fuzz/corpus/$(1) $(FUZZ_SEEDS_$(1))

# make check: replay the corpus always; then, unless already under a sanitizer, fuzz each target briefly when
# clang's libFuzzer is there (installed when root; without it the replay alone runs, and says so)
check-fuzz: $(REPLAY_BIN) $(FUZZ_DIR)/seeds-load/suzhou-2024.pbc
	@$(foreach t,$(FUZZ_TARGETS),$(call fuzz_replay,,$(t)) &&) true
	@if [ -n "$(SAN)" ]; then exit 0; fi; \
	if $(MAKE) --no-print-directory fuzz-deps >/dev/null 2>&1 && \
	   $(MAKE) --no-print-directory fuzz-build >$(BUILD)/fuzz-build.log 2>&1; then \
	  $(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_CHECK_SECONDS) >$(BUILD)/fuzz.log 2>&1 || \
	    { tail -60 $(BUILD)/fuzz.log; echo "check-fuzz: a fuzz target failed (see $(BUILD)/fuzz.log)"; exit 1; }; \
	  grep -h '^Done' $(BUILD)/fuzz.log | paste -s -d',' | \
	    sed 's/^/check-fuzz: libFuzzer, $(FUZZ_CHECK_SECONDS)s per target ($(FUZZ_TARGETS)): /'; \
	else echo "check-fuzz: libFuzzer targets not run (no $(FUZZ_PACKAGES), or see $(BUILD)/fuzz-build.log):" \
	  "corpus replayed only"; fi

fuzz-deps:
	@$(call ensure_packages,$(FUZZ_PACKAGES),fuzzing)

fuzz-build: all
	$(MAKE) --no-print-directory BUILD=$(FUZZ_DIR) CC=$(FUZZ_CC) CXX=$(FUZZ_CC)++ OPT="-O1 -g" \
	  SAN="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" $(FUZZ_LIBS)
	$(foreach t,$(FUZZ_TARGETS),$(FUZZ_CC) $(STD) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) -fsanitize-link-c++-runtime \
	  $(WARN) $(INCLUDES) tests/fuzz/fuzz_$(t).c $(FUZZ_LIBS) $(LIBS_JSON) $(LIBS_CORE) -o $(FUZZ_DIR)/fuzz_$(t) &&) true

fuzz: fuzz-deps fuzz-build $(FUZZ_DIR)/seeds-load/suzhou-2024.pbc
	$(foreach t,$(FUZZ_TARGETS),$(call fuzz_run,$(t),$(FUZZ_SECONDS)) &&) true

# valgrind: its error exit status is 101, so that polvm's own 1 (some lines were errors) stays distinct
check-valgrind: all $(UNIT_BIN) $(REPLAY_BIN) $(FUZZ_DIR)/seeds-load/suzhou-2024.pbc
	@failed=""; for t in $(UNIT_BIN); do echo "== valgrind $$t"; \
	  $(VALGRIND) --error-exitcode=1 $$t >$(BUILD)/valgrind.log 2>&1 || { cat $(BUILD)/valgrind.log; failed="$$failed $$t"; }; \
	done; [ -z "$$failed" ] || { echo "valgrind failed:$$failed"; exit 1; }
	$(VALGRIND) --error-exitcode=101 $(POLC) policies/suzhou-2024.pol -o $(BUILD)/valgrind.pbc
	@for r in examples/applicants.jsonl tests/golden/decisions/notice-examples.jsonl examples/embed/records.jsonl; do \
	  echo "== valgrind polvm $$r"; s=0; $(VALGRIND) --error-exitcode=101 $(POLVM) $(BUILD)/valgrind.pbc $$r >/dev/null || s=$$?; \
	  [ $$s -le 1 ] || { echo "valgrind polvm $$r: exit $$s"; exit 1; }; done
	@$(foreach t,$(FUZZ_TARGETS),$(call fuzz_replay,$(VALGRIND) --error-exitcode=101,$(t)) &&) true
	@$(MAKE) --no-print-directory check-robustness ROBUST_COUNT=40 ROBUST_ARGS="--timeout 120 --wrapper '$(VALGRIND) --error-exitcode=101'"

clean:
	rm -rf build build-asan

# ---- poldiff: the auditor's semantic diff and impact report (compiler/audit, doc/auditing.md) ----------------
#   make golden-update   rewrite the golden listing and amendment outputs after a deliberate policy change
AUDIT_OBJ := $(call obj,$(wildcard compiler/audit/*.c))
POLDIFF   := $(BUILD)/bin/poldiff
INCLUDES  += -Icompiler/audit
all: $(POLDIFF)
$(POLDIFF): $(BUILD)/obj/compiler/poldiff.o $(AUDIT_OBJ) $(LIBPOLJSON_A) $(LIBPOL_A)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(LIBS_JSON) $(LIBS_CORE)
$(BUILD)/tests/test_diff: $(BUILD)/obj/tests/unit/test_diff.o $(AUDIT_OBJ) $(LIBPOLC_A) $(LIBPOLJSON_A) $(LIBPOL_A)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(LIBS_TEST) $(LIBS_JSON) $(LIBS_CORE)
.PHONY: golden-update
golden-update: all
	@sh tests/golden/update.sh $(BUILD)

# ---- doc/opcodes.md: the instruction-set reference, printed from runtime/core/opcodes.h by a build tool --------
#   make opcodes-doc   rewrite doc/opcodes.md (golden-update runs it too); make check fails while it is stale
OPCODES_MD := $(BUILD)/tools/opcodes_md
.PHONY: opcodes-doc check-opcodes-doc
check: check-opcodes-doc
golden-update: opcodes-doc
$(OPCODES_MD): $(BUILD)/obj/runtime/opcodes_md.o $(LIBPOL_A)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(LIBS_CORE)
opcodes-doc: $(OPCODES_MD)
	$(OPCODES_MD) >$(BUILD)/opcodes.md && cp $(BUILD)/opcodes.md doc/opcodes.md
check-opcodes-doc: $(OPCODES_MD)
	@$(OPCODES_MD) >$(BUILD)/opcodes.md
	@if cmp -s $(BUILD)/opcodes.md doc/opcodes.md; then echo "opcodes: doc/opcodes.md matches runtime/core/opcodes.h"; \
	else echo "FAIL doc/opcodes.md differs from what runtime/core/opcodes.h gives:"; \
	  diff -u doc/opcodes.md $(BUILD)/opcodes.md | head -30; \
	  echo "(never edit doc/opcodes.md by hand: make opcodes-doc or make golden-update, then review it)"; exit 1; fi

# ---- the parts built on libpol and pol_json: each folder brings its own make file ------------------------------
# A part's .mk adds its targets to all, check and bench (e.g. `check: check-service`), states its Debian packages
# with $(call ensure_packages,...), and keeps its build products under $(BUILD)/<part>/.
PART_MAKEFILES := $(sort $(wildcard service/*.mk bindings/*/*.mk))
include $(PART_MAKEFILES)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
