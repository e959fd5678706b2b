# bindings/sqlite/sqlite.mk: the SQLite loadable extension $(BUILD)/lib/pol_sqlite.so (pol_decide, pol_policy_info,
# pol_cache_info, pol_findings; doc/database.md), its tests (tests/sqlite) and its bench figure.
#   make check-sqlite   decisions of the sqlite3 shell and of a C program through the extension against polvm's
#   make bench-sqlite   rows/s of pol_decide over the bench's 200,000 records
# libpol and pol_json are linked in statically (their objects are -fPIC) with their symbols kept local, so the
# extension needs only system libraries when it loads and cannot clash with a libpol.so in the same process.
SQLITE_PACKAGES := libsqlite3-dev sqlite3
SQLITE_DIR       = $(BUILD)/sqlite
POL_SQLITE_SO    = $(BUILD)/lib/pol_sqlite.so
SQLITE_SRC      := $(wildcard bindings/sqlite/*.c)
SQLITE_OBJ       = $(patsubst bindings/sqlite/%.c,$(SQLITE_DIR)/obj/%.o,$(SQLITE_SRC))
SQLITE_CLIENT    = $(SQLITE_DIR)/sqlite_client
SQLITE_CHECK_COUNT ?= 5000

.PHONY: sqlite-deps check-sqlite bench-sqlite install-sqlite uninstall-sqlite
all: $(POL_SQLITE_SO)
check: check-sqlite
bench: bench-sqlite

sqlite-deps: $(SQLITE_DIR)/.deps-ok
$(SQLITE_DIR)/.deps-ok:
	@$(call ensure_packages,$(SQLITE_PACKAGES),the SQLite extension)
	@mkdir -p $(dir $@) && touch $@

$(SQLITE_DIR)/obj/%.o: bindings/sqlite/%.c | $(SQLITE_DIR)/.deps-ok $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(PEDANTIC) -Iruntime/include -Iruntime/json -MMD -MP -c $< -o $@

$(POL_SQLITE_SO): $(SQLITE_OBJ) $(LIBPOLJSON_A) $(LIBPOL_A)
	@mkdir -p $(dir $@)
	$(CC) -shared $(SAN) -Wl,--exclude-libs,ALL $(if $(SAN),,-Wl,-z,defs) -o $@ $^ $(LIBS_JSON) $(LIBS_CORE)

# a small application that loads the extension with sqlite3_load_extension (built with SAN, unlike sqlite3)
$(SQLITE_CLIENT): tests/sqlite/sqlite_client.c | $(SQLITE_DIR)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(OPT) $(SAN) $(WARN) $(PEDANTIC) -o $@ $< -lsqlite3

# the checks run on the extension as built and, for its decisions, as `make install` puts it (staged, removed after)
check-sqlite: $(POL_SQLITE_SO) $(SQLITE_CLIENT) $(POLVM) $(POLC) $(POL_PBC)
	@rm -rf $(SQLITE_DIR)/stage
	@$(MAKE) --no-print-directory DESTDIR=$(abspath $(SQLITE_DIR))/stage install-sqlite >/dev/null
	@$(DEBIAN_PYTHON) tests/sqlite/run.py --build $(BUILD) --count $(SQLITE_CHECK_COUNT) $(if $(SAN),--sanitized) \
	  --installed $(SQLITE_DIR)/stage$(PREFIX)/lib/pol_sqlite
	@$(MAKE) --no-print-directory DESTDIR=$(abspath $(SQLITE_DIR))/stage uninstall-sqlite >/dev/null
	@[ -z "$$(find $(SQLITE_DIR)/stage ! -type d)" ] || { echo "check-sqlite: uninstall-sqlite left files"; exit 1; }

bench-sqlite: $(POL_SQLITE_SO) $(POLVM) $(POL_PBC)
	@$(DEBIAN_PYTHON) tests/sqlite/bench.py --build $(BUILD)

# make install puts the extension beside libpol: `.load /usr/local/lib/pol_sqlite` in the sqlite3 shell
install: install-sqlite
uninstall: uninstall-sqlite
install-sqlite: $(POL_SQLITE_SO)
	install -d $(DESTDIR)$(PREFIX)/lib
	install -m 755 $(POL_SQLITE_SO) $(DESTDIR)$(PREFIX)/lib/pol_sqlite.so
uninstall-sqlite:
	rm -f $(DESTDIR)$(PREFIX)/lib/pol_sqlite.so

-include $(wildcard $(SQLITE_DIR)/obj/*.d)
