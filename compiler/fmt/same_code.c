/* same_code.c: are two compiled programs the same code, provenance aside? (fmt.h says what is masked) */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"

typedef struct cmp {
    const polP_program *a, *b;
    char *why;
    size_t whylen;
} cmp;

static int differ(cmp *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (c->why && c->whylen)
        vsnprintf(c->why, c->whylen, fmt, ap);
    va_end(ap);
    return 0;
}

static const char *str(const polP_program *p, uint32_t i)
{
    return i == POL_NONE ? "<none>" : i < p->nstrings ? p->strings[i].bytes : "<bad string>";
}

static int same_str(const cmp *c, uint32_t x, uint32_t y)
{
    if (x == POL_NONE || y == POL_NONE)
        return x == y;
    if (x >= c->a->nstrings || y >= c->b->nstrings)
        return 0;
    return c->a->strings[x].length == c->b->strings[y].length &&
           memcmp(c->a->strings[x].bytes, c->b->strings[y].bytes, c->a->strings[x].length) == 0;
}

static int same_type(const polP_type *x, const polP_type *y)
{
    return x->kind == y->kind && x->nullable == y->nullable && x->ref == y->ref;
}

static int same_const(const cmp *c, const polP_const *x, const polP_const *y)
{
    if (x->kind != y->kind || x->has_time != y->has_time)
        return 0;
    if (x->kind == POL_T_STRING)
        return same_str(c, x->ref, y->ref);
    if (x->ref != y->ref)
        return 0;
    if (x->kind == POL_T_NUMBER)
        return memcmp(&x->u.d, &y->u.d, sizeof x->u.d) == 0;
    return x->u.i == y->u.i;
}

static int same_fields(const cmp *c, const polP_field *x, const polP_field *y, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!same_str(c, x[i].name, y[i].name) || !same_type(&x[i].type, &y[i].type) ||
            x[i].required != y[i].required || !same_const(c, &x[i].def, &y[i].def) ||
            !same_const(c, &x[i].min, &y[i].min) || !same_const(c, &x[i].max, &y[i].max))
            return 0;
    return 1;
}

#define COUNT(field, what)                                                                                     \
    if (a->field != b->field)                                                                                  \
        return differ(&c, "%s: %u against %u", what, (unsigned)a->field, (unsigned)b->field);

int fmt_same_code(const polP_program *a, const polP_program *b, char *why, size_t whylen)
{
    cmp c = {a, b, why, whylen};
    if (!same_str(&c, a->name, b->name) || !same_str(&c, a->policy_version, b->policy_version) ||
        !same_str(&c, a->compiler_version, b->compiler_version) || a->year != b->year)
        return differ(&c, "the header (name, version, compiler or year) differs");
    COUNT(nenums, "enumerations")
    for (uint32_t i = 0; i < a->nenums; i++) {
        const polP_enum *x = &a->enums[i], *y = &b->enums[i];
        if (!same_str(&c, x->name, y->name) || x->nvalues != y->nvalues)
            return differ(&c, "enumeration %s differs", str(a, x->name));
        for (uint32_t v = 0; v < x->nvalues; v++)
            if (!same_str(&c, x->values[v], y->values[v]))
                return differ(&c, "enumeration %s: value %u differs", str(a, x->name), (unsigned)v);
    }
    COUNT(nrecords, "records")
    for (uint32_t i = 0; i < a->nrecords; i++)
        if (!same_str(&c, a->records[i].name, b->records[i].name) || a->records[i].nfields != b->records[i].nfields ||
            !same_fields(&c, a->records[i].fields, b->records[i].fields, a->records[i].nfields))
            return differ(&c, "record %s differs", str(a, a->records[i].name));
    COUNT(nentity_types, "entity types")
    for (uint32_t i = 0; i < a->nentity_types; i++) {
        const polP_entity_type *x = &a->entity_types[i], *y = &b->entity_types[i];
        if (!same_str(&c, x->name, y->name) || x->nattrs != y->nattrs || !same_fields(&c, x->attrs, y->attrs, x->nattrs))
            return differ(&c, "entity type %s differs", str(a, x->name));
    }
    COUNT(nentities, "entities")
    for (uint32_t i = 0; i < a->nentities; i++) {
        const polP_entity *x = &a->entities[i], *y = &b->entities[i];
        if (x->type != y->type || !same_str(&c, x->name, y->name))
            return differ(&c, "entity %u (%s) differs", (unsigned)i, str(a, x->name));
        uint32_t nattrs = x->type < a->nentity_types ? a->entity_types[x->type].nattrs : 0;
        for (uint32_t k = 0; k < nattrs; k++)
            if (!same_const(&c, &x->values[k], &y->values[k]))
                return differ(&c, "entity %s: attribute %u differs", str(a, x->name), (unsigned)k);
    }
    COUNT(nconsts, "constants")
    for (uint32_t i = 0; i < a->nconsts; i++)
        if (!same_const(&c, &a->consts[i], &b->consts[i]))
            return differ(&c, "constant %u differs", (unsigned)i);
    COUNT(nrules, "rules")
    for (uint32_t i = 0; i < a->nrules; i++) { /* line and text are provenance */
        const polP_rule *x = &a->rules[i], *y = &b->rules[i];
        if (x->kind != y->kind || !same_str(&c, x->clause, y->clause) || x->target != y->target)
            return differ(&c, "rule %u (line %u against line %u) differs", (unsigned)i, (unsigned)x->line,
                          (unsigned)y->line);
    }
    COUNT(noutputs, "outputs")
    for (uint32_t i = 0; i < a->noutputs; i++)
        if (!same_str(&c, a->outputs[i].name, b->outputs[i].name) || !same_type(&a->outputs[i].type, &b->outputs[i].type))
            return differ(&c, "output %s differs", str(a, a->outputs[i].name));
    COUNT(ntables, "jump tables")
    for (uint32_t i = 0; i < a->ntables; i++) {
        const polP_table *x = &a->tables[i], *y = &b->tables[i];
        if (x->dflt != y->dflt || x->nentries != y->nentries ||
            memcmp(x->entries, y->entries, x->nentries * sizeof *x->entries) != 0)
            return differ(&c, "jump table %u differs", (unsigned)i);
    }
    COUNT(nsets, "enum sets")
    for (uint32_t i = 0; i < a->nsets; i++) {
        const polP_set *x = &a->sets[i], *y = &b->sets[i];
        if (x->enum_index != y->enum_index || x->nwords != y->nwords ||
            memcmp(x->bits, y->bits, x->nwords * sizeof *x->bits) != 0)
            return differ(&c, "enum set %u differs", (unsigned)i);
    }
    COUNT(nlocals, "locals")
    COUNT(max_stack, "stack depth")
    COUNT(ncode, "instructions")
    for (uint32_t i = 0; i < a->ncode; i++) { /* the source map's lines are provenance; its rules are not */
        const polP_instr *x = &a->code[i], *y = &b->code[i];
        if (x->op != y->op || x->a != y->a || x->b != y->b || x->c != y->c ||
            (a->srcmap && b->srcmap && a->srcmap[i].rule != b->srcmap[i].rule))
            return differ(&c, "instruction %u (line %u against line %u) differs", (unsigned)i,
                          a->srcmap ? (unsigned)a->srcmap[i].line : 0u, b->srcmap ? (unsigned)b->srcmap[i].line : 0u);
    }
    return 1;
}
