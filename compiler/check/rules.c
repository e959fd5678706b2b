/* rules.c: clause blocks, lets, findings, for-each blocks and outputs, checked in source order; each becomes a
 * rule of the program's rule table with its clause and line. */
#include <stdio.h>

#include "internal.h"

static ast_loc name_loc(const ast_node *n) { return n->name_loc.line ? n->name_loc : n->loc; }

/* A let or output name must not hide a constant, an entity, or another let/output; a let must not hide a field
 * either, but an output may be named after the field it echoes (`output id = id`). */
static int name_is_free(check_result *r, const ast_node *n, int is_output)
{
    size_t len = strlen(n->name);
    uint32_t index;
    const char *clash = NULL;
    if (strmap_get(&r->let_names, n->name, len, &index))
        clash = "a let";
    else if (strmap_get(&r->output_names, n->name, len, &index))
        clash = "an output";
    else if (!is_output && strmap_get(&r->field_names[0], n->name, len, &index))
        clash = "an applicant field";
    else if (strmap_get(&r->const_names, n->name, len, &index))
        clash = "a constant";
    else if (strmap_get(&r->entity_names, n->name, len, &index))
        clash = "an entity";
    if (clash)
        diag_error(r->diag, name_loc(n), "'%s' is already %s", n->name, diag_tr(r->diag, clash));
    return clash == NULL;
}

static int check_condition(check_result *r, ast_node *cond, const check_env *env, const char *what)
{
    polP_type boolean = check_type_make(POL_T_BOOL, 0, 0);
    check_sem *c = check_expr(r, cond, env, &boolean);
    if (c->sym == SYM_NONE && c->type.kind == POL_T_NULL && !c->is_const)
        return 0;
    if (c->type.kind != POL_T_BOOL) {
        char buf[128];
        diag_error(r->diag, cond->loc, "the condition of %s must be a bool, not %s", diag_tr(r->diag, what),
                   check_type_name(r, c->type, buf, sizeof buf));
        return 0;
    }
    return 1;
}

static void check_finding(check_result *r, ast_node *n, const check_env *env, const char *clause)
{
    check_condition(r, n->a, env, "a finding");
    check_sem *m = check_expr(r, n->b, env, NULL);
    (void)m;
    check_sem *s = check_sem_new(r, n);
    s->index = check_add_rule(r, n, n->op, clause, POL_NONE);
}

static void check_foreach(check_result *r, ast_node *n, const check_env *env, const char *clause);

static void check_body_item(check_result *r, ast_node *item, const check_env *env, const char *clause)
{
    if (item->kind == AST_FINDING)
        check_finding(r, item, env, clause);
    else if (item->kind == AST_FOREACH)
        check_foreach(r, item, env, clause);
    else
        diag_error(r->diag, item->loc, "only findings and 'for each' blocks can stand inside 'for each'");
}

static void check_foreach(check_result *r, ast_node *n, const check_env *env, const char *clause)
{
    uint32_t loop = check_loop_source(r, n->a, env);
    check_sem *s = check_sem_new(r, n);
    s->index = loop;
    if (loop == POL_NONE)
        return;
    check_scope scope = {n->name, loop, env->scope};
    check_env inner = *env;
    inner.scope = &scope;
    for (int i = 0; i < n->list.n; i++)
        check_body_item(r, n->list.items[i], &inner, clause);
}

static void check_let(check_result *r, ast_node *n, const char *clause)
{
    check_env env = {WHERE_RULE, NULL, 0};
    check_sem *v = check_expr(r, n->a, &env, NULL);
    if (!name_is_free(r, n, 0))
        return;
    if (v->type.kind == CHECK_KIND_YEARS || v->type.kind == POL_T_LIST) {
        diag_error(r->diag, n->a->loc, "a let must hold a value, not a list or a number of years");
        return;
    }
    uint32_t index = r->nlets++;
    polP_type *types = ast_alloc(r->tree, r->nlets * sizeof *types);
    if (index)
        memcpy(types, r->let_types, index * sizeof *types);
    types[index] = v->type;
    r->let_types = types;
    strmap_put(&r->let_names, n->name, strlen(n->name), index);
    check_sem *s = check_sem_new(r, n);
    s->index = index;
    s->index2 = check_add_rule(r, n, POLP_RULE_LET, clause, POL_NONE);
}

static void check_output(check_result *r, ast_node *n, const char *clause)
{
    polP_program *p = r->prog;
    check_env env = {WHERE_OUTPUT, NULL, p->noutputs};
    polP_type declared = check_type_make(POL_T_NULL, 0, 0);
    int has_type = n->a != NULL;
    if (has_type)
        declared = check_resolve_type(r, n->a);
    check_sem *v = check_expr(r, n->b, &env, has_type && declared.kind != POL_T_NULL ? &declared : NULL);
    if (!name_is_free(r, n, 1))
        return;
    polP_type type = v->type;
    if (has_type && declared.kind != POL_T_NULL) {
        if (v->sym != SYM_NONE || v->is_const || v->type.kind != POL_T_NULL)
            check_assign(r, n->b->loc, v->type, declared, n->name);
        type = declared;
    } else if (type.kind == CHECK_KIND_YEARS || type.kind == POL_T_LIST) {
        diag_error(r->diag, n->b->loc, "an output must be a value, not a list or a number of years");
        return;
    }
    p->outputs = check_grow(r, p->outputs, &r->outputs_cap, p->noutputs + 1, sizeof *p->outputs);
    uint32_t index = p->noutputs++;
    p->outputs[index].name = check_intern(r, n->name, strlen(n->name));
    p->outputs[index].type = type;
    strmap_put(&r->output_names, n->name, strlen(n->name), index);
    check_sem *s = check_sem_new(r, n);
    s->index = index;
    s->index2 = check_add_rule(r, n, POLP_RULE_OUTPUT, clause, index);
    check_item *item = CHECK_PUSH(r, r->output_items, r->noutput_items, r->output_items_cap);
    item->node = n;
    item->rule = s->index2;
}

static void push_item(check_result *r, const ast_node *n, uint32_t rule)
{
    check_item *item = CHECK_PUSH(r, r->items, r->nitems, r->nitems_cap);
    item->node = n;
    item->rule = rule;
}

static void check_item_decl(check_result *r, ast_node *n, const char *clause)
{
    check_env env = {WHERE_RULE, NULL, 0};
    switch (n->kind) {
    case AST_ROUTE:
        check_route_rule(r, n, clause);
        break;
    case AST_UNROUTED:
        check_unrouted_rule(r, n, clause);
        break;
    case AST_FINDING:
        check_finding(r, n, &env, clause);
        push_item(r, n, check_sem_of(n)->index);
        break;
    case AST_FOREACH:
        check_foreach(r, n, &env, clause);
        push_item(r, n, POL_NONE);
        break;
    case AST_LET:
        check_let(r, n, clause);
        if (n->sem)
            push_item(r, n, check_sem_of(n)->index2);
        break;
    case AST_OUTPUT:
        check_output(r, n, clause);
        break;
    case AST_CLAUSE:
        if (clause) {
            diag_error(r->diag, n->loc, "clause %s is inside clause %s; clauses do not nest", n->name, clause);
            break;
        }
        for (int i = 0; i < n->list.n; i++)
            check_item_decl(r, n->list.items[i], n->name);
        break;
    case AST_POLICY:
    case AST_ENUM:
    case AST_RECORD:
    case AST_APPLICANT:
    case AST_ENTITY_TYPE:
    case AST_ENTITY:
    case AST_CONST:
    case AST_ROUTING:
        if (clause)
            diag_error(r->diag, n->loc, "declarations belong outside clause blocks; only rules go inside");
        break;
    default:
        diag_error(r->diag, n->loc, "unexpected %s", ast_kind_name(n->kind));
        break;
    }
}

void check_rules(check_result *r)
{
    for (int i = 0; i < r->tree->decls.n; i++)
        check_item_decl(r, r->tree->decls.items[i], NULL);
}
