/* internal.h: helpers shared by the checker's files (not used outside compiler/check). */
#ifndef POL_CHECK_INTERNAL_H
#define POL_CHECK_INTERNAL_H

#include <string.h>

#include "check.h"

#define CHECK_PUSH(r, array, count, cap)                                                                       \
    ((array) = check_grow((r), (array), &(cap), (count) + 1, sizeof *(array)), &(array)[(count)++])

/* Types */
polP_type check_type_make(int kind, uint32_t ref, int nullable);
int check_type_equal(polP_type a, polP_type b);
/* "string", "date?", "级别", ... into buf */
const char *check_type_name(const check_result *r, polP_type t, char *buf, size_t size);
/* Resolve an AST_TYPE (record fields and entity attributes) */
polP_type check_resolve_type(check_result *r, const ast_node *type);

check_sem *check_sem_new(check_result *r, ast_node *n);
const char *check_str(const check_result *r, uint32_t index);

/* Expressions: the checking environment */
typedef struct check_scope {
    const char *name;
    uint32_t loop; /* loop id */
    struct check_scope *outer;
} check_scope;

typedef enum check_where {
    WHERE_CONST,   /* a const, a default, an entity attribute: compile-time values only */
    WHERE_ROUTE,   /* a route condition */
    WHERE_RULE,    /* lets and findings */
    WHERE_OUTPUT   /* outputs: may use earlier outputs and findings() */
} check_where;

typedef struct check_env {
    check_where where;
    check_scope *scope;
    uint32_t outputs_visible; /* outputs with index below this may be referenced */
} check_env;

/* Check an expression; expected (may be NULL) resolves bare enum values. Returns the node's sem (never NULL;
 * its type kind is POL_T_NULL with sym SYM_NONE after an error). */
check_sem *check_expr(check_result *r, ast_node *n, const check_env *env, const polP_type *expected);
/* Check an expression that must be a compile-time constant of the expected type (may be NULL) */
int check_const_expr(check_result *r, ast_node *n, const polP_type *expected, polP_const *value, polP_type *type);
/* Report an unknown name with the closest known one */
void check_unknown(check_result *r, ast_loc loc, const char *what, const char *name, const char *const *candidates,
                   size_t n);
/* Enum value by name, or -1 */
int check_enum_value(const check_result *r, uint32_t enum_index, const char *name);
void check_unknown_enum_value(check_result *r, ast_loc loc, uint32_t enum_index, const char *name);

/* Whether from may be stored where to is declared; reports "what is declared ..., but ..." when not */
int check_assign(check_result *r, ast_loc loc, polP_type from, polP_type to, const char *what);
/* The source of an aggregate or for-each (list field or range): a new loop id, or POL_NONE after an error */
uint32_t check_loop_source(check_result *r, ast_node *source, const check_env *env);

/* Whether a condition uses only enum and bool applicant fields, ==, !=, in, and, or, not (so it can be
 * evaluated over its finite domain), collecting the fields it reads; report: say why not, as an error */
int check_condition_fields(check_result *r, const ast_node *n, uint32_t *fields, uint32_t *nfields, int report);
/* Number of values a condition field takes, null included when it is optional */
uint32_t check_field_domain(const check_result *r, uint32_t slot);

/* Passes, in this order */
void check_declarations(check_result *r);
void check_routing_decl(check_result *r);
void check_rules(check_result *r);          /* calls check_route_rule for each route, in source order */
void check_route_rule(check_result *r, ast_node *route, const char *clause);
void check_routes_analyse(check_result *r);
/* Key lists of a route or `unrouted` declaration as value bitmaps, its condition checked (routes.c) */
uint64_t **check_route_keys(check_result *r, ast_node *n, int *ok);
/* The lints, after a clean check: completeness (completeness.c), unreachable rules, unused declarations,
 * attributes outputs need, dates outside the year (lint.c, unused.c) */
void check_unrouted_rule(check_result *r, ast_node *n, const char *clause);
void check_completeness(check_result *r);
void check_unreachable(check_result *r);
void check_unused(check_result *r);
void check_needed_attributes(check_result *r);
void check_dates(check_result *r);
/* "region=吴江" for an example record in a message (routes.c) */
void check_describe_point(const check_result *r, uint64_t point, char *buf, size_t size);
void check_describe_cell(const check_result *r, uint64_t cell, char *buf, size_t size);
uint32_t check_add_rule(check_result *r, const ast_node *n, int kind, const char *clause, uint32_t target);

#endif
