/* emit.c: the code generator's driver and primitives: routing first, then lets and findings in source order,
 * then outputs, then HALT. */
#include <stdio.h>
#include <string.h>

#include "emit.h"
#include "emitter.h"

uint32_t emit_here(const emitter *e) { return e->p->ncode; }

uint32_t emit_op(emitter *e, pol_opcode op, uint32_t a, int32_t b)
{
    polP_program *p = e->p;
    if (p->ncode + 1 > e->code_cap) {
        uint32_t cap = e->code_cap;
        p->code = check_grow(e->r, p->code, &cap, p->ncode + 1, sizeof *p->code);
        cap = e->code_cap;
        p->srcmap = check_grow(e->r, p->srcmap, &cap, p->ncode + 1, sizeof *p->srcmap);
        e->code_cap = cap;
    }
    uint32_t at = p->ncode++;
    memset(&p->code[at], 0, sizeof p->code[at]);
    p->code[at].op = (uint8_t)op;
    p->code[at].a = (uint8_t)a;
    p->code[at].b = b;
    p->srcmap[at].line = e->line;
    p->srcmap[at].rule = e->rule;
    const pol_opcode_info *info = &polO_info[op];
    e->depth -= info->pops < 0 ? (int)a : info->pops;
    e->depth += info->pushes;
    if (op == POL_OP_JUMPNN) /* on the path that falls through, the null was popped */
        e->depth--;
    if (e->depth > e->max_depth)
        e->max_depth = e->depth;
    return at;
}

void emit_patch_here(emitter *e, uint32_t at) { e->p->code[at].b = (int32_t)e->p->ncode; }

uint32_t emit_const(emitter *e, polP_const value)
{
    polP_const key;
    memset(&key, 0, sizeof key); /* no stray bytes: the key is the constant's bytes */
    key.kind = value.kind;
    key.has_time = value.kind == POL_T_DATE ? value.has_time : 0;
    key.ref = value.ref;
    if (value.kind == POL_T_NUMBER)
        key.u.d = value.u.d;
    else if (value.kind != POL_T_NULL)
        key.u.i = value.u.i;
    uint32_t index;
    if (strmap_get(&e->const_index, (const char *)&key, sizeof key, &index))
        return index;
    polP_program *p = e->p;
    p->consts = check_grow(e->r, p->consts, &e->consts_cap, p->nconsts + 1, sizeof *p->consts);
    index = p->nconsts++;
    p->consts[index] = key;
    strmap_put(&e->const_index, (const char *)&p->consts[index], sizeof key, index);
    return index;
}

void emit_scalar(emitter *e, pol_type kind, int64_t value)
{
    polP_const c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    c.u.i = value;
    emit_op(e, POL_OP_CONST, 0, (int32_t)emit_const(e, c));
}

uint32_t emit_table(emitter *e, uint32_t nentries)
{
    polP_program *p = e->p;
    p->tables = check_grow(e->r, p->tables, &e->tables_cap, p->ntables + 1, sizeof *p->tables);
    polP_table *t = &p->tables[p->ntables];
    t->nentries = nentries;
    t->dflt = 0;
    t->entries = ast_alloc(e->r->tree, ((size_t)nentries + 1) * sizeof *t->entries);
    return p->ntables++;
}

uint32_t emit_local(emitter *e)
{
    uint32_t slot = e->locals_used++;
    if (e->locals_used > e->locals_max)
        e->locals_max = e->locals_used;
    return slot;
}

static void at_rule(emitter *e, const ast_node *n, uint32_t rule)
{
    e->line = (uint32_t)n->loc.line;
    e->rule = rule;
}

static void emit_finding(emitter *e, const ast_node *n)
{
    uint32_t rule = check_sem_of(n)->index;
    at_rule(e, n, rule);
    uint32_t skip = EMIT_NO_JUMPS;
    emit_jump_if_false(e, n->a, &skip);
    emit_expr(e, n->b);
    emit_op(e, POL_OP_FINDING, 0, (int32_t)rule);
    emit_patch_chain_here(e, skip);
}

uint32_t emit_loop_start(emitter *e, const ast_node *source, uint32_t loop)
{
    const check_loop *l = &e->r->loops[loop];
    uint32_t it = emit_local(e);
    e->loop_local[loop] = it;
    if (l->is_range) {
        emit_expr(e, source->a);
        emit_expr(e, source->b);
        emit_op(e, POL_OP_ITERRANGE, it, 0);
    } else {
        emit_op(e, POL_OP_ITERLIST, it, (int32_t)l->list_field);
    }
    return emit_op(e, POL_OP_NEXT, it, 0);
}

static void emit_foreach(emitter *e, const ast_node *n)
{
    uint32_t mark = e->locals_used;
    uint32_t line = (uint32_t)n->loc.line;
    e->line = line;
    e->rule = POL_NONE;
    uint32_t next = emit_loop_start(e, n->a, check_sem_of(n)->index);
    for (int i = 0; i < n->list.n; i++) {
        const ast_node *item = n->list.items[i];
        if (item->kind == AST_FINDING)
            emit_finding(e, item);
        else
            emit_foreach(e, item);
    }
    e->line = line;
    e->rule = POL_NONE;
    emit_op(e, POL_OP_LOOP, 0, (int32_t)next);
    emit_patch_here(e, next);
    e->locals_used = mark;
}

polP_program *emit_program(check_result *r, const uint8_t source_sha256[32])
{
    emitter e;
    memset(&e, 0, sizeof e);
    e.r = r;
    e.p = r->prog;
    strmap_init(&e.const_index);
    e.loop_local = ast_alloc(r->tree, ((size_t)r->nloops + 1) * sizeof *e.loop_local);
    e.locals_used = e.locals_max = r->nlets;
    e.rule = POL_NONE;
    e.subst_loop = UINT32_MAX;
    polP_program *p = r->prog;
    p->compiler_version = check_intern(r, "polc " POL_VERSION_STRING, strlen("polc " POL_VERSION_STRING));
    memcpy(p->source_sha256, source_sha256, 32);

    const let_guard *guards = emit_let_guards(&e);
    if (r->has_routing && r->nroutes)
        emit_routing(&e);
    for (uint32_t i = 0; i < r->nitems; i++) {
        const ast_node *n = r->items[i].node;
        switch (n->kind) {
        case AST_LET:
            at_rule(&e, n, r->items[i].rule);
            emit_let(&e, n, guards);
            break;
        case AST_FINDING:
            emit_finding(&e, n);
            break;
        case AST_FOREACH:
            emit_foreach(&e, n);
            break;
        default:
            break;
        }
    }
    for (uint32_t i = 0; i < r->noutput_items; i++) {
        const ast_node *n = r->output_items[i].node;
        at_rule(&e, n, r->output_items[i].rule);
        emit_expr(&e, n->b);
        emit_op(&e, POL_OP_OUTSET, 0, (int32_t)check_sem_of(n)->index);
    }
    e.line = 0;
    e.rule = POL_NONE;
    emit_op(&e, POL_OP_HALT, 0, 0);
    emit_thread_jumps(&e);
    p->nlocals = e.locals_max;
    p->max_stack = (uint32_t)e.max_depth;
    strmap_free(&e.const_index);
    return p;
}
