/* test_polc_api.c: the compiler as a library (compiler/api/polc_api.h): the bytes, the diagnostics as text and
 * one by one in both languages, the policy's checks as warnings, and the size and time budgets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "compile_helper.h"
#include "polc_api.h"
#include "read_file.h"

/* two mistakes on lines 3 and 4: the parser recovers and reports both */
static const char broken[] = "policy \"t\" version \"1\" year 2024\n"
                             "enum 级别 { 初级 中级 }\n"
                             "applicant { level: 级别  since = date }\n"
                             "clause 三 \"继续教育\" { violation when level == 中级 \"消息\" }\n";

static void test_good_policy_gives_the_bytes(void **state) {
    (void)state;
    size_t len;
    char *text = read_whole_file("policies/suzhou-2024.pol", &len);
    assert_non_null(text);
    polc_result r;
    assert_int_equal(polc_compile("suzhou-2024.pol", text, len, NULL, &r), POLC_OK);
    assert_int_equal(r.errors, 0);
    assert_non_null(r.pbc);
    /* the pipeline written out independently in the test helper gives the same bytes */
    compiled c = compile_text(text);
    assert_non_null(c.bytes);
    assert_int_equal(r.pbc_size, c.len);
    assert_memory_equal(r.pbc, c.bytes, c.len);
    assert_string_equal(r.text, "");
    compiled_free(&c);
    polc_result_free(&r);
    free(text);
}

static void test_errors_at_their_lines_and_columns(void **state) {
    (void)state;
    polc_result r;
    polc_options en = {POLC_LANG_EN, 0, 0, 0, NULL};
    assert_int_equal(polc_compile("try.pol", broken, strlen(broken), &en, &r), POLC_ERRORS);
    assert_null(r.pbc);
    assert_int_equal(r.errors, 2);
    size_t errors = 0;
    for (size_t i = 0; i < r.ndiagnostics; i++) {
        const polc_diagnostic *d = &r.diagnostics[i];
        if (d->level != POLC_ERROR) continue;
        errors++;
        if (errors == 1) {
            /* `since = date`: "applicant { level: 级别  " is 25 display columns (级别 counts 4) */
            assert_int_equal(d->line, 3);
            assert_int_equal(d->column, 32);
            assert_non_null(strstr(d->message, "syntax error"));
        } else {
            assert_int_equal(d->line, 4);
            assert_non_null(strstr(d->message, "unexpected string"));
        }
        assert_true(d->end_column > d->column);
    }
    assert_int_equal(errors, 2);
    /* the text is what polc prints: file:line:col, the source line, the caret under the column */
    assert_non_null(strstr(r.text, "try.pol:3:32: error: syntax error"));
    assert_non_null(strstr(r.text, "applicant { level: 级别  since = date }\n"));
    assert_non_null(strstr(r.text, "\n                               ^"));
    polc_result_free(&r);

    polc_options zh = {POLC_LANG_ZH, 0, 0, 0, NULL};
    assert_int_equal(polc_compile("try.pol", broken, strlen(broken), &zh, &r), POLC_ERRORS);
    assert_non_null(strstr(r.text, "try.pol:3:32: 错误: "));
    assert_int_equal(r.diagnostics[0].line, 3);
    assert_int_equal(r.diagnostics[0].column, 32);
    assert_null(strstr(r.diagnostics[0].message, "syntax error"));
    polc_result_free(&r);
}

static void test_checks_are_warnings(void **state) {
    (void)state;
    size_t len;
    char *text = read_whole_file("tests/golden/errors/lint_route_twice.pol", &len);
    assert_non_null(text);
    polc_result r;
    /* the duplicated route is an error there; here the same finding as a check of a policy that compiles */
    polc_options en = {POLC_LANG_EN, 0, 0, 0, NULL};
    polc_compile("lint_route_twice.pol", text, len, &en, &r);
    int found = 0;
    for (size_t i = 0; i < r.ndiagnostics; i++)
        if (r.diagnostics[i].line == 431 && strstr(r.diagnostics[i].message, "says it twice")) found = 1;
    assert_true(found);
    assert_true(r.ndiagnostics >= 2); /* and its note, on line 430 */
    polc_result_free(&r);
    free(text);
}

static void test_size_budget(void **state) {
    (void)state;
    polc_result r;
    polc_options small = {POLC_LANG_EN, 0, 64, 0, NULL};
    assert_int_equal(polc_compile("big.pol", broken, strlen(broken), &small, &r), POLC_REFUSED);
    assert_non_null(strstr(r.reason, "more than the 64 allowed"));
    assert_int_equal(r.ndiagnostics, 0);
    polc_result_free(&r);
}

static void test_time_budget(void **state) {
    (void)state;
    size_t len;
    char *text = read_whole_file("policies/suzhou-2024.pol", &len);
    assert_non_null(text);
    polc_result r;
    /* a budget spent before the route analysis starts: the checks stop with one error, nothing is emitted */
    polc_options hurried = {POLC_LANG_EN, 0, 0, 1e-9, NULL};
    assert_int_equal(polc_compile("suzhou-2024.pol", text, len, &hurried, &r), POLC_ERRORS);
    assert_null(r.pbc);
    int found = 0;
    for (size_t i = 0; i < r.ndiagnostics; i++)
        if (strstr(r.diagnostics[i].message, "time budget")) found++;
    assert_int_equal(found, 1);
    polc_result_free(&r);
    /* a generous budget changes nothing */
    polc_options patient = {POLC_LANG_EN, 0, 0, 60, NULL};
    assert_int_equal(polc_compile("suzhou-2024.pol", text, len, &patient, &r), POLC_OK);
    polc_result_free(&r);
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_policy_gives_the_bytes),
        cmocka_unit_test(test_errors_at_their_lines_and_columns),
        cmocka_unit_test(test_checks_are_warnings),
        cmocka_unit_test(test_size_budget),
        cmocka_unit_test(test_time_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
