# bindings/postgres/postgres.mk: the PostgreSQL extension's part of the top Makefile: build through PGXS,
# install, check, bench (doc/database.md).
#   make install-postgres [DESTDIR=D]   pol.so into `pg_config --pkglibdir`, pol.control and pol--0.1.sql into
#                                       `pg_config --sharedir`/extension (as root; or staged under D). `make
#                                       install` runs it; PREFIX does not apply: the server looks only there.
#   make check-postgres                 tests/postgres/run.py: a throwaway cluster, pol_decide against polvm
#   make bench-postgres                 rows/s of pol_decide on the bench's 200,000 records, 0, 1, 2 workers
# Under SAN (make check-asan) the server cannot load a sanitized library (the ASan runtime would have to come
# first in the process), so pol.so links a libpol built without SAN, in $(BUILD)/postgres/plain.
PG_CONFIG ?= pg_config
PG_MAJOR  := $(or $(shell $(PG_CONFIG) --version 2>/dev/null | sed -n 's/^PostgreSQL \([0-9][0-9]*\).*/\1/p'),15)
POSTGRES_PACKAGES := postgresql postgresql-server-dev-$(PG_MAJOR)
PG_DIR     = $(BUILD)/postgres
PG_SO      = $(PG_DIR)/pol.so
PG_LIBS_AT = $(if $(SAN),$(PG_DIR)/plain,$(BUILD))
PG_POL_A   = $(PG_LIBS_AT)/lib/libpol_json.a $(PG_LIBS_AT)/lib/libpol.a
PGXS_MAKE  = $(MAKE) --no-print-directory -C $(PG_DIR) -f $(CURDIR)/bindings/postgres/Makefile \
             PG_CONFIG=$(PG_CONFIG) POL_INCLUDE="-I$(CURDIR)/runtime/include -I$(CURDIR)/runtime/json" \
             POL_LIBS="$(abspath $(PG_POL_A)) $(LIBS_JSON) $(LIBS_CORE)"

.PHONY: postgres-deps install-postgres uninstall-postgres check-postgres bench-postgres
all: $(PG_SO)
install: install-postgres
uninstall: uninstall-postgres
check: check-postgres
bench: bench-postgres

postgres-deps: $(BUILD)/.deps-postgres-ok
$(BUILD)/.deps-postgres-ok:
	@$(call ensure_packages,$(POSTGRES_PACKAGES),the PostgreSQL extension)
	@mkdir -p $(BUILD) && touch $@

ifneq ($(SAN),)
$(PG_DIR)/plain/lib/%.a: FORCE_PG_PLAIN
	@$(MAKE) --no-print-directory BUILD=$(PG_DIR)/plain SAN= $@
.PHONY: FORCE_PG_PLAIN
FORCE_PG_PLAIN:
endif

# PGXS tracks neither our header nor the static libraries: rebuild its two objects whenever anything changed
$(PG_SO): $(wildcard bindings/postgres/*.c bindings/postgres/*.h) bindings/postgres/Makefile \
          bindings/postgres/exports.map $(PG_POL_A) | $(BUILD)/.deps-postgres-ok
	@mkdir -p $(PG_DIR)
	rm -f $(PG_DIR)/*.o $@
	$(PGXS_MAKE)

install-postgres: $(PG_SO)
	$(PGXS_MAKE) install

uninstall-postgres:
	$(PGXS_MAKE) uninstall

check-postgres: $(PG_SO) $(POLVM) $(POL_PBC)
	@$(PYTHON) tests/postgres/run.py --make "$(MAKE)" --build $(BUILD) --polvm $(POLVM) --pbc $(POL_PBC) \
	  --pg-config $(PG_CONFIG) $(if $(SAN),--mutants 60)

bench-postgres: $(PG_SO) $(POLVM) $(POL_PBC)
	@$(PYTHON) tests/postgres/bench.py --make "$(MAKE)" --build $(BUILD) --pbc $(POL_PBC) --pg-config $(PG_CONFIG)
