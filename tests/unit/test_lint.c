/* test_lint.c: the checks that warn (completeness and `unrouted`, unreachable rules, unused declarations,
 * attributes outputs need, dates outside the year), --werror, and the Chinese message catalogue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "compile_helper.h"

typedef struct linted {
    int errors, warnings;
    char *messages;
} linted;

static linted lint(const char *source, diag_lang lang, int werror)
{
    linted l;
    memset(&l, 0, sizeof l);
    size_t size = 0;
    FILE *out = open_memstream(&l.messages, &size);
    diag_ctx *diag = diag_new("test.pol", source, strlen(source), out);
    diag_set_lang(diag, lang);
    diag_set_werror(diag, werror);
    ast_tree *tree = parse_source("test.pol", source, strlen(source), diag);
    check_result *checked = check_tree(tree, diag, source, strlen(source));
    l.errors = diag_error_count(diag);
    l.warnings = diag_warning_count(diag);
    check_free(checked);
    ast_tree_free(tree);
    diag_free(diag);
    fclose(out);
    return l;
}

static void expect_texts(const linted *l, const char *const *texts)
{
    for (; *texts; texts++) {
        if (!strstr(l->messages, *texts))
            print_message("missing '%s' in:\n%s", *texts, l->messages);
        assert_non_null(strstr(l->messages, *texts));
    }
}

/* Every entity used, every combination routed or declared: a policy the checks are silent about */
#define COMPLETE_RULES                                                                                         \
    "output phone = routed.phone\n"                                                                            \
    "route 机械, 电子信息 * -> 苏州市专业技术人员服务中心\n"                                                    \
    "route 机械 中级 where region == 吴江 -> 吴江区职称评价中心\n"                                              \
    "route 电子信息 中级 where region == 昆山 -> 昆山市人社局\n"                                                \
    "clause 一 {\n"                                                                                            \
    "  unrouted 质量 * : \"本通知不含质量\"\n"                                                                  \
    "}\n"                                                                                                      \
    "for each p in papers { warning when p.similarity > 30 : \"查重率过高\" }\n"                               \
    "warning when exceptional : \"破格\"\n"                                                                    \
    "warning when year(current_title_date) > 2020 and integrity_record_date != null : \"x\"\n"

static void a_complete_policy_is_silent(void **state)
{
    (void)state;
    linted l = lint(TEST_POLICY_HEAD COMPLETE_RULES, DIAG_LANG_EN, 0);
    if (l.warnings || l.errors)
        print_message("%s", l.messages);
    assert_int_equal(l.errors, 0);
    assert_int_equal(l.warnings, 0);
    free(l.messages);
}

static void gaps_are_listed_compactly(void **state)
{
    (void)state;
    linted l = lint(TEST_POLICY_HEAD "output phone = routed.phone\n"
                                     "route 机械 中级, 初级 where region in {市本级, 工业园区} -> 苏州市专业技术人员服务中心\n"
                                     "route 电子信息 * -> 吴江区职称评价中心\n"
                                     "route 电子信息 中级 where region == 昆山 -> 昆山市人社局\n",
                    DIAG_LANG_EN, 0);
    assert_int_equal(l.errors, 0);
    /* 机械 高级 and all of 质量 have no route for any region; 机械 中级, 初级 lack two regions */
    const char *texts[] = {"not routed and not declared unrouted: 机械 初级, 中级: 吴江, 昆山",
                           "not routed and not declared unrouted: 机械, 质量 高级: all regions",
                           "not routed and not declared unrouted: 质量 初级, 中级: all regions",
                           "unrouted 机械, 质量 高级 : \"REASON\"", "unrouted 机械 初级, 中级 where region in {吴江, 昆山} : \"REASON\"", NULL};
    if (l.warnings != 3)
        print_message("%s", l.messages);
    expect_texts(&l, texts);
    assert_int_equal(l.warnings, 3);
    free(l.messages);
}

static void unrouted_declarations_close_gaps_and_must_not_contradict_routes(void **state)
{
    (void)state;
    linted l = lint(TEST_POLICY_HEAD "output phone = routed.phone\n"
                                     "route * * -> 苏州市专业技术人员服务中心\n"
                                     "route * 初级 where region == 吴江 -> 吴江区职称评价中心\n"
                                     "route * 中级 where region == 昆山 -> 昆山市人社局\n"
                                     "unrouted 质量 高级 where region == 吴江 : \"x\"\n",
                    DIAG_LANG_EN, 0);
    const char *texts[] = {"test.pol:25:1: warning: this says records such as specialty=质量, level=高级, "
                           "region=吴江 are not handled, but the route on line 22 routes them",
                           NULL};
    expect_texts(&l, texts);
    assert_int_equal(l.warnings, 1);
    free(l.messages);
}

static void a_route_hidden_by_its_exceptions_never_applies(void **state)
{
    (void)state;
    linted l = lint(TEST_POLICY_HEAD "output phone = routed.phone\n"
                                     "route * * -> 苏州市专业技术人员服务中心\n"
                                     "route 机械 中级 where region != 昆山 -> 吴江区职称评价中心\n"
                                     "route 机械 中级 where region in {市本级, 吴江} -> 昆山市人社局\n"
                                     "route 机械 中级 where region == 工业园区 -> 吴江区职称评价中心\n",
                    DIAG_LANG_EN, 0);
    const char *texts[] = {"test.pol:23:1: warning: this route never applies", NULL};
    expect_texts(&l, texts);
    assert_int_equal(l.warnings, 1);
    free(l.messages);
}

static void a_finding_that_can_never_fire_is_reported(void **state)
{
    (void)state;
    linted l = lint(TEST_POLICY_HEAD COMPLETE_RULES "violation when level == 中级 and level == 高级 : \"x\"\n"
                                                    "todo when exceptional and not exceptional : \"y\"\n"
                                                    "todo when level == 中级 or level == 高级 : \"fine\"\n",
                    DIAG_LANG_EN, 0);
    const char *texts[] = {"test.pol:31:16: warning: this condition can never hold: the finding never fires",
                           "test.pol:32:11: warning: this condition can never hold", NULL};
    expect_texts(&l, texts);
    assert_int_equal(l.warnings, 2);
    free(l.messages);
}

static void unused_declarations_are_reported(void **state)
{
    (void)state;
    linted l = lint(TEST_POLICY_HEAD COMPLETE_RULES "const 旧截止 = 2024-04-30\n"
                                                    "const 新截止 = 2024-05-31\n"
                                                    "let 没用 = level == 中级\n"
                                                    "output deadline = 新截止\n"
                                                    "record 奖项 { name: string }\n"
                                                    "entity 协会 { phone: string? }\n"
                                                    "部门 闲置部门 { phone = \"1\" }\n",
                    DIAG_LANG_EN, 0);
    const char *texts[] = {"warning: constant '旧截止' is never used", "warning: let '没用' is never used",
                           "warning: record '奖项' is never used", "warning: entity type '协会' is never used",
                           "warning: entity '闲置部门' is never used", NULL};
    expect_texts(&l, texts);
    assert_null(strstr(l.messages, "新截止' is never used"));
    assert_int_equal(l.warnings, 5);
    free(l.messages);
}

static void an_output_reading_a_missing_attribute_is_reported(void **state)
{
    (void)state;
    const char *source =
        "policy \"t\" version \"1\" year 2024\n"
        "enum 级别 { 中级 高级 }\n"
        "applicant { level: 级别 }\n"
        "entity 部门 { address: string? }\n"
        "部门 甲 { address = \"a\" }\n"
        "部门 乙 { }\n"
        "部门 丙 { address = null }\n"
        "entity 评委会 { receiver: 部门 }\n"
        "评委会 中评委 { receiver = 乙 }\n"
        "评委会 高评委 { receiver = 丙 }\n"
        "评委会 备用 { receiver = 甲 }\n"
        "routing by level -> 评委会\n"
        "route 中级 -> 中评委\n"
        "route 高级 -> 高评委\n"
        "output receiver = routed.receiver\n"
        "output address = receiver.address\n"
        "output spare = 备用.receiver\n";
    linted l = lint(source, DIAG_LANG_EN, 0);
    const char *texts[] = {"test.pol:6:6: warning: 乙 has no 'address', which output 'address' reads (line 16)",
                           "write `address = null` if the notice gives none", NULL};
    expect_texts(&l, texts);
    assert_int_equal(l.warnings, 1); /* 丙 says null explicitly; 甲 has it */
    free(l.messages);
}

static void dates_outside_the_year_are_reported(void **state)
{
    (void)state;
    linted l = lint(TEST_POLICY_HEAD COMPLETE_RULES "const 去年截止 = 2023-12-31\n"
                                                    "const 前年截止 = 2022-12-31\n"
                                                    "output a = 去年截止\n"
                                                    "output b = 前年截止\n",
                    DIAG_LANG_EN, 0);
    const char *texts[] = {"test.pol:32:18: warning: the date in 前年截止 is in 2022, but the policy is for 2024",
                           NULL};
    expect_texts(&l, texts);
    assert_int_equal(l.warnings, 1);
    free(l.messages);
}

static void werror_makes_warnings_errors(void **state)
{
    (void)state;
    linted l = lint(TEST_POLICY_HEAD COMPLETE_RULES "const 前年截止 = 2022-12-31\noutput b = 前年截止\n",
                    DIAG_LANG_EN, 1);
    assert_int_equal(l.errors, 1);
    assert_int_equal(l.warnings, 0);
    assert_non_null(strstr(l.messages, "test.pol:31:18: error: the date in 前年截止"));
    free(l.messages);
}

static void chinese_messages(void **state)
{
    (void)state;
    linted l = lint(TEST_POLICY_HEAD "output phone = routed.phone\n"
                                     "route 机戒 * -> 苏州市专业技术人员服务中心\n",
                    DIAG_LANG_ZH, 0);
    const char *misspelt[] = {"test.pol:22:7: 错误: 未知的专业的取值“机戒”；是否想写“机械”？", NULL};
    expect_texts(&l, misspelt);
    free(l.messages);
    l = lint(TEST_POLICY_HEAD "output phone = routed.phone\n"
                              "route 电子信息 * -> 吴江区职称评价中心\n"
                              "route 电子信息 * -> 吴江区职称评价中心\n",
             DIAG_LANG_ZH, 0);
    const char *twice[] = {"test.pol:23:1: 错误: 这条路由与第 22 行的路由匹配的记录完全相同", "附注: 另一条路由", NULL};
    expect_texts(&l, twice);
    free(l.messages);
    l = lint("policy \"t\" year 2024\nenum 级别 { 中级 }\napplicant { level: 级别 }\nlet x = level ==\n",
             DIAG_LANG_ZH, 0);
    const char *syntax[] = {"错误: 语法错误：此处不应出现文件结尾", NULL};
    expect_texts(&l, syntax);
    free(l.messages);
}

/* The conversions of a format, in argument order: 's', 'd', ... ('*' for a precision taken from an argument) */
static int conversions(const char *fmt, char *kinds, int max)
{
    int n = 0, positional = 0;
    char slots[32] = {0};
    for (const char *p = fmt; *p; p++) {
        if (*p != '%')
            continue;
        p++;
        if (*p == '%')
            continue;
        int pos = 0;
        const char *q = p;
        while (*q >= '0' && *q <= '9')
            pos = pos * 10 + (*q++ - '0');
        if (*q == '$') {
            positional = 1;
            p = q + 1;
        } else {
            pos = 0;
        }
        while (*p && strchr("-+ #0123456789.*$lhzjt", *p)) {
            if (*p == '*') {
                int ppos = 0;
                const char *r = p + 1;
                while (*r >= '0' && *r <= '9')
                    ppos = ppos * 10 + (*r++ - '0');
                if (*r == '$' && ppos > 0 && ppos < 32)
                    slots[ppos] = '*';
                else if (n < max)
                    kinds[n++] = '*';
            }
            p++;
        }
        char k = (*p == 'i') ? 'd' : (*p == 'X' || *p == 'x' || *p == 'u') ? 'u' : *p;
        if (positional && pos > 0 && pos < 32)
            slots[pos] = k;
        else if (n < max)
            kinds[n++] = k;
    }
    if (positional) {
        n = 0;
        for (int i = 1; i < 32 && slots[i]; i++)
            kinds[n++] = slots[i];
    }
    return n;
}

static void every_translation_takes_the_same_arguments(void **state)
{
    (void)state;
    assert_true(diag_catalog_size() > 150);
    for (size_t i = 0; i < diag_catalog_size(); i++) {
        const char *en, *zh;
        diag_catalog_entry(i, &en, &zh);
        char a[32], b[32];
        int na = conversions(en, a, 32), nb = conversions(zh, b, 32);
        if (na != nb || memcmp(a, b, (size_t)na) != 0)
            print_message("arguments differ:\n  %s\n  %s\n", en, zh);
        assert_int_equal(na, nb);
        assert_memory_equal(a, b, (size_t)na);
        for (size_t j = 0; j < i; j++) {
            const char *other, *unused;
            diag_catalog_entry(j, &other, &unused);
            assert_string_not_equal(en, other);
        }
    }
}

static void the_language_follows_the_environment(void **state)
{
    (void)state;
    setenv("LC_ALL", "", 1);
    setenv("LC_MESSAGES", "", 1);
    setenv("LANG", "zh_CN.UTF-8", 1);
    assert_int_equal(diag_lang_from_env(), DIAG_LANG_ZH);
    setenv("LC_ALL", "en_US.UTF-8", 1);
    assert_int_equal(diag_lang_from_env(), DIAG_LANG_EN);
    setenv("LC_ALL", "", 1);
    setenv("LC_MESSAGES", "zh_TW.UTF-8", 1);
    setenv("LANG", "C", 1);
    assert_int_equal(diag_lang_from_env(), DIAG_LANG_ZH);
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
    unsetenv("LC_ALL");
    assert_int_equal(diag_lang_from_env(), DIAG_LANG_EN);
}

int main(void)
{
    (void)compile_text; /* compile_helper.h is included for TEST_POLICY_HEAD */
    (void)compiled_free;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_complete_policy_is_silent),
        cmocka_unit_test(gaps_are_listed_compactly),
        cmocka_unit_test(unrouted_declarations_close_gaps_and_must_not_contradict_routes),
        cmocka_unit_test(a_route_hidden_by_its_exceptions_never_applies),
        cmocka_unit_test(a_finding_that_can_never_fire_is_reported),
        cmocka_unit_test(unused_declarations_are_reported),
        cmocka_unit_test(an_output_reading_a_missing_attribute_is_reported),
        cmocka_unit_test(dates_outside_the_year_are_reported),
        cmocka_unit_test(werror_makes_warnings_errors),
        cmocka_unit_test(chinese_messages),
        cmocka_unit_test(every_translation_takes_the_same_arguments),
        cmocka_unit_test(the_language_follows_the_environment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
