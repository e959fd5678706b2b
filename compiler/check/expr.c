/* expr.c: name resolution and typing of expressions, with constant folding for literals and constants. */
#include <stdio.h>

#include "date.h"
#include "internal.h"

static const char *const builtins[] = {"year", "years_between", "min", "max"};

static check_sem *fail(check_result *r, ast_node *n)
{
    check_sem *s = check_sem_new(r, n);
    s->type = check_type_make(POL_T_NULL, 0, 1);
    s->sym = SYM_NONE;
    return s;
}

static int is_error(const check_sem *s) { return s->sym == SYM_NONE && s->type.kind == POL_T_NULL && !s->is_const; }

static int is_numeric(polP_type t) { return t.kind == POL_T_INT || t.kind == POL_T_NUMBER; }

static const char *tname(const check_result *r, polP_type t, char *buf) { return check_type_name(r, t, buf, 128); }

static void set_const(check_sem *s, polP_type type, polP_const value)
{
    s->type = type;
    s->sym = SYM_VALUE;
    s->is_const = 1;
    s->value = value;
}

static polP_const make_const(int kind, uint32_t ref)
{
    polP_const c;
    memset(&c, 0, sizeof c);
    c.kind = (uint8_t)kind;
    c.ref = ref;
    return c;
}

/* ---- names ----------------------------------------------------------------------------------------------- */

static const check_scope *find_scope(const check_env *env, const char *name)
{
    for (const check_scope *s = env->scope; s; s = s->outer)
        if (strcmp(s->name, name) == 0)
            return s;
    return NULL;
}

/* Which enums have a value of this name: returns how many, the first in *which */
static int enums_with_value(const check_result *r, const char *name, uint32_t *which)
{
    int found = 0;
    for (uint32_t i = 0; i < r->prog->nenums; i++)
        if (check_enum_value(r, i, name) >= 0) {
            if (!found)
                *which = i;
            found++;
        }
    return found;
}

/* True when the name is not a variable, field, constant or entity (so it can only be an enum value) */
static int only_enum_value(const check_result *r, const ast_node *n, const check_env *env)
{
    if (n->kind != AST_NAME)
        return 0;
    size_t len = strlen(n->name);
    uint32_t index;
    return !find_scope(env, n->name) && !strmap_get(&r->let_names, n->name, len, &index) &&
           !strmap_get(&r->output_names, n->name, len, &index) &&
           !strmap_get(&r->field_names[0], n->name, len, &index) && !strmap_get(&r->const_names, n->name, len, &index) &&
           !strmap_get(&r->entity_names, n->name, len, &index);
}

static void unknown_name(check_result *r, ast_node *n, const check_env *env)
{
    const polP_program *p = r->prog;
    size_t cap = 16 + p->nenums * 16 + p->records[0].nfields + p->nentities + r->nconst_decls + r->nlets +
                 p->noutputs;
    for (uint32_t i = 0; i < p->nenums; i++)
        cap += p->enums[i].nvalues;
    const char **names = ast_alloc(r->tree, cap * sizeof *names);
    size_t k = 0;
    for (const check_scope *s = env->scope; s; s = s->outer)
        if (k < cap)
            names[k++] = s->name;
    /* while the applicant's own defaults are checked, its fields are counted but not yet stored */
    for (uint32_t i = 0; p->records[0].fields && i < p->records[0].nfields && k < cap; i++)
        names[k++] = check_str(r, p->records[0].fields[i].name);
    for (uint32_t i = 0; i < p->nentities && k < cap; i++)
        names[k++] = check_str(r, p->entities[i].name);
    for (uint32_t i = 0; i < p->nenums; i++)
        for (uint32_t v = 0; v < p->enums[i].nvalues && k < cap; v++)
            names[k++] = check_str(r, p->enums[i].values[v]);
    for (size_t i = 0; i < r->let_names.cap; i++)
        if (r->let_names.slots[i].key && k < cap)
            names[k++] = r->let_names.slots[i].key;
    for (size_t i = 0; i < r->const_names.cap; i++)
        if (r->const_names.slots[i].key && k < cap)
            names[k++] = r->const_names.slots[i].key;
    for (uint32_t i = 0; i < env->outputs_visible && i < p->noutputs && k < cap; i++)
        names[k++] = check_str(r, p->outputs[i].name);
    check_unknown(r, n->loc, "name", n->name, names, k);
}

static check_sem *check_name(check_result *r, ast_node *n, const check_env *env, const polP_type *expected)
{
    check_sem *s = check_sem_new(r, n);
    size_t len = strlen(n->name);
    uint32_t index, which;
    const check_scope *scope;
    int runtime_ok = env->where != WHERE_CONST;

    /* an enum value of the expected enum wins over everything but local variables */
    if (expected && expected->kind == POL_T_ENUM && !find_scope(env, n->name)) {
        int v = check_enum_value(r, expected->ref, n->name);
        if (v >= 0) {
            polP_const c = make_const(POL_T_ENUM, expected->ref);
            c.u.i = v;
            set_const(s, check_type_make(POL_T_ENUM, expected->ref, 0), c);
            return s;
        }
    }
    if (runtime_ok && (scope = find_scope(env, n->name))) {
        const check_loop *loop = &r->loops[scope->loop];
        s->index = scope->loop;
        if (loop->is_range) {
            s->sym = SYM_LOOPVAR;
            s->type = check_type_make(POL_T_INT, 0, 0);
        } else {
            s->sym = SYM_ELEMENT;
            s->type = check_type_make(POL_T_LIST, loop->record, 0);
        }
        return s;
    }
    if (runtime_ok && env->where != WHERE_ROUTE && strmap_get(&r->let_names, n->name, len, &index)) {
        s->sym = SYM_LET;
        s->index = index;
        s->type = r->let_types[index];
        return s;
    }
    if (env->where == WHERE_OUTPUT && strmap_get(&r->output_names, n->name, len, &index) &&
        index < env->outputs_visible) {
        s->sym = SYM_OUTPUT;
        s->index = index;
        s->type = r->prog->outputs[index].type;
        return s;
    }
    if (runtime_ok && strmap_get(&r->field_names[0], n->name, len, &index)) {
        s->sym = SYM_FIELD;
        s->index = index;
        s->type = r->prog->records[0].fields[index].type;
        /* a field with a default is never null at evaluation time */
        if (r->prog->records[0].fields[index].def.kind != POL_T_NULL)
            s->type.nullable = 0;
        return s;
    }
    if (strmap_get(&r->const_names, n->name, len, &index)) {
        set_const(s, r->const_types[index], r->const_values[index]);
        return s;
    }
    if (strmap_get(&r->entity_names, n->name, len, &index)) {
        uint32_t type = r->prog->entities[index].type;
        if (type == POL_NONE)
            return fail(r, n);
        polP_const c = make_const(POL_T_ENTITY, type);
        c.u.i = index;
        set_const(s, check_type_make(POL_T_ENTITY, type, 0), c);
        return s;
    }
    int count = enums_with_value(r, n->name, &which);
    if (count == 1) {
        polP_const c = make_const(POL_T_ENUM, which);
        c.u.i = check_enum_value(r, which, n->name);
        set_const(s, check_type_make(POL_T_ENUM, which, 0), c);
        return s;
    }
    if (count > 1) {
        diag_error(r->diag, n->loc, "'%s' is a value of more than one enum; compare it with a field to say which",
                   n->name);
        return fail(r, n);
    }
    if (!runtime_ok && (strmap_get(&r->field_names[0], n->name, len, &index) ||
                        strmap_get(&r->let_names, n->name, len, &index))) {
        diag_error(r->diag, n->loc, "'%s' is known only when a record is decided; a constant is needed here",
                   n->name);
        return fail(r, n);
    }
    if (env->where == WHERE_ROUTE && strmap_get(&r->let_names, n->name, len, &index)) {
        diag_error(r->diag, n->loc, "a route condition may use only record fields, not '%s'", n->name);
        return fail(r, n);
    }
    if (expected && expected->kind == POL_T_ENUM)
        check_unknown_enum_value(r, n->loc, expected->ref, n->name);
    else
        unknown_name(r, n, env);
    return fail(r, n);
}

static check_sem *check_member(check_result *r, ast_node *n, const check_env *env)
{
    check_sem *base = check_expr(r, n->a, env, NULL);
    check_sem *s;
    uint32_t index;
    if (is_error(base))
        return fail(r, n);
    if (base->sym == SYM_ELEMENT) {
        const check_loop *loop = &r->loops[base->index];
        const polP_record *rec = &r->prog->records[loop->record];
        if (!strmap_get(&r->field_names[loop->record], n->name, strlen(n->name), &index)) {
            const char **names = ast_alloc(r->tree, ((size_t)rec->nfields + 1) * sizeof *names);
            for (uint32_t i = 0; i < rec->nfields; i++)
                names[i] = check_str(r, rec->fields[i].name);
            char what[256];
            snprintf(what, sizeof what, diag_tr(r->diag, "field of %s"), check_str(r, rec->name));
            check_unknown(r, n->name_loc.line ? n->name_loc : n->loc, what, n->name, names, rec->nfields);
            return fail(r, n);
        }
        s = check_sem_new(r, n);
        s->sym = SYM_ELEMFIELD;
        s->index = base->index;
        s->index2 = index;
        s->type = rec->fields[index].type;
        if (rec->fields[index].def.kind != POL_T_NULL)
            s->type.nullable = 0;
        return s;
    }
    if (base->type.kind != POL_T_ENTITY) {
        char buf[128];
        diag_error(r->diag, n->loc, "'.%s' needs an entity or a list element, not a %s", n->name,
                   tname(r, base->type, buf));
        return fail(r, n);
    }
    const polP_entity_type *et = &r->prog->entity_types[base->type.ref];
    if (!strmap_get(&r->attr_names[base->type.ref], n->name, strlen(n->name), &index)) {
        const char **names = ast_alloc(r->tree, ((size_t)et->nattrs + 1) * sizeof *names);
        for (uint32_t i = 0; i < et->nattrs; i++)
            names[i] = check_str(r, et->attrs[i].name);
        char what[256];
        snprintf(what, sizeof what, diag_tr(r->diag, "attribute of %s"), check_str(r, et->name));
        check_unknown(r, n->name_loc.line ? n->name_loc : n->loc, what, n->name, names, et->nattrs);
        return fail(r, n);
    }
    s = check_sem_new(r, n);
    if (base->is_const) { /* an attribute of a named entity is a constant */
        const polP_const *v = &r->prog->entities[base->value.u.i].values[index];
        polP_type t = et->attrs[index].type;
        if (v->kind == POL_T_NULL)
            t = check_type_make(POL_T_NULL, 0, 1);
        set_const(s, t, *v);
        s->type.nullable = et->attrs[index].type.nullable;
        return s;
    }
    s->sym = SYM_ATTR;
    s->index = index;
    s->type = et->attrs[index].type;
    s->type.nullable |= base->type.nullable;
    return s;
}

/* ---- type unification -------------------------------------------------------------------------------------- */

/* The common type of two branches (if/match/??/min/max), or kind NULL with *ok = 0 when there is none */
static polP_type unify(polP_type a, polP_type b, int *ok)
{
    *ok = 1;
    if (a.kind == POL_T_NULL)
        return check_type_make(b.kind, b.ref, 1);
    if (b.kind == POL_T_NULL)
        return check_type_make(a.kind, a.ref, 1);
    if (is_numeric(a) && is_numeric(b))
        return check_type_make(a.kind == POL_T_INT && b.kind == POL_T_INT ? POL_T_INT : POL_T_NUMBER, 0,
                               a.nullable || b.nullable);
    if (check_type_equal(a, b))
        return check_type_make(a.kind, a.ref, a.nullable || b.nullable);
    *ok = 0;
    return a;
}

static int comparable(polP_type a, polP_type b, int ordered)
{
    if (a.kind == POL_T_NULL || b.kind == POL_T_NULL)
        return !ordered;
    if (is_numeric(a) && is_numeric(b))
        return 1;
    if (!check_type_equal(a, b))
        return 0;
    if (a.kind == POL_T_LIST || a.kind == CHECK_KIND_YEARS)
        return 0;
    if (ordered)
        return a.kind == POL_T_DATE || a.kind == POL_T_STRING || a.kind == POL_T_ENUM;
    return 1;
}

static const char *op_text(int op)
{
    static const char *const text[] = {"or", "and", "not", "-", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "??"};
    return op >= 0 && op < (int)(sizeof text / sizeof text[0]) ? text[op] : "?";
}

/* Fold arithmetic and comparisons of two constants when both are simple numbers or dates */
static int fold_binary(int op, const check_sem *a, const check_sem *b, polP_type type, polP_const *out)
{
    if (!a->is_const || !b->is_const)
        return 0;
    *out = make_const(type.kind, 0);
    if (op == AST_OP_ADD || op == AST_OP_SUB) {
        if (a->value.kind == POL_T_DATE && b->type.kind == CHECK_KIND_YEARS) {
            out->has_time = a->value.has_time;
            out->u.i = polT_add_years(a->value.u.i, op == AST_OP_ADD ? b->value.u.i : -b->value.u.i);
            return 1;
        }
        if (a->value.kind == POL_T_INT && b->value.kind == POL_T_INT) {
            int64_t x = a->value.u.i, y = b->value.u.i, z;
            if (op == AST_OP_ADD ? __builtin_add_overflow(x, y, &z) : __builtin_sub_overflow(x, y, &z))
                return 0;
            out->u.i = z;
            return 1;
        }
    }
    return 0;
}

static check_sem *check_binary(check_result *r, ast_node *n, const check_env *env, const polP_type *expected)
{
    char b1[128], b2[128];
    int op = n->op;
    check_sem *a, *b;
    polP_type boolean = check_type_make(POL_T_BOOL, 0, 0);
    /* compare an enum-valued side with a bare enum value: type the other side first */
    if ((op == AST_OP_EQ || op == AST_OP_NE || op == AST_OP_LT || op == AST_OP_LE || op == AST_OP_GT ||
         op == AST_OP_GE) &&
        only_enum_value(r, n->a, env) && !only_enum_value(r, n->b, env)) {
        b = check_expr(r, n->b, env, NULL);
        a = check_expr(r, n->a, env, &b->type);
    } else if (op == AST_OP_AND || op == AST_OP_OR) {
        a = check_expr(r, n->a, env, &boolean);
        b = check_expr(r, n->b, env, &boolean);
    } else {
        a = check_expr(r, n->a, env, op == AST_OP_COALESCE ? expected : NULL);
        b = check_expr(r, n->b, env, op == AST_OP_COALESCE ? &a->type : &a->type);
    }
    if (is_error(a) || is_error(b))
        return fail(r, n);
    check_sem *s = check_sem_new(r, n);
    polP_type ta = a->type, tb = b->type;
    int ok;
    switch (op) {
    case AST_OP_AND:
    case AST_OP_OR:
        if (ta.kind != POL_T_BOOL || tb.kind != POL_T_BOOL) {
            diag_error(r->diag, n->loc, "'%s' needs two bools, not %s and %s", op_text(op), tname(r, ta, b1),
                       tname(r, tb, b2));
            return fail(r, n);
        }
        s->type = check_type_make(POL_T_BOOL, 0, ta.nullable || tb.nullable);
        return s;
    case AST_OP_EQ:
    case AST_OP_NE:
    case AST_OP_LT:
    case AST_OP_LE:
    case AST_OP_GT:
    case AST_OP_GE:
        if (!comparable(ta, tb, op != AST_OP_EQ && op != AST_OP_NE)) {
            diag_error(r->diag, n->loc, "cannot compare %s %s %s", tname(r, ta, b1), op_text(op), tname(r, tb, b2));
            return fail(r, n);
        }
        s->type = boolean;
        return s;
    case AST_OP_ADD:
    case AST_OP_SUB:
        if (ta.kind == POL_T_DATE && tb.kind == CHECK_KIND_YEARS) {
            s->type = check_type_make(POL_T_DATE, 0, ta.nullable || tb.nullable);
            break;
        }
        /* fall through */
    case AST_OP_MUL:
    case AST_OP_DIV:
        if (!is_numeric(ta) || !is_numeric(tb)) {
            if (tb.kind == CHECK_KIND_YEARS || ta.kind == CHECK_KIND_YEARS)
                diag_error(r->diag, n->loc, "years can only be added to or subtracted from a date");
            else
                diag_error(r->diag, n->loc, "'%s' needs numbers, not %s and %s", op_text(op), tname(r, ta, b1),
                           tname(r, tb, b2));
            return fail(r, n);
        }
        s->type = check_type_make(op == AST_OP_DIV || ta.kind == POL_T_NUMBER || tb.kind == POL_T_NUMBER
                                      ? POL_T_NUMBER
                                      : POL_T_INT,
                                  0, ta.nullable || tb.nullable);
        break;
    case AST_OP_COALESCE:
        s->type = unify(ta, tb, &ok);
        if (!ok) {
            diag_error(r->diag, n->loc, "'?\?' needs two values of one type, not %s and %s", tname(r, ta, b1),
                       tname(r, tb, b2));
            return fail(r, n);
        }
        s->type.nullable = tb.nullable;
        return s;
    default:
        return fail(r, n);
    }
    polP_const folded;
    if (fold_binary(op, a, b, s->type, &folded)) {
        s->is_const = 1;
        s->sym = SYM_VALUE;
        s->value = folded;
    }
    return s;
}

/* ---- sets, choices, aggregates ---------------------------------------------------------------------------- */

static uint32_t add_set(check_result *r, uint32_t enum_index, const uint64_t *bits, uint32_t nwords)
{
    polP_program *p = r->prog;
    for (uint32_t i = 0; i < p->nsets; i++) /* the same set once */
        if (p->sets[i].enum_index == enum_index && p->sets[i].nwords == nwords &&
            memcmp(p->sets[i].bits, bits, nwords * sizeof *bits) == 0)
            return i;
    p->sets = check_grow(r, p->sets, &r->sets_cap, p->nsets + 1, sizeof *p->sets);
    polP_set *set = &p->sets[p->nsets];
    set->enum_index = enum_index;
    set->nwords = nwords;
    set->bits = ast_alloc(r->tree, nwords * sizeof *bits);
    memcpy(set->bits, bits, nwords * sizeof *bits);
    return p->nsets++;
}

static check_sem *check_in(check_result *r, ast_node *n, const check_env *env)
{
    check_sem *a = check_expr(r, n->a, env, NULL);
    if (is_error(a))
        return fail(r, n);
    if (a->type.kind != POL_T_ENUM) {
        char buf[128];
        diag_error(r->diag, n->a->loc, "'in {...}' needs an enum value on its left, not a %s",
                   tname(r, a->type, buf));
        return fail(r, n);
    }
    uint32_t e = a->type.ref, nwords = (r->prog->enums[e].nvalues + 63) / 64;
    uint64_t *bits = ast_alloc(r->tree, (nwords + 1) * sizeof *bits);
    for (int i = 0; i < n->list.n; i++) {
        ast_node *v = n->list.items[i];
        int index = check_enum_value(r, e, v->name);
        if (index < 0) {
            check_unknown_enum_value(r, v->loc, e, v->name);
            continue;
        }
        if (bits[index / 64] >> (index % 64) & 1)
            diag_warning(r->diag, v->loc, "'%s' is listed twice in this set", v->name);
        bits[index / 64] |= 1ULL << (index % 64);
    }
    check_sem *s = check_sem_new(r, n);
    s->type = check_type_make(POL_T_BOOL, 0, 0);
    s->aux = add_set(r, e, bits, nwords);
    return s;
}

static check_sem *check_if(check_result *r, ast_node *n, const check_env *env, const polP_type *expected)
{
    polP_type boolean = check_type_make(POL_T_BOOL, 0, 0);
    check_sem *c = check_expr(r, n->a, env, &boolean);
    check_sem *t = check_expr(r, n->b, env, expected);
    check_sem *e = check_expr(r, n->c, env, expected ? expected : &t->type);
    if (is_error(c) || is_error(t) || is_error(e))
        return fail(r, n);
    char b1[128], b2[128];
    if (c->type.kind != POL_T_BOOL) {
        diag_error(r->diag, n->a->loc, "the condition of 'if' must be a bool, not %s", tname(r, c->type, b1));
        return fail(r, n);
    }
    int ok;
    check_sem *s = check_sem_new(r, n);
    s->type = unify(t->type, e->type, &ok);
    if (!ok) {
        diag_error(r->diag, n->loc, "the branches of 'if' give %s and %s", tname(r, t->type, b1),
                   tname(r, e->type, b2));
        return fail(r, n);
    }
    return s;
}

static check_sem *check_match_expr(check_result *r, ast_node *n, const check_env *env, const polP_type *expected)
{
    check_sem *x = check_expr(r, n->a, env, NULL);
    if (is_error(x))
        return fail(r, n);
    if (x->type.kind != POL_T_ENUM) {
        char buf[128];
        diag_error(r->diag, n->a->loc, "'match' needs an enum value, not a %s", tname(r, x->type, buf));
        return fail(r, n);
    }
    uint32_t e = x->type.ref;
    const polP_enum *en = &r->prog->enums[e];
    check_match *m = CHECK_PUSH(r, r->matches, r->nmatches, r->nmatches_cap);
    m->nvalues = en->nvalues;
    m->arm_of_value = ast_alloc(r->tree, ((size_t)en->nvalues + 1) * sizeof *m->arm_of_value);
    for (uint32_t v = 0; v < en->nvalues; v++)
        m->arm_of_value[v] = -1;
    uint32_t match_index = r->nmatches - 1;
    polP_type result = check_type_make(POL_T_NULL, 0, 0);
    int have_result = 0, failed = 0;
    for (int i = 0; i < n->list.n; i++) {
        ast_node *arm = n->list.items[i];
        for (int k = 0; k < arm->list.n; k++) {
            ast_node *v = arm->list.items[k];
            int index = check_enum_value(r, e, v->name);
            if (index < 0) {
                check_unknown_enum_value(r, v->loc, e, v->name);
                failed = 1;
            } else if (r->matches[match_index].arm_of_value[index] >= 0) {
                diag_error(r->diag, v->loc, "'%s' already has an arm in this match", v->name);
                failed = 1;
            } else {
                r->matches[match_index].arm_of_value[index] = i;
            }
        }
        check_sem *a = check_expr(r, arm->a, env, expected ? expected : (have_result ? &result : NULL));
        if (is_error(a)) {
            failed = 1;
            continue;
        }
        int ok = 1;
        result = have_result ? unify(result, a->type, &ok) : a->type;
        have_result = 1;
        if (!ok) {
            char b1[128], b2[128];
            diag_error(r->diag, arm->a->loc, "this arm gives %s where the others give %s", tname(r, a->type, b1),
                       tname(r, result, b2));
            failed = 1;
        }
    }
    if (n->b) {
        check_sem *d = check_expr(r, n->b, env, expected ? expected : (have_result ? &result : NULL));
        int ok = 1;
        if (is_error(d))
            failed = 1;
        else {
            result = have_result ? unify(result, d->type, &ok) : d->type;
            if (!ok) {
                diag_error(r->diag, n->b->loc, "'else' gives a different type than the arms");
                failed = 1;
            }
        }
    } else {
        char missing[512] = "";
        size_t used = 0;
        int count = 0;
        for (uint32_t v = 0; v < en->nvalues; v++)
            if (r->matches[match_index].arm_of_value[v] < 0) {
                if (count++ < 6)
                    used += (size_t)snprintf(missing + used, used < sizeof missing ? sizeof missing - used : 0,
                                             "%s%s", count > 1 ? ", " : "", check_str(r, en->values[v]));
            }
        if (count) {
            diag_error(r->diag, n->loc, "this match does not cover %s%s; add arms or 'else -> ...'", missing,
                       count > 6 ? ", ..." : "");
            failed = 1;
        }
        if (x->type.nullable)
            result.nullable = 1;
    }
    if (failed)
        return fail(r, n);
    check_sem *s = check_sem_new(r, n);
    s->type = result;
    s->aux = match_index;
    return s;
}

static uint32_t new_loop(check_result *r, int is_range, uint32_t record, uint32_t field)
{
    check_loop *l = CHECK_PUSH(r, r->loops, r->nloops, r->nloops_cap);
    l->is_range = is_range;
    l->record = record;
    l->list_field = field;
    return r->nloops - 1;
}

uint32_t check_loop_source(check_result *r, ast_node *source, const check_env *env)
{
    polP_type integer = check_type_make(POL_T_INT, 0, 0);
    if (source->kind == AST_RANGE) {
        check_sem *lo = check_expr(r, source->a, env, &integer);
        check_sem *hi = check_expr(r, source->b, env, &integer);
        if (is_error(lo) || is_error(hi))
            return POL_NONE;
        if (lo->type.kind != POL_T_INT || hi->type.kind != POL_T_INT) {
            diag_error(r->diag, source->loc, "a range needs integer ends");
            return POL_NONE;
        }
        return new_loop(r, 1, 0, 0);
    }
    check_sem *list = check_expr(r, source, env, NULL);
    if (is_error(list))
        return POL_NONE;
    if (list->type.kind != POL_T_LIST || list->sym != SYM_FIELD) {
        diag_error(r->diag, source->loc, "expected a list field of the applicant or a range 'a .. b' here");
        return POL_NONE;
    }
    return new_loop(r, 0, list->type.ref, list->index);
}

static check_sem *check_agg(check_result *r, ast_node *n, const check_env *env)
{
    uint32_t loop = check_loop_source(r, n->a, env);
    if (loop == POL_NONE)
        return fail(r, n);
    check_scope scope = {n->name, loop, env->scope};
    check_env inner = *env;
    inner.scope = &scope;
    polP_type boolean = check_type_make(POL_T_BOOL, 0, 0);
    int failed = 0;
    if (n->b) {
        check_sem *c = check_expr(r, n->b, &inner, &boolean);
        if (is_error(c))
            failed = 1;
        else if (c->type.kind != POL_T_BOOL) {
            char buf[128];
            diag_error(r->diag, n->b->loc, "'where' needs a bool, not %s", tname(r, c->type, buf));
            failed = 1;
        }
    }
    polP_type type = check_type_make(n->op == AST_AGG_COUNT ? POL_T_INT : POL_T_BOOL, 0, 0);
    if (n->op == AST_AGG_SUM) {
        check_sem *v = n->c ? check_expr(r, n->c, &inner, NULL) : NULL;
        if (!v || is_error(v))
            failed = 1;
        else if (!is_numeric(v->type)) {
            char buf[128];
            diag_error(r->diag, n->c->loc, "sum needs numbers, not %s", tname(r, v->type, buf));
            failed = 1;
        } else
            type = v->type;
    }
    if (failed)
        return fail(r, n);
    check_sem *s = check_sem_new(r, n);
    s->type = type;
    s->index = loop;
    return s;
}

static check_sem *check_call(check_result *r, ast_node *n, const check_env *env)
{
    int which = -1;
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (strcmp(builtins[i], n->name) == 0)
            which = (int)i;
    if (which < 0) {
        check_unknown(r, n->loc, "function", n->name, builtins, sizeof builtins / sizeof builtins[0]);
        return fail(r, n);
    }
    int want = which == 0 ? 1 : 2;
    if (n->list.n != want) {
        diag_error(r->diag, n->loc, "%s takes %d argument%s, not %d", n->name, want, want > 1 ? "s" : "", n->list.n);
        return fail(r, n);
    }
    check_sem *args[2] = {NULL, NULL};
    for (int i = 0; i < want; i++) {
        args[i] = check_expr(r, n->list.items[i], env, NULL);
        if (is_error(args[i]))
            return fail(r, n);
    }
    check_sem *s = check_sem_new(r, n);
    char buf[128];
    switch (which) {
    case 0: /* year */
    case 1: /* years_between */
        for (int i = 0; i < want; i++)
            if (args[i]->type.kind != POL_T_DATE) {
                diag_error(r->diag, n->list.items[i]->loc, "%s needs a date, not %s", n->name,
                           tname(r, args[i]->type, buf));
                return fail(r, n);
            }
        s->type = check_type_make(POL_T_INT, 0, args[0]->type.nullable || (want > 1 && args[1]->type.nullable));
        if (which == 0 && args[0]->is_const) {
            s->is_const = 1;
            s->sym = SYM_VALUE;
            s->value = make_const(POL_T_INT, 0);
            s->value.u.i = polT_year(args[0]->value.u.i);
        }
        return s;
    default: { /* min, max */
        int ok;
        polP_type t = unify(args[0]->type, args[1]->type, &ok);
        if (!ok || !(is_numeric(t) || t.kind == POL_T_DATE)) {
            diag_error(r->diag, n->loc, "%s needs two numbers or two dates", n->name);
            return fail(r, n);
        }
        s->type = t;
        return s;
    }
    }
}

/* ---- the dispatcher --------------------------------------------------------------------------------------- */

static check_sem *check_string(check_result *r, ast_node *n, const check_env *env)
{
    check_sem *s = check_sem_new(r, n);
    int all_text = 1;
    size_t total = 0;
    for (int i = 0; i < n->list.n; i++) {
        ast_node *part = n->list.items[i];
        if (part->kind == AST_TEXT) {
            total += strlen(part->str);
            continue;
        }
        all_text = 0;
        if (env->where == WHERE_CONST) {
            diag_error(r->diag, part->loc, "a constant string cannot interpolate values");
            return fail(r, n);
        }
        check_sem *v = check_expr(r, part, env, NULL);
        if (is_error(v))
            return fail(r, n);
        if (v->type.kind == POL_T_LIST || v->type.kind == CHECK_KIND_YEARS) {
            diag_error(r->diag, part->loc, "this value cannot be written into a message");
            return fail(r, n);
        }
    }
    s->type = check_type_make(POL_T_STRING, 0, 0);
    if (all_text) {
        char *text = ast_alloc(r->tree, total + 1);
        size_t used = 0;
        for (int i = 0; i < n->list.n; i++) {
            size_t len = strlen(n->list.items[i]->str);
            memcpy(text + used, n->list.items[i]->str, len);
            used += len;
        }
        s->is_const = 1;
        s->sym = SYM_VALUE;
        s->value = make_const(POL_T_STRING, check_intern(r, text, used));
    }
    return s;
}

check_sem *check_expr(check_result *r, ast_node *n, const check_env *env, const polP_type *expected)
{
    check_sem *s;
    polP_const c;
    switch (n->kind) {
    case AST_INT:
        s = check_sem_new(r, n);
        c = make_const(POL_T_INT, 0);
        c.u.i = n->ival;
        set_const(s, check_type_make(POL_T_INT, 0, 0), c);
        return s;
    case AST_NUMBER:
        s = check_sem_new(r, n);
        c = make_const(POL_T_NUMBER, 0);
        c.u.d = n->dval;
        set_const(s, check_type_make(POL_T_NUMBER, 0, 0), c);
        return s;
    case AST_DATE:
        s = check_sem_new(r, n);
        c = make_const(POL_T_DATE, 0);
        c.u.i = n->ival;
        c.has_time = n->op != 0;
        set_const(s, check_type_make(POL_T_DATE, 0, 0), c);
        return s;
    case AST_BOOL:
        s = check_sem_new(r, n);
        c = make_const(POL_T_BOOL, 0);
        c.u.i = n->ival != 0;
        set_const(s, check_type_make(POL_T_BOOL, 0, 0), c);
        return s;
    case AST_NULL:
        s = check_sem_new(r, n);
        set_const(s, check_type_make(POL_T_NULL, 0, 1), make_const(POL_T_NULL, 0));
        return s;
    case AST_STRING:
        return check_string(r, n, env);
    case AST_NAME:
        return check_name(r, n, env, expected);
    case AST_MEMBER:
        return check_member(r, n, env);
    case AST_UNARY: {
        check_sem *a = check_expr(r, n->a, env, NULL);
        if (is_error(a))
            return fail(r, n);
        char buf[128];
        if (n->op == AST_OP_NOT ? a->type.kind != POL_T_BOOL : !is_numeric(a->type)) {
            diag_error(r->diag, n->loc, "'%s' needs a %s, not %s", n->op == AST_OP_NOT ? "not" : "-",
                       n->op == AST_OP_NOT ? "bool" : "number", tname(r, a->type, buf));
            return fail(r, n);
        }
        s = check_sem_new(r, n);
        s->type = a->type;
        if (n->op == AST_OP_NEG && a->is_const) {
            s->is_const = 1;
            s->sym = SYM_VALUE;
            s->value = a->value;
            if (a->value.kind == POL_T_INT && a->value.u.i != INT64_MIN)
                s->value.u.i = -a->value.u.i;
            else if (a->value.kind == POL_T_NUMBER)
                s->value.u.d = -a->value.u.d;
            else
                s->is_const = 0;
        }
        return s;
    }
    case AST_BINARY:
        return check_binary(r, n, env, expected);
    case AST_IN:
        return check_in(r, n, env);
    case AST_IF:
        return check_if(r, n, env, expected);
    case AST_MATCH:
        return check_match_expr(r, n, env, expected);
    case AST_AGG:
        if (env->where == WHERE_CONST || env->where == WHERE_ROUTE) {
            diag_error(r->diag, n->loc, "an aggregate is not allowed here");
            return fail(r, n);
        }
        return check_agg(r, n, env);
    case AST_RANGE:
        diag_error(r->diag, n->loc, "a range 'a .. b' can only be the source of an aggregate or 'for each'");
        return fail(r, n);
    case AST_CALL:
        return check_call(r, n, env);
    case AST_YEARS: {
        polP_type integer = check_type_make(POL_T_INT, 0, 0);
        check_sem *a = check_expr(r, n->a, env, &integer);
        if (is_error(a))
            return fail(r, n);
        if (a->type.kind != POL_T_INT) {
            diag_error(r->diag, n->a->loc, "a number of years must be an integer");
            return fail(r, n);
        }
        s = check_sem_new(r, n);
        s->type = check_type_make(CHECK_KIND_YEARS, 0, a->type.nullable);
        if (a->is_const) {
            s->is_const = 1;
            s->sym = SYM_VALUE;
            s->value = a->value;
        }
        return s;
    }
    case AST_AT: {
        check_sem *a = check_expr(r, n->a, env, NULL);
        if (is_error(a))
            return fail(r, n);
        if (a->type.kind != POL_T_DATE) {
            char buf[128];
            diag_error(r->diag, n->loc, "'at' needs a date, not %s", tname(r, a->type, buf));
            return fail(r, n);
        }
        s = check_sem_new(r, n);
        s->type = a->type;
        if (a->is_const && a->value.kind == POL_T_DATE) {
            s->is_const = 1;
            s->sym = SYM_VALUE;
            s->value = a->value;
            int64_t day = a->value.u.i - (((a->value.u.i % POLT_MINUTES_PER_DAY) + POLT_MINUTES_PER_DAY) %
                                          POLT_MINUTES_PER_DAY);
            s->value.u.i = day + n->ival;
            s->value.has_time = 1;
        }
        return s;
    }
    case AST_ROUTED:
        if (env->where == WHERE_CONST || env->where == WHERE_ROUTE) {
            diag_error(r->diag, n->loc, "'routed' is known only after routing, in findings, lets and outputs");
            return fail(r, n);
        }
        if (!r->has_routing) {
            diag_error(r->diag, n->loc, "'routed' needs a 'routing by ... -> ...' declaration");
            return fail(r, n);
        }
        s = check_sem_new(r, n);
        s->type = check_type_make(POL_T_ENTITY, r->route_target_type, 1);
        return s;
    case AST_FINDINGS:
        if (env->where != WHERE_OUTPUT) {
            diag_error(r->diag, n->loc, "findings(...) can be used only in outputs, after every finding is known");
            return fail(r, n);
        }
        s = check_sem_new(r, n);
        s->type = check_type_make(POL_T_INT, 0, 0);
        return s;
    default:
        diag_error(r->diag, n->loc, "expected an expression");
        return fail(r, n);
    }
}

/* Whether a value of type from may be stored where type to is declared */
static int assignable(polP_type from, polP_type to)
{
    if (from.kind == POL_T_NULL)
        return to.nullable;
    if (from.nullable && !to.nullable)
        return 0;
    if (from.kind == POL_T_INT && to.kind == POL_T_NUMBER)
        return 1;
    return check_type_equal(from, to);
}

int check_assign(check_result *r, ast_loc loc, polP_type from, polP_type to, const char *what)
{
    if (assignable(from, to))
        return 1;
    char b1[128], b2[128];
    if (from.kind == POL_T_NULL || (from.nullable && !to.nullable && check_type_equal(from, to)))
        diag_error(r->diag, loc, "%s may be null here, but is declared %s (write %s? or give a value with ?\?)",
                   diag_tr(r->diag, what), tname(r, to, b1), tname(r, to, b2));
    else
        diag_error(r->diag, loc, "%s is declared %s, but this is %s", diag_tr(r->diag, what), tname(r, to, b1),
                   tname(r, from, b2));
    return 0;
}

int check_const_expr(check_result *r, ast_node *n, const polP_type *expected, polP_const *value, polP_type *type)
{
    check_env env = {WHERE_CONST, NULL, 0};
    check_sem *s = check_expr(r, n, &env, expected);
    if (is_error(s))
        return 0;
    if (!s->is_const) {
        diag_error(r->diag, n->loc, "a constant value is needed here");
        return 0;
    }
    if (expected && !check_assign(r, n->loc, s->type, *expected, "this value"))
        return 0;
    *value = s->value;
    if (expected && expected->kind == POL_T_NUMBER && value->kind == POL_T_INT) {
        value->kind = POL_T_NUMBER;
        value->u.d = (double)s->value.u.i;
    }
    if (type)
        *type = s->type;
    return 1;
}
