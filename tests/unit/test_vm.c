/* test_vm.c: the VM's evaluation: every opcode's semantics (null cases included), loops over lists and ranges,
 * findings, outputs, routing, limits, overflow, threads sharing a program, and no allocation per record. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "quicken.h"
#include "verify.h"
#include "vm_builder.h"

/* ---- running one expression ------------------------------------------------------------------------------ */

typedef struct result {
    pol_status st;
    pol_value v; /* output 0; its string copied into text */
    char text[512];
    char error[512];
} result;

static uint32_t out0(vb *b)
{
    if (b->p.noutputs == 0)
        pb_output(b, "r", pb_opt(pb_type(POL_T_NULL, 0)));
    return 0;
}

/* Evaluate b's program (output 0 is the result) on the record bind gives (NULL: an empty record). */
static result run_bound(vb *b, const pol_config *cfg, void (*bind)(pol_context *ctx))
{
    result r;
    memset(&r, 0, sizeof r);
    pol_program *prog = vt_adopt(b, cfg);
    pol_context *ctx = vt_context(prog);
    if (bind)
        bind(ctx);
    r.st = pol_evaluate(ctx);
    snprintf(r.error, sizeof r.error, "%s", pol_context_error(ctx));
    if (r.st == POL_OK) {
        assert_int_equal(pol_output(ctx, 0, &r.v), POL_OK);
        if (r.v.string) {
            assert_true(r.v.length < sizeof r.text);
            memcpy(r.text, r.v.string, r.v.length);
            r.v.string = r.text;
        }
    }
    pol_context_free(ctx);
    pol_program_free(prog);
    return r;
}

static result run(vb *b, const pol_config *cfg) { return run_bound(b, cfg, NULL); }

/* op applied to constants (one or two; y kind NULL with arity 1) */
static result op1(vb *b, pol_opcode op, int32_t operand, polP_const x)
{
    if (!b)
        b = vb_new("t");
    vb_push(b, x);
    if (polO_info[op].a != POL_OPND_NONE) /* FORMAT's count */
        pb_emit(b, op, (uint8_t)operand, 0);
    else
        pb_emit(b, op, 0, operand);
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)out0(b));
    pb_emit(b, POL_OP_HALT, 0, 0);
    return run(b, NULL);
}

static result op2(vb *b, pol_opcode op, polP_const x, polP_const y)
{
    if (!b)
        b = vb_new("t");
    vb_push(b, x);
    vb_push(b, y);
    pb_emit(b, op, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)out0(b));
    pb_emit(b, POL_OP_HALT, 0, 0);
    return run(b, NULL);
}

#define assert_ok(r) assert_int_equal((r).st, POL_OK)
#define assert_int_result(r, x)                                                                                      \
    do {                                                                                                             \
        result r_ = (r);                                                                                             \
        assert_ok(r_);                                                                                               \
        assert_int_equal(r_.v.type, POL_T_INT);                                                                      \
        assert_true(r_.v.integer == (int64_t)(x));                                                                   \
    } while (0)
#define assert_num_result(r, x)                                                                                      \
    do {                                                                                                             \
        result r_ = (r);                                                                                             \
        assert_ok(r_);                                                                                               \
        assert_int_equal(r_.v.type, POL_T_NUMBER);                                                                   \
        assert_true(r_.v.number == (double)(x));                                                                     \
    } while (0)
#define assert_bool_result(r, x)                                                                                     \
    do {                                                                                                             \
        result r_ = (r);                                                                                             \
        assert_ok(r_);                                                                                               \
        assert_int_equal(r_.v.type, POL_T_BOOL);                                                                     \
        assert_int_equal(r_.v.boolean, (x));                                                                         \
    } while (0)
#define assert_null_result(r)                                                                                        \
    do {                                                                                                             \
        result r_ = (r);                                                                                             \
        assert_ok(r_);                                                                                               \
        assert_int_equal(r_.v.type, POL_T_NULL);                                                                     \
    } while (0)
#define assert_text_result(r, s)                                                                                     \
    do {                                                                                                             \
        result r_ = (r);                                                                                             \
        assert_ok(r_);                                                                                               \
        assert_int_equal(r_.v.type, POL_T_STRING);                                                                   \
        assert_string_equal(r_.text, (s));                                                                           \
    } while (0)
#define assert_runtime_error(r, part)                                                                                \
    do {                                                                                                             \
        result r_ = (r);                                                                                             \
        assert_int_equal(r_.st, POL_ERR_RUNTIME);                                                                    \
        if (!strstr(r_.error, (part)))                                                                               \
            fail_msg("error '%s' does not say '%s'", r_.error, (part));                                              \
    } while (0)

/* ---- arithmetic ------------------------------------------------------------------------------------------ */

static void test_arithmetic(void **state)
{
    (void)state;
    assert_int_result(op2(NULL, POL_OP_ADD, pb_int(2), pb_int(3)), 5);
    assert_int_result(op2(NULL, POL_OP_SUB, pb_int(7), pb_int(10)), -3);
    assert_int_result(op2(NULL, POL_OP_MUL, pb_int(6), pb_int(7)), 42);
    assert_num_result(op2(NULL, POL_OP_DIV, pb_int(7), pb_int(2)), 3.5);
    assert_num_result(op2(NULL, POL_OP_DIV, pb_int(6), pb_int(3)), 2); /* int / int is a number */
    assert_null_result(op2(NULL, POL_OP_DIV, pb_int(1), pb_int(0)));
    assert_null_result(op2(NULL, POL_OP_DIV, pb_number(1.5), pb_number(0.0)));
    assert_num_result(op2(NULL, POL_OP_ADD, pb_number(1.5), pb_int(2)), 3.5); /* int with number: number */
    assert_num_result(op2(NULL, POL_OP_ADD, pb_int(2), pb_number(1.5)), 3.5);
    assert_num_result(op2(NULL, POL_OP_MUL, pb_int(2), pb_number(0.5)), 1.0);
    assert_num_result(op2(NULL, POL_OP_SUB, pb_number(0.5), pb_number(2)), -1.5);
    /* null propagates */
    assert_null_result(op2(NULL, POL_OP_ADD, pb_null(), pb_int(1)));
    assert_null_result(op2(NULL, POL_OP_SUB, pb_int(1), pb_null()));
    assert_null_result(op2(NULL, POL_OP_MUL, pb_null(), pb_null()));
    assert_null_result(op2(NULL, POL_OP_DIV, pb_null(), pb_int(0)));
    /* NEG */
    assert_int_result(op1(NULL, POL_OP_NEG, 0, pb_int(5)), -5);
    assert_num_result(op1(NULL, POL_OP_NEG, 0, pb_number(2.5)), -2.5);
    assert_null_result(op1(NULL, POL_OP_NEG, 0, pb_null()));
    /* MIN / MAX */
    assert_int_result(op2(NULL, POL_OP_MIN, pb_int(3), pb_int(-4)), -4);
    assert_int_result(op2(NULL, POL_OP_MAX, pb_int(3), pb_int(-4)), 3);
    assert_num_result(op2(NULL, POL_OP_MIN, pb_int(3), pb_number(3.5)), 3);
    assert_num_result(op2(NULL, POL_OP_MAX, pb_int(3), pb_number(3.5)), 3.5);
    assert_null_result(op2(NULL, POL_OP_MAX, pb_null(), pb_int(1)));
    result r = op2(NULL, POL_OP_MIN, pb_date(2024, 1, 2), pb_date(2023, 5, 6));
    assert_ok(r);
    assert_int_equal(r.v.type, POL_T_DATE);
    assert_int_equal(r.v.year, 2023);
    /* wrong kinds are a runtime error, not a crash */
    vb *b = vb_new("t");
    assert_runtime_error(op2(b, POL_OP_ADD, pb_string(b, "a"), pb_int(1)), "ADD");
    assert_runtime_error(op1(NULL, POL_OP_NEG, 0, pb_bool(1)), "not a number");
}

static void test_overflow_gives_number(void **state)
{
    (void)state;
    assert_num_result(op2(NULL, POL_OP_ADD, pb_int(INT64_MAX), pb_int(1)), 9223372036854775808.0);
    assert_num_result(op2(NULL, POL_OP_SUB, pb_int(INT64_MIN), pb_int(1)), -9223372036854775809.0);
    assert_num_result(op2(NULL, POL_OP_MUL, pb_int(INT64_MAX), pb_int(2)), 2.0 * 9223372036854775807.0);
    assert_num_result(op2(NULL, POL_OP_MUL, pb_int(INT64_MIN), pb_int(-1)), 9223372036854775808.0);
    assert_num_result(op1(NULL, POL_OP_NEG, 0, pb_int(INT64_MIN)), 9223372036854775808.0);
    assert_int_result(op2(NULL, POL_OP_ADD, pb_int(INT64_MAX - 1), pb_int(1)), INT64_MAX);
    assert_int_result(op2(NULL, POL_OP_MUL, pb_int(-3037000499), pb_int(3037000499)), -3037000499LL * 3037000499LL);
}

/* ---- comparisons ----------------------------------------------------------------------------------------- */

static void test_compare_numbers_and_null(void **state)
{
    (void)state;
    assert_bool_result(op2(NULL, POL_OP_EQ, pb_int(1), pb_int(1)), 1);
    assert_bool_result(op2(NULL, POL_OP_EQ, pb_int(1), pb_number(1.0)), 1);
    assert_bool_result(op2(NULL, POL_OP_NE, pb_int(1), pb_number(1.5)), 1);
    assert_bool_result(op2(NULL, POL_OP_LT, pb_int(1), pb_number(1.5)), 1);
    assert_bool_result(op2(NULL, POL_OP_LE, pb_int(2), pb_int(2)), 1);
    assert_bool_result(op2(NULL, POL_OP_GT, pb_number(30.1), pb_int(30)), 1);
    assert_bool_result(op2(NULL, POL_OP_GT, pb_int(30), pb_int(30)), 0);
    assert_bool_result(op2(NULL, POL_OP_GE, pb_int(30), pb_int(30)), 1);
    assert_bool_result(op2(NULL, POL_OP_LT, pb_int(INT64_MAX - 1), pb_int(INT64_MAX)), 1); /* exact, not doubles */
    /* null equals only null; every ordering with null is false */
    assert_bool_result(op2(NULL, POL_OP_EQ, pb_null(), pb_null()), 1);
    assert_bool_result(op2(NULL, POL_OP_NE, pb_null(), pb_null()), 0);
    assert_bool_result(op2(NULL, POL_OP_EQ, pb_null(), pb_int(0)), 0);
    assert_bool_result(op2(NULL, POL_OP_NE, pb_int(0), pb_null()), 1);
    assert_bool_result(op2(NULL, POL_OP_LT, pb_null(), pb_int(1)), 0);
    assert_bool_result(op2(NULL, POL_OP_LE, pb_int(1), pb_null()), 0);
    assert_bool_result(op2(NULL, POL_OP_GT, pb_null(), pb_int(1)), 0);
    assert_bool_result(op2(NULL, POL_OP_GE, pb_null(), pb_null()), 0);
    /* bools, dates (to the minute) */
    assert_bool_result(op2(NULL, POL_OP_EQ, pb_bool(1), pb_bool(1)), 1);
    assert_bool_result(op2(NULL, POL_OP_LT, pb_bool(0), pb_bool(1)), 1);
    assert_bool_result(op2(NULL, POL_OP_LT, pb_date(2024, 4, 30), pb_date(2024, 5, 1)), 1);
    assert_bool_result(op2(NULL, POL_OP_GT, pb_datetime(2024, 4, 30, 17, 1), pb_datetime(2024, 4, 30, 17, 0)), 1);
    assert_bool_result(op2(NULL, POL_OP_EQ, pb_date(2024, 4, 30), pb_date(2024, 4, 30)), 1);
    /* values of different kinds are unequal, and cannot be ordered */
    vb *b = vb_new("t");
    assert_bool_result(op2(b, POL_OP_EQ, pb_string(b, "1"), pb_int(1)), 0);
    b = vb_new("t");
    assert_runtime_error(op2(b, POL_OP_LT, pb_string(b, "1"), pb_int(1)), "cannot be compared");
}

static void test_compare_strings_enums_entities(void **state)
{
    (void)state;
    struct {
        const char *a, *b;
        pol_opcode op;
        int want;
    } cases[] = {
        {"abc", "abc", POL_OP_EQ, 1}, {"abc", "abd", POL_OP_EQ, 0}, {"ab", "abc", POL_OP_LT, 1},
        {"b", "abc", POL_OP_GT, 1},   {"", "", POL_OP_EQ, 1},       {"", "a", POL_OP_LT, 1},
        {"吴江", "吴江区", POL_OP_NE, 1}, {"\xc3\xa9", "z", POL_OP_GT, 1}, /* bytewise: 0xC3 > 'z' */
        {"a\xff", "a\x01", POL_OP_GE, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vb *b = vb_new("t");
        assert_bool_result(op2(b, cases[i].op, pb_string(b, cases[i].a), pb_string(b, cases[i].b)), cases[i].want);
    }
    vb *b = vb_new("t");
    uint32_t e = pb_enum(b, "级别", "初级 中级 高级 正高级");
    assert_bool_result(op2(b, POL_OP_LT, vk_enum(b, e, "中级"), vk_enum(b, e, "高级")), 1);
    b = vb_new("t");
    e = pb_enum(b, "级别", "初级 中级 高级 正高级");
    assert_bool_result(op2(b, POL_OP_EQ, vk_enum(b, e, "高级"), vk_enum(b, e, "高级")), 1);
    b = vb_new("t");
    e = pb_enum(b, "级别", "初级 中级 高级 正高级");
    assert_bool_result(op2(b, POL_OP_GE, vk_enum(b, e, "初级"), vk_enum(b, e, "正高级")), 0);
    b = vb_new("t");
    uint32_t t = pb_entity_type(b, "部门");
    uint32_t x = pb_entity(b, t, "甲", 1), y = pb_entity(b, t, "乙", 1);
    assert_bool_result(op2(b, POL_OP_EQ, pb_entityref(b, x), pb_entityref(b, y)), 0);
    b = vb_new("t");
    t = pb_entity_type(b, "部门");
    x = pb_entity(b, t, "甲", 1), y = pb_entity(b, t, "乙", 1);
    assert_bool_result(op2(b, POL_OP_LT, pb_entityref(b, x), pb_entityref(b, y)), 1);
    b = vb_new("t");
    t = pb_entity_type(b, "部门");
    x = pb_entity(b, t, "甲", 1);
    assert_bool_result(op2(b, POL_OP_NE, pb_entityref(b, x), pb_null()), 1);
}

/* ---- logic and jumps ------------------------------------------------------------------------------------- */

static void test_not_isnull(void **state)
{
    (void)state;
    assert_bool_result(op1(NULL, POL_OP_NOT, 0, pb_bool(1)), 0);
    assert_bool_result(op1(NULL, POL_OP_NOT, 0, pb_bool(0)), 1);
    assert_null_result(op1(NULL, POL_OP_NOT, 0, pb_null()));
    assert_bool_result(op1(NULL, POL_OP_ISNULL, 0, pb_null()), 1);
    assert_bool_result(op1(NULL, POL_OP_ISNULL, 0, pb_int(0)), 0);
    assert_runtime_error(op1(NULL, POL_OP_NOT, 0, pb_int(1)), "not a bool");
}

/* if cond then 1 else 2, with the given conditional jump */
static result branch(pol_opcode jump, polP_const cond)
{
    vb *b = vb_new("t");
    vb_push(b, cond);
    uint32_t j = pb_emit(b, jump, 0, 0);
    vb_push(b, pb_int(1));
    uint32_t over = pb_emit(b, POL_OP_JUMP, 0, 0);
    pb_patch(b, j, vb_here(b));
    vb_push(b, pb_int(2));
    pb_patch(b, over, vb_here(b));
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)out0(b));
    pb_emit(b, POL_OP_HALT, 0, 0);
    return run(b, NULL);
}

static void test_jumps(void **state)
{
    (void)state;
    /* JUMPF jumps on false or null */
    assert_int_result(branch(POL_OP_JUMPF, pb_bool(1)), 1);
    assert_int_result(branch(POL_OP_JUMPF, pb_bool(0)), 2);
    assert_int_result(branch(POL_OP_JUMPF, pb_null()), 2);
    /* JUMPT jumps on true only */
    assert_int_result(branch(POL_OP_JUMPT, pb_bool(1)), 2);
    assert_int_result(branch(POL_OP_JUMPT, pb_bool(0)), 1);
    assert_int_result(branch(POL_OP_JUMPT, pb_null()), 1);
    assert_runtime_error(branch(POL_OP_JUMPF, pb_int(1)), "not a bool");
}

/* a ?? b: JUMPNN keeps a non-null value and jumps; pops a null and falls through */
static result coalesce(polP_const a, polP_const dflt)
{
    vb *b = vb_new("t");
    vb_push(b, a);
    uint32_t j = pb_emit(b, POL_OP_JUMPNN, 0, 0);
    vb_push(b, dflt);
    pb_patch(b, j, vb_here(b));
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)out0(b));
    pb_emit(b, POL_OP_HALT, 0, 0);
    return run(b, NULL);
}

static void test_jumpnn(void **state)
{
    (void)state;
    assert_int_result(coalesce(pb_int(5), pb_int(9)), 5);
    assert_int_result(coalesce(pb_null(), pb_int(9)), 9);
    assert_bool_result(coalesce(pb_bool(0), pb_bool(1)), 0); /* false is not null */
}

/* SWITCH on x over a table of 3 entries pushing 10, 11, 12; the default pushes 99 */
static result switch_on(vb *b, polP_const x)
{
    vb_push(b, x);
    uint32_t t = vb_table(b, 3, 0);
    pb_emit(b, POL_OP_SWITCH, 0, (int32_t)t);
    uint32_t ends[4];
    for (uint32_t i = 0; i < 4; i++) {
        if (i < 3)
            b->p.tables[t].entries[i] = vb_here(b);
        else
            b->p.tables[t].dflt = vb_here(b);
        vb_push(b, pb_int(i < 3 ? 10 + i : 99));
        ends[i] = pb_emit(b, POL_OP_JUMP, 0, 0);
    }
    for (uint32_t i = 0; i < 4; i++)
        pb_patch(b, ends[i], vb_here(b));
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)out0(b));
    pb_emit(b, POL_OP_HALT, 0, 0);
    return run(b, NULL);
}

static void test_switch(void **state)
{
    (void)state;
    assert_int_result(switch_on(vb_new("t"), pb_int(0)), 10);
    assert_int_result(switch_on(vb_new("t"), pb_int(2)), 12);
    assert_int_result(switch_on(vb_new("t"), pb_int(3)), 99);
    assert_int_result(switch_on(vb_new("t"), pb_int(-1)), 99);
    assert_int_result(switch_on(vb_new("t"), pb_null()), 99);
    vb *b = vb_new("t");
    uint32_t e = pb_enum(b, "级别", "初级 中级 高级 正高级");
    assert_int_result(switch_on(b, vk_enum(b, e, "中级")), 11);
    b = vb_new("t");
    e = pb_enum(b, "级别", "初级 中级 高级 正高级");
    assert_int_result(switch_on(b, vk_enum(b, e, "正高级")), 99); /* beyond the table: default */
    b = vb_new("t");
    assert_runtime_error(switch_on(b, pb_string(b, "x")), "SWITCH");
}

/* ---- dates, sets ------------------------------------------------------------------------------------------ */

static void assert_date_result(result r, int y, int m, int d, int minute)
{
    assert_ok(r);
    assert_int_equal(r.v.type, POL_T_DATE);
    assert_int_equal(r.v.year, y);
    assert_int_equal(r.v.month, m);
    assert_int_equal(r.v.day, d);
    assert_int_equal(r.v.minute, minute);
}

static void test_dates(void **state)
{
    (void)state;
    /* ADDYEARS pops the years, then the date */
    assert_date_result(op2(NULL, POL_OP_ADDYEARS, pb_date(2024, 2, 29), pb_int(1)), 2025, 2, 28, -1);
    assert_date_result(op2(NULL, POL_OP_ADDYEARS, pb_date(2024, 2, 29), pb_int(4)), 2028, 2, 29, -1);
    assert_date_result(op2(NULL, POL_OP_ADDYEARS, pb_date(2021, 1, 10), pb_int(3)), 2024, 1, 10, -1);
    assert_date_result(op2(NULL, POL_OP_ADDYEARS, pb_date(2024, 1, 10), pb_int(-3)), 2021, 1, 10, -1);
    assert_date_result(op2(NULL, POL_OP_ADDYEARS, pb_datetime(2024, 4, 30, 17, 0), pb_int(1)), 2025, 4, 30, 1020);
    assert_date_result(op2(NULL, POL_OP_ADDYEARS, pb_date(2024, 1, 1), pb_int(INT64_MAX)), 9999, 1, 1, -1);
    assert_null_result(op2(NULL, POL_OP_ADDYEARS, pb_null(), pb_int(3)));
    assert_null_result(op2(NULL, POL_OP_ADDYEARS, pb_date(2024, 1, 1), pb_null()));
    assert_runtime_error(op2(NULL, POL_OP_ADDYEARS, pb_int(3), pb_date(2024, 1, 1)), "ADDYEARS");
    /* AT sets the time of day */
    assert_date_result(op1(NULL, POL_OP_AT, 17 * 60, pb_date(2024, 4, 30)), 2024, 4, 30, 1020);
    assert_date_result(op1(NULL, POL_OP_AT, 0, pb_datetime(2024, 4, 30, 9, 15)), 2024, 4, 30, 0);
    assert_date_result(op1(NULL, POL_OP_AT, 60, pb_date(1969, 12, 31)), 1969, 12, 31, 60);
    assert_null_result(op1(NULL, POL_OP_AT, 60, pb_null()));
    /* YEAR */
    assert_int_result(op1(NULL, POL_OP_YEAR, 0, pb_date(2018, 7, 1)), 2018);
    assert_null_result(op1(NULL, POL_OP_YEAR, 0, pb_null()));
    /* YEARSBETWEEN pops b, then a: whole years from a to b */
    assert_int_result(op2(NULL, POL_OP_YEARSBETWEEN, pb_date(2018, 7, 1), pb_date(2023, 12, 31)), 5);
    assert_int_result(op2(NULL, POL_OP_YEARSBETWEEN, pb_date(2019, 3, 15), pb_date(2023, 12, 31)), 4);
    assert_int_result(op2(NULL, POL_OP_YEARSBETWEEN, pb_date(2023, 12, 31), pb_date(2018, 7, 1)), -5);
    assert_int_result(op2(NULL, POL_OP_YEARSBETWEEN, pb_date(2020, 12, 31), pb_date(2023, 12, 31)), 3);
    assert_null_result(op2(NULL, POL_OP_YEARSBETWEEN, pb_null(), pb_date(2023, 12, 31)));
}

static result inset(const char *value)
{
    vb *b = vb_new("t");
    uint32_t e = pb_enum(b, "单位类型", "本地 中央驻苏 外省驻苏 军队");
    uint32_t s = vb_set(b, e, "中央驻苏 外省驻苏 军队");
    return op1(b, POL_OP_INSET, (int32_t)s, value ? vk_enum(b, e, value) : pb_null());
}

static void test_inset(void **state)
{
    (void)state;
    assert_bool_result(inset("军队"), 1);
    assert_bool_result(inset("中央驻苏"), 1);
    assert_bool_result(inset("本地"), 0);
    assert_bool_result(inset(NULL), 0); /* like x == a or x == b */
    /* a set over more than 64 values */
    vb *b = vb_new("t");
    char values[1024] = "";
    for (int i = 0; i < 100; i++)
        snprintf(values + strlen(values), sizeof values - strlen(values), "v%d ", i);
    uint32_t e = pb_enum(b, "big", values);
    uint32_t s = vb_set(b, e, "v3 v70 v99");
    assert_bool_result(op1(b, POL_OP_INSET, (int32_t)s, vk_enum(b, e, "v70")), 1);
    b = vb_new("t");
    e = pb_enum(b, "big", values);
    s = vb_set(b, e, "v3 v70 v99");
    assert_bool_result(op1(b, POL_OP_INSET, (int32_t)s, vk_enum(b, e, "v71")), 0);
}

/* ---- text ------------------------------------------------------------------------------------------------- */

static void test_format_text_forms(void **state)
{
    (void)state;
    vb *b = vb_new("t");
    uint32_t e = pb_enum(b, "级别", "初级 中级 高级 正高级");
    uint32_t t = pb_entity_type(b, "部门");
    uint32_t ent = pb_entity(b, t, "吴江区职称评价中心", 1);
    vb_push(b, pb_string(b, "s="));
    vb_push(b, pb_string(b, "论文《BIM》"));
    vb_push(b, pb_string(b, " i="));
    vb_push(b, pb_int(-42));
    vb_push(b, pb_string(b, " n="));
    vb_push(b, pb_number(30.1));
    vb_push(b, pb_string(b, " w="));
    vb_push(b, pb_number(14.0));
    vb_push(b, pb_string(b, " d="));
    vb_push(b, pb_date(2024, 4, 30));
    vb_push(b, pb_string(b, " t="));
    vb_push(b, pb_datetime(2024, 4, 30, 17, 0));
    vb_push(b, pb_string(b, " e="));
    vb_push(b, vk_enum(b, e, "中级"));
    vb_push(b, pb_string(b, " x="));
    vb_push(b, pb_entityref(b, ent));
    vb_push(b, pb_string(b, " b="));
    vb_push(b, pb_bool(1));
    vb_push(b, pb_bool(0));
    vb_push(b, pb_string(b, " z="));
    vb_push(b, pb_null());
    vb_push(b, pb_string(b, "."));
    b->p.max_stack = 32;
    pb_emit(b, POL_OP_FORMAT, 22, 0);
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)out0(b));
    pb_emit(b, POL_OP_HALT, 0, 0);
    assert_text_result(run(b, NULL), "s=论文《BIM》 i=-42 n=30.1 w=14 d=2024-04-30 t=2024-04-30T17:00 e=中级 "
                                     "x=吴江区职称评价中心 b=truefalse z=.");
    /* numbers: %.15g */
    assert_text_result(op1(NULL, POL_OP_FORMAT, 1, pb_number(0.1 + 0.2)), "0.3");
    assert_text_result(op1(NULL, POL_OP_FORMAT, 1, pb_number(1e20)), "1e+20");
    assert_text_result(op1(NULL, POL_OP_FORMAT, 1, pb_number(-2.5)), "-2.5");
    assert_text_result(op1(NULL, POL_OP_FORMAT, 1, pb_int(INT64_MIN)), "-9223372036854775808");
    assert_text_result(op1(NULL, POL_OP_FORMAT, 1, pb_null()), "");
    b = vb_new("t");
    pb_emit(b, POL_OP_FORMAT, 0, 0); /* nothing joined is the empty string */
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)out0(b));
    pb_emit(b, POL_OP_HALT, 0, 0);
    assert_text_result(run(b, NULL), "");
}

static void test_format_string_limit(void **state)
{
    (void)state;
    vb *b = vb_new("t");
    vb_push(b, pb_string(b, "0123456789"));
    vb_push(b, pb_string(b, "0123456789"));
    pb_emit(b, POL_OP_FORMAT, 2, 0);
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)out0(b));
    pb_emit(b, POL_OP_HALT, 0, 0);
    pol_config cfg = {0};
    cfg.limits.max_string_length = 19;
    result r = run(b, &cfg);
    assert_int_equal(r.st, POL_ERR_LIMIT);
    assert_non_null(strstr(r.error, "longer than 19 bytes"));
}

/* ---- entities and routing ------------------------------------------------------------------------------------- */

typedef struct routing {
    vb *b;
    uint32_t specialty, level, dept, committee, small;
    uint32_t e_wujiang, e_city, c_mech, c_mech_wj, x;
    uint32_t r_city, r_wujiang;
} routing;

/* applicant { specialty, level }; 评委会 { authority: string?, receiver: 部门?, mode: int? }; 部门 { phone }.
 * SWITCH on specialty then level picks the route rule. */
static routing routing_program(void)
{
    routing r;
    vb *b = r.b = vb_new("routes");
    r.specialty = pb_enum(b, "专业", "建设 机械 电子信息");
    r.level = pb_enum(b, "级别", "初级 中级 高级 正高级");
    vb_field(b, 0, "specialty", POL_T_ENUM, r.specialty, VB_NULLABLE, pb_null());
    vb_field(b, 0, "level", POL_T_ENUM, r.level, VB_NULLABLE, pb_null());
    r.dept = pb_entity_type(b, "部门");
    pb_attr(b, r.dept, "phone", pb_opt(pb_type(POL_T_STRING, 0)));
    r.committee = pb_entity_type(b, "评委会");
    pb_attr(b, r.committee, "authority", pb_opt(pb_type(POL_T_STRING, 0)));
    pb_attr(b, r.committee, "receiver", pb_opt(pb_type(POL_T_ENTITY, r.dept)));
    pb_attr(b, r.committee, "mode", pb_opt(pb_type(POL_T_INT, 0)));
    r.small = pb_entity_type(b, "小"); /* one attribute only */
    pb_attr(b, r.small, "only", pb_opt(pb_type(POL_T_INT, 0)));
    r.e_wujiang = pb_entity(b, r.dept, "吴江区职称评价中心", 1);
    pb_value(b, r.e_wujiang, 0, pb_string(b, "63950287"));
    r.e_city = pb_entity(b, r.dept, "苏州市专业技术人员服务中心", 1);
    r.c_mech = pb_entity(b, r.committee, "苏州市机械工程技术中级资格评审委员会", 1);
    pb_value(b, r.c_mech, 0, pb_string(b, "苏州市专业技术人员服务中心"));
    pb_value(b, r.c_mech, 1, pb_entityref(b, r.e_city));
    pb_value(b, r.c_mech, 2, pb_int(1));
    r.c_mech_wj = pb_entity(b, r.committee, "吴江区机械工程中级专业技术资格评审委员会", 1);
    pb_value(b, r.c_mech_wj, 1, pb_entityref(b, r.e_wujiang)); /* authority left null */
    r.x = pb_entity(b, r.small, "x", 1);
    pb_value(b, r.x, 0, pb_int(7));
    r.r_city = pb_rule(b, POLP_RULE_ROUTE, "一", 10, r.c_mech, "rule");
    r.r_wujiang = pb_rule(b, POLP_RULE_ROUTE, "一", 11, r.c_mech_wj, "rule");
    pb_output(b, "committee", pb_opt(pb_type(POL_T_ENTITY, r.committee)));
    pb_output(b, "authority", pb_opt(pb_type(POL_T_STRING, 0)));
    pb_output(b, "receiver_phone", pb_opt(pb_type(POL_T_STRING, 0)));
    pb_output(b, "unrouted", pb_opt(pb_type(POL_T_BOOL, 0)));
    return r;
}

/* routes: 机械 中级 → city committee; 电子信息 中级 → the 吴江 one; everything else unrouted */
static void emit_routes(routing *r)
{
    vb *b = r->b;
    uint32_t t_spec = vb_table(b, 3, 0), t_level = vb_table(b, 4, 0);
    pb_emit(b, POL_OP_FIELD, 0, 0);
    pb_emit(b, POL_OP_SWITCH, 0, (int32_t)t_spec);
    uint32_t mech = vb_here(b);
    pb_emit(b, POL_OP_FIELD, 0, 1);
    pb_emit(b, POL_OP_SWITCH, 0, (int32_t)t_level);
    uint32_t mech_mid = pb_emit(b, POL_OP_ROUTE, 0, (int32_t)r->r_city);
    uint32_t j1 = pb_emit(b, POL_OP_JUMP, 0, 0);
    uint32_t elec = vb_here(b);
    pb_emit(b, POL_OP_FIELD, 0, 1);
    pb_emit(b, POL_OP_CONST, 0, (int32_t)pb_const(b, vk_enum(b, r->level, "中级")));
    pb_emit(b, POL_OP_EQ, 0, 0);
    uint32_t j2 = pb_emit(b, POL_OP_JUMPF, 0, 0);
    pb_emit(b, POL_OP_ROUTE, 0, (int32_t)r->r_wujiang);
    uint32_t done = vb_here(b);
    pb_patch(b, j1, done);
    pb_patch(b, j2, done);
    b->p.tables[t_spec].dflt = done;
    for (uint32_t i = 0; i < 3; i++)
        b->p.tables[t_spec].entries[i] = done;
    b->p.tables[t_spec].entries[vb_enum_value(b, r->specialty, "机械")] = mech;
    b->p.tables[t_spec].entries[vb_enum_value(b, r->specialty, "电子信息")] = elec;
    b->p.tables[t_level].dflt = done;
    for (uint32_t i = 0; i < 4; i++)
        b->p.tables[t_level].entries[i] = done;
    b->p.tables[t_level].entries[vb_enum_value(b, r->level, "中级")] = mech_mid;
    /* outputs: committee = routed; authority = routed.authority; receiver_phone = routed.receiver.phone */
    pb_emit(b, POL_OP_ROUTED, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 0);
    pb_emit(b, POL_OP_ROUTED, 0, 0);
    pb_emit(b, POL_OP_ATTR, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 1);
    pb_emit(b, POL_OP_ROUTED, 0, 0);
    pb_emit(b, POL_OP_ATTR, 0, 1);
    pb_emit(b, POL_OP_ATTR, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 2);
    pb_emit(b, POL_OP_ROUTED, 0, 0);
    pb_emit(b, POL_OP_ISNULL, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 3);
    pb_emit(b, POL_OP_HALT, 0, 0);
}

static void decide_route(pol_context *ctx, const char *specialty, const char *level)
{
    pol_context_reset(ctx);
    assert_int_equal(pol_set_enum(ctx, 0, specialty, strlen(specialty)), POL_OK);
    assert_int_equal(pol_set_enum(ctx, 1, level, strlen(level)), POL_OK);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
}

static void test_routing_via_switch_tables(void **state)
{
    (void)state;
    routing r = routing_program();
    emit_routes(&r);
    pol_program *prog = vt_adopt(r.b, NULL);
    pol_context *ctx = vt_context(prog);

    decide_route(ctx, "机械", "中级");
    pol_value v = vt_output(ctx, "committee");
    assert_int_equal(v.type, POL_T_ENTITY);
    assert_text(v, "苏州市机械工程技术中级资格评审委员会");
    assert_text(vt_output(ctx, "authority"), "苏州市专业技术人员服务中心");
    assert_int_equal(vt_output(ctx, "receiver_phone").type, POL_T_NULL); /* the city has no phone here */
    assert_int_equal(vt_output(ctx, "unrouted").boolean, 0);

    decide_route(ctx, "电子信息", "中级");
    assert_text(vt_output(ctx, "committee"), "吴江区机械工程中级专业技术资格评审委员会");
    assert_int_equal(vt_output(ctx, "authority").type, POL_T_NULL); /* attribute left out */
    assert_text(vt_output(ctx, "receiver_phone"), "63950287");

    decide_route(ctx, "机械", "高级"); /* no route: routed is null, and so is everything read through it */
    assert_int_equal(vt_output(ctx, "committee").type, POL_T_NULL);
    assert_int_equal(vt_output(ctx, "authority").type, POL_T_NULL);
    assert_int_equal(vt_output(ctx, "receiver_phone").type, POL_T_NULL);
    assert_int_equal(vt_output(ctx, "unrouted").boolean, 1);

    decide_route(ctx, "建设", "正高级");
    assert_int_equal(vt_output(ctx, "unrouted").boolean, 1);
    decide_route(ctx, "机械", "中级"); /* routed does not leak from one evaluation into the next */
    decide_route(ctx, "建设", "中级");
    assert_int_equal(vt_output(ctx, "committee").type, POL_T_NULL);

    pol_context_free(ctx);
    pol_program_free(prog);
}

static void test_attr_checks(void **state)
{
    (void)state;
    /* ATTR of null is null */
    routing r = routing_program();
    assert_null_result(op1(r.b, POL_OP_ATTR, 0, pb_null()));
    /* ATTR on a non-entity */
    r = routing_program();
    assert_runtime_error(op1(r.b, POL_OP_ATTR, 0, pb_int(3)), "not an entity");
    /* an attribute index beyond that entity's type */
    r = routing_program();
    assert_runtime_error(op1(r.b, POL_OP_ATTR, 2, pb_entityref(r.b, r.x)), "no such attribute");
    r = routing_program();
    assert_int_result(op1(r.b, POL_OP_ATTR, 0, pb_entityref(r.b, r.x)), 7);
    r = routing_program();
    assert_int_result(op1(r.b, POL_OP_ATTR, 2, pb_entityref(r.b, r.c_mech)), 1);
    /* ROUTE on a rule that is not a route */
    vb *b = vb_new("t");
    uint32_t rule = pb_rule(b, POLP_RULE_VIOLATION, "一", 3, POL_NONE, "rule");
    pb_emit(b, POL_OP_ROUTE, 0, (int32_t)rule);
    pb_emit(b, POL_OP_ROUTED, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)out0(b));
    pb_emit(b, POL_OP_HALT, 0, 0);
    assert_runtime_error(run(b, NULL), "not a route");
}

/* ---- a small policy over lists: the continuing-education count and the paper checks ----------------------- */

typedef struct policy {
    vb *b;
    uint32_t level, r_ce, r_paper, r_warn;
} policy;

enum { F_ID, F_LEVEL, F_CTD, F_CE, F_PAPERS, F_EXCEPTIONAL };
enum { CE_YEAR, CE_HOURS, CE_XXQG };
enum { P_TITLE, P_SIMILARITY, P_FIRST };
enum { L_T, L_COUNT, L_CE, L_PAPERS, L_I, L_J };

/* applicant { id: string; level: 级别; current_title_date: date; ce: list 继续教育; papers: list 论文;
 *             exceptional: bool = false }
 * let T = year(current_title_date)
 * let count = count(c in ce where c.year > T and c.year <= 2023 and (c.hours >= 14 or c.xxqg >= 500))
 * clause 三(一) { violation when level == 中级 and count < 4 : "继续教育合格年数{count}，不足4年" }
 * for each p in papers { violation when p.similarity > 30 : "论文《{p.title}》查重率{p.similarity}%，超过30%"
 *                        warning when not p.first_author : "论文《{p.title}》非第一作者" }
 * output qualified_years = count; output id = id; output exceptional = exceptional
 * output violations = findings(violation); output status = if findings(violation) > 0 then "ineligible"
 * else "eligible" */
static policy ce_policy(void)
{
    policy q;
    vb *b = q.b = vb_new("苏州市2024年工程系列职称评审");
    q.level = pb_enum(b, "级别", "初级 中级 高级 正高级");
    uint32_t ce = pb_record(b, "继续教育"), paper = pb_record(b, "论文");
    vb_field(b, 0, "id", POL_T_STRING, 0, VB_REQUIRED, pb_null());
    vb_field(b, 0, "level", POL_T_ENUM, q.level, VB_REQUIRED, pb_null());
    vb_field(b, 0, "current_title_date", POL_T_DATE, 0, VB_REQUIRED, pb_null());
    vb_field(b, 0, "ce", POL_T_LIST, ce, 0, pb_null());
    vb_field(b, 0, "papers", POL_T_LIST, paper, 0, pb_null());
    vb_field(b, 0, "exceptional", POL_T_BOOL, 0, 0, pb_bool(0));
    vb_field(b, ce, "year", POL_T_INT, 0, VB_REQUIRED, pb_null());
    vb_field(b, ce, "hours", POL_T_NUMBER, 0, 0, pb_number(0));
    vb_field(b, ce, "xxqg_points", POL_T_NUMBER, 0, 0, pb_number(0));
    vb_field(b, paper, "title", POL_T_STRING, 0, VB_REQUIRED, pb_null());
    vb_field(b, paper, "similarity", POL_T_NUMBER, 0, 0, pb_number(0));
    vb_field(b, paper, "first_author", POL_T_BOOL, 0, 0, pb_bool(1));
    q.r_ce = pb_rule(b, POLP_RULE_VIOLATION, "三(一)", 40, POL_NONE, "rule");
    q.r_paper = pb_rule(b, POLP_RULE_VIOLATION, "四(二)", 50, POL_NONE, "rule");
    q.r_warn = pb_rule(b, POLP_RULE_WARNING, "四(二)", 51, POL_NONE, "rule");
    pb_output(b, "qualified_years", pb_opt(pb_type(POL_T_INT, 0)));
    pb_output(b, "id", pb_opt(pb_type(POL_T_STRING, 0)));
    pb_output(b, "exceptional", pb_opt(pb_type(POL_T_BOOL, 0)));
    pb_output(b, "violations", pb_opt(pb_type(POL_T_INT, 0)));
    pb_output(b, "status", pb_opt(pb_type(POL_T_STRING, 0)));

    b->line = 30; /* let T */
    pb_emit(b, POL_OP_FIELD, 0, F_CTD);
    pb_emit(b, POL_OP_YEAR, 0, 0);
    pb_emit(b, POL_OP_STORE, L_T, 0);
    b->line = 31; /* let count */
    vb_push(b, pb_int(0));
    pb_emit(b, POL_OP_STORE, L_COUNT, 0);
    pb_emit(b, POL_OP_ITERLIST, L_CE, F_CE);
    uint32_t next = pb_emit(b, POL_OP_NEXT, L_CE, 0);
    pb_emit(b, POL_OP_ELEM, L_CE, CE_YEAR);
    pb_emit(b, POL_OP_LOAD, L_T, 0);
    pb_emit(b, POL_OP_GT, 0, 0);
    uint32_t skip1 = pb_emit(b, POL_OP_JUMPF, 0, 0);
    pb_emit(b, POL_OP_ELEM, L_CE, CE_YEAR);
    vb_push(b, pb_int(2023));
    pb_emit(b, POL_OP_LE, 0, 0);
    uint32_t skip2 = pb_emit(b, POL_OP_JUMPF, 0, 0);
    pb_emit(b, POL_OP_ELEM, L_CE, CE_HOURS);
    vb_push(b, pb_int(14));
    pb_emit(b, POL_OP_GE, 0, 0);
    uint32_t take = pb_emit(b, POL_OP_JUMPT, 0, 0);
    pb_emit(b, POL_OP_ELEM, L_CE, CE_XXQG);
    vb_push(b, pb_int(500));
    pb_emit(b, POL_OP_GE, 0, 0);
    uint32_t skip3 = pb_emit(b, POL_OP_JUMPF, 0, 0);
    pb_patch(b, take, vb_here(b));
    pb_emit(b, POL_OP_LOAD, L_COUNT, 0);
    vb_push(b, pb_int(1));
    pb_emit(b, POL_OP_ADD, 0, 0);
    pb_emit(b, POL_OP_STORE, L_COUNT, 0);
    uint32_t loop = pb_emit(b, POL_OP_LOOP, 0, (int32_t)next);
    pb_patch(b, skip1, loop);
    pb_patch(b, skip2, loop);
    pb_patch(b, skip3, loop);
    pb_patch(b, next, vb_here(b));

    b->line = 40; /* violation when level == 中级 and count < 4 */
    pb_emit(b, POL_OP_FIELD, 0, F_LEVEL);
    vb_push(b, vk_enum(b, q.level, "中级"));
    pb_emit(b, POL_OP_EQ, 0, 0);
    uint32_t no1 = pb_emit(b, POL_OP_JUMPF, 0, 0);
    pb_emit(b, POL_OP_LOAD, L_COUNT, 0);
    vb_push(b, pb_int(4));
    pb_emit(b, POL_OP_LT, 0, 0);
    uint32_t no2 = pb_emit(b, POL_OP_JUMPF, 0, 0);
    vb_push(b, pb_string(b, "继续教育合格年数"));
    pb_emit(b, POL_OP_LOAD, L_COUNT, 0);
    vb_push(b, pb_string(b, "，不足4年"));
    pb_emit(b, POL_OP_FORMAT, 3, 0);
    pb_emit(b, POL_OP_FINDING, 0, (int32_t)q.r_ce);
    pb_patch(b, no1, vb_here(b));
    pb_patch(b, no2, vb_here(b));

    b->line = 50; /* for each p in papers */
    pb_emit(b, POL_OP_ITERLIST, L_PAPERS, F_PAPERS);
    next = pb_emit(b, POL_OP_NEXT, L_PAPERS, 0);
    pb_emit(b, POL_OP_ELEM, L_PAPERS, P_SIMILARITY);
    vb_push(b, pb_int(30));
    pb_emit(b, POL_OP_GT, 0, 0);
    uint32_t ok = pb_emit(b, POL_OP_JUMPF, 0, 0);
    vb_push(b, pb_string(b, "论文《"));
    pb_emit(b, POL_OP_ELEM, L_PAPERS, P_TITLE);
    vb_push(b, pb_string(b, "》查重率"));
    pb_emit(b, POL_OP_ELEM, L_PAPERS, P_SIMILARITY);
    vb_push(b, pb_string(b, "%，超过30%"));
    pb_emit(b, POL_OP_FORMAT, 5, 0);
    pb_emit(b, POL_OP_FINDING, 0, (int32_t)q.r_paper);
    pb_patch(b, ok, vb_here(b));
    b->line = 51;
    pb_emit(b, POL_OP_ELEM, L_PAPERS, P_FIRST);
    pb_emit(b, POL_OP_NOT, 0, 0);
    uint32_t first = pb_emit(b, POL_OP_JUMPF, 0, 0);
    vb_push(b, pb_string(b, "论文《"));
    pb_emit(b, POL_OP_ELEM, L_PAPERS, P_TITLE);
    vb_push(b, pb_string(b, "》非第一作者"));
    pb_emit(b, POL_OP_FORMAT, 3, 0);
    pb_emit(b, POL_OP_FINDING, 0, (int32_t)q.r_warn);
    pb_patch(b, first, vb_here(b));
    pb_emit(b, POL_OP_LOOP, 0, (int32_t)next);
    pb_patch(b, next, vb_here(b));

    b->line = 60; /* outputs */
    pb_emit(b, POL_OP_LOAD, L_COUNT, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 0);
    pb_emit(b, POL_OP_FIELD, 0, F_ID);
    pb_emit(b, POL_OP_OUTSET, 0, 1);
    pb_emit(b, POL_OP_FIELD, 0, F_EXCEPTIONAL);
    pb_emit(b, POL_OP_OUTSET, 0, 2);
    pb_emit(b, POL_OP_FINDCOUNT, POL_VIOLATION, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 3);
    pb_emit(b, POL_OP_FINDCOUNT, POL_VIOLATION, 0);
    vb_push(b, pb_int(0));
    pb_emit(b, POL_OP_GT, 0, 0);
    uint32_t eligible = pb_emit(b, POL_OP_JUMPF, 0, 0);
    vb_push(b, pb_string(b, "ineligible"));
    uint32_t end = pb_emit(b, POL_OP_JUMP, 0, 0);
    pb_patch(b, eligible, vb_here(b));
    vb_push(b, pb_string(b, "eligible"));
    pb_patch(b, end, vb_here(b));
    pb_emit(b, POL_OP_OUTSET, 0, 4);
    pb_emit(b, POL_OP_HALT, 0, 0);
    return q;
}

typedef struct ce_entry {
    int year;
    double hours, xxqg;
} ce_entry;

typedef struct paper_entry {
    const char *title;
    double similarity;
    int first_author; /* -1: not given */
} paper_entry;

static void bind_record(pol_context *ctx, const char *id, const char *level, const char *ctd, const ce_entry *ce,
                        size_t nce, const paper_entry *papers, size_t npapers)
{
    const pol_program *prog = ctx->prog;
    int ce_year = vt_elem(prog, "ce", "year"), ce_hours = vt_elem(prog, "ce", "hours"),
        ce_xxqg = vt_elem(prog, "ce", "xxqg_points");
    int p_title = vt_elem(prog, "papers", "title"), p_sim = vt_elem(prog, "papers", "similarity"),
        p_first = vt_elem(prog, "papers", "first_author");
    pol_context_reset(ctx);
    assert_int_equal(pol_set_string(ctx, F_ID, id, strlen(id)), POL_OK);
    assert_int_equal(pol_set_enum(ctx, F_LEVEL, level, strlen(level)), POL_OK);
    assert_int_equal(pol_set_date_string(ctx, F_CTD, ctd, strlen(ctd)), POL_OK);
    for (size_t i = 0; i < nce; i++) {
        uint32_t index;
        assert_int_equal(pol_list_append(ctx, F_CE, &index), POL_OK);
        assert_int_equal(index, i);
        assert_int_equal(pol_set_int(ctx, ce_year, ce[i].year), POL_OK);
        assert_int_equal(pol_set_number(ctx, ce_hours, ce[i].hours), POL_OK);
        if (ce[i].xxqg > 0)
            assert_int_equal(pol_set_number(ctx, ce_xxqg, ce[i].xxqg), POL_OK);
    }
    for (size_t i = 0; i < npapers; i++) {
        assert_int_equal(pol_list_append(ctx, F_PAPERS, NULL), POL_OK);
        assert_int_equal(pol_set_string(ctx, p_title, papers[i].title, strlen(papers[i].title)), POL_OK);
        assert_int_equal(pol_set_number(ctx, p_sim, papers[i].similarity), POL_OK);
        if (papers[i].first_author >= 0)
            assert_int_equal(pol_set_bool(ctx, p_first, papers[i].first_author), POL_OK);
    }
}

static void assert_finding(const pol_context *ctx, size_t i, pol_finding_kind kind, const char *clause, int line,
                           const char *message)
{
    pol_finding f;
    assert_int_equal(pol_finding_get(ctx, i, &f), POL_OK);
    assert_int_equal(f.kind, kind);
    assert_string_equal(f.clause, clause);
    assert_int_equal(f.line, line);
    assert_string_equal(f.message, message);
    assert_int_equal(f.message_length, strlen(message));
}

static void test_list_loop_findings_outputs(void **state)
{
    (void)state;
    policy q = ce_policy();
    pol_program *prog = vt_adopt(q.b, NULL);
    pol_context *ctx = vt_context(prog);

    /* E02 of the contract: 4 entries after 2019, one of 13 hours: 3 qualified years */
    ce_entry ce[] = {{2019, 20, 0}, {2020, 14, 0}, {2021, 13, 0}, {2022, 20, 0}, {2023, 14, 0}, {2024, 50, 0}};
    paper_entry papers[] = {{"深基坑支护设计", 30, 0}, {"BIM应用", 30.1, -1}};
    bind_record(ctx, "E02", "中级", "2019-03-15", ce, 6, papers, 2);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    pol_value v = vt_output(ctx, "qualified_years");
    assert_int_equal(v.type, POL_T_INT);
    assert_int_equal(v.integer, 3);
    assert_text(vt_output(ctx, "id"), "E02");
    assert_int_equal(vt_output(ctx, "exceptional").type, POL_T_BOOL); /* the default */
    assert_int_equal(vt_output(ctx, "exceptional").boolean, 0);
    assert_int_equal(vt_output(ctx, "violations").integer, 2);
    assert_text(vt_output(ctx, "status"), "ineligible");
    assert_int_equal(pol_finding_count(ctx), 3);
    assert_finding(ctx, 0, POL_VIOLATION, "三(一)", 40, "继续教育合格年数3，不足4年");
    assert_finding(ctx, 1, POL_WARNING, "四(二)", 51, "论文《深基坑支护设计》非第一作者");
    assert_finding(ctx, 2, POL_VIOLATION, "四(二)", 50, "论文《BIM应用》查重率30.1%，超过30%");
    pol_finding f;
    assert_int_equal(pol_finding_get(ctx, 3, &f), POL_ERR_ARGUMENT);

    /* xxqg_points count too; an empty paper list runs no iteration; the same context decides again */
    ce_entry ce2[] = {{2019, 0, 500}, {2020, 14, 0}, {2021, 14, 0}, {2022, 14, 0}};
    bind_record(ctx, "E01", "中级", "2018-07-01", ce2, 4, NULL, 0);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_int_equal(vt_output(ctx, "qualified_years").integer, 4);
    assert_text(vt_output(ctx, "status"), "eligible");
    assert_int_equal(pol_finding_count(ctx), 0);

    /* no ce at all */
    bind_record(ctx, "E03", "中级", "2018-07-01", NULL, 0, NULL, 0);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_int_equal(vt_output(ctx, "qualified_years").integer, 0);
    assert_finding(ctx, 0, POL_VIOLATION, "三(一)", 40, "继续教育合格年数0，不足4年");

    /* evaluating twice gives the same decision (findings do not pile up) */
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_int_equal(pol_finding_count(ctx), 1);

    pol_context_free(ctx);
    pol_program_free(prog);
}

/* sum(i for i in lo .. hi) with ITERRANGE/ITEM, nested: count pairs (i, j) in lo..hi with i < j */
static vb *range_program(polP_const lo, polP_const hi)
{
    vb *b = vb_new("ranges");
    pb_output(b, "sum", pb_opt(pb_type(POL_T_INT, 0)));
    pb_output(b, "pairs", pb_opt(pb_type(POL_T_INT, 0)));
    pb_output(b, "steps", pb_opt(pb_type(POL_T_INT, 0)));
    vb_push(b, pb_int(0));
    pb_emit(b, POL_OP_STORE, 0, 0);
    vb_push(b, pb_int(0));
    pb_emit(b, POL_OP_STORE, 1, 0);
    vb_push(b, pb_int(0));
    pb_emit(b, POL_OP_STORE, 2, 0);
    vb_push(b, lo);
    vb_push(b, hi);
    pb_emit(b, POL_OP_ITERRANGE, 3, 0);
    uint32_t outer = pb_emit(b, POL_OP_NEXT, 3, 0);
    pb_emit(b, POL_OP_LOAD, 0, 0);
    pb_emit(b, POL_OP_ITEM, 3, 0);
    pb_emit(b, POL_OP_ADD, 0, 0);
    pb_emit(b, POL_OP_STORE, 0, 0);
    vb_push(b, lo);
    vb_push(b, hi);
    pb_emit(b, POL_OP_ITERRANGE, 4, 0);
    uint32_t inner = pb_emit(b, POL_OP_NEXT, 4, 0);
    pb_emit(b, POL_OP_LOAD, 2, 0);
    vb_push(b, pb_int(1));
    pb_emit(b, POL_OP_ADD, 0, 0);
    pb_emit(b, POL_OP_STORE, 2, 0);
    pb_emit(b, POL_OP_ITEM, 3, 0);
    pb_emit(b, POL_OP_ITEM, 4, 0);
    pb_emit(b, POL_OP_LT, 0, 0);
    uint32_t skip = pb_emit(b, POL_OP_JUMPF, 0, 0);
    pb_emit(b, POL_OP_LOAD, 1, 0);
    vb_push(b, pb_int(1));
    pb_emit(b, POL_OP_ADD, 0, 0);
    pb_emit(b, POL_OP_STORE, 1, 0);
    uint32_t back = pb_emit(b, POL_OP_LOOP, 0, (int32_t)inner);
    pb_patch(b, skip, back);
    pb_patch(b, inner, vb_here(b));
    pb_emit(b, POL_OP_LOOP, 0, (int32_t)outer);
    pb_patch(b, outer, vb_here(b));
    pb_emit(b, POL_OP_LOAD, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 0);
    pb_emit(b, POL_OP_LOAD, 1, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 1);
    pb_emit(b, POL_OP_LOAD, 2, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 2);
    pb_emit(b, POL_OP_HALT, 0, 0);
    return b;
}

static pol_status run_ranges(polP_const lo, polP_const hi, const pol_config *cfg, int64_t out[3], char *err)
{
    pol_program *prog = vt_adopt(range_program(lo, hi), cfg);
    pol_context *ctx = vt_context(prog);
    pol_status st = pol_evaluate(ctx);
    strcpy(err, pol_context_error(ctx));
    for (int i = 0; st == POL_OK && i < 3; i++) {
        pol_value v;
        assert_int_equal(pol_output(ctx, i, &v), POL_OK);
        out[i] = v.integer;
    }
    pol_context_free(ctx);
    pol_program_free(prog);
    return st;
}

static void test_range_loops_nested(void **state)
{
    (void)state;
    int64_t out[3];
    char err[512];
    assert_int_equal(run_ranges(pb_int(2020), pb_int(2023), NULL, out, err), POL_OK);
    assert_int_equal(out[0], 2020 + 2021 + 2022 + 2023);
    assert_int_equal(out[1], 6); /* 4 choose 2 */
    assert_int_equal(out[2], 16);
    assert_int_equal(run_ranges(pb_int(5), pb_int(5), NULL, out, err), POL_OK);
    assert_int_equal(out[0], 5);
    assert_int_equal(out[1], 0);
    assert_int_equal(run_ranges(pb_int(6), pb_int(5), NULL, out, err), POL_OK); /* empty */
    assert_int_equal(out[0], 0);
    assert_int_equal(out[2], 0);
    assert_int_equal(run_ranges(pb_null(), pb_int(5), NULL, out, err), POL_OK); /* null end: empty */
    assert_int_equal(out[2], 0);
    assert_int_equal(run_ranges(pb_int(-3), pb_int(3), NULL, out, err), POL_OK);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 21);
    /* at the ends of int64 */
    assert_int_equal(run_ranges(pb_int(INT64_MAX - 1), pb_int(INT64_MAX), NULL, out, err), POL_OK);
    assert_int_equal(out[1], 1);
    assert_int_equal(out[2], 4);
    /* max_range_length */
    pol_config cfg = {0};
    cfg.limits.max_range_length = 10;
    assert_int_equal(run_ranges(pb_int(1), pb_int(10), &cfg, out, err), POL_OK);
    assert_int_equal(run_ranges(pb_int(1), pb_int(11), &cfg, out, err), POL_ERR_LIMIT);
    assert_non_null(strstr(err, "a range of more than 10 integers"));
    assert_int_equal(run_ranges(pb_int(INT64_MIN), pb_int(INT64_MAX), NULL, out, err), POL_ERR_LIMIT);
    assert_int_equal(run_ranges(pb_int(0), pb_int(100000), NULL, out, err), POL_ERR_LIMIT); /* default 100000 */
}

static void test_nested_list_loops(void **state)
{
    (void)state;
    /* count pairs (a, b) of ce entries with a.year < b.year, and the sum of hours of every entry */
    policy q = ce_policy();
    vb *b = q.b;
    b->p.ncode = 0;
    pb_output(b, "pairs", pb_opt(pb_type(POL_T_INT, 0))); /* output 5 */
    pb_output(b, "hours", pb_opt(pb_type(POL_T_NUMBER, 0))); /* output 6 */
    vb_push(b, pb_int(0));
    pb_emit(b, POL_OP_STORE, L_COUNT, 0);
    vb_push(b, pb_int(0));
    pb_emit(b, POL_OP_STORE, L_T, 0);
    pb_emit(b, POL_OP_ITERLIST, L_I, F_CE);
    uint32_t outer = pb_emit(b, POL_OP_NEXT, L_I, 0);
    pb_emit(b, POL_OP_LOAD, L_T, 0);
    pb_emit(b, POL_OP_ELEM, L_I, CE_HOURS);
    pb_emit(b, POL_OP_ADD, 0, 0);
    pb_emit(b, POL_OP_STORE, L_T, 0);
    pb_emit(b, POL_OP_ITERLIST, L_J, F_CE);
    uint32_t inner = pb_emit(b, POL_OP_NEXT, L_J, 0);
    pb_emit(b, POL_OP_ELEM, L_I, CE_YEAR);
    pb_emit(b, POL_OP_ELEM, L_J, CE_YEAR);
    pb_emit(b, POL_OP_LT, 0, 0);
    uint32_t skip = pb_emit(b, POL_OP_JUMPF, 0, 0);
    pb_emit(b, POL_OP_LOAD, L_COUNT, 0);
    vb_push(b, pb_int(1));
    pb_emit(b, POL_OP_ADD, 0, 0);
    pb_emit(b, POL_OP_STORE, L_COUNT, 0);
    uint32_t back = pb_emit(b, POL_OP_LOOP, 0, (int32_t)inner);
    pb_patch(b, skip, back);
    pb_patch(b, inner, vb_here(b));
    pb_emit(b, POL_OP_LOOP, 0, (int32_t)outer);
    pb_patch(b, outer, vb_here(b));
    pb_emit(b, POL_OP_LOAD, L_COUNT, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 5);
    pb_emit(b, POL_OP_LOAD, L_T, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 6); /* an int sum stored in a number output becomes a number */
    pb_emit(b, POL_OP_HALT, 0, 0);
    pol_program *prog = vt_adopt(b, NULL);
    pol_context *ctx = vt_context(prog);
    ce_entry ce[] = {{2021, 1, 0}, {2019, 2, 0}, {2020, 4, 0}, {2020, 8, 0}};
    bind_record(ctx, "N", "中级", "2018-01-01", ce, 4, NULL, 0);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_int_equal(vt_output(ctx, "pairs").integer, 5); /* 2019<2020 x2, 2019<2021, 2020<2021 x2 */
    pol_value h = vt_output(ctx, "hours");
    assert_int_equal(h.type, POL_T_NUMBER);
    assert_true(h.number == 15.0);
    bind_record(ctx, "N", "中级", "2018-01-01", NULL, 0, NULL, 0);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_int_equal(vt_output(ctx, "pairs").integer, 0);
    assert_int_equal(vt_output(ctx, "hours").type, POL_T_NUMBER);
    pol_context_free(ctx);
    pol_program_free(prog);
}

static void bind_minimal(pol_context *ctx) { bind_record(ctx, "M", "中级", "2018-01-01", NULL, 0, NULL, 0); }

/* A program the verifier refuses never runs: the interpreter relies on what it proved (loops, element fields,
 * opcodes) instead of checking it again at each instruction. */
static void assert_refused(vb *b, const char *part)
{
    char err[256];
    pol_program *prog = NULL;
    if (polV_verify(&b->p, err, sizeof err) != POL_ERR_VERIFY || !strstr(err, part))
        fail_msg("verifier said '%s', not '%s'", err, part);
    assert_int_equal(polX_program_adopt(&b->p, NULL, vb_release, &prog, err, sizeof err), POL_OK);
    pol_program_free(prog);
}

static void test_loop_state_checks(void **state)
{
    (void)state;
    /* ELEM on a range loop, ITEM on a list loop, NEXT of a loop never started */
    policy q = ce_policy();
    vb *b = q.b;
    b->p.ncode = 0;
    vb_push(b, pb_int(1));
    vb_push(b, pb_int(2));
    pb_emit(b, POL_OP_ITERRANGE, L_I, 0);
    pb_emit(b, POL_OP_NEXT, L_I, 7);
    pb_emit(b, POL_OP_ELEM, L_I, CE_YEAR);
    pb_emit(b, POL_OP_STORE, L_I + 1, 0);
    pb_emit(b, POL_OP_LOOP, 0, 3);
    pb_emit(b, POL_OP_HALT, 0, 0);
    assert_refused(b, "runs over a range, not a list");
    q = ce_policy();
    b = q.b;
    b->p.ncode = 0;
    pb_emit(b, POL_OP_ITEM, L_I, 0);
    pb_emit(b, POL_OP_HALT, 0, 0);
    assert_refused(b, "is not the iterator of an enclosing loop");
    q = ce_policy();
    b = q.b;
    b->p.ncode = 0;
    pb_emit(b, POL_OP_NEXT, L_I, 1);
    pb_emit(b, POL_OP_HALT, 0, 0);
    assert_refused(b, "NEXT must directly follow");
    /* an element field index beyond the element record */
    q = ce_policy();
    b = q.b;
    b->p.ncode = 0;
    pb_emit(b, POL_OP_ITERLIST, L_I, F_CE);
    pb_emit(b, POL_OP_NEXT, L_I, 4);
    pb_emit(b, POL_OP_ELEM, L_I, 3);
    pb_emit(b, POL_OP_LOOP, 0, 1);
    pb_emit(b, POL_OP_HALT, 0, 0);
    assert_refused(b, "element field 3 does not exist");
    /* an opcode beyond the instruction set */
    b = vb_new("t");
    pb_emit(b, (pol_opcode)200, 0, 0);
    pb_emit(b, POL_OP_HALT, 0, 0);
    assert_refused(b, "is not an instruction");
    /* ITERLIST on a field that is not a list */
    q = ce_policy();
    b = q.b;
    b->p.ncode = 0;
    pb_emit(b, POL_OP_ITERLIST, L_I, F_ID);
    pb_emit(b, POL_OP_HALT, 0, 0);
    assert_runtime_error(run_bound(b, NULL, bind_minimal), "not a list field");
    /* a finding whose rule is not a finding */
    b = vb_new("t");
    uint32_t rule = pb_rule(b, POLP_RULE_OUTPUT, NULL, 3, 0, "rule");
    vb_push(b, pb_string(b, "m"));
    pb_emit(b, POL_OP_FINDING, 0, (int32_t)rule);
    pb_emit(b, POL_OP_HALT, 0, 0);
    assert_runtime_error(run(b, NULL), "not a finding");
}

/* ---- the fused opcodes: RANGELEN, LISTLEN, the set opcodes, TESTK ------------------------------------------- */

/* The programs of this section are ones the verifier accepts, as the compiler's are; each runs plain and then
 * traced, and the two runs must decide the same. outs holds every output of the plain run (numbers, bools:
 * their text is not kept). */
typedef struct outs {
    pol_status st;
    char error[512];
    uint32_t n;
    pol_value v[32];
} outs;

static void quiet_trace(void *ud, const pol_trace_event *event)
{
    (void)ud;
    (void)event;
}

static outs evaluate_outs(pol_context *ctx)
{
    outs o;
    memset(&o, 0, sizeof o);
    o.st = pol_evaluate(ctx);
    snprintf(o.error, sizeof o.error, "%s", pol_context_error(ctx));
    o.n = (uint32_t)pol_output_count(ctx->prog);
    assert_true(o.n <= sizeof o.v / sizeof o.v[0]);
    for (uint32_t i = 0; o.st == POL_OK && i < o.n; i++) {
        assert_int_equal(pol_output(ctx, (int)i, &o.v[i]), POL_OK);
        o.v[i].string = NULL;
        o.v[i].length = 0;
    }
    return o;
}

/* Evaluate ctx's record plain, then traced: the same status, error and outputs. */
static outs evaluate_both(pol_context *ctx)
{
    outs plain = evaluate_outs(ctx);
    assert_int_equal(pol_context_set_trace(ctx, quiet_trace, NULL), POL_OK);
    outs traced = evaluate_outs(ctx);
    assert_int_equal(pol_context_set_trace(ctx, NULL, NULL), POL_OK);
    assert_int_equal(traced.st, plain.st);
    assert_string_equal(traced.error, plain.error);
    assert_memory_equal(traced.v, plain.v, sizeof plain.v);
    return plain;
}

static pol_program *adopt_verified(vb *b, const pol_config *cfg)
{
    char err[256] = "";
    if (polV_verify(&b->p, err, sizeof err) != POL_OK)
        fail_msg("the verifier refuses the program: %s", err);
    return vt_adopt(b, cfg);
}

/* Verify b's program, then evaluate it (plain and traced) on an empty record. */
static outs run_checked(vb *b, const pol_config *cfg)
{
    pol_program *prog = adopt_verified(b, cfg);
    pol_context *ctx = vt_context(prog);
    outs o = evaluate_both(ctx);
    pol_context_free(ctx);
    pol_program_free(prog);
    return o;
}

#define expect_ok(o, label)                                                                                          \
    do {                                                                                                             \
        if ((o).st != POL_OK)                                                                                        \
            fail_msg("%s: %s (%s)", (label), pol_status_name((o).st), (o).error);                                    \
    } while (0)
#define expect_int(o, i, want, label)                                                                                \
    do {                                                                                                             \
        expect_ok(o, label);                                                                                         \
        const pol_value *v_ = &(o).v[i];                                                                             \
        if (v_->type != POL_T_INT || v_->integer != (int64_t)(want))                                                 \
            fail_msg("%s: output %d is %s %lld, not int %lld", (label), (int)(i),                                    \
                     v_->type == POL_T_INT ? "int" : "a non-int", (long long)v_->integer, (long long)(want));        \
    } while (0)
#define expect_bool(o, i, want, label)                                                                               \
    do {                                                                                                             \
        expect_ok(o, label);                                                                                         \
        const pol_value *v_ = &(o).v[i];                                                                             \
        if (v_->type != POL_T_BOOL || v_->boolean != (want))                                                         \
            fail_msg("%s: output %d is type %d value %d, not bool %d", (label), (int)(i), (int)v_->type,             \
                     v_->boolean, (want));                                                                           \
    } while (0)
#define expect_error(o, status, part, label)                                                                         \
    do {                                                                                                             \
        if ((o).st != (status) || !strstr((o).error, (part)))                                                        \
            fail_msg("%s: %s '%s', not %s '%s'", (label), pol_status_name((o).st), (o).error,                        \
                     pol_status_name(status), (part));                                                               \
    } while (0)

static void int_outputs(vb *b, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        pb_output(b, names[i], pb_opt(pb_type(POL_T_INT, 0)));
}

/* A value under the operands that an opcode must leave where it is. */
enum { BELOW = 99 };

/* ---- RANGELEN: how many integers lo..hi holds, as the loop it replaces counts them ---- */

/* n = RANGELEN(lo, hi), over BELOW: outputs n, below */
static outs rangelen(polP_const lo, polP_const hi, const pol_config *cfg)
{
    vb *b = vb_new("t");
    int_outputs(b, (const char *const[]){"n", "below"}, 2);
    vb_push(b, pb_int(BELOW));
    vb_push(b, lo);
    vb_push(b, hi);
    pb_emit(b, POL_OP_RANGELEN, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 1);
    pb_emit(b, POL_OP_HALT, 0, 0);
    return run_checked(b, cfg);
}

/* the same count as the range loop count(y in lo .. hi) compiled to before RANGELEN: n = 0; for y in lo..hi:
 * n = n + 1 (over BELOW too) */
static outs range_loop_count(polP_const lo, polP_const hi, const pol_config *cfg)
{
    vb *b = vb_new("t");
    int_outputs(b, (const char *const[]){"n", "below"}, 2);
    vb_push(b, pb_int(BELOW));
    vb_push(b, pb_int(0));
    pb_emit(b, POL_OP_STORE, 0, 0);
    vb_push(b, lo);
    vb_push(b, hi);
    pb_emit(b, POL_OP_ITERRANGE, 1, 0);
    uint32_t next = pb_emit(b, POL_OP_NEXT, 1, 0);
    pb_emit(b, POL_OP_LOAD, 0, 0);
    vb_push(b, pb_int(1));
    pb_emit(b, POL_OP_ADD, 0, 0);
    pb_emit(b, POL_OP_STORE, 0, 0);
    pb_emit(b, POL_OP_LOOP, 0, (int32_t)next);
    pb_patch(b, next, vb_here(b));
    pb_emit(b, POL_OP_LOAD, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 1);
    pb_emit(b, POL_OP_HALT, 0, 0);
    return run_checked(b, cfg);
}

static void test_rangelen(void **state)
{
    (void)state;
    struct {
        polP_const lo, hi;
        int64_t want;
    } cases[] = {
        {pb_int(2020), pb_int(2023), 4},
        {pb_int(5), pb_int(5), 1},
        {pb_int(6), pb_int(5), 0},                     /* hi < lo: empty */
        {pb_int(5), pb_int(-5), 0},
        {pb_int(-3), pb_int(3), 7},
        {pb_int(-10), pb_int(-8), 3},
        {pb_null(), pb_int(5), 0},                     /* a null end: empty, as the loop runs no pass */
        {pb_int(5), pb_null(), 0},
        {pb_null(), pb_null(), 0},
        {pb_int(INT64_MAX - 1), pb_int(INT64_MAX), 2}, /* at the ends of int64 */
        {pb_int(INT64_MIN), pb_int(INT64_MIN + 2), 3},
        {pb_int(INT64_MAX), pb_int(INT64_MIN), 0},     /* empty, however far apart */
        {pb_int(1), pb_int(100000), 100000},           /* the default range limit, reached */
    };
    char label[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(label, sizeof label, "RANGELEN case %zu", i);
        outs fused = rangelen(cases[i].lo, cases[i].hi, NULL);
        expect_int(fused, 0, cases[i].want, label);
        expect_int(fused, 1, BELOW, label);
        snprintf(label, sizeof label, "range loop case %zu", i);
        outs loop = range_loop_count(cases[i].lo, cases[i].hi, NULL);
        expect_int(loop, 0, cases[i].want, label);
    }
    /* RANGELEN fails where the loop fails: ends that are not integers, a range beyond the limit */
    struct {
        polP_const lo, hi;
        uint32_t max_range;
        pol_status st;
        const char *error;
    } errors[] = {
        {pb_number(1.0), pb_int(3), 0, POL_ERR_RUNTIME, "the range's ends are not integers"},
        {pb_int(1), pb_number(3.0), 0, POL_ERR_RUNTIME, "the range's ends are not integers"},
        {pb_bool(1), pb_int(3), 0, POL_ERR_RUNTIME, "the range's ends are not integers"},
        {pb_int(0), pb_int(100000), 0, POL_ERR_LIMIT, "a range of more than 100000 integers"},
        {pb_int(INT64_MIN), pb_int(INT64_MAX), 0, POL_ERR_LIMIT, "a range of more than 100000 integers"},
        {pb_int(1), pb_int(11), 10, POL_ERR_LIMIT, "a range of more than 10 integers"},
    };
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        pol_config cfg = {0};
        cfg.limits.max_range_length = errors[i].max_range;
        snprintf(label, sizeof label, "RANGELEN error %zu", i);
        outs fused = rangelen(errors[i].lo, errors[i].hi, &cfg);
        expect_error(fused, errors[i].st, errors[i].error, label);
        if (errors[i].st == POL_ERR_RUNTIME)
            expect_error(fused, errors[i].st, "(RANGELEN)", label);
        snprintf(label, sizeof label, "range loop error %zu", i);
        outs loop = range_loop_count(errors[i].lo, errors[i].hi, &cfg);
        expect_error(loop, errors[i].st, errors[i].error, label);
    }
    pol_config cfg = {0};
    cfg.limits.max_range_length = 10;
    outs fused = rangelen(pb_int(1), pb_int(10), &cfg);
    expect_int(fused, 0, 10, "RANGELEN at the limit");
    /* no loop at all: a count of 100,000 integers costs nothing against the instruction budget */
    cfg = (pol_config){0};
    cfg.limits.max_instructions = 1;
    fused = rangelen(pb_int(1), pb_int(100000), &cfg);
    expect_int(fused, 0, 100000, "RANGELEN under a budget of 1");
    outs loop = range_loop_count(pb_int(1), pb_int(100000), &cfg);
    expect_error(loop, POL_ERR_LIMIT, "more than 1 instructions", "range loop under a budget of 1");
}

/* ---- the set opcodes: a set of the integers lo..hi kept in a local ---- */

typedef enum { S_NEW, S_ADD, S_IN, S_COUNT, S_STORE, S_LOAD } set_op;

typedef struct set_step {
    set_op op;
    polP_const x, y; /* S_NEW: lo and hi; S_ADD, S_IN: the value; S_STORE: what is stored in the local */
    int64_t want;    /* S_IN: 0 or 1; S_COUNT: the count */
} set_step;

#define ST_NEW(lo, hi) {S_NEW, (lo), (hi), 0}
#define ST_ADD(v) {S_ADD, (v), pb_null(), 0}
#define ST_IN(v, want) {S_IN, (v), pb_null(), (want)}
#define ST_COUNT(want) {S_COUNT, pb_null(), pb_null(), (want)}
#define ST_STORE(v) {S_STORE, (v), pb_null(), 0}
#define ST_LOAD() {S_LOAD, pb_null(), pb_null(), 0}

/* The steps on the set in local 0, over BELOW: each SETIN and SETCOUNT result goes to the next output, and
 * the last output is the value under them all. */
static outs run_set_steps(const set_step *steps, size_t n, const pol_config *cfg)
{
    vb *b = vb_new("t");
    uint32_t nout = 0;
    char name[16];
    vb_push(b, pb_int(BELOW));
    for (size_t i = 0; i < n; i++) {
        const set_step *s = &steps[i];
        switch (s->op) {
        case S_NEW:
            vb_push(b, s->x);
            vb_push(b, s->y);
            pb_emit(b, POL_OP_SETNEW, 0, 0);
            break;
        case S_ADD:
            vb_push(b, s->x);
            pb_emit(b, POL_OP_SETADD, 0, 0);
            break;
        case S_STORE:
            vb_push(b, s->x);
            pb_emit(b, POL_OP_STORE, 0, 0);
            break;
        case S_IN:
        case S_COUNT:
        case S_LOAD:
            if (s->op == S_IN) {
                vb_push(b, s->x);
                pb_emit(b, POL_OP_SETIN, 0, 0);
            } else if (s->op == S_LOAD) {
                pb_emit(b, POL_OP_LOAD, 0, 0);
            } else {
                pb_emit(b, POL_OP_SETCOUNT, 0, 0);
            }
            snprintf(name, sizeof name, "o%u", nout);
            pb_output(b, name, pb_opt(pb_type(POL_T_NULL, 0)));
            pb_emit(b, POL_OP_OUTSET, 0, (int32_t)nout++);
            break;
        }
    }
    pb_output(b, "below", pb_opt(pb_type(POL_T_INT, 0)));
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)nout);
    pb_emit(b, POL_OP_HALT, 0, 0);
    return run_checked(b, cfg);
}

static void check_set_steps(const pol_config *cfg, const char *name, const set_step *steps, size_t n)
{
    outs o = run_set_steps(steps, n, cfg);
    char label[128];
    uint32_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (steps[i].op != S_IN && steps[i].op != S_COUNT)
            continue;
        snprintf(label, sizeof label, "%s, step %zu (%s)", name, i, steps[i].op == S_IN ? "SETIN" : "SETCOUNT");
        if (steps[i].op == S_IN)
            expect_bool(o, k, (int)steps[i].want, label);
        else
            expect_int(o, k, steps[i].want, label);
        k++;
    }
    snprintf(label, sizeof label, "%s, the value under", name);
    expect_int(o, k, BELOW, label);
}

/* the steps succeed, and each SETIN and SETCOUNT gives what the step wants */
#define CHECK_SET_STEPS(cfg, name, ...)                                                                              \
    do {                                                                                                             \
        const set_step steps_[] = {__VA_ARGS__};                                                                     \
        check_set_steps((cfg), (name), steps_, sizeof steps_ / sizeof steps_[0]);                                    \
    } while (0)
/* the steps fail with that status and an error saying part */
#define EXPECT_SET_ERROR(cfg, status, part, label, ...)                                                              \
    do {                                                                                                             \
        const set_step steps_[] = {__VA_ARGS__};                                                                     \
        outs o_ = run_set_steps(steps_, sizeof steps_ / sizeof steps_[0], (cfg));                                    \
        expect_error(o_, (status), (part), (label));                                                                 \
    } while (0)

static void test_set_opcodes(void **state)
{
    (void)state;
    CHECK_SET_STEPS(NULL, "2020..2024", ST_NEW(pb_int(2020), pb_int(2024)),
                    ST_COUNT(0), /* a new set is empty */
                    ST_ADD(pb_int(2020)), ST_ADD(pb_int(2024)), ST_ADD(pb_int(2022)),
                    ST_ADD(pb_int(2022)), /* added twice, counted once */
                    ST_COUNT(3),
                    /* SETIN: whether the value is an integer of the range lo..hi (what the compiler tests before
                     * SETADD), added or not */
                    ST_IN(pb_int(2019), 0), ST_IN(pb_int(2020), 1), ST_IN(pb_int(2021), 1), ST_IN(pb_int(2022), 1),
                    ST_IN(pb_int(2024), 1), ST_IN(pb_int(2025), 0), ST_IN(pb_int(-2020), 0),
                    ST_IN(pb_int(INT64_MIN), 0), ST_IN(pb_int(INT64_MAX), 0),
                    ST_IN(pb_null(), 0),         /* null is no integer of the range */
                    ST_IN(pb_number(2021.0), 0), /* nor is a number */
                    ST_IN(pb_bool(1), 0),
                    ST_COUNT(3));                /* SETIN adds nothing */
    /* empty sets: hi < lo, or a null end (as the range loop over them runs no pass) */
    CHECK_SET_STEPS(NULL, "5..4", ST_NEW(pb_int(5), pb_int(4)), ST_COUNT(0), ST_IN(pb_int(4), 0),
                    ST_IN(pb_int(5), 0), ST_IN(pb_int(0), 0));
    CHECK_SET_STEPS(NULL, "null..5", ST_NEW(pb_null(), pb_int(5)), ST_COUNT(0), ST_IN(pb_int(5), 0),
                    ST_IN(pb_int(0), 0), ST_IN(pb_null(), 0));
    CHECK_SET_STEPS(NULL, "5..null", ST_NEW(pb_int(5), pb_null()), ST_COUNT(0), ST_IN(pb_int(5), 0),
                    ST_IN(pb_int(0), 0));
    CHECK_SET_STEPS(NULL, "null..null", ST_NEW(pb_null(), pb_null()), ST_COUNT(0), ST_IN(pb_int(0), 0));
    /* one integer; exactly one word of bits; more than one word, negative integers, word boundaries */
    CHECK_SET_STEPS(NULL, "7..7", ST_NEW(pb_int(7), pb_int(7)), ST_IN(pb_int(6), 0), ST_IN(pb_int(7), 1),
                    ST_IN(pb_int(8), 0), ST_ADD(pb_int(7)), ST_ADD(pb_int(7)), ST_COUNT(1));
    CHECK_SET_STEPS(NULL, "0..63", ST_NEW(pb_int(0), pb_int(63)), ST_ADD(pb_int(0)), ST_ADD(pb_int(63)),
                    ST_IN(pb_int(63), 1), ST_IN(pb_int(64), 0), ST_COUNT(2));
    CHECK_SET_STEPS(NULL, "0..64", ST_NEW(pb_int(0), pb_int(64)), ST_ADD(pb_int(64)), ST_IN(pb_int(64), 1),
                    ST_IN(pb_int(65), 0), ST_COUNT(1));
    CHECK_SET_STEPS(NULL, "-100..100", ST_NEW(pb_int(-100), pb_int(100)), ST_ADD(pb_int(-100)),
                    ST_ADD(pb_int(-37)), ST_ADD(pb_int(0)), ST_ADD(pb_int(-37)), ST_ADD(pb_int(63)),
                    ST_ADD(pb_int(64)), ST_ADD(pb_int(100)), ST_ADD(pb_int(100)), ST_ADD(pb_int(-100)), ST_COUNT(6),
                    ST_IN(pb_int(-101), 0), ST_IN(pb_int(-100), 1), ST_IN(pb_int(100), 1), ST_IN(pb_int(101), 0));
    /* at the ends of int64: no wrap-around lets a value in */
    CHECK_SET_STEPS(NULL, "top of int64", ST_NEW(pb_int(INT64_MAX - 2), pb_int(INT64_MAX)),
                    ST_IN(pb_int(INT64_MIN), 0), ST_IN(pb_int(INT64_MIN + 1), 0), ST_IN(pb_int(INT64_MAX - 3), 0),
                    ST_IN(pb_int(INT64_MAX), 1), ST_ADD(pb_int(INT64_MAX)), ST_ADD(pb_int(INT64_MAX - 2)),
                    ST_COUNT(2));
    CHECK_SET_STEPS(NULL, "bottom of int64", ST_NEW(pb_int(INT64_MIN), pb_int(INT64_MIN + 1)),
                    ST_IN(pb_int(INT64_MAX), 0), ST_IN(pb_int(INT64_MIN), 1), ST_IN(pb_int(INT64_MIN + 2), 0),
                    ST_IN(pb_int(-1), 0), ST_ADD(pb_int(INT64_MIN + 1)), ST_COUNT(1));
    /* SETNEW again empties the set and takes the new range, whether its storage is reused or not */
    CHECK_SET_STEPS(NULL, "renewed", ST_NEW(pb_int(1), pb_int(10)), ST_ADD(pb_int(1)), ST_ADD(pb_int(2)),
                    ST_ADD(pb_int(3)), ST_COUNT(3),
                    ST_NEW(pb_int(1), pb_int(5)), ST_COUNT(0), ST_IN(pb_int(7), 0), ST_IN(pb_int(5), 1),
                    ST_ADD(pb_int(5)), ST_COUNT(1),
                    ST_NEW(pb_int(0), pb_int(1000)), ST_COUNT(0), ST_IN(pb_int(1000), 1), ST_ADD(pb_int(999)),
                    ST_ADD(pb_int(0)), ST_COUNT(2),
                    ST_NEW(pb_int(0), pb_int(3)), ST_COUNT(0), ST_IN(pb_int(999), 0), ST_ADD(pb_int(3)),
                    ST_COUNT(1),
                    ST_NEW(pb_null(), pb_int(3)), ST_COUNT(0), ST_IN(pb_int(3), 0));
    /* a local that held a plain value becomes a set with SETNEW */
    CHECK_SET_STEPS(NULL, "stored first", ST_STORE(pb_int(5)), ST_NEW(pb_int(1), pb_int(2)), ST_ADD(pb_int(2)),
                    ST_COUNT(1));

    /* SETADD takes only an integer of the range: anything else is an error, not a silent drop (the compiler
     * puts a SETIN before each SETADD) */
    const char *not_in_range = "not an integer of the set's range";
    EXPECT_SET_ERROR(NULL, POL_ERR_RUNTIME, not_in_range, "SETADD above", ST_NEW(pb_int(1), pb_int(3)),
                     ST_ADD(pb_int(4)));
    EXPECT_SET_ERROR(NULL, POL_ERR_RUNTIME, not_in_range, "SETADD below", ST_NEW(pb_int(1), pb_int(3)),
                     ST_ADD(pb_int(0)));
    EXPECT_SET_ERROR(NULL, POL_ERR_RUNTIME, "(SETADD): not an integer of the set's range", "SETADD null",
                     ST_NEW(pb_int(1), pb_int(3)), ST_ADD(pb_null()));
    EXPECT_SET_ERROR(NULL, POL_ERR_RUNTIME, not_in_range, "SETADD number", ST_NEW(pb_int(1), pb_int(3)),
                     ST_ADD(pb_number(2.0)));
    EXPECT_SET_ERROR(NULL, POL_ERR_RUNTIME, not_in_range, "SETADD to the empty set of a null range",
                     ST_NEW(pb_null(), pb_int(3)), ST_ADD(pb_int(3)));
    EXPECT_SET_ERROR(NULL, POL_ERR_RUNTIME, not_in_range, "SETADD INT64_MIN", ST_NEW(pb_int(1), pb_int(3)),
                     ST_ADD(pb_int(INT64_MIN)));
    /* SETNEW's range: integers, within the range limit and the evaluation's memory */
    EXPECT_SET_ERROR(NULL, POL_ERR_RUNTIME, "(SETNEW): the range's ends are not integers", "SETNEW number",
                     ST_NEW(pb_number(1.0), pb_int(3)));
    EXPECT_SET_ERROR(NULL, POL_ERR_RUNTIME, "the range's ends are not integers", "SETNEW bool",
                     ST_NEW(pb_int(1), pb_bool(1)));
    pol_config cfg = {0};
    cfg.limits.max_range_length = 10;
    EXPECT_SET_ERROR(&cfg, POL_ERR_LIMIT, "a range of more than 10 integers", "SETNEW beyond the range limit",
                     ST_NEW(pb_int(1), pb_int(11)));
    CHECK_SET_STEPS(&cfg, "SETNEW at the range limit", ST_NEW(pb_int(1), pb_int(10)), ST_ADD(pb_int(10)),
                    ST_COUNT(1));
    EXPECT_SET_ERROR(NULL, POL_ERR_LIMIT, "a range of more than 100000 integers", "SETNEW over all of int64",
                     ST_NEW(pb_int(INT64_MIN), pb_int(INT64_MAX)));
    cfg = (pol_config){0};
    cfg.limits.max_record_bytes = 4096;
    EXPECT_SET_ERROR(&cfg, POL_ERR_LIMIT, "the evaluation's text exceeds 4096 bytes",
                     "SETNEW beyond the evaluation's memory", ST_NEW(pb_int(1), pb_int(100000)));
    CHECK_SET_STEPS(NULL, "SETNEW over 100000 integers", ST_NEW(pb_int(1), pb_int(100000)),
                    ST_ADD(pb_int(100000)), ST_ADD(pb_int(1)), ST_COUNT(2));
    /* the set opcodes on a local that holds no set (the verifier does not know what a local holds) */
    EXPECT_SET_ERROR(NULL, POL_ERR_RUNTIME, "(SETCOUNT): the local is not a set", "SETCOUNT on an int",
                     ST_STORE(pb_int(1)), ST_COUNT(0));
    EXPECT_SET_ERROR(NULL, POL_ERR_RUNTIME, "(SETIN): the local is not a set", "SETIN on an int",
                     ST_STORE(pb_int(1)), ST_IN(pb_int(1), 0));
    EXPECT_SET_ERROR(NULL, POL_ERR_RUNTIME, "(SETADD): the local is not a set", "SETADD on null",
                     ST_STORE(pb_null()), ST_ADD(pb_int(1)));
    EXPECT_SET_ERROR(NULL, POL_ERR_RUNTIME, "the local is not a set", "SETCOUNT after a STORE over the set",
                     ST_NEW(pb_int(1), pb_int(3)), ST_STORE(pb_int(2)), ST_COUNT(0));
    /* a set never reaches the stack, where an output or a message could take the VM's own value */
    EXPECT_SET_ERROR(NULL, POL_ERR_RUNTIME, "(LOAD): the local holds a set, which only the set opcodes read",
                     "LOAD of a set", ST_NEW(pb_int(1), pb_int(3)), ST_ADD(pb_int(2)), ST_LOAD());
}

/* The compiler's count(y in from .. to where any(e in items where e.year == y and e.ok)) as one pass over the
 * items with a set of the years (fused), and as the nested loops it stands for: the same count. */
enum { DC_FROM, DC_TO, DC_ITEMS }; /* applicant fields */
enum { DC_YEAR, DC_OK };           /* fields of an item */

static vb *distinct_program(int fused)
{
    vb *b = vb_new("distinct");
    uint32_t item = pb_record(b, "item");
    vb_field(b, 0, "from", POL_T_INT, 0, VB_NULLABLE, pb_null());
    vb_field(b, 0, "to", POL_T_INT, 0, VB_NULLABLE, pb_null());
    vb_field(b, 0, "items", POL_T_LIST, item, 0, pb_null());
    vb_field(b, item, "year", POL_T_INT, 0, VB_NULLABLE, pb_null());
    vb_field(b, item, "ok", POL_T_BOOL, 0, 0, pb_bool(1));
    int_outputs(b, (const char *const[]){"n"}, 1);
    if (fused) { /* set: local 0; the items: local 1 */
        pb_emit(b, POL_OP_FIELD, 0, DC_FROM);
        pb_emit(b, POL_OP_FIELD, 0, DC_TO);
        pb_emit(b, POL_OP_SETNEW, 0, 0);
        pb_emit(b, POL_OP_ITERLIST, 1, DC_ITEMS);
        uint32_t next = pb_emit(b, POL_OP_NEXT, 1, 0);
        pb_emit(b, POL_OP_ELEM, 1, DC_YEAR);
        pb_emit(b, POL_OP_SETIN, 0, 0);
        uint32_t out_of_range = pb_emit(b, POL_OP_JUMPF, 0, 0);
        pb_emit(b, POL_OP_ELEM, 1, DC_OK);
        uint32_t not_ok = pb_emit(b, POL_OP_JUMPF, 0, 0);
        pb_emit(b, POL_OP_ELEM, 1, DC_YEAR);
        pb_emit(b, POL_OP_SETADD, 0, 0);
        uint32_t back = pb_emit(b, POL_OP_LOOP, 0, (int32_t)next);
        pb_patch(b, out_of_range, back);
        pb_patch(b, not_ok, back);
        pb_patch(b, next, vb_here(b));
        pb_emit(b, POL_OP_SETCOUNT, 0, 0);
    } else { /* the count: local 0; y: local 1; any: local 2; e: local 3 */
        vb_push(b, pb_int(0));
        pb_emit(b, POL_OP_STORE, 0, 0);
        pb_emit(b, POL_OP_FIELD, 0, DC_FROM);
        pb_emit(b, POL_OP_FIELD, 0, DC_TO);
        pb_emit(b, POL_OP_ITERRANGE, 1, 0);
        uint32_t outer = pb_emit(b, POL_OP_NEXT, 1, 0);
        vb_push(b, pb_bool(0));
        pb_emit(b, POL_OP_STORE, 2, 0);
        pb_emit(b, POL_OP_ITERLIST, 3, DC_ITEMS);
        uint32_t inner = pb_emit(b, POL_OP_NEXT, 3, 0);
        pb_emit(b, POL_OP_ELEM, 3, DC_YEAR);
        pb_emit(b, POL_OP_ITEM, 1, 0);
        pb_emit(b, POL_OP_EQ, 0, 0);
        uint32_t other_year = pb_emit(b, POL_OP_JUMPF, 0, 0);
        pb_emit(b, POL_OP_ELEM, 3, DC_OK);
        uint32_t not_ok = pb_emit(b, POL_OP_JUMPF, 0, 0);
        vb_push(b, pb_bool(1));
        pb_emit(b, POL_OP_STORE, 2, 0);
        uint32_t inner_back = pb_emit(b, POL_OP_LOOP, 0, (int32_t)inner);
        pb_patch(b, other_year, inner_back);
        pb_patch(b, not_ok, inner_back);
        pb_patch(b, inner, vb_here(b));
        pb_emit(b, POL_OP_LOAD, 2, 0);
        uint32_t none = pb_emit(b, POL_OP_JUMPF, 0, 0);
        pb_emit(b, POL_OP_LOAD, 0, 0);
        vb_push(b, pb_int(1));
        pb_emit(b, POL_OP_ADD, 0, 0);
        pb_emit(b, POL_OP_STORE, 0, 0);
        uint32_t outer_back = pb_emit(b, POL_OP_LOOP, 0, (int32_t)outer);
        pb_patch(b, none, outer_back);
        pb_patch(b, outer, vb_here(b));
        pb_emit(b, POL_OP_LOAD, 0, 0);
    }
    pb_emit(b, POL_OP_OUTSET, 0, 0);
    pb_emit(b, POL_OP_HALT, 0, 0);
    return b;
}

typedef struct dc_item {
    int year; /* 0: left out (null) */
    int ok;
} dc_item;

typedef struct dc_record {
    int from, to; /* 0: left out (null) */
    dc_item items[12];
    size_t nitems;
    int64_t want;
} dc_record;

static void bind_dc(pol_context *ctx, const dc_record *r)
{
    int year = vt_elem(ctx->prog, "items", "year"), ok = vt_elem(ctx->prog, "items", "ok");
    pol_context_reset(ctx);
    if (r->from)
        assert_int_equal(pol_set_int(ctx, DC_FROM, r->from), POL_OK);
    if (r->to)
        assert_int_equal(pol_set_int(ctx, DC_TO, r->to), POL_OK);
    for (size_t i = 0; i < r->nitems; i++) {
        assert_int_equal(pol_list_append(ctx, DC_ITEMS, NULL), POL_OK);
        if (r->items[i].year)
            assert_int_equal(pol_set_int(ctx, year, r->items[i].year), POL_OK);
        assert_int_equal(pol_set_bool(ctx, ok, r->items[i].ok), POL_OK);
    }
}

static void test_set_distinct_count_as_nested_loops(void **state)
{
    (void)state;
    const dc_record records[] = {
        /* null years and years outside the range are not counted; a year twice counts once; not ok: not counted */
        {2020, 2024, {{2020, 1}, {2021, 1}, {2021, 1}, {0, 1}, {2019, 1}, {2025, 1}, {2022, 0}, {2024, 1}}, 8, 3},
        {2020, 2024, {{2023, 1}}, 1, 1}, /* the same contexts: nothing left from the record before */
        {0, 2024, {{2020, 1}}, 1, 0},    /* a null end: an empty range */
        {2020, 0, {{2020, 1}}, 1, 0},
        {2024, 2020, {{2022, 1}}, 1, 0}, /* hi < lo */
        {2020, 2024, {{0, 0}}, 0, 0},    /* no items */
        {2020, 2024, {{2022, 0}}, 1, 0},
        {2020, 2020, {{2020, 0}, {2020, 1}}, 2, 1},
        /* over three words of bits */
        {2000, 2150, {{2000, 1}, {2063, 1}, {2064, 1}, {2127, 1}, {2128, 1}, {2150, 1}, {2150, 1}, {2151, 1},
                      {1999, 1}}, 9, 6},
        {2020, 2024, {{2024, 1}, {2020, 1}}, 2, 2},
    };
    pol_program *fused = adopt_verified(distinct_program(1), NULL);
    pol_program *loops = adopt_verified(distinct_program(0), NULL);
    pol_context *fctx = vt_context(fused), *lctx = vt_context(loops);
    char label[64];
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
        bind_dc(fctx, &records[i]);
        bind_dc(lctx, &records[i]);
        snprintf(label, sizeof label, "set, record %zu", i);
        outs f = evaluate_both(fctx);
        expect_int(f, 0, records[i].want, label);
        snprintf(label, sizeof label, "nested loops, record %zu", i);
        outs l = evaluate_both(lctx);
        expect_int(l, 0, records[i].want, label);
    }
    pol_context_free(fctx);
    pol_context_free(lctx);
    pol_program_free(fused);
    pol_program_free(loops);
}

/* ---- TESTK: a comparison with a constant and the jump, fused ---- */

typedef enum { V_NULL, V_INT, V_NUM, V_DATE, V_TIME, V_LEVEL, V_COLOR, V_BOOL, V_TEXT } vkind;

typedef struct vspec {
    vkind kind;
    int64_t i;     /* INT, BOOL; DATE and TIME: yyyymmdd */
    double d;      /* NUM; TIME: the minute of the day */
    const char *s; /* LEVEL, COLOR: the value's name; TEXT */
} vspec;

#define VNULL {V_NULL, 0, 0, NULL}
#define VI(x) {V_INT, (x), 0, NULL}
#define VN(x) {V_NUM, 0, (x), NULL}
#define VD(ymd) {V_DATE, (ymd), 0, NULL}
#define VT(ymd, hh, mm) {V_TIME, (ymd), (hh) * 60 + (mm), NULL}
#define VL(name) {V_LEVEL, 0, 0, (name)}
#define VC(name) {V_COLOR, 0, 0, (name)}
#define VB(x) {V_BOOL, (x), 0, NULL}
#define VS(text) {V_TEXT, 0, 0, (text)}

enum { E_LEVEL, E_COLOR }; /* the enums of compare_branch's programs */

static polP_const make_value(vb *b, vspec v)
{
    int y = (int)(v.i / 10000), m = (int)(v.i / 100 % 100), d = (int)(v.i % 100);
    switch (v.kind) {
    case V_INT: return pb_int(v.i);
    case V_NUM: return pb_number(v.d);
    case V_DATE: return pb_date(y, m, d);
    case V_TIME: return pb_datetime(y, m, d, (int)v.d / 60, (int)v.d % 60);
    case V_LEVEL: return vk_enum(b, E_LEVEL, v.s);
    case V_COLOR: return vk_enum(b, E_COLOR, v.s);
    case V_BOOL: return pb_bool((int)v.i);
    case V_TEXT: return pb_string(b, v.s);
    default: return pb_null();
    }
}

static const pol_opcode compare_op[6] = {POL_OP_EQ, POL_OP_NE, POL_OP_LT, POL_OP_LE, POL_OP_GT, POL_OP_GE};
static const char *const compare_name[6] = {"==", "!=", "<", "<=", ">", ">="};

/* "if x cmp k" over BELOW, fused (TESTK cmp + 8 x when_true, constant k) or not (CONST k; the comparison;
 * JUMPF, or JUMPT when_true): output 0 is 2 when it jumped, 1 when it fell through; output 1 what lies under */
static outs compare_branch(vspec x, vspec k, int cmp, int when_true, int fused)
{
    vb *b = vb_new("t");
    pb_enum(b, "级别", "初级 中级 高级");
    pb_enum(b, "颜色", "红 绿");
    int_outputs(b, (const char *const[]){"branch", "below"}, 2);
    vb_push(b, pb_int(BELOW));
    vb_push(b, make_value(b, x));
    uint32_t j;
    if (fused) {
        uint32_t c = pb_const(b, make_value(b, k));
        j = pb_emit(b, POL_OP_TESTK, (uint8_t)(cmp | (when_true ? 8 : 0)), 0);
        b->p.code[j].c = (uint16_t)c;
    } else {
        vb_push(b, make_value(b, k));
        pb_emit(b, compare_op[cmp], 0, 0);
        j = pb_emit(b, when_true ? POL_OP_JUMPT : POL_OP_JUMPF, 0, 0);
    }
    vb_push(b, pb_int(1));
    uint32_t over = pb_emit(b, POL_OP_JUMP, 0, 0);
    pb_patch(b, j, vb_here(b));
    vb_push(b, pb_int(2));
    pb_patch(b, over, vb_here(b));
    pb_emit(b, POL_OP_OUTSET, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 1);
    pb_emit(b, POL_OP_HALT, 0, 0);
    return run_checked(b, NULL);
}

static void test_testk_branches_as_compare_and_jump(void **state)
{
    (void)state;
    /* holds: whether x == k, x != k, x < k, x <= k, x > k, x >= k; E: the two cannot be ordered (an error) */
    const struct {
        vspec x, k;
        const char *holds;
    } cases[] = {
        {VI(3), VI(2), "010011"},
        {VI(3), VI(3), "100101"},
        {VI(3), VI(4), "011100"},
        {VI(-5), VI(0), "011100"},
        {VI(0), VI(-5), "010011"},
        {VI(INT64_MAX - 1), VI(INT64_MAX), "011100"}, /* exact, not as doubles */
        {VI(INT64_MIN), VI(INT64_MAX), "011100"},
        {VI(3), VN(3.0), "100101"},                   /* int with number */
        {VI(3), VN(3.5), "011100"},
        {VN(2.5), VI(2), "010011"},
        {VN(2.5), VN(2.5), "100101"},
        {VN(-0.0), VN(0.0), "100101"},
        {VN(NAN), VI(0), "010000"},                   /* NaN: unordered, unequal */
        {VI(0), VN(NAN), "010000"},
        {VD(20240430), VD(20240430), "100101"},       /* dates, to the minute */
        {VD(20240430), VD(20240501), "011100"},
        {VD(20250101), VD(20241231), "010011"},
        {VT(20240430, 17, 1), VT(20240430, 17, 0), "010011"},
        {VT(20240430, 17, 0), VT(20240430, 17, 0), "100101"},
        {VD(20240430), VT(20240430, 17, 0), "011100"},
        {VL("中级"), VL("初级"), "010011"},            /* enum values, in declaration order */
        {VL("中级"), VL("中级"), "100101"},
        {VL("中级"), VL("高级"), "011100"},
        {VB(1), VB(1), "100101"},
        {VB(0), VB(1), "011100"},
        {VS("abc"), VS("abc"), "100101"},
        {VS("abc"), VS("abd"), "011100"},
        {VS("吴江区"), VS("吴江"), "010011"},
        {VS(""), VS(""), "100101"},
        /* null equals only null; an order with null is false */
        {VNULL, VI(3), "010000"},
        {VI(3), VNULL, "010000"},
        {VNULL, VNULL, "100000"},
        {VNULL, VL("中级"), "010000"},
        {VL("中级"), VNULL, "010000"},
        {VNULL, VD(20240430), "010000"},
        {VNULL, VS(""), "010000"},
        {VNULL, VB(0), "010000"},
        /* values of different kinds, or of different enums, are unequal and cannot be ordered */
        {VS("1"), VI(1), "01EEEE"},
        {VI(1), VS("1"), "01EEEE"},
        {VL("中级"), VC("绿"), "01EEEE"},              /* the same index in two enums */
        {VD(19700101), VI(0), "01EEEE"},
        {VB(1), VI(1), "01EEEE"},
    };
    char label[160];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int cmp = 0; cmp < 6; cmp++)
            for (int when_true = 0; when_true <= 1; when_true++)
                for (int fused = 0; fused <= 1; fused++) {
                    snprintf(label, sizeof label, "case %zu, x %s k, %s, %s", i, compare_name[cmp],
                             when_true ? "jump if true" : "jump if false",
                             fused ? "TESTK" : "CONST; compare; jump");
                    outs o = compare_branch(cases[i].x, cases[i].k, cmp, when_true, fused);
                    char h = cases[i].holds[cmp];
                    if (h == 'E') {
                        char where[32];
                        snprintf(where, sizeof where, "(%s): ", fused ? "TESTK" : polO_info[compare_op[cmp]].name);
                        expect_error(o, POL_ERR_RUNTIME, "the values cannot be compared", label);
                        expect_error(o, POL_ERR_RUNTIME, where, label);
                        continue;
                    }
                    int jumped = when_true ? h == '1' : h == '0';
                    expect_int(o, 0, jumped ? 2 : 1, label);
                    expect_int(o, 1, BELOW, label);
                }
}

/* ---- the loader's superinstructions (quicken.h): the fused code decides as the plain code ------------------- */

enum { Q_X, Q_S, Q_LVL, Q_BOOM, Q_L }; /* applicant fields */
enum { Q_SUM, Q_IT }; /* locals: the count, the loop over l */

typedef struct quick_program {
    vb *b;
    uint32_t fused[16], nfused; /* the addresses that must hold a superinstruction, in order */
    uint8_t op[16];
} quick_program;

/* Every sequence the loader fuses, once each, and one jump into the middle of a FIELD; TESTK:
 *   big = 1 when x > 5                                         FIELD; TESTK
 *   switch lvl: 中级 → route 评委会 E (a = 7); else nothing        FIELD; SWITCH
 *   attr = routed.a (null when unrouted)                       ROUTED; ATTR; OUTSET
 *   n = count(e in l where e.y == 3)                           ELEM; TESTK, and LOOP back to its NEXT
 *   n is output                                                LOAD; OUTSET
 *   mid = 1 when 9 > 5, a TESTK reached by a jump past its FIELD
 *   when boom: s < 3, a string against an int: an error at that TESTK */
static quick_program quick_sequences(void)
{
    quick_program q = {0};
    vb *b = q.b = vb_new("quick");
    uint32_t lvl = pb_enum(b, "级别", "初级 中级");
    uint32_t elem = pb_record(b, "e");
    vb_field(b, 0, "x", POL_T_INT, 0, VB_NULLABLE, pb_null());
    vb_field(b, 0, "s", POL_T_STRING, 0, VB_NULLABLE, pb_null());
    vb_field(b, 0, "lvl", POL_T_ENUM, lvl, VB_NULLABLE, pb_null());
    vb_field(b, 0, "boom", POL_T_BOOL, 0, 0, pb_bool(0));
    vb_field(b, 0, "l", POL_T_LIST, elem, 0, pb_null());
    vb_field(b, elem, "y", POL_T_INT, 0, VB_NULLABLE, pb_null());
    uint32_t et = pb_entity_type(b, "评委会");
    pb_attr(b, et, "a", pb_opt(pb_type(POL_T_INT, 0)));
    uint32_t e = pb_entity(b, et, "E", 1);
    pb_value(b, e, 0, pb_int(7));
    uint32_t route = pb_rule(b, POLP_RULE_ROUTE, "一", 2, e, "route");
    int_outputs(b, (const char *const[]){"big", "attr", "n", "mid"}, 4);
#define Q_FUSED(addr, opcode) (q.fused[q.nfused] = (addr), q.op[q.nfused++] = (opcode))
    uint32_t k5 = pb_const(b, pb_int(5)), k3 = pb_const(b, pb_int(3));
    /* big */
    Q_FUSED(pb_emit(b, POL_OP_FIELD, 0, Q_X), POLX_Q_FIELD_TESTK);
    uint32_t no_big = pb_emit(b, POL_OP_TESTK, 4, 0); /* x > 5, jump when false */
    b->p.code[no_big].c = (uint16_t)k5;
    vb_push(b, pb_int(1));
    pb_emit(b, POL_OP_OUTSET, 0, 0);
    pb_patch(b, no_big, vb_here(b));
    /* routing */
    uint32_t table = vb_table(b, 2, 0);
    Q_FUSED(pb_emit(b, POL_OP_FIELD, 0, Q_LVL), POLX_Q_FIELD_SWITCH);
    pb_emit(b, POL_OP_SWITCH, 0, (int32_t)table);
    pb_table_entry(b, table, 1, vb_here(b));
    pb_emit(b, POL_OP_ROUTE, 0, (int32_t)route);
    pb_table_entry(b, table, 0, vb_here(b));
    pb_table_default(b, table, vb_here(b));
    Q_FUSED(pb_emit(b, POL_OP_ROUTED, 0, 0), POLX_Q_ROUTED_ATTR_OUTSET);
    pb_emit(b, POL_OP_ATTR, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 1);
    /* n */
    vb_push(b, pb_int(0));
    pb_emit(b, POL_OP_STORE, Q_SUM, 0);
    pb_emit(b, POL_OP_ITERLIST, Q_IT, Q_L);
    uint32_t next = pb_emit(b, POL_OP_NEXT, Q_IT, 0);
    Q_FUSED(pb_emit(b, POL_OP_ELEM, Q_IT, 0), POLX_Q_ELEM_TESTK);
    uint32_t skip = pb_emit(b, POL_OP_TESTK, 0, 0); /* e.y == 3, jump when false */
    b->p.code[skip].c = (uint16_t)k3;
    pb_emit(b, POL_OP_LOAD, Q_SUM, 0);
    vb_push(b, pb_int(1));
    pb_emit(b, POL_OP_ADD, 0, 0);
    pb_emit(b, POL_OP_STORE, Q_SUM, 0);
    uint32_t loop = pb_emit(b, POL_OP_LOOP, 0, (int32_t)next);
    Q_FUSED(loop, POLX_Q_LOOP_NEXT);
    pb_patch(b, skip, loop);
    pb_patch(b, next, vb_here(b));
    Q_FUSED(pb_emit(b, POL_OP_LOAD, Q_SUM, 0), POLX_Q_LOAD_OUTSET);
    pb_emit(b, POL_OP_OUTSET, 0, 2);
    /* mid: CONST 9, JUMP over the FIELD to the TESTK of a fused pair */
    vb_push(b, pb_int(9));
    uint32_t over = pb_emit(b, POL_OP_JUMP, 0, 0);
    Q_FUSED(pb_emit(b, POL_OP_FIELD, 0, Q_X), POLX_Q_FIELD_TESTK);
    pb_patch(b, over, vb_here(b));
    uint32_t no_mid = pb_emit(b, POL_OP_TESTK, 4, 0);
    b->p.code[no_mid].c = (uint16_t)k5;
    vb_push(b, pb_int(1));
    pb_emit(b, POL_OP_OUTSET, 0, 3);
    pb_patch(b, no_mid, vb_here(b));
    /* boom: FIELD boom; TESTK == true (fused too); then FIELD s; TESTK s < 3 fails for a string */
    uint32_t kt = pb_const(b, pb_bool(1));
    Q_FUSED(pb_emit(b, POL_OP_FIELD, 0, Q_BOOM), POLX_Q_FIELD_TESTK);
    uint32_t no_boom = pb_emit(b, POL_OP_TESTK, 0, 0);
    b->p.code[no_boom].c = (uint16_t)kt;
    Q_FUSED(pb_emit(b, POL_OP_FIELD, 0, Q_S), POLX_Q_FIELD_TESTK);
    uint32_t bad = pb_emit(b, POL_OP_TESTK, 2, 0);
    b->p.code[bad].c = (uint16_t)k3;
    pb_patch(b, bad, vb_here(b));
    pb_patch(b, no_boom, vb_here(b));
    pb_emit(b, POL_OP_HALT, 0, 0);
#undef Q_FUSED
    return q;
}

static void test_superinstructions_decide_as_plain(void **state)
{
    (void)state;
    quick_program q = quick_sequences();
    pol_program *prog = adopt_verified(q.b, NULL);
    const polP_program *p = prog->p;
    /* each sequence fused where expected, nothing else; the file's code untouched */
    assert_int_equal(prog->nfused, q.nfused);
    for (uint32_t i = 0, k = 0; i < p->ncode; i++) {
        if (k < q.nfused && q.fused[k] == i) {
            assert_int_equal(prog->code[i].op, q.op[k]);
            assert_true(p->code[i].op < POL_OP__COUNT);
            k++;
        } else {
            assert_int_equal(prog->code[i].op, p->code[i].op);
        }
        assert_int_equal(prog->code[i].a, p->code[i].a);
        assert_int_equal(prog->code[i].b, p->code[i].b);
        assert_int_equal(prog->code[i].c, p->code[i].c);
    }
    pol_context *ctx = vt_context(prog);
    int y = vt_elem(prog, "l", "y");
    static const char *const levels[] = {NULL, "初级", "中级"};
    int runs = 0, errors = 0;
    for (int x = -1; x <= 7; x += 2)          /* -1: null */
        for (int lv = 0; lv < 3; lv++)
            for (int len = 0; len <= 3; len++)
                for (int boom = 0; boom <= 2; boom++) { /* 2: boom with s null, which compares false */
                    pol_context_reset(ctx);
                    if (x >= 0)
                        assert_int_equal(pol_set_int(ctx, Q_X, x), POL_OK);
                    if (levels[lv])
                        assert_int_equal(pol_set_enum(ctx, Q_LVL, levels[lv], strlen(levels[lv])), POL_OK);
                    if (boom) {
                        assert_int_equal(pol_set_bool(ctx, Q_BOOM, 1), POL_OK);
                        if (boom == 1)
                            assert_int_equal(pol_set_string(ctx, Q_S, "abc", 3), POL_OK);
                    }
                    for (int i = 0; i < len; i++) {
                        assert_int_equal(pol_list_append(ctx, Q_L, NULL), POL_OK);
                        if (i != 1) /* the second element's y stays null */
                            assert_int_equal(pol_set_int(ctx, y, i + 2), POL_OK); /* 2, -, 4... 3 at i = 1 only */
                    }
                    if (len >= 3)
                        assert_int_equal(pol_set_int(ctx, y, 3), POL_OK); /* the last element: y = 3 */
                    outs o = evaluate_both(ctx); /* the quickened code, then the plain code traced: alike */
                    runs++;
                    if (boom == 1) {
                        expect_error(o, POL_ERR_RUNTIME, "the values cannot be compared", "boom");
                        expect_error(o, POL_ERR_RUNTIME, "(TESTK)", "boom");
                        errors++;
                        continue;
                    }
                    expect_ok(o, "quick");
                    if (x > 5)
                        expect_int(o, 0, 1, "big");
                    else
                        assert_int_equal(o.v[0].type, POL_T_NULL);
                    if (lv == 2)
                        expect_int(o, 1, 7, "attr");
                    else
                        assert_int_equal(o.v[1].type, POL_T_NULL);
                    expect_int(o, 2, len >= 3 ? 1 : 0, "n");
                    expect_int(o, 3, 1, "mid");
                }
    assert_int_equal(runs, 5 * 3 * 4 * 3);
    assert_int_equal(errors, 5 * 3 * 4);
    pol_context_free(ctx);
    pol_program_free(prog);
}

/* ---- LISTLEN: the length of a list field, as a counting loop over it finds ---- */

enum { LL_N, LL_PAPERS, LL_CE }; /* applicant fields: a list field is not field 0, and there are two */

/* outputs: papers by LISTLEN, papers by a loop, ce by LISTLEN, ce by a loop, below (with_loops 0: the first only) */
static vb *listlen_program(int with_loops)
{
    vb *b = vb_new("lists");
    uint32_t paper = pb_record(b, "paper"), ce = pb_record(b, "ce");
    vb_field(b, 0, "n", POL_T_INT, 0, VB_NULLABLE, pb_null());
    vb_field(b, 0, "papers", POL_T_LIST, paper, 0, pb_null());
    vb_field(b, 0, "ce", POL_T_LIST, ce, 0, pb_null());
    vb_field(b, paper, "title", POL_T_STRING, 0, VB_NULLABLE, pb_null());
    vb_field(b, ce, "year", POL_T_INT, 0, VB_NULLABLE, pb_null());
    vb_field(b, ce, "hours", POL_T_NUMBER, 0, 0, pb_number(0));
    if (!with_loops) {
        int_outputs(b, (const char *const[]){"papers"}, 1);
        pb_emit(b, POL_OP_LISTLEN, 0, LL_PAPERS);
        pb_emit(b, POL_OP_OUTSET, 0, 0);
        pb_emit(b, POL_OP_HALT, 0, 0);
        return b;
    }
    int_outputs(b, (const char *const[]){"papers", "papers_loop", "ce", "ce_loop", "below"}, 5);
    vb_push(b, pb_int(BELOW));
    const uint32_t lists[2] = {LL_PAPERS, LL_CE};
    for (int k = 0; k < 2; k++) {
        pb_emit(b, POL_OP_LISTLEN, 0, (int32_t)lists[k]);
        pb_emit(b, POL_OP_OUTSET, 0, 2 * k);
        vb_push(b, pb_int(0)); /* n = 0; for x in list: n = n + 1 (n: local 0, x: local 1) */
        pb_emit(b, POL_OP_STORE, 0, 0);
        pb_emit(b, POL_OP_ITERLIST, 1, (int32_t)lists[k]);
        uint32_t next = pb_emit(b, POL_OP_NEXT, 1, 0);
        pb_emit(b, POL_OP_LOAD, 0, 0);
        vb_push(b, pb_int(1));
        pb_emit(b, POL_OP_ADD, 0, 0);
        pb_emit(b, POL_OP_STORE, 0, 0);
        pb_emit(b, POL_OP_LOOP, 0, (int32_t)next);
        pb_patch(b, next, vb_here(b));
        pb_emit(b, POL_OP_LOAD, 0, 0);
        pb_emit(b, POL_OP_OUTSET, 0, 2 * k + 1);
    }
    pb_emit(b, POL_OP_OUTSET, 0, 4);
    pb_emit(b, POL_OP_HALT, 0, 0);
    return b;
}

typedef struct ll_record {
    uint32_t papers, ce;      /* elements appended */
    int papers_null, ce_null; /* then set to null (null means []) */
    int64_t want_papers, want_ce;
} ll_record;

static void bind_ll(pol_context *ctx, const ll_record *r)
{
    int year = vt_elem(ctx->prog, "ce", "year");
    pol_context_reset(ctx);
    assert_int_equal(pol_set_int(ctx, LL_N, 7), POL_OK);
    for (uint32_t i = 0; i < r->papers; i++)
        assert_int_equal(pol_list_append(ctx, LL_PAPERS, NULL), POL_OK);
    for (uint32_t i = 0; i < r->ce; i++) {
        assert_int_equal(pol_list_append(ctx, LL_CE, NULL), POL_OK);
        if (i % 2)
            assert_int_equal(pol_set_int(ctx, year, 2000 + (int)i), POL_OK);
    }
    if (r->papers_null)
        assert_int_equal(pol_set_null(ctx, LL_PAPERS), POL_OK);
    if (r->ce_null)
        assert_int_equal(pol_set_null(ctx, LL_CE), POL_OK);
}

static void test_listlen(void **state)
{
    (void)state;
    const ll_record records[] = {
        {0, 0, 0, 0, 0, 0},         /* absent lists: [] */
        {0, 3, 1, 0, 0, 3},         /* papers null */
        {1, 0, 0, 0, 1, 0},
        {5, 2, 0, 1, 5, 0},         /* ce appended to, then null */
        {2, 1, 1, 0, 0, 1},         /* papers appended to, then null */
        {200, 1, 0, 0, 200, 1},     /* beyond the first storage */
        {0, 0, 0, 0, 0, 0},         /* nothing left from the record before */
        {1024, 17, 0, 0, 1024, 17}, /* the default list limit */
    };
    pol_program *prog = adopt_verified(listlen_program(1), NULL);
    pol_context *ctx = vt_context(prog);
    char label[64];
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
        bind_ll(ctx, &records[i]);
        snprintf(label, sizeof label, "record %zu", i);
        outs o = evaluate_both(ctx);
        expect_int(o, 0, records[i].want_papers, label);
        expect_int(o, 1, records[i].want_papers, label);
        expect_int(o, 2, records[i].want_ce, label);
        expect_int(o, 3, records[i].want_ce, label);
        expect_int(o, 4, BELOW, label);
    }
    pol_context_free(ctx);
    pol_program_free(prog);
    /* no loop at all: the length of 1,024 elements costs nothing against the instruction budget */
    pol_config cfg = {0};
    cfg.limits.max_instructions = 1;
    prog = adopt_verified(listlen_program(0), &cfg);
    ctx = vt_context(prog);
    bind_ll(ctx, &records[7]);
    outs o = evaluate_both(ctx);
    expect_int(o, 0, 1024, "LISTLEN under a budget of 1");
    pol_context_free(ctx);
    pol_program_free(prog);
    prog = adopt_verified(listlen_program(1), &cfg);
    ctx = vt_context(prog);
    bind_ll(ctx, &records[7]);
    o = evaluate_both(ctx);
    expect_error(o, POL_ERR_LIMIT, "more than 1 instructions", "the counting loop under a budget of 1");
    pol_context_free(ctx);
    pol_program_free(prog);
}

/* ---- locals, outputs, findings --------------------------------------------------------------------------- */

static void test_outputs_start_null_each_evaluation(void **state)
{
    (void)state;
    /* output r = 5 only when exceptional; FINDCOUNT; OUTGET reads an earlier output */
    vb *b = vb_new("t");
    vb_field(b, 0, "exceptional", POL_T_BOOL, 0, 0, pb_bool(0));
    pb_output(b, "r", pb_opt(pb_type(POL_T_INT, 0)));
    pb_output(b, "copy", pb_opt(pb_type(POL_T_INT, 0)));
    pb_output(b, "warnings", pb_opt(pb_type(POL_T_INT, 0)));
    pb_output(b, "local", pb_opt(pb_type(POL_T_INT, 0)));
    uint32_t rule = pb_rule(b, POLP_RULE_WARNING, NULL, 7, POL_NONE, "rule");
    pb_emit(b, POL_OP_LOAD, 0, 0); /* locals start null too */
    pb_emit(b, POL_OP_OUTSET, 0, 3);
    pb_emit(b, POL_OP_FIELD, 0, 0);
    uint32_t j = pb_emit(b, POL_OP_JUMPF, 0, 0);
    vb_push(b, pb_int(5));
    pb_emit(b, POL_OP_OUTSET, 0, 0);
    vb_push(b, pb_int(9));
    pb_emit(b, POL_OP_STORE, 0, 0);
    vb_push(b, pb_int(42)); /* a finding message that is not text is written as text */
    pb_emit(b, POL_OP_FINDING, 0, (int32_t)rule);
    pb_patch(b, j, vb_here(b));
    pb_emit(b, POL_OP_OUTGET, 0, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 1);
    pb_emit(b, POL_OP_FINDCOUNT, POL_WARNING, 0);
    pb_emit(b, POL_OP_OUTSET, 0, 2);
    pb_emit(b, POL_OP_HALT, 0, 0);
    pol_program *prog = vt_adopt(b, NULL);
    pol_context *ctx = vt_context(prog);
    pol_value v;
    assert_int_equal(pol_output(ctx, 0, &v), POL_ERR_ARGUMENT); /* nothing decided yet */
    assert_int_equal(pol_finding_count(ctx), 0);
    assert_int_equal(pol_set_bool(ctx, 0, 1), POL_OK);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_int_equal(vt_output(ctx, "r").integer, 5);
    assert_int_equal(vt_output(ctx, "copy").integer, 5);
    assert_int_equal(vt_output(ctx, "warnings").integer, 1);
    assert_int_equal(vt_output(ctx, "local").type, POL_T_NULL);
    pol_finding f;
    assert_int_equal(pol_finding_get(ctx, 0, &f), POL_OK);
    assert_string_equal(f.message, "42");
    assert_string_equal(f.clause, ""); /* a rule outside any clause */
    assert_int_equal(f.kind, POL_WARNING);
    assert_int_equal(f.line, 7);
    /* the next evaluation starts from null outputs and locals */
    assert_int_equal(pol_set_bool(ctx, 0, 0), POL_OK);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    assert_int_equal(vt_output(ctx, "r").type, POL_T_NULL);
    assert_int_equal(vt_output(ctx, "copy").type, POL_T_NULL);
    assert_int_equal(vt_output(ctx, "warnings").integer, 0);
    assert_int_equal(vt_output(ctx, "local").type, POL_T_NULL);
    assert_int_equal(pol_finding_count(ctx), 0);
    assert_int_equal(pol_output(ctx, 4, &v), POL_ERR_ARGUMENT);
    assert_int_equal(pol_output(ctx, -1, &v), POL_ERR_ARGUMENT);
    pol_context_reset(ctx); /* a reset forgets the decision */
    assert_int_equal(pol_output(ctx, 0, &v), POL_ERR_ARGUMENT);
    pol_context_free(ctx);
    pol_program_free(prog);
}

static void test_output_values(void **state)
{
    (void)state;
    vb *b = vb_new("t");
    uint32_t e = pb_enum(b, "面试", "required possible none");
    uint32_t t = pb_entity_type(b, "部门");
    uint32_t ent = pb_entity(b, t, "苏州市纺织工业协会", 1);
    const char *names[] = {"enum", "entity", "date", "datetime", "bool", "number", "int"};
    polP_const values[] = {vk_enum(b, e, "possible"), pb_entityref(b, ent), pb_date(2024, 8, 31),
                           pb_datetime(2024, 4, 30, 17, 0), pb_bool(1), pb_number(30.5), pb_int(-7)};
    for (int i = 0; i < 7; i++) {
        pb_output(b, names[i], pb_opt(pb_type(POL_T_NULL, 0)));
        vb_push(b, values[i]);
        pb_emit(b, POL_OP_OUTSET, 0, i);
    }
    pb_emit(b, POL_OP_HALT, 0, 0);
    pol_program *prog = vt_adopt(b, NULL);
    pol_context *ctx = vt_context(prog);
    assert_int_equal(pol_evaluate(ctx), POL_OK);
    pol_value v = vt_output(ctx, "enum");
    assert_int_equal(v.type, POL_T_ENUM);
    assert_text(v, "possible");
    assert_int_equal(v.integer, 1);
    v = vt_output(ctx, "entity");
    assert_int_equal(v.type, POL_T_ENTITY);
    assert_text(v, "苏州市纺织工业协会");
    v = vt_output(ctx, "date");
    assert_int_equal(v.type, POL_T_DATE);
    assert_int_equal(v.year, 2024);
    assert_int_equal(v.month, 8);
    assert_int_equal(v.day, 31);
    assert_int_equal(v.minute, -1);
    v = vt_output(ctx, "datetime");
    assert_int_equal(v.minute, 17 * 60);
    assert_int_equal(v.day, 30);
    v = vt_output(ctx, "bool");
    assert_int_equal(v.type, POL_T_BOOL);
    assert_int_equal(v.boolean, 1);
    v = vt_output(ctx, "number");
    assert_true(v.number == 30.5);
    v = vt_output(ctx, "int");
    assert_int_equal(v.type, POL_T_INT);
    assert_true(v.integer == -7);
    assert_int_equal(pol_output_count(prog), 7);
    assert_string_equal(pol_output_name(prog, 3), "datetime");
    assert_null(pol_output_name(prog, 7));
    assert_int_equal(pol_output_index(prog, "bool", 4), 4);
    assert_int_equal(pol_output_index(prog, "boo", 3), -1);
    assert_int_equal(pol_output_index(prog, "enum", 4), 0);
    pol_context_free(ctx);
    pol_program_free(prog);
}

/* ---- limits ------------------------------------------------------------------------------------------------- */

static void test_instruction_limit(void **state)
{
    (void)state;
    int64_t out[3];
    char err[512];
    /* each pass of a loop is charged its body's length (NEXT to LOOP) when it starts: the outer body holds
     * 22 instructions, the inner 13, so 1..20 x 1..20 costs 20 x 22 + 400 x 13 = 5,640 */
    pol_config cfg = {0};
    cfg.limits.max_instructions = 1000;
    assert_int_equal(run_ranges(pb_int(1), pb_int(20), &cfg, out, err), POL_ERR_LIMIT);
    assert_string_equal(err, "evaluation: more than 1000 instructions");
    cfg.limits.max_instructions = 100000;
    assert_int_equal(run_ranges(pb_int(1), pb_int(20), &cfg, out, err), POL_OK);
    /* exactly at the limit: 1..3 x 1..3 costs 3 x 22 + 9 x 13 = 183 */
    for (uint32_t budget = 182; budget <= 183; budget++) {
        cfg.limits.max_instructions = budget;
        assert_int_equal(run_ranges(pb_int(1), pb_int(3), &cfg, out, err), budget == 183 ? POL_OK : POL_ERR_LIMIT);
    }
    /* code outside loops runs at most once (jumps go forward) and is not counted */
    vb *b = vb_new("t");
    vb_push(b, pb_int(1));
    pb_emit(b, POL_OP_OUTSET, 0, (int32_t)out0(b));
    pb_emit(b, POL_OP_HALT, 0, 0);
    cfg.limits.max_instructions = 1;
    assert_int_equal(run(b, &cfg).st, POL_OK);
}

/* ---- text of values ------------------------------------------------------------------------------------------ */

/* A message prints a number as %.15g does; the runtime writes the usual ones (a few decimals) and integers
 * itself, so each must come out exactly as printf's */
static void test_number_text_is_printf_g15(void **state)
{
    (void)state;
    char scratch[POLX_TEXT_SCRATCH], want[64];
    const char *text;
    const double fixed[] = {0.1, 0.2, 0.3, 1e-4, 1.5e-4, 0.00011, 9.99e-5, 999999999.5, 123456789.123456, 30.1,
                            -0.5, -30.1, 72.5, 1e-5, 0.0009999, 5e-324, 1e300, -0.0, 0.0, 1e15, 999999999999999.0,
                            1e16, -7.0, 2.675, 1.0 / 3.0, 123456.7891234};
    unsigned seed = 7;
    for (int i = 0; i < 200000 + (int)(sizeof fixed / sizeof *fixed); i++) {
        double d;
        if (i < (int)(sizeof fixed / sizeof *fixed)) {
            d = fixed[i];
        } else {
            seed = seed * 1103515245u + 12345u;
            int r = (int)(seed >> 8 & 0xfffff);
            d = i % 3 == 0 ? (r - 500000) / 10.0 : i % 3 == 1 ? r / 1000.0 : r / (double)(1 + (int)(seed >> 20) % 997);
        }
        polX_value v = polX_number(d);
        size_t n = polX_value_text(NULL, &v, scratch, &text);
        snprintf(want, sizeof want, "%.15g", d);
        if (n != strlen(want) || memcmp(text, want, n) != 0)
            fail_msg("%.17g: wrote %.*s, printf writes %s", d, (int)n, text, want);
    }
    polX_value v = polX_int(INT64_MIN);
    size_t n = polX_value_text(NULL, &v, scratch, &text);
    assert_int_equal(n, 20);
    assert_memory_equal(text, "-9223372036854775808", 20);
}

/* ---- introspection ------------------------------------------------------------------------------------------ */

static void test_introspection(void **state)
{
    (void)state;
    policy q = ce_policy();
    pol_program *prog = vt_adopt(q.b, NULL);
    assert_string_equal(pol_program_name(prog), "苏州市2024年工程系列职称评审");
    assert_string_equal(pol_program_policy_version(prog), "2024.1");
    assert_string_equal(pol_program_compiler_version(prog), "polc-test");
    assert_int_equal(pol_program_source_sha256(prog)[31], 31);
    assert_int_equal(pol_field_count(prog), 6);
    assert_int_equal(pol_field_slot(prog, "current_title_date", 18), F_CTD);
    assert_int_equal(pol_field_slot(prog, "current_title_datex", 19), -1);
    assert_int_equal(pol_field_slot(prog, "current_title_date", 7), -1);
    assert_int_equal(pol_field_slot(prog, "year", 4), -1); /* an element field is not top-level */
    assert_string_equal(pol_field_name(prog, F_PAPERS), "papers");
    assert_int_equal(pol_field_type(prog, F_CE), POL_T_LIST);
    assert_int_equal(pol_field_type(prog, F_LEVEL), POL_T_ENUM);
    assert_int_equal(pol_field_required(prog, F_ID), 1);
    assert_int_equal(pol_field_required(prog, F_EXCEPTIONAL), 0);
    int year = pol_element_slot(prog, F_CE, "year", 4), title = pol_element_slot(prog, F_PAPERS, "title", 5);
    assert_true(year >= pol_field_count(prog));
    assert_true(title >= pol_field_count(prog));
    assert_true(year != title);
    assert_string_equal(pol_field_name(prog, year), "year");
    assert_int_equal(pol_field_type(prog, year), POL_T_INT);
    assert_int_equal(pol_field_required(prog, year), 1);
    assert_int_equal(pol_field_type(prog, pol_element_slot(prog, F_PAPERS, "first_author", 12)), POL_T_BOOL);
    assert_int_equal(pol_element_slot(prog, F_PAPERS, "year", 4), -1);
    assert_int_equal(pol_element_slot(prog, F_ID, "year", 4), -1); /* not a list */
    assert_int_equal(pol_element_slot(prog, 99, "year", 4), -1);
    assert_null(pol_field_name(prog, 999));
    assert_null(pol_field_name(prog, -1));
    assert_int_equal(pol_field_type(prog, 999), POL_T_NULL);
    assert_string_equal(pol_version(), POL_VERSION_STRING);
    assert_int_equal(pol_format_version(), POL_FORMAT_VERSION);
    assert_string_equal(pol_status_name(POL_ERR_BIND), "bind error");
    assert_string_equal(pol_finding_kind_name(POL_TODO), "todo");
    pol_program_free(prog);
    pol_program_free(NULL);
}

static void test_adopt_rejects_bad_tables(void **state)
{
    (void)state;
    pol_program *prog = NULL;
    char err[256];
    vb *b = vb_new("t");
    vb_field(b, 0, "x", POL_T_ENUM, 5, 0, pb_null()); /* no enum 5 */
    assert_int_equal(polX_program_adopt(&b->p, NULL, vb_release, &prog, err, sizeof err), POL_ERR_FORMAT);
    assert_null(prog);
    assert_string_equal(err, "record 0: field 0 is malformed");
    vb_release(&b->p, NULL, NULL); /* still the caller's */
    b = vb_new("t");
    pb_const(b, (polP_const){.kind = POL_T_STRING, .ref = 1000});
    assert_int_equal(polX_program_adopt(&b->p, NULL, vb_release, &prog, err, sizeof err), POL_ERR_FORMAT);
    vb_release(&b->p, NULL, NULL);
    assert_int_equal(polX_program_adopt(NULL, NULL, NULL, &prog, err, sizeof err), POL_ERR_ARGUMENT);
}

/* ---- the allocator: every byte through the hook, none per record in steady state --------------------------- */

typedef struct counting {
    pthread_mutex_t lock;
    size_t allocations; /* calls that return a new or moved block */
    size_t frees;
    size_t live_bytes;
    size_t fail_after; /* 0: never fail; else the allocation that many calls from now fails */
} counting;

static void *counting_alloc(void *ud, void *ptr, size_t oldsize, size_t newsize)
{
    counting *c = ud;
    pthread_mutex_lock(&c->lock);
    if (newsize == 0) {
        if (ptr) {
            c->frees++;
            c->live_bytes -= oldsize;
        }
        pthread_mutex_unlock(&c->lock);
        free(ptr);
        return NULL;
    }
    if (c->fail_after && --c->fail_after == 0) {
        pthread_mutex_unlock(&c->lock);
        return NULL;
    }
    void *p = realloc(ptr, newsize);
    if (p) {
        c->allocations++;
        c->live_bytes += newsize - (ptr ? oldsize : 0);
    }
    pthread_mutex_unlock(&c->lock);
    return p;
}

static void bind_numbered(pol_context *ctx, int n)
{
    char id[32], title[64];
    snprintf(id, sizeof id, "R%06d", n);
    snprintf(title, sizeof title, "论文%06d", n);
    ce_entry ce[] = {{2019, 14 + n % 3, 0}, {2020, 10, 500 + n % 7}, {2021, 20, 0}, {2022, (double)(n % 30), 0}};
    paper_entry papers[] = {{title, 25 + n % 10, n % 2}, {"固定题目", 31, -1}};
    bind_record(ctx, id, n % 2 ? "中级" : "高级", "2018-07-01", ce, 4, papers, 2);
}

/* What ce_policy must decide for bind_numbered(n). */
static void expected_for(int n, int *years, int *findings, const char **status)
{
    int y = 0;
    y += 14 + n % 3 >= 14;      /* 2019 */
    y += 500 + n % 7 >= 500;    /* 2020 via points */
    y += 1;                     /* 2021: 20 hours */
    y += (n % 30) >= 14;        /* 2022 */
    int mid = n % 2;            /* 中级 */
    int ce_violation = mid && y < 4;
    int paper_violations = (25 + n % 10 > 30) + 1; /* the fixed paper is at 31 */
    int warnings = n % 2 == 0;  /* first_author false when n is even */
    *years = y;
    *findings = ce_violation + paper_violations + warnings;
    *status = "ineligible";
}

static void test_no_allocation_per_record(void **state)
{
    (void)state;
    counting c = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, 0};
    pol_config cfg = {0};
    cfg.alloc = counting_alloc;
    cfg.alloc_ud = &c;
    policy q = ce_policy();
    pol_program *prog = vt_adopt(q.b, &cfg);
    pol_context *ctx = vt_context(prog);
    for (int n = 0; n < 3; n++) {
        bind_numbered(ctx, n);
        assert_int_equal(pol_evaluate(ctx), POL_OK);
    }
    size_t before = c.allocations;
    for (int n = 3; n < 500; n++) {
        bind_numbered(ctx, n);
        assert_int_equal(pol_evaluate(ctx), POL_OK);
        int years, findings;
        const char *status;
        expected_for(n, &years, &findings, &status);
        assert_int_equal(pol_finding_count(ctx), findings);
    }
    assert_int_equal(c.allocations, before);
    /* a bigger record grows the buffers once; the next ones of its size allocate nothing */
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    for (int round = 0; round < 3; round++) {
        pol_context_reset(ctx);
        assert_int_equal(pol_set_string(ctx, F_ID, big, strlen(big)), POL_OK);
        assert_int_equal(pol_set_enum(ctx, F_LEVEL, "中级", strlen("中级")), POL_OK);
        assert_int_equal(pol_set_date(ctx, F_CTD, 2018, 7, 1), POL_OK);
        for (int i = 0; i < 50; i++) {
            assert_int_equal(pol_list_append(ctx, F_CE, NULL), POL_OK);
            assert_int_equal(pol_set_int(ctx, vt_elem(prog, "ce", "year"), 2000 + i), POL_OK);
        }
        assert_int_equal(pol_evaluate(ctx), POL_OK);
        if (round == 0)
            before = c.allocations;
    }
    /* round 1 may merge the arena's chunks once; from then on nothing */
    size_t settled = c.allocations;
    for (int n = 0; n < 50; n++) {
        bind_numbered(ctx, n);
        assert_int_equal(pol_evaluate(ctx), POL_OK);
    }
    assert_int_equal(c.allocations, settled);
    assert_true(settled - before <= 2);
    /* the context is small */
    assert_true(ctx->block_size + sizeof *ctx < 64 * 1024);
    pol_context_free(ctx);
    pol_program_free(prog);
    assert_int_equal(c.live_bytes, 0); /* everything went back through the hook */
}

/* Every allocation failing in turn: each call reports NOMEM (or succeeds) and nothing leaks. */
static void test_allocation_failures(void **state)
{
    (void)state;
    for (size_t fail = 1; fail < 200; fail++) {
        counting c = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, fail};
        pol_config cfg = {0};
        cfg.alloc = counting_alloc;
        cfg.alloc_ud = &c;
        policy q = ce_policy();
        pol_program *prog = NULL;
        char err[128];
        pol_status st = polX_program_adopt(&q.b->p, &cfg, vb_release, &prog, err, sizeof err);
        if (st != POL_OK) {
            assert_int_equal(st, POL_ERR_NOMEM);
            vb_release(&q.b->p, NULL, NULL);
            assert_int_equal(c.live_bytes, 0);
            continue;
        }
        pol_context *ctx = NULL;
        st = pol_context_new(prog, &ctx);
        if (st == POL_OK) {
            int id = 0;
            for (int n = 0; n < 3 && st == POL_OK; n++) {
                pol_context_reset(ctx);
                char title[700];
                memset(title, 'y', sizeof title - 1);
                title[sizeof title - 1] = '\0';
                st = pol_set_string(ctx, id, title, strlen(title));
                for (int i = 0; i < 10 && st == POL_OK; i++) {
                    st = pol_list_append(ctx, F_PAPERS, NULL);
                    if (st == POL_OK)
                        st = pol_set_string(ctx, vt_elem(prog, "papers", "title"), title, strlen(title));
                    if (st == POL_OK)
                        st = pol_set_number(ctx, vt_elem(prog, "papers", "similarity"), 40);
                }
                if (st == POL_OK)
                    st = pol_set_enum(ctx, F_LEVEL, "中级", strlen("中级"));
                if (st == POL_OK)
                    st = pol_set_date(ctx, F_CTD, 2020, 1, 1);
                if (st == POL_OK)
                    st = pol_evaluate(ctx);
                if (st != POL_OK)
                    assert_string_equal(pol_context_error(ctx), "out of memory");
            }
            assert_true(st == POL_OK || st == POL_ERR_NOMEM);
            pol_context_free(ctx);
        } else {
            assert_int_equal(st, POL_ERR_NOMEM);
            assert_null(ctx);
        }
        pol_program_free(prog);
        assert_int_equal(c.live_bytes, 0);
    }
}

/* ---- threads: one program, four contexts, different records at once --------------------------------------- */

typedef struct worker {
    const pol_program *prog;
    int first;
    int failures;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    pol_context *ctx = NULL;
    if (pol_context_new(w->prog, &ctx) != POL_OK) {
        w->failures++;
        return NULL;
    }
    for (int n = w->first; n < w->first + 2000; n++) {
        int years, findings;
        const char *status;
        char id[32];
        bind_numbered(ctx, n);
        if (pol_evaluate(ctx) != POL_OK) {
            w->failures++;
            continue;
        }
        expected_for(n, &years, &findings, &status);
        snprintf(id, sizeof id, "R%06d", n);
        pol_value v;
        pol_output(ctx, 0, &v);
        w->failures += v.integer != years;
        pol_output(ctx, 1, &v);
        w->failures += v.length != strlen(id) || memcmp(v.string, id, v.length) != 0;
        pol_output(ctx, 4, &v);
        w->failures += strcmp(v.string, status) != 0;
        w->failures += pol_finding_count(ctx) != (size_t)findings;
        pol_finding f;
        for (size_t i = 0; i < pol_finding_count(ctx); i++) {
            pol_finding_get(ctx, i, &f);
            if (f.kind == POL_WARNING) {
                char msg[128];
                snprintf(msg, sizeof msg, "论文《论文%06d》非第一作者", n);
                w->failures += strcmp(f.message, msg) != 0;
            }
        }
    }
    pol_context_free(ctx);
    return NULL;
}

static void test_four_threads_share_a_program(void **state)
{
    (void)state;
    policy q = ce_policy();
    pol_program *prog = vt_adopt(q.b, NULL);
    pthread_t threads[4];
    worker workers[4];
    for (int i = 0; i < 4; i++) {
        workers[i] = (worker){prog, i * 10000, 0};
        assert_int_equal(pthread_create(&threads[i], NULL, work, &workers[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        assert_int_equal(workers[i].failures, 0);
    }
    pol_program_free(prog);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arithmetic),
        cmocka_unit_test(test_overflow_gives_number),
        cmocka_unit_test(test_compare_numbers_and_null),
        cmocka_unit_test(test_compare_strings_enums_entities),
        cmocka_unit_test(test_not_isnull),
        cmocka_unit_test(test_jumps),
        cmocka_unit_test(test_jumpnn),
        cmocka_unit_test(test_switch),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_inset),
        cmocka_unit_test(test_format_text_forms),
        cmocka_unit_test(test_format_string_limit),
        cmocka_unit_test(test_routing_via_switch_tables),
        cmocka_unit_test(test_attr_checks),
        cmocka_unit_test(test_list_loop_findings_outputs),
        cmocka_unit_test(test_range_loops_nested),
        cmocka_unit_test(test_nested_list_loops),
        cmocka_unit_test(test_loop_state_checks),
        cmocka_unit_test(test_rangelen),
        cmocka_unit_test(test_set_opcodes),
        cmocka_unit_test(test_set_distinct_count_as_nested_loops),
        cmocka_unit_test(test_testk_branches_as_compare_and_jump),
        cmocka_unit_test(test_superinstructions_decide_as_plain),
        cmocka_unit_test(test_listlen),
        cmocka_unit_test(test_outputs_start_null_each_evaluation),
        cmocka_unit_test(test_output_values),
        cmocka_unit_test(test_instruction_limit),
        cmocka_unit_test(test_number_text_is_printf_g15),
        cmocka_unit_test(test_introspection),
        cmocka_unit_test(test_adopt_rejects_bad_tables),
        cmocka_unit_test(test_no_allocation_per_record),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_four_threads_share_a_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
