/* cond.c (emit): conditions as jumping code. A condition that only decides where to go (a finding's when, an
 * if, an aggregate's where, the left of and/or) needs no true/false value on the stack: `a and b` becomes
 * "test a, jump out if false; test b, jump out if false", so no constant is pushed and no join is made; and a
 * comparison with a constant (`level == 中级`, `e.hours >= 14`) is one TESTK. */
#include <stdint.h>

#include "emitter.h"

void emit_patch_chain_here(emitter *e, uint32_t chain)
{
    while (chain != EMIT_NO_JUMPS) {
        uint32_t next = (uint32_t)e->p->code[chain].b;
        emit_patch_here(e, chain);
        chain = next;
    }
}

static void add_jump(emitter *e, pol_opcode op, uint32_t *chain)
{
    uint32_t at = emit_op(e, op, 0, 0);
    e->p->code[at].b = (int32_t)*chain;
    *chain = at;
}

/* Whether n can never be null: then `not n` is false exactly when n is true, and the test can be flipped
 * instead of computed (not null is null, which counts as false). */
static int never_null(const emitter *e, const ast_node *n)
{
    const check_sem *s = check_sem_of(n);
    if (s->is_const)
        return s->value.kind != POL_T_NULL;
    switch (n->kind) {
    case AST_BINARY:
        switch (n->op) {
        case AST_OP_EQ:
        case AST_OP_NE:
        case AST_OP_LT:
        case AST_OP_LE:
        case AST_OP_GT:
        case AST_OP_GE:
            return 1;
        case AST_OP_AND:
        case AST_OP_OR:
            return never_null(e, n->b); /* a decides with a bool, or b's value is the result */
        default:
            return 0;
        }
    case AST_IN:
        return 1;
    case AST_UNARY:
        return n->op == AST_OP_NOT && never_null(e, n->a);
    case AST_AGG:
        return n->op != AST_AGG_SUM;
    case AST_NAME:
        if (s->sym == SYM_FIELD) {
            const polP_field *f = &e->p->records[0].fields[s->index];
            return f->required || f->def.kind != POL_T_NULL;
        }
        return 0;
    default:
        return 0;
    }
}

/* A comparison with a constant on one side, as one TESTK: x is emitted, then the test and the jump, instead
 * of CONST, the comparison and JUMPF/JUMPT. when_true: jump when the comparison holds. 0 when n is not such
 * a comparison. */
static int emit_test_const(emitter *e, const ast_node *n, int when_true, uint32_t *chain)
{
    static const int mirrored[] = {0, 1, 4, 5, 2, 3}; /* k < x is x > k */
    if (n->kind != AST_BINARY || n->op < AST_OP_EQ || n->op > AST_OP_GE)
        return 0;
    int cmp = n->op - AST_OP_EQ, const_left = check_sem_of(n->a)->is_const;
    const ast_node *x = const_left ? n->b : n->a, *k = const_left ? n->a : n->b;
    if (!check_sem_of(k)->is_const || check_sem_of(x)->is_const)
        return 0;
    uint32_t index = emit_const(e, check_sem_of(k)->value);
    if (index > UINT16_MAX)
        return 0; /* c holds 16 bits: beyond that, CONST and the comparison */
    emit_expr(e, x);
    uint32_t at = emit_op(e, POL_OP_TESTK, (uint32_t)(const_left ? mirrored[cmp] : cmp) | (when_true ? 8u : 0u),
                          (int32_t)*chain);
    e->p->code[at].c = (uint16_t)index;
    *chain = at;
    return 1;
}

static int is_not(const ast_node *n) { return n->kind == AST_UNARY && n->op == AST_OP_NOT; }

static int is_logic(const ast_node *n, int op) { return n->kind == AST_BINARY && n->op == op; }

void emit_jump_if_false(emitter *e, const ast_node *n, uint32_t *chain)
{
    const check_sem *s = check_sem_of(n);
    if (s->is_const) {
        if (!(s->value.kind == POL_T_BOOL && s->value.u.i))
            add_jump(e, POL_OP_JUMP, chain);
    } else if (is_logic(n, AST_OP_AND)) {
        emit_jump_if_false(e, n->a, chain);
        emit_jump_if_false(e, n->b, chain);
    } else if (is_logic(n, AST_OP_OR)) {
        uint32_t decided = EMIT_NO_JUMPS;
        emit_jump_if_true(e, n->a, &decided);
        emit_jump_if_false(e, n->b, chain);
        emit_patch_chain_here(e, decided);
    } else if (is_not(n) && never_null(e, n->a)) {
        emit_jump_if_true(e, n->a, chain);
    } else if (!emit_test_const(e, n, 0, chain)) {
        emit_expr(e, n);
        add_jump(e, POL_OP_JUMPF, chain);
    }
}

void emit_jump_if_true(emitter *e, const ast_node *n, uint32_t *chain)
{
    const check_sem *s = check_sem_of(n);
    if (s->is_const) {
        if (s->value.kind == POL_T_BOOL && s->value.u.i)
            add_jump(e, POL_OP_JUMP, chain);
    } else if (is_logic(n, AST_OP_OR)) {
        emit_jump_if_true(e, n->a, chain);
        emit_jump_if_true(e, n->b, chain);
    } else if (is_logic(n, AST_OP_AND)) {
        uint32_t decided = EMIT_NO_JUMPS;
        emit_jump_if_false(e, n->a, &decided);
        emit_jump_if_true(e, n->b, chain);
        emit_patch_chain_here(e, decided);
    } else if (is_not(n) && never_null(e, n->a)) {
        emit_jump_if_false(e, n->a, chain);
    } else if (!emit_test_const(e, n, 1, chain)) {
        emit_expr(e, n);
        add_jump(e, POL_OP_JUMPT, chain);
    }
}
