/* entities.c: differences in the entities (a committee, an office): added, removed, or an attribute's value
 * changed. Matched by name; attributes by name; values compared as text (entities by name, enums by value). */
#include <string.h>

#include "audit.h"

static const char *type_name(const polP_program *p, const polP_entity *e)
{
    return e->type < p->nentity_types ? audit_str(p, p->entity_types[e->type].name) : "?";
}

/* The value of attribute `attr` (by name) of entity e, as text; 0 when its type has no such attribute */
static int attr_value(const polP_program *p, const polP_entity *e, const char *attr, audit_buf *out)
{
    if (e->type >= p->nentity_types)
        return 0;
    const polP_entity_type *t = &p->entity_types[e->type];
    for (uint32_t a = 0; a < t->nattrs; a++)
        if (strcmp(audit_str(p, t->attrs[a].name), attr) == 0) {
            audit_const_text(p, &e->values[a], out);
            return 1;
        }
    return 0;
}

static void whole(const polP_program *p, const polP_entity *e, const char *change, audit_changes *c)
{
    audit_buf t = {0}, j = {0};
    const char *name = audit_str(p, e->name);
    audit_printf(&t, "entity %s (%s, line %u) %s", name, type_name(p, e), (unsigned)e->line, change);
    audit_puts(&j, "{\"kind\": \"entity\", \"change\": ");
    audit_json_string(&j, change);
    audit_puts(&j, ", \"name\": ");
    audit_json_string(&j, name);
    audit_puts(&j, ", \"type\": ");
    audit_json_string(&j, type_name(p, e));
    audit_printf(&j, ", \"%s_line\": %u", change[0] == 'a' ? "new" : "old", (unsigned)e->line);
    if (e->type < p->nentity_types) {
        audit_puts(&j, ", \"attributes\": {");
        const polP_entity_type *ty = &p->entity_types[e->type];
        for (uint32_t a = 0; a < ty->nattrs; a++) {
            audit_buf v = {0};
            audit_const_text(p, &e->values[a], &v);
            audit_printf(&j, "%s", a ? ", " : "");
            audit_json_string(&j, audit_str(p, ty->attrs[a].name));
            audit_puts(&j, ": ");
            audit_json_string(&j, v.s);
            audit_buf_free(&v);
        }
        audit_puts(&j, "}");
    }
    audit_puts(&j, "}");
    audit_add(c, AUDIT_ENTITIES, &t, &j);
}

static void diff_entity(const polP_program *a, const polP_entity *ea, const polP_program *b, const polP_entity *eb,
                        audit_changes *c)
{
    const char *name = audit_str(b, eb->name);
    /* attributes in the new type's order, then those only the old type has */
    for (int pass = 0; pass < 2; pass++) {
        const polP_program *x = pass ? a : b;
        const polP_entity *ex = pass ? ea : eb;
        if (ex->type >= x->nentity_types)
            continue;
        const polP_entity_type *t = &x->entity_types[ex->type];
        for (uint32_t i = 0; i < t->nattrs; i++) {
            const char *attr = audit_str(x, t->attrs[i].name);
            audit_buf va = {0}, vb = {0};
            int has_a = attr_value(a, ea, attr, &va), has_b = attr_value(b, eb, attr, &vb);
            if (pass == 1 && has_b) { /* already compared in the first pass */
                audit_buf_free(&va);
                audit_buf_free(&vb);
                continue;
            }
            if (!has_a)
                audit_puts(&va, "(no such attribute)");
            if (!has_b)
                audit_puts(&vb, "(no such attribute)");
            if (strcmp(va.s, vb.s) != 0) {
                audit_buf t2 = {0}, j = {0};
                audit_printf(&t2, "entity %s (%s, line %u -> line %u): %s %s -> %s", name, type_name(b, eb),
                             (unsigned)ea->line, (unsigned)eb->line, attr, va.s, vb.s);
                audit_puts(&j, "{\"kind\": \"entity\", \"change\": \"changed\", \"name\": ");
                audit_json_string(&j, name);
                audit_puts(&j, ", \"type\": ");
                audit_json_string(&j, type_name(b, eb));
                audit_puts(&j, ", \"attribute\": ");
                audit_json_string(&j, attr);
                audit_puts(&j, ", \"old\": ");
                audit_json_string(&j, va.s);
                audit_puts(&j, ", \"new\": ");
                audit_json_string(&j, vb.s);
                audit_printf(&j, ", \"old_line\": %u, \"new_line\": %u}", (unsigned)ea->line, (unsigned)eb->line);
                audit_add(c, AUDIT_ENTITIES, &t2, &j);
            }
            audit_buf_free(&va);
            audit_buf_free(&vb);
        }
    }
}

void audit_diff_entities(const audit_prog *old, const audit_prog *new_, audit_changes *c)
{
    const polP_program *a = old->p, *b = new_->p;
    for (uint32_t e = 0; e < a->nentities; e++)
        if (audit_entity_index(b, audit_str(a, a->entities[e].name)) < 0)
            whole(a, &a->entities[e], "removed", c);
    for (uint32_t e = 0; e < b->nentities; e++) {
        int other = audit_entity_index(a, audit_str(b, b->entities[e].name));
        if (other < 0)
            whole(b, &b->entities[e], "added", c);
        else
            diff_entity(a, &a->entities[other], b, &b->entities[e], c);
    }
}
