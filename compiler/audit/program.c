/* program.c: loading a .pbc for poldiff (through libpol, so it is verified) and naming its parts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "date.h"
#include "vm.h"

/* The routing code ends where the first jump out of it lands: every route's JUMP and every SWITCH default of the
 * routing prefix go there (compiler/emit/routing.c); failing that, at the first instruction of another rule.
 * -1 when some ROUTE instruction lies beyond that end (then the routing cannot be read as a prefix). */
static int adopt(audit_prog *ap, const char *path)
{
    ap->p = ap->prog->p;
    ap->path = path;
    const polP_program *p = ap->p;
    uint32_t first_other = p->ncode;
    for (uint32_t i = 0; i < p->ncode; i++) {
        uint32_t r = p->srcmap[i].rule;
        if (r != POL_NONE && r < p->nrules && p->rules[r].kind != POLP_RULE_ROUTE) {
            first_other = i;
            break;
        }
    }
    for (uint32_t i = 0; i < first_other && !ap->route_end; i++)
        if (p->code[i].op == POL_OP_ROUTE && i + 1 < p->ncode && p->code[i + 1].op == POL_OP_JUMP)
            ap->route_end = (uint32_t)p->code[i + 1].b;
    if (!ap->route_end)
        ap->route_end = first_other;
    for (uint32_t i = ap->route_end; i < p->ncode; i++)
        if (p->code[i].op == POL_OP_ROUTE) {
            fprintf(stderr, "poldiff: %s: a ROUTE instruction at %u lies after the routing code (ends at %u)\n",
                    path, (unsigned)i, (unsigned)ap->route_end);
            return -1;
        }
    return 0;
}

int audit_load(audit_prog *ap, const char *path)
{
    char err[512];
    memset(ap, 0, sizeof *ap);
    if (pol_program_load_file(path, NULL, &ap->prog, err, sizeof err) != POL_OK) {
        fprintf(stderr, "poldiff: %s: %s\n", path, err);
        return -1;
    }
    if (adopt(ap, path) < 0) {
        audit_unload(ap);
        return -1;
    }
    return 0;
}

int audit_load_bytes(audit_prog *ap, const void *bytes, size_t n, const char *name)
{
    char err[512];
    memset(ap, 0, sizeof *ap);
    if (pol_program_load(bytes, n, NULL, &ap->prog, err, sizeof err) != POL_OK) {
        fprintf(stderr, "poldiff: %s: %s\n", name, err);
        return -1;
    }
    if (adopt(ap, name) < 0) {
        audit_unload(ap);
        return -1;
    }
    return 0;
}

void audit_unload(audit_prog *ap)
{
    pol_program_free(ap->prog);
    memset(ap, 0, sizeof *ap);
}

const char *audit_str(const polP_program *p, uint32_t s) { return s < p->nstrings ? p->strings[s].bytes : ""; }

void audit_const_text(const polP_program *p, const polP_const *c, audit_buf *out)
{
    char buf[64];
    switch (c->kind) {
    case POL_T_NULL: audit_puts(out, "null"); break;
    case POL_T_BOOL: audit_puts(out, c->u.i ? "true" : "false"); break;
    case POL_T_INT: audit_printf(out, "%lld", (long long)c->u.i); break;
    case POL_T_NUMBER:
        for (int prec = 15; prec <= 17; prec++) { /* the shortest text that reads back as the same double */
            snprintf(buf, sizeof buf, "%.*g", prec, c->u.d);
            if (strtod(buf, NULL) == c->u.d)
                break;
        }
        audit_puts(out, buf);
        if (!strpbrk(buf, ".eEn"))
            audit_puts(out, ".0");
        break;
    case POL_T_DATE:
        polT_format(c->u.i, c->has_time, buf);
        audit_puts(out, buf);
        break;
    case POL_T_STRING: audit_json_string(out, audit_str(p, c->ref)); break;
    case POL_T_ENUM:
        if (c->ref < p->nenums && c->u.i >= 0 && (uint64_t)c->u.i < p->enums[c->ref].nvalues)
            audit_puts(out, audit_str(p, p->enums[c->ref].values[c->u.i]));
        else
            audit_puts(out, "?");
        break;
    case POL_T_ENTITY:
        if (c->u.i >= 0 && (uint64_t)c->u.i < p->nentities)
            audit_puts(out, audit_str(p, p->entities[c->u.i].name));
        else
            audit_puts(out, "?");
        break;
    default: audit_puts(out, "?"); break;
    }
}

void audit_type_text(const polP_program *p, const polP_type *t, audit_buf *out)
{
    static const char *const names[] = {"null", "bool", "int", "number", "date", "string", "enum", "entity", "list"};
    switch (t->kind) {
    case POL_T_ENUM: audit_puts(out, t->ref < p->nenums ? audit_str(p, p->enums[t->ref].name) : "?"); break;
    case POL_T_ENTITY:
        audit_puts(out, t->ref < p->nentity_types ? audit_str(p, p->entity_types[t->ref].name) : "?");
        break;
    case POL_T_LIST:
        audit_puts(out, "list ");
        audit_puts(out, t->ref < p->nrecords ? audit_str(p, p->records[t->ref].name) : "?");
        break;
    default: audit_puts(out, t->kind <= POL_T_LIST ? names[t->kind] : "?"); break;
    }
    if (t->nullable)
        audit_puts(out, "?");
}

const char *audit_rule_kind_name(unsigned kind)
{
    static const char *const names[] = {"violation", "todo", "warning", "route", "output", "let"};
    return kind <= POLP_RULE_LET ? names[kind] : "?";
}

void audit_rule_where(const polP_program *p, uint32_t rule, audit_buf *out)
{
    if (rule >= p->nrules) {
        audit_puts(out, "no rule");
        return;
    }
    audit_printf(out, "line %u, ", (unsigned)p->rules[rule].line);
    if (p->rules[rule].clause == POL_NONE)
        audit_puts(out, "no clause");
    else
        audit_puts(out, audit_str(p, p->rules[rule].clause));
}

void audit_rule_span(const polP_program *p, uint32_t r, uint32_t *start, uint32_t *end)
{
    *start = *end = 0;
    int found = 0;
    for (uint32_t i = 0; i < p->ncode; i++)
        if (p->srcmap[i].rule == r) {
            if (!found)
                *start = i;
            found = 1;
            *end = i + 1;
        }
}

int audit_field_index(const polP_program *p, uint32_t record, const char *name)
{
    if (record >= p->nrecords)
        return -1;
    for (uint32_t f = 0; f < p->records[record].nfields; f++)
        if (strcmp(audit_str(p, p->records[record].fields[f].name), name) == 0)
            return (int)f;
    return -1;
}

int audit_enum_index(const polP_program *p, const char *name)
{
    for (uint32_t e = 0; e < p->nenums; e++)
        if (strcmp(audit_str(p, p->enums[e].name), name) == 0)
            return (int)e;
    return -1;
}

int audit_enum_value(const polP_program *p, uint32_t e, const char *name)
{
    if (e >= p->nenums)
        return -1;
    for (uint32_t v = 0; v < p->enums[e].nvalues; v++)
        if (strcmp(audit_str(p, p->enums[e].values[v]), name) == 0)
            return (int)v;
    return -1;
}

int audit_entity_index(const polP_program *p, const char *name)
{
    for (uint32_t e = 0; e < p->nentities; e++)
        if (strcmp(audit_str(p, p->entities[e].name), name) == 0)
            return (int)e;
    return -1;
}

int audit_output_index(const polP_program *p, const char *name)
{
    for (uint32_t o = 0; o < p->noutputs; o++)
        if (strcmp(audit_str(p, p->outputs[o].name), name) == 0)
            return (int)o;
    return -1;
}
