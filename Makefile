# pol: policy language, compiler and VM.
#   make          build everything into build/
#   make demo     compile policies/suzhou-2024.pol and decide examples/applicants.jsonl
#   make check    run every test (unit, golden, reference)
#   make check-asan  the same under AddressSanitizer + UndefinedBehaviorSanitizer (build in build-asan/)

BUILD    ?= build
CC       ?= cc
FLEX     ?= flex
BISON    ?= bison
PYTHON   ?= python3

DEBIAN_PACKAGES := flex bison libcmocka-dev libyajl-dev nettle-dev pkg-config python3

WARN      := -Wall -Wextra -Werror
STD       := -std=c11 -D_POSIX_C_SOURCE=200809L
OPT       ?= -O2 -g
SAN       ?=
CFLAGS_ALL = $(STD) $(OPT) $(SAN) $(WARN) -fPIC -fvisibility=hidden
# our own sources are also pedantic; flex/bison output is not (it uses GNU extensions in places)
PEDANTIC  := -Wpedantic
INCLUDES  := -Iruntime/include -Iruntime/core -Iruntime/format -Iruntime/verify -Iruntime/vm \
             -Iruntime/disasm -Iruntime/json -Icompiler/diag -Icompiler/parse -Icompiler/check \
             -Icompiler/emit -I$(BUILD)/gen
LIBS_CORE := -lnettle -lm
LIBS_JSON := -lyajl
LIBS_TEST := -lcmocka -lpthread

# ---- sources: the folders are the pipeline ---------------------------------------------------------------
RUNTIME_CORE_SRC := $(wildcard runtime/core/*.c runtime/format/*.c runtime/verify/*.c runtime/vm/*.c \
                                runtime/disasm/*.c)
RUNTIME_JSON_SRC := $(wildcard runtime/json/*.c)
COMPILER_SRC     := $(filter-out compiler/polc.c,$(wildcard compiler/diag/*.c compiler/parse/*.c \
                                compiler/check/*.c compiler/emit/*.c))
GEN_SRC          := $(BUILD)/gen/parser.c $(BUILD)/gen/scanner.c

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
RUNTIME_CORE_OBJ := $(call obj,$(RUNTIME_CORE_SRC))
RUNTIME_JSON_OBJ := $(call obj,$(RUNTIME_JSON_SRC))
COMPILER_OBJ     := $(call obj,$(COMPILER_SRC)) $(BUILD)/obj/gen/parser.o $(BUILD)/obj/gen/scanner.o

LIBPOL_A      := $(BUILD)/lib/libpol.a
LIBPOL_SO     := $(BUILD)/lib/libpol.so.0
LIBPOLJSON_A  := $(BUILD)/lib/libpol_json.a
LIBPOLC_A     := $(BUILD)/lib/libpolc.a
POLC          := $(BUILD)/bin/polc
POLVM         := $(BUILD)/bin/polvm

UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all deps demo check check-unit check-golden check-reference check-asan clean
all: deps $(POLC) $(POLVM) $(LIBPOL_SO)

# ---- dependencies: install with apt-get when root, else print the command ------------------------------
deps: $(BUILD)/.deps-ok
$(BUILD)/.deps-ok:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) || exit 1; \
	  else \
	    echo "missing Debian packages:$$missing"; \
	    echo "run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
	@mkdir -p $(BUILD) && touch $@

# ---- generated scanner and parser (build products, never committed) -------------------------------------
$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h: compiler/parse/parser.y | $(BUILD)/.deps-ok
	@mkdir -p $(BUILD)/gen
	$(BISON) -Wall -Werror --defines=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/scanner.c $(BUILD)/gen/scanner.h: compiler/scan/scanner.l $(BUILD)/gen/parser.h
	@mkdir -p $(BUILD)/gen
	$(FLEX) --header-file=$(BUILD)/gen/scanner.h -o $(BUILD)/gen/scanner.c $<

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c $(BUILD)/gen/parser.h $(BUILD)/gen/scanner.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-unused-function -Wno-sign-compare $(INCLUDES) -MMD -MP -c $< -o $@

# ---- our objects --------------------------------------------------------------------------------------------
$(BUILD)/obj/runtime/%.o: runtime/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(PEDANTIC) -DPOL_BUILDING_LIBRARY $(INCLUDES) -MMD -MP -c $< -o $@

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

$(LIBPOLC_A): $(COMPILER_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(POLC): $(BUILD)/obj/compiler/polc.o $(LIBPOLC_A) $(LIBPOL_A)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(LIBS_CORE)

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
check: all check-unit check-golden check-reference

check-unit: $(UNIT_BIN)
	@failed=""; for t in $(UNIT_BIN); do echo "== $$t"; $$t || failed="$$failed $$t"; done; \
	  if [ -n "$$failed" ]; then echo "failed:$$failed"; exit 1; fi

check-golden: all
	@sh tests/golden/run.sh $(BUILD)

check-reference: all $(BUILD)/suzhou-2024.pbc
	@$(PYTHON) tests/reference/compare.py --polvm $(POLVM) --pbc $(BUILD)/suzhou-2024.pbc --count 5000

check-asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" check

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
