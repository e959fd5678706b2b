/* test_diff.c: poldiff's semantic diff (compiler/audit): equivalent policies (rules reordered, lets renamed) give
 * no difference; each kind of change is found, in its section, and nothing else is; impact counts records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <unistd.h>

#include "audit.h"
#include "compile_helper.h"

static const char base_policy[] =
    "policy \"t\" version \"1\" year 2024\n"
    "enum 专业 { 机械 电子信息 质量 }\n"
    "enum 级别 { 初级 中级 高级 }\n"
    "enum 地区 { 市本级 吴江 昆山 }\n"
    "record 论文 { title: string  similarity: number }\n"
    "applicant {\n"
    "  id: string\n"
    "  specialty: 专业\n"
    "  level: 级别\n"
    "  region: 地区\n"
    "  exceptional: bool = false\n"
    "  papers: list 论文\n"
    "}\n"
    "entity 部门 { phone: string?  deadline: date? }\n"
    "部门 市中心 { phone = \"1111\"  deadline = 2024-04-30 }\n"
    "部门 吴江中心 { phone = \"2222\"  deadline = 2024-04-30 }\n"
    "部门 昆山中心 { phone = \"3333\"  deadline = 2024-05-10 }\n"
    "const 上限 = 30\n"
    "routing by specialty, level -> 部门\n"
    "clause 一 \"受理\" {\n"
    "  route 机械, 电子信息 中级, 初级 -> 市中心\n"
    "  route 机械 中级, 初级 where region == 吴江 -> 吴江中心\n"
    "  route 电子信息 高级 -> 昆山中心\n"
    "  warning when routed == null : \"{specialty}{level}无受理部门\"\n"
    "}\n"
    "clause 二 \"破格\" {\n"
    "  let 高档 = level == 高级\n"
    "  violation when 高档 and not exceptional : \"高级须破格\"\n"
    "}\n"
    "clause 三 \"论文\" {\n"
    "  for each p in papers {\n"
    "    violation when p.similarity > 上限 : \"论文《{p.title}》查重率{p.similarity}%，超过30%\"\n"
    "  }\n"
    "  todo when count(p in papers) == 0 : \"请提交论文\"\n"
    "}\n"
    "output id: string = id\n"
    "output phone: string? = routed.phone\n"
    "output deadline: date? = routed.deadline\n"
    "output flagged: bool = 高档\n";

/* base_policy with each (from, to) pair replaced once; NULL-terminated pairs */
static char *edit(const char *first, ...)
{
    char *s = strdup(base_policy);
    va_list ap;
    va_start(ap, first);
    for (const char *from = first; from; from = va_arg(ap, const char *)) {
        const char *to = va_arg(ap, const char *);
        char *at = strstr(s, from);
        if (!at)
            fail_msg("edit: \"%s\" is not in the policy", from);
        size_t head = (size_t)(at - s), fl = strlen(from), tl = strlen(to), n = strlen(s);
        char *t = malloc(n - fl + tl + 1);
        memcpy(t, s, head);
        memcpy(t + head, to, tl);
        memcpy(t + head + tl, at + fl, n - head - fl + 1);
        free(s);
        s = t;
    }
    va_end(ap);
    return s;
}

typedef struct diffed {
    audit_changes changes;
    audit_prog old, new_;
    compiled a, b;
} diffed;

static void diff(diffed *d, const char *old_src, const char *new_src)
{
    memset(d, 0, sizeof *d);
    d->a = compile_text(old_src);
    d->b = compile_text(new_src);
    if (!d->a.bytes || !d->b.bytes)
        fail_msg("does not compile:\n%s%s", d->a.messages, d->b.messages);
    assert_int_equal(audit_load_bytes(&d->old, d->a.bytes, d->a.len, "old.pbc"), 0);
    assert_int_equal(audit_load_bytes(&d->new_, d->b.bytes, d->b.len, "new.pbc"), 0);
    audit_diff_header(&d->old, &d->new_, &d->changes);
    audit_diff_schema(&d->old, &d->new_, &d->changes);
    audit_diff_entities(&d->old, &d->new_, &d->changes);
    assert_int_equal(audit_diff_routes(&d->old, &d->new_, &d->changes), 0);
    audit_diff_rules(&d->old, &d->new_, &d->changes);
}

static void diffed_free(diffed *d)
{
    audit_changes_free(&d->changes);
    audit_unload(&d->old);
    audit_unload(&d->new_);
    compiled_free(&d->a);
    compiled_free(&d->b);
}

/* Exactly one difference, in section s, whose text contains each of the given strings (NULL-terminated) */
static void expect_one(diffed *d, audit_section s, ...)
{
    if (audit_count_differences(&d->changes) != 1) {
        char *text = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&text, &len);
        audit_print_text(&d->changes, &d->old, &d->new_, out);
        fclose(out);
        fail_msg("expected one difference, got %zu:\n%s", audit_count_differences(&d->changes), text);
    }
    const audit_change *c = NULL;
    for (size_t i = 0; i < d->changes.n; i++)
        if (d->changes.items[i].section != AUDIT_HEADER)
            c = &d->changes.items[i];
    assert_int_equal(c->section, s);
    va_list ap;
    va_start(ap, s);
    for (const char *want = va_arg(ap, const char *); want; want = va_arg(ap, const char *))
        if (!strstr(c->text, want))
            fail_msg("\"%s\" not in:\n%s", want, c->text);
    va_end(ap);
}

static void test_same_policy_is_equivalent(void **state)
{
    (void)state;
    diffed d;
    diff(&d, base_policy, base_policy);
    assert_int_equal(audit_count_differences(&d.changes), 0);
    diffed_free(&d);
}

static void test_reordered_rules_and_renamed_let_are_equivalent(void **state)
{
    (void)state;
    /* routes swapped, clauses 二 and 三 swapped, the let renamed, the constant inlined, a comment added */
    char *src = edit("  route 机械, 电子信息 中级, 初级 -> 市中心\n  route 机械 中级, 初级 where region == 吴江 -> 吴江中心\n",
                     "  route 机械 中级, 初级 where region == 吴江 -> 吴江中心  # 吴江\n"
                     "  route 机械, 电子信息 中级, 初级 -> 市中心\n",
                     "clause 二 \"破格\" {\n  let 高档 = level == 高级\n  violation when 高档 and not exceptional : \"高级须破格\"\n}\n",
                     "", "output id", "clause 二 \"破格\" {\n  let 高阶 = level == 高级\n  violation when 高阶 and not "
                     "exceptional : \"高级须破格\"\n}\noutput id",
                     "output flagged: bool = 高档", "output flagged: bool = 高阶",
                     "p.similarity > 上限", "p.similarity > 30", NULL);
    diffed d;
    diff(&d, base_policy, src);
    if (audit_count_differences(&d.changes) != 0)
        expect_one(&d, AUDIT_HEADER, NULL); /* prints what was found */
    diffed_free(&d);
    free(src);
}

static void test_entity_attribute_change(void **state)
{
    (void)state;
    char *src = edit("phone = \"2222\"", "phone = \"2229\"", NULL);
    diffed d;
    diff(&d, base_policy, src);
    expect_one(&d, AUDIT_ENTITIES, "吴江中心", "phone \"2222\" -> \"2229\"", NULL);
    diffed_free(&d);
    free(src);
    src = edit("phone = \"3333\"  deadline = 2024-05-10", "phone = \"3333\"  deadline = 2024-05-20", NULL);
    diff(&d, base_policy, src);
    expect_one(&d, AUDIT_ENTITIES, "昆山中心", "deadline 2024-05-10 -> 2024-05-20", NULL);
    diffed_free(&d);
    free(src);
}

static void test_route_retargeted(void **state)
{
    (void)state;
    char *src = edit("where region == 吴江 -> 吴江中心", "where region == 吴江 -> 昆山中心", NULL);
    diffed d;
    diff(&d, base_policy, src);
    expect_one(&d, AUDIT_ROUTES, "route retargeted: 机械 初级, 中级 where region == 吴江: 吴江中心 -> 昆山中心",
               "old: line 22, 一:", "new: line 22, 一:", NULL);
    diffed_free(&d);
    free(src);
}

static void test_committee_accepts_another_specialty(void **state)
{
    (void)state;
    char *src = edit("  route 电子信息 高级 -> 昆山中心\n",
                     "  route 电子信息 高级 -> 昆山中心\n  route 质量 初级 -> 吴江中心\n", NULL);
    diffed d;
    diff(&d, base_policy, src);
    expect_one(&d, AUDIT_ROUTES, "route added: 质量 初级: unrouted -> 吴江中心", "old: unrouted",
               "new: line 24, 一: route 质量 初级 -> 吴江中心", NULL);
    diffed_free(&d);
    free(src);
}

/* A route whose condition reads a bool field: the condition is found from the routing code and enumerated */
static void test_route_on_a_bool_condition(void **state)
{
    (void)state;
    char *src = edit("  route 电子信息 高级 -> 昆山中心\n",
                     "  route 电子信息 高级 -> 昆山中心\n  route 机械, 质量 高级 where exceptional and region != 昆山 -> 市中心\n",
                     NULL);
    diffed d;
    diff(&d, base_policy, src);
    expect_one(&d, AUDIT_ROUTES,
               "route added: 机械, 质量 高级 where region != 昆山 and exceptional == true: unrouted -> 市中心", NULL);
    diffed_free(&d);
    free(src);
}

static void test_route_removed(void **state)
{
    (void)state;
    char *src = edit("  route 电子信息 高级 -> 昆山中心\n", "", NULL);
    diffed d;
    diff(&d, base_policy, src);
    expect_one(&d, AUDIT_ROUTES, "route removed: 电子信息 高级: 昆山中心 -> unrouted", NULL);
    diffed_free(&d);
    free(src);
}

static void test_finding_threshold_and_message(void **state)
{
    (void)state;
    char *src = edit("const 上限 = 30", "const 上限 = 25", NULL);
    diffed d;
    diff(&d, base_policy, src);
    expect_one(&d, AUDIT_FINDINGS, "finding changed: 三 violation (condition)", NULL);
    diffed_free(&d);
    free(src);
    src = edit("超过30%", "超过三成", NULL);
    diff(&d, base_policy, src);
    expect_one(&d, AUDIT_FINDINGS, "finding changed: 三 violation (message)", "new message: 论文《{}》查重率{}%，超过三成",
               NULL);
    diffed_free(&d);
    free(src);
}

static void test_finding_condition_through_a_let(void **state)
{
    (void)state;
    char *src = edit("let 高档 = level == 高级", "let 高档 = level != 初级", NULL);
    diffed d;
    diff(&d, base_policy, src);
    /* the violation and the output that read the let both change; the let is named */
    assert_int_equal(audit_count_differences(&d.changes), 2);
    size_t findings = 0, outputs = 0;
    for (size_t i = 0; i < d.changes.n; i++) {
        findings += d.changes.items[i].section == AUDIT_FINDINGS;
        outputs += d.changes.items[i].section == AUDIT_OUTPUTS;
        if (d.changes.items[i].section != AUDIT_HEADER)
            assert_non_null(strstr(d.changes.items[i].text, "new let changed: line 27, 二: let 高档 = level != 初级"));
    }
    assert_int_equal(findings, 1);
    assert_int_equal(outputs, 1);
    diffed_free(&d);
    free(src);
}

static void test_finding_added_and_removed(void **state)
{
    (void)state;
    char *src = edit("  todo when count(p in papers) == 0 : \"请提交论文\"\n", "", NULL);
    diffed d;
    diff(&d, base_policy, src);
    expect_one(&d, AUDIT_FINDINGS, "finding removed: 三 todo", "old message: 请提交论文", NULL);
    diffed_free(&d);
    diff(&d, src, base_policy);
    expect_one(&d, AUDIT_FINDINGS, "finding added: 三 todo", NULL);
    diffed_free(&d);
    free(src);
}

/* An enum value added: reported in the enums; the routes records with that value now get are reported too,
 * marked as being for a value only NEW has; nothing else */
static void test_enum_value_added(void **state)
{
    (void)state;
    char *src = edit("enum 地区 { 市本级 吴江 昆山 }", "enum 地区 { 市本级 吴江 昆山 太仓 }", NULL);
    diffed d;
    diff(&d, base_policy, src);
    size_t enums = 0, routes = 0;
    for (size_t i = 0; i < d.changes.n; i++) {
        const audit_change *c = &d.changes.items[i];
        if (c->section == AUDIT_ENUMS) {
            enums++;
            assert_string_equal(c->text, "enum 地区: value 太仓 added");
        } else if (c->section == AUDIT_ROUTES) {
            routes++;
            assert_non_null(strstr(c->text, "route added (a value only NEW has): "));
            assert_non_null(strstr(c->text, " where region == 太仓: unrouted -> "));
        } else
            assert_int_equal(c->section, AUDIT_HEADER);
    }
    assert_int_equal(enums, 1);
    assert_int_equal(routes, 2); /* 机械, 电子信息 初级, 中级 -> 市中心; 电子信息 高级 -> 昆山中心 */
    diffed_free(&d);
    diff(&d, src, base_policy);
    enums = 0;
    for (size_t i = 0; i < d.changes.n; i++) {
        const audit_change *c = &d.changes.items[i];
        if (c->section == AUDIT_ENUMS)
            assert_string_equal(c->text, "enum 地区: value 太仓 removed"), enums++;
        else if (c->section == AUDIT_ROUTES)
            assert_non_null(strstr(c->text, "route removed (a value only OLD has): "));
        else
            assert_int_equal(c->section, AUDIT_HEADER);
    }
    assert_int_equal(enums, 1);
    diffed_free(&d);
    free(src);
}

static void test_outputs(void **state)
{
    (void)state;
    char *src = edit("output flagged: bool = 高档\n", "output flagged: bool = 高档\noutput late: bool = exceptional\n", NULL);
    diffed d;
    diff(&d, base_policy, src);
    expect_one(&d, AUDIT_OUTPUTS, "output added: late", NULL);
    diffed_free(&d);
    free(src);
    src = edit("output deadline: date? = routed.deadline", "output deadline: date? = routed.deadline at 17:00", NULL);
    diff(&d, base_policy, src);
    expect_one(&d, AUDIT_OUTPUTS, "output changed: deadline (definition)", NULL);
    diffed_free(&d);
    free(src);
}

static void test_impact_counts_records(void **state)
{
    (void)state;
    char *src = edit("phone = \"2222\"", "phone = \"2229\"", NULL);
    diffed d;
    diff(&d, base_policy, src);
    char path[] = "/tmp/test_diff_records_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"id\":\"a\",\"specialty\":\"机械\",\"level\":\"中级\",\"region\":\"吴江\"}\n"
          "{\"id\":\"b\",\"specialty\":\"机械\",\"level\":\"初级\",\"region\":\"吴江\",\"papers\":[]}\n"
          "{\"id\":\"c\",\"specialty\":\"机械\",\"level\":\"中级\",\"region\":\"昆山\"}\n"
          "\n"
          "{\"id\":\"d\",\"specialty\":\"机械\"}\n",
          f);
    fclose(f);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_int_equal(audit_impact(&d.old, &d.new_, path, 0, out), 1);
    fclose(out);
    assert_non_null(strstr(text, "4 records: 2 decisions change, 1 stay the same, 1 cannot be decided under either"));
    assert_non_null(strstr(text, "output phone \"2222\" -> \"2229\": 2 records\n    2 routed to 吴江中心\n    e.g. a b\n"));
    free(text);
    /* the same program: nothing changes, exit status 0 */
    out = open_memstream(&text, &len);
    assert_int_equal(audit_impact(&d.old, &d.old, path, 1, out), 0);
    fclose(out);
    assert_non_null(strstr(text, "\"changed\": 0"));
    free(text);
    unlink(path);
    diffed_free(&d);
    free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_policy_is_equivalent),
        cmocka_unit_test(test_reordered_rules_and_renamed_let_are_equivalent),
        cmocka_unit_test(test_entity_attribute_change),
        cmocka_unit_test(test_route_retargeted),
        cmocka_unit_test(test_committee_accepts_another_specialty),
        cmocka_unit_test(test_route_on_a_bool_condition),
        cmocka_unit_test(test_route_removed),
        cmocka_unit_test(test_finding_threshold_and_message),
        cmocka_unit_test(test_finding_condition_through_a_let),
        cmocka_unit_test(test_finding_added_and_removed),
        cmocka_unit_test(test_enum_value_added),
        cmocka_unit_test(test_outputs),
        cmocka_unit_test(test_impact_counts_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
