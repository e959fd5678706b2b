/* unused.c: warnings about declarations nothing uses: constants, lets, entities no route, attribute or
 * expression names, entity types with no entity and no use, records no list field holds. (Enum values are
 * not reported: an enumeration lists what exists, used or not.) */
#include <stdlib.h>

#include "internal.h"

static const ast_loc nowhere = {0, 0, 0, 0};

static ast_loc name_loc(const ast_node *n) { return n->name_loc.line ? n->name_loc : n->loc; }

typedef struct uses {
    char *consts, *lets, *entities, *etypes, *records;
} uses;

static void mark_name(const check_result *r, uses *u, const char *name, polP_type type)
{
    uint32_t index;
    size_t len = strlen(name);
    if (strmap_get(&r->const_names, name, len, &index) && r->const_types[index].kind == type.kind)
        u->consts[index] = 1;
}

static void walk(const check_result *r, uses *u, const ast_node *n)
{
    if (!n)
        return;
    const check_sem *s = check_sem_of(n);
    uint32_t index;
    switch (n->kind) {
    case AST_NAME:
        if (s && s->sym == SYM_LET)
            u->lets[s->index] = 1;
        else if (s && s->sym == SYM_VALUE && s->is_const) {
            if (s->value.kind == POL_T_ENTITY && strmap_get(&r->entity_names, n->name, strlen(n->name), &index))
                u->entities[index] = 1;
            else
                mark_name(r, u, n->name, s->type);
        }
        break;
    case AST_ROUTE:
        if (strmap_get(&r->entity_names, n->name, strlen(n->name), &index))
            u->entities[index] = 1;
        break;
    case AST_TYPE:
        if (n->op == AST_TYPE_LIST && strmap_get(&r->record_names, n->name, strlen(n->name), &index))
            u->records[index] = 1;
        else if (strmap_get(&r->etype_names, n->name, strlen(n->name), &index))
            u->etypes[index] = 1;
        break;
    case AST_ENTITY:
    case AST_ROUTING:
        if (n->name2 && strmap_get(&r->etype_names, n->name2, strlen(n->name2), &index))
            u->etypes[index] = 1;
        break;
    default:
        break;
    }
    walk(r, u, n->a);
    walk(r, u, n->b);
    walk(r, u, n->c);
    for (int i = 0; i < n->list.n; i++)
        walk(r, u, n->list.items[i]);
}

static void collect_lets(const ast_node *n, const ast_node **lets, uint32_t nlets)
{
    if (n->kind == AST_LET && n->sem && check_sem_of(n)->index < nlets)
        lets[check_sem_of(n)->index] = n;
    if (n->kind == AST_CLAUSE)
        for (int i = 0; i < n->list.n; i++)
            collect_lets(n->list.items[i], lets, nlets);
}

void check_unused(check_result *r)
{
    const polP_program *p = r->prog;
    uses u;
    u.consts = calloc(r->nconst_decls + 1, 1);
    u.lets = calloc(r->nlets + 1, 1);
    u.entities = calloc(p->nentities + 1, 1);
    u.etypes = calloc(p->nentity_types + 1, 1);
    u.records = calloc(p->nrecords + 1, 1);
    const ast_node **lets = calloc(r->nlets + 1, sizeof *lets);
    if (u.consts && u.lets && u.entities && u.etypes && u.records && lets) {
        for (int i = 0; i < r->tree->decls.n; i++) {
            const ast_node *d = r->tree->decls.items[i];
            if (d->kind == AST_CONST) /* a constant's own value does not use it; later ones may */
                walk(r, &u, d->a);
            else
                walk(r, &u, d);
            collect_lets(d, lets, r->nlets);
        }
        for (int i = 0; i < r->tree->decls.n; i++) {
            const ast_node *d = r->tree->decls.items[i];
            uint32_t index;
            if (d->kind == AST_CONST && strmap_get(&r->const_names, d->name, strlen(d->name), &index) &&
                !u.consts[index]) {
                diag_warning(r->diag, name_loc(d), "constant '%s' is never used", d->name);
                diag_note(r->diag, nowhere, "fix: delete it, or use it where the notice's rule needs it");
            }
        }
        for (uint32_t i = 0; i < r->nlets; i++)
            if (!u.lets[i] && lets[i]) {
                diag_warning(r->diag, name_loc(lets[i]), "let '%s' is never used", lets[i]->name);
                diag_note(r->diag, nowhere, "fix: delete it, or use it in a finding or an output");
            }
        for (uint32_t i = 0; i < p->nentities; i++)
            if (!u.entities[i] && r->entity_decls[i]) {
                diag_warning(r->diag, name_loc(r->entity_decls[i]),
                             "entity '%s' is never used: no route, attribute or expression names it",
                             r->entity_decls[i]->name);
                diag_note(r->diag, nowhere, "fix: route to it or refer to it, or delete it (keep its text as a comment)");
            }
        for (uint32_t i = 0; i < p->nentity_types; i++)
            if (!u.etypes[i] && r->etype_decls[i]) {
                diag_warning(r->diag, name_loc(r->etype_decls[i]), "entity type '%s' is never used",
                             r->etype_decls[i]->name);
                diag_note(r->diag, nowhere, "fix: delete it, or declare entities of it");
            }
        for (uint32_t i = 1; i < p->nrecords; i++)
            if (!u.records[i] && r->record_decls[i]) {
                diag_warning(r->diag, name_loc(r->record_decls[i]), "record '%s' is never used: no list field holds it",
                             r->record_decls[i]->name);
                diag_note(r->diag, nowhere, "fix: delete it, or add a field `NAME: list %s` to the applicant",
                          r->record_decls[i]->name);
            }
    }
    free(u.consts);
    free(u.lets);
    free(u.entities);
    free(u.etypes);
    free(u.records);
    free(lets);
}
