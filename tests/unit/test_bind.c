/* test_bind.c: binding records: every setter's type checks and the exact messages the JSON layer and the
 * contract rely on, defaults, missing fields, list elements, limits and reset. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vm_builder.h"

#define REGIONS "['市本级', '姑苏', '吴中', '相城', '高新区', '工业园区', '吴江', '昆山', '张家港', '常熟', '太仓']"

enum {
    F_ID,
    F_SPECIALTY,
    F_LEVEL,
    F_REGION,
    F_SUBMITTED_BY,
    F_CTD,
    F_UNIT_TYPE,
    F_APPLICATIONS,
    F_EXCEPTIONAL,
    F_CE,
    F_PAPERS,
    F_SUBSTITUTES,
    F_INTEGRITY,
    F_COUNT
};

/* The applicant of the 2024 contract (fewer fields); every scalar field is echoed by an output of its name,
 * and "ce_hours" is the sum of the ce hours. */
static pol_program *contract_program(const pol_config *cfg)
{
    vb *b = vb_new("苏州市2024年工程系列职称评审");
    uint32_t specialty = pb_enum(b, "专业", "建设 机械 电子信息 化工 水利 轻工 药学 技工学校教师 高技能人才 "
                                            "生物医药 集成电路 工业互联网 区块链 网络安全 交通 环保 冶金 纺织 质量");
    uint32_t level = pb_enum(b, "级别", "初级 中级 高级 正高级");
    uint32_t region = pb_enum(b, "地区", "市本级 姑苏 吴中 相城 高新区 工业园区 吴江 昆山 张家港 常熟 太仓");
    uint32_t submitted = pb_enum(b, "申报人", "本人 单位 中介");
    uint32_t unit = pb_enum(b, "单位类型", "本地 中央驻苏 外省驻苏 军队");
    uint32_t kind = pb_enum(b, "替代成果", "发明专利 行业标准 规程 图集 导则 指南 工法");
    uint32_t ce = pb_record(b, "继续教育"), paper = pb_record(b, "论文"), sub = pb_record(b, "替代");
    vb_field(b, 0, "id", POL_T_STRING, 0, VB_REQUIRED, pb_null());
    vb_field(b, 0, "specialty", POL_T_ENUM, specialty, VB_REQUIRED, pb_null());
    vb_field(b, 0, "level", POL_T_ENUM, level, VB_REQUIRED, pb_null());
    vb_field(b, 0, "region", POL_T_ENUM, region, VB_REQUIRED, pb_null());
    vb_field(b, 0, "submitted_by", POL_T_ENUM, submitted, VB_REQUIRED, pb_null());
    vb_field(b, 0, "current_title_date", POL_T_DATE, 0, VB_REQUIRED, pb_null());
    vb_field(b, 0, "unit_type", POL_T_ENUM, unit, 0, vk_enum(b, unit, "本地"));
    vb_field(b, 0, "applications_this_year", POL_T_INT, 0, 0, pb_int(1));
    vb_field(b, 0, "exceptional", POL_T_BOOL, 0, 0, pb_bool(0));
    vb_field(b, 0, "ce", POL_T_LIST, ce, 0, pb_null());
    vb_field(b, 0, "papers", POL_T_LIST, paper, 0, pb_null());
    vb_field(b, 0, "substitutes", POL_T_LIST, sub, 0, pb_null());
    vb_field(b, 0, "integrity_record_date", POL_T_DATE, 0, VB_NULLABLE, pb_null());
    vb_field(b, ce, "year", POL_T_INT, 0, VB_REQUIRED, pb_null());
    vb_field(b, ce, "hours", POL_T_NUMBER, 0, 0, pb_number(0));
    vb_field(b, ce, "xxqg_points", POL_T_NUMBER, 0, 0, pb_number(0));
    vb_field(b, paper, "title", POL_T_STRING, 0, VB_REQUIRED, pb_null());
    vb_field(b, paper, "date", POL_T_DATE, 0, VB_REQUIRED, pb_null());
    vb_field(b, paper, "similarity", POL_T_NUMBER, 0, VB_REQUIRED, pb_null());
    vb_field(b, paper, "first_author", POL_T_BOOL, 0, 0, pb_bool(1));
    vb_field(b, sub, "kind", POL_T_ENUM, kind, VB_REQUIRED, pb_null());
    vb_field(b, sub, "also_as_achievement", POL_T_BOOL, 0, 0, pb_bool(0));
    for (uint32_t f = 0; f < F_COUNT; f++) {
        const polP_field *fd = &b->p.records[0].fields[f];
        if (fd->type.kind == POL_T_LIST)
            continue;
        uint32_t out = pb_output(b, b->p.strings[fd->name].bytes, pb_opt(pb_type(fd->type.kind, fd->type.ref)));
        pb_emit(b, POL_OP_FIELD, 0, (int32_t)f);
        pb_emit(b, POL_OP_OUTSET, 0, (int32_t)out);
    }
    uint32_t hours = pb_output(b, "ce_hours", pb_opt(pb_type(POL_T_NUMBER, 0)));
    vb_push(b, pb_number(0));
    pb_emit(b, POL_OP_STORE, 0, 0);
    pb_emit(b, POL_OP_ITERLIST, 1, F_CE);
    uint32_t next = pb_emit(b, POL_OP_NEXT, 1, 0);
    pb_emit(b, POL_OP_LOAD, 0, 0);
    pb_emit(b, POL_OP_ELEM, 1, 1);
    pb_emit(b, POL_OP_ADD, 0, 0);
    pb_emit(b, POL_OP_STORE, 0, 0);
    pb_emit(b, POL_OP_LOOP, 0, (int32_t)next);
    pb_patch(b, next, vb_here(b));
    pb_emit(b, POL_OP_LOAD, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)hours);
    pb_emit(b, POL_OP_HALT, 0, 0);
    return vt_adopt(b, cfg);
}

typedef struct fixture {
    pol_program *prog;
    pol_context *ctx;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->prog = contract_program(NULL);
    f->ctx = vt_context(f->prog);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    pol_context_free(f->ctx);
    pol_program_free(f->prog);
    free(f);
    return 0;
}

#define S(text) (text), strlen(text)

/* assert that call fails with status and exactly message, naming slot */
#define assert_fails(call, status, message, slot)                                                                    \
    do {                                                                                                             \
        assert_int_equal((call), (status));                                                                          \
        assert_string_equal(pol_context_error(ctx), (message));                                                      \
        assert_int_equal(pol_context_error_slot(ctx), (slot));                                                       \
    } while (0)

static void bind_required(pol_context *ctx)
{
    assert_int_equal(pol_set_string(ctx, F_ID, S("E01")), POL_OK);
    assert_int_equal(pol_set_enum(ctx, F_SPECIALTY, S("机械")), POL_OK);
    assert_int_equal(pol_set_enum(ctx, F_LEVEL, S("中级")), POL_OK);
    assert_int_equal(pol_set_enum(ctx, F_REGION, S("吴江")), POL_OK);
    assert_int_equal(pol_set_enum(ctx, F_SUBMITTED_BY, S("本人")), POL_OK);
    assert_int_equal(pol_set_date_string(ctx, F_CTD, S("2018-07-01")), POL_OK);
}

/* ---- values that fit ---------------------------------------------------------------------------------------- */

static void test_valid_record_and_defaults(void **state)
{
    fixture *f = *state;
    pol_context *ctx = f->ctx;
    bind_required(ctx);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_string_equal(pol_context_error(ctx), "");
    assert_int_equal(pol_context_error_slot(ctx), -1);
    assert_text(vt_output(ctx, "id"), "E01");
    assert_text(vt_output(ctx, "specialty"), "机械");
    assert_text(vt_output(ctx, "region"), "吴江");
    pol_value v = vt_output(ctx, "current_title_date");
    assert_int_equal(v.type, POL_T_DATE);
    assert_int_equal(v.year * 10000 + v.month * 100 + v.day, 20180701);
    assert_int_equal(v.minute, -1);
    /* defaults */
    v = vt_output(ctx, "unit_type");
    assert_int_equal(v.type, POL_T_ENUM);
    assert_text(v, "本地");
    v = vt_output(ctx, "applications_this_year");
    assert_int_equal(v.type, POL_T_INT);
    assert_int_equal(v.integer, 1);
    v = vt_output(ctx, "exceptional");
    assert_int_equal(v.type, POL_T_BOOL);
    assert_int_equal(v.boolean, 0);
    assert_int_equal(vt_output(ctx, "integrity_record_date").type, POL_T_NULL); /* optional: null */
    v = vt_output(ctx, "ce_hours");
    assert_int_equal(v.type, POL_T_NUMBER);
    assert_true(v.number == 0);
}

static void test_every_setter_that_fits(void **state)
{
    fixture *f = *state;
    pol_context *ctx = f->ctx;
    const pol_program *prog = f->prog;
    bind_required(ctx);
    assert_int_equal(pol_set_enum(ctx, F_UNIT_TYPE, S("军队")), POL_OK);
    assert_int_equal(pol_set_int(ctx, F_APPLICATIONS, 2), POL_OK);
    assert_int_equal(pol_set_bool(ctx, F_EXCEPTIONAL, 7), POL_OK); /* any non-zero is true */
    assert_int_equal(pol_set_date(ctx, F_INTEGRITY, 2022, 2, 28), POL_OK);
    assert_int_equal(pol_set_string(ctx, F_REGION, S("昆山")), POL_OK); /* text naming an enum value */
    assert_int_equal(pol_set_string(ctx, F_CTD, S("2019-03-15")), POL_OK); /* text of a date */
    int year = vt_elem(prog, "ce", "year"), hours = vt_elem(prog, "ce", "hours");
    uint32_t index = 99;
    assert_int_equal(pol_list_append(ctx, F_CE, &index), POL_OK);
    assert_int_equal(index, 0);
    assert_int_equal(pol_set_int(ctx, year, 2020), POL_OK);
    assert_int_equal(pol_set_int(ctx, hours, 14), POL_OK); /* an int for a number */
    assert_int_equal(pol_list_append(ctx, F_CE, &index), POL_OK);
    assert_int_equal(index, 1);
    assert_int_equal(pol_set_int(ctx, year, 2021), POL_OK);
    assert_int_equal(pol_set_number(ctx, hours, 2.5), POL_OK);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_text(vt_output(ctx, "unit_type"), "军队");
    assert_int_equal(vt_output(ctx, "applications_this_year").integer, 2);
    assert_int_equal(vt_output(ctx, "exceptional").boolean, 1);
    pol_value v = vt_output(ctx, "integrity_record_date");
    assert_int_equal(v.year * 10000 + v.month * 100 + v.day, 20220228);
    assert_text(vt_output(ctx, "region"), "昆山");
    assert_int_equal(vt_output(ctx, "current_title_date").year, 2019);
    assert_true(vt_output(ctx, "ce_hours").number == 16.5);
    /* a record's dates are calendar days: a date-time string is refused, and the field keeps its day */
    assert_int_equal(pol_set_date_string(ctx, F_INTEGRITY, S("2024-04-30T17:00")), POL_ERR_BIND);
    assert_string_equal(pol_context_error(ctx), "integrity_record_date: expected a date");
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_int_equal(vt_output(ctx, "integrity_record_date").minute, -1);
    /* strings are copied: the caller's buffer may change */
    char buf[8] = "E99";
    assert_int_equal(pol_set_string(ctx, F_ID, buf, 3), POL_OK);
    buf[0] = 'X';
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_text(vt_output(ctx, "id"), "E99");
    /* exactly len bytes, even with a NUL inside */
    assert_int_equal(pol_set_string(ctx, F_ID, "a\0b", 3), POL_OK);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    v = vt_output(ctx, "id");
    assert_int_equal(v.length, 3);
    assert_memory_equal(v.string, "a\0b", 3);
    assert_int_equal(pol_set_string(ctx, F_ID, "", 0), POL_OK);
    assert_int_equal(pol_set_string(ctx, F_ID, NULL, 0), POL_OK);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_int_equal(vt_output(ctx, "id").length, 0);
}

/* ---- enum values ---------------------------------------------------------------------------------------------- */

static void test_enum_outside_its_list(void **state)
{
    fixture *f = *state;
    pol_context *ctx = f->ctx;
    bind_required(ctx);
    assert_fails(pol_set_enum(ctx, F_REGION, S("吴江区")), POL_ERR_BIND,
                 "region: '吴江区' is not one of " REGIONS "; did you mean '吴江'?", F_REGION);
    /* the same through pol_set_string (what a JSON layer holding text calls) */
    assert_fails(pol_set_string(ctx, F_REGION, S("吴江区")), POL_ERR_BIND,
                 "region: '吴江区' is not one of " REGIONS "; did you mean '吴江'?", F_REGION);
    /* no suggestion when nothing is close */
    assert_fails(pol_set_enum(ctx, F_REGION, S("xyz")), POL_ERR_BIND, "region: 'xyz' is not one of " REGIONS,
                 F_REGION);
    assert_fails(pol_set_enum(ctx, F_SUBMITTED_BY, S("中介公司")), POL_ERR_BIND,
                 "submitted_by: '中介公司' is not one of ['本人', '单位', '中介']; did you mean '中介'?",
                 F_SUBMITTED_BY);
    assert_fails(pol_set_enum(ctx, F_LEVEL, S("副高级")), POL_ERR_BIND,
                 "level: '副高级' is not one of ['初级', '中级', '高级', '正高级']; did you mean '高级'?", F_LEVEL);
    /* exact bytes: a prefix, or the name cut inside a character, is not the value */
    assert_fails(pol_set_enum(ctx, F_REGION, "吴江", 3), POL_ERR_BIND,
                 "region: '吴' is not one of " REGIONS "; did you mean '吴中'?", F_REGION);
    assert_fails(pol_set_enum(ctx, F_REGION, "", 0), POL_ERR_BIND, "region: '' is not one of " REGIONS, F_REGION);
    /* a failed setter leaves the field as it was */
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_text(vt_output(ctx, "region"), "吴江");
    /* a long bad value is quoted in part */
    char longname[300];
    memset(longname, 'a', sizeof longname);
    assert_int_equal(pol_set_enum(ctx, F_REGION, longname, sizeof longname), POL_ERR_BIND);
    char expected[512] = "region: '";
    memset(expected + strlen(expected), 'a', 100);
    strcpy(expected + strlen("region: '") + 100, "...' is not one of " REGIONS);
    assert_string_equal(pol_context_error(ctx), expected);
    /* element fields are named list[index].field */
    const pol_program *prog = f->prog;
    int kind = vt_elem(prog, "substitutes", "kind");
    assert_int_equal(pol_list_append(ctx, F_SUBSTITUTES, NULL), POL_OK);
    assert_int_equal(pol_set_enum(ctx, kind, S("工法")), POL_OK);
    assert_int_equal(pol_list_append(ctx, F_SUBSTITUTES, NULL), POL_OK);
    assert_fails(pol_set_enum(ctx, kind, S("专利")), POL_ERR_BIND,
                 "substitutes[1].kind: '专利' is not one of ['发明专利', '行业标准', '规程', '图集', '导则', '指南', "
                 "'工法']; did you mean '发明专利'?",
                 kind);
}

/* ---- wrong types ------------------------------------------------------------------------------------------------ */

static void test_type_checks(void **state)
{
    fixture *f = *state;
    pol_context *ctx = f->ctx;
    const pol_program *prog = f->prog;
    /* dates */
    assert_fails(pol_set_date_string(ctx, F_CTD, S("2023-02-29")), POL_ERR_BIND, "current_title_date: expected a date",
                 F_CTD);
    assert_fails(pol_set_string(ctx, F_CTD, S("2023-02-29")), POL_ERR_BIND, "current_title_date: expected a date",
                 F_CTD);
    assert_fails(pol_set_date(ctx, F_CTD, 2023, 2, 29), POL_ERR_BIND, "current_title_date: expected a date", F_CTD);
    assert_fails(pol_set_date(ctx, F_CTD, 2023, 13, 1), POL_ERR_BIND, "current_title_date: expected a date", F_CTD);
    assert_fails(pol_set_date_string(ctx, F_CTD, S("2023-1-5")), POL_ERR_BIND, "current_title_date: expected a date",
                 F_CTD);
    assert_fails(pol_set_date_string(ctx, F_CTD, S("2024-04-30 17:00")), POL_ERR_BIND,
                 "current_title_date: expected a date", F_CTD);
    assert_fails(pol_set_date_string(ctx, F_CTD, NULL, 10), POL_ERR_BIND, "current_title_date: expected a date",
                 F_CTD);
    assert_fails(pol_set_int(ctx, F_CTD, 20230101), POL_ERR_BIND, "current_title_date: expected a date", F_CTD);
    assert_fails(pol_set_bool(ctx, F_INTEGRITY, 1), POL_ERR_BIND, "integrity_record_date: expected a date",
                 F_INTEGRITY);
    /* numbers and integers */
    assert_fails(pol_set_number(ctx, F_APPLICATIONS, 1.5), POL_ERR_BIND, "applications_this_year: expected an integer",
                 F_APPLICATIONS);
    assert_fails(pol_set_string(ctx, F_APPLICATIONS, S("2")), POL_ERR_BIND,
                 "applications_this_year: expected an integer", F_APPLICATIONS);
    assert_fails(pol_set_bool(ctx, F_APPLICATIONS, 1), POL_ERR_BIND, "applications_this_year: expected an integer",
                 F_APPLICATIONS);
    /* bools, strings, enums, lists */
    assert_fails(pol_set_int(ctx, F_EXCEPTIONAL, 1), POL_ERR_BIND, "exceptional: expected a bool", F_EXCEPTIONAL);
    assert_fails(pol_set_string(ctx, F_EXCEPTIONAL, S("true")), POL_ERR_BIND, "exceptional: expected a bool",
                 F_EXCEPTIONAL);
    assert_fails(pol_set_int(ctx, F_ID, 7), POL_ERR_BIND, "id: expected a string", F_ID);
    assert_fails(pol_set_enum(ctx, F_ID, S("本人")), POL_ERR_BIND, "id: expected a string", F_ID);
    assert_fails(pol_set_date_string(ctx, F_ID, S("2024-01-01")), POL_ERR_BIND, "id: expected a string", F_ID);
    assert_fails(pol_set_int(ctx, F_SUBMITTED_BY, 0), POL_ERR_BIND,
                 "submitted_by: expected one of ['本人', '单位', '中介']", F_SUBMITTED_BY);
    assert_fails(pol_set_enum(ctx, F_SUBMITTED_BY, NULL, 0), POL_ERR_BIND,
                 "submitted_by: expected one of ['本人', '单位', '中介']", F_SUBMITTED_BY);
    assert_fails(pol_set_string(ctx, F_CE, S("[]")), POL_ERR_BIND, "ce: expected a list", F_CE);
    assert_fails(pol_set_int(ctx, F_PAPERS, 0), POL_ERR_BIND, "papers: expected a list", F_PAPERS);
    /* element fields: list[index].field, index 0-based, of the element last appended */
    int hours = vt_elem(prog, "ce", "hours"), year = vt_elem(prog, "ce", "year");
    for (int i = 0; i < 3; i++)
        assert_int_equal(pol_list_append(ctx, F_CE, NULL), POL_OK);
    assert_fails(pol_set_string(ctx, hours, S("14")), POL_ERR_BIND, "ce[2].hours: expected a number", hours);
    assert_fails(pol_set_bool(ctx, hours, 1), POL_ERR_BIND, "ce[2].hours: expected a number", hours);
    assert_fails(pol_set_number(ctx, hours, NAN), POL_ERR_BIND, "ce[2].hours: expected a number", hours);
    assert_fails(pol_set_number(ctx, hours, INFINITY), POL_ERR_BIND, "ce[2].hours: expected a number", hours);
    assert_fails(pol_set_number(ctx, year, 2020.0), POL_ERR_BIND, "ce[2].year: expected an integer", year);
    int date = vt_elem(prog, "papers", "date");
    assert_int_equal(pol_list_append(ctx, F_PAPERS, NULL), POL_OK);
    assert_fails(pol_set_date_string(ctx, date, S("2024-02-30")), POL_ERR_BIND, "papers[0].date: expected a date",
                 date);
}

/* ---- missing fields ------------------------------------------------------------------------------------------- */

static void test_missing_fields(void **state)
{
    fixture *f = *state;
    pol_context *ctx = f->ctx;
    const pol_program *prog = f->prog;
    /* the first missing required field in schema order */
    assert_fails(pol_evaluate(ctx), POL_ERR_BIND, "id: missing", F_ID);
    assert_int_equal(pol_finding_count(ctx), 0);
    pol_value v;
    assert_int_equal(pol_output(ctx, 0, &v), POL_ERR_ARGUMENT); /* no decision */
    assert_int_equal(pol_set_string(ctx, F_ID, S("E11")), POL_OK);
    assert_int_equal(pol_set_enum(ctx, F_SPECIALTY, S("机械")), POL_OK);
    assert_int_equal(pol_set_enum(ctx, F_LEVEL, S("中级")), POL_OK);
    assert_int_equal(pol_set_enum(ctx, F_REGION, S("吴江")), POL_OK);
    assert_int_equal(pol_set_date_string(ctx, F_CTD, S("2018-07-01")), POL_OK);
    assert_fails(pol_evaluate(ctx), POL_ERR_BIND, "submitted_by: missing", F_SUBMITTED_BY);
    assert_int_equal(pol_set_enum(ctx, F_SUBMITTED_BY, S("本人")), POL_OK);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    /* null on a required field is missing */
    assert_int_equal(pol_set_null(ctx, F_REGION), POL_OK);
    assert_fails(pol_evaluate(ctx), POL_ERR_BIND, "region: missing", F_REGION);
    assert_int_equal(pol_set_enum(ctx, F_REGION, S("吴江")), POL_OK);
    /* null on an optional field takes the default */
    assert_int_equal(pol_set_enum(ctx, F_UNIT_TYPE, S("军队")), POL_OK);
    assert_int_equal(pol_set_int(ctx, F_APPLICATIONS, 3), POL_OK);
    assert_int_equal(pol_set_date(ctx, F_INTEGRITY, 2020, 1, 1), POL_OK);
    assert_int_equal(pol_set_null(ctx, F_UNIT_TYPE), POL_OK);
    assert_int_equal(pol_set_null(ctx, F_APPLICATIONS), POL_OK);
    assert_int_equal(pol_set_null(ctx, F_INTEGRITY), POL_OK);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_text(vt_output(ctx, "unit_type"), "本地");
    assert_int_equal(vt_output(ctx, "applications_this_year").integer, 1);
    assert_int_equal(vt_output(ctx, "integrity_record_date").type, POL_T_NULL);
    /* element records' required fields, in list order, before later top-level fields */
    int year = vt_elem(prog, "ce", "year"), hours = vt_elem(prog, "ce", "hours");
    assert_int_equal(pol_list_append(ctx, F_CE, NULL), POL_OK);
    assert_int_equal(pol_set_number(ctx, hours, 10), POL_OK);
    assert_fails(pol_evaluate(ctx), POL_ERR_BIND, "ce[0].year: missing", year);
    assert_int_equal(pol_set_int(ctx, year, 2020), POL_OK);
    assert_int_equal(pol_list_append(ctx, F_CE, NULL), POL_OK);
    assert_int_equal(pol_list_append(ctx, F_CE, NULL), POL_OK);
    assert_int_equal(pol_set_int(ctx, year, 2022), POL_OK);
    assert_fails(pol_evaluate(ctx), POL_ERR_BIND, "ce[1].year: missing", year);
    int title = vt_elem(prog, "papers", "title"), sim = vt_elem(prog, "papers", "similarity");
    assert_int_equal(pol_list_append(ctx, F_PAPERS, NULL), POL_OK);
    assert_fails(pol_evaluate(ctx), POL_ERR_BIND, "ce[1].year: missing", year); /* ce comes first */
    assert_int_equal(pol_set_null(ctx, F_CE), POL_OK);                        /* null list: [] */
    assert_fails(pol_evaluate(ctx), POL_ERR_BIND, "papers[0].title: missing", title);
    assert_int_equal(pol_set_string(ctx, title, S("BIM")), POL_OK);
    assert_int_equal(pol_set_date(ctx, vt_elem(prog, "papers", "date"), 2023, 5, 1), POL_OK);
    assert_fails(pol_evaluate(ctx), POL_ERR_BIND, "papers[0].similarity: missing", sim);
    assert_int_equal(pol_set_number(ctx, sim, 12), POL_OK);
    assert_int_equal(pol_set_null(ctx, sim), POL_OK); /* null on a required element field is missing too */
    assert_fails(pol_evaluate(ctx), POL_ERR_BIND, "papers[0].similarity: missing", sim);
    assert_int_equal(pol_set_number(ctx, sim, 12), POL_OK);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_true(vt_output(ctx, "ce_hours").number == 0);
    /* the last error stays until a reset, even across calls that succeed */
    assert_string_equal(pol_context_error(ctx), "papers[0].similarity: missing");
}

/* ---- limits ---------------------------------------------------------------------------------------------------- */

static void test_list_limit(void **state)
{
    fixture *f = *state;
    pol_context *ctx = f->ctx;
    bind_required(ctx);
    for (int i = 0; i < 1024; i++)
        assert_int_equal(pol_list_append(ctx, F_PAPERS, NULL), POL_OK);
    assert_fails(pol_list_append(ctx, F_PAPERS, NULL), POL_ERR_LIMIT, "papers: more than 1024 elements", -1);
    uint32_t index;
    assert_int_equal(pol_list_append(ctx, F_CE, &index), POL_OK); /* other lists are not affected */
    assert_int_equal(index, 0);
}

static void test_configured_limits(void **state)
{
    (void)state;
    pol_config cfg = {0};
    cfg.limits.max_list_length = 3;
    cfg.limits.max_string_length = 10;
    pol_program *prog = contract_program(&cfg);
    pol_context *ctx = vt_context(prog);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pol_list_append(ctx, F_CE, NULL), POL_OK);
    assert_fails(pol_list_append(ctx, F_CE, NULL), POL_ERR_LIMIT, "ce: more than 3 elements", -1);
    assert_int_equal(pol_set_string(ctx, F_ID, S("0123456789")), POL_OK);
    assert_fails(pol_set_string(ctx, F_ID, S("0123456789a")), POL_ERR_LIMIT, "id: longer than 10 bytes", -1);
    int title = vt_elem(prog, "papers", "title");
    assert_int_equal(pol_list_append(ctx, F_PAPERS, NULL), POL_OK);
    assert_fails(pol_set_string(ctx, title, S("论文论文论文")), POL_ERR_LIMIT, "papers[0].title: longer than 10 bytes",
                 -1);
    pol_context_free(ctx);
    pol_program_free(prog);

    /* the whole record's bytes: strings and list elements */
    cfg = (pol_config){0};
    cfg.limits.max_record_bytes = 1000;
    prog = contract_program(&cfg);
    ctx = vt_context(prog);
    char text[600];
    memset(text, 'x', sizeof text);
    assert_int_equal(pol_set_string(ctx, F_ID, text, sizeof text), POL_OK);
    assert_fails(pol_set_string(ctx, F_ID, text, sizeof text), POL_ERR_LIMIT,
                 "id: the record is larger than 1000 bytes", -1);
    pol_status st = POL_OK;
    int n = 0;
    while (st == POL_OK && n < 100)
        st = pol_list_append(ctx, F_CE, NULL), n++;
    assert_int_equal(st, POL_ERR_LIMIT);
    assert_string_equal(pol_context_error(ctx), "ce: the record is larger than 1000 bytes");
    assert_int_equal(n - 1, (1000 - 600) / (3 * 16));
    /* a reset gives the budget back */
    pol_context_reset(ctx);
    assert_int_equal(pol_set_string(ctx, F_ID, text, sizeof text), POL_OK);
    pol_context_free(ctx);
    pol_program_free(prog);
}

/* ---- bad arguments ------------------------------------------------------------------------------------------ */

static void test_bad_arguments(void **state)
{
    fixture *f = *state;
    pol_context *ctx = f->ctx;
    const pol_program *prog = f->prog;
    assert_fails(pol_set_int(ctx, 999, 1), POL_ERR_ARGUMENT, "slot 999 is not a field of the record", -1);
    assert_fails(pol_set_null(ctx, -1), POL_ERR_ARGUMENT, "slot -1 is not a field of the record", -1);
    int hours = vt_elem(prog, "ce", "hours");
    assert_fails(pol_set_number(ctx, hours, 1), POL_ERR_ARGUMENT,
                 "ce.hours: the list has no element yet (append one first)", -1);
    assert_fails(pol_list_append(ctx, F_ID, NULL), POL_ERR_ARGUMENT, "slot 0 is not a list field", -1);
    char message[64];
    snprintf(message, sizeof message, "slot %d is not a list field", hours);
    assert_fails(pol_list_append(ctx, hours, NULL), POL_ERR_ARGUMENT, message, -1);
    assert_int_equal(pol_set_int(NULL, 0, 1), POL_ERR_ARGUMENT);
    assert_int_equal(pol_list_append(NULL, F_CE, NULL), POL_ERR_ARGUMENT);
    assert_int_equal(pol_evaluate(NULL), POL_ERR_ARGUMENT);
    assert_int_equal(pol_context_new(NULL, NULL), POL_ERR_ARGUMENT);
    pol_context *none = (pol_context *)1;
    assert_int_equal(pol_context_new(NULL, &none), POL_ERR_ARGUMENT);
    assert_null(none);
    assert_string_equal(pol_context_error(NULL), "");
    assert_int_equal(pol_context_error_slot(NULL), -1);
    pol_context_reset(NULL);
    pol_context_free(NULL);
}

/* ---- reset ------------------------------------------------------------------------------------------------------ */

static void test_reset(void **state)
{
    fixture *f = *state;
    pol_context *ctx = f->ctx;
    const pol_program *prog = f->prog;
    bind_required(ctx);
    assert_int_equal(pol_set_enum(ctx, F_UNIT_TYPE, S("军队")), POL_OK);
    assert_int_equal(pol_list_append(ctx, F_CE, NULL), POL_OK);
    assert_int_equal(pol_set_int(ctx, vt_elem(prog, "ce", "year"), 2020), POL_OK);
    assert_int_equal(pol_set_number(ctx, vt_elem(prog, "ce", "hours"), 30), POL_OK);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_true(vt_output(ctx, "ce_hours").number == 30);
    assert_int_equal(pol_set_enum(ctx, F_REGION, S("nowhere")), POL_ERR_BIND);
    pol_context_reset(ctx);
    /* the error, the decision, the record and its lists are gone */
    assert_string_equal(pol_context_error(ctx), "");
    assert_int_equal(pol_context_error_slot(ctx), -1);
    pol_value v;
    assert_int_equal(pol_output(ctx, 0, &v), POL_ERR_ARGUMENT);
    assert_fails(pol_set_number(ctx, vt_elem(prog, "ce", "hours"), 1), POL_ERR_ARGUMENT,
                 "ce.hours: the list has no element yet (append one first)", -1);
    pol_context_reset(ctx);
    assert_fails(pol_evaluate(ctx), POL_ERR_BIND, "id: missing", F_ID);
    bind_required(ctx);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_text(vt_output(ctx, "unit_type"), "本地");
    assert_true(vt_output(ctx, "ce_hours").number == 0);
    uint32_t index;
    assert_int_equal(pol_list_append(ctx, F_CE, &index), POL_OK);
    assert_int_equal(index, 0); /* lists start empty again */
}

/* Contexts of one program are independent. */
static void test_two_contexts(void **state)
{
    fixture *f = *state;
    pol_context *a = f->ctx, *b = vt_context(f->prog);
    bind_required(a);
    bind_required(b);
    assert_int_equal(pol_set_string(b, F_ID, S("B")), POL_OK);
    assert_int_equal(pol_set_enum(b, F_REGION, S("bad")), POL_ERR_BIND);
    assert_int_equal(pol_evaluate(a), POL_OK);
    assert_int_equal(pol_evaluate(b), POL_OK);
    assert_text(vt_output(a, "id"), "E01");
    assert_text(vt_output(b, "id"), "B");
    assert_string_equal(pol_context_error(a), "");
    assert_int_equal(pol_context_error_slot(b), F_REGION);
    pol_context_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_record_and_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_setter_that_fits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enum_outside_its_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_type_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_limit, setup, teardown),
        cmocka_unit_test(test_configured_limits),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_contexts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
