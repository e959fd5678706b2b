/* test_try.c: the /try endpoints' handlers (service/try.h) without the HTTP around them: compile answers in both
 * languages, the checks, decisions byte for byte as the polvm command writes them, the limits, bad bodies, and
 * the cache shared by threads. Run as: test_try POLC POLVM RECORDS.jsonl (the make file passes them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "pol.h"
#include "read_file.h"
#include "try.h"
#include "try_text.h"

static const char *polc_path, *polvm_path, *records_path;

/* two mistakes, on lines 3 and 4 (the same source as test_polc_api.c, whose columns it explains) */
static const char broken[] = "policy \"t\" version \"1\" year 2024\n"
                             "enum 级别 { 初级 中级 }\n"
                             "applicant { level: 级别  since = date }\n"
                             "clause 三 \"继续教育\" { violation when level == 中级 \"消息\" }\n";

/* {"source": s, "lang": lang, "records": records} */
static char *request_body(const char *source, size_t len, const char *lang, const char *records, size_t rlen)
{
    try_text t = {0};
    try_text_puts(&t, "{\"source\":");
    try_text_json_string(&t, source, len);
    if (lang) {
        try_text_puts(&t, ",\"lang\":");
        try_text_json_string(&t, lang, strlen(lang));
    }
    if (records) {
        try_text_puts(&t, ",\"records\":");
        try_text_json_string(&t, records, rlen);
    }
    try_text_puts(&t, "}");
    assert_false(t.failed);
    return t.data;
}

static yajl_val parse_answer(const service_try_answer *a)
{
    char err[200];
    assert_non_null(a->body);
    assert_int_equal(strlen(a->body), a->length);
    yajl_val v = yajl_tree_parse(a->body, err, sizeof err);
    if (!v)
        fail_msg("the answer is not JSON (%s): %s", err, a->body);
    assert_true(YAJL_IS_OBJECT(v));
    return v;
}

static yajl_val get(yajl_val v, const char *key)
{
    const char *path[] = {key, NULL};
    return yajl_tree_get(v, path, yajl_t_any);
}

static char *slurp_command(const char *command, size_t *len)
{
    FILE *p = popen(command, "r");
    assert_non_null(p);
    char *data = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&data, &size);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        fwrite(buf, 1, n, out);
    pclose(p);
    fclose(out);
    *len = size;
    return data;
}

static void test_good_policy_compiles_as_polc_does(void **state)
{
    (void)state;
    size_t len;
    char *source = read_whole_file("policies/suzhou-2024.pol", &len);
    assert_non_null(source);
    service_try *t = service_try_new(NULL);
    char *body = request_body(source, len, "zh", NULL, 0);
    service_try_answer a;
    service_try_compile(t, body, strlen(body), &a);
    assert_int_equal(a.status, 200);
    yajl_val v = parse_answer(&a);
    assert_true(YAJL_IS_TRUE(get(v, "ok")));
    assert_int_equal(YAJL_GET_INTEGER(get(v, "errors")), 0);

    /* the policy's digest is that of the .pbc the polc command writes for the same source */
    char command[1024];
    snprintf(command, sizeof command, "%s policies/suzhou-2024.pol -o /dev/stdout", polc_path);
    size_t pbc_len;
    char *pbc = slurp_command(command, &pbc_len);
    pol_program *program;
    char err[256];
    assert_int_equal(pol_program_load(pbc, pbc_len, NULL, &program, err, sizeof err), POL_OK);
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", pol_program_digest(program)[i]);
    yajl_val policy = get(v, "policy");
    assert_true(YAJL_IS_OBJECT(policy));
    assert_string_equal(YAJL_GET_STRING(get(policy, "digest")), hex);
    assert_string_equal(YAJL_GET_STRING(get(policy, "name")), pol_program_name(program));

    /* the schema lists every field of the record, enums with their values */
    yajl_val fields = get(get(v, "schema"), "fields");
    assert_true(YAJL_IS_ARRAY(fields));
    assert_int_equal(fields->u.array.len, (size_t)pol_field_count(program));
    yajl_val first = fields->u.array.values[0];
    assert_string_equal(YAJL_GET_STRING(get(first, "name")), pol_field_name(program, 0));

    /* the warnings are the policy's checks: each one a diagnostic with a line */
    yajl_val diagnostics = get(v, "diagnostics");
    assert_true(YAJL_IS_ARRAY(diagnostics));
    assert_int_equal(diagnostics->u.array.len, (size_t)YAJL_GET_INTEGER(get(v, "warnings")));
    pol_program_free(program);
    yajl_tree_free(v);
    service_try_answer_free(&a);
    free(pbc);
    free(body);
    free(source);
    service_try_free(t);
}

static void expect_broken(service_try *t, const char *lang, const char *level_word)
{
    char *body = request_body(broken, strlen(broken), lang, NULL, 0);
    service_try_answer a;
    service_try_compile(t, body, strlen(body), &a);
    assert_int_equal(a.status, 200);
    yajl_val v = parse_answer(&a);
    assert_true(YAJL_IS_FALSE(get(v, "ok")));
    assert_int_equal(YAJL_GET_INTEGER(get(v, "errors")), 2);
    assert_true(YAJL_IS_NULL(get(v, "policy")));
    assert_true(YAJL_IS_NULL(get(v, "schema")));
    yajl_val d = get(v, "diagnostics");
    assert_true(YAJL_IS_ARRAY(d));
    assert_true(d->u.array.len >= 2);
    yajl_val e = d->u.array.values[0];
    assert_string_equal(YAJL_GET_STRING(get(e, "level")), "error");
    assert_int_equal(YAJL_GET_INTEGER(get(e, "line")), 3);
    assert_int_equal(YAJL_GET_INTEGER(get(e, "column")), 32);
    assert_true(YAJL_GET_INTEGER(get(e, "end_column")) > 32);
    /* the text as polc prints it: where, the source line, the caret under column 32 */
    const char *text = YAJL_GET_STRING(get(v, "text"));
    assert_non_null(text);
    char where[64];
    snprintf(where, sizeof where, "policy.pol:3:32: %s", level_word);
    assert_non_null(strstr(text, where));
    assert_non_null(strstr(text, "applicant { level: 级别  since = date }\n                               ^"));
    const char *message = YAJL_GET_STRING(get(e, "message"));
    assert_non_null(message);
    if (strcmp(lang, "en") == 0)
        assert_non_null(strstr(message, "syntax error"));
    else
        assert_null(strstr(message, "syntax error"));
    yajl_tree_free(v);
    service_try_answer_free(&a);
    free(body);
}

static void test_broken_policy_diagnostics_in_both_languages(void **state)
{
    (void)state;
    service_try *t = service_try_new(NULL);
    expect_broken(t, "en", "error:");
    expect_broken(t, "zh", "错误:");
    expect_broken(t, "en", "error:"); /* from the cache now: the same answer */
    service_try_free(t);
}

/* decide: the lines are the bytes the polvm command writes for the same records, error lines included */
static void test_decisions_are_polvm_s(void **state)
{
    (void)state;
    size_t len, rlen;
    char *source = read_whole_file("policies/suzhou-2024.pol", &len);
    char *records = read_whole_file(records_path, &rlen);
    assert_non_null(source);
    assert_non_null(records);
    char command[2048];
    snprintf(command, sizeof command, "%s policies/suzhou-2024.pol -o /tmp/test_try.%d.pbc && %s /tmp/test_try.%d.pbc %s; rm -f /tmp/test_try.%d.pbc",
             polc_path, (int)getpid(), polvm_path, (int)getpid(), records_path, (int)getpid());
    size_t expected_len;
    char *expected = slurp_command(command, &expected_len);
    assert_true(expected_len > 0);

    service_try_limits limits = {0};
    limits.max_records = 100000;
    limits.max_body_bytes = 64u << 20;
    service_try *t = service_try_new(&limits);
    char *body = request_body(source, len, "en", records, rlen);
    service_try_answer a;
    service_try_decide(t, body, strlen(body), &a);
    assert_int_equal(a.status, 200);
    yajl_val v = parse_answer(&a);
    const char *lines = YAJL_GET_STRING(get(v, "lines"));
    assert_non_null(lines);
    assert_int_equal(strlen(lines), expected_len);
    assert_memory_equal(lines, expected, expected_len);
    size_t count = 0, errors = 0;
    for (const char *p = expected; *p; p = strchr(p, '\n') + 1) {
        count++;
        errors += strncmp(p, "{\"line\":", 8) == 0;
    }
    assert_int_equal(YAJL_GET_INTEGER(get(v, "count")), count);
    assert_int_equal(YAJL_GET_INTEGER(get(v, "decided")), count - errors);
    assert_true(errors > 0); /* the records hold bad lines, and they are error objects as polvm writes them */
    yajl_tree_free(v);
    service_try_answer_free(&a);
    free(body);
    free(expected);
    free(records);
    free(source);
    service_try_free(t);
}

static void test_decide_with_a_broken_policy_is_422(void **state)
{
    (void)state;
    service_try *t = service_try_new(NULL);
    const char rec[] = "{\"id\":\"x\"}\n";
    char *body = request_body(broken, strlen(broken), "en", rec, strlen(rec));
    service_try_answer a;
    service_try_decide(t, body, strlen(body), &a);
    assert_int_equal(a.status, 422);
    yajl_val v = parse_answer(&a);
    assert_true(YAJL_IS_STRING(get(v, "error")));
    assert_true(YAJL_IS_FALSE(get(v, "ok")));
    assert_int_equal(YAJL_GET_INTEGER(get(get(v, "diagnostics")->u.array.values[0], "line")), 3);
    yajl_tree_free(v);
    service_try_answer_free(&a);
    free(body);
    service_try_free(t);
}

static int status_of(service_try *t, int decide, const char *body, size_t len)
{
    service_try_answer a;
    if (decide)
        service_try_decide(t, body, len, &a);
    else
        service_try_compile(t, body, len, &a);
    yajl_val v = parse_answer(&a);
    if (a.status != 200)
        assert_true(YAJL_IS_STRING(get(v, "error"))); /* every refusal names its problem */
    yajl_tree_free(v);
    int status = a.status;
    service_try_answer_free(&a);
    return status;
}

static void test_limits_and_bad_bodies(void **state)
{
    (void)state;
    service_try_limits limits = {0};
    limits.max_source_bytes = 100;
    limits.max_records = 3;
    limits.max_body_bytes = 4096;
    service_try *t = service_try_new(&limits);
    /* a source over the limit is refused before it is compiled */
    char big[200];
    memset(big, ' ', sizeof big);
    char *body = request_body(big, sizeof big, "en", NULL, 0);
    assert_int_equal(status_of(t, 0, body, strlen(body)), 413);
    free(body);
    /* four record lines where three are allowed (a last line without '\n' counts) */
    const char small[] = "policy \"t\" version \"1\" year 2024\napplicant { id: string }\n";
    const char four[] = "{}\n{}\n{}\n{}";
    body = request_body(small, strlen(small), "en", four, strlen(four));
    assert_int_equal(status_of(t, 1, body, strlen(body)), 413);
    free(body);
    body = request_body(small, strlen(small), "en", four, strlen(four) - 3); /* "{}\n{}\n{}\n": three */
    assert_int_equal(status_of(t, 1, body, strlen(body)), 200);
    free(body);
    /* a body over the limit */
    char *huge = calloc(1, 5000);
    memset(huge, ' ', 4999);
    assert_int_equal(status_of(t, 0, huge, 4999), 413);
    free(huge);
    /* bodies that are not the request object */
    const char *bad[] = {"", "not json", "[1]", "5", "{\"lang\":\"zh\"}", "{\"source\": 5}", "{\"source\":\"x\",\"lang\":\"fr\"}",
                         "{\"source\":\"x\"", "{\"source\":\"x\"} {}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(status_of(t, i % 2, bad[i], strlen(bad[i])), 400);
    /* unknown keys, nested or not, are ignored */
    const char extra[] = "{\"x\":{\"source\":1},\"y\":[{\"lang\":2}],\"source\":\"policy \\\"t\\\" version \\\"1\\\" year 2024\\napplicant { id: string }\\n\"}";
    assert_int_equal(status_of(t, 0, extra, strlen(extra)), 200);
    service_try_free(t);
}

/* a time budget too small for the completeness checks stops the compilation with an error, not a hang */
static void test_over_budget_compile_is_an_error(void **state)
{
    (void)state;
    size_t len;
    char *source = read_whole_file("policies/suzhou-2024.pol", &len);
    service_try_limits limits = {0};
    limits.max_compile_seconds = 1e-9;
    service_try *t = service_try_new(&limits);
    char *body = request_body(source, len, "en", NULL, 0);
    for (int round = 0; round < 2; round++) { /* never kept: the second compiles again, and fails again */
        service_try_answer a;
        service_try_compile(t, body, strlen(body), &a);
        assert_int_equal(a.status, 200);
        yajl_val v = parse_answer(&a);
        assert_true(YAJL_IS_FALSE(get(v, "ok")));
        const char *text = YAJL_GET_STRING(get(v, "text"));
        assert_non_null(text);
        assert_non_null(strstr(text, "time budget"));
        yajl_tree_free(v);
        service_try_answer_free(&a);
    }
    free(body);
    free(source);
    service_try_free(t);
}

/* threads compiling and deciding more distinct sources than the cache keeps: every answer right */
typedef struct worker_arg {
    service_try *t;
    int id;
    int failures;
} worker_arg;

static void *worker(void *p)
{
    worker_arg *w = p;
    for (int i = 0; i < 40; i++) {
        char source[256];
        int n = (w->id * 7 + i) % 12;
        snprintf(source, sizeof source,
                 "policy \"p%d\" version \"1\" year 2024\napplicant { id: string  n: int }\n"
                 "output status = \"s%d\"\n",
                 n, n);
        const char rec[] = "{\"id\":\"a\",\"n\":1}\n";
        char *body = request_body(source, strlen(source), "en", rec, strlen(rec));
        service_try_answer a;
        service_try_decide(w->t, body, strlen(body), &a);
        char want[64];
        snprintf(want, sizeof want, "\\\"s%d\\\"", n);
        /* more compilations may run at once than there are threads: never 503 here */
        if (a.status != 200 || !strstr(a.body, want))
            w->failures++;
        service_try_answer_free(&a);
        free(body);
    }
    return NULL;
}

static void test_cache_shared_by_threads(void **state)
{
    (void)state;
    service_try_limits limits = {0};
    limits.cache_entries = 4;
    limits.max_compiles = 8;
    service_try *t = service_try_new(&limits);
    pthread_t threads[4];
    worker_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (worker_arg){t, i, 0};
        assert_int_equal(pthread_create(&threads[i], NULL, worker, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(args[i].failures, 0);
    }
    service_try_free(t);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: test_try POLC POLVM RECORDS.jsonl\n");
        return 2;
    }
    polc_path = argv[1];
    polvm_path = argv[2];
    records_path = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_policy_compiles_as_polc_does),
        cmocka_unit_test(test_broken_policy_diagnostics_in_both_languages),
        cmocka_unit_test(test_decisions_are_polvm_s),
        cmocka_unit_test(test_decide_with_a_broken_policy_is_422),
        cmocka_unit_test(test_limits_and_bad_bodies),
        cmocka_unit_test(test_over_budget_compile_is_an_error),
        cmocka_unit_test(test_cache_shared_by_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
