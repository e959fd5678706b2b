/* guard.c (emit): lets computed only when some rule will read them. A let is code at its own place in the
 * program, run for every record; but the notice's costly lets (years of continuing education for 中级, 高级,
 * 正高级) are each read by one rule, behind that rule's first test (`level == 中级 and 达标年数 < 4`). Such a
 * let is guarded by those first tests: when none holds, no rule reads it, so it is set to null instead of
 * computed. The guard must mean at the let what it means at the rule: it reads only record fields,
 * constants, `routed` and pure operations on them, never other lets, outputs or findings counts. */
#include "emitter.h"

#define MAX_GUARDS 4

typedef struct let_guard {
    int unguarded; /* some read is not behind a first test we can use */
    int nguards;
    const ast_node *guards[MAX_GUARDS];
} let_guard;

typedef struct guard_walk {
    const emitter *e;
    let_guard *lets;
    const ast_node *guard; /* the first test the current reads are behind, or NULL */
} guard_walk;

/* Whether n gives the same value wherever it is evaluated in one evaluation */
static int stable(const ast_node *n)
{
    if (!n)
        return 1;
    const check_sem *s = check_sem_of(n);
    if (s && s->is_const)
        return 1;
    switch (n->kind) {
    case AST_FINDINGS:
        return 0;
    case AST_IN: /* its list holds enum value names, not expressions */
        return stable(n->a);
    case AST_NAME:
        return s && (s->sym == SYM_FIELD || s->sym == SYM_VALUE || s->sym == SYM_LOOPVAR || s->sym == SYM_ELEMENT);
    default:
        break;
    }
    if (!stable(n->a) || !stable(n->b) || !stable(n->c))
        return 0;
    for (int i = 0; i < n->list.n; i++)
        if (!stable(n->list.items[i]))
            return 0;
    return 1;
}

static void add_guard(let_guard *g, const ast_node *guard)
{
    if (!guard) {
        g->unguarded = 1;
        return;
    }
    for (int i = 0; i < g->nguards; i++)
        if (g->guards[i] == guard)
            return;
    if (g->nguards == MAX_GUARDS)
        g->unguarded = 1;
    else
        g->guards[g->nguards++] = guard;
}

static void walk(guard_walk *w, const ast_node *n)
{
    if (!n)
        return;
    const check_sem *s = check_sem_of(n);
    if (n->kind == AST_NAME && s && s->sym == SYM_LET && !s->is_const)
        add_guard(&w->lets[s->index], w->guard);
    walk(w, n->a);
    walk(w, n->b);
    walk(w, n->c);
    for (int i = 0; i < n->list.n; i++)
        walk(w, n->list.items[i]);
}

static const ast_node *first_test(const ast_node *cond)
{
    while (cond->kind == AST_BINARY && cond->op == AST_OP_AND && !check_sem_of(cond)->is_const)
        cond = cond->a;
    return cond;
}

/* A top-level finding: reads in its first test are unguarded; the rest of the condition and the message
 * run only when the first test held. */
static void walk_finding(guard_walk *w, const ast_node *n)
{
    const ast_node *first = first_test(n->a);
    const ast_node *guard = stable(first) ? first : NULL;
    w->guard = NULL;
    walk(w, first);
    w->guard = guard;
    for (const ast_node *c = n->a; c != first; c = c->a) /* the and-chain's right operands */
        walk(w, c->b);
    walk(w, n->b);
    w->guard = NULL;
}

let_guard *emit_let_guards(emitter *e)
{
    check_result *r = e->r;
    guard_walk w = {e, ast_alloc(r->tree, ((size_t)r->nlets + 1) * sizeof *w.lets), NULL};
    for (uint32_t i = 0; i <= r->nlets; i++)
        w.lets[i] = (let_guard){0};
    for (uint32_t i = 0; i < r->nitems; i++) {
        const ast_node *n = r->items[i].node;
        if (n->kind == AST_FINDING)
            walk_finding(&w, n);
        else
            walk(&w, n);
    }
    for (uint32_t i = 0; i < r->noutput_items; i++)
        walk(&w, r->output_items[i].node);
    for (uint32_t i = 0; i < r->nroutes; i++)
        walk(&w, r->routes[i].node);
    return w.lets;
}

void emit_let(emitter *e, const ast_node *n, const let_guard *guards)
{
    uint32_t local = check_sem_of(n)->index;
    const let_guard *g = &guards[local];
    if (g->unguarded || g->nguards == 0) { /* read unguarded, or not at all (then computed as written) */
        emit_expr(e, n->a);
        emit_op(e, POL_OP_STORE, local, 0);
        return;
    }
    uint32_t needed = EMIT_NO_JUMPS;
    for (int i = 0; i < g->nguards; i++)
        emit_jump_if_true(e, g->guards[i], &needed);
    emit_scalar(e, POL_T_NULL, 0);
    emit_op(e, POL_OP_STORE, local, 0);
    uint32_t done = emit_op(e, POL_OP_JUMP, 0, 0);
    emit_patch_chain_here(e, needed);
    emit_expr(e, n->a);
    emit_op(e, POL_OP_STORE, local, 0);
    emit_patch_here(e, done);
}
