/* program_builder.h: build a polP_program by hand in a test, a table entry per call (malloc'd; pb_free).
 *
 *     pb b;
 *     pb_init(&b);                                   // header, and record 0 "applicant" with no fields
 *     uint32_t lvl = pb_enum(&b, "级别", "初级 中级 高级");
 *     uint32_t f = pb_field(&b, 0, "level", pb_type(POL_T_ENUM, lvl), 1);
 *     uint32_t r = pb_rule(&b, POLP_RULE_VIOLATION, "三(一)", 12, POL_NONE, "violation when ...");
 *     pb_at(&b, 12, r);                              // source map for the instructions that follow
 *     pb_emit(&b, POL_OP_FIELD, 0, (int32_t)f);
 *     ...
 *     pb_emit(&b, POL_OP_HALT, 0, 0);
 *     b.p.max_stack = 2;                             // nlocals follows the LOCAL operands emitted
 *     ... use &b.p ...
 *     pb_free(&b);
 *
 * Declare an entity type's attributes before its entities (an entity gets one value slot per attribute).
 * Allocation failures abort the test: this is test code.
 */
#ifndef POL_PROGRAM_BUILDER_H
#define POL_PROGRAM_BUILDER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "opcodes.h"
#include "program.h"

typedef struct pb {
    polP_program p;
    uint32_t line, rule; /* source map entry for the next instructions */
} pb;

/* old resized from oldsize to newsize bytes, the new bytes zeroed */
static inline void *pb__resize(void *old, size_t oldsize, size_t newsize)
{
    char *grown = realloc(old, newsize);
    if (!grown)
        abort();
    memset(grown + oldsize, 0, newsize - oldsize);
    return grown;
}

/* Append one zeroed element to array (count elements); evaluates to the new element's index. */
#define PB_PUSH(array, count)                                                                                  \
    ((array) = pb__resize((array), (size_t)(count) * sizeof *(array), ((size_t)(count) + 1) * sizeof *(array)), \
     (count)++)

/* The index of s in the string table, adding it when new. */
static inline uint32_t pb_str(pb *b, const char *s)
{
    size_t len = strlen(s);
    for (uint32_t i = 0; i < b->p.nstrings; i++)
        if (b->p.strings[i].length == len && memcmp(b->p.strings[i].bytes, s, len) == 0)
            return i;
    char *copy = malloc(len + 1);
    if (!copy)
        abort();
    memcpy(copy, s, len + 1);
    uint32_t i = PB_PUSH(b->p.strings, b->p.nstrings);
    b->p.strings[i].length = (uint32_t)len;
    b->p.strings[i].bytes = copy;
    return i;
}

/* ---- types and constants (values, not table entries) ---- */
static inline polP_type pb_type(uint8_t kind, uint32_t ref)
{
    int has_ref = kind == POL_T_ENUM || kind == POL_T_ENTITY || kind == POL_T_LIST;
    return (polP_type){.kind = kind, .ref = has_ref ? ref : POL_NONE};
}
static inline polP_type pb_opt(polP_type t)
{
    t.nullable = 1;
    return t;
}
static inline polP_const pb_null(void) { return (polP_const){.kind = POL_T_NULL, .ref = POL_NONE}; }
static inline polP_const pb_bool(int v) { return (polP_const){.kind = POL_T_BOOL, .ref = POL_NONE, .u.i = !!v}; }
static inline polP_const pb_int(int64_t v) { return (polP_const){.kind = POL_T_INT, .ref = POL_NONE, .u.i = v}; }
static inline polP_const pb_number(double v)
{
    return (polP_const){.kind = POL_T_NUMBER, .ref = POL_NONE, .u.d = v};
}
static inline polP_const pb_datetime(int y, int m, int d, int hh, int mm)
{
    return (polP_const){.kind = POL_T_DATE, .has_time = 1, .ref = POL_NONE,
                        .u.i = polT_days_from_civil(y, m, d) * POLT_MINUTES_PER_DAY + hh * 60 + mm};
}
static inline polP_const pb_date(int y, int m, int d)
{
    polP_const c = pb_datetime(y, m, d, 0, 0);
    c.has_time = 0;
    return c;
}
static inline polP_const pb_string(pb *b, const char *s)
{
    return (polP_const){.kind = POL_T_STRING, .ref = pb_str(b, s)};
}
static inline polP_const pb_enumval(uint32_t e, uint32_t value)
{
    return (polP_const){.kind = POL_T_ENUM, .ref = e, .u.i = value};
}
static inline polP_const pb_entityref(const pb *b, uint32_t entity)
{
    return (polP_const){.kind = POL_T_ENTITY, .ref = b->p.entities[entity].type, .u.i = entity};
}

/* ---- tables ---- */

/* values: names separated by spaces */
static inline uint32_t pb_enum(pb *b, const char *name, const char *values)
{
    uint32_t i = PB_PUSH(b->p.enums, b->p.nenums);
    b->p.enums[i].name = pb_str(b, name);
    const char *s = values;
    while (*s) {
        while (*s == ' ')
            s++;
        size_t n = strcspn(s, " ");
        if (n == 0)
            break;
        char word[256];
        snprintf(word, sizeof word, "%.*s", (int)n, s);
        uint32_t sidx = pb_str(b, word);
        uint32_t v = PB_PUSH(b->p.enums[i].values, b->p.enums[i].nvalues);
        b->p.enums[i].values[v] = sidx;
        s += n;
    }
    return i;
}

static inline uint32_t pb_record(pb *b, const char *name)
{
    uint32_t i = PB_PUSH(b->p.records, b->p.nrecords);
    b->p.records[i].name = pb_str(b, name);
    return i;
}

/* A field of record rec with no default; set one with pb_default. */
static inline uint32_t pb_field(pb *b, uint32_t rec, const char *name, polP_type type, int required)
{
    uint32_t name_index = pb_str(b, name);
    polP_record *r = &b->p.records[rec];
    uint32_t i = PB_PUSH(r->fields, r->nfields);
    r->fields[i].name = name_index;
    r->fields[i].type = type;
    r->fields[i].required = (uint8_t)required;
    r->fields[i].def = pb_null();
    return i;
}

static inline void pb_default(pb *b, uint32_t rec, uint32_t field, polP_const def)
{
    b->p.records[rec].fields[field].def = def;
    b->p.records[rec].fields[field].required = 0;
}

static inline uint32_t pb_entity_type(pb *b, const char *name)
{
    uint32_t i = PB_PUSH(b->p.entity_types, b->p.nentity_types);
    b->p.entity_types[i].name = pb_str(b, name);
    return i;
}

static inline uint32_t pb_attr(pb *b, uint32_t etype, const char *name, polP_type type)
{
    uint32_t name_index = pb_str(b, name);
    polP_entity_type *t = &b->p.entity_types[etype];
    uint32_t i = PB_PUSH(t->attrs, t->nattrs);
    t->attrs[i].name = name_index;
    t->attrs[i].type = type;
    t->attrs[i].def = pb_null();
    return i;
}

/* An entity with every attribute null; give values with pb_value. */
static inline uint32_t pb_entity(pb *b, uint32_t etype, const char *name, uint32_t line)
{
    uint32_t name_index = pb_str(b, name);
    uint32_t i = PB_PUSH(b->p.entities, b->p.nentities);
    polP_entity *e = &b->p.entities[i];
    uint32_t nattrs = b->p.entity_types[etype].nattrs;
    e->type = etype;
    e->name = name_index;
    e->line = line;
    e->values = calloc(nattrs ? nattrs : 1, sizeof *e->values);
    if (!e->values)
        abort();
    for (uint32_t a = 0; a < nattrs; a++)
        e->values[a] = pb_null();
    return i;
}

static inline void pb_value(pb *b, uint32_t entity, uint32_t attr, polP_const value)
{
    b->p.entities[entity].values[attr] = value;
}

static inline uint32_t pb_const(pb *b, polP_const c)
{
    uint32_t i = PB_PUSH(b->p.consts, b->p.nconsts);
    b->p.consts[i] = c;
    return i;
}

/* clause NULL: outside any clause; target: entity (ROUTE), output (OUTPUT) or POL_NONE */
static inline uint32_t pb_rule(pb *b, polP_rule_kind kind, const char *clause, uint32_t line, uint32_t target,
                               const char *text)
{
    uint32_t clause_index = clause ? pb_str(b, clause) : POL_NONE;
    uint32_t text_index = pb_str(b, text);
    uint32_t i = PB_PUSH(b->p.rules, b->p.nrules);
    b->p.rules[i] = (polP_rule){.kind = (uint8_t)kind, .clause = clause_index, .line = line, .target = target,
                                .text = text_index};
    return i;
}

static inline uint32_t pb_output(pb *b, const char *name, polP_type type)
{
    uint32_t name_index = pb_str(b, name);
    uint32_t i = PB_PUSH(b->p.outputs, b->p.noutputs);
    b->p.outputs[i].name = name_index;
    b->p.outputs[i].type = type;
    return i;
}

/* A jump table; fill entries later with pb_table_entry once the targets are known. */
static inline uint32_t pb_table(pb *b, uint32_t nentries)
{
    uint32_t i = PB_PUSH(b->p.tables, b->p.ntables);
    b->p.tables[i].nentries = nentries;
    b->p.tables[i].entries = calloc(nentries ? nentries : 1, sizeof(uint32_t));
    if (!b->p.tables[i].entries)
        abort();
    return i;
}

static inline void pb_table_entry(pb *b, uint32_t table, uint32_t value, uint32_t target)
{
    b->p.tables[table].entries[value] = target;
}

static inline void pb_table_default(pb *b, uint32_t table, uint32_t target) { b->p.tables[table].dflt = target; }

/* A set over enum e holding the n values listed. */
static inline uint32_t pb_set(pb *b, uint32_t e, uint32_t n, const uint32_t *values)
{
    uint32_t nvalues = b->p.enums[e].nvalues;
    uint32_t i = PB_PUSH(b->p.sets, b->p.nsets);
    polP_set *s = &b->p.sets[i];
    s->enum_index = e;
    s->nwords = (nvalues + 63) / 64;
    s->bits = calloc(s->nwords ? s->nwords : 1, sizeof *s->bits);
    if (!s->bits)
        abort();
    for (uint32_t k = 0; k < n; k++)
        s->bits[values[k] / 64] |= (uint64_t)1 << (values[k] % 64);
    return i;
}

/* ---- code ---- */

/* The source map entry given to the instructions emitted from now on (rule POL_NONE: glue). */
static inline void pb_at(pb *b, uint32_t line, uint32_t rule)
{
    b->line = line;
    b->rule = rule;
}

/* Append an instruction; returns its address. A LOCAL operand a raises nlocals to a + 1. */
static inline uint32_t pb_emit(pb *b, pol_opcode op, uint8_t a, int32_t operand_b)
{
    uint32_t n = b->p.ncode;
    uint32_t i = PB_PUSH(b->p.code, b->p.ncode);
    PB_PUSH(b->p.srcmap, n);
    b->p.code[i] = (polP_instr){.op = (uint8_t)op, .a = a, .b = operand_b};
    b->p.srcmap[i] = (polP_srcloc){.line = b->line, .rule = b->rule};
    if (op < POL_OP__COUNT && polO_info[op].a == POL_OPND_LOCAL && (uint32_t)a + 1 > b->p.nlocals)
        b->p.nlocals = (uint32_t)a + 1;
    return i;
}

/* Set operand b of the instruction at addr (a jump's target once known). */
static inline void pb_patch(pb *b, uint32_t addr, int32_t operand_b) { b->p.code[addr].b = operand_b; }

/* ---- whole programs ---- */

/* A pol_alloc_fn over the C library, for loading in tests that do not count allocations. */
static inline void *pb_alloc(void *ud, void *ptr, size_t oldsize, size_t newsize)
{
    (void)ud;
    (void)oldsize;
    if (newsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, newsize);
}

/* Header strings, year 2024, and record 0 "applicant" with no fields yet. */
static inline void pb_init(pb *b)
{
    memset(b, 0, sizeof *b);
    b->rule = POL_NONE;
    b->p.name = pb_str(b, "test policy");
    b->p.policy_version = pb_str(b, "1.0");
    b->p.compiler_version = pb_str(b, "polc test");
    b->p.year = 2024;
    pb_record(b, "applicant");
}

static inline void pb_free(pb *b)
{
    polP_program *p = &b->p;
    for (uint32_t i = 0; i < p->nstrings; i++)
        free((void *)p->strings[i].bytes);
    for (uint32_t i = 0; i < p->nenums; i++)
        free(p->enums[i].values);
    for (uint32_t i = 0; i < p->nrecords; i++)
        free(p->records[i].fields);
    for (uint32_t i = 0; i < p->nentity_types; i++)
        free(p->entity_types[i].attrs);
    for (uint32_t i = 0; i < p->nentities; i++)
        free(p->entities[i].values);
    for (uint32_t i = 0; i < p->ntables; i++)
        free(p->tables[i].entries);
    for (uint32_t i = 0; i < p->nsets; i++)
        free(p->sets[i].bits);
    free(p->strings);
    free(p->enums);
    free(p->records);
    free(p->entity_types);
    free(p->entities);
    free(p->consts);
    free(p->rules);
    free(p->outputs);
    free(p->tables);
    free(p->sets);
    free(p->code);
    free(p->srcmap);
    memset(b, 0, sizeof *b);
}

#endif
