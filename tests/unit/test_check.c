/* test_check.c: the checker: names, types, duplicates, routes (exceptions and overlaps), several errors per run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "compile_helper.h"

static void expect_ok(const char *source)
{
    compiled c = compile_text(source);
    if (c.errors)
        print_message("%s", c.messages);
    assert_int_equal(c.errors, 0);
    assert_non_null(c.bytes);
    compiled_free(&c);
}

/* Compile, expect exactly `errors` errors and each of the texts somewhere in the messages */
static void expect_errors(const char *source, int errors, const char *const *texts)
{
    compiled c = compile_text(source);
    if (c.errors != errors)
        print_message("%s", c.messages);
    assert_int_equal(c.errors, errors);
    for (; *texts; texts++) {
        if (!strstr(c.messages, *texts))
            print_message("missing '%s' in:\n%s", *texts, c.messages);
        assert_non_null(strstr(c.messages, *texts));
    }
    compiled_free(&c);
}

static void design_card_line_is_valid_as_written(void **state)
{
    (void)state;
    expect_ok(TEST_POLICY_HEAD "route 机械 中级 where region==吴江 -> 吴江区职称评价中心\n");
}

static void narrower_route_is_an_exception(void **state)
{
    (void)state;
    expect_ok(TEST_POLICY_HEAD "route 机械 中级 -> 苏州市专业技术人员服务中心\n"
                               "route 机械 中级 where region == 吴江 -> 吴江区职称评价中心\n"
                               "route 机械, 电子信息 中级, 初级 where region in {昆山} -> 昆山市人社局\n");
}

static void partial_overlap_names_both_lines(void **state)
{
    (void)state;
    const char *texts[] = {"test.pol:22:", "the route on line 21", "region=吴江", NULL};
    expect_errors(TEST_POLICY_HEAD "route 机械 中级 where region in {吴江, 昆山} -> 吴江区职称评价中心\n"
                                   "route 机械 * where region in {吴江, 工业园区} -> 昆山市人社局\n",
                  1, texts);
}

static void same_route_twice_is_reported(void **state)
{
    (void)state;
    const char *texts[] = {"says it twice", "line 21", NULL};
    expect_errors(TEST_POLICY_HEAD "route 机械 中级 -> 苏州市专业技术人员服务中心\n"
                                   "route 机械 中级 -> 吴江区职称评价中心\n",
                  1, texts);
}

static void misspelt_names_get_suggestions(void **state)
{
    (void)state;
    const char *texts[] = {"unknown value of 专业 '机戒'; did you mean '机械'?",
                           "unknown value of 地区 '吴江区'; did you mean '吴江'?", NULL};
    expect_errors(TEST_POLICY_HEAD "route 机戒 中级 -> 苏州市专业技术人员服务中心\n"
                                   "route 机械 中级 where region == 吴江区 -> 吴江区职称评价中心\n",
                  2, texts);
}

static void unknown_field_suggests_the_field(void **state)
{
    (void)state;
    const char *texts[] = {"unknown name 'exceptionl'; did you mean 'exceptional'?",
                           "unknown field of 论文 'similarty'; did you mean 'similarity'?", NULL};
    expect_errors(TEST_POLICY_HEAD "clause 五 { warning when exceptionl : \"破格\" }\n"
                                   "clause 四(二) { for each p in papers { violation when p.similarty > 30 : \"x\" } }\n",
                  2, texts);
}

static void type_errors_are_reported(void **state)
{
    (void)state;
    const char *texts[] = {"cannot compare 地区 > int", "'+' needs numbers", "must be a bool", NULL};
    expect_errors(TEST_POLICY_HEAD "violation when region > 3 : \"a\"\n"
                                   "violation when current_title_date + 1 > 2 : \"b\"\n"
                                   "violation when level : \"c\"\n",
                  3, texts);
}

static void duplicates_are_reported_with_the_first(void **state)
{
    (void)state;
    const char *texts[] = {"enum '级别' is defined twice", "first defined here", "entity '昆山市人社局' is defined twice",
                           "enum 地区x lists 'a' twice", NULL};
    expect_errors(TEST_POLICY_HEAD "enum 级别 { x }\n部门 昆山市人社局 { }\nenum 地区x { a b a }\n", 3, texts);
}

static void match_must_cover_every_value(void **state)
{
    (void)state;
    const char *texts[] = {"does not cover 高级", NULL};
    expect_errors(TEST_POLICY_HEAD "output n: int = match level { 初级 -> 1  中级 -> 2 }\n", 1, texts);
    expect_ok(TEST_POLICY_HEAD "output n: int = match level { 初级 -> 1  中级 -> 2  else -> 3 }\n");
}

static void route_conditions_use_enum_fields_only(void **state)
{
    (void)state;
    const char *texts[] = {"a route condition may use only enum and bool fields", NULL};
    expect_errors(TEST_POLICY_HEAD "route 机械 中级 where current_title_date > 2020-01-01 -> 吴江区职称评价中心\n", 1,
                  texts);
}

static void nullable_output_needs_a_nullable_type(void **state)
{
    (void)state;
    const char *texts[] = {"may be null here", NULL};
    expect_errors(TEST_POLICY_HEAD "output phone: string = routed.phone\n", 1, texts);
    expect_ok(TEST_POLICY_HEAD "output phone: string? = routed.phone\noutput p2: string = routed.phone ?? \"无\"\n");
}

static void the_language_constructs_check(void **state)
{
    (void)state;
    expect_ok(TEST_POLICY_HEAD
              "const 通知日期 = 2024-01-10\n"
              "clause 八(四) { violation when integrity_record_date + 3 years > 通知日期 : \"诚信档案\" }\n"
              "clause 四(二) {\n"
              "  for each p in papers {\n"
              "    violation when p.similarity > 30 : \"论文《{p.title}》查重率{p.similarity}%\"\n"
              "  }\n"
              "}\n"
              "let 起 = year(current_title_date) + 1\n"
              "let n = count(y in 起 .. 2023 where any(p in papers where p.first_author))\n"
              "let s = sum(p.similarity for p in papers where not p.first_author)\n"
              "warning when all(p in papers where p.similarity < 10) and n > 1 : \"{n} {s}\"\n"
              "output committee = routed\n"
              "output until = 2024-04-30 at 17:00\n"
              "output tenure: int = max(0, years_between(current_title_date, 2023-12-31))\n"
              "output status: string = if findings(violation) > 0 then \"ineligible\" else \"eligible\"\n");
}

static void outputs_cannot_be_used_by_findings(void **state)
{
    (void)state;
    const char *texts[] = {"findings(...) can be used only in outputs", NULL};
    expect_errors(TEST_POLICY_HEAD "warning when findings(violation) > 0 : \"x\"\n", 1, texts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(design_card_line_is_valid_as_written),
        cmocka_unit_test(narrower_route_is_an_exception),
        cmocka_unit_test(partial_overlap_names_both_lines),
        cmocka_unit_test(same_route_twice_is_reported),
        cmocka_unit_test(misspelt_names_get_suggestions),
        cmocka_unit_test(unknown_field_suggests_the_field),
        cmocka_unit_test(type_errors_are_reported),
        cmocka_unit_test(duplicates_are_reported_with_the_first),
        cmocka_unit_test(match_must_cover_every_value),
        cmocka_unit_test(route_conditions_use_enum_fields_only),
        cmocka_unit_test(nullable_output_needs_a_nullable_type),
        cmocka_unit_test(the_language_constructs_check),
        cmocka_unit_test(outputs_cannot_be_used_by_findings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
