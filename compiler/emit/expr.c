/* expr.c (emit): code for expressions. Every expression leaves exactly one value on the stack. */
#include <string.h>

#include "emitter.h"

static void emit_value(emitter *e, polP_const value) { emit_op(e, POL_OP_CONST, 0, (int32_t)emit_const(e, value)); }

static void emit_null(emitter *e) { emit_scalar(e, POL_T_NULL, 0); }

/* a and b / a or b as a value, short-circuit: the result is the deciding operand's truth */
static void emit_logic(emitter *e, const ast_node *n)
{
    int is_and = n->op == AST_OP_AND;
    uint32_t decided = EMIT_NO_JUMPS;
    if (is_and)
        emit_jump_if_false(e, n->a, &decided);
    else
        emit_jump_if_true(e, n->a, &decided);
    emit_expr(e, n->b);
    uint32_t done = emit_op(e, POL_OP_JUMP, 0, 0);
    emit_patch_chain_here(e, decided);
    e->depth--; /* the other path arrives without b's value */
    emit_scalar(e, POL_T_BOOL, !is_and);
    emit_patch_here(e, done);
}

static void emit_binary(emitter *e, const ast_node *n)
{
    static const pol_opcode ops[] = {
        [AST_OP_EQ] = POL_OP_EQ,   [AST_OP_NE] = POL_OP_NE,   [AST_OP_LT] = POL_OP_LT,   [AST_OP_LE] = POL_OP_LE,
        [AST_OP_GT] = POL_OP_GT,   [AST_OP_GE] = POL_OP_GE,   [AST_OP_ADD] = POL_OP_ADD, [AST_OP_SUB] = POL_OP_SUB,
        [AST_OP_MUL] = POL_OP_MUL, [AST_OP_DIV] = POL_OP_DIV,
    };
    switch (n->op) {
    case AST_OP_AND:
    case AST_OP_OR:
        emit_logic(e, n);
        return;
    case AST_OP_COALESCE: {
        emit_expr(e, n->a);
        uint32_t have = emit_op(e, POL_OP_JUMPNN, 0, 0);
        emit_expr(e, n->b);
        emit_patch_here(e, have);
        return;
    }
    case AST_OP_ADD:
    case AST_OP_SUB:
        if (check_sem_of(n->b)->type.kind == CHECK_KIND_YEARS) {
            emit_expr(e, n->a);
            emit_expr(e, n->b);
            if (n->op == AST_OP_SUB)
                emit_op(e, POL_OP_NEG, 0, 0);
            emit_op(e, POL_OP_ADDYEARS, 0, 0);
            return;
        }
        break;
    default:
        break;
    }
    emit_expr(e, n->a);
    emit_expr(e, n->b);
    emit_op(e, ops[n->op], 0, 0);
}

static void emit_if(emitter *e, const ast_node *n)
{
    uint32_t otherwise = EMIT_NO_JUMPS;
    emit_jump_if_false(e, n->a, &otherwise);
    emit_expr(e, n->b);
    uint32_t done = emit_op(e, POL_OP_JUMP, 0, 0);
    emit_patch_chain_here(e, otherwise);
    e->depth--;
    emit_expr(e, n->c);
    emit_patch_here(e, done);
}

static void emit_match(emitter *e, const ast_node *n)
{
    const check_match *m = &e->r->matches[check_sem_of(n)->aux];
    emit_expr(e, n->a);
    uint32_t table = emit_table(e, m->nvalues);
    emit_op(e, POL_OP_SWITCH, 0, (int32_t)table);
    uint32_t narms = (uint32_t)n->list.n;
    uint32_t *arm_at = ast_alloc(e->r->tree, (narms + 1) * sizeof *arm_at);
    uint32_t *exits = ast_alloc(e->r->tree, (narms + 2) * sizeof *exits), nexits = 0;
    for (uint32_t i = 0; i < narms; i++) {
        arm_at[i] = emit_here(e);
        emit_expr(e, n->list.items[i]->a);
        exits[nexits++] = emit_op(e, POL_OP_JUMP, 0, 0);
        e->depth--;
    }
    uint32_t default_at = emit_here(e);
    if (n->b)
        emit_expr(e, n->b);
    else
        emit_null(e); /* only a null scrutinee gets here: every value has an arm */
    for (uint32_t i = 0; i < nexits; i++)
        emit_patch_here(e, exits[i]);
    polP_table *t = &e->p->tables[table];
    t->dflt = default_at;
    for (uint32_t v = 0; v < m->nvalues; v++)
        t->entries[v] = m->arm_of_value[v] >= 0 ? arm_at[m->arm_of_value[v]] : default_at;
}

static void emit_string(emitter *e, const ast_node *n)
{
    uint32_t pending = 0;
    for (int i = 0; i < n->list.n; i++) {
        const ast_node *part = n->list.items[i];
        if (part->kind == AST_TEXT) {
            if (!part->str[0])
                continue;
            polP_const c;
            memset(&c, 0, sizeof c);
            c.kind = POL_T_STRING;
            c.ref = check_intern(e->r, part->str, strlen(part->str));
            emit_value(e, c);
        } else {
            emit_expr(e, part);
        }
        if (++pending == 255) { /* FORMAT joins at most 255 values; fold and go on */
            emit_op(e, POL_OP_FORMAT, pending, 0);
            pending = 1;
        }
    }
    emit_op(e, POL_OP_FORMAT, pending, 0);
}

static void emit_call(emitter *e, const ast_node *n)
{
    for (int i = 0; i < n->list.n; i++)
        emit_expr(e, n->list.items[i]);
    if (strcmp(n->name, "year") == 0)
        emit_op(e, POL_OP_YEAR, 0, 0);
    else if (strcmp(n->name, "years_between") == 0)
        emit_op(e, POL_OP_YEARSBETWEEN, 0, 0);
    else if (strcmp(n->name, "min") == 0)
        emit_op(e, POL_OP_MIN, 0, 0);
    else
        emit_op(e, POL_OP_MAX, 0, 0);
}

void emit_expr(emitter *e, const ast_node *n)
{
    const check_sem *s = check_sem_of(n);
    if (s->is_const) {
        emit_value(e, s->value);
        return;
    }
    switch (n->kind) {
    case AST_NAME:
        switch (s->sym) {
        case SYM_LOOPVAR:
            if (s->index == e->subst_loop) /* aggregate.c's distinct count: y is the element's key */
                emit_op(e, POL_OP_ELEM, e->subst_local, (int32_t)e->subst_field);
            else
                emit_op(e, POL_OP_ITEM, e->loop_local[s->index], 0);
            return;
        case SYM_LET: emit_op(e, POL_OP_LOAD, s->index, 0); return;
        case SYM_OUTPUT: emit_op(e, POL_OP_OUTGET, 0, (int32_t)s->index); return;
        case SYM_FIELD: emit_op(e, POL_OP_FIELD, 0, (int32_t)s->index); return;
        default: emit_null(e); return;
        }
    case AST_MEMBER:
        if (s->sym == SYM_ELEMFIELD) {
            emit_op(e, POL_OP_ELEM, e->loop_local[s->index], (int32_t)s->index2);
            return;
        }
        emit_expr(e, n->a);
        emit_op(e, POL_OP_ATTR, 0, (int32_t)s->index);
        return;
    case AST_STRING: emit_string(e, n); return;
    case AST_UNARY:
        emit_expr(e, n->a);
        emit_op(e, n->op == AST_OP_NOT ? POL_OP_NOT : POL_OP_NEG, 0, 0);
        return;
    case AST_BINARY: emit_binary(e, n); return;
    case AST_IN:
        emit_expr(e, n->a);
        emit_op(e, POL_OP_INSET, 0, (int32_t)s->aux);
        if (n->op)
            emit_op(e, POL_OP_NOT, 0, 0);
        return;
    case AST_IF: emit_if(e, n); return;
    case AST_MATCH: emit_match(e, n); return;
    case AST_AGG: emit_aggregate(e, n); return;
    case AST_CALL: emit_call(e, n); return;
    case AST_YEARS: emit_expr(e, n->a); return;
    case AST_AT:
        emit_expr(e, n->a);
        emit_op(e, POL_OP_AT, 0, (int32_t)n->ival);
        return;
    case AST_ROUTED: emit_op(e, POL_OP_ROUTED, 0, 0); return;
    case AST_FINDINGS: emit_op(e, POL_OP_FINDCOUNT, (uint32_t)n->op, 0); return;
    default: emit_null(e); return;
    }
}
