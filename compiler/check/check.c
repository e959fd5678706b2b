/* check.c: the checker's driver (declarations, then routes, then rules) and its shared helpers. */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"
#include "suggest.h"

void *check_grow(check_result *r, void *array, uint32_t *cap, uint32_t need, size_t elem_size)
{
    if (need <= *cap)
        return array;
    uint32_t ncap = *cap ? *cap * 2 : 8;
    while (ncap < need)
        ncap *= 2;
    void *fresh = ast_alloc(r->tree, (size_t)ncap * elem_size);
    if (array)
        memcpy(fresh, array, (size_t)*cap * elem_size);
    *cap = ncap;
    return fresh;
}

uint32_t check_intern(check_result *r, const char *s, size_t len)
{
    uint32_t index;
    if (strmap_get(&r->string_index, s, len, &index))
        return index;
    polP_program *p = r->prog;
    p->strings = check_grow(r, p->strings, &r->strings_cap, p->nstrings + 1, sizeof *p->strings);
    char *copy = ast_strndup(r->tree, s, len);
    index = p->nstrings++;
    p->strings[index].length = (uint32_t)len;
    p->strings[index].bytes = copy;
    strmap_put(&r->string_index, copy, len, index);
    return index;
}

const char *check_str(const check_result *r, uint32_t index)
{
    return index < r->prog->nstrings ? r->prog->strings[index].bytes : "";
}

check_sem *check_sem_new(check_result *r, ast_node *n)
{
    if (!n->sem)
        n->sem = ast_alloc(r->tree, sizeof(check_sem));
    else
        memset(n->sem, 0, sizeof(check_sem));
    return n->sem;
}

polP_type check_type_make(int kind, uint32_t ref, int nullable)
{
    polP_type t;
    memset(&t, 0, sizeof t);
    t.kind = (uint8_t)kind;
    t.ref = ref;
    t.nullable = (uint8_t)(nullable != 0);
    return t;
}

int check_type_equal(polP_type a, polP_type b)
{
    if (a.kind != b.kind)
        return 0;
    return !(a.kind == POL_T_ENUM || a.kind == POL_T_ENTITY || a.kind == POL_T_LIST) || a.ref == b.ref;
}

const char *check_type_name(const check_result *r, polP_type t, char *buf, size_t size)
{
    const char *base;
    switch (t.kind) {
    case POL_T_NULL: base = "null"; break;
    case POL_T_BOOL: base = "bool"; break;
    case POL_T_INT: base = "int"; break;
    case POL_T_NUMBER: base = "number"; break;
    case POL_T_DATE: base = "date"; break;
    case POL_T_STRING: base = "string"; break;
    case POL_T_ENUM: base = check_str(r, r->prog->enums[t.ref].name); break;
    case POL_T_ENTITY: base = check_str(r, r->prog->entity_types[t.ref].name); break;
    case POL_T_LIST: base = check_str(r, r->prog->records[t.ref].name); break;
    case CHECK_KIND_YEARS: base = "years"; break;
    default: base = "?"; break;
    }
    snprintf(buf, size, "%s%s%s", t.kind == POL_T_LIST ? "list " : "", base,
             t.nullable && t.kind != POL_T_NULL ? "?" : "");
    return buf;
}

void check_unknown(check_result *r, ast_loc loc, const char *what, const char *name, const char *const *candidates,
                   size_t n)
{
    size_t *lengths = ast_alloc(r->tree, (n + 1) * sizeof *lengths);
    for (size_t i = 0; i < n; i++)
        lengths[i] = strlen(candidates[i]);
    int best = polS_closest(name, strlen(name), candidates, lengths, n);
    what = diag_tr(r->diag, what);
    if (best >= 0)
        diag_error(r->diag, loc, "unknown %s '%s'; did you mean '%s'?", what, name, candidates[best]);
    else
        diag_error(r->diag, loc, "unknown %s '%s'", what, name);
}

int check_enum_value(const check_result *r, uint32_t enum_index, const char *name)
{
    const polP_enum *e = &r->prog->enums[enum_index];
    size_t len = strlen(name);
    for (uint32_t i = 0; i < e->nvalues; i++) {
        const polP_string *s = &r->prog->strings[e->values[i]];
        if (s->length == len && memcmp(s->bytes, name, len) == 0)
            return (int)i;
    }
    return -1;
}

void check_unknown_enum_value(check_result *r, ast_loc loc, uint32_t enum_index, const char *name)
{
    const polP_enum *e = &r->prog->enums[enum_index];
    const char **names = ast_alloc(r->tree, (e->nvalues + 1) * sizeof *names);
    for (uint32_t i = 0; i < e->nvalues; i++)
        names[i] = check_str(r, e->values[i]);
    char what[256];
    snprintf(what, sizeof what, diag_tr(r->diag, "value of %s"), check_str(r, e->name));
    check_unknown(r, loc, what, name, names, e->nvalues);
}

uint32_t check_add_rule(check_result *r, const ast_node *n, int kind, const char *clause, uint32_t target)
{
    static const size_t max_text = 200;
    polP_program *p = r->prog;
    p->rules = check_grow(r, p->rules, &r->rules_cap, p->nrules + 1, sizeof *p->rules);
    polP_rule *rule = &p->rules[p->nrules];
    memset(rule, 0, sizeof *rule);
    rule->kind = (uint8_t)kind;
    rule->clause = clause ? check_intern(r, clause, strlen(clause)) : POL_NONE;
    rule->line = (uint32_t)n->loc.line;
    rule->target = target;
    /* the rule's first source line, trimmed, as its text */
    const char *s = r->source, *end = r->source + r->source_len;
    int line = 1;
    if (r->text_cursor && r->text_cursor_line <= n->loc.line) { /* go on from the last rule's line */
        s = r->text_cursor;
        line = r->text_cursor_line;
    }
    for (; s < end && line < n->loc.line; s++)
        if (*s == '\n')
            line++;
    r->text_cursor = s;
    r->text_cursor_line = line;
    const char *start = s;
    while (start < end && (*start == ' ' || *start == '\t'))
        start++;
    const char *stop = start;
    while (stop < end && *stop != '\n' && *stop != '\r')
        stop++;
    while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t'))
        stop--;
    size_t len = (size_t)(stop - start);
    if (len > max_text) { /* cut on a UTF-8 boundary */
        len = max_text;
        while (len > 0 && ((unsigned char)start[len] & 0xC0) == 0x80)
            len--;
    }
    rule->text = check_intern(r, start, len);
    return p->nrules++;
}

check_result *check_tree(ast_tree *tree, diag_ctx *diag, const char *source, size_t source_len)
{
    check_result *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->tree = tree;
    r->diag = diag;
    r->source = source;
    r->source_len = source_len;
    r->prog = ast_alloc(tree, sizeof *r->prog);
    strmap_init(&r->enum_names);
    strmap_init(&r->record_names);
    strmap_init(&r->etype_names);
    strmap_init(&r->entity_names);
    strmap_init(&r->const_names);
    strmap_init(&r->let_names);
    strmap_init(&r->output_names);
    strmap_init(&r->string_index);

    check_declarations(r);
    check_routing_decl(r);
    check_rules(r);
    check_routes_analyse(r);
    if (diag_error_count(diag) == 0) { /* the lints read a clean tree; after an error they would only add noise */
        check_completeness(r);
        check_unreachable(r);
        check_unused(r);
        check_needed_attributes(r);
        check_dates(r);
    }
    return r;
}

void check_free(check_result *r)
{
    if (!r)
        return;
    strmap_free(&r->enum_names);
    strmap_free(&r->record_names);
    strmap_free(&r->etype_names);
    strmap_free(&r->entity_names);
    strmap_free(&r->const_names);
    strmap_free(&r->let_names);
    strmap_free(&r->output_names);
    strmap_free(&r->string_index);
    for (uint32_t i = 0; r->field_names && i < r->prog->nrecords; i++)
        strmap_free(&r->field_names[i]);
    for (uint32_t i = 0; r->attr_names && i < r->prog->nentity_types; i++)
        strmap_free(&r->attr_names[i]);
    free(r);
}
