/* schema.c: differences in the declarations: enumerations and their values, the applicant and element records
 * and their fields, entity types and their attributes, and the outputs' names and types. Matched by name. */
#include <stdlib.h>
#include <string.h>

#include "audit.h"

static void emit(audit_changes *c, audit_section s, audit_buf *t, audit_buf *j) { audit_add(c, s, t, j); }

/* "{"kind": K, "name": N" opened; caller closes */
static void json_open(audit_buf *j, const char *kind, const char *change, const char *name)
{
    audit_puts(j, "{\"kind\": ");
    audit_json_string(j, kind);
    audit_puts(j, ", \"change\": ");
    audit_json_string(j, change);
    audit_puts(j, ", \"name\": ");
    audit_json_string(j, name);
}

static void json_str_field(audit_buf *j, const char *key, const char *value)
{
    audit_printf(j, ", \"%s\": ", key);
    audit_json_string(j, value);
}

/* ---- enums ---------------------------------------------------------------------------------------------- */
static void enum_values(const polP_program *p, uint32_t e, audit_buf *out)
{
    for (uint32_t v = 0; v < p->enums[e].nvalues; v++)
        audit_printf(out, "%s%s", v ? " " : "", audit_str(p, p->enums[e].values[v]));
}

static void diff_enum_values(const polP_program *a, uint32_t ea, const polP_program *b, uint32_t eb,
                             audit_changes *c)
{
    const char *name = audit_str(a, a->enums[ea].name);
    for (int pass = 0; pass < 2; pass++) { /* 0: removed (in a, not b); 1: added */
        const polP_program *x = pass ? b : a, *y = pass ? a : b;
        uint32_t ex = pass ? eb : ea, ey = pass ? ea : eb;
        for (uint32_t v = 0; v < x->enums[ex].nvalues; v++) {
            const char *value = audit_str(x, x->enums[ex].values[v]);
            if (audit_enum_value(y, ey, value) >= 0)
                continue;
            audit_buf t = {0}, j = {0};
            audit_printf(&t, "enum %s: value %s %s", name, value, pass ? "added" : "removed");
            json_open(&j, "enum value", pass ? "added" : "removed", name);
            json_str_field(&j, "value", value);
            audit_puts(&j, "}");
            emit(c, AUDIT_ENUMS, &t, &j);
        }
    }
}

/* An enum only one version has, with its values */
static void enum_only_in(const polP_program *p, uint32_t e, const char *how, audit_changes *c)
{
    const char *name = audit_str(p, p->enums[e].name);
    audit_buf t = {0}, j = {0}, v = {0};
    enum_values(p, e, &v);
    audit_printf(&t, "enum %s %s: { %s }", name, how, v.s ? v.s : "");
    json_open(&j, "enum", how, name);
    json_str_field(&j, "values", v.s ? v.s : "");
    audit_puts(&j, "}");
    audit_buf_free(&v);
    emit(c, AUDIT_ENUMS, &t, &j);
}

static void diff_enums(const polP_program *a, const polP_program *b, audit_changes *c)
{
    for (uint32_t e = 0; e < a->nenums; e++) {
        int other = audit_enum_index(b, audit_str(a, a->enums[e].name));
        if (other >= 0)
            diff_enum_values(a, e, b, (uint32_t)other, c);
        else
            enum_only_in(a, e, "removed", c);
    }
    for (uint32_t e = 0; e < b->nenums; e++)
        if (audit_enum_index(a, audit_str(b, b->enums[e].name)) < 0)
            enum_only_in(b, e, "added", c);
}

/* ---- fields of records, attributes of entity types ------------------------------------------------------------ */
static void field_text(const polP_program *p, const polP_field *f, int full, audit_buf *out)
{
    audit_type_text(p, &f->type, out);
    if (!full)
        return;
    if (f->min.kind != POL_T_NULL) {
        audit_puts(out, " >= ");
        audit_const_text(p, &f->min, out);
    }
    if (f->max.kind != POL_T_NULL) {
        audit_puts(out, " <= ");
        audit_const_text(p, &f->max, out);
    }
    if (f->required)
        audit_puts(out, " required");
    if (f->def.kind != POL_T_NULL) {
        audit_puts(out, " = ");
        audit_const_text(p, &f->def, out);
    }
}

static void diff_fields(const polP_program *a, const polP_field *fa, uint32_t na, const polP_program *b,
                        const polP_field *fb, uint32_t nb, int full, const char *what, const char *owner,
                        audit_section s, audit_changes *c)
{
    for (uint32_t i = 0; i < na; i++) {
        const char *name = audit_str(a, fa[i].name);
        uint32_t k = 0;
        while (k < nb && strcmp(audit_str(b, fb[k].name), name) != 0)
            k++;
        audit_buf ta = {0}, tb = {0};
        field_text(a, &fa[i], full, &ta);
        if (k < nb)
            field_text(b, &fb[k], full, &tb);
        if (k < nb && strcmp(ta.s, tb.s) == 0) {
            audit_buf_free(&ta);
            audit_buf_free(&tb);
            continue;
        }
        audit_buf t = {0}, j = {0};
        if (k < nb)
            audit_printf(&t, "%s %s: %s %s: %s -> %s", what, owner, what[0] == 'r' ? "field" : "attribute", name,
                         ta.s, tb.s);
        else
            audit_printf(&t, "%s %s: %s %s removed (was %s)", what, owner,
                         what[0] == 'r' ? "field" : "attribute", name, ta.s);
        json_open(&j, what[0] == 'r' ? "field" : "attribute", k < nb ? "changed" : "removed", name);
        json_str_field(&j, "of", owner);
        json_str_field(&j, "old", ta.s);
        if (k < nb)
            json_str_field(&j, "new", tb.s);
        audit_puts(&j, "}");
        audit_buf_free(&ta);
        audit_buf_free(&tb);
        emit(c, s, &t, &j);
    }
    for (uint32_t k = 0; k < nb; k++) {
        const char *name = audit_str(b, fb[k].name);
        uint32_t i = 0;
        while (i < na && strcmp(audit_str(a, fa[i].name), name) != 0)
            i++;
        if (i < na)
            continue;
        audit_buf t = {0}, j = {0}, tb = {0};
        field_text(b, &fb[k], full, &tb);
        audit_printf(&t, "%s %s: %s %s added: %s", what, owner, what[0] == 'r' ? "field" : "attribute", name, tb.s);
        json_open(&j, what[0] == 'r' ? "field" : "attribute", "added", name);
        json_str_field(&j, "of", owner);
        json_str_field(&j, "new", tb.s);
        audit_puts(&j, "}");
        audit_buf_free(&tb);
        emit(c, s, &t, &j);
    }
}

static int record_index(const polP_program *p, const char *name)
{
    for (uint32_t r = 0; r < p->nrecords; r++)
        if (strcmp(audit_str(p, p->records[r].name), name) == 0)
            return (int)r;
    return -1;
}

static int entity_type_index(const polP_program *p, const char *name)
{
    for (uint32_t t = 0; t < p->nentity_types; t++)
        if (strcmp(audit_str(p, p->entity_types[t].name), name) == 0)
            return (int)t;
    return -1;
}

static void whole(audit_changes *c, audit_section s, const char *what, const char *change, const char *name)
{
    audit_buf t = {0}, j = {0};
    audit_printf(&t, "%s %s %s", what, name, change);
    json_open(&j, what, change, name);
    audit_puts(&j, "}");
    emit(c, s, &t, &j);
}

static void diff_records(const polP_program *a, const polP_program *b, audit_changes *c)
{
    for (uint32_t r = 0; r < a->nrecords; r++) {
        const char *name = audit_str(a, a->records[r].name);
        int other = r == 0 ? 0 : record_index(b, name); /* record 0 is the applicant whatever its name */
        if (other < 0 || (r != 0 && other == 0)) {
            whole(c, AUDIT_RECORDS, "record", "removed", name);
            continue;
        }
        diff_fields(a, a->records[r].fields, a->records[r].nfields, b, b->records[other].fields,
                    b->records[other].nfields, 1, "record", name, AUDIT_RECORDS, c);
    }
    for (uint32_t r = 1; r < b->nrecords; r++) {
        int other = record_index(a, audit_str(b, b->records[r].name));
        if (other <= 0)
            whole(c, AUDIT_RECORDS, "record", "added", audit_str(b, b->records[r].name));
    }
}

static void diff_entity_types(const polP_program *a, const polP_program *b, audit_changes *c)
{
    for (uint32_t t = 0; t < a->nentity_types; t++) {
        const char *name = audit_str(a, a->entity_types[t].name);
        int other = entity_type_index(b, name);
        if (other < 0) {
            whole(c, AUDIT_ENTITY_TYPES, "entity type", "removed", name);
            continue;
        }
        diff_fields(a, a->entity_types[t].attrs, a->entity_types[t].nattrs, b, b->entity_types[other].attrs,
                    b->entity_types[other].nattrs, 0, "entity type", name, AUDIT_ENTITY_TYPES, c);
    }
    for (uint32_t t = 0; t < b->nentity_types; t++)
        if (entity_type_index(a, audit_str(b, b->entity_types[t].name)) < 0)
            whole(c, AUDIT_ENTITY_TYPES, "entity type", "added", audit_str(b, b->entity_types[t].name));
}

void audit_diff_schema(const audit_prog *old, const audit_prog *new_, audit_changes *c)
{
    diff_enums(old->p, new_->p, c);
    diff_records(old->p, new_->p, c);
    diff_entity_types(old->p, new_->p, c);
}
