/* test_ptest.c: polc test: a passing and a failing .poltest against a small policy, and the exact report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fmt.h"
#include "format.h"
#include "pol.h"
#include "ptest_internal.h"

static const char policy[] =
    "policy \"t\" version \"1\" year 2024\n"
    "enum 级别 { 初级 中级 }\n"
    "enum 状态 { ok bad }\n"
    "entity 部门 { phone: string? }\n"
    "部门 中心 { phone = \"123\" }\n"
    "applicant { id: string  level: 级别  n: int = 0 }\n"
    "routing by level -> 部门\n"
    "route 中级 -> 中心\n"
    "clause 一 { warning when routed == null : \"{level}无人受理\" }\n"
    "clause 三(一) { violation when n < 4 : \"只有{n}年\" }\n"
    "output id: string = id\n"
    "output phone: string? = routed.phone\n"
    "output status: 状态 = if findings(violation) > 0 then bad else ok\n";

static pol_program *load_policy(void)
{
    FILE *sink = fopen("/dev/null", "w");
    diag_ctx *d = diag_new("t.pol", policy, strlen(policy), sink);
    fmt_compiled c;
    assert_int_equal(fmt_compile("t.pol", policy, strlen(policy), d, &c), 0);
    uint8_t *bytes;
    size_t len;
    assert_int_equal(polF_dump(c.program, &bytes, &len), 0);
    pol_program *p = NULL;
    char err[256];
    assert_int_equal(pol_program_load(bytes, len, NULL, &p, err, sizeof err), POL_OK);
    free(bytes);
    fmt_compiled_free(&c);
    diag_free(d);
    fclose(sink);
    return p;
}

/* run cases, return the exit status; *report gets what polc test printed (malloc'd) */
static int run(const char *cases, char **report)
{
    pol_program *p = load_policy();
    size_t size = 0;
    FILE *out = open_memstream(report, &size);
    int status = ptest_run(p, "t.poltest", cases, strlen(cases), out);
    fclose(out);
    pol_program_free(p);
    return status;
}

static void passing_cases(void **state)
{
    (void)state;
    const char *cases = "# a comment\n"
                        "base {\"id\": \"b\", \"level\": \"中级\", \"n\": 4}\n"
                        "\n"
                        "case 一 中级有人受理\n"
                        "  record {}\n"
                        "  expect phone = \"123\"\n"
                        "  expect status = \"ok\"\n"
                        "  findings none\n"
                        "case 三(一) 三年不够\n"
                        "  record {\"n\": 3, \"level\": \"初级\"}\n"
                        "  expect phone = null\n"
                        "  findings 三(一) violation, 一 warning\n";
    char *report;
    assert_int_equal(run(cases, &report), 0);
    assert_string_equal(report, "t.poltest: 2 cases, 2 passed, 0 failed\n");
    free(report);
}

static void failing_cases_say_what_and_why(void **state)
{
    (void)state;
    const char *cases = "base {\"id\": \"b\", \"level\": \"中级\", \"n\": 4}\n"
                        "case 三(一) 期望错了\n"
                        "  record {\"n\": 2}\n"
                        "  expect status = \"ok\"\n"
                        "  expect phone = \"123\"\n"
                        "  findings none\n"
                        "case 一 不存在的字段\n"
                        "  record {\"level\": \"初级\"}\n"
                        "  expect committee = null\n"
                        "case 一 记录有误\n"
                        "  record {\"level\": \"高级\"}\n"
                        "  expect status = \"ok\"\n"
                        "case 一 通过\n"
                        "  record {}\n"
                        "  findings none\n";
    char *report;
    assert_int_equal(run(cases, &report), 1);
    const char *expected_first = "t.poltest:2: FAIL case 三(一) 期望错了\n"
                                 "  status: expected \"ok\", got \"bad\"\n"
                                 "  findings: expected none, got 三(一) violation\n"
                                 "  rules that fired:\n"
                                 "    三(一) violation (line 10): 只有2年\n"
                                 "t.poltest:7: FAIL case 一 不存在的字段\n"
                                 "  committee: the decision has no such field\n"
                                 "  rules that fired:\n"
                                 "    一 warning (line 9): 初级无人受理\n"
                                 "t.poltest:10: FAIL case 一 记录有误\n"
                                 "  the record is not decided: level: "; /* the binder's words follow */
    assert_memory_equal(report, expected_first, strlen(expected_first));
    const char *summary = "t.poltest: 4 cases, 1 passed, 3 failed\n";
    assert_string_equal(report + strlen(report) - strlen(summary), summary);
    free(report);
}

static void malformed_lines_fail(void **state)
{
    (void)state;
    char *report;
    assert_int_equal(run("record {}\ncase 一 x\n  record {\"id\":\"a\",\"level\":\"中级\",\"n\":5}\n  expect status = ok\n", &report), 1);
    assert_non_null(strstr(report, "t.poltest:1: expected `base {...}` or `case CLAUSE name` here\n"));
    assert_non_null(strstr(report, "t.poltest:4: the expected value is not one JSON value"));
    free(report);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(passing_cases),
        cmocka_unit_test(failing_cases_say_what_and_why),
        cmocka_unit_test(malformed_lines_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
