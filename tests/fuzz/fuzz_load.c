/* fuzz_load.c: libFuzzer target: .pbc bytes → loader (undump), verifier, binding and evaluation.
 *
 * The bytes are loaded as given, then again with the header's size and digest repaired, so that mutations
 * reach the section reader and the verifier instead of stopping at the digest. A program that loads decides
 * a fixed record twice: every top-level field set natively to a value of its type, and the 2024 example
 * record bound through the JSON layer. Nothing may crash, hang or leak; evaluation runs under small limits. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "pol.h"
#include "pol_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char record_line[] =
    "{\"id\":\"A03\",\"specialty\":\"电子信息\",\"level\":\"高级\",\"region\":\"吴中\",\"submitted_by\":\"本人\","
    "\"current_title_date\":\"2017-09-01\",\"major_matches\":false,\"ce\":[{\"year\":2018,\"hours\":24},"
    "{\"year\":2019,\"hours\":20,\"xxqg_points\":1000},{\"year\":2020,\"hours\":0,\"xxqg_points\":1000}],"
    "\"papers\":[{\"title\":\"车规级芯片电磁兼容测试\",\"date\":\"2024-04-30\",\"similarity\":30}],"
    "\"self_assessment_uploaded\":true}";

static void bind_natively(const pol_program *p, pol_context *ctx)
{
    int n = pol_field_count(p);
    for (int slot = 0; slot < n; slot++) {
        switch (pol_field_type(p, slot)) {
        case POL_T_BOOL: pol_set_bool(ctx, slot, slot & 1); break;
        case POL_T_INT: pol_set_int(ctx, slot, slot + 1); break;
        case POL_T_NUMBER: pol_set_number(ctx, slot, slot * 1.5); break;
        case POL_T_DATE: pol_set_date(ctx, slot, 2020, 2, 29); break;
        case POL_T_STRING: pol_set_string(ctx, slot, "x", 1); break;
        case POL_T_ENUM: pol_set_enum(ctx, slot, "高级", strlen("高级")); break;
        case POL_T_LIST: pol_list_append(ctx, slot, NULL); break;
        default: pol_set_null(ctx, slot); break;
        }
    }
}

static void decide(const uint8_t *bytes, size_t size)
{
    pol_config config;
    memset(&config, 0, sizeof config);
    config.limits.max_instructions = 200000;
    config.limits.max_range_length = 10000;
    char reason[256];
    pol_program *p = NULL;
    if (pol_program_load(bytes, size, &config, &p, reason, sizeof reason) != POL_OK) {
        if (p || !memchr(reason, '\0', sizeof reason) || !reason[0])
            abort(); /* a refusal leaves no program and gives a reason */
        return;
    }
    pol_context *ctx = NULL;
    pol_json_reader *reader = NULL;
    pol_json_buffer out;
    pol_json_buffer_init(&out, &config);
    if (pol_context_new(p, &ctx) == POL_OK) {
        bind_natively(p, ctx);
        if (pol_evaluate(ctx) == POL_OK) {
            pol_value v;
            for (int i = 0; i < pol_output_count(p); i++)
                pol_output(ctx, i, &v);
            pol_finding f;
            for (size_t i = 0; i < pol_finding_count(ctx); i++)
                pol_finding_get(ctx, i, &f);
        }
        if (pol_json_reader_new(p, &config, &reader) == POL_OK)
            pol_json_decide_line(reader, ctx, record_line, sizeof record_line - 1, 1, &out);
    }
    pol_json_buffer_free(&out);
    pol_json_reader_free(reader);
    pol_context_free(ctx);
    pol_program_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decide(data, size);
    if (size < 56)
        return 0;
    uint8_t *fixed = malloc(size);
    if (!fixed)
        return 0;
    memcpy(fixed, data, size);
    for (int i = 0; i < 8; i++) /* total size, u64 little-endian at 16 */
        fixed[16 + i] = (uint8_t)((uint64_t)size >> (8 * i));
    struct sha256_ctx sha;
    sha256_init(&sha);
    sha256_update(&sha, size - 56, fixed + 56);
    sha256_digest(&sha, SHA256_DIGEST_SIZE, fixed + 24);
    decide(fixed, size);
    free(fixed);
    return 0;
}
