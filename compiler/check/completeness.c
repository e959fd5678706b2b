/* completeness.c: `unrouted` declarations, and the check that every combination of routing keys and condition
 * values is either routed or declared unrouted. Gaps are listed compactly: cells with the same missing condition
 * values are merged key by key into route-like lines (`* 正高级: all regions`, `机械 中级: 相城, 太仓`). */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

#define MAX_GAP_CELLS 4096 /* beyond this many gap cells, list them without merging */
#define MAX_GAP_LINES 20

static const ast_loc nowhere = {0, 0, 0, 0}; /* a note without a source line */

void check_unrouted_rule(check_result *r, ast_node *n, const char *clause)
{
    (void)clause;
    if (!r->has_routing) {
        if (!r->routing_node)
            diag_error(r->diag, n->loc, "'unrouted' needs a 'routing by FIELD, ... -> ENTITY_TYPE' declaration");
        return;
    }
    int ok = 1;
    uint64_t **keys = check_route_keys(r, n, &ok);
    const ast_node *reason = n->b;
    for (int i = 0; reason && i < reason->list.n; i++)
        if (reason->list.items[i]->kind != AST_TEXT) {
            diag_error(r->diag, reason->list.items[i]->loc, "the reason of 'unrouted' must be plain text, without `{...}`");
            ok = 0;
            break;
        }
    if (!keys || !ok)
        return;
    check_route *u = CHECK_PUSH(r, r->unrouted, r->nunrouted, r->unrouted_cap);
    memset(u, 0, sizeof *u);
    u->node = n;
    u->keys = keys;
    u->rule = POL_NONE;
    u->target = POL_NONE;
}

static int bit(const uint64_t *bits, uint64_t i) { return bits ? (int)(bits[i / 64] >> (i % 64) & 1) : 1; }

static uint32_t key_size(const check_result *r, uint32_t k)
{
    return r->prog->enums[r->prog->records[0].fields[r->key_fields[k]].type.ref].nvalues;
}

/* Whether a route or declaration's key lists cover a cell (the last key varies fastest) */
static int covers(const check_result *r, const check_route *x, uint64_t cell)
{
    for (uint32_t k = r->nkeys; k-- > 0;) {
        uint32_t n = key_size(r, k);
        if (!bit(x->keys[k], cell % n))
            return 0;
        cell /= n;
    }
    return 1;
}

/* A group of gap cells: one value set per key (their product) and the missing domain points they share */
typedef struct gap {
    uint64_t **keys;
    uint64_t *missing;
    int alive;
} gap;

static int same_bits(const uint64_t *a, const uint64_t *b, uint32_t nwords)
{
    return memcmp(a, b, nwords * sizeof *a) == 0;
}

static void truth_of(check_result *r, check_route *x, uint32_t nwords)
{
    if (!x->node->a)
        return;
    x->truth = ast_alloc(r->tree, (size_t)nwords * sizeof *x->truth);
    for (uint64_t p = 0; p < r->domain_size; p++)
        if (check_route_condition_holds(r, x->node->a, p)) {
            x->truth[p / 64] |= 1ULL << (p % 64);
            x->truth_count++;
        }
}

/* `机械, 电子信息 中级`, `* 正高级`: a group's key lists as a route would write them */
static size_t describe_keys(const check_result *r, const gap *g, char *buf, size_t size)
{
    const polP_record *app = &r->prog->records[0];
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t k = 0; k < r->nkeys && used < size; k++) {
        const polP_enum *e = &r->prog->enums[app->fields[r->key_fields[k]].type.ref];
        uint32_t count = 0;
        for (uint32_t v = 0; v < e->nvalues; v++)
            count += (uint32_t)bit(g->keys[k], v);
        if (k)
            used += (size_t)snprintf(buf + used, size - used, " ");
        if (count == e->nvalues && e->nvalues > 1) {
            used += (size_t)snprintf(buf + used, size - used, "*");
            continue;
        }
        int first = 1;
        for (uint32_t v = 0; v < e->nvalues && used < size; v++)
            if (bit(g->keys[k], v)) {
                used += (size_t)snprintf(buf + used, size - used, "%s%s", first ? "" : ", ", check_str(r, e->values[v]));
                first = 0;
            }
    }
    return used < size ? used : size - 1;
}

/* `all regions`, `相城, 太仓`, or points of several fields: the condition values a group misses */
static int describe_missing(const check_result *r, const gap *g, char *buf, size_t size)
{
    buf[0] = '\0';
    if (r->ncond_fields == 0)
        return 0;
    uint64_t count = 0;
    for (uint64_t p = 0; p < r->domain_size; p++)
        count += (uint64_t)bit(g->missing, p);
    const polP_record *app = &r->prog->records[0];
    size_t used = 0;
    if (count == r->domain_size) {
        if (r->ncond_fields == 1)
            snprintf(buf, size, diag_tr(r->diag, ": all %ss"), check_str(r, app->fields[r->cond_fields[0]].name));
        else
            snprintf(buf, size, "%s", diag_tr(r->diag, ": all records"));
        return 0;
    }
    used += (size_t)snprintf(buf, size, "%s", diag_tr(r->diag, ": "));
    uint64_t shown = 0;
    for (uint64_t p = 0; p < r->domain_size && used < size; p++) {
        if (!bit(g->missing, p))
            continue;
        if (shown++ == 8) {
            used += (size_t)snprintf(buf + used, size - used, diag_tr(r->diag, ", ... (%llu more)"),
                                     (unsigned long long)(count - 8));
            break;
        }
        char point[512];
        check_describe_point(r, p, point, sizeof point); /* ", region=吴江, exceptional=true" */
        const char *text = point + 2;
        if (r->ncond_fields == 1) { /* just the value */
            const char *eq = strchr(text, '=');
            text = eq ? eq + 1 : text;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s%s", shown > 1 ? ", " : "", text);
    }
    return 1;
}

/* Where to point for a gap: the first route for any of its cells (the routes that leave the rest out), else
 * the routing declaration */
static ast_loc gap_loc(const check_result *r, const gap *g)
{
    for (uint32_t i = 0; i < r->nroutes; i++) {
        int meets = 1;
        for (uint32_t k = 0; k < r->nkeys && meets; k++) {
            meets = 0;
            for (uint32_t w = 0; w < (key_size(r, k) + 63) / 64; w++)
                meets |= (r->routes[i].keys[k][w] & g->keys[k][w]) != 0;
        }
        if (meets)
            return r->routes[i].node->loc;
    }
    return r->routing_node->loc;
}

/* The `where` of the `unrouted` declaration that would close a gap: ` where region in {相城, 太仓}` when one
 * field's values are missing (null aside), ` where ...` for the officer to write otherwise, nothing for all */
static void suggest_where(const check_result *r, const gap *g, int partial, char *buf, size_t size)
{
    buf[0] = '\0';
    if (!partial)
        return;
    const polP_field *f = &r->prog->records[0].fields[r->cond_fields[0]];
    uint32_t real = f->type.kind == POL_T_BOOL ? 2 : r->prog->enums[f->type.ref].nvalues;
    int simple = r->ncond_fields == 1 && f->type.kind == POL_T_ENUM && !(r->domain_size > real && bit(g->missing, real));
    if (!simple) {
        snprintf(buf, size, " where ...");
        return;
    }
    size_t used = (size_t)snprintf(buf, size, " where %s in {", check_str(r, f->name));
    int first = 1;
    for (uint32_t v = 0; v < real && used < size; v++)
        if (bit(g->missing, v)) {
            used += (size_t)snprintf(buf + used, size - used, "%s%s", first ? "" : ", ",
                                     check_str(r, r->prog->enums[f->type.ref].values[v]));
            first = 0;
        }
    if (used < size)
        snprintf(buf + used, size - used, "}");
}

/* Each declaration that says records are unrouted while a route routes some of them */
static void report_contradictions(check_result *r)
{
    for (uint32_t u = 0; u < r->nunrouted; u++) {
        const check_route *x = &r->unrouted[u];
        if (x->node->a && x->truth_count == 0) {
            diag_warning(r->diag, x->node->a->loc, "this condition can never hold: the declaration covers nothing");
            diag_note(r->diag, nowhere, "fix: correct the condition or delete the declaration");
            continue;
        }
        /* the first route (in source order) that routes records the declaration covers, at its first such cell;
         * only the cells the declaration covers are visited, and in each only the routes of that cell */
        uint32_t best_route = UINT32_MAX;
        uint64_t best_cell = 0, best_point = 0;
        for (uint64_t c = 0; c < r->ncells && !diag_out_of_time(r->diag); c++) {
            if (!covers(r, x, c))
                continue;
            for (uint32_t k = r->cell_start[c]; k < r->cell_start[c + 1]; k++) {
                uint32_t i = r->cell_routes[k];
                if (i > best_route || (i == best_route && c >= best_cell))
                    continue;
                const check_route *route = &r->routes[i];
                for (uint64_t p = 0; p < r->domain_size; p++)
                    if (bit(x->truth, p) && bit(route->truth, p)) {
                        best_route = i;
                        best_cell = c;
                        best_point = p;
                        break;
                    }
            }
        }
        if (best_route != UINT32_MAX) {
            const check_route *route = &r->routes[best_route];
            char cell[512], point[512];
            check_describe_cell(r, best_cell, cell, sizeof cell);
            check_describe_point(r, best_point, point, sizeof point);
            diag_warning(r->diag, x->node->loc,
                         "this says records such as %s%s are not handled, but the route on line %d routes them", cell,
                         point, route->node->loc.line);
            diag_note(r->diag, route->node->loc,
                      "fix: narrow the 'unrouted' declaration (or the route) so that they do not meet");
        }
    }
}

void check_completeness(check_result *r)
{
    if (!r->has_routing || !r->cell_start || r->domain_size == 0)
        return;
    uint32_t nwords = (uint32_t)((r->domain_size + 63) / 64);
    for (uint32_t u = 0; u < r->nunrouted; u++)
        truth_of(r, &r->unrouted[u], nwords);
    report_contradictions(r);

    /* the gap cells, each with its missing points */
    gap *gaps = NULL;
    uint32_t ngaps = 0, cap = 0;
    uint64_t *handled = calloc(nwords, sizeof *handled);
    if (!handled)
        return;
    for (uint64_t c = 0; c < r->ncells && !diag_out_of_time(r->diag); c++) {
        memset(handled, 0, nwords * sizeof *handled);
        const uint32_t *list = r->cell_routes + r->cell_start[c];
        uint32_t n = r->cell_start[c + 1] - r->cell_start[c];
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t w = 0; w < nwords; w++)
                handled[w] |= r->routes[list[i]].truth ? r->routes[list[i]].truth[w] : ~0ULL;
        for (uint32_t u = 0; u < r->nunrouted; u++)
            if (covers(r, &r->unrouted[u], c))
                for (uint32_t w = 0; w < nwords; w++)
                    handled[w] |= r->unrouted[u].truth ? r->unrouted[u].truth[w] : ~0ULL;
        int any = 0;
        for (uint64_t p = 0; p < r->domain_size; p++)
            any |= !bit(handled, p);
        if (!any)
            continue;
        if (ngaps == cap) {
            cap = cap ? cap * 2 : 64;
            gap *more = realloc(gaps, cap * sizeof *gaps);
            if (!more)
                break;
            gaps = more;
        }
        gap *g = &gaps[ngaps++];
        g->alive = 1;
        g->missing = ast_alloc(r->tree, (size_t)nwords * sizeof *g->missing);
        for (uint64_t p = 0; p < r->domain_size; p++)
            if (!bit(handled, p))
                g->missing[p / 64] |= 1ULL << (p % 64);
        g->keys = ast_alloc(r->tree, r->nkeys * sizeof *g->keys);
        uint64_t rest = c;
        for (uint32_t k = r->nkeys; k-- > 0;) {
            uint32_t size = key_size(r, k);
            g->keys[k] = ast_alloc(r->tree, ((size + 63) / 64) * sizeof **g->keys);
            g->keys[k][(rest % size) / 64] |= 1ULL << ((rest % size) % 64);
            rest /= size;
        }
    }
    free(handled);

    /* merge along the first key, then the next, ...: groups equal in every other key and in what they miss */
    for (uint32_t k = 0; k < r->nkeys && ngaps <= MAX_GAP_CELLS; k++)
        for (uint32_t i = 0; i < ngaps; i++) {
            if (!gaps[i].alive)
                continue;
            for (uint32_t j = i + 1; j < ngaps; j++) {
                if (!gaps[j].alive || !same_bits(gaps[i].missing, gaps[j].missing, nwords))
                    continue;
                int same = 1;
                for (uint32_t o = 0; o < r->nkeys && same; o++)
                    if (o != k)
                        same = same_bits(gaps[i].keys[o], gaps[j].keys[o], (key_size(r, o) + 63) / 64);
                if (!same)
                    continue;
                for (uint32_t w = 0; w < (key_size(r, k) + 63) / 64; w++)
                    gaps[i].keys[k][w] |= gaps[j].keys[k][w];
                gaps[j].alive = 0;
            }
        }

    uint32_t lines = 0, alive = 0;
    for (uint32_t i = 0; i < ngaps; i++)
        alive += (uint32_t)gaps[i].alive;
    for (uint32_t i = 0; i < ngaps; i++) {
        if (!gaps[i].alive)
            continue;
        if (lines++ == MAX_GAP_LINES) {
            diag_note(r->diag, nowhere, "... and %u more such lines", alive - MAX_GAP_LINES);
            break;
        }
        char keys[1024], missing[1024];
        describe_keys(r, &gaps[i], keys, sizeof keys);
        int partial = describe_missing(r, &gaps[i], missing, sizeof missing);
        char where[1024];
        suggest_where(r, &gaps[i], partial, where, sizeof where);
        diag_warning(r->diag, gap_loc(r, &gaps[i]), "not routed and not declared unrouted: %s%s", keys, missing);
        diag_note(r->diag, nowhere,
                  "fix: add a route for them, or declare in the clause that leaves them out: "
                  "unrouted %s%s : \"REASON\"",
                  keys, where);
    }
    free(gaps);
}
