# bindings/python/python.mk: the Python package's part of the top Makefile: its test from an install, its bench
# figure (doc/python.md). The package is pure Python (ctypes over libpol.so.0 and libpol_json.so.0): nothing to build.
#   make check-python   `make install` staged in $(BUILD)/python/stage, a venv with the package pip-installed from
#                       the repository (no network), its pytest tests (bindings/python/tests) against polvm's
#                       decisions, with the staged libraries
#   make bench-python   decisions/s through program.decide and program.decide_lines on the bench's 200,000 records
# Under SAN (make check-asan) the interpreter cannot load libraries built with sanitizers (the ASan runtime would
# have to be the first library of the process), so check-python says so and skips.
PYTHON_PACKAGES := python3-pytest python3-venv python3-setuptools python3-wheel python3-pip
PY_DIR        = $(BUILD)/python
PY_STAGE      = $(abspath $(PY_DIR))/stage
PY_VENV       = $(abspath $(PY_DIR))/venv
PY_TEST_COUNT ?= 4000
PY_TEST_SECONDS ?= 240

.PHONY: python-deps check-python bench-python
check: check-python
bench: bench-python

python-deps: $(PY_DIR)/.deps-ok
$(PY_DIR)/.deps-ok:
	@$(call ensure_packages,$(PYTHON_PACKAGES),the Python package)
	@mkdir -p $(dir $@) && touch $@

ifneq ($(SAN),)
check-python:
	@echo "check-python: skipped under SAN: the Python interpreter cannot load sanitized libraries (ASan must be first in the process)"
else
# pip builds in the source folder (build/, pol.egg-info/), so it installs from a copy of bindings/python: the tree
# stays clean; the copy holds exactly what the repository's folder holds, tests aside
check-python: all $(POL_PBC) python-deps
	@rm -rf $(PY_STAGE) $(PY_VENV) $(PY_DIR)/src $(PY_DIR)/work && mkdir -p $(PY_DIR)/src $(PY_DIR)/work
	@$(MAKE) --no-print-directory PREFIX=$(PREFIX) DESTDIR=$(PY_STAGE) install >$(PY_DIR)/install.log 2>&1 || \
	  { cat $(PY_DIR)/install.log; echo "check-python: make install failed"; exit 1; }
	@tar -C bindings/python --exclude=__pycache__ --exclude=tests --exclude=build --exclude='*.egg-info' -cf - . | \
	  tar -C $(PY_DIR)/src -xf -
	@$(DEBIAN_PYTHON) -m venv --system-site-packages $(PY_VENV)
	@$(PY_VENV)/bin/python -m pip install -q --no-index --no-build-isolation $(PY_DIR)/src >$(PY_DIR)/pip.log 2>&1 || \
	  { cat $(PY_DIR)/pip.log; echo "check-python: pip install failed"; exit 1; }
	@cd $(PY_DIR)/work && POL_LIBRARY_PATH=$(PY_STAGE)$(PREFIX)/lib POL_TEST_PACKAGE=$(PY_VENV) \
	  POL_TEST_PBC=$(abspath $(POL_PBC)) POL_TEST_POLVM=$(abspath $(POLVM)) POL_TEST_ROOT=$(CURDIR) \
	  POL_TEST_COUNT=$(PY_TEST_COUNT) PYTHONDONTWRITEBYTECODE=1 timeout $(PY_TEST_SECONDS) \
	  $(PY_VENV)/bin/python -m pytest -q -p no:cacheprovider $(CURDIR)/bindings/python/tests || \
	  { echo "check-python: FAIL (pytest exit $$?)"; exit 1; }
	@rm -rf $(PY_STAGE) $(PY_VENV) $(PY_DIR)/src $(PY_DIR)/work
	@echo "check-python: ok: pip-installed into a venv, tested against polvm over the staged make install"
endif

bench-python: $(LIBPOL_SO) $(LIBPOLJSON_SO) $(POLVM) $(POL_PBC)
	@$(DEBIAN_PYTHON) bindings/python/bench.py --build $(BUILD)
