/* routing.c: the routing function of one program. Which fields the routing code reads (its keys and the fields
 * its route conditions read), and, for one combination of their values, which entity the VM routes a record to
 * and by which route rule (found by tracing the routing code, and checked against the VM's own answer). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "vm.h"

static void add_value(audit_dim *d, const char *v)
{
    for (uint32_t i = 0; i < d->nvalues; i++)
        if (strcmp(d->values[i], v) == 0)
            return;
    char **values = realloc(d->values, (d->nvalues + 1) * sizeof *values);
    if (!values)
        exit(2);
    d->values = values;
    d->values[d->nvalues++] = audit_strdup(v);
}

static void add_field(const polP_program *p, uint32_t field, int is_key, audit_dim **dims, uint32_t *ndims)
{
    const polP_field *f = &p->records[0].fields[field];
    const char *name = audit_str(p, f->name);
    audit_dim *d = NULL;
    for (uint32_t i = 0; i < *ndims; i++)
        if (strcmp((*dims)[i].field, name) == 0)
            d = &(*dims)[i];
    if (!d) {
        audit_dim *grown = realloc(*dims, (*ndims + 1) * sizeof *grown);
        if (!grown)
            exit(2);
        *dims = grown;
        d = &grown[(*ndims)++];
        memset(d, 0, sizeof *d);
        d->field = audit_strdup(name);
    }
    d->is_key |= is_key;
    if (f->type.kind == POL_T_ENUM && f->type.ref < p->nenums)
        for (uint32_t v = 0; v < p->enums[f->type.ref].nvalues; v++)
            add_value(d, audit_str(p, p->enums[f->type.ref].values[v]));
    else if (f->type.kind == POL_T_BOOL) {
        add_value(d, "false");
        add_value(d, "true");
    } else
        add_value(d, "?"); /* not an enum or bool: audit_route_of refuses it */
    if (f->type.nullable || !f->required)
        if (f->def.kind == POL_T_NULL)
            add_value(d, "null");
}

void audit_routing_fields(const audit_prog *ap, audit_dim **dims, uint32_t *ndims)
{
    const polP_program *p = ap->p;
    int in_routes = 0;
    for (uint32_t i = 0; i < ap->route_end; i++) {
        uint32_t r = p->srcmap[i].rule;
        if (r != POL_NONE && r < p->nrules && p->rules[r].kind == POLP_RULE_ROUTE)
            in_routes = 1;
        if (p->code[i].op == POL_OP_FIELD && p->code[i].b >= 0 && (uint32_t)p->code[i].b < p->records[0].nfields)
            add_field(p, (uint32_t)p->code[i].b, !in_routes && r == POL_NONE, dims, ndims);
    }
}

/* Some valid value for every required field, so that the record binds; the routing fields are set after */
static int fill_required(const audit_prog *ap, pol_context *ctx, char *err, size_t errlen)
{
    const polP_program *p = ap->p;
    const polP_record *app = &p->records[0];
    for (uint32_t f = 0; f < app->nfields; f++) {
        const polP_field *fd = &app->fields[f];
        if (!fd->required)
            continue;
        pol_status st = POL_OK;
        int64_t n = fd->min.kind == POL_T_INT ? fd->min.u.i : 0;
        switch (fd->type.kind) {
        case POL_T_BOOL: st = pol_set_bool(ctx, (int)f, 0); break;
        case POL_T_INT: st = pol_set_int(ctx, (int)f, n); break;
        case POL_T_NUMBER:
            st = pol_set_number(ctx, (int)f, fd->min.kind == POL_T_NUMBER ? fd->min.u.d : (double)n);
            break;
        case POL_T_DATE: st = pol_set_date(ctx, (int)f, 2000, 1, 1); break;
        case POL_T_STRING: st = pol_set_string(ctx, (int)f, "routing", 7); break;
        case POL_T_ENUM: {
            const char *v = audit_str(p, p->enums[fd->type.ref].values[0]);
            st = pol_set_enum(ctx, (int)f, v, strlen(v));
            break;
        }
        default: break;
        }
        if (st != POL_OK) {
            snprintf(err, errlen, "%s", pol_context_error(ctx));
            return -1;
        }
    }
    return 0;
}

/* The routing code traced for the bound values: which route rule fires (POL_NONE: none). Only the opcodes route
 * code is made of are followed; anything else is an error (-1). */
typedef struct tval {
    int kind; /* pol_type: NULL, BOOL, ENUM, INT */
    int64_t i;
} tval;

static int equal_values(tval a, tval b)
{
    return (a.kind == POL_T_NULL || b.kind == POL_T_NULL) ? a.kind == b.kind : a.i == b.i;
}

static int trace(const audit_prog *ap, const tval *fields, uint32_t *rule)
{
    const polP_program *p = ap->p;
    tval stack[64];
    int sp = 0;
    *rule = POL_NONE;
    uint32_t pc = 0;
    while (pc < ap->route_end) {
        const polP_instr *in = &p->code[pc++];
        if (sp >= 62)
            return -1;
        switch (in->op) {
        case POL_OP_NOP: break;
        case POL_OP_FIELD: stack[sp++] = fields[in->b]; break;
        case POL_OP_CONST: {
            const polP_const *c = &p->consts[in->b];
            stack[sp].kind = c->kind;
            stack[sp++].i = c->kind == POL_T_NULL ? 0 : c->u.i;
            if (c->kind != POL_T_NULL && c->kind != POL_T_BOOL && c->kind != POL_T_ENUM && c->kind != POL_T_INT)
                return -1;
            break;
        }
        case POL_OP_EQ:
        case POL_OP_NE: {
            if (sp < 2)
                return -1;
            tval b = stack[--sp], a = stack[--sp];
            stack[sp].kind = POL_T_BOOL;
            stack[sp++].i = equal_values(a, b) == (in->op == POL_OP_EQ);
            break;
        }
        case POL_OP_TESTK: { /* == or != with a constant, and the jump */
            if (sp < 1 || (in->a & 7) > 1)
                return -1;
            const polP_const *c = &p->consts[in->c];
            if (c->kind != POL_T_NULL && c->kind != POL_T_BOOL && c->kind != POL_T_ENUM && c->kind != POL_T_INT)
                return -1;
            tval k = {c->kind, c->kind == POL_T_NULL ? 0 : c->u.i};
            int holds = equal_values(stack[--sp], k) == ((in->a & 7) == 0);
            if (holds == (in->a >> 3))
                pc = (uint32_t)in->b;
            break;
        }
        case POL_OP_NOT:
            if (sp < 1)
                return -1;
            if (stack[sp - 1].kind != POL_T_NULL)
                stack[sp - 1].i = !stack[sp - 1].i;
            break;
        case POL_OP_ISNULL:
            if (sp < 1)
                return -1;
            stack[sp - 1].i = stack[sp - 1].kind == POL_T_NULL;
            stack[sp - 1].kind = POL_T_BOOL;
            break;
        case POL_OP_INSET: {
            if (sp < 1)
                return -1;
            const polP_set *s = &p->sets[in->b];
            tval v = stack[sp - 1];
            stack[sp - 1].kind = POL_T_BOOL;
            stack[sp - 1].i = v.kind == POL_T_ENUM && v.i >= 0 && (uint64_t)v.i / 64 < s->nwords &&
                              (s->bits[v.i / 64] >> (v.i % 64) & 1);
            break;
        }
        case POL_OP_JUMP: pc = (uint32_t)in->b; break;
        case POL_OP_JUMPF:
        case POL_OP_JUMPT: {
            if (sp < 1)
                return -1;
            tval v = stack[--sp];
            int truth = v.kind != POL_T_NULL && v.i;
            if (truth == (in->op == POL_OP_JUMPT))
                pc = (uint32_t)in->b;
            break;
        }
        case POL_OP_SWITCH: {
            if (sp < 1)
                return -1;
            tval v = stack[--sp];
            const polP_table *t = &p->tables[in->b];
            pc = v.kind != POL_T_NULL && v.i >= 0 && (uint64_t)v.i < t->nentries ? t->entries[v.i] : t->dflt;
            break;
        }
        case POL_OP_ROUTE: *rule = (uint32_t)in->b; break;
        default: return -1;
        }
    }
    return 0;
}

int64_t audit_route_of(const audit_prog *ap, pol_context *ctx, const audit_dim *dims, uint32_t ndims,
                       const uint32_t *combo, uint32_t *rule, char *err, size_t errlen)
{
    const polP_program *p = ap->p;
    const polP_record *app = &p->records[0];
    *rule = POL_NONE;
    pol_context_reset(ctx);
    if (fill_required(ap, ctx, err, errlen) < 0)
        return -1;
    tval *fields = audit_xmalloc((app->nfields + 1) * sizeof *fields);
    int64_t result = -1;
    for (uint32_t d = 0; d < ndims; d++) {
        int f = audit_field_index(p, 0, dims[d].field);
        if (f < 0)
            continue; /* a field this program does not have: it cannot read it */
        const char *v = dims[d].values[combo[d]];
        const polP_field *fd = &app->fields[f];
        pol_status st;
        if (strcmp(v, "null") == 0) {
            st = pol_set_null(ctx, f);
            fields[f].kind = POL_T_NULL;
        } else if (fd->type.kind == POL_T_BOOL) {
            int b = strcmp(v, "true") == 0;
            st = pol_set_bool(ctx, f, b);
            fields[f].kind = POL_T_BOOL;
            fields[f].i = b;
        } else if (fd->type.kind == POL_T_ENUM) {
            int value = audit_enum_value(p, fd->type.ref, v);
            if (value < 0) { /* a value this program's enum lacks */
                result = -2;
                goto done;
            }
            st = pol_set_enum(ctx, f, v, strlen(v));
            fields[f].kind = POL_T_ENUM;
            fields[f].i = value;
        } else {
            snprintf(err, errlen, "the routing reads field %s, which is neither an enum nor a bool", dims[d].field);
            goto done;
        }
        if (st != POL_OK) {
            snprintf(err, errlen, "%s", pol_context_error(ctx));
            goto done;
        }
    }
    if (pol_evaluate(ctx) != POL_OK) {
        snprintf(err, errlen, "evaluation failed: %s", pol_context_error(ctx));
        goto done;
    }
    int64_t routed = ctx->routed.tag == POL_T_ENTITY ? ctx->routed.u.i : (int64_t)POL_NONE;
    if (trace(ap, fields, rule) < 0) {
        snprintf(err, errlen, "the routing code holds an instruction a route does not compile to");
        goto done;
    }
    int64_t traced = *rule == POL_NONE ? (int64_t)POL_NONE : (int64_t)p->rules[*rule].target;
    if (traced != routed) {
        snprintf(err, errlen, "tracing the routing code disagrees with the VM (%lld, VM %lld)", (long long)traced,
                 (long long)routed);
        goto done;
    }
    result = routed;
done:
    free(fields);
    return result;
}
