/* routes.c: the routing declaration, each route's keys and condition, and the analysis that makes overlapping
 * routes either exceptions (one strictly narrower than the other) or compile errors.
 *
 * Route conditions may use only enum and bool fields, so each one is a finite set: the points of the domain
 * (every combination of values of the fields the conditions use, null included for optional fields) where it
 * holds. Narrower means a strict subset. */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

#define MAX_DOMAIN (1u << 16)
#define MAX_CELLS (1u << 22)

static ast_loc name_loc(const ast_node *n) { return n->name_loc.line ? n->name_loc : n->loc; }

void check_routing_decl(check_result *r)
{
    const ast_node *found = NULL;
    for (int i = 0; i < r->tree->decls.n; i++) {
        const ast_node *d = r->tree->decls.items[i];
        if (d->kind != AST_ROUTING)
            continue;
        if (found) {
            diag_error(r->diag, d->loc, "a policy has one 'routing' declaration");
            diag_note(r->diag, found->loc, "the first one is here");
            continue;
        }
        found = d;
    }
    if (!found)
        return;
    r->routing_node = found;
    const polP_record *app = &r->prog->records[0];
    int ok = 1;
    r->nkeys = (uint32_t)found->list.n;
    r->key_fields = ast_alloc(r->tree, ((size_t)r->nkeys + 1) * sizeof *r->key_fields);
    r->ncells = 1;
    for (uint32_t k = 0; k < r->nkeys; k++) {
        const ast_node *key = found->list.items[k];
        uint32_t slot;
        if (!strmap_get(&r->field_names[0], key->name, strlen(key->name), &slot)) {
            const char **names = ast_alloc(r->tree, ((size_t)app->nfields + 1) * sizeof *names);
            for (uint32_t i = 0; i < app->nfields; i++)
                names[i] = check_str(r, app->fields[i].name);
            check_unknown(r, key->loc, "applicant field", key->name, names, app->nfields);
            ok = 0;
            continue;
        }
        if (app->fields[slot].type.kind != POL_T_ENUM) {
            diag_error(r->diag, key->loc, "routes are keyed by enum fields; '%s' is not one", key->name);
            ok = 0;
            continue;
        }
        r->key_fields[k] = slot;
        r->ncells *= r->prog->enums[app->fields[slot].type.ref].nvalues;
        if (r->ncells > MAX_CELLS) {
            diag_error(r->diag, found->loc, "routing by these keys makes more than %u combinations", MAX_CELLS);
            ok = 0;
            break;
        }
    }
    uint32_t type;
    if (!strmap_get(&r->etype_names, found->name2, strlen(found->name2), &type)) {
        const char **names = ast_alloc(r->tree, ((size_t)r->prog->nentity_types + 1) * sizeof *names);
        for (uint32_t i = 0; i < r->prog->nentity_types; i++)
            names[i] = check_str(r, r->prog->entity_types[i].name);
        check_unknown(r, found->loc, "entity type", found->name2, names, r->prog->nentity_types);
        ok = 0;
    }
    if (r->nkeys == 0) {
        diag_error(r->diag, found->loc, "routing needs at least one key field");
        ok = 0;
    }
    r->route_target_type = type;
    r->has_routing = ok;
}

/* The fields a route condition uses, after checking it uses nothing else. Returns 0 after an error. */
int check_condition_fields(check_result *r, const ast_node *n, uint32_t *fields, uint32_t *nfields, int report)
{
    const check_sem *s = check_sem_of(n);
    if (!s)
        return 0;
    switch (n->kind) {
    case AST_BOOL:
    case AST_NULL:
        return 1;
    case AST_NAME:
        if (s->sym == SYM_VALUE && (s->type.kind == POL_T_ENUM || s->type.kind == POL_T_BOOL ||
                                    s->type.kind == POL_T_NULL))
            return 1;
        if (s->sym == SYM_FIELD && (s->type.kind == POL_T_ENUM || s->type.kind == POL_T_BOOL)) {
            for (uint32_t i = 0; i < *nfields; i++)
                if (fields[i] == s->index)
                    return 1;
            fields[(*nfields)++] = s->index;
            return 1;
        }
        break;
    case AST_UNARY:
        if (n->op == AST_OP_NOT)
            return check_condition_fields(r, n->a, fields, nfields, report);
        break;
    case AST_IN:
        return check_condition_fields(r, n->a, fields, nfields, report);
    case AST_BINARY:
        if (n->op == AST_OP_AND || n->op == AST_OP_OR || n->op == AST_OP_EQ || n->op == AST_OP_NE)
            return check_condition_fields(r, n->a, fields, nfields, report) &&
                   check_condition_fields(r, n->b, fields, nfields, report);
        break;
    default:
        break;
    }
    if (report)
        diag_error(r->diag, n->loc,
                   "a route condition may use only enum and bool fields with ==, !=, in, and, or, not "
                   "(so that overlapping routes can be found at compile time)");
    return 0;
}

/* A route's or `unrouted` declaration's key lists as bitmaps of accepted values (NULL after an error), and its
 * condition checked to use only enum and bool fields; *ok is cleared after an error in either. */
uint64_t **check_route_keys(check_result *r, ast_node *n, int *ok)
{
    const polP_record *app = &r->prog->records[0];
    if ((uint32_t)n->list.n != r->nkeys) {
        diag_error(r->diag, n->loc, "this route gives %d key list%s, but routing is by %u field%s", n->list.n,
                   n->list.n == 1 ? "" : "s", r->nkeys, r->nkeys == 1 ? "" : "s");
        *ok = 0;
        return NULL;
    }
    uint64_t **keys = ast_alloc(r->tree, r->nkeys * sizeof *keys);
    for (uint32_t k = 0; k < r->nkeys; k++) {
        const ast_node *list = n->list.items[k];
        uint32_t e = app->fields[r->key_fields[k]].type.ref;
        uint32_t nvalues = r->prog->enums[e].nvalues, nwords = (nvalues + 63) / 64;
        keys[k] = ast_alloc(r->tree, ((size_t)nwords + 1) * sizeof **keys);
        if (list->list.n == 0) { /* '*' */
            for (uint32_t v = 0; v < nvalues; v++)
                keys[k][v / 64] |= 1ULL << (v % 64);
            continue;
        }
        for (int i = 0; i < list->list.n; i++) {
            const ast_node *v = list->list.items[i];
            int index = check_enum_value(r, e, v->name);
            if (index < 0) {
                check_unknown_enum_value(r, v->loc, e, v->name);
                *ok = 0;
                continue;
            }
            if (keys[k][index / 64] >> (index % 64) & 1)
                diag_warning(r->diag, v->loc, "'%s' is listed twice in this route", v->name);
            keys[k][index / 64] |= 1ULL << (index % 64);
        }
    }
    if (n->a) {
        check_env env = {WHERE_ROUTE, NULL, 0};
        polP_type boolean = check_type_make(POL_T_BOOL, 0, 0);
        check_sem *c = check_expr(r, n->a, &env, &boolean);
        if (c->type.kind != POL_T_BOOL) {
            if (c->sym != SYM_NONE || c->is_const)
                diag_error(r->diag, n->a->loc, "a route condition must be a bool");
            *ok = 0;
        } else {
            uint32_t *fields = ast_alloc(r->tree, ((size_t)app->nfields + 1) * sizeof *fields), nfields = 0;
            if (!check_condition_fields(r, n->a, fields, &nfields, 1))
                *ok = 0;
        }
    }
    return keys;
}

void check_route_rule(check_result *r, ast_node *n, const char *clause)
{
    if (!r->has_routing) {
        if (!r->routing_node)
            diag_error(r->diag, n->loc, "a route needs a 'routing by FIELD, ... -> ENTITY_TYPE' declaration");
        return;
    }
    int ok = 1;
    uint64_t **keys = check_route_keys(r, n, &ok);
    if (!keys)
        return;
    uint32_t target;
    if (!strmap_get(&r->entity_names, n->name, strlen(n->name), &target)) {
        const char **names = ast_alloc(r->tree, ((size_t)r->prog->nentities + 1) * sizeof *names);
        uint32_t k = 0;
        for (uint32_t i = 0; i < r->prog->nentities; i++)
            if (r->prog->entities[i].type == r->route_target_type)
                names[k++] = check_str(r, r->prog->entities[i].name);
        char what[256];
        snprintf(what, sizeof what, "%s", check_str(r, r->prog->entity_types[r->route_target_type].name));
        check_unknown(r, name_loc(n), what, n->name, names, k);
        return;
    }
    if (r->prog->entities[target].type != r->route_target_type) {
        diag_error(r->diag, name_loc(n), "routes lead to a %s, but '%s' is a %s",
                   check_str(r, r->prog->entity_types[r->route_target_type].name), n->name,
                   r->prog->entities[target].type == POL_NONE
                       ? "?"
                       : check_str(r, r->prog->entity_types[r->prog->entities[target].type].name));
        return;
    }
    if (!ok)
        return;
    r->routes = check_grow(r, r->routes, &r->routes_cap, r->nroutes + 1, sizeof *r->routes);
    check_route *route = &r->routes[r->nroutes++];
    memset(route, 0, sizeof *route);
    route->node = n;
    route->keys = keys;
    route->target = target;
    route->rule = check_add_rule(r, n, POLP_RULE_ROUTE, clause, target);
}

/* ---- the condition domain -------------------------------------------------------------------------------- */

/* Number of values a condition field takes, null included when it is optional */
uint32_t check_field_domain(const check_result *r, uint32_t slot)
{
    const polP_field *f = &r->prog->records[0].fields[slot];
    uint32_t n = f->type.kind == POL_T_BOOL ? 2 : r->prog->enums[f->type.ref].nvalues;
    int nullable = f->type.nullable && f->def.kind == POL_T_NULL;
    return n + (uint32_t)nullable;
}

/* The value (index, or -1 for null) of a field at a domain point */
static int64_t point_value(const check_result *r, uint32_t slot, uint64_t point)
{
    for (uint32_t i = 0; i < r->ncond_fields; i++) {
        uint32_t size = check_field_domain(r, r->cond_fields[i]);
        uint64_t v = point % size;
        point /= size;
        if (r->cond_fields[i] == slot) {
            const polP_field *f = &r->prog->records[0].fields[slot];
            uint32_t real = f->type.kind == POL_T_BOOL ? 2 : r->prog->enums[f->type.ref].nvalues;
            return v >= real ? -1 : (int64_t)v;
        }
    }
    return -1;
}

/* Evaluate an operand of a route condition at a point: a value index, -1 for null */
static int64_t operand(const check_result *r, const ast_node *n, uint64_t point)
{
    const check_sem *s = check_sem_of(n);
    if (s->sym == SYM_FIELD)
        return point_value(r, s->index, point);
    if (s->is_const)
        return s->value.kind == POL_T_NULL ? -1 : s->value.u.i;
    return check_route_condition_holds(r, n, point);
}

int check_route_condition_holds(const check_result *r, const ast_node *n, uint64_t point)
{
    switch (n->kind) {
    case AST_BOOL:
        return n->ival != 0;
    case AST_NAME:
        return operand(r, n, point) == 1;
    case AST_UNARY:
        return !check_route_condition_holds(r, n->a, point);
    case AST_IN: {
        int64_t v = operand(r, n->a, point);
        const polP_set *set = &r->prog->sets[check_sem_of(n)->aux];
        int in = v >= 0 && (set->bits[v / 64] >> (v % 64) & 1);
        return n->op ? !in : in;
    }
    case AST_BINARY:
        switch (n->op) {
        case AST_OP_AND:
            return check_route_condition_holds(r, n->a, point) && check_route_condition_holds(r, n->b, point);
        case AST_OP_OR:
            return check_route_condition_holds(r, n->a, point) || check_route_condition_holds(r, n->b, point);
        case AST_OP_EQ:
            return operand(r, n->a, point) == operand(r, n->b, point);
        case AST_OP_NE:
            return operand(r, n->a, point) != operand(r, n->b, point);
        default:
            return 0;
        }
    default:
        return 0;
    }
}

/* "region=吴江" for an example record in a message */
void check_describe_point(const check_result *r, uint64_t point, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < r->ncond_fields && used < size; i++) {
        uint32_t slot = r->cond_fields[i];
        const polP_field *f = &r->prog->records[0].fields[slot];
        int64_t v = point_value(r, slot, point);
        const char *value = v < 0                           ? "null"
                            : f->type.kind == POL_T_BOOL ? (v ? "true" : "false")
                                                            : check_str(r, r->prog->enums[f->type.ref].values[v]);
        used += (size_t)snprintf(buf + used, size - used, ", %s=%s", check_str(r, f->name), value);
    }
}

static void collect_condition_fields(check_result *r)
{
    const polP_record *app = &r->prog->records[0];
    r->cond_fields = ast_alloc(r->tree, ((size_t)app->nfields + 1) * sizeof *r->cond_fields);
    for (uint32_t i = 0; i < r->nroutes; i++) {
        uint32_t *fields = ast_alloc(r->tree, ((size_t)app->nfields + 1) * sizeof *fields), nfields = 0;
        if (r->routes[i].node->a)
            check_condition_fields(r, r->routes[i].node->a, fields, &nfields, 0);
        for (uint32_t u = 0; i == 0 && u < r->nunrouted; u++) /* and the `unrouted` declarations' fields */
            if (r->unrouted[u].node->a)
                check_condition_fields(r, r->unrouted[u].node->a, fields, &nfields, 0);
        for (uint32_t k = 0; k < nfields; k++) {
            int seen = 0;
            for (uint32_t j = 0; j < r->ncond_fields; j++)
                seen |= r->cond_fields[j] == fields[k];
            if (!seen)
                r->cond_fields[r->ncond_fields++] = fields[k];
        }
    }
    /* slot order, so the domain does not depend on which route mentioned a field first */
    for (uint32_t i = 1; i < r->ncond_fields; i++)
        for (uint32_t j = i; j > 0 && r->cond_fields[j - 1] > r->cond_fields[j]; j--) {
            uint32_t t = r->cond_fields[j];
            r->cond_fields[j] = r->cond_fields[j - 1];
            r->cond_fields[j - 1] = t;
        }
}

static int bit(const uint64_t *bits, uint64_t i) { return bits ? (int)(bits[i / 64] >> (i % 64) & 1) : 1; }

/* Compare two routes' truth sets: the size of their intersection, and whether each is inside the other */
static uint64_t relate(const check_result *r, const check_route *a, const check_route *b, int *a_in_b, int *b_in_a,
                       uint64_t *example)
{
    uint64_t both = 0;
    *a_in_b = *b_in_a = 1;
    for (uint64_t p = 0; p < r->domain_size; p++) {
        int x = bit(a->truth, p), y = bit(b->truth, p);
        if (x && y && both++ == 0)
            *example = p;
        if (x && !y)
            *a_in_b = 0;
        if (y && !x)
            *b_in_a = 0;
    }
    return both;
}

void check_describe_cell(const check_result *r, uint64_t cell, char *buf, size_t size)
{
    const polP_record *app = &r->prog->records[0];
    size_t used = 0;
    buf[0] = '\0';
    uint64_t rest = cell; /* the last key varies fastest */
    const char *parts[16];
    uint32_t n = r->nkeys < 16 ? r->nkeys : 16;
    for (uint32_t k = n; k-- > 0;) {
        const polP_enum *e = &r->prog->enums[app->fields[r->key_fields[k]].type.ref];
        parts[k] = check_str(r, e->values[rest % e->nvalues]);
        rest /= e->nvalues;
    }
    for (uint32_t k = 0; k < n && used < size; k++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%s", k ? ", " : "",
                                 check_str(r, app->fields[r->key_fields[k]].name), parts[k]);
}

typedef struct pair_seen {
    uint64_t *keys;
    size_t cap, count;
} pair_seen;

/* Each overlapping pair is reported once, however many cells it shares */
static int pair_first_time(pair_seen *seen, uint32_t a, uint32_t b)
{
    uint64_t key = ((uint64_t)a << 32 | b) + 1;
    if ((seen->count + 1) * 2 > seen->cap) {
        size_t ncap = seen->cap ? seen->cap * 2 : 64;
        uint64_t *fresh = calloc(ncap, sizeof *fresh);
        if (!fresh)
            return 0;
        for (size_t i = 0; i < seen->cap; i++)
            if (seen->keys[i]) {
                size_t j = (seen->keys[i] * 0x9E3779B97F4A7C15ULL) & (ncap - 1);
                while (fresh[j])
                    j = (j + 1) & (ncap - 1);
                fresh[j] = seen->keys[i];
            }
        free(seen->keys);
        seen->keys = fresh;
        seen->cap = ncap;
    }
    size_t j = (key * 0x9E3779B97F4A7C15ULL) & (seen->cap - 1);
    while (seen->keys[j]) {
        if (seen->keys[j] == key)
            return 0;
        j = (j + 1) & (seen->cap - 1);
    }
    seen->keys[j] = key;
    seen->count++;
    return 1;
}

void check_routes_analyse(check_result *r)
{
    if (!r->has_routing || r->nroutes == 0 || diag_error_count(r->diag))
        return;
    const polP_record *app = &r->prog->records[0];
    collect_condition_fields(r);
    r->domain_size = 1;
    for (uint32_t i = 0; i < r->ncond_fields; i++) {
        r->domain_size *= check_field_domain(r, r->cond_fields[i]);
        if (r->domain_size > MAX_DOMAIN) {
            diag_error(r->diag, r->routing_node->loc,
                       "route conditions combine too many fields (more than %u combinations to compare)", MAX_DOMAIN);
            return;
        }
    }
    uint32_t nwords = (uint32_t)((r->domain_size + 63) / 64);
    for (uint32_t i = 0; i < r->nroutes && !diag_out_of_time(r->diag); i++) {
        check_route *route = &r->routes[i];
        if (!route->node->a) {
            route->truth_count = (uint32_t)r->domain_size;
            continue;
        }
        route->truth = ast_alloc(r->tree, (size_t)nwords * sizeof *route->truth);
        for (uint64_t p = 0; p < r->domain_size; p++)
            if (check_route_condition_holds(r, route->node->a, p)) {
                route->truth[p / 64] |= 1ULL << (p % 64);
                route->truth_count++;
            }
        if (route->truth_count == 0)
            diag_warning(r->diag, route->node->a->loc, "this condition can never hold: the route never applies");
    }

    /* the routes of each cell: count, then fill (CSR layout) */
    uint32_t *sizes = calloc(r->ncells + 1, sizeof *sizes);
    uint32_t *strides = ast_alloc(r->tree, ((size_t)r->nkeys + 1) * sizeof *strides);
    if (!sizes)
        return;
    strides[r->nkeys - 1] = 1;
    for (uint32_t k = r->nkeys - 1; k > 0; k--)
        strides[k - 1] = strides[k] * r->prog->enums[app->fields[r->key_fields[k]].type.ref].nvalues;
    r->cell_start = ast_alloc(r->tree, (r->ncells + 1) * sizeof *r->cell_start);
    uint32_t nk = r->nkeys < 16 ? r->nkeys : 16, most = 1; /* held: the values each key list of a route holds */
    for (uint32_t k = 0; k < nk; k++)
        if (r->prog->enums[app->fields[r->key_fields[k]].type.ref].nvalues > most)
            most = r->prog->enums[app->fields[r->key_fields[k]].type.ref].nvalues;
    uint32_t *held = malloc((size_t)nk * most * sizeof *held);
    if (!held) {
        free(sizes);
        return;
    }
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            uint64_t total = 0;
            for (uint64_t c = 0; c < r->ncells; c++) {
                r->cell_start[c] = (uint32_t)total;
                total += sizes[c];
                sizes[c] = 0;
            }
            r->cell_start[r->ncells] = (uint32_t)total;
            r->cell_routes = ast_alloc(r->tree, (total + 1) * sizeof *r->cell_routes);
        }
        for (uint32_t i = 0; i < r->nroutes; i++) {
            /* walk the cells this route's key lists cover: an odometer over the values each list holds, so
             * the work is the cells covered, not all cells (10,000 routes over 10,000 cells stay fast) */
            uint32_t idx[16] = {0}, nheld[16];
            int none = 0;
            for (uint32_t k = 0; k < nk; k++) {
                nheld[k] = 0;
                for (uint32_t v = 0; v < r->prog->enums[app->fields[r->key_fields[k]].type.ref].nvalues; v++)
                    if (bit(r->routes[i].keys[k], v))
                        held[(size_t)k * most + nheld[k]++] = v;
                none |= nheld[k] == 0;
            }
            while (!none) {
                uint64_t cell = 0;
                for (uint32_t k = 0; k < nk; k++)
                    cell += (uint64_t)held[(size_t)k * most + idx[k]] * strides[k];
                if (pass == 1)
                    r->cell_routes[r->cell_start[cell] + sizes[cell]] = i;
                sizes[cell]++;
                uint32_t k = nk;
                while (k-- > 0) {
                    if (++idx[k] < nheld[k])
                        break;
                    idx[k] = 0;
                }
                if (k == UINT32_MAX)
                    break;
            }
        }
    }
    free(held);
    free(sizes);

    pair_seen seen = {NULL, 0, 0};
    for (uint64_t c = 0; c < r->ncells && !diag_out_of_time(r->diag); c++) {
        uint32_t *list = r->cell_routes + r->cell_start[c];
        uint32_t n = r->cell_start[c + 1] - r->cell_start[c];
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t j = i + 1; j < n; j++) {
                const check_route *a = &r->routes[list[i]], *b = &r->routes[list[j]];
                int a_in_b, b_in_a;
                uint64_t example = 0;
                if (relate(r, a, b, &a_in_b, &b_in_a, &example) == 0)
                    continue;
                if (a_in_b != b_in_a) /* one strictly narrower: an exception */
                    continue;
                if (!pair_first_time(&seen, list[i], list[j]))
                    continue;
                char cell[512], point[512];
                check_describe_cell(r, c, cell, sizeof cell);
                check_describe_point(r, example, point, sizeof point);
                if (a_in_b && b_in_a)
                    diag_error(r->diag, b->node->loc,
                               "this route matches exactly the records the route on line %d matches (e.g. %s%s): "
                               "the policy says it twice",
                               a->node->loc.line, cell, point);
                else
                    diag_error(r->diag, b->node->loc,
                               "this route and the route on line %d both match records such as %s%s, and neither "
                               "is an exception to the other; make one condition narrower than the other",
                               a->node->loc.line, cell, point);
                diag_note(r->diag, a->node->loc, "the other route");
            }
        /* exceptions first: a strict subset has fewer points; ties keep source order */
        for (uint32_t i = 1; i < n; i++)
            for (uint32_t j = i; j > 0; j--) {
                const check_route *x = &r->routes[list[j - 1]], *y = &r->routes[list[j]];
                if (x->truth_count < y->truth_count || (x->truth_count == y->truth_count && list[j - 1] < list[j]))
                    break;
                uint32_t t = list[j];
                list[j] = list[j - 1];
                list[j - 1] = t;
            }
    }
    free(seen.keys);
}
