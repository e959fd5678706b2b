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

/* ---- shapes compiled another way than written: the same numbers as the loops written out ---------------- */

#define YEARS_POLICY                                                                                           \
    "policy \"t\" version \"1\" year 2024\n"                                                                    \
    "enum 级别 { 初级 中级 高级 }\n"                                                                           \
    "record 学时 { year: int?  hours: int?  points: int? }\n"                                                 \
    "applicant { id: string  level: 级别  起: int?  止: int?  ce: list 学时 }\n"

static int64_t int_output(loaded *l, const char *name)
{
    pol_value v;
    assert_int_equal(pol_output(l->ctx, pol_output_index(l->program, name, strlen(name)), &v), POL_OK);
    assert_int_equal(v.type, POL_T_INT);
    return v.integer;
}

static int pick(unsigned *seed, int n)
{
    *seed = *seed * 1103515245u + 12345u;
    return (int)((*seed >> 8) % (unsigned)n);
}

/* Bind a random record: years that repeat, nulls, entries outside the range, empty and reversed ranges */
static void bind_years(loaded *l, unsigned *seed)
{
    static const char *const levels[] = {"初级", "中级", "高级"};
    pol_context_reset(l->ctx);
    assert_int_equal(pol_set_string(l->ctx, slot(l, "id"), "R", 1), POL_OK);
    set_enum(l, "level", levels[pick(seed, 3)]);
    if (pick(seed, 10))
        assert_int_equal(pol_set_int(l->ctx, slot(l, "起"), 2014 + pick(seed, 12)), POL_OK);
    if (pick(seed, 10))
        assert_int_equal(pol_set_int(l->ctx, slot(l, "止"), 2010 + pick(seed, 17)), POL_OK);
    int ce = slot(l, "ce"), fields[3];
    const char *names[3] = {"year", "hours", "points"};
    for (int f = 0; f < 3; f++)
        fields[f] = pol_element_slot(l->program, ce, names[f], strlen(names[f]));
    for (int n = pick(seed, 9); n > 0; n--) {
        assert_int_equal(pol_list_append(l->ctx, ce, NULL), POL_OK);
        const int lo[3] = {2012, 0, 0}, span[3] = {14, 30, 1100};
        for (int f = 0; f < 3; f++)
            if (pick(seed, 8))
                assert_int_equal(pol_set_int(l->ctx, fields[f], lo[f] + pick(seed, span[f])), POL_OK);
    }
}

/* count(y in a..b where any(e in L where e.f == y and ...)) runs as one pass over L (aggregate.c), and
 * count(y in a..b) as the range's length: each must give what the loops as written give (`y + 0` and
 * `where true` keep the compiler from recognising the shape) */
static void year_counts_equal_the_loops_written_out(void **state)
{
    (void)state;
    loaded l = load_text(
        YEARS_POLICY
        "let fast = count(y in 起 .. 2023 where any(e in ce where e.year == y and\n"
        "                 (e.hours >= 14 or (y >= 2020 and e.points >= 500))))\n"
        "let slow = count(y in 起 .. 2023 where any(e in ce where e.year == y + 0 and\n"
        "                 (e.hours >= 14 or (y >= 2020 and e.points >= 500))))\n"
        "let fast_bare = count(y in 起 .. 止 where any(e in ce where y == e.year))\n"
        "let slow_bare = count(y in 起 .. 止 where any(e in ce where y + 0 == e.year))\n"
        "output o_fast: int = fast\noutput o_slow: int = slow\n"
        "output o_fast_bare: int = fast_bare\noutput o_slow_bare: int = slow_bare\n"
        "output length: int = count(y in 起 .. 止)\noutput length_slow: int = count(y in 起 .. 止 where true)\n");
    unsigned seed = 11;
    int nonzero = 0;
    for (int i = 0; i < 3000; i++) {
        bind_years(&l, &seed);
        assert_int_equal(pol_evaluate(l.ctx), POL_OK);
        assert_int_equal(int_output(&l, "o_fast"), int_output(&l, "o_slow"));
        assert_int_equal(int_output(&l, "o_fast_bare"), int_output(&l, "o_slow_bare"));
        assert_int_equal(int_output(&l, "length"), int_output(&l, "length_slow"));
        nonzero += int_output(&l, "o_fast") > 1;
    }
    assert_true(nonzero > 300); /* the records exercise the counts, not only zeros */
    loaded_free(&l);
}

/* A let read only behind a rule's first test (`level == 中级 and ...`) is computed only when that test holds
 * (guard.c); the findings must be those of the same policy where the let is also read unguarded */
static void guarded_lets_decide_as_computed_ones(void **state)
{
    (void)state;
    const char *rules = "let 达标 = count(y in 起 .. 2023 where any(e in ce where e.year == y and e.hours >= 14))\n"
                        "clause 三 { violation when level == 中级 and 达标 < 4 : \"只有{达标}年\"\n"
                        "           todo when level in {高级} and 止 != null and 达标 >= 止 - 2010 : \"{达标}\" }\n";
    char guarded[1024], plain[1024];
    snprintf(guarded, sizeof guarded, "%s%s", YEARS_POLICY, rules);
    snprintf(plain, sizeof plain, "%s%soutput 达标年数: int? = 达标\n", YEARS_POLICY, rules);
    loaded a = load_text(guarded), b = load_text(plain);
    unsigned seed_a = 5, seed_b = 5;
    int fired = 0;
    for (int i = 0; i < 3000; i++) {
        bind_years(&a, &seed_a);
        bind_years(&b, &seed_b);
        assert_int_equal(pol_evaluate(a.ctx), POL_OK);
        assert_int_equal(pol_evaluate(b.ctx), POL_OK);
        assert_int_equal(pol_finding_count(a.ctx), pol_finding_count(b.ctx));
        for (size_t k = 0; k < pol_finding_count(a.ctx); k++) {
            pol_finding fa, fb;
            assert_int_equal(pol_finding_get(a.ctx, k, &fa), POL_OK);
            assert_int_equal(pol_finding_get(b.ctx, k, &fb), POL_OK);
            assert_int_equal(fa.kind, fb.kind);
            assert_string_equal(fa.message, fb.message);
            fired++;
        }
    }
    assert_true(fired > 300);
    loaded_free(&a);
    loaded_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exceptions_win_over_the_broader_route),
        cmocka_unit_test(compiling_twice_gives_the_same_bytes),
        cmocka_unit_test(findings_and_aggregates_run),
        cmocka_unit_test(year_counts_equal_the_loops_written_out),
        cmocka_unit_test(guarded_lets_decide_as_computed_ones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
