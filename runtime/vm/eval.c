/* eval.c: pol_evaluate and the interpreter: one pass over the code from address 0 to HALT, checking the tags
 * a verifier cannot know statically, under the instruction and range limits. */
#include <string.h>

#include "date.h"
#include "quicken.h"
#include "vm.h"

/* ---- integer arithmetic that reports overflow instead of wrapping ------------------------------------------- */

static int add_ok(int64_t a, int64_t b, int64_t *r)
{
#if defined(__GNUC__)
    return !__builtin_add_overflow(a, b, r);
#else
    if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
        return 0;
    *r = a + b;
    return 1;
#endif
}

static int sub_ok(int64_t a, int64_t b, int64_t *r)
{
#if defined(__GNUC__)
    return !__builtin_sub_overflow(a, b, r);
#else
    if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b))
        return 0;
    *r = a - b;
    return 1;
#endif
}

static int mul_ok(int64_t a, int64_t b, int64_t *r)
{
#if defined(__GNUC__)
    return !__builtin_mul_overflow(a, b, r);
#else
    if (a != 0 && b != 0) {
        if ((a == -1 && b == INT64_MIN) || (b == -1 && a == INT64_MIN))
            return 0;
        if (a > 0 ? (b > 0 ? a > INT64_MAX / b : b < INT64_MIN / a) : (b > 0 ? a < INT64_MIN / b : a < INT64_MAX / b))
            return 0;
    }
    *r = a * b;
    return 1;
#endif
}

static int is_numeric(const polX_value *v) { return v->tag == POL_T_INT || v->tag == POL_T_NUMBER; }

static double as_double(const polX_value *v) { return v->tag == POL_T_INT ? (double)v->u.i : v->u.d; }

/* r = a op b for ADD SUB MUL DIV MIN MAX: int with int stays int unless it overflows (then a number), DIV
 * always gives a number, null in gives null out; MIN and MAX also take two dates. 0 when the tags do not fit. */
/* Inlined into both interpreter loops, as it was into the one loop before there were two (so the plain loop
 * compiles to the same code as before tracing existed). */
#if defined(__GNUC__)
#define POLX_LOOP_INLINE inline __attribute__((always_inline))
#else
#define POLX_LOOP_INLINE inline
#endif

static POLX_LOOP_INLINE int arith(int op, const polX_value *a, const polX_value *b, polX_value *r)
{
    if (a->tag == POL_T_NULL || b->tag == POL_T_NULL) {
        *r = polX_null();
        return 1;
    }
    if (a->tag == POL_T_INT && b->tag == POL_T_INT) {
        int64_t x = a->u.i, y = b->u.i, z;
        int ok = 0;
        switch (op) {
        case POL_OP_ADD:
            ok = add_ok(x, y, &z);
            break;
        case POL_OP_SUB:
            ok = sub_ok(x, y, &z);
            break;
        case POL_OP_MUL:
            ok = mul_ok(x, y, &z);
            break;
        case POL_OP_MIN:
            ok = 1, z = x < y ? x : y;
            break;
        case POL_OP_MAX:
            ok = 1, z = x > y ? x : y;
            break;
        default: /* DIV */
            break;
        }
        if (ok) {
            *r = polX_int(z);
            return 1;
        }
    } else if (a->tag == POL_T_DATE && b->tag == POL_T_DATE && (op == POL_OP_MIN || op == POL_OP_MAX)) {
        *r = (a->u.i < b->u.i) == (op == POL_OP_MIN) ? *a : *b;
        return 1;
    } else if (!is_numeric(a) || !is_numeric(b)) {
        return 0;
    }
    double x = as_double(a), y = as_double(b);
    switch (op) {
    case POL_OP_ADD:
        *r = polX_number(x + y);
        break;
    case POL_OP_SUB:
        *r = polX_number(x - y);
        break;
    case POL_OP_MUL:
        *r = polX_number(x * y);
        break;
    case POL_OP_DIV:
        *r = y == 0 ? polX_null() : polX_number(x / y);
        break;
    case POL_OP_MIN:
        *r = polX_number(x < y ? x : y);
        break;
    default: /* MAX */
        *r = polX_number(x > y ? x : y);
        break;
    }
    return 1;
}

enum { CMP_UNORDERED = 2, CMP_NONE = 3 };

static int order(int64_t x, int64_t y) { return (x > y) - (x < y); }

/* -1, 0 or 1; CMP_UNORDERED for a NaN; CMP_NONE when the two cannot be compared. Neither is null. */
static int compare(const polX_value *a, const polX_value *b)
{
    if (is_numeric(a) && is_numeric(b)) {
        if (a->tag == POL_T_INT && b->tag == POL_T_INT)
            return order(a->u.i, b->u.i);
        double x = as_double(a), y = as_double(b);
        return x < y ? -1 : x > y ? 1 : x == y ? 0 : CMP_UNORDERED;
    }
    if (a->tag != b->tag)
        return CMP_NONE;
    switch (a->tag) {
    case POL_T_STRING: {
        uint32_t n = a->x.len < b->x.len ? a->x.len : b->x.len;
        int c = n ? memcmp(a->u.s, b->u.s, n) : 0;
        return c ? (c > 0) - (c < 0) : order(a->x.len, b->x.len);
    }
    case POL_T_ENUM:
        return a->x.ref == b->x.ref ? order(a->u.i, b->u.i) : CMP_NONE;
    case POL_T_DATE:
    case POL_T_BOOL:
    case POL_T_ENTITY:
        return order(a->u.i, b->u.i);
    default:
        return CMP_NONE;
    }
}

/* null equals only null; values of different kinds are unequal */
static int equal(const polX_value *a, const polX_value *b)
{
    if (a->tag == POL_T_NULL || b->tag == POL_T_NULL)
        return a->tag == b->tag;
    return compare(a, b) == 0;
}

/* x cmp y for cmp 0..5 (== != < <= > >=, the order of the comparison opcodes): 1 or 0, with their rules (null
 * equals only null; an order with null is false), or -1 when the two cannot be ordered. The common kinds
 * (integers, dates, bools, values of one enum; numbers) are compared here directly, the rest by compare. */
/* return a cmp b, for cmp 0..5; a and b of one type, integers or doubles (whose IEEE comparison gives NaN its
 * rules), so a macro */
#define ORDER_HOLDS(cmp, a, b)                                                                                   \
    switch (cmp) {                                                                                              \
    case 0: return (a) == (b);                                                                                  \
    case 1: return (a) != (b);                                                                                  \
    case 2: return (a) < (b);                                                                                   \
    case 3: return (a) <= (b);                                                                                  \
    case 4: return (a) > (b);                                                                                   \
    default: return (a) >= (b);                                                                                 \
    }

static POLX_LOOP_INLINE int holds(int cmp, const polX_value *x, const polX_value *y)
{
    /* integers, dates (to the minute), bools, values of one enum: their order is that of u.i */
    if (x->tag == y->tag && (x->tag == POL_T_INT || x->tag == POL_T_DATE || x->tag == POL_T_BOOL ||
                             (x->tag == POL_T_ENUM && x->x.ref == y->x.ref))) {
        int64_t a = x->u.i, b = y->u.i;
        ORDER_HOLDS(cmp, a, b);
    }
    /* a number with a number or an integer: as doubles (NaN unordered and unequal, as compare has it) */
    if ((x->tag == POL_T_NUMBER && (y->tag == POL_T_NUMBER || y->tag == POL_T_INT)) ||
        (x->tag == POL_T_INT && y->tag == POL_T_NUMBER)) {
        double a = as_double(x), b = as_double(y);
        ORDER_HOLDS(cmp, a, b);
    }
    if (cmp <= 1)
        return equal(x, y) == (cmp == 0);
    if (x->tag == POL_T_NULL || y->tag == POL_T_NULL)
        return 0;
    int c = compare(x, y);
    switch (cmp) {
    case 2: return c == CMP_NONE ? -1 : c == -1;
    case 3: return c == CMP_NONE ? -1 : c == -1 || c == 0;
    case 4: return c == CMP_NONE ? -1 : c == 1;
    default: return c == CMP_NONE ? -1 : c == 1 || c == 0;
    }
}

/* ---- errors --------------------------------------------------------------------------------------------------- */

static void add_where(pol_context *ctx, uint32_t pc)
{
    const polP_program *p = ctx->prog->p;
    const char *op = p->code[pc].op < POL_OP__COUNT ? polO_info[p->code[pc].op].name : "?";
    if (p->srcmap && p->srcmap[pc].line)
        polX_error_addf(ctx, "line %u: ", p->srcmap[pc].line);
    polX_error_addf(ctx, "instruction %u (%s): ", pc, op);
}

static pol_status runtime_error(pol_context *ctx, uint32_t pc, const char *what)
{
    polX_error_begin(ctx);
    add_where(ctx, pc);
    polX_error_add(ctx, what, strlen(what));
    return polX_error_end(ctx, POL_ERR_RUNTIME, -1);
}

/* ---- ranges and sets of integers ------------------------------------------------------------------------------ */

/* How many integers lo..hi holds (0 when either is null or hi < lo), against the range limit. */
static pol_status range_count(pol_context *ctx, uint32_t pc, const polX_value *lo, const polX_value *hi,
                              int64_t *count)
{
    *count = 0;
    if (lo->tag == POL_T_NULL || hi->tag == POL_T_NULL)
        return POL_OK;
    if (lo->tag != POL_T_INT || hi->tag != POL_T_INT)
        return runtime_error(ctx, pc, "the range's ends are not integers");
    if (hi->u.i < lo->u.i)
        return POL_OK;
    uint64_t span = (uint64_t)hi->u.i - (uint64_t)lo->u.i;
    if (span >= ctx->prog->limits.max_range_length) {
        polX_error_begin(ctx);
        add_where(ctx, pc);
        polX_error_addf(ctx, "a range of more than %u integers", ctx->prog->limits.max_range_length);
        return polX_error_end(ctx, POL_ERR_LIMIT, -1);
    }
    *count = (int64_t)span + 1;
    return POL_OK;
}

/* *set becomes an empty set of the integers lo..hi: two header words and one bit per integer, in the
 * evaluation's arena (a set the local already holds from this evaluation is reused when big enough), bounded
 * like the evaluation's text. */
static pol_status set_new(pol_context *ctx, uint32_t pc, const polX_value *lo, const polX_value *hi, polX_value *set)
{
    int64_t count;
    pol_status st = range_count(ctx, pc, lo, hi, &count);
    if (st != POL_OK)
        return st;
    uint32_t words = 2 + (uint32_t)((count + 63) / 64);
    if (set->tag != POLX_T_SET || set->x.len < words) {
        size_t bytes = (size_t)words * sizeof(uint64_t);
        if (ctx->eval_text.total + bytes + sizeof(uint64_t) > ctx->prog->limits.max_record_bytes) {
            polX_error_begin(ctx);
            add_where(ctx, pc);
            polX_error_addf(ctx, "the evaluation's text exceeds %u bytes", ctx->prog->limits.max_record_bytes);
            return polX_error_end(ctx, POL_ERR_LIMIT, -1);
        }
        char *raw = polX_arena_alloc(ctx, &ctx->eval_text, bytes + sizeof(uint64_t) - 1);
        if (!raw)
            return polX_fail(ctx, POL_ERR_NOMEM, -1, "out of memory");
        uintptr_t at = ((uintptr_t)raw + sizeof(uint64_t) - 1) & ~(uintptr_t)(sizeof(uint64_t) - 1);
        *set = polX_null();
        set->tag = POLX_T_SET;
        set->x.len = words;
        set->u.w = (uint64_t *)at;
    }
    memset(set->u.w, 0, (size_t)words * sizeof(uint64_t));
    set->u.w[0] = count ? (uint64_t)lo->u.i : 0;
    set->u.w[1] = (uint64_t)count;
    return POL_OK;
}

/* Whether v is an integer of the set's range (unsigned wrap-around keeps v - lo exact for any int64). */
static inline int set_holds_range(const uint64_t *w, const polX_value *v)
{
    return v->tag == POL_T_INT && (uint64_t)v->u.i - w[0] < w[1];
}

static int bits_set(uint64_t x)
{
#if defined(__GNUC__)
    return __builtin_popcountll(x);
#else
    int n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
#endif
}

static int64_t set_size(const uint64_t *w)
{
    int64_t n = 0;
    for (uint64_t i = 0; i < (w[1] + 63) / 64; i++)
        n += bits_set(w[2 + i]);
    return n;
}

/* ---- text ------------------------------------------------------------------------------------------------------ */

/* The n values joined as text, in the evaluation's arena. One pass when the most the text could take (a
 * string's length, POLX_TEXT_SCRATCH for any other value) is within the evaluation's text limit: the text is
 * written into that much and the rest given back; else measured first, then written. */
static pol_status join_text(pol_context *ctx, uint32_t pc, const polX_value *vals, unsigned n, polX_value *out)
{
    const pol_program *prog = ctx->prog;
    char scratch[POLX_TEXT_SCRATCH];
    const char *text;
    size_t most = 0;
    for (unsigned i = 0; i < n; i++)
        most += vals[i].tag == POL_T_STRING ? vals[i].x.len : POLX_TEXT_SCRATCH;
    if (most <= prog->limits.max_string_length && ctx->eval_text.total + most + 1 <= prog->limits.max_record_bytes) {
        char *buf = polX_arena_alloc(ctx, &ctx->eval_text, most + 1);
        if (!buf)
            return polX_fail(ctx, POL_ERR_NOMEM, -1, "out of memory");
        size_t at = 0;
        for (unsigned i = 0; i < n; i++) {
            if (vals[i].tag == POL_T_STRING) {
                if (vals[i].x.len)
                    memcpy(buf + at, vals[i].u.s, vals[i].x.len);
                at += vals[i].x.len;
            } else {
                size_t k = polX_value_text(prog->p, &vals[i], scratch, &text);
                if (k)
                    memcpy(buf + at, text, k);
                at += k;
            }
        }
        buf[at] = '\0';
        polX_arena_give_back(&ctx->eval_text, most - at);
        *out = polX_string(buf, (uint32_t)at);
        return POL_OK;
    }
    size_t len = 0;
    for (unsigned i = 0; i < n; i++)
        len += polX_value_text(prog->p, &vals[i], scratch, &text);
    if (len > prog->limits.max_string_length) {
        polX_error_begin(ctx);
        add_where(ctx, pc);
        polX_error_addf(ctx, "text longer than %u bytes", prog->limits.max_string_length);
        return polX_error_end(ctx, POL_ERR_LIMIT, -1);
    }
    /* the text one evaluation writes is bounded like a record, whatever a verified program does */
    if (ctx->eval_text.total + len + 1 > prog->limits.max_record_bytes) {
        polX_error_begin(ctx);
        add_where(ctx, pc);
        polX_error_addf(ctx, "the evaluation's text exceeds %u bytes", prog->limits.max_record_bytes);
        return polX_error_end(ctx, POL_ERR_LIMIT, -1);
    }
    char *buf = polX_arena_alloc(ctx, &ctx->eval_text, len + 1);
    if (!buf)
        return polX_fail(ctx, POL_ERR_NOMEM, -1, "out of memory");
    size_t at = 0;
    for (unsigned i = 0; i < n; i++) {
        size_t k = polX_value_text(prog->p, &vals[i], scratch, &text);
        if (k)
            memcpy(buf + at, text, k);
        at += k;
    }
    buf[at] = '\0';
    *out = polX_string(buf, (uint32_t)at);
    return POL_OK;
}

static POLX_LOOP_INLINE pol_status add_finding(pol_context *ctx, uint32_t pc, uint32_t rule,
                                                const polX_value *message)
{
    const polP_program *p = ctx->prog->p;
    if (p->rules[rule].kind >= POLX_FINDING_KINDS)
        return runtime_error(ctx, pc, "the rule is not a finding");
    polX_value text = *message;
    if (text.tag != POL_T_STRING) {
        pol_status st = join_text(ctx, pc, message, 1, &text);
        if (st != POL_OK)
            return st;
    }
    if (ctx->nfindings == ctx->findings_capacity) {
        size_t cap = ctx->findings_capacity ? ctx->findings_capacity * 2 : 16;
        if (!polX_array_resize(ctx->prog->alloc, ctx->prog->ud, &ctx->findings, ctx->findings_capacity, cap,
                               sizeof(polX_finding)))
            return polX_fail(ctx, POL_ERR_NOMEM, -1, "out of memory");
        ctx->findings_capacity = cap;
    }
    ctx->findings[ctx->nfindings++] = (polX_finding){rule, text.x.len, text.u.s};
    ctx->kind_count[p->rules[rule].kind]++;
    return POL_OK;
}

/* ---- the interpreter ------------------------------------------------------------------------------------------ */

/* Computed goto under GCC and Clang (one indirect jump per instruction, each with its own branch history);
 * a switch elsewhere. The label table is generated from POL_OPCODES, so a missing opcode does not compile. */
#if defined(__GNUC__) && !defined(POLX_NO_COMPUTED_GOTO)
#define POLX_COMPUTED_GOTO 1
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic" /* labels as values */
/* no bounds check on the opcode: the verifier proved every opcode < POL_OP__COUNT when the program loaded */
#define VM_DISPATCH(op) goto *dispatch[(op)];
#define VM_CASE(name) L_##name:
#define VM_QCASE(name) LQ_##name:
#define VM_BAD L_BAD:
#define VM_BREAK                                                                                                       \
    do {                                                                                                               \
        FETCH();                                                                                                       \
        VM_DISPATCH(ins->op)                                                                                           \
    } while (0)
#define POLX_LABEL(name, a, b, c, pops, pushes, meaning) &&L_##name,
#define POLX_QLABEL(name, sequence, meaning) &&LQ_##name,
#else
#define VM_DISPATCH(op) switch (op)
#define VM_CASE(name) case POL_OP_##name:
#define VM_QCASE(name) case POLX_Q_##name:
#define VM_BAD default:
#define VM_BREAK break
#endif

/* POLX_TRACE_STEP is nothing in polX_run; in polX_run_traced it tells the tracer which instruction ran last
 * (its result is on the stack) and which runs next. */
#define POLX_TRACE_STEP_0()
#define POLX_TRACE_STEP_1()                                                                                            \
    do {                                                                                                               \
        polX_trace_step(ctx, traced_pc, pc, sp);                                                                       \
        traced_pc = pc;                                                                                                \
    } while (0)
#define POLX_TRACE_STEP_(t) POLX_TRACE_STEP_##t()
#define POLX_TRACE_STEP(t) POLX_TRACE_STEP_(t)
#define FETCH()                                                                                                        \
    do {                                                                                                               \
        POLX_TRACE_STEP(POLX_TRACED);                                                                                  \
        ins = &code[pc++];                                                                                             \
    } while (0)
#define FAIL(why)                                                                                                      \
    do {                                                                                                               \
        return runtime_error(ctx, pc - 1, why);                                                                        \
    } while (0)
#define CHECK(st)                                                                                                      \
    do {                                                                                                               \
        pol_status st_ = (st);                                                                                         \
        if (st_ != POL_OK)                                                                                             \
            return st_;                                                                                                \
    } while (0)

/* TESTK's work, and that of the superinstructions that end with a TESTK: compare the value at x with the
 * constant of the TESTK test and branch to its target when the result is the one it names */
#define TEST_AND_BRANCH(test, x)                                                                                       \
    do {                                                                                                               \
        c = holds((test)->a & 7, (x), &prog->consts[(test)->c]);                                                       \
        if (c < 0)                                                                                                     \
            FAIL("the values cannot be compared");                                                                     \
        if (c == ((test)->a >> 3))                                                                                     \
            pc = (uint32_t)(test)->b;                                                                                  \
    } while (0)

/* OUTSET's work, and that of the superinstructions that end with one: output out becomes val, an int where a
 * number is declared becoming that number */
#define SET_OUTPUT(out, val)                                                                                           \
    do {                                                                                                               \
        v = (val);                                                                                                     \
        if (v.tag == POL_T_INT && p->outputs[out].type.kind == POL_T_NUMBER)                                           \
            v = polX_number((double)v.u.i);                                                                            \
        outputs[out] = v;                                                                                              \
    } while (0)

#define POLX_RUN_NAME polX_run
#define POLX_TRACED 0
#include "eval_loop.h"
#undef POLX_RUN_NAME
#undef POLX_TRACED

#define POLX_RUN_NAME polX_run_traced
#define POLX_TRACED 1
#include "eval_loop.h"
#undef POLX_RUN_NAME
#undef POLX_TRACED

#ifdef POLX_COMPUTED_GOTO
#pragma GCC diagnostic pop
#endif

pol_status pol_evaluate(pol_context *ctx)
{
    if (!ctx)
        return POL_ERR_ARGUMENT;
    const polP_program *p = ctx->prog->p;
    ctx->decided = 0;
    ctx->nfindings = 0;
    memset(ctx->kind_count, 0, sizeof ctx->kind_count);
    polX_arena_reset(ctx, &ctx->eval_text);
    pol_status st = polX_complete_record(ctx);
    if (st != POL_OK)
        return st;
    for (uint32_t i = 0; i < p->noutputs; i++)
        ctx->outputs[i] = polX_null();
    for (uint32_t i = 0; i < p->nlocals; i++) {
        ctx->locals[i] = polX_null();
        ctx->loops[i].kind = POLX_LOOP_NONE;
    }
    ctx->routed = polX_null();
    st = ctx->trace ? polX_run_traced(ctx) : polX_run(ctx); /* the one trace test of an evaluation */
    ctx->decided = st == POL_OK;
    return st;
}
