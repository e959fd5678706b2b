/* test_emit.c: the code generator, judged by what its bytecode does when the VM runs it, and by its shape:
 * deterministic bytes, routing by index, exceptions before the routes they except. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "compile_helper.h"
#include "pol.h"

typedef struct loaded {
    compiled c;
    pol_program *program;
    pol_context *ctx;
} loaded;

static loaded load_text(const char *source)
{
    loaded l;
    memset(&l, 0, sizeof l);
    l.c = compile_text(source);
    if (l.c.errors)
        print_message("%s", l.c.messages);
    assert_int_equal(l.c.errors, 0);
    char reason[256] = "";
    pol_status s = pol_program_load(l.c.bytes, l.c.len, NULL, &l.program, reason, sizeof reason);
    if (s != POL_OK)
        print_message("load: %s\n", reason);
    assert_int_equal(s, POL_OK);
    assert_int_equal(pol_context_new(l.program, &l.ctx), POL_OK);
    return l;
}

static void loaded_free(loaded *l)
{
    pol_context_free(l->ctx);
    pol_program_free(l->program);
    compiled_free(&l->c);
}

static int slot(const loaded *l, const char *name) { return pol_field_slot(l->program, name, strlen(name)); }

static void set_enum(loaded *l, const char *field, const char *value)
{
    assert_int_equal(pol_set_enum(l->ctx, slot(l, field), value, strlen(value)), POL_OK);
}

/* Bind the required fields of TEST_POLICY_HEAD's applicant */
static void bind(loaded *l, const char *specialty, const char *level, const char *region)
{
    pol_context_reset(l->ctx);
    assert_int_equal(pol_set_string(l->ctx, slot(l, "id"), "A1", 2), POL_OK);
    set_enum(l, "specialty", specialty);
    set_enum(l, "level", level);
    set_enum(l, "region", region);
    assert_int_equal(pol_set_date(l->ctx, slot(l, "current_title_date"), 2018, 7, 1), POL_OK);
}

/* The text of output name after evaluation ("" for null) */
static const char *output_text(loaded *l, const char *name, char *buf, size_t size)
{
    int index = pol_output_index(l->program, name, strlen(name));
    assert_true(index >= 0);
    pol_value v;
    assert_int_equal(pol_output(l->ctx, index, &v), POL_OK);
    switch (v.type) {
    case POL_T_NULL: snprintf(buf, size, "null"); break;
    case POL_T_INT: snprintf(buf, size, "%lld", (long long)v.integer); break;
    case POL_T_BOOL: snprintf(buf, size, "%s", v.boolean ? "true" : "false"); break;
    case POL_T_NUMBER: snprintf(buf, size, "%g", v.number); break;
    case POL_T_DATE:
        if (v.minute >= 0)
            snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d", v.year, v.month, v.day, v.minute / 60, v.minute % 60);
        else
            snprintf(buf, size, "%04d-%02d-%02d", v.year, v.month, v.day);
        break;
    default: snprintf(buf, size, "%.*s", (int)v.length, v.string); break;
    }
    return buf;
}

static const char *routes_with_exceptions =
    TEST_POLICY_HEAD "clause 附件1 {\n"
                     "  route 机械, 电子信息 中级, 初级 -> 苏州市专业技术人员服务中心\n"
                     "  route 机械 中级 where region==吴江 -> 吴江区职称评价中心\n"
                     "  route 机械, 电子信息 中级, 初级 where region == 昆山 -> 昆山市人社局\n"
                     "}\n"
                     "output committee = routed\n"
                     "output phone = routed.phone\n";

static void exceptions_win_over_the_broader_route(void **state)
{
    (void)state;
    loaded l = load_text(routes_with_exceptions);
    char buf[128];
    bind(&l, "机械", "中级", "吴江");
    assert_int_equal(pol_evaluate(l.ctx), POL_OK);
    assert_string_equal(output_text(&l, "committee", buf, sizeof buf), "吴江区职称评价中心");
    assert_string_equal(output_text(&l, "phone", buf, sizeof buf), "63950287");
    bind(&l, "机械", "初级", "吴江"); /* the 吴江 exception is for 中级 only */
    assert_int_equal(pol_evaluate(l.ctx), POL_OK);
    assert_string_equal(output_text(&l, "committee", buf, sizeof buf), "苏州市专业技术人员服务中心");
    bind(&l, "电子信息", "初级", "昆山");
    assert_int_equal(pol_evaluate(l.ctx), POL_OK);
    assert_string_equal(output_text(&l, "committee", buf, sizeof buf), "昆山市人社局");
    assert_string_equal(output_text(&l, "phone", buf, sizeof buf), "null");
    bind(&l, "质量", "高级", "市本级"); /* no route: unrouted, attributes of null are null */
    assert_int_equal(pol_evaluate(l.ctx), POL_OK);
    assert_string_equal(output_text(&l, "committee", buf, sizeof buf), "null");
    assert_string_equal(output_text(&l, "phone", buf, sizeof buf), "null");
    loaded_free(&l);
}

static void compiling_twice_gives_the_same_bytes(void **state)
{
    (void)state;
    compiled a = compile_text(routes_with_exceptions), b = compile_text(routes_with_exceptions);
    assert_int_equal(a.errors, 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.bytes, b.bytes, a.len);
    compiled_free(&a);
    compiled_free(&b);
}

static void findings_and_aggregates_run(void **state)
{
    (void)state;
    loaded l = load_text(TEST_POLICY_HEAD
                         "const 通知日期 = 2024-01-10\n"
                         "clause 八(四) { violation when integrity_record_date + 3 years > 通知日期 : \"诚信\" }\n"
                         "clause 四(二) { for each p in papers {\n"
                         "  violation when p.similarity > 30 : \"论文《{p.title}》查重率{p.similarity}%\"\n"
                         "  warning when not p.first_author : \"论文《{p.title}》非第一作者\" } }\n"
                         "let n = count(y in year(current_title_date) + 1 .. 2023 where y >= 2020)\n"
                         "output counted = n\n"
                         "output total = sum(p.similarity for p in papers)\n"
                         "output until = 2024-04-30 at 17:00\n"
                         "output tenure: int = max(0, years_between(current_title_date, 2023-12-31))\n"
                         "output v: int = findings(violation)\n");
    char buf[128];
    bind(&l, "机械", "中级", "吴江");
    int papers = slot(&l, "papers");
    int title = pol_element_slot(l.program, papers, "title", 5);
    int sim = pol_element_slot(l.program, papers, "similarity", 10);
    int first = pol_element_slot(l.program, papers, "first_author", 12);
    assert_int_equal(pol_list_append(l.ctx, papers, NULL), POL_OK);
    assert_int_equal(pol_set_string(l.ctx, title, "深基坑", strlen("深基坑")), POL_OK);
    assert_int_equal(pol_set_number(l.ctx, sim, 30.1), POL_OK);
    assert_int_equal(pol_list_append(l.ctx, papers, NULL), POL_OK);
    assert_int_equal(pol_set_string(l.ctx, title, "BIM", 3), POL_OK);
    assert_int_equal(pol_set_int(l.ctx, sim, 30), POL_OK);
    assert_int_equal(pol_set_bool(l.ctx, first, 0), POL_OK);
    assert_int_equal(pol_set_date(l.ctx, slot(&l, "integrity_record_date"), 2021, 1, 11), POL_OK);
    assert_int_equal(pol_evaluate(l.ctx), POL_OK);
    assert_int_equal(pol_finding_count(l.ctx), 3);
    pol_finding f;
    assert_int_equal(pol_finding_get(l.ctx, 0, &f), POL_OK);
    assert_string_equal(f.clause, "八(四)");
    assert_int_equal(f.kind, POL_VIOLATION);
    assert_int_equal(pol_finding_get(l.ctx, 1, &f), POL_OK);
    assert_string_equal(f.clause, "四(二)");
    assert_string_equal(f.message, "论文《深基坑》查重率30.1%");
    assert_int_equal(pol_finding_get(l.ctx, 2, &f), POL_OK);
    assert_int_equal(f.kind, POL_WARNING);
    assert_string_equal(f.message, "论文《BIM》非第一作者");
    assert_string_equal(output_text(&l, "counted", buf, sizeof buf), "4"); /* 2020..2023 */
    assert_string_equal(output_text(&l, "total", buf, sizeof buf), "60.1");
    assert_string_equal(output_text(&l, "until", buf, sizeof buf), "2024-04-30T17:00");
    assert_string_equal(output_text(&l, "tenure", buf, sizeof buf), "5");
    assert_string_equal(output_text(&l, "v", buf, sizeof buf), "2");
    loaded_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exceptions_win_over_the_broader_route),
        cmocka_unit_test(compiling_twice_gives_the_same_bytes),
        cmocka_unit_test(findings_and_aggregates_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
