/* trace.c: explanations: follows a traced run instruction by instruction (polX_trace_step) and reports each
 * rule it tries, with the values the rule read and what it decided, to the context's pol_trace_fn. Everything
 * is derived from the bytecode, the rule table and the source map; nothing knows any particular policy. */
#include <stdio.h>
#include <string.h>

#include "vm.h"

#define POLX_TRACE_MAX_READS 4096 /* reads kept per event; more are counted in dropped_reads */
#define POLX_TRACE_DEDUP_SCAN 64  /* how far back a read looks for the same name in the same pass */

typedef struct polX_read {
    pol_read_kind kind;
    uint32_t name;  /* offset in the tracer's text */
    uint32_t pc;    /* the instruction that read it (an ATTR right after extends it) */
    uint32_t test;  /* offset in the tracer's text of its comparison with a constant, or POL_NONE */
    int iteration;
    polX_value value;
} polX_read;

typedef struct polX_iteration {
    int loop;
    int64_t item;
    uint32_t list; /* list number, or POL_NONE for a range */
    int selected;
} polX_iteration;

struct polX_tracer {
    pol_trace_fn fn;
    void *ud;
    uint32_t *let_of_local; /* nlocals: the let rule whose value the local holds, or POL_NONE */
    uint32_t *local_of_let; /* nrules: a let rule's local, or POL_NONE */

    /* the rule being followed */
    uint32_t rule; /* POL_NONE between rules */
    int fired;
    polX_value value;
    uint32_t outer_local;   /* the rule's own loop now running, or POL_NONE */
    uint32_t outer_next;    /* address of its NEXT */
    int loops_seen;         /* the rule's loops so far */
    int iteration;          /* current pass, or -1 */
    size_t dropped;

    polX_read *reads;
    size_t nreads, reads_cap;
    polX_iteration *its;
    size_t nits, its_cap;
    char *text; /* read names, NUL-terminated, one after another */
    size_t text_len, text_cap;

    /* what an event hands out */
    pol_trace_read *out_reads;
    size_t out_reads_cap;
    pol_trace_iteration *out_its;
    size_t out_its_cap;
    char name[256]; /* the event's let name */
};

const char *pol_rule_kind_name(pol_rule_kind kind)
{
    switch (kind) {
    case POL_RULE_VIOLATION:
        return "violation";
    case POL_RULE_TODO:
        return "todo";
    case POL_RULE_WARNING:
        return "warning";
    case POL_RULE_ROUTE:
        return "route";
    case POL_RULE_OUTPUT:
        return "output";
    case POL_RULE_LET:
        return "let";
    }
    return "unknown";
}

/* ---- setting and freeing --------------------------------------------------------------------------------- */

static void tracer_free(const pol_program *prog, polX_tracer *t)
{
    const polP_program *p = prog->p;
    polX_array_free(prog->alloc, prog->ud, t->let_of_local, p->nlocals, sizeof(uint32_t));
    polX_array_free(prog->alloc, prog->ud, t->local_of_let, p->nrules, sizeof(uint32_t));
    polX_array_free(prog->alloc, prog->ud, t->reads, t->reads_cap, sizeof(polX_read));
    polX_array_free(prog->alloc, prog->ud, t->its, t->its_cap, sizeof(polX_iteration));
    polX_array_free(prog->alloc, prog->ud, t->text, t->text_cap, 1);
    polX_array_free(prog->alloc, prog->ud, t->out_reads, t->out_reads_cap, sizeof(pol_trace_read));
    polX_array_free(prog->alloc, prog->ud, t->out_its, t->out_its_cap, sizeof(pol_trace_iteration));
    prog->alloc(prog->ud, t, sizeof *t, 0);
}

void polX_trace_free(pol_context *ctx)
{
    if (ctx && ctx->trace) {
        tracer_free(ctx->prog, ctx->trace);
        ctx->trace = NULL;
    }
}

/* A let's local is the one its rule stores last: the emitter ends every let with STORE into its own local. */
static void find_let_locals(const polP_program *p, polX_tracer *t)
{
    for (uint32_t i = 0; i < p->nlocals; i++)
        t->let_of_local[i] = POL_NONE;
    for (uint32_t r = 0; r < p->nrules; r++)
        t->local_of_let[r] = POL_NONE;
    if (!p->srcmap)
        return;
    for (uint32_t pc = 0; pc < p->ncode; pc++) {
        uint32_t r = p->srcmap[pc].rule;
        if (r >= p->nrules || p->rules[r].kind != POLP_RULE_LET || p->code[pc].op != POL_OP_STORE)
            continue;
        if (pc + 1 < p->ncode && p->srcmap[pc + 1].rule == r)
            continue;
        if (p->code[pc].a < p->nlocals) {
            t->let_of_local[p->code[pc].a] = r;
            t->local_of_let[r] = p->code[pc].a;
        }
    }
}

pol_status pol_context_set_trace(pol_context *ctx, pol_trace_fn fn, void *ud)
{
    if (!ctx)
        return POL_ERR_ARGUMENT;
    if (!fn) {
        polX_trace_free(ctx);
        return POL_OK;
    }
    if (ctx->trace) {
        ctx->trace->fn = fn;
        ctx->trace->ud = ud;
        return POL_OK;
    }
    const pol_program *prog = ctx->prog;
    polX_tracer *t = prog->alloc(prog->ud, NULL, 0, sizeof *t);
    if (!t)
        return POL_ERR_NOMEM;
    memset(t, 0, sizeof *t);
    if (!polX_array_new(prog->alloc, prog->ud, &t->let_of_local, prog->p->nlocals, sizeof(uint32_t)) ||
        !polX_array_new(prog->alloc, prog->ud, &t->local_of_let, prog->p->nrules, sizeof(uint32_t))) {
        tracer_free(prog, t);
        return POL_ERR_NOMEM;
    }
    t->fn = fn;
    t->ud = ud;
    t->rule = POL_NONE;
    find_let_locals(prog->p, t);
    ctx->trace = t;
    return POL_OK;
}

/* ---- following a run --------------------------------------------------------------------------------------- */

static void begin_rule(polX_tracer *t, uint32_t rule)
{
    t->rule = rule;
    t->fired = 0;
    t->value = polX_null();
    t->outer_local = POL_NONE;
    t->outer_next = POL_NONE;
    t->loops_seen = 0;
    t->iteration = -1;
    t->dropped = 0;
    t->nreads = 0;
    t->nits = 0;
    t->text_len = 0;
}

void polX_trace_start(pol_context *ctx) { begin_rule(ctx->trace, POL_NONE); }

static int text_room(const pol_program *prog, polX_tracer *t, size_t more)
{
    if (t->text_len + more <= t->text_cap)
        return 1;
    size_t cap = t->text_cap ? t->text_cap : 1024;
    while (cap < t->text_len + more)
        cap *= 2;
    if (cap > UINT32_MAX || !polX_array_resize(prog->alloc, prog->ud, &t->text, t->text_cap, cap, 1))
        return 0;
    t->text_cap = cap;
    return 1;
}

static void text_add(polX_tracer *t, const char *s, size_t n)
{
    memcpy(t->text + t->text_len, s, n);
    t->text_len += n;
}

/* Record a read named by up to three pieces (the second and third may be NULL); a name already read in the
 * same pass is not repeated. */
static void add_read(pol_context *ctx, polX_tracer *t, pol_read_kind kind, uint32_t pc, const polX_value *v,
                     const char *a, const char *index_of, int64_t index, const char *field)
{
    const pol_program *prog = ctx->prog;
    if (t->nreads >= POLX_TRACE_MAX_READS) {
        t->dropped++;
        return;
    }
    char num[24];
    size_t la = strlen(a), ln = 0, lf = field ? strlen(field) : 0;
    if (index_of) {
        int n = snprintf(num, sizeof num, "[%lld].", (long long)index);
        ln = n > 0 ? (size_t)n : 0;
    }
    if (!text_room(prog, t, la + ln + lf + 1)) {
        t->dropped++;
        return;
    }
    size_t start = t->text_len;
    text_add(t, a, la);
    text_add(t, num, ln);
    if (field)
        text_add(t, field, lf);
    text_add(t, "", 1);
    for (size_t i = t->nreads, seen = 0; i-- > 0 && seen < POLX_TRACE_DEDUP_SCAN; seen++) {
        if (t->reads[i].iteration != t->iteration)
            break;
        if (strcmp(t->text + t->reads[i].name, t->text + start) == 0) {
            t->text_len = start; /* read before in this pass */
            return;
        }
    }
    if (t->nreads == t->reads_cap) {
        size_t cap = t->reads_cap ? t->reads_cap * 2 : 64;
        if (!polX_array_resize(prog->alloc, prog->ud, &t->reads, t->reads_cap, cap, sizeof(polX_read))) {
            t->text_len = start;
            t->dropped++;
            return;
        }
        t->reads_cap = cap;
    }
    t->reads[t->nreads++] = (polX_read){kind, (uint32_t)start, pc, POL_NONE, t->iteration, *v};
}

/* ATTR right after the read that pushed an entity: the read becomes entity.attribute with its value. */
static void extend_read(pol_context *ctx, polX_tracer *t, uint32_t pc, uint32_t attr, const polX_value *v)
{
    const polP_program *p = ctx->prog->p;
    if (t->nreads == 0)
        return;
    polX_read *r = &t->reads[t->nreads - 1];
    if (r->pc + 1 != pc || r->value.tag != POL_T_ENTITY || r->value.x.ref >= p->nentity_types ||
        attr >= p->entity_types[r->value.x.ref].nattrs)
        return;
    const char *name = polX_str(p, p->entity_types[r->value.x.ref].attrs[attr].name);
    size_t ln = strlen(name);
    if (r->test != POL_NONE || r->name + strlen(t->text + r->name) + 1 != t->text_len ||
        !text_room(ctx->prog, t, ln + 1))
        return;
    t->text_len--; /* over the NUL */
    text_add(t, ".", 1);
    text_add(t, name, ln);
    text_add(t, "", 1);
    r->value = *v;
    r->pc = pc;
}

static void new_iteration(pol_context *ctx, polX_tracer *t, const polX_loop *loop)
{
    const pol_program *prog = ctx->prog;
    if (t->nits == t->its_cap) {
        size_t cap = t->its_cap ? t->its_cap * 2 : 16;
        if (!polX_array_resize(prog->alloc, prog->ud, &t->its, t->its_cap, cap, sizeof(polX_iteration))) {
            t->iteration = -1;
            return;
        }
        t->its_cap = cap;
    }
    int list = loop->kind == POLX_LOOP_LIST;
    t->its[t->nits] = (polX_iteration){t->loops_seen - 1, list ? loop->pos : loop->lo + loop->pos,
                                       list ? loop->list : POL_NONE, 0};
    t->iteration = (int)t->nits++;
}

/* A comparison of the value read just before a constant ("level == 中级", "hours >= 14"): the read keeps
 * "== 中级", so an explanation shows what the value was held against. */
_Static_assert(POL_OP_NE == POL_OP_EQ + 1 && POL_OP_LT == POL_OP_EQ + 2 && POL_OP_LE == POL_OP_EQ + 3 &&
                   POL_OP_GT == POL_OP_EQ + 4 && POL_OP_GE == POL_OP_EQ + 5,
               "the comparisons are consecutive opcodes");

static void note_test_against(pol_context *ctx, polX_tracer *t, uint32_t read_pc, int cmp, uint32_t constant)
{
    static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
    const polP_program *p = ctx->prog->p;
    if (t->nreads == 0)
        return;
    polX_read *r = &t->reads[t->nreads - 1];
    if (r->pc != read_pc || r->test != POL_NONE)
        return;
    const polX_value *c = &ctx->prog->consts[constant];
    char scratch[POLX_TEXT_SCRATCH];
    const char *text;
    size_t n = polX_value_text(p, c, scratch, &text);
    const char *op = ops[cmp];
    int quote = c->tag == POL_T_STRING;
    if (c->tag == POL_T_NULL) {
        text = "null";
        n = 4;
    }
    if (!text_room(ctx->prog, t, strlen(op) + n + 4))
        return;
    r->test = (uint32_t)t->text_len;
    text_add(t, op, strlen(op));
    text_add(t, quote ? " \"" : " ", quote ? 2 : 1);
    text_add(t, text, n);
    if (quote)
        text_add(t, "\"", 1);
    text_add(t, "", 1);
}

/* CONST k, then a comparison, right after the read; or TESTK, the two fused */
static void note_test(pol_context *ctx, polX_tracer *t, uint32_t pc)
{
    const polP_instr *in = &ctx->prog->p->code[pc];
    if (in->op == POL_OP_TESTK) {
        if (pc >= 1)
            note_test_against(ctx, t, pc - 1, in->a & 7, in->c);
    } else if (pc >= 2 && in[-1].op == POL_OP_CONST) {
        note_test_against(ctx, t, pc - 2, in->op - POL_OP_EQ, (uint32_t)in[-1].b);
    }
}

/* What the instruction at pc did, seen from the stack after it (sp) and where the run goes next. */
static void after(pol_context *ctx, polX_tracer *t, uint32_t pc, uint32_t next, const polX_value *sp)
{
    const pol_program *prog = ctx->prog;
    const polP_program *p = prog->p;
    const polP_instr *ins = &p->code[pc];
    switch (ins->op) {
    case POL_OP_FIELD:
        if (prog->list_of_field[ins->b] == POL_NONE)
            add_read(ctx, t, POL_READ_FIELD, pc, &sp[-1], polX_str(p, p->records[0].fields[ins->b].name), NULL, 0,
                     NULL);
        break;
    case POL_OP_LISTLEN: { /* count(x in L) without where, computed without the loop: L's length is the read */
        char name[160];
        snprintf(name, sizeof name, "count(%.140s)", polX_str(p, p->records[0].fields[ins->b].name));
        add_read(ctx, t, POL_READ_FIELD, pc, &sp[-1], name, NULL, 0, NULL);
        break;
    }
    case POL_OP_ELEM: {
        const polX_loop *loop = &ctx->loops[ins->a];
        uint32_t field = prog->list_field[loop->list];
        const polX_list *list = &ctx->lists[loop->list];
        add_read(ctx, t, POL_READ_ELEMENT, pc, &sp[-1], polX_str(p, p->records[0].fields[field].name), "[",
                 loop->pos, polX_str(p, p->records[list->record].fields[ins->b].name));
        break;
    }
    case POL_OP_LOAD: {
        uint32_t r = t->let_of_local[ins->a];
        if (r != POL_NONE && r != t->rule) {
            const char *text = polX_str(p, p->rules[r].text);
            char name[sizeof t->name];
            size_t n = 0;
            if (strncmp(text, "let ", 4) == 0)
                text += 4;
            while (text[n] && text[n] != ' ' && text[n] != '=' && n + 1 < sizeof name)
                n++;
            memcpy(name, text, n);
            name[n] = '\0';
            add_read(ctx, t, POL_READ_LET, pc, &sp[-1], name, NULL, 0, NULL);
        }
        break;
    }
    case POL_OP_OUTGET:
        add_read(ctx, t, POL_READ_OUTPUT, pc, &sp[-1], polX_str(p, p->outputs[ins->b].name), NULL, 0, NULL);
        break;
    case POL_OP_ROUTED:
        add_read(ctx, t, POL_READ_ROUTED, pc, &sp[-1], "routed", NULL, 0, NULL);
        break;
    case POL_OP_FINDCOUNT: {
        char name[32];
        snprintf(name, sizeof name, "findings(%s)", pol_finding_kind_name((pol_finding_kind)ins->a));
        add_read(ctx, t, POL_READ_FINDINGS, pc, &sp[-1], name, NULL, 0, NULL);
        break;
    }
    case POL_OP_EQ:
    case POL_OP_NE:
    case POL_OP_LT:
    case POL_OP_LE:
    case POL_OP_GT:
    case POL_OP_GE:
    case POL_OP_TESTK:
        note_test(ctx, t, pc);
        break;
    case POL_OP_ATTR:
        extend_read(ctx, t, pc, (uint32_t)ins->b, &sp[-1]);
        break;
    case POL_OP_ROUTE:
        t->fired = 1;
        t->value = ctx->routed;
        break;
    case POL_OP_FINDING:
        if (ctx->nfindings > 0) {
            const polX_finding *f = &ctx->findings[ctx->nfindings - 1];
            t->fired = 1;
            t->value = polX_string(f->message, f->length);
        }
        break;
    case POL_OP_STORE:
    case POL_OP_SETADD:
        /* an aggregate's update is the STORE (a distinct count's SETADD) just before the LOOP back to its
         * NEXT; the pass that skips it did not meet the aggregate's where */
        if (t->iteration >= 0 && pc + 1 < p->ncode && p->code[pc + 1].op == POL_OP_LOOP &&
            (uint32_t)p->code[pc + 1].b == t->outer_next)
            t->its[t->iteration].selected = 1;
        break;
    case POL_OP_NEXT:
        if (t->outer_local == POL_NONE) {
            t->outer_local = ins->a;
            t->outer_next = pc;
            t->loops_seen++;
        } else if (t->outer_local != ins->a || t->outer_next != pc) {
            break; /* a loop inside the rule's own: its reads belong to the current pass */
        }
        if (next == pc + 1) {
            new_iteration(ctx, t, &ctx->loops[ins->a]);
        } else {
            t->outer_local = POL_NONE;
            t->iteration = -1;
        }
        break;
    default:
        break;
    }
}

static void emit_event(pol_context *ctx, polX_tracer *t)
{
    const pol_program *prog = ctx->prog;
    const polP_program *p = prog->p;
    const polP_rule *rule = &p->rules[t->rule];
    pol_trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.rule = (int)t->rule;
    ev.kind = (pol_rule_kind)rule->kind;
    ev.clause = rule->clause == POL_NONE ? "" : polX_str(p, rule->clause);
    ev.line = (int)rule->line;
    ev.text = polX_str(p, rule->text);
    polX_value value = t->value;
    switch (rule->kind) {
    case POLP_RULE_LET: {
        const char *text = ev.text;
        size_t n = 0;
        if (strncmp(text, "let ", 4) == 0)
            text += 4;
        while (text[n] && text[n] != ' ' && text[n] != '=' && n + 1 < sizeof t->name)
            n++;
        memcpy(t->name, text, n);
        t->name[n] = '\0';
        ev.name = t->name;
        ev.fired = 1;
        if (t->local_of_let[t->rule] != POL_NONE)
            value = ctx->locals[t->local_of_let[t->rule]];
        break;
    }
    case POLP_RULE_OUTPUT:
        ev.fired = 1;
        if (rule->target < p->noutputs) {
            ev.name = polX_str(p, p->outputs[rule->target].name);
            value = ctx->outputs[rule->target];
        }
        break;
    case POLP_RULE_ROUTE:
        ev.fired = t->fired;
        if (rule->target < p->nentities)
            ev.name = polX_str(p, p->entities[rule->target].name);
        break;
    default:
        ev.fired = t->fired;
        break;
    }
    polX_value_public(p, &value, &ev.value);

    if (t->nreads > t->out_reads_cap) {
        if (polX_array_resize(prog->alloc, prog->ud, &t->out_reads, t->out_reads_cap, t->nreads,
                              sizeof(pol_trace_read)))
            t->out_reads_cap = t->nreads;
    }
    if (t->nits > t->out_its_cap) {
        if (polX_array_resize(prog->alloc, prog->ud, &t->out_its, t->out_its_cap, t->nits,
                              sizeof(pol_trace_iteration)))
            t->out_its_cap = t->nits;
    }
    size_t nreads = t->nreads <= t->out_reads_cap ? t->nreads : 0;
    size_t nits = t->nits <= t->out_its_cap ? t->nits : 0;
    for (size_t i = 0; i < nreads; i++) {
        const polX_read *r = &t->reads[i];
        pol_trace_read *o = &t->out_reads[i];
        o->kind = r->kind;
        o->name = t->text + r->name;
        o->iteration = nits ? r->iteration : -1;
        o->test = r->test == POL_NONE ? NULL : t->text + r->test;
        polX_value_public(p, &r->value, &o->value);
    }
    for (size_t i = 0; i < nits; i++) {
        const polX_iteration *it = &t->its[i];
        pol_trace_iteration *o = &t->out_its[i];
        o->loop = it->loop;
        o->item = it->item;
        o->list = it->list == POL_NONE ? NULL : polX_str(p, p->records[0].fields[prog->list_field[it->list]].name);
        o->selected = it->selected;
    }
    ev.nreads = nreads;
    ev.reads = nreads ? t->out_reads : NULL;
    ev.niterations = nits;
    ev.iterations = nits ? t->out_its : NULL;
    ev.dropped_reads = t->dropped + (t->nreads - nreads);
    t->fn(t->ud, &ev);
}

void polX_trace_step(pol_context *ctx, uint32_t prev_pc, uint32_t next_pc, const polX_value *sp)
{
    polX_tracer *t = ctx->trace;
    const polP_program *p = ctx->prog->p;
    if (!p->srcmap)
        return;
    if (prev_pc != POL_NONE && t->rule != POL_NONE)
        after(ctx, t, prev_pc, next_pc, sp);
    uint32_t rule = next_pc < p->ncode ? p->srcmap[next_pc].rule : POL_NONE;
    if (rule >= p->nrules)
        rule = POL_NONE;
    if (rule != t->rule) {
        if (t->rule != POL_NONE)
            emit_event(ctx, t);
        begin_rule(t, rule);
    }
}

void polX_trace_finish(pol_context *ctx)
{
    polX_tracer *t = ctx->trace;
    if (t->rule != POL_NONE)
        emit_event(ctx, t);
    begin_rule(t, POL_NONE);
}
