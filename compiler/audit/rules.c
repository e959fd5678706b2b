/* rules.c: findings and outputs compared by their canonical code (canon.c). A finding is matched by clause and
 * kind, then by identical code, by message shape, by identical condition, or as the one left of its clause and
 * kind; an output by name. Reordering rules or renaming lets leaves the canonical code as it was. */
#include <stdlib.h>
#include <string.h>

#include "audit.h"

typedef struct finding {
    uint32_t rule;
    const char *clause;
    unsigned kind;
    uint32_t start, skip, end; /* code: condition [start, skip], its last test at skip, message (skip, end-1), FINDING */
    char *cond, *msg, *shape;
    int matched;
} finding;

static void message_shape(const polP_program *p, uint32_t from, uint32_t to, audit_buf *out)
{
    int in_hole = 0;
    for (uint32_t i = from; i < to; i++) {
        const polP_instr *in = &p->code[i];
        if (in->op == POL_OP_CONST && p->consts[in->b].kind == POL_T_STRING) {
            audit_puts(out, audit_str(p, p->consts[in->b].ref));
            in_hole = 0;
        } else if (in->op != POL_OP_FORMAT && !in_hole) {
            audit_puts(out, "{}");
            in_hole = 1;
        }
    }
    if (!out->s)
        audit_puts(out, "");
}

static finding *collect(const audit_prog *ap, audit_canon *cn, uint32_t *n)
{
    const polP_program *p = ap->p;
    finding *f = audit_xmalloc((p->nrules + 1) * sizeof *f);
    *n = 0;
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (p->rules[r].kind > POLP_RULE_WARNING)
            continue;
        finding *x = &f[(*n)++];
        x->rule = r;
        x->clause = p->rules[r].clause == POL_NONE ? "" : audit_str(p, p->rules[r].clause);
        x->kind = p->rules[r].kind;
        audit_rule_span(p, r, &x->start, &x->end);
        /* the test that skips the finding (JUMPF, JUMPT or TESTK: conditions are jumping code) is the last one
         * that leaves the rule's code: the message's own jumps stay inside it, and the condition's earlier
         * tests may leave it too */
        x->skip = x->end;
        for (uint32_t i = x->start; i < x->end; i++) {
            uint8_t op = p->code[i].op;
            if ((op == POL_OP_JUMPF || op == POL_OP_JUMPT || op == POL_OP_TESTK) && (uint32_t)p->code[i].b >= x->end)
                x->skip = i;
        }
        audit_buf c = {0}, m = {0}, s = {0};
        audit_canon_loops(cn, x->start, &c);
        audit_canon_code(cn, x->start, x->skip, &c);
        if (x->skip < x->end)
            audit_canon_test(cn, x->skip, &c);
        if (x->skip < x->end)
            audit_canon_code(cn, x->skip + 1, x->end - 1, &m);
        message_shape(p, x->skip + 1, x->end ? x->end - 1 : 0, &s);
        x->cond = audit_take(&c);
        x->msg = audit_take(&m);
        x->shape = audit_take(&s);
    }
    return f;
}

static int same_group(const finding *a, const finding *b) { return a->kind == b->kind && !strcmp(a->clause, b->clause); }

/* The lets one side's code reads whose code the other side's does not read */
static void via_lets(audit_canon *cx, uint32_t xs, uint32_t xe, audit_canon *cy, uint32_t ys, uint32_t ye,
                     const char *side, audit_buf *t)
{
    uint32_t rx[64], ry[64];
    uint32_t nx = audit_canon_lets(cx, xs, xe, rx, 64), ny = audit_canon_lets(cy, ys, ye, ry, 64);
    const polP_program *px = audit_canon_ap_program(cx);
    for (uint32_t i = 1; i < nx; i++) /* in source order */
        for (uint32_t k = i; k > 0 && px->rules[rx[k - 1]].line > px->rules[rx[k]].line; k--) {
            uint32_t swap = rx[k];
            rx[k] = rx[k - 1];
            rx[k - 1] = swap;
        }
    for (uint32_t i = 0; i < nx; i++) {
        int found = 0;
        for (uint32_t k = 0; k < ny && !found; k++)
            found = !strcmp(audit_canon_let_digest(cx, rx[i]), audit_canon_let_digest(cy, ry[k]));
        if (found)
            continue;
        audit_printf(t, "\n    %s let changed: ", side);
        audit_rule_where(audit_canon_ap_program(cx), rx[i], t);
        audit_printf(t, ": %s", audit_str(audit_canon_ap_program(cx), audit_canon_ap_program(cx)->rules[rx[i]].text));
    }
}

static void side_json(const polP_program *p, uint32_t rule, audit_buf *j)
{
    const polP_rule *r = &p->rules[rule];
    audit_printf(j, "{\"line\": %u, \"clause\": ", (unsigned)r->line);
    if (r->clause == POL_NONE)
        audit_puts(j, "null");
    else
        audit_json_string(j, audit_str(p, r->clause));
    audit_puts(j, ", \"rule\": ");
    audit_json_string(j, audit_str(p, r->text));
    audit_puts(j, "}");
}

static void report_finding(const audit_prog *old, audit_canon *co, const finding *a, const audit_prog *new_,
                           audit_canon *cn, const finding *b, audit_changes *c)
{
    const finding *any = a ? a : b;
    const char *change = !a ? "added" : !b ? "removed" : "changed";
    int cond = a && b && strcmp(a->cond, b->cond) != 0, msg = a && b && strcmp(a->msg, b->msg) != 0;
    audit_buf t = {0}, j = {0};
    audit_printf(&t, "finding %s: %s %s", change, *any->clause ? any->clause : "(no clause)",
                 audit_rule_kind_name(any->kind));
    if (a && b)
        audit_printf(&t, " (%s%s%s)", cond ? "condition" : "", cond && msg ? ", " : "", msg ? "message" : "");
    if (a) {
        audit_puts(&t, "\n    old: ");
        audit_rule_where(old->p, a->rule, &t);
        audit_printf(&t, ": %s", audit_str(old->p, old->p->rules[a->rule].text));
    }
    if (b) {
        audit_puts(&t, "\n    new: ");
        audit_rule_where(new_->p, b->rule, &t);
        audit_printf(&t, ": %s", audit_str(new_->p, new_->p->rules[b->rule].text));
    }
    if (!a || !b || strcmp(a->shape, b->shape) != 0) {
        if (a)
            audit_printf(&t, "\n    old message: %s", a->shape);
        if (b)
            audit_printf(&t, "\n    new message: %s", b->shape);
    }
    if (cond) {
        via_lets(co, a->start, a->skip, cn, b->start, b->skip, "old", &t);
        via_lets(cn, b->start, b->skip, co, a->start, a->skip, "new", &t);
    }
    audit_puts(&j, "{\"kind\": \"finding\", \"change\": ");
    audit_json_string(&j, change);
    audit_puts(&j, ", \"clause\": ");
    if (*any->clause)
        audit_json_string(&j, any->clause);
    else
        audit_puts(&j, "null");
    audit_printf(&j, ", \"finding_kind\": \"%s\"", audit_rule_kind_name(any->kind));
    if (a && b)
        audit_printf(&j, ", \"condition_changed\": %s, \"message_changed\": %s", cond ? "true" : "false",
                     msg ? "true" : "false");
    audit_puts(&j, ", \"old\": ");
    if (a) {
        side_json(old->p, a->rule, &j);
        audit_puts(&j, ", \"old_message\": ");
        audit_json_string(&j, a->shape);
    } else
        audit_puts(&j, "null");
    audit_puts(&j, ", \"new\": ");
    if (b) {
        side_json(new_->p, b->rule, &j);
        audit_puts(&j, ", \"new_message\": ");
        audit_json_string(&j, b->shape);
    } else
        audit_puts(&j, "null");
    audit_puts(&j, "}");
    audit_add(c, AUDIT_FINDINGS, &t, &j);
}

static void diff_findings(const audit_prog *old, audit_canon *co, const audit_prog *new_, audit_canon *cn,
                          audit_changes *c)
{
    uint32_t na, nb;
    finding *fa = collect(old, co, &na), *fb = collect(new_, cn, &nb);
    /* pairing passes, strictest first */
    for (int pass = 0; pass < 4; pass++)
        for (uint32_t i = 0; i < na; i++) {
            if (fa[i].matched)
                continue;
            for (uint32_t k = 0; k < nb; k++) {
                if (fb[k].matched || !same_group(&fa[i], &fb[k]))
                    continue;
                int ok = 0;
                switch (pass) {
                case 0: ok = !strcmp(fa[i].cond, fb[k].cond) && !strcmp(fa[i].msg, fb[k].msg); break;
                case 1: ok = !strcmp(fa[i].shape, fb[k].shape); break;
                case 2: ok = !strcmp(fa[i].cond, fb[k].cond); break;
                case 3: { /* the only one left of its clause and kind on both sides */
                    uint32_t left_a = 0, left_b = 0;
                    for (uint32_t x = 0; x < na; x++)
                        left_a += !fa[x].matched && same_group(&fa[x], &fa[i]);
                    for (uint32_t x = 0; x < nb; x++)
                        left_b += !fb[x].matched && same_group(&fb[x], &fa[i]);
                    ok = left_a == 1 && left_b == 1;
                    break;
                }
                }
                if (!ok)
                    continue;
                fa[i].matched = fb[k].matched = 1;
                if (pass > 0)
                    report_finding(old, co, &fa[i], new_, cn, &fb[k], c);
                break;
            }
        }
    for (uint32_t i = 0; i < na; i++)
        if (!fa[i].matched)
            report_finding(old, co, &fa[i], new_, cn, NULL, c);
    for (uint32_t k = 0; k < nb; k++)
        if (!fb[k].matched)
            report_finding(old, co, NULL, new_, cn, &fb[k], c);
    for (uint32_t i = 0; i < na; i++)
        free(fa[i].cond), free(fa[i].msg), free(fa[i].shape);
    for (uint32_t k = 0; k < nb; k++)
        free(fb[k].cond), free(fb[k].msg), free(fb[k].shape);
    free(fa);
    free(fb);
}

/* ---- outputs ------------------------------------------------------------------------------------------------------ */
static uint32_t output_rule(const polP_program *p, uint32_t o)
{
    for (uint32_t r = 0; r < p->nrules; r++)
        if (p->rules[r].kind == POLP_RULE_OUTPUT && p->rules[r].target == o)
            return r;
    return POL_NONE;
}

static void report_output(const audit_prog *old, audit_canon *co, int oa, const audit_prog *new_, audit_canon *cn,
                          int ob, int type_changed, int code_changed, audit_changes *c)
{
    const polP_program *a = old->p, *b = new_->p;
    const char *name = oa >= 0 ? audit_str(a, a->outputs[oa].name) : audit_str(b, b->outputs[ob].name);
    const char *change = oa < 0 ? "added" : ob < 0 ? "removed" : "changed";
    uint32_t ra = oa >= 0 ? output_rule(a, (uint32_t)oa) : POL_NONE, rb = ob >= 0 ? output_rule(b, (uint32_t)ob) : POL_NONE;
    audit_buf t = {0}, j = {0}, ta = {0}, tb = {0};
    if (oa >= 0)
        audit_type_text(a, &a->outputs[oa].type, &ta);
    if (ob >= 0)
        audit_type_text(b, &b->outputs[ob].type, &tb);
    audit_printf(&t, "output %s: %s", change, name);
    if (oa >= 0 && ob >= 0) {
        audit_puts(&t, " (");
        if (type_changed)
            audit_printf(&t, "type %s -> %s%s", ta.s, tb.s, code_changed ? ", " : "");
        audit_printf(&t, "%s)", code_changed ? "definition" : "");
    }
    if (ra != POL_NONE) {
        audit_puts(&t, "\n    old: ");
        audit_rule_where(a, ra, &t);
        audit_printf(&t, ": %s", audit_str(a, a->rules[ra].text));
    }
    if (rb != POL_NONE) {
        audit_puts(&t, "\n    new: ");
        audit_rule_where(b, rb, &t);
        audit_printf(&t, ": %s", audit_str(b, b->rules[rb].text));
    }
    if (code_changed && ra != POL_NONE && rb != POL_NONE) {
        uint32_t sa, ea, sb, eb;
        audit_rule_span(a, ra, &sa, &ea);
        audit_rule_span(b, rb, &sb, &eb);
        via_lets(co, sa, ea, cn, sb, eb, "old", &t);
        via_lets(cn, sb, eb, co, sa, ea, "new", &t);
    }
    audit_puts(&j, "{\"kind\": \"output\", \"change\": ");
    audit_json_string(&j, change);
    audit_puts(&j, ", \"name\": ");
    audit_json_string(&j, name);
    audit_printf(&j, ", \"type_changed\": %s, \"definition_changed\": %s", type_changed ? "true" : "false",
                 code_changed ? "true" : "false");
    audit_puts(&j, ", \"old\": ");
    if (ra != POL_NONE) {
        side_json(a, ra, &j);
        audit_puts(&j, ", \"old_type\": ");
        audit_json_string(&j, ta.s);
    } else
        audit_puts(&j, "null");
    audit_puts(&j, ", \"new\": ");
    if (rb != POL_NONE) {
        side_json(b, rb, &j);
        audit_puts(&j, ", \"new_type\": ");
        audit_json_string(&j, tb.s);
    } else
        audit_puts(&j, "null");
    audit_puts(&j, "}");
    audit_buf_free(&ta);
    audit_buf_free(&tb);
    audit_add(c, AUDIT_OUTPUTS, &t, &j);
}

static char *output_code(const audit_prog *ap, audit_canon *cn, uint32_t o)
{
    audit_buf b = {0};
    uint32_t r = output_rule(ap->p, o), s, e;
    if (r != POL_NONE) {
        audit_rule_span(ap->p, r, &s, &e);
        audit_canon_code(cn, s, e > s ? e - 1 : e, &b); /* without its OUTSET */
    }
    return audit_take(&b);
}

static void diff_outputs(const audit_prog *old, audit_canon *co, const audit_prog *new_, audit_canon *cn,
                         audit_changes *c)
{
    const polP_program *a = old->p, *b = new_->p;
    for (uint32_t o = 0; o < a->noutputs; o++)
        if (audit_output_index(b, audit_str(a, a->outputs[o].name)) < 0)
            report_output(old, co, (int)o, new_, cn, -1, 0, 0, c);
    for (uint32_t o = 0; o < b->noutputs; o++) {
        int oa = audit_output_index(a, audit_str(b, b->outputs[o].name));
        if (oa < 0) {
            report_output(old, co, -1, new_, cn, (int)o, 0, 0, c);
            continue;
        }
        audit_buf ta = {0}, tb = {0};
        audit_type_text(a, &a->outputs[oa].type, &ta);
        audit_type_text(b, &b->outputs[o].type, &tb);
        char *ca = output_code(old, co, (uint32_t)oa), *cb = output_code(new_, cn, o);
        int type_changed = strcmp(ta.s, tb.s) != 0, code_changed = strcmp(ca, cb) != 0;
        if (type_changed || code_changed)
            report_output(old, co, oa, new_, cn, (int)o, type_changed, code_changed, c);
        free(ca);
        free(cb);
        audit_buf_free(&ta);
        audit_buf_free(&tb);
    }
}

void audit_diff_rules(const audit_prog *old, const audit_prog *new_, audit_changes *c)
{
    audit_canon *co = audit_canon_new(old), *cn = audit_canon_new(new_);
    diff_findings(old, co, new_, cn, c);
    diff_outputs(old, co, new_, cn, c);
    audit_canon_free(co);
    audit_canon_free(cn);
}
