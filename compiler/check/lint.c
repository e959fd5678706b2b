/* lint.c: warnings about rules that can never apply (routes hidden by their exceptions, findings whose enum/bool
 * condition never holds), entities missing an attribute that an output reads from them, and dates outside the
 * policy's year. */
#include <stdio.h>
#include <stdlib.h>

#include "date.h"
#include "internal.h"

static const ast_loc nowhere = {0, 0, 0, 0};

static int bit(const uint64_t *bits, uint64_t i) { return bits ? (int)(bits[i / 64] >> (i % 64) & 1) : 1; }

/* ---- routes every record of which an exception takes ------------------------------------------------------ */

static void hidden_routes(check_result *r)
{
    if (!r->cell_start || r->domain_size == 0)
        return;
    uint32_t nwords = (uint32_t)((r->domain_size + 63) / 64);
    uint64_t *taken = calloc(nwords, sizeof *taken);
    char *fires = calloc(r->nroutes + 1, 1), *seen = calloc(r->nroutes + 1, 1);
    if (!taken || !fires || !seen) {
        free(taken), free(fires), free(seen);
        return;
    }
    for (uint64_t c = 0; c < r->ncells; c++) {
        const uint32_t *list = r->cell_routes + r->cell_start[c];
        uint32_t n = r->cell_start[c + 1] - r->cell_start[c];
        memset(taken, 0, nwords * sizeof *taken);
        for (uint32_t i = 0; i < n; i++) { /* narrowest first: what is left for each */
            const check_route *x = &r->routes[list[i]];
            seen[list[i]] = 1;
            for (uint64_t p = 0; p < r->domain_size && !fires[list[i]]; p++)
                if (bit(x->truth, p) && !bit(taken, p))
                    fires[list[i]] = 1;
            for (uint32_t w = 0; w < nwords; w++)
                taken[w] |= x->truth ? x->truth[w] : ~0ULL;
        }
    }
    for (uint32_t i = 0; i < r->nroutes; i++)
        if (seen[i] && !fires[i] && r->routes[i].truth_count > 0) {
            diag_warning(r->diag, r->routes[i].node->loc,
                         "this route never applies: narrower routes for the same keys take every record it matches");
            diag_note(r->diag, nowhere, "fix: delete it, or correct the keys or conditions of the narrower routes");
        }
    free(taken);
    free(fires);
    free(seen);
}

/* ---- findings whose condition is only about enum and bool fields ------------------------------------------ */

/* Evaluate the condition over every combination of its fields' values (the route evaluator, on a domain made
 * of just these fields) */
static int can_hold(check_result *r, const ast_node *cond, uint32_t *fields, uint32_t nfields)
{
    uint32_t saved_n = r->ncond_fields, *saved = r->cond_fields;
    uint64_t size = 1;
    for (uint32_t i = 0; i < nfields && size <= (1u << 16); i++)
        size *= check_field_domain(r, fields[i]);
    int holds = size > (1u << 16); /* too many to try: assume it can */
    r->cond_fields = fields;
    r->ncond_fields = nfields;
    for (uint64_t p = 0; p < size && !holds; p++)
        holds = check_route_condition_holds(r, cond, p);
    r->cond_fields = saved;
    r->ncond_fields = saved_n;
    return holds;
}

static void unreachable_findings(check_result *r, const ast_node *n)
{
    if (n->kind == AST_CLAUSE) {
        for (int i = 0; i < n->list.n; i++)
            unreachable_findings(r, n->list.items[i]);
        return;
    }
    if (n->kind != AST_FINDING || !n->a)
        return;
    uint32_t nfields = 0;
    uint32_t *fields = ast_alloc(r->tree, ((size_t)r->prog->records[0].nfields + 1) * sizeof *fields);
    if (!check_condition_fields(r, n->a, fields, &nfields, 0))
        return;
    for (uint32_t i = 1; i < nfields; i++) /* slot order, as the evaluator expects none in particular */
        for (uint32_t j = i; j > 0 && fields[j - 1] > fields[j]; j--) {
            uint32_t t = fields[j];
            fields[j] = fields[j - 1];
            fields[j - 1] = t;
        }
    if (!can_hold(r, n->a, fields, nfields)) {
        diag_warning(r->diag, n->a->loc, "this condition can never hold: the finding never fires");
        diag_note(r->diag, nowhere, "fix: correct the condition (is an `and` meant to be `or`?) or delete the rule");
    }
}

void check_unreachable(check_result *r)
{
    hidden_routes(r);
    for (int i = 0; i < r->tree->decls.n; i++)
        unreachable_findings(r, r->tree->decls.items[i]);
}

/* ---- attributes an output reads ------------------------------------------------------------------------ */

/* The entities an expression may evaluate to (marks in set[]), following routed, entity names, lets, earlier
 * outputs, attributes holding entities, and the branches of if, match and ??. */
typedef struct flow {
    check_result *r;
    const ast_node **lets, **outputs;
    int depth;
} flow;

static void entities_of(flow *f, const ast_node *n, char *set)
{
    const check_result *r = f->r;
    const check_sem *s = n ? check_sem_of(n) : NULL;
    if (!n || !s || f->depth > 64)
        return;
    f->depth++;
    switch (n->kind) {
    case AST_ROUTED:
        for (uint32_t i = 0; i < r->nroutes; i++)
            set[r->routes[i].target] = 1;
        break;
    case AST_NAME:
        if (s->sym == SYM_VALUE && s->is_const && s->value.kind == POL_T_ENTITY)
            set[s->value.u.i] = 1;
        else if (s->sym == SYM_LET && f->lets[s->index])
            entities_of(f, f->lets[s->index]->a, set);
        else if (s->sym == SYM_OUTPUT && f->outputs[s->index])
            entities_of(f, f->outputs[s->index]->b, set);
        break;
    case AST_MEMBER:
        if (s->type.kind == POL_T_ENTITY) {
            char *base = calloc(r->prog->nentities + 1, 1);
            if (!base)
                break;
            entities_of(f, n->a, base);
            for (uint32_t e = 0; e < r->prog->nentities; e++) {
                const polP_const *v = base[e] && r->prog->entities[e].values ? &r->prog->entities[e].values[s->index] : NULL;
                if (v && v->kind == POL_T_ENTITY)
                    set[v->u.i] = 1;
            }
            free(base);
        }
        break;
    case AST_IF:
        entities_of(f, n->b, set);
        entities_of(f, n->c, set);
        break;
    case AST_MATCH:
        for (int i = 0; i < n->list.n; i++)
            entities_of(f, n->list.items[i]->a, set);
        entities_of(f, n->b, set);
        break;
    case AST_BINARY:
        if (n->op == AST_OP_COALESCE) {
            entities_of(f, n->a, set);
            entities_of(f, n->b, set);
        }
        break;
    default:
        break;
    }
    f->depth--;
}

/* Whether entity e wrote attribute `name` (even as `= null`, which says the notice gives none) */
static int entity_gives(const check_result *r, uint32_t e, const char *name)
{
    const ast_node *d = r->entity_decls[e];
    for (int i = 0; d && i < d->list.n; i++)
        if (strcmp(d->list.items[i]->name, name) == 0)
            return 1;
    return 0;
}

static void read_attributes(flow *f, const ast_node *n, const ast_node *output, char *reported)
{
    if (!n)
        return;
    check_result *r = f->r;
    const check_sem *s = check_sem_of(n);
    if (n->kind == AST_MEMBER && s && s->sym == SYM_ATTR) {
        char *base = calloc(r->prog->nentities + 1, 1);
        const check_sem *b = check_sem_of(n->a);
        if (base && b && b->type.kind == POL_T_ENTITY) {
            entities_of(f, n->a, base);
            uint32_t nattrs = r->prog->entity_types[b->type.ref].nattrs;
            for (uint32_t e = 0; e < r->prog->nentities; e++) {
                if (!base[e] || r->prog->entities[e].type != b->type.ref || entity_gives(r, e, n->name))
                    continue;
                if (reported[(size_t)e * nattrs + s->index]++)
                    continue;
                const ast_node *d = r->entity_decls[e];
                diag_warning(r->diag, d->name_loc.line ? d->name_loc : d->loc,
                             "%s has no '%s', which output '%s' reads (line %d)", d->name, n->name, output->name,
                             n->loc.line);
                diag_note(r->diag, nowhere, "fix: give it `%s = ...`, or write `%s = null` if the notice gives none",
                          n->name, n->name);
            }
        }
        free(base);
    }
    read_attributes(f, n->a, output, reported);
    read_attributes(f, n->b, output, reported);
    read_attributes(f, n->c, output, reported);
    for (int i = 0; i < n->list.n; i++)
        read_attributes(f, n->list.items[i], output, reported);
}

/* Only entity-valued outputs' chains are followed: an output that shows an attribute of an entity another output
 * chose (receiver → receiver.address) needs that attribute from every entity that can be chosen. Attributes read
 * straight from `routed` are the committee's own data, which the notice often leaves out on purpose. */
static int reads_chosen_entity(const ast_node *n)
{
    if (!n)
        return 0;
    if (n->kind == AST_MEMBER && n->a && n->a->kind == AST_NAME && check_sem_of(n->a) &&
        check_sem_of(n->a)->sym == SYM_OUTPUT)
        return 1;
    return reads_chosen_entity(n->a) || reads_chosen_entity(n->b) || reads_chosen_entity(n->c);
}

void check_needed_attributes(check_result *r)
{
    uint32_t maxattrs = 1;
    for (uint32_t t = 0; t < r->prog->nentity_types; t++)
        if (r->prog->entity_types[t].nattrs > maxattrs)
            maxattrs = r->prog->entity_types[t].nattrs;
    flow f = {r, calloc(r->nlets + 1, sizeof *f.lets), calloc(r->prog->noutputs + 1, sizeof *f.outputs), 0};
    char *reported = calloc((size_t)(r->prog->nentities + 1) * maxattrs, 1);
    if (f.lets && f.outputs && reported) {
        for (int i = 0; i < r->tree->decls.n; i++) {
            const ast_node *d = r->tree->decls.items[i];
            int n = d->kind == AST_CLAUSE ? d->list.n : 1;
            for (int k = 0; k < n; k++) {
                const ast_node *x = d->kind == AST_CLAUSE ? d->list.items[k] : d;
                const check_sem *s = check_sem_of(x);
                if (x->kind == AST_LET && s && s->index < r->nlets)
                    f.lets[s->index] = x;
                if (x->kind == AST_OUTPUT && s && s->index < r->prog->noutputs)
                    f.outputs[s->index] = x;
            }
        }
        for (uint32_t i = 0; i < r->prog->noutputs; i++)
            if (f.outputs[i] && reads_chosen_entity(f.outputs[i]->b))
                read_attributes(&f, f.outputs[i]->b, f.outputs[i], reported);
    }
    free(f.lets);
    free(f.outputs);
    free(reported);
}

/* ---- dates outside the policy's year ---------------------------------------------------------------------- */

/* A notice for year Y speaks of Y and of the year before (deadlines for tenure, the last year of training):
 * a date literal in a constant or an entity attribute outside Y-1 .. Y is most likely left from last year's file. */
static void dates_in(check_result *r, const ast_node *n, int32_t year, const char *where)
{
    if (!n)
        return;
    if (n->kind == AST_DATE) {
        int64_t y = polT_year(n->ival);
        if (y != year && y != year - 1) {
            diag_warning(r->diag, n->loc, "the date in %s is in %lld, but the policy is for %d", where, (long long)y,
                         year);
            diag_note(r->diag, nowhere, "fix: update it from this year's notice (dates in %d or %d are expected)",
                      year - 1, year);
        }
    }
    dates_in(r, n->a, year, where);
    dates_in(r, n->b, year, where);
    dates_in(r, n->c, year, where);
    for (int i = 0; i < n->list.n; i++)
        dates_in(r, n->list.items[i], year, where);
}

void check_dates(check_result *r)
{
    int32_t year = r->prog->year;
    if (year == 0)
        return;
    for (int i = 0; i < r->tree->decls.n; i++) {
        const ast_node *d = r->tree->decls.items[i];
        if (d->kind == AST_CONST || d->kind == AST_ENTITY)
            dates_in(r, d, year, d->name);
    }
}
