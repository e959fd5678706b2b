/* fuzz_record.c: libFuzzer target: one JSON record line → pol_json binding and evaluation with the 2024 policy.
 *
 * The program is the compiled policies/suzhou-2024.pol, read once from $POL_FUZZ_PBC (the Makefile sets it).
 * Every line must give exactly one output line, a decision or an error object; nothing may crash or leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pol.h"
#include "pol_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pol_program *program;
static pol_context *ctx;
static pol_json_reader *reader;

static void teardown(void)
{
    pol_json_reader_free(reader);
    pol_context_free(ctx);
    pol_program_free(program);
}

static void setup(void)
{
    const char *path = getenv("POL_FUZZ_PBC");
    char reason[256];
    pol_config config;
    memset(&config, 0, sizeof config);
    config.limits.max_list_length = 64; /* small limits, so that the fuzzer reaches them */
    config.limits.max_string_length = 256;
    if (!path || pol_program_load_file(path, &config, &program, reason, sizeof reason) != POL_OK ||
        pol_context_new(program, &ctx) != POL_OK || pol_json_reader_new(program, &config, &reader) != POL_OK) {
        fprintf(stderr, "fuzz_record: set POL_FUZZ_PBC to the compiled 2024 policy (%s)\n",
                path ? reason : "unset");
        exit(2);
    }
    atexit(teardown); /* so that valgrind and LeakSanitizer see a clean exit */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!program)
        setup(); /* kept for the whole run */
    pol_json_buffer out;
    pol_json_buffer_init(&out, NULL);
    /* the first line of a stream: a BOM is dropped there; the same bytes as a later line keep it */
    pol_json_decide_line(reader, ctx, (const char *)data, size, 1, &out);
    pol_json_decide_line(reader, ctx, (const char *)data, size, 2, &out);
    size_t lines = 0;
    for (size_t i = 0; i < out.length; i++)
        lines += out.data[i] == '\n';
    if (!out.failed && (lines != 2 || out.data[out.length - 1] != '\n'))
        abort(); /* one output line per input line */
    pol_json_buffer_free(&out);
    return 0;
}
