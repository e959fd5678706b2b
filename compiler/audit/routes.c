/* routes.c: routes added, removed or retargeted, found by comparing the routing FUNCTIONS of the two programs:
 * every combination of the values of the fields either routing code reads is routed in OLD and in NEW (through
 * the VM, routing.c), and the combinations whose target differs are reported, merged into as few boxes
 * (specialty × level × condition) as an exact merge gives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "vm.h"

#define MAX_COMBINATIONS 4000000u

typedef struct label {
    int64_t old_target, new_target; /* entity index, or POL_NONE when unrouted */
    uint32_t old_rule, new_rule;
    uint32_t missing; /* 1: a value OLD's enums lack (so no OLD record had it); 2: one NEW's lack */
    uint32_t pad;
} label;

typedef struct box {
    uint32_t label;
    uint8_t *in; /* per dimension, per value: 1 when the box holds it (dims' values laid end to end) */
    int dead;
} box;

typedef struct grid {
    audit_dim *dims;
    uint32_t ndims;
    uint32_t *base; /* offset of dim d's values in box.in */
    uint32_t width;
} grid;

static int same_except(const grid *g, const box *a, const box *b, uint32_t except)
{
    for (uint32_t d = 0; d < g->ndims; d++) {
        if (d == except)
            continue;
        if (memcmp(a->in + g->base[d], b->in + g->base[d], g->dims[d].nvalues) != 0)
            return 0;
    }
    return 1;
}

/* Merge boxes of one label that differ in one dimension only, conditions first, until nothing merges: the union
 * of the boxes stays exactly the set of points */
static void merge(const grid *g, box *boxes, uint32_t n)
{
    int merged = 1;
    while (merged) {
        merged = 0;
        for (uint32_t d = g->ndims; d-- > 0;)
            for (uint32_t i = 0; i < n; i++) {
                if (boxes[i].dead)
                    continue;
                for (uint32_t j = i + 1; j < n; j++) {
                    if (boxes[j].dead || boxes[j].label != boxes[i].label || !same_except(g, &boxes[i], &boxes[j], d))
                        continue;
                    for (uint32_t v = 0; v < g->dims[d].nvalues; v++)
                        boxes[i].in[g->base[d] + v] |= boxes[j].in[g->base[d] + v];
                    boxes[j].dead = 1;
                    merged = 1;
                }
            }
    }
}

static uint32_t count_in(const grid *g, const box *b, uint32_t d)
{
    uint32_t n = 0;
    for (uint32_t v = 0; v < g->dims[d].nvalues; v++)
        n += b->in[g->base[d] + v];
    return n;
}

static void value_list(const grid *g, const box *b, uint32_t d, int want, const char *sep, audit_buf *out)
{
    const char *s = "";
    for (uint32_t v = 0; v < g->dims[d].nvalues; v++)
        if (b->in[g->base[d] + v] == want) {
            audit_printf(out, "%s%s", s, g->dims[d].values[v]);
            s = sep;
        }
}

/* "机械, 电子信息 中级" (keys; * for every value) and "region == 吴江 and ..." (conditions) */
static void describe(const grid *g, const box *b, audit_buf *keys, audit_buf *cond)
{
    for (uint32_t d = 0; d < g->ndims; d++) {
        uint32_t n = count_in(g, b, d), all = g->dims[d].nvalues;
        if (g->dims[d].is_key) {
            if (keys->n)
                audit_puts(keys, " ");
            if (n == all)
                audit_puts(keys, "*");
            else
                value_list(g, b, d, 1, ", ", keys);
            continue;
        }
        if (n == all)
            continue;
        if (cond->n)
            audit_puts(cond, " and ");
        const char *f = g->dims[d].field;
        if (n == 1) {
            audit_printf(cond, "%s == ", f);
            value_list(g, b, d, 1, "", cond);
        } else if (all - n == 1) {
            audit_printf(cond, "%s != ", f);
            value_list(g, b, d, 0, "", cond);
        } else if (all - n < n) {
            audit_printf(cond, "%s not in {", f);
            value_list(g, b, d, 0, ", ", cond);
            audit_puts(cond, "}");
        } else {
            audit_printf(cond, "%s in {", f);
            value_list(g, b, d, 1, ", ", cond);
            audit_puts(cond, "}");
        }
    }
}

static void side_text(const audit_prog *ap, int64_t target, uint32_t rule, audit_buf *out)
{
    const polP_program *p = ap->p;
    if (target == (int64_t)POL_NONE || rule >= p->nrules) {
        audit_puts(out, "unrouted");
        return;
    }
    audit_rule_where(p, rule, out);
    audit_printf(out, ": %s", audit_str(p, p->rules[rule].text));
}

static void side_json(const audit_prog *ap, int64_t target, uint32_t rule, audit_buf *out)
{
    const polP_program *p = ap->p;
    if (target == (int64_t)POL_NONE || rule >= p->nrules) {
        audit_puts(out, "null");
        return;
    }
    const polP_rule *r = &p->rules[rule];
    audit_puts(out, "{\"target\": ");
    audit_json_string(out, audit_str(p, p->entities[target].name));
    audit_printf(out, ", \"line\": %u, \"clause\": ", (unsigned)r->line);
    if (r->clause == POL_NONE)
        audit_puts(out, "null");
    else
        audit_json_string(out, audit_str(p, r->clause));
    audit_puts(out, ", \"rule\": ");
    audit_json_string(out, audit_str(p, r->text));
    audit_puts(out, "}");
}

static const char *target_name(const audit_prog *ap, int64_t t)
{
    return t == (int64_t)POL_NONE ? "unrouted" : audit_str(ap->p, ap->p->entities[t].name);
}

static void report(const audit_prog *old, const audit_prog *new_, const grid *g, const box *b, const label *l,
                   audit_changes *c)
{
    audit_buf keys = {0}, cond = {0}, t = {0}, j = {0};
    describe(g, b, &keys, &cond);
    const char *change = l->old_target == (int64_t)POL_NONE   ? "added"
                         : l->new_target == (int64_t)POL_NONE ? "removed"
                                                               : "retargeted";
    audit_printf(&t, "route %s%s: %s%s%s: %s -> %s\n    old: ", change,
                 l->missing == 1 ? " (a value only NEW has)" : l->missing == 2 ? " (a value only OLD has)" : "", keys.s ? keys.s : "", cond.n ? " where " : "",
                 cond.n ? cond.s : "", target_name(old, l->old_target), target_name(new_, l->new_target));
    side_text(old, l->old_target, l->old_rule, &t);
    audit_puts(&t, "\n    new: ");
    side_text(new_, l->new_target, l->new_rule, &t);
    audit_puts(&j, "{\"kind\": \"route\", \"change\": ");
    audit_json_string(&j, change);
    audit_printf(&j, ", \"value_only_in\": %s", l->missing == 1 ? "\"new\"" : l->missing == 2 ? "\"old\"" : "null");
    audit_puts(&j, ", \"keys\": {");
    const char *sep = "";
    for (uint32_t d = 0; d < g->ndims; d++)
        if (g->dims[d].is_key) {
            audit_printf(&j, "%s", sep);
            audit_json_string(&j, g->dims[d].field);
            audit_puts(&j, ": [");
            const char *s2 = "";
            for (uint32_t v = 0; v < g->dims[d].nvalues; v++)
                if (b->in[g->base[d] + v]) {
                    audit_puts(&j, s2);
                    audit_json_string(&j, g->dims[d].values[v]);
                    s2 = ", ";
                }
            audit_puts(&j, "]");
            sep = ", ";
        }
    audit_puts(&j, "}, \"where\": ");
    if (cond.n)
        audit_json_string(&j, cond.s);
    else
        audit_puts(&j, "null");
    audit_puts(&j, ", \"old\": ");
    side_json(old, l->old_target, l->old_rule, &j);
    audit_puts(&j, ", \"new\": ");
    side_json(new_, l->new_target, l->new_rule, &j);
    audit_puts(&j, "}");
    audit_buf_free(&keys);
    audit_buf_free(&cond);
    audit_add(c, AUDIT_ROUTES, &t, &j);
}

int audit_diff_routes(const audit_prog *old, const audit_prog *new_, audit_changes *c)
{
    grid g = {0};
    audit_routing_fields(old, &g.dims, &g.ndims);
    audit_routing_fields(new_, &g.dims, &g.ndims);
    /* keys first, in their order; then the condition fields */
    for (uint32_t i = 0, k = 0; i < g.ndims; i++)
        if (g.dims[i].is_key) {
            audit_dim d = g.dims[i];
            memmove(&g.dims[k + 1], &g.dims[k], (i - k) * sizeof d);
            g.dims[k++] = d;
        }
    uint64_t ncombos = 1;
    g.base = audit_xmalloc((g.ndims + 1) * sizeof *g.base);
    for (uint32_t d = 0; d < g.ndims; d++) {
        g.base[d] = g.width;
        g.width += g.dims[d].nvalues;
        ncombos *= g.dims[d].nvalues;
        if (ncombos > MAX_COMBINATIONS) {
            fprintf(stderr, "poldiff: the routing reads more than %u combinations of values\n", MAX_COMBINATIONS);
            return -1;
        }
    }
    int status = 0;
    pol_context *co = NULL, *cn = NULL;
    if (pol_context_new(old->prog, &co) != POL_OK || pol_context_new(new_->prog, &cn) != POL_OK) {
        fputs("poldiff: out of memory\n", stderr);
        exit(2);
    }
    uint32_t *combo = audit_xmalloc((g.ndims + 1) * sizeof *combo);
    label *labels = NULL;
    uint32_t nlabels = 0;
    box *boxes = NULL;
    uint32_t nboxes = 0, cap = 0;
    for (uint64_t k = 0; k < (g.ndims ? ncombos : 0); k++) {
        uint64_t rest = k;
        for (uint32_t d = g.ndims; d-- > 0;) {
            combo[d] = (uint32_t)(rest % g.dims[d].nvalues);
            rest /= g.dims[d].nvalues;
        }
        label l;
        char err[512] = "";
        l.old_target = audit_route_of(old, co, g.dims, g.ndims, combo, &l.old_rule, err, sizeof err);
        if (l.old_target == -1) {
            fprintf(stderr, "poldiff: %s: routing: %s\n", old->path, err);
            status = -1;
            break;
        }
        l.new_target = audit_route_of(new_, cn, g.dims, g.ndims, combo, &l.new_rule, err, sizeof err);
        if (l.new_target == -1) {
            fprintf(stderr, "poldiff: %s: routing: %s\n", new_->path, err);
            status = -1;
            break;
        }
        l.missing = l.pad = 0;
        if (l.old_target == -2) /* a value OLD does not have: no record of OLD had it, none was routed */
            l.old_target = POL_NONE, l.old_rule = POL_NONE, l.missing = 1;
        if (l.new_target == -2)
            l.new_target = POL_NONE, l.new_rule = POL_NONE, l.missing = 2;
        if (strcmp(target_name(old, l.old_target), target_name(new_, l.new_target)) == 0)
            continue;
        uint32_t li = 0;
        while (li < nlabels && memcmp(&labels[li], &l, sizeof l) != 0)
            li++;
        if (li == nlabels) {
            labels = realloc(labels, (nlabels + 1) * sizeof *labels);
            if (!labels)
                exit(2);
            memset(&labels[nlabels], 0, sizeof *labels);
            labels[nlabels] = l;
            nlabels++;
        }
        if (nboxes == cap) {
            cap = cap ? cap * 2 : 64;
            boxes = realloc(boxes, cap * sizeof *boxes);
            if (!boxes)
                exit(2);
        }
        box *b = &boxes[nboxes++];
        b->label = li;
        b->dead = 0;
        b->in = audit_xmalloc(g.width + 1);
        for (uint32_t d = 0; d < g.ndims; d++)
            b->in[g.base[d] + combo[d]] = 1;
    }
    if (status == 0) {
        merge(&g, boxes, nboxes);
        for (uint32_t i = 0; i < nboxes; i++)
            if (!boxes[i].dead)
                report(old, new_, &g, &boxes[i], &labels[boxes[i].label], c);
    }
    for (uint32_t i = 0; i < nboxes; i++)
        free(boxes[i].in);
    free(boxes);
    free(labels);
    free(combo);
    free(g.base);
    for (uint32_t d = 0; d < g.ndims; d++) {
        for (uint32_t v = 0; v < g.dims[d].nvalues; v++)
            free(g.dims[d].values[v]);
        free(g.dims[d].values);
        free(g.dims[d].field);
    }
    free(g.dims);
    pol_context_free(co);
    pol_context_free(cn);
    return status;
}
