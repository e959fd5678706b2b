/* verify.c: the load-time verifier (eBPF style): a control-structure pass, then abstract interpretation of
 * the stack depth and the locals in address order.
 *
 * What a verified program guarantees (each refusal names the address, opcode, rule and property):
 *
 *  Instructions
 *   1. every opcode is < POL_OP__COUNT and c == 0; an operand the opcode does not use is 0.
 *   2. operands are in bounds by kind: CONST < nconsts; FIELD < applicant fields and not a list; LISTFIELD an
 *      applicant field of kind LIST; LOCAL < nlocals; OUTPUT < noutputs; RULE < nrules and of the right kind
 *      (ROUTE: a route rule whose target < nentities; FINDING: violation, todo or warning); ATTR < the most
 *      attributes any entity type has (the entity's own type is checked when ATTR runs); TABLE < ntables;
 *      SET < nsets; KIND <= 2; MINUTE < 1440; TEST 0..5 or 8..13; COUNT <= the stack depth; the source map
 *      names real rules. Operand c is 0 except where the opcode gives it a kind (TESTK: a constant).
 *  Control flow
 *   3. JUMP, JUMPF, JUMPT, TESTK, JUMPNN and NEXT targets, and every SWITCH table entry and default, are strictly
 *      forward and < ncode.
 *   4. loops have one shape:  ITERLIST/ITERRANGE a; t: NEXT a, e; body; l: LOOP t; ... e: ...
 *      the ITER is immediately followed by the NEXT of the same local; LOOP's target is a NEXT before it
 *      whose exit e lies after it; each NEXT is closed by exactly one LOOP; loops nest properly (at most
 *      POLV_MAX_LOOPS deep); no forward jump targets a NEXT, and none enters a loop's body from outside it.
 *      So the loops active at an address are fixed by the address: never ambiguous.
 *   5. the last instruction is HALT, so no code runs off the end (all other exits are jumps).
 *  Stack
 *   6. the stack depth is the same on every path into an instruction (LOOP back edges included), never
 *      negative, never above max_stack, and 0 at HALT.
 *  Locals
 *   7. a local is LOADed only where a STORE reaches it on every path (ITERLIST/ITERRANGE unset it; inside a
 *      loop, the locals any nested loop iterates are unset at its NEXT, since they are clobbered before the
 *      LOOP comes back). SETNEW writes its local as STORE does; SETIN, SETADD and SETCOUNT read it as LOAD
 *      does (that the local holds a set is checked when they run).
 *   8. while its loop runs (from its NEXT to its LOOP) a loop's local is an iterator: it cannot be STOREd,
 *      LOADed, used as a set or restarted; ELEM and ITEM need an enclosing loop over their local of the right kind (list /
 *      range), and ELEM's field < the field count of that list's element record.
 *  Work
 *   9. the verifier's work is linear in the code size: two passes, a binary search in a table of at most
 *      POLV_MAX_PENDING pending targets per edge, a rescan of each loop body per enclosing loop (at most
 *      POLV_MAX_LOOPS), and SWITCH table entries examined at most 4 x (ncode + all table entries).
 *
 * Forward-only jumps make one pass in address order enough: every edge into an instruction comes from an
 * earlier one, except LOOP's, and the loop shape fixes what the back edge must bring.
 */
#include "verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define LOCAL_WORDS (256 / 32) /* one bit per possible local (a is one byte) */
#define NO_SOURCE UINT32_MAX

/* What is known on entry to an instruction. */
typedef struct vstate {
    uint32_t depth;
    uint32_t min_src; /* the earliest jump into here (NO_SOURCE: reached by falling through only) */
    uint32_t stored[LOCAL_WORDS]; /* locals a STORE reaches on every path */
} vstate;

typedef struct pending_edge {
    uint32_t target;
    vstate st;
} pending_edge;

typedef struct open_loop {
    uint32_t next; /* address of its NEXT */
    uint8_t local;
    uint8_t reachable;
    vstate entry; /* state at the NEXT; the LOOP's back edge must agree with it */
} open_loop;

typedef struct verifier {
    const polP_program *p;
    char *err;
    size_t errlen;
    uint32_t max_attrs;
    uint64_t table_work, table_work_limit;
    pending_edge pending[POLV_MAX_PENDING]; /* sorted by target, largest first */
    uint32_t npending;
    open_loop loops[POLV_MAX_LOOPS];
    uint32_t nloops;
} verifier;

/* ---- reasons ---------------------------------------------------------------------------------------------- */

__attribute__((format(printf, 3, 4))) static pol_status fail_at(verifier *V, uint32_t addr, const char *fmt, ...)
{
    if (!V->err || V->errlen == 0)
        return POL_ERR_VERIFY;
    const polP_program *p = V->p;
    char where[128];
    const polP_instr *in = &p->code[addr];
    size_t k;
    if (in->op < POL_OP__COUNT)
        k = (size_t)snprintf(where, sizeof where, "at %u %s", addr, polO_info[in->op].name);
    else
        k = (size_t)snprintf(where, sizeof where, "at %u", addr);
    const polP_srcloc *loc = p->srcmap ? &p->srcmap[addr] : NULL;
    if (loc && loc->rule != POL_NONE && loc->rule < p->nrules && k < sizeof where)
        snprintf(where + k, sizeof where - k, " (rule %u, line %u)", loc->rule, loc->line);
    else if (k < sizeof where)
        snprintf(where + k, sizeof where - k, " (glue)");
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    snprintf(V->err, V->errlen, "%s: %s", where, message);
    return POL_ERR_VERIFY;
}

__attribute__((format(printf, 2, 3))) static pol_status fail(verifier *V, const char *fmt, ...)
{
    if (V->err && V->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(V->err, V->errlen, fmt, ap);
        va_end(ap);
    }
    return POL_ERR_VERIFY;
}

/* ---- helpers ---------------------------------------------------------------------------------------------- */

static int is_iter(uint8_t op) { return op == POL_OP_ITERLIST || op == POL_OP_ITERRANGE; }

static int below(int32_t v, uint32_t n) { return v >= 0 && (uint32_t)v < n; }

static int is_forward(const verifier *V, uint32_t from, int64_t to) { return to > from && to < V->p->ncode; }

static pol_status check_target(verifier *V, uint32_t addr, int64_t to, const char *what)
{
    if (is_forward(V, addr, to))
        return POL_OK;
    if (to <= addr)
        return fail_at(V, addr, "%s %lld is not forward (jumps go forward only, except LOOP)", what, (long long)to);
    return fail_at(V, addr, "%s %lld is past the end of the code (%u instructions)", what, (long long)to,
                   V->p->ncode);
}

/* A SWITCH table: entries and default, each counted against the work limit. */
static pol_status check_table_targets(verifier *V, uint32_t addr, const polP_table *t)
{
    V->table_work += (uint64_t)t->nentries + 1;
    if (V->table_work > V->table_work_limit)
        return fail_at(V, addr, "verifier work limit: jump tables are examined too often (a table shared by "
                                "many SWITCHes)");
    pol_status s = check_target(V, addr, t->dflt, "SWITCH default");
    for (uint32_t e = 0; e < t->nentries && s == POL_OK; e++)
        if (!is_forward(V, addr, t->entries[e]))
            return fail_at(V, addr, "entry %u of table %d jumps to %u, which is not forward and before %u", e,
                           V->p->code[addr].b, t->entries[e], V->p->ncode);
    return s;
}

/* The open loop iterating local a, or NULL. */
static const open_loop *loop_of(const verifier *V, uint8_t a)
{
    for (uint32_t k = V->nloops; k-- > 0;)
        if (V->loops[k].local == a)
            return &V->loops[k];
    return NULL;
}

static int bit(const uint32_t *set, uint8_t a) { return set[a / 32] >> (a % 32) & 1; }
static void set_bit(uint32_t *set, uint8_t a) { set[a / 32] |= (uint32_t)1 << (a % 32); }
static void clear_bit(uint32_t *set, uint8_t a) { set[a / 32] &= ~((uint32_t)1 << (a % 32)); }

/* ---- pass 1: opcodes, jump targets and the shape of loops --------------------------------------------------- */

static pol_status check_loop_shape(verifier *V, uint32_t i)
{
    const polP_program *p = V->p;
    const polP_instr *in = &p->code[i];
    switch (in->op) {
    case POL_OP_ITERLIST:
    case POL_OP_ITERRANGE:
        if (i + 1 >= p->ncode || p->code[i + 1].op != POL_OP_NEXT || p->code[i + 1].a != in->a)
            return fail_at(V, i, "a loop start must be followed by the NEXT of the same local (%u)", in->a);
        return POL_OK;
    case POL_OP_NEXT: {
        if (i == 0 || !is_iter(p->code[i - 1].op) || p->code[i - 1].a != in->a)
            return fail_at(V, i, "NEXT must directly follow the ITERLIST or ITERRANGE of the same local (%u)",
                           in->a);
        const open_loop *outer = loop_of(V, in->a);
        if (outer)
            return fail_at(V, i, "local %u is already the iterator of the loop at %u", in->a, outer->next);
        if (V->nloops == POLV_MAX_LOOPS)
            return fail_at(V, i, "verifier limit: loops nested more than %d deep", POLV_MAX_LOOPS);
        V->loops[V->nloops++] = (open_loop){.next = i, .local = in->a};
        return POL_OK;
    }
    case POL_OP_LOOP: {
        if (in->b < 0 || (uint32_t)in->b >= i)
            return fail_at(V, i, "LOOP target %d is not an earlier address", in->b);
        uint32_t t = (uint32_t)in->b;
        if (p->code[t].op != POL_OP_NEXT)
            return fail_at(V, i, "LOOP target %u is not a NEXT", t);
        if (V->nloops == 0 || V->loops[V->nloops - 1].next != t)
            return fail_at(V, i, "loops do not nest: LOOP closes the loop at %u, but the innermost open loop %s", t,
                           V->nloops == 0 ? "is none (that loop is already closed)" : "starts later");
        if (p->code[t].b <= (int32_t)i)
            return fail_at(V, i, "the exit %d of the loop at %u does not lie after its LOOP", p->code[t].b, t);
        V->nloops--;
        return POL_OK;
    }
    default:
        return POL_OK;
    }
}

static pol_status check_structure(verifier *V)
{
    const polP_program *p = V->p;
    for (uint32_t i = 0; i < p->ncode; i++) {
        const polP_instr *in = &p->code[i];
        if (in->op >= POL_OP__COUNT)
            return fail_at(V, i, "opcode %u is not an instruction (0..%d)", in->op, POL_OP__COUNT - 1);
        if (in->c != 0 && polO_info[in->op].c == POL_OPND_NONE)
            return fail_at(V, i, "field c is %u (must be 0)", in->c);
        if (p->srcmap && p->srcmap[i].rule != POL_NONE && p->srcmap[i].rule >= p->nrules)
            return fail_at(V, i, "the source map names rule %u, but there are %u rules", p->srcmap[i].rule,
                           p->nrules);
        pol_status s = POL_OK;
        if (polO_info[in->op].b == POL_OPND_JUMP && in->op != POL_OP_LOOP)
            s = check_target(V, i, in->b, in->op == POL_OP_NEXT ? "loop exit" : "jump target");
        else if (in->op == POL_OP_SWITCH) {
            if (!below(in->b, p->ntables))
                return fail_at(V, i, "table %d does not exist (%u tables)", in->b, p->ntables);
            s = check_table_targets(V, i, &p->tables[in->b]);
        }
        if (s == POL_OK)
            s = check_loop_shape(V, i);
        if (s != POL_OK)
            return s;
    }
    if (V->nloops)
        return fail_at(V, V->loops[V->nloops - 1].next, "this NEXT's loop has no LOOP");
    return POL_OK;
}

/* ---- pass 2: operands, stack depth and locals -------------------------------------------------------------- */

static pol_status check_operand(verifier *V, uint32_t i, pol_operand_kind kind, int64_t v, char which)
{
    const polP_program *p = V->p;
    const polP_instr *in = &p->code[i];
    const polP_record *app = &p->records[0];
    switch (kind) {
    case POL_OPND_NONE:
        if (v != 0)
            return fail_at(V, i, "operand %c is %lld, but this opcode does not use it (must be 0)", which,
                           (long long)v);
        return POL_OK;
    case POL_OPND_CONST:
        if (v < 0 || v >= p->nconsts)
            return fail_at(V, i, "constant %lld does not exist (%u constants)", (long long)v, p->nconsts);
        return POL_OK;
    case POL_OPND_FIELD:
        if (v < 0 || v >= app->nfields)
            return fail_at(V, i, "field %lld does not exist (the applicant has %u fields)", (long long)v,
                           app->nfields);
        if (app->fields[v].type.kind == POL_T_LIST)
            return fail_at(V, i, "field %lld is a list, which only ITERLIST reads", (long long)v);
        return POL_OK;
    case POL_OPND_LISTFIELD:
        if (v < 0 || v >= app->nfields || app->fields[v].type.kind != POL_T_LIST)
            return fail_at(V, i, "field %lld is not a list field of the applicant", (long long)v);
        return POL_OK;
    case POL_OPND_LOCAL:
        if (v >= p->nlocals)
            return fail_at(V, i, "local %lld does not exist (nlocals %u)", (long long)v, p->nlocals);
        return POL_OK;
    case POL_OPND_OUTPUT:
        if (v < 0 || v >= p->noutputs)
            return fail_at(V, i, "output %lld does not exist (%u outputs)", (long long)v, p->noutputs);
        return POL_OK;
    case POL_OPND_RULE: {
        if (v < 0 || v >= p->nrules)
            return fail_at(V, i, "rule %lld does not exist (%u rules)", (long long)v, p->nrules);
        const polP_rule *r = &p->rules[v];
        if (in->op == POL_OP_ROUTE && r->kind != POLP_RULE_ROUTE)
            return fail_at(V, i, "rule %lld is not a route rule (kind %u)", (long long)v, r->kind);
        if (in->op == POL_OP_ROUTE && r->target >= p->nentities)
            return fail_at(V, i, "route rule %lld targets entity %u, which does not exist", (long long)v, r->target);
        if (in->op == POL_OP_FINDING && r->kind > POLP_RULE_WARNING)
            return fail_at(V, i, "rule %lld is not a violation, todo or warning rule (kind %u)", (long long)v,
                           r->kind);
        return POL_OK;
    }
    case POL_OPND_ATTR:
        if (v < 0 || v >= V->max_attrs)
            return fail_at(V, i, "attribute %lld exceeds every entity type (at most %u attributes)", (long long)v,
                           V->max_attrs);
        return POL_OK;
    case POL_OPND_SET:
        if (v < 0 || v >= p->nsets)
            return fail_at(V, i, "set %lld does not exist (%u sets)", (long long)v, p->nsets);
        return POL_OK;
    case POL_OPND_KIND:
        if (v > POL_WARNING)
            return fail_at(V, i, "finding kind %lld is not violation, todo or warning (0..2)", (long long)v);
        return POL_OK;
    case POL_OPND_MINUTE:
        if (v < 0 || v >= 1440)
            return fail_at(V, i, "minute %lld is not a minute of the day (0..1439)", (long long)v);
        return POL_OK;
    case POL_OPND_TEST:
        if ((v & 7) > 5 || (v & ~15) != 0)
            return fail_at(V, i, "comparison %lld is not 0..5 or 8..13", (long long)v);
        return POL_OK;
    default: /* JUMP, TABLE: pass 1; ELEMFIELD: with its loop; COUNT: against the stack depth */
        return POL_OK;
    }
}

/* Iterator rules that depend only on the loops enclosing the address. */
static pol_status check_iterator_use(verifier *V, uint32_t i)
{
    const polP_program *p = V->p;
    const polP_instr *in = &p->code[i];
    const open_loop *l = loop_of(V, in->a);
    switch (in->op) {
    case POL_OP_LOAD:
    case POL_OP_STORE:
    case POL_OP_SETNEW:
    case POL_OP_SETIN:
    case POL_OP_SETADD:
    case POL_OP_SETCOUNT:
        if (l)
            return fail_at(V, i, "local %u is the iterator of the loop at %u while that loop runs", in->a, l->next);
        return POL_OK;
    case POL_OP_ELEM:
    case POL_OP_ITEM: {
        if (!l)
            return fail_at(V, i, "local %u is not the iterator of an enclosing loop", in->a);
        const polP_instr *start = &p->code[l->next - 1];
        uint8_t want = in->op == POL_OP_ELEM ? POL_OP_ITERLIST : POL_OP_ITERRANGE;
        if (start->op != want)
            return fail_at(V, i, "the loop at %u runs over %s, not %s", l->next,
                           start->op == POL_OP_ITERLIST ? "a list" : "a range",
                           want == POL_OP_ITERLIST ? "a list" : "a range");
        if (in->op == POL_OP_ELEM) {
            uint32_t rec = p->records[0].fields[start->b].type.ref;
            if (!below(in->b, p->records[rec].nfields))
                return fail_at(V, i, "element field %d does not exist (record %u has %u fields)", in->b, rec,
                               p->records[rec].nfields);
        }
        return POL_OK;
    }
    default:
        return POL_OK;
    }
}

/* Record an edge from `from` to the forward address `to` carrying st. */
static pol_status add_edge(verifier *V, uint32_t from, uint32_t to, const vstate *st)
{
    uint32_t lo = 0, hi = V->npending;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (V->pending[mid].target > to)
            lo = mid + 1;
        else
            hi = mid;
    }
    pending_edge *e = &V->pending[lo];
    if (lo < V->npending && e->target == to) {
        if (e->st.depth != st->depth)
            return fail_at(V, from, "reaches %u with stack depth %u, but the jump from %u reaches it with %u", to,
                           st->depth, e->st.min_src, e->st.depth);
        for (int w = 0; w < LOCAL_WORDS; w++)
            e->st.stored[w] &= st->stored[w];
        if (from < e->st.min_src)
            e->st.min_src = from;
        return POL_OK;
    }
    if (V->npending == POLV_MAX_PENDING)
        return fail_at(V, from, "verifier limit: more than %d jump targets pending at once", POLV_MAX_PENDING);
    memmove(e + 1, e, (V->npending - lo) * sizeof *e);
    V->npending++;
    e->target = to;
    e->st = *st;
    e->st.min_src = from;
    return POL_OK;
}

/* The state entering loop body i (a NEXT): the locals that loops nested in the body iterate are unset,
 * since on the next trip they hold iterators. Scans to the matching LOOP (pass 1 proved it exists). */
static void enter_loop(const verifier *V, uint32_t t, vstate *st)
{
    const polP_program *p = V->p;
    uint32_t level = 0;
    for (uint32_t j = t + 1; j < p->ncode; j++) {
        uint8_t op = p->code[j].op;
        if (is_iter(op))
            clear_bit(st->stored, p->code[j].a);
        else if (op == POL_OP_NEXT)
            level++;
        else if (op == POL_OP_LOOP && level-- == 0)
            break;
    }
}

/* The effect of instruction i on st (reachable); *falls says whether the next address follows. */
static pol_status step(verifier *V, uint32_t i, vstate *st, int *falls)
{
    const polP_program *p = V->p;
    const polP_instr *in = &p->code[i];
    const pol_opcode_info *info = &polO_info[in->op];
    uint32_t pops = info->pops < 0 ? in->a : (uint32_t)info->pops;
    if (st->depth < pops)
        return fail_at(V, i, "stack underflow: needs %u values, the stack holds %u", pops, st->depth);
    uint32_t entry_depth = st->depth;
    st->depth -= pops;
    *falls = 1;
    pol_status s = POL_OK;
    switch (in->op) {
    case POL_OP_LOAD:
    case POL_OP_SETIN:
    case POL_OP_SETADD:
    case POL_OP_SETCOUNT:
        if (!bit(st->stored, in->a))
            return fail_at(V, i, "local %u is loaded before a STORE reaches it on every path", in->a);
        break;
    case POL_OP_STORE:
    case POL_OP_SETNEW:
        set_bit(st->stored, in->a);
        break;
    case POL_OP_ITERLIST:
    case POL_OP_ITERRANGE:
        clear_bit(st->stored, in->a);
        break;
    case POL_OP_JUMP:
        *falls = 0;
        /* fall through */
    case POL_OP_JUMPF:
    case POL_OP_JUMPT:
    case POL_OP_TESTK:
        s = add_edge(V, i, (uint32_t)in->b, st);
        break;
    case POL_OP_JUMPNN: {
        vstate kept = *st;
        kept.depth = entry_depth; /* the value stays when it jumps */
        s = add_edge(V, i, (uint32_t)in->b, &kept);
        break;
    }
    case POL_OP_SWITCH: {
        const polP_table *t = &p->tables[in->b];
        V->table_work += (uint64_t)t->nentries + 1;
        if (V->table_work > V->table_work_limit)
            return fail_at(V, i, "verifier work limit: jump tables are examined too often");
        s = add_edge(V, i, t->dflt, st);
        for (uint32_t e = 0; e < t->nentries && s == POL_OK; e++)
            s = add_edge(V, i, t->entries[e], st);
        *falls = 0;
        break;
    }
    case POL_OP_NEXT:
        enter_loop(V, i, st);
        V->loops[V->nloops - 1].entry = *st;
        V->loops[V->nloops - 1].reachable = 1;
        s = add_edge(V, i, (uint32_t)in->b, st);
        break;
    case POL_OP_LOOP: {
        const open_loop *l = &V->loops[V->nloops - 1];
        *falls = 0;
        if (!l->reachable)
            break; /* cannot happen: a body is entered only through its NEXT */
        if (st->depth != l->entry.depth)
            return fail_at(V, i, "loops back with stack depth %u, but the NEXT at %u has %u", st->depth, l->next,
                           l->entry.depth);
        for (int a = 0; a < 256; a++)
            if (bit(l->entry.stored, (uint8_t)a) && !bit(st->stored, (uint8_t)a))
                return fail_at(V, i, "local %d is stored at the NEXT at %u but not when the loop comes back", a,
                               l->next);
        break;
    }
    case POL_OP_HALT:
        *falls = 0;
        if (st->depth != 0)
            return fail_at(V, i, "HALT with %u values left on the stack (must be 0)", st->depth);
        break;
    default:
        break;
    }
    if (s != POL_OK)
        return s;
    if (in->op != POL_OP_JUMPNN)
        st->depth += (uint32_t)info->pushes;
    if (st->depth > p->max_stack)
        return fail_at(V, i, "stack depth %u exceeds max_stack %u", st->depth, p->max_stack);
    return POL_OK;
}

static pol_status check_flow(verifier *V)
{
    const polP_program *p = V->p;
    vstate st = {.depth = 0, .min_src = NO_SOURCE};
    int live = 1; /* st holds the state falling into the next address */
    V->nloops = 0;
    V->npending = 0;
    for (uint32_t i = 0; i < p->ncode; i++) {
        const polP_instr *in = &p->code[i];
        /* the state on entry: the fall-through and every jump to here */
        st.min_src = NO_SOURCE;
        if (V->npending && V->pending[V->npending - 1].target == i) {
            const vstate *jumped = &V->pending[--V->npending].st;
            if (in->op == POL_OP_NEXT)
                return fail_at(V, i, "the jump from %u targets a NEXT; a loop is entered only by its ITER",
                               jumped->min_src);
            if (live && st.depth != jumped->depth)
                return fail_at(V, i, "paths disagree on the stack depth: %u falling through, %u jumping from %u",
                               st.depth, jumped->depth, jumped->min_src);
            if (live)
                for (int w = 0; w < LOCAL_WORDS; w++)
                    st.stored[w] &= jumped->stored[w];
            else
                memcpy(st.stored, jumped->stored, sizeof st.stored);
            st.depth = jumped->depth;
            st.min_src = jumped->min_src;
            live = 1;
        }
        if (live && st.min_src != NO_SOURCE && V->nloops && st.min_src < V->loops[V->nloops - 1].next)
            return fail_at(V, i, "the jump from %u enters the loop at %u from outside", st.min_src,
                           V->loops[V->nloops - 1].next);
        /* operands and iterator rules hold even where the code is unreachable */
        const pol_opcode_info *info = &polO_info[in->op];
        pol_status s = check_operand(V, i, info->a, in->a, 'a');
        if (s == POL_OK)
            s = check_operand(V, i, info->b, in->b, 'b');
        if (s == POL_OK && info->c != POL_OPND_NONE)
            s = check_operand(V, i, info->c, in->c, 'c');
        if (s == POL_OK)
            s = check_iterator_use(V, i);
        if (s != POL_OK)
            return s;
        if (in->op == POL_OP_NEXT)
            V->loops[V->nloops++] = (open_loop){.next = i, .local = in->a};
        if (live) {
            if (info->a == POL_OPND_COUNT && in->a > st.depth)
                return fail_at(V, i, "count %u exceeds the %u values on the stack", in->a, st.depth);
            int falls = 0;
            s = step(V, i, &st, &falls);
            if (s != POL_OK)
                return s;
            live = falls;
        }
        if (in->op == POL_OP_LOOP)
            V->nloops--;
    }
    return POL_OK;
}

pol_status polV_verify(const polP_program *p, char *err, size_t errlen)
{
    verifier V = {.p = p, .err = err, .errlen = errlen};
    if (err && errlen)
        err[0] = '\0';
    if (!p)
        return fail(&V, "no program");
    if (p->ncode == 0 || !p->code)
        return fail(&V, "the program has no code (it must end with HALT)");
    if (p->nrecords == 0 || !p->records)
        return fail(&V, "the program has no applicant record (record 0)");
    if (p->nlocals > 256)
        return fail(&V, "nlocals %u exceeds 256 (a local is one byte)", p->nlocals);
    const polP_instr *last = &p->code[p->ncode - 1];
    if (last->op != POL_OP_HALT)
        return fail_at(&V, p->ncode - 1, "the last instruction is not HALT, so the code could run off its end");
    uint64_t entries = 0;
    for (uint32_t t = 0; t < p->ntables; t++)
        entries += p->tables[t].nentries;
    V.table_work_limit = 4 * (p->ncode + entries);
    for (uint32_t t = 0; t < p->nentity_types; t++)
        if (p->entity_types[t].nattrs > V.max_attrs)
            V.max_attrs = p->entity_types[t].nattrs;
    pol_status s = check_structure(&V);
    if (s == POL_OK) {
        V.table_work = 0;
        s = check_flow(&V);
    }
    return s;
}
