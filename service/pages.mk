# service/pages.mk: polserve's pages and playground (the page half of service/): the embedded page files, the /try
# endpoints' handlers, their cmocka test and the browser tests (doc/service.md).
#   make check-service-try      the /try handlers without HTTP: answers, polvm's bytes, limits, the shared cache
#   make check-service-browser  headless Chromium against a real polserve: the self-check form for records of
#                               examples/applicants.jsonl and /try, each compared with polc and polvm
# polserve links $(SERVICE_PAGES_OBJ) (service.mk); the page files are embedded by service/embed_pages.sh into a
# generated C file, so an installed polserve needs no folder.
PAGES_PACKAGES    := chromium chromium-driver python3-selenium fonts-wqy-microhei
PAGES_DIR          = $(BUILD)/service
POLSERVE          ?= $(BUILD)/bin/polserve
SERVICE_PAGES_SRC := $(wildcard service/pages.c service/try*.c)
SERVICE_PAGES_FILES := $(sort $(wildcard service/pages/*.html service/pages/*.js service/pages/*.css))
SERVICE_PAGES_OBJ  = $(patsubst service/%.c,$(PAGES_DIR)/obj/%.o,$(SERVICE_PAGES_SRC)) $(PAGES_DIR)/obj/pages_data.o
TEST_TRY           = $(PAGES_DIR)/test_try
TRY_RECORDS        = $(PAGES_DIR)/try-records.jsonl

.PHONY: pages-deps check-service-try check-service-browser
check: check-service-try
# the browser tests need polserve, which service/service.mk builds
ifneq ($(wildcard service/service.mk),)
check: check-service-browser
endif

pages-deps: $(PAGES_DIR)/.pages-deps-ok
$(PAGES_DIR)/.pages-deps-ok:
	@$(call ensure_packages,$(PAGES_PACKAGES),the service's browser tests)
	@mkdir -p $(dir $@) && touch $@

$(PAGES_DIR)/obj/%.o: service/%.c | $(BUILD)/.deps-ok
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(PEDANTIC) $(INCLUDES) -Iservice -MMD -MP -c $< -o $@

$(PAGES_DIR)/pages_data.c: service/embed_pages.sh $(SERVICE_PAGES_FILES)
	@mkdir -p $(dir $@)
	sh service/embed_pages.sh $@ $(SERVICE_PAGES_FILES)

$(PAGES_DIR)/obj/pages_data.o: $(PAGES_DIR)/pages_data.c service/pages.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(PEDANTIC) -Iservice -c $< -o $@

$(TEST_TRY): tests/service/test_try.c $(SERVICE_PAGES_OBJ) $(LIBPOLC_A) $(LIBPOLJSON_A) $(LIBPOL_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(INCLUDES) -Iservice -o $@ $^ $(LIBS_TEST) $(LIBS_JSON) $(LIBS_CORE)

$(TRY_RECORDS): tests/reference/generate.py examples/applicants.jsonl
	@mkdir -p $(dir $@)
	$(PYTHON) tests/reference/generate.py --seed 12 --count 2000 -o $@.tmp && cat examples/applicants.jsonl >> $@.tmp
	mv $@.tmp $@

check-service-try: $(TEST_TRY) $(POLC) $(POLVM) $(TRY_RECORDS)
	$(TEST_TRY) $(POLC) $(POLVM) $(TRY_RECORDS)

check-service-browser: $(POLSERVE) $(POLC) $(POLVM) $(POL_PBC) $(PAGES_DIR)/.pages-deps-ok
	@$(DEBIAN_PYTHON) tests/service/browser/run.py --build $(BUILD) --polserve $(POLSERVE) \
	  --screenshots $(PAGES_DIR)/screenshots

-include $(wildcard $(PAGES_DIR)/obj/*.d)
