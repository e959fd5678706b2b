/* program.c: a loaded program: the tables derived at load (values of constants, defaults and attributes, record
 * slots, name lookups), freeing, and the introspection functions of pol.h. */
#include <string.h>

#include "quicken.h"
#include "vm.h"

/* ---- checks of what the derived tables dereference ------------------------------------------------------ */

static int string_ok(const polP_program *p, uint32_t s) { return s < p->nstrings && p->strings[s].bytes; }

static int const_ok(const polP_program *p, const polP_const *c)
{
    switch (c->kind) {
    case POL_T_NULL:
    case POL_T_BOOL:
    case POL_T_INT:
    case POL_T_NUMBER:
    case POL_T_DATE:
        return 1;
    case POL_T_STRING:
        return string_ok(p, c->ref);
    case POL_T_ENUM:
        return c->ref < p->nenums && c->u.i >= 0 && (uint64_t)c->u.i < p->enums[c->ref].nvalues;
    case POL_T_ENTITY:
        return c->u.i >= 0 && (uint64_t)c->u.i < p->nentities;
    default:
        return 0;
    }
}

static int type_ok(const polP_program *p, const polP_type *t)
{
    if (t->kind == POL_T_ENUM)
        return t->ref < p->nenums;
    if (t->kind == POL_T_ENTITY)
        return t->ref < p->nentity_types;
    if (t->kind == POL_T_LIST)
        return t->ref < p->nrecords && t->ref != 0;
    return t->kind <= POL_T_LIST;
}

/* Every index the loader resolves; the verifier has checked the code. */
static int tables_ok(const polP_program *p, char *err, size_t errlen)
{
    if (p->nrecords == 0) {
        polX_reason(err, errlen, "the program has no applicant record");
        return 0;
    }
    for (uint32_t e = 0; e < p->nenums; e++)
        for (uint32_t v = 0; v < p->enums[e].nvalues; v++)
            if (!string_ok(p, p->enums[e].values[v])) {
                polX_reason(err, errlen, "enum %u: value %u has no name", e, v);
                return 0;
            }
    for (uint32_t r = 0; r < p->nrecords; r++)
        for (uint32_t f = 0; f < p->records[r].nfields; f++) {
            const polP_field *fd = &p->records[r].fields[f];
            if (!string_ok(p, fd->name) || !type_ok(p, &fd->type) || !const_ok(p, &fd->def)) {
                polX_reason(err, errlen, "record %u: field %u is malformed", r, f);
                return 0;
            }
        }
    for (uint32_t e = 0; e < p->nentities; e++) {
        const polP_entity *en = &p->entities[e];
        if (en->type >= p->nentity_types || !string_ok(p, en->name)) {
            polX_reason(err, errlen, "entity %u is malformed", e);
            return 0;
        }
        for (uint32_t a = 0; a < p->entity_types[en->type].nattrs; a++)
            if (!const_ok(p, &en->values[a])) {
                polX_reason(err, errlen, "entity %u: attribute %u is malformed", e, a);
                return 0;
            }
    }
    for (uint32_t c = 0; c < p->nconsts; c++)
        if (!const_ok(p, &p->consts[c])) {
            polX_reason(err, errlen, "constant %u is malformed", c);
            return 0;
        }
    for (uint32_t o = 0; o < p->noutputs; o++)
        if (!string_ok(p, p->outputs[o].name)) {
            polX_reason(err, errlen, "output %u has no name", o);
            return 0;
        }
    return 1;
}

/* ---- derived tables --------------------------------------------------------------------------------------- */

static int build_values(pol_program *prog)
{
    const polP_program *p = prog->p;
    size_t ndefaults = 0, nattrs = 0;
    if (!polX_array_new(prog->alloc, prog->ud, &prog->consts, p->nconsts, sizeof(polX_value)) ||
        !polX_array_new(prog->alloc, prog->ud, &prog->default_base, (size_t)p->nrecords + 1, sizeof(uint32_t)) ||
        !polX_array_new(prog->alloc, prog->ud, &prog->attr_base, (size_t)p->nentities + 1, sizeof(uint32_t)))
        return 0;
    for (uint32_t c = 0; c < p->nconsts; c++)
        prog->consts[c] = polX_from_const(p, &p->consts[c]);
    for (uint32_t r = 0; r < p->nrecords; r++) {
        prog->default_base[r] = (uint32_t)ndefaults;
        ndefaults += p->records[r].nfields;
    }
    for (uint32_t e = 0; e < p->nentities; e++) {
        prog->attr_base[e] = (uint32_t)nattrs;
        nattrs += p->entity_types[p->entities[e].type].nattrs;
    }
    if (ndefaults > UINT32_MAX || nattrs > UINT32_MAX)
        return 0;
    prog->default_base[p->nrecords] = (uint32_t)ndefaults;
    prog->attr_base[p->nentities] = (uint32_t)nattrs;
    if (!polX_array_new(prog->alloc, prog->ud, &prog->defaults, ndefaults, sizeof(polX_value)) ||
        !polX_array_new(prog->alloc, prog->ud, &prog->attrs, nattrs, sizeof(polX_value)))
        return 0;
    for (uint32_t r = 0; r < p->nrecords; r++)
        for (uint32_t f = 0; f < p->records[r].nfields; f++)
            prog->defaults[prog->default_base[r] + f] = polX_from_const(p, &p->records[r].fields[f].def);
    for (uint32_t e = 0; e < p->nentities; e++)
        for (uint32_t a = 0; a < p->entity_types[p->entities[e].type].nattrs; a++)
            prog->attrs[prog->attr_base[e] + a] = polX_from_const(p, &p->entities[e].values[a]);
    return 1;
}

/* The fields completing a record checks (vm.h): required ones, and the applicant's lists. */
static int needs_check(const polP_program *p, uint32_t r, uint32_t f)
{
    const polP_field *fd = &p->records[r].fields[f];
    return fd->type.kind == POL_T_LIST ? r == 0 : fd->required;
}

static int build_checks(pol_program *prog)
{
    const polP_program *p = prog->p;
    size_t n = 0;
    if (!polX_array_new(prog->alloc, prog->ud, &prog->check_base, (size_t)p->nrecords + 1, sizeof(uint32_t)))
        return 0;
    for (uint32_t r = 0; r < p->nrecords; r++) {
        prog->check_base[r] = (uint32_t)n;
        for (uint32_t f = 0; f < p->records[r].nfields; f++)
            n += (size_t)needs_check(p, r, f);
    }
    if (n > UINT32_MAX)
        return 0;
    prog->check_base[p->nrecords] = (uint32_t)n;
    if (!polX_array_new(prog->alloc, prog->ud, &prog->check_fields, n, sizeof(uint32_t)))
        return 0;
    n = 0;
    for (uint32_t r = 0; r < p->nrecords; r++)
        for (uint32_t f = 0; f < p->records[r].nfields; f++)
            if (needs_check(p, r, f))
                prog->check_fields[n++] = f;
    return 1;
}

/* Slots: the applicant's fields, then for each list field (in field order) its element record's fields. */
static int build_slots(pol_program *prog)
{
    const polP_program *p = prog->p;
    const polP_record *app = &p->records[0];
    size_t nslots = app->nfields;
    uint32_t nlists = 0;
    for (uint32_t f = 0; f < app->nfields; f++)
        if (app->fields[f].type.kind == POL_T_LIST) {
            nslots += p->records[app->fields[f].type.ref].nfields;
            nlists++;
        }
    if (nslots > INT32_MAX)
        return 0;
    prog->nslots = (uint32_t)nslots;
    prog->nlists = nlists;
    if (!polX_array_new(prog->alloc, prog->ud, &prog->slots, nslots, sizeof(polX_slot)) ||
        !polX_array_new(prog->alloc, prog->ud, &prog->list_field, nlists, sizeof(uint32_t)) ||
        !polX_array_new(prog->alloc, prog->ud, &prog->list_slot_base, nlists, sizeof(uint32_t)) ||
        !polX_array_new(prog->alloc, prog->ud, &prog->list_of_field, app->nfields, sizeof(uint32_t)) ||
        !polX_names_init(&prog->names, nslots + p->noutputs, prog->alloc, prog->ud))
        return 0;
    uint32_t slot = app->nfields, list = 0;
    for (uint32_t f = 0; f < app->nfields; f++) {
        const polP_field *fd = &app->fields[f];
        prog->slots[f] = (polX_slot){0, f, POL_NONE};
        prog->list_of_field[f] = POL_NONE;
        polX_names_add(&prog->names, POLX_SCOPE_FIELDS, p->strings[fd->name].bytes, p->strings[fd->name].length, f);
        if (fd->type.kind != POL_T_LIST)
            continue;
        const polP_record *elem = &p->records[fd->type.ref];
        prog->list_of_field[f] = list;
        prog->list_field[list] = f;
        prog->list_slot_base[list] = slot;
        for (uint32_t e = 0; e < elem->nfields; e++, slot++) {
            prog->slots[slot] = (polX_slot){fd->type.ref, e, list};
            const polP_string *name = &p->strings[elem->fields[e].name];
            polX_names_add(&prog->names, POLX_SCOPE_ELEMENTS(list), name->bytes, name->length, slot);
        }
        list++;
    }
    for (uint32_t o = 0; o < p->noutputs; o++) {
        const polP_string *name = &p->strings[p->outputs[o].name];
        polX_names_add(&prog->names, POLX_SCOPE_OUTPUTS, name->bytes, name->length, o);
    }
    return 1;
}

static int build_enums(pol_program *prog)
{
    const polP_program *p = prog->p;
    size_t nvalues = 0;
    if (!polX_array_new(prog->alloc, prog->ud, &prog->enum_base, (size_t)p->nenums + 1, sizeof(uint32_t)))
        return 0;
    for (uint32_t e = 0; e < p->nenums; e++) {
        prog->enum_base[e] = (uint32_t)nvalues;
        nvalues += p->enums[e].nvalues;
        if (nvalues > UINT32_MAX)
            return 0;
    }
    prog->enum_base[p->nenums] = (uint32_t)nvalues;
    if (!polX_array_new(prog->alloc, prog->ud, &prog->enum_text, nvalues, sizeof(const char *)) ||
        !polX_array_new(prog->alloc, prog->ud, &prog->enum_len, nvalues, sizeof(size_t)) ||
        !polX_names_init(&prog->enum_values, nvalues, prog->alloc, prog->ud))
        return 0;
    for (uint32_t e = 0; e < p->nenums; e++)
        for (uint32_t v = 0; v < p->enums[e].nvalues; v++) {
            const polP_string *s = &p->strings[p->enums[e].values[v]];
            prog->enum_text[prog->enum_base[e] + v] = s->bytes;
            prog->enum_len[prog->enum_base[e] + v] = s->length;
            polX_names_add(&prog->enum_values, e, s->bytes, s->length, v);
        }
    return 1;
}

/* The code pol_evaluate runs: p's, with its frequent sequences fused (quicken.h). Made after build_slots,
 * which says which fields are lists. */
static int build_code(pol_program *prog)
{
    const polP_program *p = prog->p;
    if (!polX_array_new(prog->alloc, prog->ud, &prog->code, p->ncode, sizeof(polP_instr)))
        return 0;
    prog->nfused = polX_quicken(p, prog->list_of_field, prog->code);
    return 1;
}

/* Frees the derived tables (whatever was built) and the program struct, not p. */
static void free_tables(pol_program *prog)
{
    const polP_program *p = prog->p;
    pol_alloc_fn a = prog->alloc;
    void *ud = prog->ud;
    uint32_t nfields = p->nrecords ? p->records[0].nfields : 0;
    polX_array_free(a, ud, prog->consts, p->nconsts, sizeof(polX_value));
    polX_array_free(a, ud, prog->defaults, prog->default_base ? prog->default_base[p->nrecords] : 0,
                    sizeof(polX_value));
    polX_array_free(a, ud, prog->attrs, prog->attr_base ? prog->attr_base[p->nentities] : 0, sizeof(polX_value));
    polX_array_free(a, ud, prog->default_base, (size_t)p->nrecords + 1, sizeof(uint32_t));
    polX_array_free(a, ud, prog->check_fields, prog->check_base ? prog->check_base[p->nrecords] : 0,
                    sizeof(uint32_t));
    polX_array_free(a, ud, prog->check_base, (size_t)p->nrecords + 1, sizeof(uint32_t));
    polX_array_free(a, ud, prog->attr_base, (size_t)p->nentities + 1, sizeof(uint32_t));
    polX_array_free(a, ud, prog->slots, prog->nslots, sizeof(polX_slot));
    polX_array_free(a, ud, prog->list_field, prog->nlists, sizeof(uint32_t));
    polX_array_free(a, ud, prog->list_slot_base, prog->nlists, sizeof(uint32_t));
    polX_array_free(a, ud, prog->list_of_field, nfields, sizeof(uint32_t));
    polX_names_free(&prog->names, a, ud);
    polX_names_free(&prog->enum_values, a, ud);
    polX_array_free(a, ud, prog->enum_text, prog->enum_base ? prog->enum_base[p->nenums] : 0, sizeof(const char *));
    polX_array_free(a, ud, prog->enum_len, prog->enum_base ? prog->enum_base[p->nenums] : 0, sizeof(size_t));
    polX_array_free(a, ud, prog->enum_base, (size_t)p->nenums + 1, sizeof(uint32_t));
    polX_array_free(a, ud, prog->code, p->ncode, sizeof(polP_instr));
    a(ud, prog, sizeof *prog, 0);
}

pol_status polX_program_adopt(polP_program *p, const pol_config *config, polX_release_fn release,
                              pol_program **out, char *err, size_t errlen)
{
    void *ud;
    pol_alloc_fn alloc = polX_config_alloc(config, &ud);
    if (!out || !p) {
        polX_reason(err, errlen, "no program");
        return POL_ERR_ARGUMENT;
    }
    *out = NULL;
    if (!tables_ok(p, err, errlen))
        return POL_ERR_FORMAT;
    pol_program *prog = alloc(ud, NULL, 0, sizeof *prog);
    if (!prog) {
        polX_reason(err, errlen, "out of memory");
        return POL_ERR_NOMEM;
    }
    memset(prog, 0, sizeof *prog);
    prog->p = p;
    prog->alloc = alloc;
    prog->ud = ud;
    prog->limits = polX_limits(config ? &config->limits : NULL);
    if (!build_values(prog) || !build_checks(prog) || !build_slots(prog) || !build_enums(prog) || !build_code(prog)) {
        free_tables(prog);
        polX_reason(err, errlen, "out of memory");
        return POL_ERR_NOMEM;
    }
    prog->release = release;
    *out = prog;
    return POL_OK;
}

void pol_program_free(pol_program *program)
{
    if (!program)
        return;
    polP_program *p = program->p;
    polX_release_fn release = program->release;
    pol_alloc_fn alloc = program->alloc;
    void *ud = program->ud;
    free_tables(program);
    if (release)
        release(p, alloc, ud);
}

/* ---- introspection ------------------------------------------------------------------------------------------ */

const char *pol_program_name(const pol_program *program) { return program ? polX_str(program->p, program->p->name) : ""; }

const char *pol_program_policy_version(const pol_program *program)
{
    return program ? polX_str(program->p, program->p->policy_version) : "";
}

const char *pol_program_compiler_version(const pol_program *program)
{
    return program ? polX_str(program->p, program->p->compiler_version) : "";
}

const uint8_t *pol_program_source_sha256(const pol_program *program)
{
    return program ? program->p->source_sha256 : NULL;
}

const uint8_t *pol_program_digest(const pol_program *program) { return program ? program->digest : NULL; }

int pol_field_count(const pol_program *program) { return program ? (int)program->p->records[0].nfields : 0; }

static int slot_ok(const pol_program *program, int slot)
{
    return program && slot >= 0 && (uint32_t)slot < program->nslots;
}

int pol_field_slot(const pol_program *program, const char *name, size_t len)
{
    return program ? (int)polX_names_find(&program->names, POLX_SCOPE_FIELDS, name, len) : -1;
}

int pol_element_slot(const pol_program *program, int list_slot, const char *name, size_t len)
{
    if (!program || list_slot < 0 || (uint32_t)list_slot >= program->p->records[0].nfields)
        return -1;
    uint32_t list = program->list_of_field[list_slot];
    if (list == POL_NONE)
        return -1;
    return (int)polX_names_find(&program->names, POLX_SCOPE_ELEMENTS(list), name, len);
}

const char *pol_field_name(const pol_program *program, int slot)
{
    return slot_ok(program, slot) ? polX_str(program->p, polX_slot_field(program, slot)->name) : NULL;
}

pol_type pol_field_type(const pol_program *program, int slot)
{
    return slot_ok(program, slot) ? (pol_type)polX_slot_field(program, slot)->type.kind : POL_T_NULL;
}

int pol_field_required(const pol_program *program, int slot)
{
    return slot_ok(program, slot) ? polX_slot_field(program, slot)->required != 0 : 0;
}

/* ---- walking the schema (forms, bindings) ------------------------------------------------------------------- */

static uint32_t list_number(const pol_program *program, int list_slot)
{
    if (!program || list_slot < 0 || (uint32_t)list_slot >= program->p->records[0].nfields)
        return POL_NONE;
    return program->list_of_field[list_slot];
}

int pol_element_count(const pol_program *program, int list_slot)
{
    uint32_t list = list_number(program, list_slot);
    if (list == POL_NONE)
        return -1;
    return (int)program->p->records[program->p->records[0].fields[list_slot].type.ref].nfields;
}

int pol_element_slot_at(const pol_program *program, int list_slot, int index)
{
    int count = pol_element_count(program, list_slot);
    if (count < 0 || index < 0 || index >= count)
        return -1;
    return (int)(program->list_slot_base[list_number(program, list_slot)] + (uint32_t)index);
}

static const polP_enum *field_enum(const pol_program *program, int slot)
{
    if (!slot_ok(program, slot))
        return NULL;
    const polP_field *f = polX_slot_field(program, slot);
    return f->type.kind == POL_T_ENUM && f->type.ref < program->p->nenums ? &program->p->enums[f->type.ref] : NULL;
}

int pol_field_enum_count(const pol_program *program, int slot)
{
    const polP_enum *e = field_enum(program, slot);
    return e ? (int)e->nvalues : 0;
}

const char *pol_field_enum_value(const pol_program *program, int slot, int index)
{
    const polP_enum *e = field_enum(program, slot);
    if (!e || index < 0 || (uint32_t)index >= e->nvalues)
        return NULL;
    return polX_str(program->p, e->values[index]);
}

/* A constant of the program as a public value (null for kind NULL: no default, no bound). */
static void const_public(const pol_program *program, const polP_const *c, pol_value *out)
{
    polX_value v = polX_from_const(program->p, c);
    polX_value_public(program->p, &v, out);
}

pol_status pol_field_default(const pol_program *program, int slot, pol_value *out)
{
    if (!slot_ok(program, slot) || !out)
        return POL_ERR_ARGUMENT;
    const_public(program, &polX_slot_field(program, slot)->def, out);
    return POL_OK;
}

pol_status pol_field_bounds(const pol_program *program, int slot, pol_value *min, pol_value *max)
{
    if (!slot_ok(program, slot) || !min || !max)
        return POL_ERR_ARGUMENT;
    const polP_field *f = polX_slot_field(program, slot);
    const_public(program, &f->min, min);
    const_public(program, &f->max, max);
    return POL_OK;
}
