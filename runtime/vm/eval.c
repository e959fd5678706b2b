/* eval.c: pol_evaluate and the interpreter: one pass over the code from address 0 to HALT, checking the tags
 * a verifier cannot know statically, under the instruction and range limits. */
#include <string.h>

#include "date.h"
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
static int arith(int op, const polX_value *a, const polX_value *b, polX_value *r)
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

/* ---- text ------------------------------------------------------------------------------------------------------ */

/* The n values joined as text, in the evaluation's arena. */
static pol_status join_text(pol_context *ctx, uint32_t pc, const polX_value *vals, unsigned n, polX_value *out)
{
    const pol_program *prog = ctx->prog;
    char scratch[POLX_TEXT_SCRATCH];
    const char *text;
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

static pol_status add_finding(pol_context *ctx, uint32_t pc, uint32_t rule, const polX_value *message)
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
#define VM_DISPATCH(op) goto *dispatch[(op) < POL_OP__COUNT ? (op) : POL_OP__COUNT];
#define VM_CASE(name) L_##name:
#define VM_BAD L_BAD:
#define VM_BREAK                                                                                                       \
    do {                                                                                                               \
        FETCH();                                                                                                       \
        VM_DISPATCH(ins->op)                                                                                           \
    } while (0)
#define POLX_LABEL(name, a, b, pops, pushes, meaning) &&L_##name,
#else
#define VM_DISPATCH(op) switch (op)
#define VM_CASE(name) case POL_OP_##name:
#define VM_BAD default:
#define VM_BREAK break
#endif

#define FETCH()                                                                                                        \
    do {                                                                                                               \
        if (budget-- == 0)                                                                                             \
            goto over_budget;                                                                                          \
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

pol_status polX_run(pol_context *ctx)
{
    const pol_program *prog = ctx->prog;
    const polP_program *p = prog->p;
    const polP_instr *code = p->code, *ins;
    polX_value *sp = ctx->stack, *locals = ctx->locals, *outputs = ctx->outputs;
    polX_loop *loops = ctx->loops, *loop;
    uint32_t pc = 0, budget = prog->limits.max_instructions;
    polX_value v;
    int c;
#ifdef POLX_COMPUTED_GOTO
    static const void *const dispatch[POL_OP__COUNT + 1] = {POL_OPCODES(POLX_LABEL) &&L_BAD};
#endif

    for (;;) {
        FETCH();
        VM_DISPATCH(ins->op)
        {
            VM_CASE(NOP) VM_BREAK;
            VM_CASE(CONST)
            {
                *sp++ = prog->consts[ins->b];
                VM_BREAK;
            }
            VM_CASE(FIELD)
            {
                uint32_t list = prog->list_of_field[ins->b];
                if (list == POL_NONE) {
                    *sp++ = ctx->fields[ins->b];
                } else {
                    v = polX_null();
                    v.tag = POL_T_LIST;
                    v.x.ref = (uint32_t)ins->b;
                    v.u.i = ctx->lists[list].count;
                    *sp++ = v;
                }
                VM_BREAK;
            }
            VM_CASE(ELEM)
            {
                loop = &loops[ins->a];
                if (loop->kind != POLX_LOOP_LIST || loop->pos < 0 || loop->pos >= loop->count)
                    FAIL("not inside a loop over a list");
                const polX_list *list = &ctx->lists[loop->list];
                if ((uint32_t)ins->b >= list->nfields)
                    FAIL("the element has no such field");
                *sp++ = list->rows[(size_t)loop->pos * list->nfields + (uint32_t)ins->b];
                VM_BREAK;
            }
            VM_CASE(ITEM)
            {
                loop = &loops[ins->a];
                if (loop->kind != POLX_LOOP_RANGE || loop->pos < 0 || loop->pos >= loop->count)
                    FAIL("not inside a loop over a range");
                *sp++ = polX_int(loop->lo + loop->pos);
                VM_BREAK;
            }
            VM_CASE(LOAD)
            {
                *sp++ = locals[ins->a];
                VM_BREAK;
            }
            VM_CASE(STORE)
            {
                locals[ins->a] = *--sp;
                VM_BREAK;
            }
            VM_CASE(OUTGET)
            {
                *sp++ = outputs[ins->b];
                VM_BREAK;
            }
            VM_CASE(OUTSET)
            {
                v = *--sp;
                if (v.tag == POL_T_INT && p->outputs[ins->b].type.kind == POL_T_NUMBER)
                    v = polX_number((double)v.u.i); /* an int where a number is declared */
                outputs[ins->b] = v;
                VM_BREAK;
            }
            VM_CASE(ROUTED)
            {
                *sp++ = ctx->routed;
                VM_BREAK;
            }
            VM_CASE(ROUTE)
            {
                const polP_rule *rule = &p->rules[ins->b];
                if (rule->kind != POLP_RULE_ROUTE || rule->target >= p->nentities)
                    FAIL("the rule is not a route");
                v = polX_null();
                v.tag = POL_T_ENTITY;
                v.x.ref = p->entities[rule->target].type;
                v.u.i = rule->target;
                ctx->routed = v;
                VM_BREAK;
            }
            VM_CASE(ATTR)
            {
                if (sp[-1].tag != POL_T_NULL) {
                    if (sp[-1].tag != POL_T_ENTITY)
                        FAIL("not an entity");
                    uint32_t e = (uint32_t)sp[-1].u.i;
                    if ((uint32_t)ins->b >= prog->attr_base[e + 1] - prog->attr_base[e])
                        FAIL("the entity has no such attribute");
                    sp[-1] = prog->attrs[prog->attr_base[e] + (uint32_t)ins->b];
                }
                VM_BREAK;
            }
            VM_CASE(NOT)
            {
                if (sp[-1].tag == POL_T_BOOL)
                    sp[-1].u.i = !sp[-1].u.i;
                else if (sp[-1].tag != POL_T_NULL)
                    FAIL("not a bool");
                VM_BREAK;
            }
            VM_CASE(NEG)
            {
                if (sp[-1].tag == POL_T_INT)
                    sp[-1] = sp[-1].u.i == INT64_MIN ? polX_number(-(double)INT64_MIN) : polX_int(-sp[-1].u.i);
                else if (sp[-1].tag == POL_T_NUMBER)
                    sp[-1].u.d = -sp[-1].u.d;
                else if (sp[-1].tag != POL_T_NULL)
                    FAIL("not a number");
                VM_BREAK;
            }
            VM_CASE(ADD)
            VM_CASE(SUB)
            VM_CASE(MUL)
            VM_CASE(DIV)
            VM_CASE(MIN)
            VM_CASE(MAX)
            {
                sp--;
                if (!arith(ins->op, &sp[-1], &sp[0], &sp[-1]))
                    FAIL("not numbers");
                VM_BREAK;
            }
            VM_CASE(EQ)
            VM_CASE(NE)
            {
                sp--;
                c = equal(&sp[-1], &sp[0]);
                sp[-1] = polX_bool(ins->op == POL_OP_EQ ? c : !c);
                VM_BREAK;
            }
            VM_CASE(LT)
            VM_CASE(LE)
            VM_CASE(GT)
            VM_CASE(GE)
            {
                sp--;
                if (sp[-1].tag == POL_T_NULL || sp[0].tag == POL_T_NULL) {
                    sp[-1] = polX_bool(0);
                    VM_BREAK;
                }
                c = compare(&sp[-1], &sp[0]);
                if (c == CMP_NONE)
                    FAIL("the values cannot be compared");
                switch (ins->op) {
                case POL_OP_LT:
                    c = c == -1;
                    break;
                case POL_OP_LE:
                    c = c == -1 || c == 0;
                    break;
                case POL_OP_GT:
                    c = c == 1;
                    break;
                default:
                    c = c == 1 || c == 0;
                    break;
                }
                sp[-1] = polX_bool(c);
                VM_BREAK;
            }
            VM_CASE(ADDYEARS)
            {
                sp--; /* years on top, the date under it */
                if (sp[-1].tag == POL_T_NULL || sp[0].tag == POL_T_NULL) {
                    sp[-1] = polX_null();
                    VM_BREAK;
                }
                if (sp[-1].tag != POL_T_DATE || sp[0].tag != POL_T_INT)
                    FAIL("not a date and whole years");
                int64_t years = sp[0].u.i;
                if (years > 10000 || years < -10000) /* beyond any calendar year: keeps the sum in range */
                    years = years > 0 ? 10000 : -10000;
                sp[-1].u.i = polT_add_years(sp[-1].u.i, years);
                VM_BREAK;
            }
            VM_CASE(AT)
            {
                if (sp[-1].tag == POL_T_DATE) {
                    sp[-1] = polX_date(polX_day_of(sp[-1].u.i) * POLT_MINUTES_PER_DAY + ins->b, 1);
                } else if (sp[-1].tag != POL_T_NULL) {
                    FAIL("not a date");
                }
                VM_BREAK;
            }
            VM_CASE(YEAR)
            {
                if (sp[-1].tag == POL_T_DATE)
                    sp[-1] = polX_int(polT_year(sp[-1].u.i));
                else if (sp[-1].tag != POL_T_NULL)
                    FAIL("not a date");
                VM_BREAK;
            }
            VM_CASE(YEARSBETWEEN)
            {
                sp--; /* b on top, a under it */
                if (sp[-1].tag == POL_T_NULL || sp[0].tag == POL_T_NULL)
                    sp[-1] = polX_null();
                else if (sp[-1].tag == POL_T_DATE && sp[0].tag == POL_T_DATE)
                    sp[-1] = polX_int(polT_years_between(sp[-1].u.i, sp[0].u.i));
                else
                    FAIL("not dates");
                VM_BREAK;
            }
            VM_CASE(INSET)
            {
                const polP_set *set = &p->sets[ins->b];
                if (sp[-1].tag == POL_T_ENUM) {
                    uint64_t i = (uint64_t)sp[-1].u.i;
                    sp[-1] = polX_bool(sp[-1].x.ref == set->enum_index && i / 64 < set->nwords &&
                                       (set->bits[i / 64] >> (i % 64) & 1));
                } else if (sp[-1].tag == POL_T_NULL) {
                    sp[-1] = polX_bool(0); /* like x == a or x == b: false for null */
                } else {
                    FAIL("not an enum value");
                }
                VM_BREAK;
            }
            VM_CASE(ISNULL)
            {
                sp[-1] = polX_bool(sp[-1].tag == POL_T_NULL);
                VM_BREAK;
            }
            VM_CASE(JUMP)
            {
                pc = (uint32_t)ins->b;
                VM_BREAK;
            }
            VM_CASE(JUMPF)
            {
                v = *--sp;
                if (v.tag == POL_T_NULL || (v.tag == POL_T_BOOL && !v.u.i))
                    pc = (uint32_t)ins->b;
                else if (v.tag != POL_T_BOOL)
                    FAIL("not a bool");
                VM_BREAK;
            }
            VM_CASE(JUMPT)
            {
                v = *--sp;
                if (v.tag == POL_T_BOOL && v.u.i)
                    pc = (uint32_t)ins->b;
                else if (v.tag != POL_T_BOOL && v.tag != POL_T_NULL)
                    FAIL("not a bool");
                VM_BREAK;
            }
            VM_CASE(JUMPNN)
            {
                if (sp[-1].tag != POL_T_NULL)
                    pc = (uint32_t)ins->b;
                else
                    sp--;
                VM_BREAK;
            }
            VM_CASE(SWITCH)
            {
                const polP_table *t = &p->tables[ins->b];
                v = *--sp;
                if (v.tag == POL_T_ENUM || v.tag == POL_T_INT)
                    pc = v.u.i >= 0 && (uint64_t)v.u.i < t->nentries ? t->entries[v.u.i] : t->dflt;
                else if (v.tag == POL_T_NULL)
                    pc = t->dflt;
                else
                    FAIL("not an enum value or an integer");
                VM_BREAK;
            }
            VM_CASE(ITERLIST)
            {
                uint32_t list = prog->list_of_field[ins->b];
                if (list == POL_NONE)
                    FAIL("not a list field");
                loops[ins->a] = (polX_loop){POLX_LOOP_LIST, list, -1, ctx->lists[list].count, 0};
                VM_BREAK;
            }
            VM_CASE(ITERRANGE)
            {
                sp -= 2; /* lo, then hi on top */
                int64_t count = 0;
                if (sp[0].tag != POL_T_NULL && sp[1].tag != POL_T_NULL) {
                    if (sp[0].tag != POL_T_INT || sp[1].tag != POL_T_INT)
                        FAIL("the range's ends are not integers");
                    if (sp[1].u.i >= sp[0].u.i) {
                        uint64_t span = (uint64_t)sp[1].u.i - (uint64_t)sp[0].u.i;
                        if (span >= prog->limits.max_range_length) {
                            polX_error_begin(ctx);
                            add_where(ctx, pc - 1);
                            polX_error_addf(ctx, "a range of more than %u integers", prog->limits.max_range_length);
                            return polX_error_end(ctx, POL_ERR_LIMIT, -1);
                        }
                        count = (int64_t)span + 1;
                    }
                }
                loops[ins->a] = (polX_loop){POLX_LOOP_RANGE, 0, -1, count, sp[0].u.i};
                VM_BREAK;
            }
            VM_CASE(NEXT)
            {
                loop = &loops[ins->a];
                if (loop->kind == POLX_LOOP_NONE)
                    FAIL("the loop was not started");
                if (++loop->pos >= loop->count)
                    pc = (uint32_t)ins->b;
                VM_BREAK;
            }
            VM_CASE(LOOP)
            {
                pc = (uint32_t)ins->b;
                VM_BREAK;
            }
            VM_CASE(FORMAT)
            {
                sp -= ins->a;
                CHECK(join_text(ctx, pc - 1, sp, ins->a, &v));
                *sp++ = v;
                VM_BREAK;
            }
            VM_CASE(FINDING)
            {
                sp--;
                CHECK(add_finding(ctx, pc - 1, (uint32_t)ins->b, sp));
                VM_BREAK;
            }
            VM_CASE(FINDCOUNT)
            {
                *sp++ = polX_int(ins->a < POLX_FINDING_KINDS ? (int64_t)ctx->kind_count[ins->a] : 0);
                VM_BREAK;
            }
            VM_CASE(HALT)
            {
                return POL_OK;
            }
            VM_BAD
            {
                FAIL("not an instruction");
            }
        }
    }
over_budget:
    return polX_fail(ctx, POL_ERR_LIMIT, -1, "evaluation: more than %u instructions",
                     prog->limits.max_instructions);
}

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
    st = polX_run(ctx);
    ctx->decided = st == POL_OK;
    return st;
}
