/* impact.c: every record decided under both programs; the records whose decision changes, counted exactly and
 * grouped by what changed: an output (with its old -> new values), a finding of one clause and kind that now
 * fires, no longer fires or says something else, or a record that one program cannot decide. */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "date.h"
#include "pol_json.h"
#include "vm.h"

#define MAX_TRANSITIONS 10 /* beyond this many distinct old -> new values, a field's groups become one */
#define TEXT_EXAMPLES 5

typedef struct tally {
    char *name;
    size_t count;
} tally;

typedef struct group {
    char *what;  /* "output", "finding", "error" */
    char *name;  /* the output; "三(一) violation added"; "error under NEW" */
    char *old_v; /* outputs: the values (NULL when the group gathers several) */
    char *new_v;
    size_t count;
    size_t last_record; /* the record counted last, so each record counts once */
    char **ids;
    tally *committees;
    size_t ncommittees;
} group;

typedef struct impact {
    group *groups;
    size_t ngroups;
} impact;

static void value_text(const pol_value *v, audit_buf *out)
{
    char buf[64];
    switch (v->type) {
    case POL_T_NULL: audit_puts(out, "null"); break;
    case POL_T_BOOL: audit_puts(out, v->boolean ? "true" : "false"); break;
    case POL_T_INT: audit_printf(out, "%lld", (long long)v->integer); break;
    case POL_T_NUMBER:
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(buf, sizeof buf, "%.*g", prec, v->number);
            if (strtod(buf, NULL) == v->number)
                break;
        }
        audit_puts(out, buf);
        break;
    case POL_T_DATE:
        if (v->minute >= 0)
            audit_printf(out, "%04d-%02d-%02dT%02d:%02d", v->year, v->month, v->day, v->minute / 60, v->minute % 60);
        else
            audit_printf(out, "%04d-%02d-%02d", v->year, v->month, v->day);
        break;
    case POL_T_STRING: audit_json_string(out, v->string); break;
    default: audit_putn(out, v->string ? v->string : "?", v->string ? v->length : 1); break;
    }
}

static const char *committee(const pol_context *ctx)
{
    const polP_program *p = ctx->prog->p;
    if (ctx->routed.tag != POL_T_ENTITY || (uint64_t)ctx->routed.u.i >= p->nentities)
        return "unrouted";
    return audit_str(p, p->entities[ctx->routed.u.i].name);
}

static int same(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

static void count(impact *im, const char *what, const char *name, const char *old_v, const char *new_v,
                  size_t record, const char *id, const char *committee_name)
{
    group *g = NULL;
    for (size_t i = 0; i < im->ngroups && !g; i++)
        if (!strcmp(im->groups[i].what, what) && !strcmp(im->groups[i].name, name) &&
            same(im->groups[i].old_v, old_v) && same(im->groups[i].new_v, new_v))
            g = &im->groups[i];
    if (!g) {
        im->groups = realloc(im->groups, (im->ngroups + 1) * sizeof *im->groups);
        if (!im->groups)
            exit(2);
        g = &im->groups[im->ngroups++];
        memset(g, 0, sizeof *g);
        g->what = audit_strdup(what);
        g->name = audit_strdup(name);
        g->old_v = old_v ? audit_strdup(old_v) : NULL;
        g->new_v = new_v ? audit_strdup(new_v) : NULL;
        g->last_record = (size_t)-1;
    }
    if (g->last_record == record)
        return;
    g->last_record = record;
    g->ids = realloc(g->ids, (g->count + 1) * sizeof *g->ids);
    if (!g->ids)
        exit(2);
    g->ids[g->count++] = audit_strdup(id);
    for (size_t i = 0; i < g->ncommittees; i++)
        if (!strcmp(g->committees[i].name, committee_name)) {
            g->committees[i].count++;
            return;
        }
    g->committees = realloc(g->committees, (g->ncommittees + 1) * sizeof *g->committees);
    if (!g->committees)
        exit(2);
    g->committees[g->ncommittees].name = audit_strdup(committee_name);
    g->committees[g->ncommittees++].count = 1;
}

/* ---- one record ------------------------------------------------------------------------------------------------ */
typedef struct side {
    const audit_prog *ap;
    pol_json_reader *reader;
    pol_context *ctx;
} side;

static int compare_outputs(impact *im, side *a, side *b, size_t record, const char *id, const char *comm)
{
    int changed = 0;
    const polP_program *pa = a->ap->p, *pb = b->ap->p;
    for (int pass = 0; pass < 2; pass++) { /* outputs of NEW, then those only OLD has */
        const polP_program *x = pass ? pa : pb;
        for (uint32_t o = 0; o < x->noutputs; o++) {
            const char *name = audit_str(x, x->outputs[o].name);
            int oa = audit_output_index(pa, name), ob = audit_output_index(pb, name);
            if (pass == 1 && ob >= 0)
                continue;
            audit_buf va = {0}, vb = {0};
            pol_value v;
            if (oa >= 0 && pol_output(a->ctx, oa, &v) == POL_OK)
                value_text(&v, &va);
            else
                audit_puts(&va, "(no such output)");
            if (ob >= 0 && pol_output(b->ctx, ob, &v) == POL_OK)
                value_text(&v, &vb);
            else
                audit_puts(&vb, "(no such output)");
            if (strcmp(va.s, vb.s) != 0) {
                count(im, "output", name, va.s, vb.s, record, id, comm);
                changed = 1;
            }
            audit_buf_free(&va);
            audit_buf_free(&vb);
        }
    }
    return changed;
}

/* Findings as "clause\tkind\tmessage" lines, sorted, for a multiset comparison */
static char **findings_of(const pol_context *ctx, size_t *n)
{
    *n = pol_finding_count(ctx);
    char **f = audit_xmalloc((*n + 1) * sizeof *f);
    for (size_t i = 0; i < *n; i++) {
        pol_finding x;
        pol_finding_get(ctx, i, &x);
        audit_buf b = {0};
        audit_printf(&b, "%s\t%s\t%s", x.clause ? x.clause : "", pol_finding_kind_name(x.kind), x.message);
        f[i] = audit_take(&b);
    }
    return f;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* the "clause\tkind" prefix of a finding line */
static size_t group_len(const char *s)
{
    const char *tab = strchr(s, '\t');
    tab = tab ? strchr(tab + 1, '\t') : NULL;
    return tab ? (size_t)(tab - s) : strlen(s);
}

static int compare_findings(impact *im, side *a, side *b, size_t record, const char *id, const char *comm)
{
    size_t na, nb;
    char **fa = findings_of(a->ctx, &na), **fb = findings_of(b->ctx, &nb);
    qsort(fa, na, sizeof *fa, cmp_str);
    qsort(fb, nb, sizeof *fb, cmp_str);
    char *only_a = audit_xmalloc(na + 1), *only_b = audit_xmalloc(nb + 1);
    size_t i = 0, k = 0;
    while (i < na || k < nb) { /* merge: what is in one multiset only */
        int c = i == na ? 1 : k == nb ? -1 : strcmp(fa[i], fb[k]);
        if (c == 0)
            i++, k++;
        else if (c < 0)
            only_a[i++] = 1;
        else
            only_b[k++] = 1;
    }
    int changed = 0;
    for (int pass = 0; pass < 2; pass++) {
        char **f = pass ? fb : fa;
        char *only = pass ? only_b : only_a;
        size_t n = pass ? nb : na;
        for (size_t x = 0; x < n; x++) {
            if (!only[x])
                continue;
            size_t len = group_len(f[x]);
            int other_side = 0; /* does the other side have a difference in the same clause and kind? */
            char **g = pass ? fa : fb;
            char *gonly = pass ? only_a : only_b;
            for (size_t y = 0; y < (pass ? na : nb); y++)
                other_side |= gonly[y] && group_len(g[y]) == len && !strncmp(g[y], f[x], len);
            audit_buf name = {0};
            audit_putn(&name, f[x], len);
            for (char *t = name.s; *t; t++)
                if (*t == '\t')
                    *t = ' ';
            audit_puts(&name, other_side ? " message changed" : pass ? " now fires" : " no longer fires");
            count(im, "finding", name.s, NULL, NULL, record, id, comm);
            audit_buf_free(&name);
            changed = 1;
        }
    }
    for (i = 0; i < na; i++)
        free(fa[i]);
    for (k = 0; k < nb; k++)
        free(fb[k]);
    free(fa);
    free(fb);
    free(only_a);
    free(only_b);
    return changed;
}

static int decide(side *s, const char *line, size_t len)
{
    if (pol_json_bind(s->reader, s->ctx, line, len) != POL_OK)
        return -1;
    return pol_evaluate(s->ctx) == POL_OK ? 0 : -1;
}

/* ---- reporting ------------------------------------------------------------------------------------------------------ */
static int by_count(const void *x, const void *y)
{
    const tally *a = x, *b = y;
    return a->count != b->count ? (a->count < b->count ? 1 : -1) : strcmp(a->name, b->name);
}

/* Fields with many distinct old -> new values become one group per field */
static void collapse(impact *im)
{
    for (size_t i = 0; i < im->ngroups; i++) {
        group *g = &im->groups[i];
        if (strcmp(g->what, "output") || !g->old_v)
            continue;
        size_t n = 0;
        for (size_t k = 0; k < im->ngroups; k++)
            n += !strcmp(im->groups[k].what, "output") && !strcmp(im->groups[k].name, g->name);
        if (n <= MAX_TRANSITIONS)
            continue;
        /* fold every other group of this field into g (records counted once) */
        free(g->old_v);
        free(g->new_v);
        g->old_v = g->new_v = NULL;
        for (size_t k = i + 1; k < im->ngroups; k++) {
            group *h = &im->groups[k];
            if (strcmp(h->what, "output") || strcmp(h->name, g->name))
                continue;
            for (size_t r = 0; r < h->count; r++) {
                int seen = 0;
                for (size_t q = 0; q < g->count && !seen; q++)
                    seen = !strcmp(g->ids[q], h->ids[r]);
                if (!seen) {
                    g->ids = realloc(g->ids, (g->count + 1) * sizeof *g->ids);
                    g->ids[g->count++] = h->ids[r];
                } else
                    free(h->ids[r]);
            }
            for (size_t c = 0; c < h->ncommittees; c++) {
                size_t q = 0;
                while (q < g->ncommittees && strcmp(g->committees[q].name, h->committees[c].name))
                    q++;
                if (q < g->ncommittees) {
                    g->committees[q].count += h->committees[c].count;
                    free(h->committees[c].name);
                } else {
                    g->committees = realloc(g->committees, (g->ncommittees + 1) * sizeof *g->committees);
                    g->committees[g->ncommittees++] = h->committees[c];
                }
            }
            free(h->ids);
            free(h->committees);
            free(h->what);
            free(h->name);
            free(h->old_v);
            free(h->new_v);
            memmove(h, h + 1, (im->ngroups - k - 1) * sizeof *h);
            im->ngroups--;
            k--;
        }
    }
}

static void print_text(const impact *im, FILE *out)
{
    for (size_t i = 0; i < im->ngroups; i++) {
        const group *g = &im->groups[i];
        fprintf(out, "\n%s %s", g->what, g->name);
        if (g->old_v)
            fprintf(out, " %s -> %s", g->old_v, g->new_v);
        else if (!strcmp(g->what, "output"))
            fputs(" (many different values)", out);
        fprintf(out, ": %zu record%s\n", g->count, g->count == 1 ? "" : "s");
        for (size_t c = 0; c < g->ncommittees && c < TEXT_EXAMPLES; c++)
            fprintf(out, "    %zu routed to %s\n", g->committees[c].count, g->committees[c].name);
        if (g->ncommittees > TEXT_EXAMPLES)
            fprintf(out, "    and %zu more committees (--json lists them all)\n", g->ncommittees - TEXT_EXAMPLES);
        fputs("    e.g.", out);
        for (size_t r = 0; r < g->count && r < TEXT_EXAMPLES; r++)
            fprintf(out, " %s", g->ids[r]);
        fputs(g->count > TEXT_EXAMPLES ? " ...\n" : "\n", out);
    }
}

static void print_json(const impact *im, audit_buf *b)
{
    audit_puts(b, ",\n \"groups\": [");
    for (size_t i = 0; i < im->ngroups; i++) {
        const group *g = &im->groups[i];
        audit_printf(b, "%s\n  {\"what\": ", i ? "," : "");
        audit_json_string(b, g->what);
        audit_puts(b, ", \"name\": ");
        audit_json_string(b, g->name);
        if (g->old_v) {
            audit_puts(b, ", \"old\": ");
            audit_json_string(b, g->old_v);
            audit_puts(b, ", \"new\": ");
            audit_json_string(b, g->new_v);
        }
        audit_printf(b, ", \"count\": %zu, \"committees\": {", g->count);
        for (size_t c = 0; c < g->ncommittees; c++) {
            audit_puts(b, c ? ", " : "");
            audit_json_string(b, g->committees[c].name);
            audit_printf(b, ": %zu", g->committees[c].count);
        }
        audit_puts(b, "}, \"ids\": [");
        for (size_t r = 0; r < g->count; r++) {
            audit_puts(b, r ? ", " : "");
            audit_json_string(b, g->ids[r]);
        }
        audit_puts(b, "]}");
    }
    audit_puts(b, im->ngroups ? "\n ]\n}\n" : "]\n}\n");
}

int audit_impact(const audit_prog *old, const audit_prog *new_, const char *records_path, int json, FILE *out)
{
    FILE *in = fopen(records_path, "rb");
    if (!in) {
        perror(records_path);
        return 2;
    }
    side a = {old, NULL, NULL}, b = {new_, NULL, NULL};
    if (pol_json_reader_new(old->prog, NULL, &a.reader) != POL_OK || pol_context_new(old->prog, &a.ctx) != POL_OK ||
        pol_json_reader_new(new_->prog, NULL, &b.reader) != POL_OK || pol_context_new(new_->prog, &b.ctx) != POL_OK) {
        fputs("poldiff: out of memory\n", stderr);
        exit(2);
    }
    impact im = {0};
    size_t records = 0, changed = 0, errors_both = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, in)) >= 0) {
        size_t len = (size_t)got;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (k == len)
            continue; /* a blank line is no record */
        records++;
        int ea = decide(&a, line, len), eb = decide(&b, line, len);
        size_t idlen = 0;
        const char *idp = pol_json_id(b.reader, &idlen);
        audit_buf id = {0};
        if (idp)
            audit_putn(&id, idp, idlen);
        else
            audit_printf(&id, "line %zu", records);
        int differs = 0;
        if (ea && eb)
            errors_both++;
        else if (ea || eb) {
            count(&im, "error", ea ? "decided under NEW only" : "decided under OLD only", NULL, NULL, records, id.s,
                  ea ? committee(b.ctx) : committee(a.ctx));
            differs = 1;
        } else {
            const char *comm = strcmp(committee(b.ctx), "unrouted") ? committee(b.ctx) : committee(a.ctx);
            differs |= compare_outputs(&im, &a, &b, records, id.s, comm);
            differs |= compare_findings(&im, &a, &b, records, id.s, comm);
        }
        changed += differs;
        audit_buf_free(&id);
    }
    free(line);
    fclose(in);
    collapse(&im);
    for (size_t i = 0; i < im.ngroups; i++)
        qsort(im.groups[i].committees, im.groups[i].ncommittees, sizeof(tally), by_count);
    if (json) {
        audit_buf j = {0};
        audit_puts(&j, "{\"old\": ");
        audit_json_string(&j, old->path);
        audit_puts(&j, ", \"new\": ");
        audit_json_string(&j, new_->path);
        audit_puts(&j, ", \"records\": ");
        audit_json_string(&j, records_path);
        audit_printf(&j, ",\n \"total\": %zu, \"changed\": %zu, \"unchanged\": %zu, \"errors_in_both\": %zu",
                     records, changed, records - changed - errors_both, errors_both);
        print_json(&im, &j);
        fputs(j.s, out);
        audit_buf_free(&j);
    } else {
        fprintf(out, "impact of %s -> %s on %s\n%zu records: %zu decisions change, %zu stay the same, %zu cannot be "
                     "decided under either\n",
                old->path, new_->path, records_path, records, changed, records - changed - errors_both, errors_both);
        print_text(&im, out);
    }
    for (size_t i = 0; i < im.ngroups; i++) {
        group *g = &im.groups[i];
        for (size_t r = 0; r < g->count; r++)
            free(g->ids[r]);
        for (size_t c = 0; c < g->ncommittees; c++)
            free(g->committees[c].name);
        free(g->ids);
        free(g->committees);
        free(g->what);
        free(g->name);
        free(g->old_v);
        free(g->new_v);
    }
    free(im.groups);
    pol_json_reader_free(a.reader);
    pol_json_reader_free(b.reader);
    pol_context_free(a.ctx);
    pol_context_free(b.ctx);
    return changed ? 1 : 0;
}
