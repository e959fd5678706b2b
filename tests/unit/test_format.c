/* test_format.c: .pbc round trips, and refusal of every truncated, altered or inconsistent file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "disasm.h"
#include "format.h"
#include "program_builder.h"
#include "verify.h"

/* ---- an allocator that checks every size handed back and counts what is still live ---------------------- */

typedef struct counting {
    size_t live_blocks, live_bytes, calls;
    size_t fail_at; /* the allocation (1-based) that fails; 0: none */
} counting;

static void *counting_alloc(void *ud, void *ptr, size_t oldsize, size_t newsize)
{
    counting *c = ud;
    max_align_t *block = ptr ? (max_align_t *)ptr - 1 : NULL;
    if (block) {
        size_t recorded;
        memcpy(&recorded, block, sizeof recorded);
        assert_int_equal(recorded, oldsize);
    }
    if (newsize == 0) {
        if (block) {
            c->live_blocks--;
            c->live_bytes -= oldsize;
            free(block);
        }
        return NULL;
    }
    c->calls++;
    if (c->fail_at && c->calls >= c->fail_at)
        return NULL;
    max_align_t *grown = realloc(block, sizeof *block + newsize);
    if (!grown)
        return NULL;
    memcpy(grown, &newsize, sizeof newsize);
    if (!block)
        c->live_blocks++;
    c->live_bytes += newsize - oldsize;
    return grown + 1;
}

/* ---- a program with every table non-empty -------------------------------------------------------------------- */

enum { LEVEL, REGION, START, CE, NOTE };

static void build_sample(pb *b)
{
    pb_init(b);
    uint32_t level = pb_enum(b, "级别", "初级 中级 高级");
    uint32_t region = pb_enum(b, "地区", "吴江 昆山");
    uint32_t ce = pb_record(b, "继续教育");
    pb_field(b, ce, "year", pb_type(POL_T_INT, 0), 1);
    uint32_t hours = pb_field(b, ce, "hours", pb_type(POL_T_NUMBER, 0), 0);
    pb_default(b, ce, hours, pb_int(0)); /* an int default for a number field */
    pb_field(b, 0, "level", pb_type(POL_T_ENUM, level), 1);
    uint32_t f_region = pb_field(b, 0, "region", pb_type(POL_T_ENUM, region), 0);
    pb_default(b, 0, f_region, pb_enumval(region, 0));
    pb_field(b, 0, "start", pb_type(POL_T_DATE, 0), 1);
    pb_field(b, 0, "ce", pb_type(POL_T_LIST, ce), 0);
    pb_field(b, 0, "note", pb_opt(pb_type(POL_T_STRING, 0)), 0);

    uint32_t dept = pb_entity_type(b, "部门");
    pb_attr(b, dept, "address", pb_opt(pb_type(POL_T_STRING, 0)));
    pb_attr(b, dept, "phone", pb_opt(pb_type(POL_T_STRING, 0)));
    uint32_t committee = pb_entity_type(b, "评委会");
    pb_attr(b, committee, "receiver", pb_opt(pb_type(POL_T_ENTITY, dept)));
    pb_attr(b, committee, "deadline", pb_opt(pb_type(POL_T_DATE, 0)));
    pb_attr(b, committee, "mode", pb_type(POL_T_ENUM, level));
    uint32_t center = pb_entity(b, dept, "吴江区职称评价中心", 8);
    pb_value(b, center, 0, pb_string(b, "吴江区开平路3688号"));
    pb_value(b, center, 1, pb_string(b, "63950287"));
    uint32_t wj = pb_entity(b, committee, "吴江评委会", 12);
    pb_value(b, wj, 0, pb_entityref(b, center));
    pb_value(b, wj, 1, pb_datetime(2024, 5, 10, 17, 0));
    pb_value(b, wj, 2, pb_enumval(level, 1));

    uint32_t c_zero = pb_const(b, pb_int(0));
    uint32_t c_thirty = pb_const(b, pb_number(30.5));
    uint32_t c_one = pb_const(b, pb_int(1));
    uint32_t c_msg = pb_const(b, pb_string(b, "继续教育学时不足的年份数："));
    uint32_t c_a = pb_const(b, pb_string(b, "a\"quoted\"\n"));
    uint32_t c_b = pb_const(b, pb_string(b, "b"));
    uint32_t c_c = pb_const(b, pb_string(b, "c"));
    uint32_t c_cutoff = pb_const(b, pb_date(2023, 12, 31));
    pb_const(b, pb_bool(1));
    pb_const(b, pb_enumval(level, 2));
    pb_const(b, pb_entityref(b, center));
    pb_const(b, pb_null());
    pb_const(b, pb_number(-0.1));

    uint32_t o_text = pb_output(b, "level_text", pb_type(POL_T_STRING, 0));
    uint32_t o_receiver = pb_output(b, "receiver", pb_opt(pb_type(POL_T_ENTITY, dept)));
    uint32_t o_deadline = pb_output(b, "deadline", pb_type(POL_T_DATE, 0));
    uint32_t o_count = pb_output(b, "violations", pb_type(POL_T_INT, 0));
    uint32_t r_route =
        pb_rule(b, POLP_RULE_ROUTE, "附件1", 20, wj, "route * 中级 where region == 吴江 -> 吴江评委会");
    uint32_t r_ce = pb_rule(b, POLP_RULE_VIOLATION, "三(一)", 30, POL_NONE,
                            "violation when count(c in ce where c.hours < 30.5) > 0 : \"...\"");
    uint32_t r_text = pb_rule(b, POLP_RULE_OUTPUT, NULL, 40, o_text, "output level_text = match level { ... }");
    uint32_t r_recv = pb_rule(b, POLP_RULE_OUTPUT, NULL, 41, o_receiver, "output receiver = routed.receiver");
    uint32_t r_dl = pb_rule(b, POLP_RULE_OUTPUT, NULL, 42, o_deadline, "output deadline = 资历截止 at 17:00");
    uint32_t r_count = pb_rule(b, POLP_RULE_OUTPUT, NULL, 43, o_count, "output violations = findings(violation)");
    uint32_t wujiang[] = {0};
    uint32_t s_wj = pb_set(b, region, 1, wujiang);
    uint32_t t_level = pb_table(b, 2);

    pb_at(b, 20, r_route);
    pb_emit(b, POL_OP_FIELD, 0, REGION);             /* 0 */
    pb_emit(b, POL_OP_INSET, 0, (int32_t)s_wj);      /* 1 */
    pb_emit(b, POL_OP_JUMPF, 0, 4);                  /* 2 */
    pb_emit(b, POL_OP_ROUTE, 0, (int32_t)r_route);   /* 3 */
    pb_at(b, 30, r_ce);
    pb_emit(b, POL_OP_CONST, 0, (int32_t)c_zero);    /* 4 */
    pb_emit(b, POL_OP_STORE, 0, 0);                  /* 5 */
    pb_emit(b, POL_OP_ITERLIST, 1, CE);              /* 6 */
    pb_emit(b, POL_OP_NEXT, 1, 17);                  /* 7 */
    pb_emit(b, POL_OP_ELEM, 1, (int32_t)hours);      /* 8 */
    pb_emit(b, POL_OP_CONST, 0, (int32_t)c_thirty);  /* 9 */
    pb_emit(b, POL_OP_LT, 0, 0);                     /* 10 */
    pb_emit(b, POL_OP_JUMPF, 0, 16);                 /* 11 */
    pb_emit(b, POL_OP_LOAD, 0, 0);                   /* 12 */
    pb_emit(b, POL_OP_CONST, 0, (int32_t)c_one);     /* 13 */
    pb_emit(b, POL_OP_ADD, 0, 0);                    /* 14 */
    pb_emit(b, POL_OP_STORE, 0, 0);                  /* 15 */
    pb_emit(b, POL_OP_LOOP, 0, 7);                   /* 16 */
    pb_emit(b, POL_OP_LOAD, 0, 0);                   /* 17 */
    pb_emit(b, POL_OP_CONST, 0, (int32_t)c_zero);    /* 18 */
    pb_emit(b, POL_OP_GT, 0, 0);                     /* 19 */
    pb_emit(b, POL_OP_JUMPF, 0, 25);                 /* 20 */
    pb_emit(b, POL_OP_CONST, 0, (int32_t)c_msg);     /* 21 */
    pb_emit(b, POL_OP_LOAD, 0, 0);                   /* 22 */
    pb_emit(b, POL_OP_FORMAT, 2, 0);                 /* 23 */
    pb_emit(b, POL_OP_FINDING, 0, (int32_t)r_ce);    /* 24 */
    pb_at(b, 40, r_text);
    pb_emit(b, POL_OP_FIELD, 0, LEVEL);              /* 25 */
    pb_emit(b, POL_OP_SWITCH, 0, (int32_t)t_level);  /* 26 */
    pb_emit(b, POL_OP_CONST, 0, (int32_t)c_a);       /* 27 */
    pb_emit(b, POL_OP_JUMP, 0, 32);                  /* 28 */
    pb_emit(b, POL_OP_CONST, 0, (int32_t)c_b);       /* 29 */
    pb_emit(b, POL_OP_JUMP, 0, 32);                  /* 30 */
    pb_emit(b, POL_OP_CONST, 0, (int32_t)c_c);       /* 31 */
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)o_text);   /* 32 */
    pb_table_entry(b, t_level, 0, 27);
    pb_table_entry(b, t_level, 1, 29);
    pb_table_default(b, t_level, 31);
    pb_at(b, 41, r_recv);
    pb_emit(b, POL_OP_ROUTED, 0, 0);                 /* 33 */
    pb_emit(b, POL_OP_ATTR, 0, 0);                   /* 34 */
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)o_receiver); /* 35 */
    pb_at(b, 42, r_dl);
    pb_emit(b, POL_OP_CONST, 0, (int32_t)c_cutoff);  /* 36 */
    pb_emit(b, POL_OP_AT, 0, 17 * 60);               /* 37 */
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)o_deadline); /* 38 */
    pb_at(b, 43, r_count);
    pb_emit(b, POL_OP_FINDCOUNT, POL_VIOLATION, 0);  /* 39 */
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)o_count);  /* 40 */
    pb_at(b, 0, POL_NONE);
    pb_emit(b, POL_OP_HALT, 0, 0);                   /* 41 */
    b->p.max_stack = 2;
    for (int i = 0; i < 32; i++)
        b->p.source_sha256[i] = (uint8_t)(i * 7 + 1);
}

typedef struct fixture {
    pb b;
    uint8_t *bytes;
    size_t n;
    counting alloc;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    build_sample(&f->b);
    assert_int_equal(polF_dump(&f->b.p, &f->bytes, &f->n), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    assert_int_equal(f->alloc.live_blocks, 0);
    assert_int_equal(f->alloc.live_bytes, 0);
    pb_free(&f->b);
    free(f->bytes);
    free(f);
    return 0;
}

/* Load bytes through the counting allocator; on failure checks the reason is one non-empty line. */
static pol_status load(fixture *f, const uint8_t *bytes, size_t n, polP_program **out, char *err, size_t errlen)
{
    pol_status s = polF_undump(bytes, n, counting_alloc, &f->alloc, out, err, errlen);
    if (s != POL_OK) {
        assert_null(*out);
        assert_true(strlen(err) > 0);
        assert_null(strchr(err, '\n'));
        assert_int_equal(f->alloc.live_blocks, 0);
    }
    return s;
}

static void redigest(uint8_t *bytes, size_t n)
{
    polF_set64(bytes + POLF_SIZE_OFFSET, n);
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, n - POLF_HEADER_SIZE, bytes + POLF_HEADER_SIZE);
    sha256_digest(&ctx, POLF_DIGEST_SIZE, bytes + POLF_DIGEST_OFFSET);
}

/* Offset of the payload of section tag in a well-formed file. */
static size_t section_payload(const uint8_t *bytes, size_t n, const char *tag)
{
    size_t pos = POLF_HEADER_SIZE;
    while (pos + 8 <= n) {
        if (memcmp(bytes + pos, tag, 4) == 0)
            return pos + 8;
        pos += 8 + polF_get32(bytes + pos + 4);
    }
    fail_msg("no section %s", tag);
    return 0;
}

/* ---- round trips ----------------------------------------------------------------------------------------------- */

static void test_round_trip_is_byte_identical(void **state)
{
    fixture *f = *state;
    polP_program *p = NULL;
    char err[256];
    assert_int_equal(load(f, f->bytes, f->n, &p, err, sizeof err), POL_OK);
    assert_true(f->alloc.live_blocks <= 3); /* a few blocks, not one per table entry */
    uint8_t *again;
    size_t n;
    assert_int_equal(polF_dump(p, &again, &n), 0);
    assert_int_equal(n, f->n);
    assert_memory_equal(again, f->bytes, n);
    free(again);

    /* the tables came back as they were built */
    const polP_program *q = &f->b.p;
    assert_int_equal(p->nstrings, q->nstrings);
    for (uint32_t i = 0; i < p->nstrings; i++) {
        assert_int_equal(p->strings[i].length, q->strings[i].length);
        assert_string_equal(p->strings[i].bytes, q->strings[i].bytes);
    }
    assert_int_equal(p->year, 2024);
    assert_memory_equal(p->source_sha256, q->source_sha256, 32);
    assert_int_equal(p->enums[1].nvalues, 2);
    assert_int_equal(p->records[1].fields[1].def.kind, POL_T_INT);
    assert_int_equal(p->entities[1].values[0].u.i, 0);
    assert_true(p->consts[1].u.d == 30.5);
    assert_true(p->consts[12].u.d == -0.1);
    assert_int_equal(p->tables[0].entries[1], 29);
    assert_int_equal(p->sets[0].bits[0], 1);
    assert_int_equal(p->ncode, q->ncode);
    assert_memory_equal(p->code, q->code, q->ncode * sizeof *q->code);
    assert_memory_equal(p->srcmap, q->srcmap, q->ncode * sizeof *q->srcmap);
    assert_int_equal(polV_verify(p, err, sizeof err), POL_OK);
    polF_free(p, counting_alloc, &f->alloc);
}

static void test_dump_ignores_padding_and_unused_fields(void **state)
{
    fixture *f = *state;
    polP_program *p = &f->b.p;
    p->records[0].fields[2].type.pad = 0xBEEF;           /* padding */
    p->records[0].fields[2].type.ref = 77;               /* a date has no ref */
    p->records[0].fields[2].pad[1] = 9;
    p->consts[11].u.i = 12345;                          /* a null has no payload */
    p->consts[3].u.i = 42;                              /* a string's payload is its ref */
    p->consts[0].has_time = 1;                          /* only dates have a time */
    p->rules[0].pad[0] = 1;
    uint8_t *bytes;
    size_t n;
    assert_int_equal(polF_dump(p, &bytes, &n), 0);
    assert_int_equal(n, f->n);
    assert_memory_equal(bytes, f->bytes, n);
    free(bytes);
}

/* An output of type null holds a value of any type (the VM's tests use one); it loads like any other. */
static void test_output_of_any_type_loads(void **state)
{
    fixture *f = *state;
    pb b;
    build_sample(&b);
    pb_output(&b, "anything", pb_opt(pb_type(POL_T_NULL, 0)));
    uint8_t *bytes;
    size_t n;
    assert_int_equal(polF_dump(&b.p, &bytes, &n), 0);
    polP_program *p;
    char err[256];
    assert_int_equal(load(f, bytes, n, &p, err, sizeof err), POL_OK);
    assert_int_equal(p->outputs[4].type.kind, POL_T_NULL);
    polF_free(p, counting_alloc, &f->alloc);
    free(bytes);
    pb_free(&b);
}

static void test_source_digest(void **state)
{
    (void)state;
    uint8_t d[32];
    static const uint8_t abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                    0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                    0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    assert_int_equal(polF_source_digest("abc", 3, d), 0);
    assert_memory_equal(d, abc, 32);
}

/* ---- damaged files ---------------------------------------------------------------------------------------------- */

static void test_every_truncation_is_refused(void **state)
{
    fixture *f = *state;
    char err[256];
    for (size_t n = 0; n < f->n; n++) {
        polP_program *p = (polP_program *)1;
        pol_status s = load(f, f->bytes, n, &p, err, sizeof err);
        assert_int_equal(s, POL_ERR_FORMAT);
        assert_true(strstr(err, "truncated") != NULL);
    }
    /* and one byte too many */
    uint8_t *longer = malloc(f->n + 1);
    memcpy(longer, f->bytes, f->n);
    longer[f->n] = 0;
    polP_program *p;
    assert_int_equal(load(f, longer, f->n + 1, &p, err, sizeof err), POL_ERR_FORMAT);
    char expected[128];
    snprintf(expected, sizeof expected, "the file has %zu bytes, more than the %zu its header says (data appended?)",
             f->n + 1, f->n);
    assert_string_equal(err, expected);
    free(longer);
}

static void test_every_byte_flip_is_refused(void **state)
{
    fixture *f = *state;
    uint8_t *copy = malloc(f->n);
    char err[256];
    static const uint8_t masks[] = {0x01, 0x80, 0xFF};
    for (size_t i = 0; i < f->n; i++) {
        for (size_t m = 0; m < sizeof masks; m++) {
            memcpy(copy, f->bytes, f->n);
            copy[i] ^= masks[m];
            polP_program *p;
            pol_status s = load(f, copy, f->n, &p, err, sizeof err);
            if (i < POLF_VERSION_OFFSET) {
                assert_int_equal(s, POL_ERR_FORMAT);
                assert_non_null(strstr(err, "not a .pbc file"));
            } else if (i < POLF_FLAGS_OFFSET)
                assert_int_equal(s, POL_ERR_VERSION);
            else if (i < POLF_DIGEST_OFFSET)
                assert_int_equal(s, POL_ERR_FORMAT);
            else {
                assert_int_equal(s, POL_ERR_DIGEST);
                assert_string_equal(err, "digest mismatch: the file was altered or corrupted");
            }
        }
    }
    free(copy);
}

static void test_magic_and_version_are_named(void **state)
{
    fixture *f = *state;
    uint8_t *copy = malloc(f->n);
    char err[256];
    polP_program *p;

    /* a text-mode transfer turned \r\n into \n */
    memcpy(copy, f->bytes, f->n);
    memmove(copy + 4, copy + 5, f->n - 5);
    assert_int_equal(load(f, copy, f->n - 1, &p, err, sizeof err), POL_ERR_FORMAT);
    assert_non_null(strstr(err, "text-mode"));

    /* a source file given instead of bytecode */
    static const char source[] = "policy \"x\" version \"1\" year 2024\n";
    assert_int_equal(load(f, (const uint8_t *)source, sizeof source - 1, &p, err, sizeof err), POL_ERR_FORMAT);
    assert_string_equal(err, "not a .pbc file (no \\x89POL signature)");

    memcpy(copy, f->bytes, f->n);
    polF_set32(copy + POLF_VERSION_OFFSET, POL_FORMAT_VERSION + 1);
    assert_int_equal(load(f, copy, f->n, &p, err, sizeof err), POL_ERR_VERSION);
    char expected[128];
    snprintf(expected, sizeof expected, "format version %d, but this runtime reads version %d",
             POL_FORMAT_VERSION + 1, POL_FORMAT_VERSION);
    assert_string_equal(err, expected);

    memcpy(copy, f->bytes, f->n);
    polF_set32(copy + POLF_FLAGS_OFFSET, 4);
    assert_int_equal(load(f, copy, f->n, &p, err, sizeof err), POL_ERR_FORMAT);
    assert_non_null(strstr(err, "unknown flags"));

    /* a short reason buffer is truncated, not overrun */
    char tiny[8];
    assert_int_equal(load(f, copy, f->n, &p, tiny, sizeof tiny), POL_ERR_FORMAT);
    assert_string_equal(tiny, "unknown");
    free(copy);
}

/* ---- valid digests over bad contents: the reader's own checks ------------------------------------------------- */

/* Dump the sample after change(), load it, and expect the reason. */
static void expect_refused(fixture *f, void (*change)(polP_program *), const char *reason)
{
    pb b;
    build_sample(&b);
    change(&b.p);
    uint8_t *bytes;
    size_t n;
    assert_int_equal(polF_dump(&b.p, &bytes, &n), 0);
    polP_program *p;
    char err[256];
    pol_status s = load(f, bytes, n, &p, err, sizeof err);
    if (s != POL_ERR_FORMAT || strcmp(err, reason) != 0)
        fail_msg("expected \"%s\", got %d: \"%s\"", reason, (int)s, err);
    free(bytes);
    pb_free(&b);
}

static void bad_enum_value(polP_program *p) { p->consts[9].u.i = 3; }
static void bad_enum_ref(polP_program *p) { p->records[0].fields[0].type.ref = 5; }
static void bad_string_index(polP_program *p) { p->enums[0].values[2] = 999; }
static void bad_meta_string(polP_program *p) { p->compiler_version = POL_NONE; }
static void bad_list_record(polP_program *p) { p->records[0].fields[CE].type.ref = 0; }
static void bad_default_kind(polP_program *p) { p->records[0].fields[REGION].def = pb_enumval(0, 1); }
static void bad_entity_const(polP_program *p) { p->consts[10].ref = 1; }
static void bad_entity_index(polP_program *p) { p->entities[1].values[0].u.i = 2; }
static void bad_entity_type(polP_program *p) { p->entities[0].type = 2; }
static void bad_attribute_type(polP_program *p) { p->entity_types[0].attrs[0].type.kind = POL_T_LIST; }
static void bad_rule_kind(polP_program *p) { p->rules[2].kind = 6; }
static void bad_route_target(polP_program *p) { p->rules[0].target = 2; }
static void bad_output_target(polP_program *p) { p->rules[2].target = 4; }
static void bad_finding_target(polP_program *p) { p->rules[1].target = 0; }
static void bad_clause(polP_program *p) { p->rules[1].clause = 1000; }
static void bad_set_enum(polP_program *p) { p->sets[0].enum_index = 2; }
static void bad_set_bits(polP_program *p) { p->sets[0].bits[0] = 4; }
static void bad_nlocals(polP_program *p) { p->nlocals = 257; }
static void bad_max_stack(polP_program *p) { p->max_stack = 43; }
static void bad_srcmap_rule(polP_program *p) { p->srcmap[5].rule = 6; }
static void bad_date(polP_program *p) { p->consts[7].u.i += 1; }
static void bad_bool(polP_program *p) { p->consts[8].u.i = 2; }
static void bad_nullable(polP_program *p) { p->outputs[1].type.nullable = 2; }
static void bad_const_kind(polP_program *p) { p->consts[0].kind = POL_T_LIST; }
static void output_of_list_type(polP_program *p) { p->outputs[0].type = pb_type(POL_T_LIST, 1); }
static void no_records(polP_program *p)
{
    for (uint32_t r = 0; r < p->nrecords; r++)
        free(p->records[r].fields); /* pb_free no longer sees them */
    p->nrecords = 0;
}

static void test_bad_indexes_under_a_valid_digest(void **state)
{
    fixture *f = *state;
    expect_refused(f, bad_enum_value, "section CNST: constant 9: value is value 3 of enum 0, which has 3 values");
    expect_refused(f, bad_enum_ref, "section RECS: record 0 field 0: field has enum 5, but there are 2 enums");
    expect_refused(f, bad_string_index, "section ENUM: enum 0 value 2: name is string 999, but there are 44 strings");
    expect_refused(f, bad_meta_string, "section META: compiler version is string 4294967295, but there are 44 strings");
    expect_refused(f, bad_list_record, "section RECS: record 0 field 3: field is a list of record 0, which is not an "
                                       "element record (records 1 and up of 2)");
    expect_refused(f, bad_default_kind, "section RECS: record 0 field 1: default is of kind enum (ref 0), which does "
                                        "not fit the declared enum (ref 1)");
    expect_refused(f, bad_entity_const, "section CNST: constant 10: value is entity 0 of type 0, but claims type 1");
    expect_refused(f, bad_entity_index,
                   "section ENTS: entity 1 attribute 0: value is entity 2, but there are 2 entities");
    expect_refused(f, bad_entity_type, "section ENTS: entity 0: type is entity type 2, but there are 2");
    expect_refused(f, bad_attribute_type, "section ETYP: entity type 0 attribute 0: attribute has type kind 8 (list), "
                                          "not allowed here");
    expect_refused(f, bad_rule_kind, "section RULE: rule 2: kind 6 is not a rule kind (0..5)");
    expect_refused(f, bad_route_target, "section RULE: rule 0: route target is entity 2, but there are 2 entities");
    expect_refused(f, bad_output_target,
                   "section RULE: rule 2: output rule target is output 4, but there are 4 outputs");
    expect_refused(f, bad_finding_target, "section RULE: rule 1: a rule of kind 0 has target 0 (must be none)");
    expect_refused(f, bad_clause, "section RULE: rule 1: clause is string 1000, but there are 44 strings");
    expect_refused(f, bad_set_enum, "section SETS: set 0: enum 2, but there are 2 enums");
    expect_refused(f, bad_set_bits, "section SETS: set 0: bits set beyond the 2 values of enum 1");
    expect_refused(f, bad_nlocals, "section CODE: 257 locals (at most 256)");
    expect_refused(f, bad_max_stack, "section CODE: max_stack 43 exceeds the 42 instructions");
    expect_refused(f, bad_srcmap_rule, "section SMAP: entry 5: rule 6, but there are 6 rules");
    expect_refused(f, bad_date, "section CNST: constant 7: value is a plain date with a time of day");
    expect_refused(f, bad_bool, "section CNST: constant 8: value is a bool of value 2");
    expect_refused(f, bad_nullable, "section OUTP: output 1: output has nullable flag 2 (must be 0 or 1)");
    expect_refused(f, bad_const_kind, "section CNST: constant 0: value has kind 8 (list), which no constant has");
    expect_refused(f, output_of_list_type, "section OUTP: output 0: output has type kind 8 (list), not allowed here");
    expect_refused(f, no_records, "section RECS: no record types (record 0 must be the applicant)");
}

/* Edit the sample's bytes (then fix size and digest) and expect the reason. */
static void expect_bytes_refused(fixture *f, uint8_t *bytes, size_t n, const char *reason)
{
    redigest(bytes, n);
    polP_program *p;
    char err[256];
    pol_status s = load(f, bytes, n, &p, err, sizeof err);
    if (s != POL_ERR_FORMAT || strcmp(err, reason) != 0)
        fail_msg("expected \"%s\", got %d: \"%s\"", reason, s, err);
}

static void test_bad_structure_under_a_valid_digest(void **state)
{
    fixture *f = *state;
    uint8_t *b = malloc(f->n + 16);
    size_t strs = section_payload(f->bytes, f->n, "STRS");
    size_t code = section_payload(f->bytes, f->n, "CODE");
    size_t smap = section_payload(f->bytes, f->n, "SMAP");
    char reason[160];

    /* string 0 is "test policy": make its bytes invalid UTF-8, then put a NUL in it */
    memcpy(b, f->bytes, f->n);
    b[strs + 8] = 0xC0;
    snprintf(reason, sizeof reason, "section STRS: string 0 is not valid UTF-8 (byte %zu of the file)", strs + 8);
    expect_bytes_refused(f, b, f->n, reason);
    memcpy(b, f->bytes, f->n);
    b[strs + 10] = 0;
    snprintf(reason, sizeof reason, "section STRS: string 0 contains a NUL byte (byte %zu of the file)", strs + 10);
    expect_bytes_refused(f, b, f->n, reason);
    /* a surrogate encoded in UTF-8 */
    memcpy(b, f->bytes, f->n);
    memcpy(b + strs + 8, "\xED\xA0\x80", 3);
    snprintf(reason, sizeof reason, "section STRS: string 0 is not valid UTF-8 (byte %zu of the file)", strs + 8);
    expect_bytes_refused(f, b, f->n, reason);

    /* a count the section cannot hold: no allocation is attempted */
    memcpy(b, f->bytes, f->n);
    polF_set32(b + strs, 0xFFFFFFFF);
    snprintf(reason, sizeof reason, "section STRS: 4294967295 strings cannot fit in the %u bytes left at byte %zu",
             polF_get32(f->bytes + strs - 4) - 4, strs + 4);
    expect_bytes_refused(f, b, f->n, reason);

    /* instruction count larger than what follows */
    memcpy(b, f->bytes, f->n);
    polF_set32(b + code + 8, 43);
    snprintf(reason, sizeof reason, "section CODE: 43 instructions cannot fit in the 336 bytes left at byte %zu",
             code + 12);
    expect_bytes_refused(f, b, f->n, reason);

    /* one instruction fewer: the source map no longer matches */
    memcpy(b, f->bytes, f->n);
    polF_set32(b + code + 8, 41);
    snprintf(reason, sizeof reason, "section CODE: 8 unexpected bytes at its end (byte %zu)", code + 12 + 41 * 8);
    expect_bytes_refused(f, b, f->n, reason);

    /* a section tag out of order */
    memcpy(b, f->bytes, f->n);
    memcpy(b + smap - 8, "SMAQ", 4);
    snprintf(reason, sizeof reason, "expected section SMAP at byte %zu, found \"SMAQ\"", smap - 8);
    expect_bytes_refused(f, b, f->n, reason);

    /* a section length past the end */
    memcpy(b, f->bytes, f->n);
    polF_set32(b + smap - 4, 1000);
    snprintf(reason, sizeof reason,
             "section SMAP: length 1000 at byte %zu runs past the end of the file (%zu bytes left)", smap - 4,
             f->n - smap);
    expect_bytes_refused(f, b, f->n, reason);

    /* bytes after the last section */
    memcpy(b, f->bytes, f->n);
    memset(b + f->n, 0, 3);
    snprintf(reason, sizeof reason, "3 unexpected bytes after the last section (byte %zu)", f->n);
    expect_bytes_refused(f, b, f->n + 3, reason);

    /* the last section missing */
    memcpy(b, f->bytes, f->n);
    snprintf(reason, sizeof reason, "section SMAP missing: the file ends at byte %zu", smap - 8);
    expect_bytes_refused(f, b, smap - 8, reason);
    free(b);
}

/* ---- allocation failure ------------------------------------------------------------------------------------------ */

/* Fail each allocation in turn: every failure is a clean POL_ERR_NOMEM with nothing left allocated. */
static void expect_nomem_everywhere(fixture *f, const uint8_t *bytes, size_t n)
{
    char err[256];
    polP_program *p;
    f->alloc = (counting){0};
    assert_int_equal(load(f, bytes, n, &p, err, sizeof err), POL_OK);
    size_t needed = f->alloc.calls;
    polF_free(p, counting_alloc, &f->alloc);
    for (size_t k = 1; k <= needed; k++) {
        f->alloc = (counting){.fail_at = k};
        assert_int_equal(load(f, bytes, n, &p, err, sizeof err), POL_ERR_NOMEM);
        assert_non_null(strstr(err, "out of memory"));
    }
    f->alloc = (counting){0};
}

static void test_out_of_memory_at_every_allocation(void **state)
{
    fixture *f = *state;
    expect_nomem_everywhere(f, f->bytes, f->n);
    /* many short strings take more memory than file bytes: the arena needs further chunks */
    pb b;
    build_sample(&b);
    for (int i = 0; i < 2000; i++) {
        char s[16];
        snprintf(s, sizeof s, "%d", i);
        pb_str(&b, s);
    }
    uint8_t *bytes;
    size_t n;
    assert_int_equal(polF_dump(&b.p, &bytes, &n), 0);
    polP_program *p;
    char err[256];
    assert_int_equal(load(f, bytes, n, &p, err, sizeof err), POL_OK);
    assert_true(f->alloc.calls >= 2 && f->alloc.calls <= 4);
    polF_free(p, counting_alloc, &f->alloc);
    expect_nomem_everywhere(f, bytes, n);
    free(bytes);
    pb_free(&b);
}

static void test_arguments(void **state)
{
    fixture *f = *state;
    char err[64];
    polP_program *p = (polP_program *)1;
    assert_int_equal(polF_undump(f->bytes, f->n, counting_alloc, &f->alloc, NULL, err, sizeof err),
                     POL_ERR_ARGUMENT);
    assert_string_equal(err, "polF_undump: missing argument");
    assert_int_equal(polF_undump(NULL, 5, counting_alloc, &f->alloc, &p, err, sizeof err), POL_ERR_ARGUMENT);
    assert_null(p);
    /* no allocator: the C library's, as pol_config says */
    assert_int_equal(polF_undump(f->bytes, f->n, NULL, NULL, &p, err, sizeof err), POL_OK);
    assert_int_equal(p->ncode, 42);
    polF_free(p, NULL, NULL);
    assert_int_equal(polF_undump(NULL, 0, counting_alloc, &f->alloc, &p, err, sizeof err), POL_ERR_FORMAT);
    assert_int_equal(polF_undump(f->bytes, f->n, counting_alloc, &f->alloc, &p, NULL, 0), POL_OK);
    polF_free(p, counting_alloc, &f->alloc);
    polF_free(NULL, counting_alloc, &f->alloc);
}

/* ---- the mutation loop ------------------------------------------------------------------------------------------- */

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Thousands of random damages; those that keep a valid digest reach the section parsers and checks. Every
 * result must be a clean refusal, or a program that verifies or is refused by the verifier, lists, and frees
 * without a leak. */
static void test_mutations(void **state)
{
    fixture *f = *state;
    uint64_t seed = 0x9E3779B97F4A7C15u;
    uint8_t *b = malloc(f->n + 64);
    FILE *devnull = fopen("/dev/null", "w");
    assert_non_null(devnull);
    static const uint32_t interesting[] = {0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x7FFFFFFF, 0x80000000,
                                           0xFFFFFFFE, 0xFFFFFFFF, 41, 42, 43};
    enum { MUTANTS = 30000 };
    int loaded = 0, verified = 0;
    for (int iter = 0; iter < MUTANTS; iter++) {
        size_t n = f->n;
        memcpy(b, f->bytes, n);
        uint64_t r = next_random(&seed);
        int kind = (int)(r % 6);
        size_t body = n - POLF_HEADER_SIZE;
        size_t at = POLF_HEADER_SIZE + (size_t)(next_random(&seed) % body);
        switch (kind) {
        case 0: /* raw flips: the digest catches them */
            b[(size_t)(next_random(&seed) % n)] ^= (uint8_t)(1 + next_random(&seed) % 255);
            break;
        case 1: /* flips under a fixed digest */
            for (int k = 1 + (int)(next_random(&seed) % 4); k > 0; k--)
                b[POLF_HEADER_SIZE + (size_t)(next_random(&seed) % body)] ^= (uint8_t)(1 + next_random(&seed) % 255);
            redigest(b, n);
            break;
        case 2: /* an interesting u32 somewhere */
            if (at + 4 <= n)
                polF_set32(b + at, interesting[next_random(&seed) % (sizeof interesting / sizeof interesting[0])]);
            redigest(b, n);
            break;
        case 3: /* truncated, size and digest fixed */
            n = at;
            redigest(b, n);
            break;
        case 4: { /* bytes inserted */
            size_t k = 1 + (size_t)(next_random(&seed) % 16);
            memmove(b + at + k, b + at, n - at);
            for (size_t j = 0; j < k; j++)
                b[at + j] = (uint8_t)next_random(&seed);
            n += k;
            redigest(b, n);
            break;
        }
        default: { /* bytes removed */
            size_t k = 1 + (size_t)(next_random(&seed) % 16);
            if (at + k > n)
                k = n - at;
            memmove(b + at, b + at + k, n - at - k);
            n -= k;
            redigest(b, n);
            break;
        }
        }
        polP_program *p;
        char err[256];
        pol_status s = load(f, b, n, &p, err, sizeof err);
        if (s == POL_OK) {
            loaded++;
            if (polV_verify(p, err, sizeof err) == POL_OK)
                verified++;
            polD_listing(p, devnull);
            polF_free(p, counting_alloc, &f->alloc);
        } else {
            assert_true(s == POL_ERR_FORMAT || s == POL_ERR_VERSION || s == POL_ERR_DIGEST);
        }
        assert_int_equal(f->alloc.live_blocks, 0);
    }
    /* the loop must reach deep: some mutants load (a changed string byte, a changed constant) */
    assert_true(loaded > 100);
    print_message("mutations: %d tried, %d loaded, %d verified\n", MUTANTS, loaded, verified);
    fclose(devnull);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip_is_byte_identical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dump_ignores_padding_and_unused_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_output_of_any_type_loads, setup, teardown),
        cmocka_unit_test(test_source_digest),
        cmocka_unit_test_setup_teardown(test_every_truncation_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_byte_flip_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_magic_and_version_are_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_indexes_under_a_valid_digest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_structure_under_a_valid_digest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory_at_every_allocation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mutations, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
