/* test_json.c: the JSON Lines layer (pol_json.h): binding records, error objects, decisions, and no
 * allocation per record once warm. The program is built by hand (program_builder.h, vm_builder.h) and adopted
 * by the real VM; the layer itself sees only pol.h. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <yajl/yajl_gen.h>

#include "pol_json.h"
#include "vm_builder.h"

/* ---- a counting allocator: every block of the JSON layer and the VM goes through it ---- */

typedef struct counter {
    size_t calls;       /* allocations and reallocations */
    long long bytes;    /* outstanding, from the sizes the callers state: 0 at the end if they state them right */
    size_t fail_at;     /* refuse the call with this number (1-based); 0: never */
} counter;

static void *counting_alloc(void *ud, void *ptr, size_t oldsize, size_t newsize) {
    counter *c = ud;
    if (newsize == 0) {
        if (ptr != NULL) c->bytes -= (long long)oldsize;
        free(ptr);
        return NULL;
    }
    c->calls++;
    if (c->fail_at != 0 && c->calls == c->fail_at) return NULL;
    void *p = realloc(ptr, newsize);
    if (p != NULL) c->bytes += (long long)newsize - (long long)(ptr != NULL ? oldsize : 0);
    return p;
}

/* ---- the program: an applicant with a field of every type and a list ----
 *   id: string (required)   level: 级别 (required)   region: 地区 = 吴江   count: int = 1
 *   exceptional: bool = false   since: date?   score: number = 0   ce: list 继续教育 {year: int (required),
 *   hours: number = 0}   title: string?
 * outputs: the fields in that order (ce as hours = sum of hours, years = sum of years), then
 * deadline = 2024-04-30T17:00, then title; findings: 三(一) violation when exceptional, a warning without a
 * clause always. */
enum { F_ID, F_LEVEL, F_REGION, F_COUNT, F_EXCEPTIONAL, F_SINCE, F_SCORE, F_CE, F_TITLE };
enum { O_ID, O_LEVEL, O_REGION, O_COUNT, O_EXCEPTIONAL, O_SINCE, O_SCORE, O_HOURS, O_YEARS, O_DEADLINE, O_TITLE };

static pol_program *build_program(const pol_config *config) {
    vb *b = vb_new("json-test");
    uint32_t level = pb_enum(b, "级别", "初级 中级 高级");
    uint32_t region = pb_enum(b, "地区", "吴江 昆山 工业园区");
    uint32_t ce = pb_record(b, "继续教育");
    vb_field(b, ce, "year", POL_T_INT, 0, VB_REQUIRED, pb_null());
    vb_field(b, ce, "hours", POL_T_NUMBER, 0, 0, pb_number(0));
    vb_field(b, 0, "id", POL_T_STRING, 0, VB_REQUIRED, pb_null());
    vb_field(b, 0, "level", POL_T_ENUM, level, VB_REQUIRED, pb_null());
    vb_field(b, 0, "region", POL_T_ENUM, region, 0, vk_enum(b, region, "吴江"));
    vb_field(b, 0, "count", POL_T_INT, 0, 0, pb_int(1));
    vb_field(b, 0, "exceptional", POL_T_BOOL, 0, 0, pb_bool(0));
    vb_field(b, 0, "since", POL_T_DATE, 0, VB_NULLABLE, pb_null());
    vb_field(b, 0, "score", POL_T_NUMBER, 0, 0, pb_number(0));
    vb_field(b, 0, "ce", POL_T_LIST, ce, 0, pb_null());
    vb_field(b, 0, "title", POL_T_STRING, 0, VB_NULLABLE, pb_null());

    pb_output(b, "id", pb_type(POL_T_STRING, 0));
    pb_output(b, "level", pb_type(POL_T_ENUM, level));
    pb_output(b, "region", pb_type(POL_T_ENUM, region));
    pb_output(b, "count", pb_type(POL_T_INT, 0));
    pb_output(b, "exceptional", pb_type(POL_T_BOOL, 0));
    pb_output(b, "since", pb_opt(pb_type(POL_T_DATE, 0)));
    pb_output(b, "score", pb_type(POL_T_NUMBER, 0));
    pb_output(b, "hours", pb_type(POL_T_NUMBER, 0));
    pb_output(b, "years", pb_type(POL_T_INT, 0));
    pb_output(b, "deadline", pb_type(POL_T_DATE, 0));
    pb_output(b, "title", pb_opt(pb_type(POL_T_STRING, 0)));
    uint32_t violation = pb_rule(b, POLP_RULE_VIOLATION, "三(一)", 10, POL_NONE, "violation when exceptional");
    uint32_t warning = pb_rule(b, POLP_RULE_WARNING, NULL, 11, POL_NONE, "warning when true");

    static const int copied[][2] = {{F_ID, O_ID},       {F_LEVEL, O_LEVEL},
                                    {F_REGION, O_REGION}, {F_COUNT, O_COUNT},
                                    {F_EXCEPTIONAL, O_EXCEPTIONAL}, {F_SINCE, O_SINCE},
                                    {F_SCORE, O_SCORE}};
    for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++) {
        pb_emit(b, POL_OP_FIELD, 0, copied[i][0]);
        pb_emit(b, POL_OP_OUTSET, 0, copied[i][1]);
    }
    /* local 0 = sum of hours, local 1 = sum of years, loop 2 over ce */
    vb_push(b, pb_number(0));
    pb_emit(b, POL_OP_STORE, 0, 0);
    vb_push(b, pb_int(0));
    pb_emit(b, POL_OP_STORE, 1, 0);
    pb_emit(b, POL_OP_ITERLIST, 2, F_CE);
    uint32_t next = pb_emit(b, POL_OP_NEXT, 2, 0);
    pb_emit(b, POL_OP_LOAD, 0, 0);
    pb_emit(b, POL_OP_ELEM, 2, 1);
    pb_emit(b, POL_OP_ADD, 0, 0);
    pb_emit(b, POL_OP_STORE, 0, 0);
    pb_emit(b, POL_OP_LOAD, 1, 0);
    pb_emit(b, POL_OP_ELEM, 2, 0);
    pb_emit(b, POL_OP_ADD, 0, 0);
    pb_emit(b, POL_OP_STORE, 1, 0);
    pb_emit(b, POL_OP_LOOP, 0, (int32_t)next);
    pb_patch(b, next, (int32_t)vb_here(b));
    pb_emit(b, POL_OP_LOAD, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, O_HOURS);
    pb_emit(b, POL_OP_LOAD, 1, 0);
    pb_emit(b, POL_OP_OUTSET, 0, O_YEARS);
    vb_push(b, pb_datetime(2024, 4, 30, 17, 0));
    pb_emit(b, POL_OP_OUTSET, 0, O_DEADLINE);
    pb_emit(b, POL_OP_FIELD, 0, F_TITLE);
    pb_emit(b, POL_OP_OUTSET, 0, O_TITLE);
    pb_emit(b, POL_OP_FIELD, 0, F_EXCEPTIONAL);
    uint32_t skip = pb_emit(b, POL_OP_JUMPF, 0, 0);
    vb_push(b, pb_string(b, "破格\"申报\"\n"));
    pb_emit(b, POL_OP_FINDING, 0, (int32_t)violation);
    pb_patch(b, skip, (int32_t)vb_here(b));
    vb_push(b, pb_string(b, "提醒"));
    pb_emit(b, POL_OP_FINDING, 0, (int32_t)warning);
    pb_emit(b, POL_OP_HALT, 0, 0);
    return vt_adopt(b, config);
}

/* ---- fixture ---- */

typedef struct fixture {
    counter count;       /* the JSON layer's allocations, yajl's included */
    counter vm_count;    /* the VM's: program and context */
    pol_config config;
    pol_config vm_config;
    pol_program *program;
    pol_context *ctx;
    pol_json_reader *reader;
    pol_json_buffer out;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->config.alloc = counting_alloc;
    f->config.alloc_ud = &f->count;
    f->vm_config.alloc = counting_alloc;
    f->vm_config.alloc_ud = &f->vm_count;
    f->program = build_program(&f->vm_config);
    assert_int_equal(pol_context_new(f->program, &f->ctx), POL_OK);
    assert_int_equal(pol_json_reader_new(f->program, &f->config, &f->reader), POL_OK);
    pol_json_buffer_init(&f->out, &f->config);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pol_json_buffer_free(&f->out);
    pol_json_reader_free(f->reader);
    pol_context_free(f->ctx);
    pol_program_free(f->program);
    assert_int_equal(f->count.bytes, 0); /* every free stated the size it was given */
    assert_int_equal(f->vm_count.bytes, 0);
    free(f);
    return 0;
}

/* Decide one line (line number n) and return the output line, without its '\n'. */
static const char *decide_n(fixture *f, const char *line, size_t len, size_t n, pol_status *status) {
    f->out.length = 0;
    pol_status st = pol_json_decide_line(f->reader, f->ctx, line, len, n, &f->out);
    if (status != NULL) *status = st;
    assert_false(f->out.failed);
    assert_true(f->out.length > 0);
    assert_int_equal(f->out.data[f->out.length - 1], '\n');
    assert_null(memchr(f->out.data, '\n', f->out.length - 1)); /* exactly one line */
    f->out.data[f->out.length - 1] = '\0';
    return f->out.data;
}

static const char *decide(fixture *f, const char *line) { return decide_n(f, line, strlen(line), 1, NULL); }

/* The error message of a line that must not bind. */
static const char *error_of(fixture *f, const char *line) {
    pol_status st = pol_json_bind(f->reader, f->ctx, line, strlen(line));
    assert_int_not_equal(st, POL_OK);
    return pol_json_error(f->reader);
}

#define REQUIRED_ONLY "\"id\":\"r\",\"level\":\"初级\""
#define DEFAULT_DECISION                                                                                      \
    "{\"id\":\"r\",\"level\":\"初级\",\"region\":\"吴江\",\"count\":1,\"exceptional\":false,\"since\":null,"         \
    "\"score\":0.0,\"hours\":0.0,\"years\":0,\"deadline\":\"2024-04-30T17:00\",\"title\":null,"                   \
    "\"findings\":[{\"clause\":null,\"kind\":\"warning\",\"message\":\"提醒\"}]}"

/* ---- binding and writing ---- */

static void test_every_type_and_exact_decision(void **state) {
    fixture *f = *state;
    pol_status st;
    const char *line = "{\"id\":\"A1\",\"level\":\"中级\",\"region\":\"昆山\",\"count\":-3,\"exceptional\":true,"
                       "\"since\":\"2020-02-29\",\"score\":2.5,\"ce\":[{\"year\":2019,\"hours\":10.5},"
                       "{\"year\":2020,\"hours\":4}],\"title\":\"标题 \\\"q\\\" \\u00e9\\ud83d\\ude00\"}";
    const char *out = decide_n(f, line, strlen(line), 1, &st);
    assert_int_equal(st, POL_OK);
    assert_string_equal(out, "{\"id\":\"A1\",\"level\":\"中级\",\"region\":\"昆山\",\"count\":-3,\"exceptional\":true,"
                             "\"since\":\"2020-02-29\",\"score\":2.5,\"hours\":14.5,\"years\":4039,"
                             "\"deadline\":\"2024-04-30T17:00\",\"title\":\"标题 \\\"q\\\" é😀\","
                             "\"findings\":[{\"clause\":\"三(一)\",\"kind\":\"violation\","
                             "\"message\":\"破格\\\"申报\\\"\\n\"},"
                             "{\"clause\":null,\"kind\":\"warning\",\"message\":\"提醒\"}]}");
}

static void test_numbers_written_shortest(void **state) {
    fixture *f = *state;
    assert_non_null(strstr(decide(f, "{" REQUIRED_ONLY ",\"score\":0.1}"), "\"score\":0.1,"));
    assert_non_null(strstr(decide(f, "{" REQUIRED_ONLY ",\"score\":1e21}"), "\"score\":1e+21,"));
    assert_non_null(strstr(decide(f, "{" REQUIRED_ONLY ",\"score\":-7}"), "\"score\":-7.0,"));
    assert_non_null(strstr(decide(f, "{" REQUIRED_ONLY ",\"score\":30.1}"), "\"score\":30.1,"));
    assert_non_null(strstr(decide(f, "{" REQUIRED_ONLY ",\"count\":9223372036854775807}"),
                           "\"count\":9223372036854775807,"));
    assert_non_null(strstr(decide(f, "{" REQUIRED_ONLY ",\"count\":-9223372036854775808}"),
                           "\"count\":-9223372036854775808,"));
}

/* Numbers and dates are formatted without snprintf where that is exact: the same text as before, edge cases
 * included; a decimal of up to 15 digits reads back to the same text (read exactly, written shortest). */
static void test_numbers_and_dates_written_exactly(void **state) {
    fixture *f = *state;
    static const char *const numbers[][2] = {
        {"-0.0", "-0.0"}, {"-0", "0.0"}, {"0", "0.0"}, {"999999999999999", "999999999999999.0"},
        {"1000000000000000", "1e+15"}, {"-123456789012345", "-123456789012345.0"}, {"1.50", "1.5"},
        {"0.30000000000000004", "0.30000000000000004"}, {"123456.789012345", "123456.789012345"},
        {"-0.000001", "-1e-06"}, {"1e2", "100.0"}, {"12.5e-1", "1.25"}, {"9007199254740993", "9007199254740992.0"},
    };
    char line[128], want[64];
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        snprintf(line, sizeof line, "{" REQUIRED_ONLY ",\"score\":%s}", numbers[i][0]);
        snprintf(want, sizeof want, "\"score\":%s,", numbers[i][1]);
        const char *out = decide(f, line);
        if (strstr(out, want) == NULL) fail_msg("%s: want %s in %s", numbers[i][0], want, out);
    }
    /* random decimals of up to 15 digits, without trailing zeros: written back as given */
    uint64_t seed = 12345;
    for (int i = 0; i < 2000; i++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        int digits = 1 + (int)(seed >> 60) % 15, fraction = (int)(seed >> 56) % (digits + 1);
        uint64_t m = (seed >> 8) % 1000000000000000u, limit = 1;
        for (int d = 0; d < digits; d++) limit *= 10;
        m %= limit;
        if (fraction > 0 && m % 10 == 0) m++; /* no trailing zero after the point */
        char text[40];
        int n = snprintf(text, sizeof text, "%s%0*llu", (seed & 1) ? "-" : "", fraction + 1, (unsigned long long)m);
        if (fraction > 0) { /* put the point fraction digits from the end */
            memmove(text + n - fraction + 1, text + n - fraction, (size_t)fraction + 1);
            text[n - fraction] = '.';
        } else {
            memcpy(text + n, ".0", 3);
        }
        if (strcmp(text, "-0.0") == 0 || strcmp(text, "0.0") == 0) continue;
        snprintf(line, sizeof line, "{" REQUIRED_ONLY ",\"score\":%s}", text);
        snprintf(want, sizeof want, "\"score\":%s,", text);
        const char *out = decide(f, line);
        if (strstr(out, want) == NULL) fail_msg("%s: want %s in %s", text, want, out);
    }
    assert_non_null(strstr(decide(f, "{" REQUIRED_ONLY ",\"since\":\"0999-01-09\"}"), "\"since\":\"0999-01-09\","));
    assert_non_null(strstr(decide(f, "{" REQUIRED_ONLY ",\"since\":\"9999-12-31\"}"), "\"since\":\"9999-12-31\","));
}

static void test_unknown_fields_ignored_at_every_depth(void **state) {
    fixture *f = *state;
    const char *line = "{\"x\":{\"id\":\"nested\",\"level\":5,\"a\":[{\"level\":1}]},\"id\":\"r\",\"y\":[1,[2,{}],"
                       "{\"id\":\"no\"}],\"big\":99999999999999999999,\"huge\":1e999,\"level\":\"初级\","
                       "\"ce\":[{\"year\":2000,\"z\":{\"year\":\"x\"},\"w\":[[{}]],\"hours\":1},"
                       "{\"year\":1,\"q\":null}],\"x\":\"dup of an unknown key is fine\"}";
    const char *out = decide(f, line);
    assert_non_null(strstr(out, "{\"id\":\"r\",\"level\":\"初级\","));
    assert_non_null(strstr(out, "\"hours\":1.0,\"years\":2001,"));
}

/* Line length and nesting depth are limited (pol_limits), each with a clean error naming the limit */
static void test_line_and_nesting_limits(void **state) {
    fixture *f = *state;
    pol_config small = f->config;
    small.limits.max_line_bytes = 64;
    small.limits.max_nesting = 4;
    pol_json_reader *limited;
    assert_int_equal(pol_json_reader_new(f->program, &small, &limited), POL_OK);
    const char *ok = "{" REQUIRED_ONLY ",\"x\":[[1]]}";
    assert_int_equal(pol_json_bind(limited, f->ctx, ok, strlen(ok)), POL_OK);
    const char *deep = "{" REQUIRED_ONLY ",\"x\":[[[[1]]]]}";
    assert_int_equal(pol_json_bind(limited, f->ctx, deep, strlen(deep)), POL_ERR_LIMIT);
    assert_string_equal(pol_json_error(limited), "the record nests arrays and objects deeper than 4 levels");
    const char *lng = "{" REQUIRED_ONLY ",\"x\":\"0123456789012345678901234567890123456789\"}";
    assert_int_equal(pol_json_bind(limited, f->ctx, lng, strlen(lng)), POL_ERR_LIMIT);
    assert_string_equal(pol_json_error(limited), "the record is longer than 64 bytes");
    /* the default reader takes both */
    assert_int_equal(pol_json_bind(f->reader, f->ctx, deep, strlen(deep)), POL_OK);
    assert_int_equal(pol_json_bind(f->reader, f->ctx, lng, strlen(lng)), POL_OK);
    pol_json_reader_free(limited);
}

static void test_null_means_absent(void **state) {
    fixture *f = *state;
    const char *line = "{" REQUIRED_ONLY ",\"region\":null,\"count\":null,\"exceptional\":null,\"since\":null,"
                       "\"score\":null,\"ce\":null,\"title\":null}";
    assert_string_equal(decide(f, line), DEFAULT_DECISION);
    assert_non_null(strstr(decide(f, "{" REQUIRED_ONLY ",\"ce\":[{\"year\":5,\"hours\":null}]}"),
                           "\"hours\":0.0,\"years\":5,"));
    /* a required field given as null is missing (the library's message) */
    assert_string_equal(decide_n(f, "{\"id\":\"n\",\"level\":null}", 23, 3, NULL),
                        "{\"line\":3,\"id\":\"n\",\"error\":\"level: missing\"}");
}

static void test_type_mismatch_messages(void **state) {
    fixture *f = *state;
    static const char *const cases[][2] = {
        {"{\"id\":\"x\",\"level\":5}", "level: expected a string"},
        {"{\"id\":\"x\",\"level\":{\"a\":1}}", "level: expected a string"},
        {"{\"id\":\"x\",\"level\":[\"初级\"]}", "level: expected a string"},
        {"{\"id\":\"x\",\"count\":\"3\"}", "count: expected an integer"},
        {"{\"id\":\"x\",\"count\":1.5}", "count: expected an integer"},
        {"{\"id\":\"x\",\"count\":1e2}", "count: expected an integer"},
        {"{\"id\":\"x\",\"count\":9223372036854775808}", "count: expected an integer"},
        {"{\"id\":\"x\",\"exceptional\":\"true\"}", "exceptional: expected a bool"},
        {"{\"id\":\"x\",\"exceptional\":1}", "exceptional: expected a bool"},
        {"{\"id\":\"x\",\"score\":\"1\"}", "score: expected a number"},
        {"{\"id\":\"x\",\"score\":1e999}", "score: expected a number"},
        {"{\"id\":\"x\",\"since\":20200101}", "since: expected a date"},
        {"{\"id\":\"x\",\"title\":true}", "title: expected a string"},
        {"{\"id\":7}", "id: expected a string"},
        {"{\"id\":\"x\",\"ce\":{}}", "ce: expected a list"},
        {"{\"id\":\"x\",\"ce\":\"2019\"}", "ce: expected a list"},
        {"{\"id\":\"x\",\"ce\":[{\"year\":\"2019\"}]}", "ce[0].year: expected an integer"},
        {"{\"id\":\"x\",\"ce\":[{\"year\":2019},{\"year\":2020,\"hours\":true}]}", "ce[1].hours: expected a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *message = error_of(f, cases[i][0]);
        if (strcmp(message, cases[i][1]) != 0) fail_msg("%s: got \"%s\", want \"%s\"", cases[i][0], message, cases[i][1]);
    }
    /* the whole error line */
    assert_string_equal(decide_n(f, "{\"id\":\"x\",\"count\":\"3\"}", 22, 7, NULL),
                        "{\"line\":7,\"id\":\"x\",\"error\":\"count: expected an integer\"}");
    assert_string_equal(decide_n(f, "{\"id\":7}", 8, 2, NULL),
                        "{\"line\":2,\"id\":null,\"error\":\"id: expected a string\"}");
}

static void test_library_messages_pass_through(void **state) {
    fixture *f = *state;
    const char *m = error_of(f, "{\"id\":\"x\",\"level\":\"特级\"}");
    assert_true(strncmp(m, "level: '特级' is not one of ['初级', '中级', '高级']", strlen("level: '特级' is not one of ['初级', '中级', '高级']")) == 0);
    assert_string_equal(error_of(f, "{\"id\":\"x\",\"since\":\"2023-02-29\"}"), "since: expected a date");
    pol_status st;
    assert_string_equal(decide_n(f, "{" REQUIRED_ONLY ",\"ce\":[{\"hours\":1}]}", strlen("{" REQUIRED_ONLY ",\"ce\":[{\"hours\":1}]}"), 4, &st),
                        "{\"line\":4,\"id\":\"r\",\"error\":\"ce[0].year: missing\"}");
    assert_int_equal(st, POL_ERR_BIND);
}

static void test_duplicate_fields(void **state) {
    fixture *f = *state;
    assert_string_equal(error_of(f, "{\"id\":\"d\",\"level\":\"中级\",\"level\":\"初级\"}"), "level: duplicate field");
    assert_string_equal(error_of(f, "{\"id\":\"d\",\"level\":null,\"level\":\"初级\"}"), "level: duplicate field");
    assert_string_equal(error_of(f, "{\"id\":\"d\",\"ce\":[{\"year\":1,\"year\":2}]}"), "ce[0].year: duplicate field");
    assert_string_equal(error_of(f, "{\"id\":\"d\",\"ce\":[],\"ce\":[]}"), "ce: duplicate field");
    /* the same field in two elements, or in two records, is no duplicate */
    assert_non_null(strstr(decide(f, "{" REQUIRED_ONLY ",\"ce\":[{\"year\":1},{\"year\":2}]}"), "\"years\":3,"));
    assert_non_null(strstr(decide(f, "{" REQUIRED_ONLY ",\"ce\":[{\"year\":1},{\"year\":2}]}"), "\"years\":3,"));
}

static void test_id_found_after_the_error(void **state) {
    fixture *f = *state;
    size_t len;
    assert_int_equal(pol_json_bind(f->reader, f->ctx, "{\"level\":7,\"id\":\"late\"}", 23), POL_ERR_BIND);
    assert_string_equal(pol_json_error(f->reader), "level: expected a string");
    const char *id = pol_json_id(f->reader, &len);
    assert_non_null(id);
    assert_int_equal(len, 4);
    assert_memory_equal(id, "late", 4);
    /* nested "id"s are not the record's; the first error stays the one reported */
    const char *line = "{\"ce\":[{\"year\":\"x\"},{\"year\":[]}],\"x\":{\"id\":\"no\"},\"count\":true,\"id\":\"late2\"}";
    assert_string_equal(decide_n(f, line, strlen(line), 5, NULL),
                        "{\"line\":5,\"id\":\"late2\",\"error\":\"ce[0].year: expected an integer\"}");
    /* invalid JSON after the first error: the first error is reported, with the id seen before */
    line = "{\"id\":\"k\",\"level\":7,";
    assert_string_equal(decide_n(f, line, strlen(line), 6, NULL),
                        "{\"line\":6,\"id\":\"k\",\"error\":\"level: expected a string\"}");
    /* no id at all */
    line = "{\"level\":7}";
    assert_string_equal(decide_n(f, line, strlen(line), 8, NULL),
                        "{\"line\":8,\"id\":null,\"error\":\"level: expected a string\"}");
    /* a good record after a bad one has no stale id or error */
    assert_string_equal(decide(f, "{" REQUIRED_ONLY "}"), DEFAULT_DECISION);
    assert_string_equal(pol_json_error(f->reader), "");
}

static void test_invalid_json(void **state) {
    fixture *f = *state;
    static const char *const lines[] = {"{",          "{\"id\":\"a\",}", "not json",     "{\"id\":\"a\"} {}",
                                        "{\"id\" 1}", "{'id':'a'}",    "{\"a\":01}",   "{\"id\":\"bad\xff\"}",
                                        "{\"id\":\"a\"}]", "{\"id\":\"tab\there\"}"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        pol_status st = pol_json_bind(f->reader, f->ctx, lines[i], strlen(lines[i]));
        if (st != POL_ERR_FORMAT || strncmp(pol_json_error(f->reader), "invalid JSON at byte ", 21) != 0)
            fail_msg("%s: %s (%s)", lines[i], pol_json_error(f->reader), pol_status_name(st));
    }
    /* the id read before the syntax error is still reported */
    assert_string_equal(decide_n(f, "{\"id\":\"q\",\"level\": }", 20, 9, NULL),
                        "{\"line\":9,\"id\":\"q\",\"error\":\"invalid JSON at byte 20: parse error: unallowed token at "
                        "this point in JSON text\"}");
    assert_string_equal(decide_n(f, "{\"id\":\"q\"", 9, 2, NULL),
                        "{\"line\":2,\"id\":\"q\",\"error\":\"invalid JSON at byte 9: parse error: premature EOF\"}");
}

static void test_non_object_json(void **state) {
    fixture *f = *state;
    static const char *const lines[] = {"[]", "5", "\"s\"", "null", "true", "[{\"id\":\"a\"}]"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        assert_int_equal(pol_json_bind(f->reader, f->ctx, lines[i], strlen(lines[i])), POL_ERR_FORMAT);
        assert_string_equal(pol_json_error(f->reader), "expected a JSON object");
        assert_null(pol_json_id(f->reader, NULL));
    }
}

static void test_arrays_of_wrong_shape(void **state) {
    fixture *f = *state;
    assert_string_equal(error_of(f, "{\"id\":\"x\",\"ce\":[1]}"), "ce[0]: expected an object");
    assert_string_equal(error_of(f, "{\"id\":\"x\",\"ce\":[null]}"), "ce[0]: expected an object");
    assert_string_equal(error_of(f, "{\"id\":\"x\",\"ce\":[\"a\"]}"), "ce[0]: expected an object");
    assert_string_equal(error_of(f, "{\"id\":\"x\",\"ce\":[{\"year\":1},[]]}"), "ce[1]: expected an object");
    assert_string_equal(error_of(f, "{\"id\":\"x\",\"ce\":[[{\"year\":1}]]}"), "ce[0]: expected an object");
    assert_string_equal(error_of(f, "{\"id\":\"x\",\"ce\":[{\"year\":1},{\"year\":2},true]}"), "ce[2]: expected an object");
    /* an empty list is a list */
    assert_non_null(strstr(decide(f, "{" REQUIRED_ONLY ",\"ce\":[]}"), "\"years\":0,"));
}

/* A test's own program, with a context, a reader and an output buffer for it. */
typedef struct own_program {
    pol_program *program;
    pol_context *ctx;
    pol_json_reader *reader;
    pol_json_buffer out;
} own_program;

static own_program own_open(vb *b) {
    own_program o;
    o.program = vt_adopt(b, NULL);
    o.ctx = vt_context(o.program);
    assert_int_equal(pol_json_reader_new(o.program, NULL, &o.reader), POL_OK);
    pol_json_buffer_init(&o.out, NULL);
    return o;
}

static void own_close(own_program *o) {
    pol_json_buffer_free(&o->out);
    pol_json_reader_free(o->reader);
    pol_context_free(o->ctx);
    pol_program_free(o->program);
}

/* Names are compared by their first and last 8 bytes, then the rest: names alike at both ends stay apart. */
static void test_names_alike_at_both_ends(void **state) {
    (void)state;
    vb *b = vb_new("names");
    uint32_t item = pb_record(b, "item");
    vb_field(b, item, "abcdefgh_one_stuvwxyz", POL_T_INT, 0, VB_NULLABLE, pb_null());
    vb_field(b, item, "abcdefgh_two_stuvwxyz", POL_T_STRING, 0, VB_NULLABLE, pb_null());
    vb_field(b, 0, "abcdefgh_one_stuvwxyz", POL_T_INT, 0, VB_NULLABLE, pb_null());
    vb_field(b, 0, "abcdefgh_two_stuvwxyz", POL_T_STRING, 0, VB_NULLABLE, pb_null());
    vb_field(b, 0, "items", POL_T_LIST, item, 0, pb_null());
    pb_output(b, "abcdefgh_one_stuvwxyz", pb_opt(pb_type(POL_T_INT, 0)));
    pb_output(b, "abcdefgh_two_stuvwxyz", pb_opt(pb_type(POL_T_STRING, 0)));
    for (int i = 0; i < 2; i++) {
        pb_emit(b, POL_OP_FIELD, 0, i);
        pb_emit(b, POL_OP_OUTSET, 0, i);
    }
    pb_emit(b, POL_OP_HALT, 0, 0);
    own_program o = own_open(b);
    const char *line = "{\"abcdefgh_six_stuvwxyz\":true,\"abcdefgh_two_stuvwxyz\":\"x\",\"abcdefgh_one_stuvwxyz\":5,"
                       "\"items\":[{\"abcdefgh_one_stuvwxyz\":1,\"abcdefgh_six_stuvwxyz\":[],"
                       "\"abcdefgh_two_stuvwxyz\":\"y\"}]}";
    assert_int_equal(pol_json_decide_line(o.reader, o.ctx, line, strlen(line), 1, &o.out), POL_OK);
    assert_string_equal(o.out.data, "{\"abcdefgh_one_stuvwxyz\":5,\"abcdefgh_two_stuvwxyz\":\"x\",\"findings\":[]}\n");
    static const char *const cases[][2] = {
        {"{\"abcdefgh_two_stuvwxyz\":5}", "abcdefgh_two_stuvwxyz: expected a string"},
        {"{\"abcdefgh_one_stuvwxyz\":1,\"abcdefgh_one_stuvwxyz\":2}", "abcdefgh_one_stuvwxyz: duplicate field"},
        {"{\"items\":[{\"abcdefgh_one_stuvwxyz\":\"1\"}]}", "items[0].abcdefgh_one_stuvwxyz: expected an integer"},
        {"{\"items\":[{\"abcdefgh_six_stuvwxyz\":1,\"abcdefgh_two_stuvwxyz\":2}]}",
         "items[0].abcdefgh_two_stuvwxyz: expected a string"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(pol_json_bind(o.reader, o.ctx, cases[i][0], strlen(cases[i][0])), POL_ERR_BIND);
        assert_string_equal(pol_json_error(o.reader), cases[i][1]);
    }
    own_close(&o);
}

/* A program without outputs: the decision is the findings alone. */
static void test_no_outputs(void **state) {
    (void)state;
    vb *b = vb_new("no-outputs");
    vb_field(b, 0, "n", POL_T_INT, 0, VB_NULLABLE, pb_null());
    uint32_t warning = pb_rule(b, POLP_RULE_WARNING, "一", 3, POL_NONE, "warning when true");
    vb_push(b, pb_string(b, "注意"));
    pb_emit(b, POL_OP_FINDING, 0, (int32_t)warning);
    pb_emit(b, POL_OP_HALT, 0, 0);
    own_program o = own_open(b);
    assert_int_equal(pol_json_decide_line(o.reader, o.ctx, "{\"n\":1}", 7, 1, &o.out), POL_OK);
    assert_string_equal(o.out.data,
                        "{\"findings\":[{\"clause\":\"一\",\"kind\":\"warning\",\"message\":\"注意\"}]}\n");
    own_close(&o);
}

/* A context bound through pol.h may hold text that is not UTF-8: pol_json_write_decision checks and refuses
 * it, leaving out as it was; the lines decided after it are whole. */
static void test_decision_text_checked_when_bound_natively(void **state) {
    fixture *f = *state;
    pol_context_reset(f->ctx);
    assert_int_equal(pol_set_string(f->ctx, F_ID, "r", 1), POL_OK);
    assert_int_equal(pol_set_enum(f->ctx, F_LEVEL, "初级", strlen("初级")), POL_OK);
    assert_int_equal(pol_set_string(f->ctx, F_TITLE, "bad\xff", 4), POL_OK);
    assert_int_equal(pol_evaluate(f->ctx), POL_OK);
    f->out.length = 0;
    assert_int_equal(pol_json_write_error(f->reader, 1, NULL, 0, "kept", &f->out), POL_OK);
    const char *kept = "{\"line\":1,\"id\":null,\"error\":\"kept\"}";
    assert_int_equal(pol_json_write_decision(f->reader, f->ctx, &f->out), POL_ERR_RUNTIME);
    assert_string_equal(pol_json_error(f->reader), "the decision holds text that is not valid UTF-8");
    assert_int_equal(f->out.length, strlen(kept));
    assert_string_equal(f->out.data, kept);
    /* good text after it, as a line and written directly */
    assert_string_equal(decide(f, "{" REQUIRED_ONLY "}"), DEFAULT_DECISION);
    f->out.length = 0;
    assert_int_equal(pol_json_write_decision(f->reader, f->ctx, &f->out), POL_OK);
    assert_string_equal(f->out.data, DEFAULT_DECISION);
    assert_string_equal(decide_n(f, "[]", 2, 4, NULL), "{\"line\":4,\"id\":null,\"error\":\"expected a JSON object\"}");
    assert_string_equal(decide(f, "{" REQUIRED_ONLY "}"), DEFAULT_DECISION);
}

/* A decision written from a line (whose texts are known to be UTF-8, so texts with nothing to escape are
 * copied without yajl_gen) is byte for byte the decision yajl_gen writes for the same context when it checks
 * and escapes every text: for texts with each character JSON escapes, or might, at every offset of an 8-byte
 * block and around it. */
static void test_texts_copied_as_yajl_writes_them(void **state) {
    fixture *f = *state;
    static const char *const specials[] = {"\"", "\\", "\n", "\x01", "\x1f", "\t", "/", " ", "\x7f", "\xc2\x80",
                                           "\xc3\xa9", "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "!", "#", "[", "]",
                                           "\\\""};
    yajl_gen g = yajl_gen_alloc(NULL);
    assert_non_null(g);
    pol_json_buffer direct;
    pol_json_buffer_init(&direct, NULL);
    size_t compared = 0;
    for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++)
        for (size_t before = 0; before <= 17; before++) {
            char title[64];
            memset(title, 'a' + (int)(before % 26), before);
            size_t n = before, sl = strlen(specials[k]);
            memcpy(title + n, specials[k], sl);
            n += sl;
            memcpy(title + n, "bcdefghij", 9 - before % 9);
            n += 9 - before % 9;
            /* the line, written by yajl_gen: {"id": title, "level": "初级", "title": title} */
            const unsigned char *line;
            size_t line_len;
            yajl_gen_reset(g, NULL);
            yajl_gen_clear(g);
            assert_int_equal(yajl_gen_map_open(g), yajl_gen_status_ok);
            assert_int_equal(yajl_gen_string(g, (const unsigned char *)"id", 2), yajl_gen_status_ok);
            assert_int_equal(yajl_gen_string(g, (const unsigned char *)title, n), yajl_gen_status_ok);
            assert_int_equal(yajl_gen_string(g, (const unsigned char *)"level", 5), yajl_gen_status_ok);
            assert_int_equal(yajl_gen_string(g, (const unsigned char *)"初级", strlen("初级")), yajl_gen_status_ok);
            assert_int_equal(yajl_gen_string(g, (const unsigned char *)"title", 5), yajl_gen_status_ok);
            assert_int_equal(yajl_gen_string(g, (const unsigned char *)title, n), yajl_gen_status_ok);
            assert_int_equal(yajl_gen_map_close(g), yajl_gen_status_ok);
            assert_int_equal(yajl_gen_get_buf(g, &line, &line_len), yajl_gen_status_ok);
            const char *copied = decide_n(f, (const char *)line, line_len, 1, NULL);
            /* the same record bound, decided and written with every text checked and escaped by yajl_gen */
            assert_int_equal(pol_json_bind(f->reader, f->ctx, (const char *)line, line_len), POL_OK);
            assert_int_equal(pol_evaluate(f->ctx), POL_OK);
            direct.length = 0;
            assert_int_equal(pol_json_write_decision(f->reader, f->ctx, &direct), POL_OK);
            if (strcmp(copied, direct.data) != 0)
                fail_msg("title of %zu bytes, special %zu at %zu:\n  line:   %s\n  direct: %s", n, k, before, copied,
                         direct.data);
            compared++;
        }
    assert_int_equal(compared, 18 * 18);
    pol_json_buffer_free(&direct);
    yajl_gen_free(g);
}

/* ---- lines ---- */

static void test_line_handling(void **state) {
    fixture *f = *state;
    pol_status st;
    /* CRLF, and a BOM on the first line */
    assert_string_equal(decide_n(f, "\xEF\xBB\xBF{" REQUIRED_ONLY "}\r", strlen("\xEF\xBB\xBF{" REQUIRED_ONLY "}\r"), 1, &st),
                        DEFAULT_DECISION);
    assert_int_equal(st, POL_OK);
    /* a BOM elsewhere is not whitespace */
    decide_n(f, "\xEF\xBB\xBF{" REQUIRED_ONLY "}", strlen("\xEF\xBB\xBF{" REQUIRED_ONLY "}"), 2, &st);
    assert_int_equal(st, POL_ERR_FORMAT);
    assert_string_equal(decide_n(f, "", 0, 3, &st), "{\"line\":3,\"id\":null,\"error\":\"empty line\"}");
    assert_int_equal(st, POL_ERR_FORMAT);
    assert_string_equal(decide_n(f, " \t\r", 3, 4, NULL), "{\"line\":4,\"id\":null,\"error\":\"empty line\"}");
    assert_string_equal(decide_n(f, "{\"id\":\"a\0b\"}", 12, 5, NULL),
                        "{\"line\":5,\"id\":null,\"error\":\"the line holds a NUL byte\"}");
    /* the line number is the caller's, however large */
    assert_string_equal(decide_n(f, "x", 1, 123456789012, NULL),
                        "{\"line\":123456789012,\"id\":null,\"error\":\"invalid JSON at byte 1: lexical error: invalid "
                        "char in json text\"}");
}

static void test_lines_append(void **state) {
    fixture *f = *state;
    f->out.length = 0;
    assert_int_equal(pol_json_decide_line(f->reader, f->ctx, "{" REQUIRED_ONLY "}", strlen("{" REQUIRED_ONLY "}"), 1, &f->out), POL_OK);
    assert_int_equal(pol_json_decide_line(f->reader, f->ctx, "[]", 2, 2, &f->out), POL_ERR_FORMAT);
    assert_string_equal(f->out.data, DEFAULT_DECISION "\n{\"line\":2,\"id\":null,\"error\":\"expected a JSON object\"}\n");
}

static void test_write_error_escapes(void **state) {
    fixture *f = *state;
    f->out.length = 0;
    assert_int_equal(pol_json_write_error(f->reader, 1, "a\"b\\c/é", strlen("a\"b\\c/é"), "x\ty", &f->out), POL_OK);
    assert_string_equal(f->out.data, "{\"line\":1,\"id\":\"a\\\"b\\\\c/é\",\"error\":\"x\\ty\"}");
}

/* ---- memory ---- */

static void test_no_allocation_per_record_once_warm(void **state) {
    fixture *f = *state;
    static const char *const lines[] = {
        "{\"id\":\"A1\",\"level\":\"中级\",\"region\":\"昆山\",\"count\":3,\"exceptional\":true,\"since\":\"2020-02-29\","
        "\"score\":2.5,\"ce\":[{\"year\":2019,\"hours\":10.5,\"unknown\":[1,{\"a\":2}]},{\"year\":2020}],"
        "\"title\":\"t\\u00e9\\n\",\"extra\":{\"deep\":[[[]]]}}",
        "{\"id\":\"A2\",\"level\":7}",
        "{\"id\":\"A3\",\"level\":\"特级\"}",
        "{\"id\":\"A4\",\"ce\":[{\"year\":1,\"year\":2}]}",
        "not json",
        "",
        "[1]",
        "{\"id\":\"A5\",\"level\":\"初级\",\"ce\":[{\"hours\":1}]}",
    };
    size_t n = sizeof lines / sizeof lines[0];
    for (int round = 0; round < 3; round++) /* warm-up */
        for (size_t i = 0; i < n; i++) decide_n(f, lines[i], strlen(lines[i]), i + 1, NULL);
    size_t before = f->count.calls, vm_before = f->vm_count.calls;
    for (int round = 0; round < 200; round++)
        for (size_t i = 0; i < n; i++) {
            f->out.length = 0;
            pol_json_decide_line(f->reader, f->ctx, lines[i], strlen(lines[i]), i + 1, &f->out);
        }
    assert_int_equal(f->count.calls, before);
    assert_int_equal(f->vm_count.calls, vm_before); /* the whole run, the VM included */
}

/* A long record spills out of the parser arena once; the arena then grows so it fits next time. */
static void test_arena_grows_to_the_largest_record(void **state) {
    fixture *f = *state;
    size_t size = 100000; /* 50000 bytes once decoded: under the default max_string_length */
    static char line[100000 + 64];
    int n = snprintf(line, 64, "{" REQUIRED_ONLY ",\"title\":\"");
    for (size_t i = 0; i < size; i += 2) memcpy(line + n + i, "\\n", 2); /* escapes: yajl decodes into its buffer */
    memcpy(line + n + size, "\"}", 3);
    size_t len = strlen(line);
    pol_status st;
    decide_n(f, line, len, 1, &st);
    assert_int_equal(st, POL_OK);
    decide_n(f, line, len, 1, &st);
    size_t before = f->count.calls;
    for (int i = 0; i < 5; i++) decide_n(f, line, len, 1, &st);
    assert_int_equal(f->count.calls, before);
}

/* Every allocation of the reader refused in turn: a clean failure each time, never a crash or a leak. */
static void test_allocation_failures(void **state) {
    (void)state;
    const char *line = "{\"id\":\"A1\",\"level\":\"中级\",\"ce\":[{\"year\":2019,\"hours\":1.5}],\"title\":\"t\\n\"}";
    for (size_t fail_at = 1; fail_at < 200; fail_at++) {
        counter program_count = {0, 0, 0}, count = {0, 0, fail_at};
        pol_config program_config = {counting_alloc, &program_count, {0, 0, 0, 0, 0, 0, 0}};
        pol_config config = {counting_alloc, &count, {0, 0, 0, 0, 0, 0, 0}};
        pol_program *program = build_program(&program_config);
        pol_context *ctx;
        pol_json_reader *reader;
        pol_json_buffer out;
        assert_int_equal(pol_context_new(program, &ctx), POL_OK);
        pol_json_buffer_init(&out, &config);
        pol_status st = pol_json_reader_new(program, &config, &reader);
        if (st == POL_OK) {
            for (int i = 0; i < 3; i++) {
                size_t before = out.length;
                st = pol_json_decide_line(reader, ctx, line, strlen(line), 1, &out);
                if (out.failed) assert_int_equal(out.length, before);
                else assert_int_equal(out.data[out.length - 1], '\n');
            }
            pol_json_reader_free(reader);
        } else {
            assert_int_equal(st, POL_ERR_NOMEM);
            assert_null(reader);
        }
        pol_json_buffer_free(&out);
        pol_context_free(ctx);
        pol_program_free(program);
        if (count.bytes != 0) fail_msg("refusing allocation %zu leaks %lld bytes", fail_at, count.bytes);
        if (count.calls < fail_at) break; /* nothing left to refuse */
    }
}

/* Every number is written as the shortest of %.15g .. %.17g that reads back as it, with ".0" on a whole one,
 * whether the layer writes it itself (whole numbers, short decimals) or through snprintf: random doubles of
 * every magnitude, and decimals of 1 to 17 digits, against snprintf's text made here. */
static void test_numbers_written_as_snprintf_writes_them(void **state) {
    fixture *f = *state;
    uint64_t seed = 777;
    for (int i = 0; i < 6000; i++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        double value;
        if (i % 3 == 0) { /* any finite double */
            uint64_t bits = seed ^ (seed >> 29);
            memcpy(&value, &bits, sizeof value);
            if (!isfinite(value)) continue;
        } else { /* m / 10^k: the numbers records hold */
            static const double powers[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
            uint64_t m = (seed >> 11) % (i % 3 == 1 ? 100000u : 100000000000000000u);
            value = (double)m / powers[(seed >> 3) % 13];
            if (seed & 4) value = -value;
        }
        char line[128], want[64], text[40];
        int n = 0;
        for (int precision = 15; precision <= 17; precision++) {
            n = snprintf(text, sizeof text, "%.*g", precision, value);
            if (strtod(text, NULL) == value) break;
        }
        if (strspn(text, "-0123456789") == (size_t)n) memcpy(text + n, ".0", 3);
        snprintf(line, sizeof line, "{" REQUIRED_ONLY ",\"score\":%.17g}", value);
        snprintf(want, sizeof want, "\"score\":%s,", text);
        const char *out = decide(f, line);
        if (strstr(out, want) == NULL) fail_msg("%.17g: want %s in %s", value, want, out);
    }
}

/* Numbers are read and written with '.', even when the embedder's locale uses ','. */
static void test_numbers_ignore_the_locale(void **state) {
    fixture *f = *state;
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "ru_RU.UTF-8"};
    const char *set = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && set == NULL; i++) set = setlocale(LC_NUMERIC, names[i]);
    if (set == NULL) skip(); /* no locale with a decimal comma installed */
    const char *out = decide(f, "{" REQUIRED_ONLY ",\"score\":2.5}");
    setlocale(LC_NUMERIC, "C");
    assert_non_null(strstr(out, "\"score\":2.5,"));
}

static void test_reader_arguments(void **state) {
    (void)state;
    pol_json_reader *reader = (pol_json_reader *)&reader;
    assert_int_equal(pol_json_reader_new(NULL, NULL, &reader), POL_ERR_ARGUMENT);
    assert_null(reader);
    assert_int_equal(pol_json_reader_new(NULL, NULL, NULL), POL_ERR_ARGUMENT);
    pol_json_reader_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_type_and_exact_decision, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers_written_shortest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers_and_dates_written_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_numbers_written_as_snprintf_writes_them, setup, teardown),
        cmocka_unit_test(test_names_alike_at_both_ends),
        cmocka_unit_test(test_no_outputs),
        cmocka_unit_test_setup_teardown(test_decision_text_checked_when_bound_natively, setup, teardown),
        cmocka_unit_test_setup_teardown(test_texts_copied_as_yajl_writes_them, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_fields_ignored_at_every_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_null_means_absent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_and_nesting_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_mismatch_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_library_messages_pass_through, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_found_after_the_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_non_object_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arrays_of_wrong_shape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_handling, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lines_append, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_error_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_allocation_per_record_once_warm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arena_grows_to_the_largest_record, setup, teardown),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test_setup_teardown(test_numbers_ignore_the_locale, setup, teardown),
        cmocka_unit_test(test_reader_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
