/* aggregate.c (emit): count / any / all / sum as bounded loops, and shapes the notice uses often that run
 * without the loop as written:
 *   count(y in lo .. hi), count(x in L)                           → RANGELEN, LISTLEN: no loop at all;
 *   count(y in lo .. hi where any(e in L where e.f == y and P))   → one pass over L collecting the distinct
 *       e.f in lo..hi whose element satisfies P (with y read as e.f): entries + years instead of years x
 *       entries. It is the same number: a year is counted when some element has that year and satisfies P. */
#include "emitter.h"

static const check_loop *loop_of(const emitter *e, const ast_node *agg)
{
    return &e->r->loops[check_sem_of(agg)->index];
}

/* The conjuncts of an and-chain, left to right (at most max; returns how many, or max + 1 when more) */
static int conjuncts(const ast_node *n, const ast_node **out, int max, int count)
{
    if (n->kind == AST_BINARY && n->op == AST_OP_AND && !check_sem_of(n)->is_const) {
        count = conjuncts(n->a, out, max, count);
        return count > max ? count : conjuncts(n->b, out, max, count);
    }
    if (count < max)
        out[count] = n;
    return count + 1;
}

/* Whether n is `e.f == y` (either way round): f an integer field of list loop `list`, y range loop `range`'s
 * variable; *field gets f. */
static int is_key_test(const ast_node *n, uint32_t list, uint32_t range, uint32_t *field)
{
    if (n->kind != AST_BINARY || n->op != AST_OP_EQ || check_sem_of(n)->is_const)
        return 0;
    for (int side = 0; side < 2; side++) {
        const ast_node *elem = side ? n->b : n->a, *var = side ? n->a : n->b;
        const check_sem *es = check_sem_of(elem), *vs = check_sem_of(var);
        if (elem->kind == AST_MEMBER && es->sym == SYM_ELEMFIELD && es->index == list && !es->is_const &&
            es->type.kind == POL_T_INT && var->kind == AST_NAME && vs->sym == SYM_LOOPVAR && vs->index == range &&
            !vs->is_const) {
            *field = es->index2;
            return 1;
        }
    }
    return 0;
}

#define MAX_CONJUNCTS 16

/* count(y in lo..hi where any(e in L where ... e.f == y ...)) as a set of distinct e.f; 0 when n is not of
 * that shape (then the caller emits the loops as written). */
static int emit_distinct_count(emitter *e, const ast_node *n)
{
    const ast_node *inner = n->b;
    if (n->op != AST_AGG_COUNT || !loop_of(e, n)->is_range || !inner || inner->kind != AST_AGG ||
        inner->op != AST_AGG_ANY || loop_of(e, inner)->is_range || !inner->b || e->subst_loop != UINT32_MAX)
        return 0;
    uint32_t range = check_sem_of(n)->index, list = check_sem_of(inner)->index, field = 0;
    const ast_node *parts[MAX_CONJUNCTS];
    int nparts = conjuncts(inner->b, parts, MAX_CONJUNCTS, 0), key = -1;
    if (nparts > MAX_CONJUNCTS)
        return 0;
    for (int i = 0; i < nparts && key < 0; i++)
        if (is_key_test(parts[i], list, range, &field))
            key = i;
    if (key < 0)
        return 0;

    uint32_t mark = e->locals_used;
    uint32_t set = emit_local(e);
    emit_expr(e, n->a->a);
    emit_expr(e, n->a->b);
    emit_op(e, POL_OP_SETNEW, set, 0);
    uint32_t next = emit_loop_start(e, inner->a, list);
    uint32_t it = e->loop_local[list], skip = EMIT_NO_JUMPS;
    emit_op(e, POL_OP_ELEM, it, (int32_t)field);
    emit_op(e, POL_OP_SETIN, set, 0);
    uint32_t out_of_range = emit_op(e, POL_OP_JUMPF, 0, (int32_t)EMIT_NO_JUMPS);
    skip = out_of_range;
    e->subst_loop = range;
    e->subst_local = it;
    e->subst_field = field;
    for (int i = 0; i < nparts; i++)
        if (i != key)
            emit_jump_if_false(e, parts[i], &skip);
    e->subst_loop = UINT32_MAX;
    emit_op(e, POL_OP_ELEM, it, (int32_t)field);
    emit_op(e, POL_OP_SETADD, set, 0);
    emit_patch_chain_here(e, skip);
    emit_op(e, POL_OP_LOOP, 0, (int32_t)next);
    emit_patch_here(e, next);
    emit_op(e, POL_OP_SETCOUNT, set, 0);
    e->locals_used = mark;
    return 1;
}

void emit_aggregate(emitter *e, const ast_node *n)
{
    if (n->op == AST_AGG_COUNT && !n->b) {
        const check_loop *l = loop_of(e, n);
        if (l->is_range) {
            emit_expr(e, n->a->a);
            emit_expr(e, n->a->b);
            emit_op(e, POL_OP_RANGELEN, 0, 0);
        } else {
            emit_op(e, POL_OP_LISTLEN, 0, (int32_t)l->list_field);
        }
        return;
    }
    if (emit_distinct_count(e, n))
        return;
    uint32_t mark = e->locals_used;
    uint32_t acc = emit_local(e);
    switch (n->op) {
    case AST_AGG_ANY: emit_scalar(e, POL_T_BOOL, 0); break;
    case AST_AGG_ALL: emit_scalar(e, POL_T_BOOL, 1); break;
    default: emit_scalar(e, POL_T_INT, 0); break;
    }
    emit_op(e, POL_OP_STORE, acc, 0);
    uint32_t next = emit_loop_start(e, n->a, check_sem_of(n)->index);
    uint32_t skip = EMIT_NO_JUMPS;
    if (n->b) {
        if (n->op == AST_AGG_ALL)
            emit_jump_if_true(e, n->b, &skip);
        else
            emit_jump_if_false(e, n->b, &skip);
    }
    switch (n->op) {
    case AST_AGG_COUNT:
        emit_op(e, POL_OP_LOAD, acc, 0);
        emit_scalar(e, POL_T_INT, 1);
        emit_op(e, POL_OP_ADD, 0, 0);
        break;
    case AST_AGG_ANY:
        emit_scalar(e, POL_T_BOOL, 1);
        break;
    case AST_AGG_ALL:
        emit_scalar(e, POL_T_BOOL, 0);
        break;
    case AST_AGG_SUM:
        emit_op(e, POL_OP_LOAD, acc, 0);
        emit_expr(e, n->c);
        emit_op(e, POL_OP_ADD, 0, 0);
        break;
    }
    emit_op(e, POL_OP_STORE, acc, 0);
    emit_patch_chain_here(e, skip);
    emit_op(e, POL_OP_LOOP, 0, (int32_t)next);
    emit_patch_here(e, next);
    emit_op(e, POL_OP_LOAD, acc, 0);
    e->locals_used = mark;
}
