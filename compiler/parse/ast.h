/* ast.h: the syntax tree the parser builds and the checker annotates.
 *
 * One node type for every construct (the kind says which fields mean what; the table below lists them), all
 * nodes and strings in one arena owned by the ast_tree, freed at once.
 */
#ifndef POL_AST_H
#define POL_AST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A source span: 1-based lines, 1-based byte columns; end is the last byte's column (inclusive). */
typedef struct ast_loc {
    int line, col;
    int end_line, end_col;
} ast_loc;

typedef enum ast_kind {
    /* declarations ------------------------------------------------------------------------------------- */
    AST_POLICY,      /* name, str (version), ival (year, 0 if absent) */
    AST_ENUM,        /* name, list: AST_NAME values */
    AST_RECORD,      /* name, list: AST_FIELD (element record of a list field) */
    AST_APPLICANT,   /* list: AST_FIELD */
    AST_ENTITY_TYPE, /* name, list: AST_FIELD (attributes) */
    AST_ENTITY,      /* name (entity), name2 (its entity type), list: AST_ATTR_INIT */
    AST_CONST,       /* name, a: expr */
    AST_ROUTING,     /* list: AST_NAME key fields, name2: target entity type */
    AST_CLAUSE,      /* name: clause id (e.g. 三(一)), str: title or NULL, list: items */
    AST_ROUTE,       /* list: AST_KEYLIST (one per routing key), a: where-expr or NULL, name: target */
    AST_KEYLIST,     /* list: AST_NAME values; empty list means '*' (any) */
    AST_UNROUTED,    /* list: AST_KEYLIST (one per routing key), a: where-expr or NULL, b: reason (AST_STRING):
                        records the notice does not handle, declared so (no code; read by the completeness check) */
    AST_FINDING,     /* op: AST_FIND_*, a: condition, b: message (AST_STRING) */
    AST_FOREACH,     /* name: variable, a: source (AST_NAME list field or AST_RANGE), list: items */
    AST_LET,         /* name, a: expr */
    AST_OUTPUT,      /* name, a: AST_TYPE or NULL, b: expr */
    AST_FIELD,       /* name, a: AST_TYPE, b: default expr or NULL, c: bounds (AST_RANGE, either end NULL) or NULL */
    AST_TYPE,        /* name: base type (string int number bool date, or an enum/entity/record name);
                        op: AST_TYPE_PLAIN, AST_TYPE_OPTIONAL (T?) or AST_TYPE_LIST (list T) */
    AST_ATTR_INIT,   /* name, a: expr */
    /* expressions -------------------------------------------------------------------------------------- */
    AST_INT,         /* ival */
    AST_NUMBER,      /* dval */
    AST_DATE,        /* ival: minutes since 1970-01-01; op: 1 when a time was written (2024-04-30T17:00) */
    AST_BOOL,        /* ival 0/1 */
    AST_NULL,
    AST_STRING,      /* list: parts, each AST_TEXT or an expression (from {expr} inside the quotes) */
    AST_TEXT,        /* str: literal text of a string part (escapes decoded) */
    AST_NAME,        /* name */
    AST_MEMBER,      /* a: expr, name: field or attribute */
    AST_UNARY,       /* op: AST_OP_NOT or AST_OP_NEG, a */
    AST_BINARY,      /* op: AST_OP_*, a, b */
    AST_IN,          /* a: expr, list: AST_NAME values, op: 1 for 'not in' */
    AST_IF,          /* a: condition, b: then, c: else */
    AST_MATCH,       /* a: scrutinee, list: AST_ARM, b: else-expr or NULL */
    AST_ARM,         /* list: AST_NAME values, a: result */
    AST_AGG,         /* op: AST_AGG_*, name: variable, a: source (AST_NAME or AST_RANGE), b: where or NULL,
                        c: summed expr (SUM only) */
    AST_RANGE,       /* a: lo, b: hi (inclusive) */
    AST_CALL,        /* name: builtin, list: arguments */
    AST_YEARS,       /* a: expr, a number of years (written `3 years`) */
    AST_AT,          /* a: date expr, ival: minute of day (written `d at 17:00`) */
    AST_ROUTED,      /* the entity the routes chose (keyword `routed`) */
    AST_FINDINGS,    /* op: AST_FIND_*: number of findings of that kind so far (`findings(violation)`) */
    AST__COUNT
} ast_kind;

enum { AST_TYPE_PLAIN = 0, AST_TYPE_OPTIONAL = 1, AST_TYPE_LIST = 2 };
enum { AST_FIND_VIOLATION = 0, AST_FIND_TODO = 1, AST_FIND_WARNING = 2 }; /* = pol_finding_kind */
enum { AST_AGG_COUNT, AST_AGG_ANY, AST_AGG_ALL, AST_AGG_SUM };
enum {
    AST_OP_OR, AST_OP_AND, AST_OP_NOT, AST_OP_NEG,
    AST_OP_EQ, AST_OP_NE, AST_OP_LT, AST_OP_LE, AST_OP_GT, AST_OP_GE,
    AST_OP_ADD, AST_OP_SUB, AST_OP_MUL, AST_OP_DIV,
    AST_OP_COALESCE /* a ?? b */
};

typedef struct ast_node ast_node;

/* The parser rejects (with an error) trees nested deeper than this, so code that walks a tree recursively
 * (checker, emitter, ast_dump) never runs out of stack, whatever the input. */
#define AST_MAX_DEPTH 256

typedef struct ast_list {
    ast_node **items;
    int n, cap;
} ast_list;

struct ast_node {
    ast_kind kind;
    ast_loc loc;
    int op;
    const char *name;  /* NUL-terminated UTF-8, in the arena */
    const char *name2;
    const char *str;
    int64_t ival;
    double dval;
    ast_node *a, *b, *c;
    ast_list list;
    ast_loc name_loc;  /* where `name` was written (for diagnostics about it) */
    int depth;         /* height of this subtree (1 for a leaf); the parser keeps it <= AST_MAX_DEPTH */
    /* filled by the checker */
    void *sem;         /* checker annotation (check.h says what) */
};

/* The parsed file: top-level declarations in source order, the source text kept for diagnostics. */
typedef struct ast_tree {
    ast_list decls;
    struct ast_arena *arena;
    /* every `#` comment, in source order, as AST_TEXT nodes (loc: from `#` to the line's end; str: the text from
     * `#`, trailing blanks dropped): not part of the program, kept for polc fmt */
    ast_list comments;
} ast_tree;

ast_tree *ast_tree_new(void);
void ast_tree_free(ast_tree *tree);
/* Allocation in the tree's arena (zeroed; never fails: exits the compiler on out-of-memory) */
void *ast_alloc(ast_tree *tree, size_t size);
char *ast_strndup(ast_tree *tree, const char *s, size_t n);
ast_node *ast_new(ast_tree *tree, ast_kind kind, ast_loc loc);
void ast_push(ast_tree *tree, ast_list *list, ast_node *node);
const char *ast_kind_name(ast_kind kind);
/* S-expression dump for tests: (route (keys (机械) (中级)) (where (== region 吴江)) 吴江区职称评价中心) */
void ast_dump(const ast_node *node, FILE *out);

#endif
