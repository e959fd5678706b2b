# service/service.mk: polserve, the decision service (doc/service.md): the HTTP side on libmicrohttpd, the
# decide endpoints, reload, decision log and metrics (the pages and /try are service/pages.mk's), its tests and
# its bench figures.
#   make check-service        cmocka tests of the request handling (tests/service/test_service.c), then a real
#                             polserve on 127.0.0.1 against polvm on thousands of generated records, every code,
#                             reload, log and metrics (tests/service/run.py), and the fault test (faults.py)
#   make bench-service        requests/s and p50/p99 latency with wrk at 1, 16 and 256 connections
SERVICE_PACKAGES := libmicrohttpd-dev wrk
SERVICE_DIR       = $(BUILD)/service
SERVICE_CORE_SRC := $(filter-out service/polserve.c $(SERVICE_PAGES_SRC),$(wildcard service/*.c))
SERVICE_CORE_OBJ  = $(patsubst service/%.c,$(SERVICE_DIR)/obj/%.o,$(SERVICE_CORE_SRC))
POLSERVE          = $(BUILD)/bin/polserve
TEST_SERVICE      = $(SERVICE_DIR)/test_service
SERVICE_CHECK_COUNT ?= 3000
LIBS_SERVICE     := -lmicrohttpd -lpthread

.PHONY: service-deps check-service bench-service
all: $(POLSERVE)
check: check-service
bench: bench-service

service-deps: $(SERVICE_DIR)/.service-deps-ok
$(SERVICE_DIR)/.service-deps-ok:
	@$(call ensure_packages,$(SERVICE_PACKAGES),the service)
	@mkdir -p $(dir $@) && touch $@

$(SERVICE_CORE_OBJ) $(SERVICE_DIR)/obj/polserve.o: | $(SERVICE_DIR)/.service-deps-ok

$(POLSERVE): $(SERVICE_DIR)/obj/polserve.o $(SERVICE_CORE_OBJ) $(SERVICE_PAGES_OBJ) $(LIBPOLC_A) $(LIBPOLJSON_A) \
             $(LIBPOL_A)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(LIBS_SERVICE) $(LIBS_JSON) $(LIBS_CORE)

$(TEST_SERVICE): tests/service/test_service.c $(SERVICE_CORE_OBJ) $(SERVICE_PAGES_OBJ) $(LIBPOLC_A) \
                 $(LIBPOLJSON_A) $(LIBPOL_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(INCLUDES) -Iservice -o $@ $^ $(LIBS_TEST) $(LIBS_SERVICE) $(LIBS_JSON) $(LIBS_CORE)

check-service: $(TEST_SERVICE) $(POLSERVE) $(POLVM) $(POLC) $(POL_PBC)
	$(TEST_SERVICE) $(POL_PBC)
	$(PYTHON) tests/service/run.py --build $(BUILD) --count $(SERVICE_CHECK_COUNT)
	$(PYTHON) tests/service/faults.py --build $(BUILD)

bench-service: $(POLSERVE) $(POL_PBC) | $(SERVICE_DIR)/.service-deps-ok
	@$(PYTHON) tests/service/bench.py --build $(BUILD)
