/* decls.c: the declarations: policy header, enums, records and the applicant, entity types, entities,
 * constants. They become the bytecode's tables directly (r->prog). */
#include <stdio.h>

#include "internal.h"

static ast_list *decls(check_result *r) { return &r->tree->decls; }

/* Report a second definition of a name, pointing at the first */
static void duplicate(check_result *r, const ast_node *n, const char *what, ast_loc first)
{
    diag_error(r->diag, n->name_loc.line ? n->name_loc : n->loc, "%s '%s' is defined twice", diag_tr(r->diag, what),
               n->name);
    diag_note(r->diag, first, "first defined here");
}

static ast_loc name_loc(const ast_node *n) { return n->name_loc.line ? n->name_loc : n->loc; }

/* First pass: the names of enums, record types, entity types and entities, so declarations may refer to each
 * other in any order. */
static void collect_names(check_result *r)
{
    polP_program *p = r->prog;
    ast_node **first_enum = NULL, **first_record = NULL, **first_etype = NULL, **first_entity = NULL;
    uint32_t nenum = 0, nrec = 1, netype = 0, nentity = 0;
    const ast_node *applicant = NULL, *policy = NULL;
    for (int i = 0; i < decls(r)->n; i++) {
        ast_node *d = decls(r)->items[i];
        switch (d->kind) {
        case AST_ENUM: nenum++; break;
        case AST_RECORD: nrec++; break;
        case AST_ENTITY_TYPE: netype++; break;
        case AST_ENTITY: nentity++; break;
        default: break;
        }
    }
    p->enums = ast_alloc(r->tree, (nenum + 1) * sizeof *p->enums);
    p->records = ast_alloc(r->tree, nrec * sizeof *p->records);
    p->entity_types = ast_alloc(r->tree, (netype + 1) * sizeof *p->entity_types);
    p->entities = ast_alloc(r->tree, (nentity + 1) * sizeof *p->entities);
    first_enum = ast_alloc(r->tree, (nenum + 1) * sizeof *first_enum);
    first_record = ast_alloc(r->tree, nrec * sizeof *first_record);
    first_etype = ast_alloc(r->tree, (netype + 1) * sizeof *first_etype);
    first_entity = ast_alloc(r->tree, (nentity + 1) * sizeof *first_entity);
    r->field_names = ast_alloc(r->tree, nrec * sizeof *r->field_names);
    r->attr_names = ast_alloc(r->tree, (netype + 1) * sizeof *r->attr_names);
    p->nrecords = 1;
    p->records[0].name = check_intern(r, "applicant", 9);

    for (int i = 0; i < decls(r)->n; i++) {
        ast_node *d = decls(r)->items[i];
        uint32_t index, have;
        size_t len = d->name ? strlen(d->name) : 0;
        switch (d->kind) {
        case AST_POLICY:
            if (policy) {
                diag_error(r->diag, d->loc, "a policy has one `policy` header");
                diag_note(r->diag, policy->loc, "the first one is here");
                break;
            }
            policy = d;
            p->name = check_intern(r, d->name, len);
            p->policy_version = check_intern(r, d->str ? d->str : "", d->str ? strlen(d->str) : 0);
            p->year = (int32_t)d->ival;
            break;
        case AST_ENUM:
            if (strmap_get(&r->enum_names, d->name, len, &have)) {
                duplicate(r, d, "enum", name_loc(first_enum[have]));
                break;
            }
            index = p->nenums++;
            p->enums[index].name = check_intern(r, d->name, len);
            first_enum[index] = d;
            strmap_put(&r->enum_names, d->name, len, index);
            break;
        case AST_RECORD:
            if (strmap_get(&r->record_names, d->name, len, &have)) {
                duplicate(r, d, "record", name_loc(first_record[have]));
                break;
            }
            index = p->nrecords++;
            p->records[index].name = check_intern(r, d->name, len);
            first_record[index] = d;
            strmap_put(&r->record_names, d->name, len, index);
            break;
        case AST_APPLICANT:
            if (applicant) {
                diag_error(r->diag, d->loc, "the applicant is declared twice");
                diag_note(r->diag, applicant->loc, "first declared here");
            } else {
                applicant = d;
                first_record[0] = d;
            }
            break;
        case AST_ENTITY_TYPE:
            if (strmap_get(&r->etype_names, d->name, len, &have)) {
                duplicate(r, d, "entity type", name_loc(first_etype[have]));
                break;
            }
            index = p->nentity_types++;
            p->entity_types[index].name = check_intern(r, d->name, len);
            first_etype[index] = d;
            strmap_put(&r->etype_names, d->name, len, index);
            break;
        case AST_ENTITY:
            if (strmap_get(&r->entity_names, d->name, len, &have)) {
                duplicate(r, d, "entity", name_loc(first_entity[have]));
                break;
            }
            index = p->nentities++;
            p->entities[index].name = check_intern(r, d->name, len);
            p->entities[index].line = (uint32_t)d->loc.line;
            p->entities[index].type = POL_NONE;
            first_entity[index] = d;
            strmap_put(&r->entity_names, d->name, len, index);
            break;
        default:
            break;
        }
    }
    if (!policy) {
        ast_loc top = {1, 1, 1, 1};
        diag_error(r->diag, top, "the policy has no header; start the file with: policy \"NAME\" version \"1\"");
    }
    if (!applicant) {
        ast_loc top = {1, 1, 1, 1};
        diag_error(r->diag, top, "the policy declares no applicant record (`applicant { ... }`)");
    }
    /* second pass works from these: keep the first declarations in the nodes' sem slot of the program */
    r->record_decls = first_record;
    r->etype_decls = first_etype;
    r->entity_decls = first_entity;
    r->enum_decls = first_enum;
}

polP_type check_resolve_type(check_result *r, const ast_node *type)
{
    static const struct {
        const char *name;
        int kind;
    } builtin[] = {{"string", POL_T_STRING}, {"int", POL_T_INT},   {"number", POL_T_NUMBER},
                   {"bool", POL_T_BOOL},     {"date", POL_T_DATE}};
    polP_type t = check_type_make(POL_T_NULL, 0, 0);
    const char *name = type->name;
    size_t len = strlen(name);
    uint32_t index;
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (strcmp(builtin[i].name, name) == 0)
            t.kind = (uint8_t)builtin[i].kind;
    if (type->op == AST_TYPE_LIST) {
        if (!strmap_get(&r->record_names, name, len, &index)) {
            const char **names = ast_alloc(r->tree, (r->prog->nrecords + 1) * sizeof *names);
            for (uint32_t i = 1; i < r->prog->nrecords; i++)
                names[i - 1] = check_str(r, r->prog->records[i].name);
            check_unknown(r, type->loc, "record type", name, names, r->prog->nrecords - 1);
            return check_type_make(POL_T_NULL, 0, 0);
        }
        return check_type_make(POL_T_LIST, index, 0);
    }
    if (t.kind == POL_T_NULL) {
        if (strmap_get(&r->enum_names, name, len, &index))
            t = check_type_make(POL_T_ENUM, index, 0);
        else if (strmap_get(&r->etype_names, name, len, &index))
            t = check_type_make(POL_T_ENTITY, index, 0);
        else {
            uint32_t n = 5 + r->prog->nenums + r->prog->nentity_types, k = 0;
            const char **names = ast_alloc(r->tree, (n + 1) * sizeof *names);
            for (size_t i = 0; i < 5; i++)
                names[k++] = builtin[i].name;
            for (uint32_t i = 0; i < r->prog->nenums; i++)
                names[k++] = check_str(r, r->prog->enums[i].name);
            for (uint32_t i = 0; i < r->prog->nentity_types; i++)
                names[k++] = check_str(r, r->prog->entity_types[i].name);
            check_unknown(r, type->loc, "type", name, names, k);
            return t;
        }
    }
    t.nullable = type->op == AST_TYPE_OPTIONAL;
    return t;
}

static void check_enum(check_result *r, uint32_t index)
{
    const ast_node *d = r->enum_decls[index];
    polP_enum *e = &r->prog->enums[index];
    e->values = ast_alloc(r->tree, ((size_t)d->list.n + 1) * sizeof *e->values);
    strmap seen;
    strmap_init(&seen);
    for (int i = 0; i < d->list.n; i++) {
        const ast_node *v = d->list.items[i];
        uint32_t first;
        if (strmap_get(&seen, v->name, strlen(v->name), &first)) {
            diag_error(r->diag, v->loc, "enum %s lists '%s' twice", d->name, v->name);
            diag_note(r->diag, d->list.items[first]->loc, "first listed here");
            continue;
        }
        strmap_put(&seen, v->name, strlen(v->name), (uint32_t)i);
        e->values[e->nvalues++] = check_intern(r, v->name, strlen(v->name));
    }
    strmap_free(&seen);
    if (e->nvalues == 0)
        diag_error(r->diag, d->loc, "enum %s has no values", d->name);
    if (e->nvalues > 0xFFFF)
        diag_error(r->diag, d->loc, "enum %s has more than 65535 values", d->name);
}

static double number_of(const polP_const *c) { return c->kind == POL_T_INT ? (double)c->u.i : c->u.d; }

/* `applications_this_year: int >= 1 = 1`: inclusive bounds, checked when a record is bound */
static void check_bounds(check_result *r, const ast_node *f, polP_field *field)
{
    const ast_node *range = f->c;
    if (field->type.kind != POL_T_INT && field->type.kind != POL_T_NUMBER) {
        diag_error(r->diag, range->loc, "only int and number fields can have bounds");
        return;
    }
    polP_type plain = field->type;
    plain.nullable = 0;
    if (range->a && !check_const_expr(r, range->a, &plain, &field->min, NULL))
        return;
    if (range->b && !check_const_expr(r, range->b, &plain, &field->max, NULL))
        return;
    if (range->a && range->b && number_of(&field->min) > number_of(&field->max))
        diag_error(r->diag, range->loc, "the lower bound is above the upper bound");
    if (field->def.kind == POL_T_INT || field->def.kind == POL_T_NUMBER) {
        double d = number_of(&field->def);
        if ((range->a && d < number_of(&field->min)) || (range->b && d > number_of(&field->max)))
            diag_error(r->diag, f->b->loc, "the default is outside the field's bounds");
    }
}

/* Fields of a record type or attributes of an entity type */
static polP_field *check_fields(check_result *r, const ast_node *d, strmap *names, uint32_t *count, int is_record,
                                int allow_lists)
{
    polP_field *fields = ast_alloc(r->tree, ((size_t)d->list.n + 1) * sizeof *fields);
    strmap_init(names);
    *count = 0;
    for (int i = 0; i < d->list.n; i++) {
        ast_node *f = d->list.items[i];
        uint32_t first;
        if (strmap_get(names, f->name, strlen(f->name), &first)) {
            diag_error(r->diag, name_loc(f), "'%s' is declared twice in %s", f->name,
                       d->name ? d->name : "the applicant");
            diag_note(r->diag, name_loc(d->list.items[first]), "first declared here");
            continue;
        }
        polP_field *field = &fields[*count];
        field->name = check_intern(r, f->name, strlen(f->name));
        field->type = check_resolve_type(r, f->a);
        if (field->type.kind == POL_T_LIST && !allow_lists)
            diag_error(r->diag, f->a->loc, "lists are allowed only in the applicant record");
        if (is_record) {
            if (f->b) {
                if (field->type.kind == POL_T_LIST)
                    diag_error(r->diag, f->b->loc, "a list has no default other than the empty list");
                else
                    check_const_expr(r, f->b, &field->type, &field->def, NULL);
            }
            if (f->c)
                check_bounds(r, f, field);
            field->required = !f->b && !field->type.nullable && field->type.kind != POL_T_LIST;
        } else if (f->b) {
            diag_error(r->diag, f->b->loc, "entity attributes take their values in each entity, not a default");
        }
        strmap_put(names, f->name, strlen(f->name), (*count)++);
    }
    return fields;
}

static void check_entity(check_result *r, uint32_t index)
{
    const ast_node *d = r->entity_decls[index];
    polP_entity *e = &r->prog->entities[index];
    uint32_t type;
    if (!strmap_get(&r->etype_names, d->name2, strlen(d->name2), &type)) {
        const char **names = ast_alloc(r->tree, (r->prog->nentity_types + 1) * sizeof *names);
        for (uint32_t i = 0; i < r->prog->nentity_types; i++)
            names[i] = check_str(r, r->prog->entity_types[i].name);
        check_unknown(r, d->loc, "entity type", d->name2, names, r->prog->nentity_types);
        return;
    }
    const polP_entity_type *et = &r->prog->entity_types[type];
    e->type = type;
    e->values = ast_alloc(r->tree, ((size_t)et->nattrs + 1) * sizeof *e->values);
    int *given = ast_alloc(r->tree, ((size_t)et->nattrs + 1) * sizeof *given);
    for (int i = 0; i < d->list.n; i++) {
        ast_node *init = d->list.items[i];
        uint32_t attr;
        if (!strmap_get(&r->attr_names[type], init->name, strlen(init->name), &attr)) {
            const char **names = ast_alloc(r->tree, ((size_t)et->nattrs + 1) * sizeof *names);
            for (uint32_t k = 0; k < et->nattrs; k++)
                names[k] = check_str(r, et->attrs[k].name);
            char what[256];
            snprintf(what, sizeof what, diag_tr(r->diag, "attribute of %s"), d->name2);
            check_unknown(r, name_loc(init), what, init->name, names, et->nattrs);
            continue;
        }
        if (given[attr]) {
            diag_error(r->diag, name_loc(init), "%s gives '%s' twice", d->name, init->name);
            continue;
        }
        given[attr] = 1;
        check_const_expr(r, init->a, &et->attrs[attr].type, &e->values[attr], NULL);
    }
    for (uint32_t k = 0; k < et->nattrs; k++)
        if (!given[k] && !et->attrs[k].type.nullable)
            diag_error(r->diag, name_loc(d), "%s %s lacks attribute '%s' (declare it '%s?' if it may be absent)",
                       d->name2, d->name, check_str(r, et->attrs[k].name), check_str(r, et->attrs[k].name));
}

static void check_const_decl(check_result *r, ast_node *d)
{
    size_t len = strlen(d->name);
    uint32_t have;
    if (strmap_get(&r->const_names, d->name, len, &have)) {
        diag_error(r->diag, name_loc(d), "constant '%s' is defined twice", d->name);
        return;
    }
    polP_const value;
    polP_type type;
    memset(&value, 0, sizeof value);
    memset(&type, 0, sizeof type);
    if (!check_const_expr(r, d->a, NULL, &value, &type))
        return;
    uint32_t index = r->nconst_decls;
    uint32_t cap = index; /* constants are few; grow exactly */
    polP_const *values = ast_alloc(r->tree, (index + 1) * sizeof *values);
    polP_type *types = ast_alloc(r->tree, (index + 1) * sizeof *types);
    if (index) {
        memcpy(values, r->const_values, cap * sizeof *values);
        memcpy(types, r->const_types, cap * sizeof *types);
    }
    values[index] = value;
    types[index] = type;
    r->const_values = values;
    r->const_types = types;
    r->nconst_decls++;
    strmap_put(&r->const_names, d->name, len, index);
}

void check_declarations(check_result *r)
{
    polP_program *p = r->prog;
    collect_names(r);
    for (uint32_t i = 0; i < p->nenums; i++)
        check_enum(r, i);
    for (uint32_t i = 0; i < p->nentity_types; i++) {
        polP_entity_type *et = &p->entity_types[i];
        et->attrs = check_fields(r, r->etype_decls[i], &r->attr_names[i], &et->nattrs, 0, 0);
    }
    /* constants before records (defaults may use them) and entities (attributes may use them); a constant may
     * use earlier constants and any entity name */
    for (int i = 0; i < r->tree->decls.n; i++)
        if (r->tree->decls.items[i]->kind == AST_CONST)
            check_const_decl(r, r->tree->decls.items[i]);
    for (uint32_t i = 0; i < p->nrecords; i++) {
        if (!r->record_decls[i]) {
            strmap_init(&r->field_names[i]);
            continue;
        }
        polP_record *rec = &p->records[i];
        rec->fields = check_fields(r, r->record_decls[i], &r->field_names[i], &rec->nfields, 1, i == 0);
    }
    for (uint32_t i = 0; i < p->nentities; i++)
        check_entity(r, i);
}
