/* check.h: the checker turns a syntax tree into a checked program: every name resolved, every expression
 * typed (annotations on the tree), the declarations laid out as the bytecode's tables, the routes analysed for
 * overlaps and exceptions. The code generator reads only what is here. */
#ifndef POL_CHECK_H
#define POL_CHECK_H

#include "ast.h"
#include "diag.h"
#include "program.h"
#include "strmap.h"

/* What a name or member expression refers to */
typedef enum check_sym {
    SYM_NONE = 0,
    SYM_VALUE,     /* a folded constant: sem.value (literals, consts, entities, enum values) */
    SYM_LOOPVAR,   /* a range loop's integer: index = loop id */
    SYM_ELEMENT,   /* a list loop's element (only usable through a member): index = loop id */
    SYM_ELEMFIELD, /* element field: index = loop id, index2 = field index in the element record */
    SYM_LET,       /* index = let number */
    SYM_OUTPUT,    /* index = output index */
    SYM_FIELD,     /* applicant field: index = slot */
    SYM_ATTR       /* entity attribute of the member's base: index = attribute index */
} check_sym;

/* Internal type kind for `n years` (only valid as the right operand of + or - on a date) */
#define CHECK_KIND_YEARS 100

typedef struct check_sem {
    polP_type type;
    check_sym sym;
    uint32_t index, index2;
    int is_const;     /* value holds the expression's compile-time value */
    polP_const value;
    uint32_t aux;     /* AST_IN: set index; AST_MATCH: arm per enum value table (see check_match) */
} check_sem;

static inline check_sem *check_sem_of(const ast_node *n) { return (check_sem *)n->sem; }

typedef struct check_loop {
    int is_range;
    uint32_t record;     /* list loops: element record type */
    uint32_t list_field; /* list loops: applicant field slot */
} check_loop;

/* A MATCH: for each value of the scrutinee's enum, the arm index that handles it (or -1: the else) */
typedef struct check_match {
    uint32_t nvalues;
    int32_t *arm_of_value;
} check_match;

typedef struct check_route {
    const ast_node *node;
    uint32_t rule;    /* rule index */
    uint32_t target;  /* entity index */
    uint64_t **keys;  /* per routing key: bitmap of accepted enum values */
    uint64_t *truth;  /* bitmap over the condition domain (NULL when no where) */
    uint32_t truth_count;
} check_route;

/* An evaluation step in source order: a let, a finding, a for-each block, or an output */
typedef struct check_item {
    const ast_node *node;
    uint32_t rule; /* rule index (POL_NONE for for-each blocks) */
} check_item;

typedef struct check_result {
    ast_tree *tree;
    diag_ctx *diag;
    const char *source;
    size_t source_len;
    const char *text_cursor; /* check_add_rule: the start of line text_cursor_line, so rules in source order */
    int text_cursor_line;    /* cost one scan of the source in all (0: not set) */
    polP_program *prog; /* header, strings, enums, records, entity types, entities, rules, outputs, sets */

    /* the declaring nodes, by index */
    ast_node **enum_decls, **record_decls, **etype_decls, **entity_decls;

    /* symbol tables: name → index */
    strmap enum_names, record_names, etype_names, entity_names, const_names, let_names, output_names;
    strmap *field_names; /* per record type */
    strmap *attr_names;  /* per entity type */
    strmap string_index; /* interned strings */
    uint32_t strings_cap, rules_cap, outputs_cap, sets_cap, routes_cap;

    /* const declarations */
    uint32_t nconst_decls;
    polP_const *const_values;
    polP_type *const_types;

    /* routing */
    int has_routing;
    uint32_t nkeys;
    uint32_t *key_fields;  /* applicant slots */
    uint32_t route_target_type;
    const ast_node *routing_node;
    uint32_t nroutes;
    check_route *routes;
    uint32_t nunrouted, unrouted_cap; /* `unrouted` declarations (rule and target unused) */
    check_route *unrouted;
    int werror_unused_;  /* (reserved) */
    uint32_t ncond_fields;  /* fields the route conditions use, and the domain over them */
    uint32_t *cond_fields;
    uint64_t domain_size;
    uint64_t ncells;       /* product of the key enums' sizes; cell = (v0 * n1 + v1) * n2 + ... */
    uint32_t *cell_start;  /* ncells + 1 offsets into cell_routes */
    uint32_t *cell_routes; /* per cell, the routes that cover it, narrowest (the exceptions) first */

    /* evaluation order */
    uint32_t nitems, nitems_cap;
    check_item *items;   /* lets, findings and for-each blocks in source order */
    uint32_t noutput_items, output_items_cap;
    check_item *output_items;
    uint32_t nlets;
    polP_type *let_types;

    uint32_t nloops, nloops_cap;
    check_loop *loops;
    uint32_t nmatches, nmatches_cap;
    check_match *matches;
} check_result;

/* Check a parsed tree. Errors go to diag; the result is usable for code generation only when
 * diag_error_count(diag) is 0. Free with check_free. */
check_result *check_tree(ast_tree *tree, diag_ctx *diag, const char *source, size_t source_len);
void check_free(check_result *r);

/* Grow an arena array to hold at least need elements (doubling; the old block stays in the arena). */
void *check_grow(check_result *r, void *array, uint32_t *cap, uint32_t need, size_t elem_size);

/* Intern a string into the program's string table (shared with the code generator). */
uint32_t check_intern(check_result *r, const char *s, size_t len);

/* Which route conditions hold for one point of the condition domain (used by the route analysis and tests) */
int check_route_condition_holds(const check_result *r, const ast_node *cond, uint64_t point);

#endif
