/* test_describe.c: what bindings and the service share from pol_json: the program's facts, its record schema
 * (and the pol.h schema walk under it), and explanations as JSON (pol_json_explain_line). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <yajl/yajl_tree.h>

#include "compile_helper.h"
#include "pol.h"
#include "pol_json.h"

#define POLICY                                                                                                 \
    "policy \"describe\" version \"7\" year 2024\n"                                                            \
    "enum 级别 { 初级 中级 高级 }\n"                                                                           \
    "record 继续教育 { year: int  hours: number = 0 }\n"                                                       \
    "applicant {\n"                                                                                            \
    "  id: string\n"                                                                                           \
    "  level: 级别\n"                                                                                          \
    "  since: date\n"                                                                                          \
    "  applications: int >= 1 = 1\n"                                                                           \
    "  exceptional: bool = false\n"                                                                            \
    "  ce: list 继续教育\n"                                                                                    \
    "}\n"                                                                                                      \
    "let 年数 = count(e in ce where e.hours >= 14)\n"                                                          \
    "clause 三 \"继续教育\" {\n"                                                                         \
    "  violation when level == 中级 and 年数 < 2 : \"继续教育达标{年数}年\"\n"                                 \
    "}\n"                                                                                                      \
    "output tenure: int = 年数\n"

typedef struct fixture {
    compiled c;
    pol_program *program;
    pol_json_buffer out, trace;
} fixture;

static int setup(void **state) {
    fixture *f = calloc(1, sizeof *f);
    f->c = compile_text(POLICY);
    if (f->c.bytes == NULL) {
        fprintf(stderr, "%s", f->c.messages);
        return -1;
    }
    char err[256];
    if (pol_program_load(f->c.bytes, f->c.len, NULL, &f->program, err, sizeof err) != POL_OK) {
        fprintf(stderr, "load: %s\n", err);
        return -1;
    }
    pol_json_buffer_init(&f->out, NULL);
    pol_json_buffer_init(&f->trace, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    fixture *f = *state;
    pol_json_buffer_free(&f->out);
    pol_json_buffer_free(&f->trace);
    pol_program_free(f->program);
    compiled_free(&f->c);
    free(f);
    return 0;
}

static yajl_val parse(const char *text) {
    char err[256];
    yajl_val v = yajl_tree_parse(text, err, sizeof err);
    if (v == NULL) fail_msg("not JSON (%s): %s", err, text);
    return v;
}

static yajl_val get(yajl_val obj, const char *key) {
    const char *path[] = {key, NULL};
    return yajl_tree_get(obj, path, yajl_t_any);
}

static const char *get_string(yajl_val obj, const char *key) {
    yajl_val v = get(obj, key);
    assert_non_null(v);
    assert_true(YAJL_IS_STRING(v));
    return YAJL_GET_STRING(v);
}

static void hex(const uint8_t *bytes, char out[65]) {
    for (int i = 0; i < 32; i++) sprintf(out + 2 * i, "%02x", bytes[i]);
}

static void test_digest_is_the_files(void **state) {
    fixture *f = *state;
    const uint8_t *d = pol_program_digest(f->program);
    assert_non_null(d);
    assert_memory_equal(d, f->c.bytes + 24, 32); /* the header's SHA-256 (doc/bytecode.md) */
    /* another policy, another digest */
    char *other = malloc(strlen(POLICY) + 2);
    strcpy(other, POLICY);
    other[strlen("policy \"describe\" version \"")] = '8';
    compiled c2 = compile_text(other);
    assert_non_null(c2.bytes);
    pol_program *p2;
    assert_int_equal(pol_program_load(c2.bytes, c2.len, NULL, &p2, NULL, 0), POL_OK);
    assert_memory_not_equal(pol_program_digest(p2), d, 32);
    pol_program_free(p2);
    compiled_free(&c2);
    free(other);
    assert_null(pol_program_digest(NULL));
}

static void test_program_info(void **state) {
    fixture *f = *state;
    assert_int_equal(pol_json_write_program_info(f->program, &f->out), POL_OK);
    yajl_val v = parse(f->out.data);
    char want[65];
    assert_string_equal(get_string(v, "name"), "describe");
    assert_string_equal(get_string(v, "version"), "7");
    hex(pol_program_digest(f->program), want);
    assert_string_equal(get_string(v, "digest"), want);
    hex(pol_program_source_sha256(f->program), want);
    assert_string_equal(get_string(v, "source_sha256"), want);
    assert_string_equal(get_string(v, "compiler_version"), pol_program_compiler_version(f->program));
    assert_int_equal(YAJL_GET_INTEGER(get(v, "format_version")), POL_FORMAT_VERSION);
    yajl_tree_free(v);
    assert_int_equal(pol_json_write_program_info(NULL, &f->out), POL_ERR_ARGUMENT);
}

static void test_schema_walk(void **state) {
    fixture *f = *state;
    const pol_program *p = f->program;
    int level = pol_field_slot(p, "level", 5), ce = pol_field_slot(p, "ce", 2);
    int apps = pol_field_slot(p, "applications", 12), id = pol_field_slot(p, "id", 2);
    assert_int_equal(pol_field_enum_count(p, level), 3);
    assert_string_equal(pol_field_enum_value(p, level, 2), "高级");
    assert_null(pol_field_enum_value(p, level, 3));
    assert_int_equal(pol_field_enum_count(p, id), 0);
    assert_int_equal(pol_element_count(p, ce), 2);
    assert_int_equal(pol_element_count(p, level), -1);
    int hours = pol_element_slot_at(p, ce, 1);
    assert_int_equal(hours, pol_element_slot(p, ce, "hours", 5));
    assert_int_equal(pol_element_slot_at(p, ce, 2), -1);
    pol_value def, min, max;
    assert_int_equal(pol_field_default(p, hours, &def), POL_OK);
    assert_int_equal(def.type, POL_T_NUMBER);
    assert_true(def.number == 0.0);
    assert_int_equal(pol_field_default(p, level, &def), POL_OK);
    assert_int_equal(def.type, POL_T_NULL);
    assert_int_equal(pol_field_bounds(p, apps, &min, &max), POL_OK);
    assert_int_equal(min.type, POL_T_INT);
    assert_int_equal(min.integer, 1);
    assert_int_equal(max.type, POL_T_NULL);
    assert_int_equal(pol_field_default(p, 999, &def), POL_ERR_ARGUMENT);
}

static void test_schema_json(void **state) {
    fixture *f = *state;
    assert_int_equal(pol_json_write_schema(f->program, &f->out), POL_OK);
    yajl_val v = parse(f->out.data);
    yajl_val fields = get(v, "fields");
    assert_true(YAJL_IS_ARRAY(fields));
    assert_int_equal(YAJL_GET_ARRAY(fields)->len, (size_t)pol_field_count(f->program));
    yajl_val level = YAJL_GET_ARRAY(fields)->values[1];
    assert_string_equal(get_string(level, "name"), "level");
    assert_string_equal(get_string(level, "type"), "enum");
    assert_true(YAJL_IS_TRUE(get(level, "required")));
    assert_true(YAJL_IS_NULL(get(level, "default")));
    yajl_val values = get(level, "values");
    assert_int_equal(YAJL_GET_ARRAY(values)->len, 3);
    assert_string_equal(YAJL_GET_STRING(YAJL_GET_ARRAY(values)->values[0]), "初级");
    yajl_val apps = YAJL_GET_ARRAY(fields)->values[3];
    assert_string_equal(get_string(apps, "type"), "int");
    assert_true(YAJL_IS_FALSE(get(apps, "required")));
    assert_int_equal(YAJL_GET_INTEGER(get(apps, "default")), 1);
    assert_int_equal(YAJL_GET_INTEGER(get(apps, "min")), 1);
    assert_null(get(apps, "max"));
    yajl_val ce = YAJL_GET_ARRAY(fields)->values[5];
    assert_string_equal(get_string(ce, "type"), "list");
    assert_int_equal(YAJL_GET_ARRAY(get(ce, "default"))->len, 0);
    yajl_val elements = get(ce, "fields");
    assert_int_equal(YAJL_GET_ARRAY(elements)->len, 2);
    yajl_val hours = YAJL_GET_ARRAY(elements)->values[1];
    assert_string_equal(get_string(hours, "name"), "hours");
    assert_string_equal(get_string(hours, "type"), "number");
    assert_true(YAJL_IS_NUMBER(get(hours, "default")));
    yajl_tree_free(v);
}

/* The lines the trace API itself gives, through pol_trace_event_text, as polvm --explain prints them */
typedef struct lines {
    char text[16][512];
    int n;
} lines;
static void collect(void *ud, const pol_trace_event *event) {
    lines *l = ud;
    if (l->n < 16) pol_trace_event_text(event, l->text[l->n++], sizeof l->text[0]);
}

static void test_explain_line(void **state) {
    fixture *f = *state;
    const char *record = "{\"id\":\"E1\",\"level\":\"中级\",\"since\":\"2020-05-01\","
                         "\"ce\":[{\"year\":2021,\"hours\":14},{\"year\":2022,\"hours\":3}]}";
    pol_json_reader *r;
    pol_context *ctx;
    assert_int_equal(pol_json_reader_new(f->program, NULL, &r), POL_OK);
    assert_int_equal(pol_context_new(f->program, &ctx), POL_OK);
    /* the decision bytes are decide_line's */
    pol_json_buffer plain;
    pol_json_buffer_init(&plain, NULL);
    assert_int_equal(pol_json_decide_line(r, ctx, record, strlen(record), 1, &plain), POL_OK);
    lines want = {.n = 0};
    assert_int_equal(pol_context_set_trace(ctx, collect, &want), POL_OK);
    pol_json_buffer ignored;
    pol_json_buffer_init(&ignored, NULL);
    assert_int_equal(pol_json_decide_line(r, ctx, record, strlen(record), 1, &ignored), POL_OK);
    pol_context_set_trace(ctx, NULL, NULL);
    assert_true(want.n >= 3);

    assert_int_equal(pol_json_explain_line(r, ctx, record, strlen(record), 1, &f->out, &f->trace), POL_OK);
    assert_string_equal(f->out.data, plain.data);
    yajl_val events = parse(f->trace.data);
    assert_true(YAJL_IS_ARRAY(events));
    assert_int_equal(YAJL_GET_ARRAY(events)->len, (size_t)want.n);
    int saw_violation = 0;
    for (int i = 0; i < want.n; i++) {
        yajl_val e = YAJL_GET_ARRAY(events)->values[i];
        assert_string_equal(get_string(e, "text"), want.text[i]);
        if (strcmp(get_string(e, "kind"), "violation") == 0) {
            saw_violation = 1;
            assert_true(YAJL_IS_TRUE(get(e, "fired")));
            assert_string_equal(get_string(e, "clause"), "三");
            assert_string_equal(get_string(e, "value"), "继续教育达标1年");
            yajl_val reads = get(e, "reads");
            assert_true(YAJL_GET_ARRAY(reads)->len >= 2);
            assert_string_equal(get_string(YAJL_GET_ARRAY(reads)->values[0], "name"), "level");
            assert_string_equal(get_string(YAJL_GET_ARRAY(reads)->values[0], "value"), "中级");
        }
        if (strcmp(get_string(e, "kind"), "let") == 0) {
            assert_int_equal(YAJL_GET_INTEGER(get(e, "value")), 1);
            assert_int_equal(YAJL_GET_ARRAY(get(e, "iterations"))->len, 2);
        }
    }
    assert_true(saw_violation);
    yajl_tree_free(events);
    /* the trace is removed afterwards: a later decision calls nothing (the state it pointed at is gone) */
    f->out.length = 0;
    assert_int_equal(pol_json_decide_line(r, ctx, record, strlen(record), 2, &f->out), POL_OK);

    /* a line that is not decided: the error object, and an empty trace */
    f->out.length = 0;
    f->trace.length = 0;
    assert_int_equal(pol_json_explain_line(r, ctx, "{\"id\":\"E2\"}", 11, 4, &f->out, &f->trace), POL_ERR_BIND);
    assert_non_null(strstr(f->out.data, "\"line\":4,\"id\":\"E2\",\"error\":"));
    assert_string_equal(f->trace.data, "[]");
    pol_json_buffer_free(&plain);
    pol_json_buffer_free(&ignored);
    pol_context_free(ctx);
    pol_json_reader_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_digest_is_the_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_program_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explain_line, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
