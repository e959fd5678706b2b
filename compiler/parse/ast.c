/* ast.c: the syntax tree's arena, node constructors and the S-expression dump used by tests.
 *
 * ast_dump format: a leaf is written bare, an inner node as (head child ...). Optional parts that are absent
 * are left out; a missing (NULL) node prints as `_`. Per kind:
 *   (policy "name" [(version "v")] [(year 2024)])    (enum 级别 初级 中级)
 *   (record R FIELD...)   (applicant FIELD...)   (entity-type T FIELD...)   (entity NAME TYPE ATTR...)
 *   (field name TYPE [DEFAULT])   TYPE: int | date? | (list R)   ATTR: (attr name EXPR)
 *   (const NAME EXPR)   (routing (key ...) TARGET)   (clause 三(一) ["title"] ITEM...)
 *   (route (keys (机械 电子信息) *) [(where EXPR)] TARGET)     -- `*` is an empty key list
 *   (violation|todo|warning COND MESSAGE)   (for-each VAR SOURCE ITEM...)   (let NAME EXPR)
 *   (output NAME [TYPE] EXPR)
 * Expressions: 14  30.5  2024-04-30  2024-04-30T17:00  true  null  routed  name
 *   "text" (a string without interpolation)   (string "text" EXPR "text" ...)
 *   (. EXPR field)   (not E)   (- E)   (OP A B) with OP one of or and == != < <= > >= + - * / ??
 *   (in E (v ...))   (not-in E (v ...))   (if C A B)   (match E (arm (v ...) R) ... [(else R)])
 *   (count|any|all VAR SOURCE [(where C)])   (sum VAR SOURCE [(where C)] E)   (.. LO HI)
 *   (call NAME ARG...)   (years E)   (at E 17:00)   (findings violation)
 */
#include "ast.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

/* The arena: a chain of blocks, each handing out memory from its start; freed all at once. */
typedef struct arena_block {
    struct arena_block *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
} arena_block;

struct ast_arena {
    arena_block *head;
};

enum { ARENA_BLOCK = 64 * 1024, ARENA_ALIGN = _Alignof(max_align_t) };

static void out_of_memory(void)
{
    fputs("polc: out of memory\n", stderr);
    exit(2);
}

ast_tree *ast_tree_new(void)
{
    ast_tree *tree = calloc(1, sizeof *tree);
    if (!tree)
        return NULL;
    tree->arena = calloc(1, sizeof *tree->arena);
    if (!tree->arena) {
        free(tree);
        return NULL;
    }
    return tree;
}

void ast_tree_free(ast_tree *tree)
{
    if (!tree)
        return;
    for (arena_block *b = tree->arena->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(tree->arena);
    free(tree);
}

void *ast_alloc(ast_tree *tree, size_t size)
{
    size = (size + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
    if (size == 0)
        size = ARENA_ALIGN;
    arena_block *b = tree->arena->head;
    if (!b || b->size - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            out_of_memory();
        b->used = 0;
        b->size = cap;
        /* a big allocation gets a block of its own behind the current one, which stays in use */
        arena_block *head = tree->arena->head;
        if (head && size > ARENA_BLOCK && head->size - head->used >= ARENA_ALIGN) {
            b->next = head->next;
            head->next = b;
        } else {
            b->next = head;
            tree->arena->head = b;
        }
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *ast_strndup(ast_tree *tree, const char *s, size_t n)
{
    char *p = ast_alloc(tree, n + 1);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

ast_node *ast_new(ast_tree *tree, ast_kind kind, ast_loc loc)
{
    ast_node *n = ast_alloc(tree, sizeof *n);
    n->kind = kind;
    n->loc = loc;
    n->name_loc = loc;
    n->depth = 1;
    return n;
}

void ast_push(ast_tree *tree, ast_list *list, ast_node *node)
{
    if (list->n == list->cap) {
        int cap = list->cap ? list->cap * 2 : 4;
        ast_node **items = ast_alloc(tree, (size_t)cap * sizeof *items);
        if (list->n)
            memcpy(items, list->items, (size_t)list->n * sizeof *items);
        list->items = items;
        list->cap = cap;
    }
    list->items[list->n++] = node;
}

static const char *const kind_names[AST__COUNT] = {
    [AST_POLICY] = "policy",       [AST_ENUM] = "enum",           [AST_RECORD] = "record",
    [AST_APPLICANT] = "applicant", [AST_ENTITY_TYPE] = "entity-type", [AST_ENTITY] = "entity",
    [AST_CONST] = "const",         [AST_ROUTING] = "routing",     [AST_CLAUSE] = "clause",
    [AST_ROUTE] = "route",         [AST_KEYLIST] = "keys",        [AST_FINDING] = "finding",
    [AST_UNROUTED] = "unrouted",
    [AST_FOREACH] = "for-each",    [AST_LET] = "let",             [AST_OUTPUT] = "output",
    [AST_FIELD] = "field",         [AST_TYPE] = "type",           [AST_ATTR_INIT] = "attr",
    [AST_INT] = "int",             [AST_NUMBER] = "number",       [AST_DATE] = "date",
    [AST_BOOL] = "bool",           [AST_NULL] = "null",           [AST_STRING] = "string",
    [AST_TEXT] = "text",           [AST_NAME] = "name",           [AST_MEMBER] = "member",
    [AST_UNARY] = "unary",         [AST_BINARY] = "binary",       [AST_IN] = "in",
    [AST_IF] = "if",               [AST_MATCH] = "match",         [AST_ARM] = "arm",
    [AST_AGG] = "aggregate",       [AST_RANGE] = "range",         [AST_CALL] = "call",
    [AST_YEARS] = "years",         [AST_AT] = "at",               [AST_ROUTED] = "routed",
    [AST_FINDINGS] = "findings",
};

const char *ast_kind_name(ast_kind kind)
{
    if ((int)kind < 0 || kind >= AST__COUNT || !kind_names[kind])
        return "?";
    return kind_names[kind];
}

/* ---- dump ------------------------------------------------------------------------------------------- */

static const char *const finding_names[] = {"violation", "todo", "warning"};
static const char *const agg_names[] = {"count", "any", "all", "sum"};
static const char *const op_names[] = {
    [AST_OP_OR] = "or",   [AST_OP_AND] = "and", [AST_OP_NOT] = "not", [AST_OP_NEG] = "-",
    [AST_OP_EQ] = "==",   [AST_OP_NE] = "!=",   [AST_OP_LT] = "<",    [AST_OP_LE] = "<=",
    [AST_OP_GT] = ">",    [AST_OP_GE] = ">=",   [AST_OP_ADD] = "+",   [AST_OP_SUB] = "-",
    [AST_OP_MUL] = "*",   [AST_OP_DIV] = "/",   [AST_OP_COALESCE] = "??",
};

static const char *table_name(const char *const *table, size_t n, int i)
{
    return i >= 0 && (size_t)i < n && table[i] ? table[i] : "?";
}
#define TABLE_NAME(t, i) table_name((t), sizeof(t) / sizeof((t)[0]), (i))

static void dump_quoted(const char *s, FILE *out)
{
    fputc('"', out);
    for (; s && *s; s++) {
        switch (*s) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        default: fputc(*s, out);
        }
    }
    fputc('"', out);
}

/* The shortest form that reads back as the same double, always with a '.' so it differs from an int. */
static void dump_number(double d, FILE *out)
{
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    fputs(buf, out);
    if (!strpbrk(buf, ".eEni"))
        fputs(".0", out);
}

static void dump_list(const ast_list *list, FILE *out)
{
    for (int i = 0; i < list->n; i++) {
        fputc(' ', out);
        ast_dump(list->items[i], out);
    }
}

/* A list of bare names in parentheses: (a b c). */
static void dump_names(const ast_list *list, FILE *out)
{
    fputc('(', out);
    for (int i = 0; i < list->n; i++) {
        if (i)
            fputc(' ', out);
        ast_dump(list->items[i], out);
    }
    fputc(')', out);
}

static void dump_sub(const char *head, const ast_node *n, FILE *out)
{
    fprintf(out, " (%s ", head);
    ast_dump(n, out);
    fputc(')', out);
}

static void dump_child(const ast_node *n, FILE *out)
{
    fputc(' ', out);
    ast_dump(n, out);
}

void ast_dump(const ast_node *n, FILE *out)
{
    char buf[24];
    if (!n) {
        fputc('_', out);
        return;
    }
    switch (n->kind) {
    case AST_POLICY:
        fputs("(policy ", out);
        dump_quoted(n->name, out);
        if (n->str) {
            fputs(" (version ", out);
            dump_quoted(n->str, out);
            fputc(')', out);
        }
        if (n->ival)
            fprintf(out, " (year %" PRId64 ")", n->ival);
        fputc(')', out);
        break;
    case AST_ENUM:
        fprintf(out, "(enum %s", n->name);
        dump_list(&n->list, out);
        fputc(')', out);
        break;
    case AST_RECORD:
    case AST_ENTITY_TYPE:
        fprintf(out, "(%s %s", ast_kind_name(n->kind), n->name);
        dump_list(&n->list, out);
        fputc(')', out);
        break;
    case AST_APPLICANT:
        fputs("(applicant", out);
        dump_list(&n->list, out);
        fputc(')', out);
        break;
    case AST_ENTITY:
        fprintf(out, "(entity %s %s", n->name, n->name2);
        dump_list(&n->list, out);
        fputc(')', out);
        break;
    case AST_CONST:
    case AST_LET:
    case AST_ATTR_INIT:
        fprintf(out, "(%s %s", ast_kind_name(n->kind), n->name);
        dump_child(n->a, out);
        fputc(')', out);
        break;
    case AST_ROUTING:
        fputs("(routing ", out);
        dump_names(&n->list, out);
        fprintf(out, " %s)", n->name2);
        break;
    case AST_CLAUSE:
        fprintf(out, "(clause %s", n->name);
        if (n->str) {
            fputc(' ', out);
            dump_quoted(n->str, out);
        }
        dump_list(&n->list, out);
        fputc(')', out);
        break;
    case AST_ROUTE:
        fputs("(route (keys", out);
        dump_list(&n->list, out);
        fputc(')', out);
        if (n->a)
            dump_sub("where", n->a, out);
        fprintf(out, " %s)", n->name);
        break;
    case AST_UNROUTED:
        fputs("(unrouted (keys", out);
        dump_list(&n->list, out);
        fputc(')', out);
        if (n->a)
            dump_sub("where", n->a, out);
        dump_child(n->b, out);
        fputc(')', out);
        break;
    case AST_KEYLIST:
        if (n->list.n == 0)
            fputc('*', out);
        else
            dump_names(&n->list, out);
        break;
    case AST_FINDING:
        fprintf(out, "(%s", TABLE_NAME(finding_names, n->op));
        dump_child(n->a, out);
        dump_child(n->b, out);
        fputc(')', out);
        break;
    case AST_FOREACH:
        fprintf(out, "(for-each %s", n->name);
        dump_child(n->a, out);
        dump_list(&n->list, out);
        fputc(')', out);
        break;
    case AST_OUTPUT:
        fprintf(out, "(output %s", n->name);
        if (n->a)
            dump_child(n->a, out);
        dump_child(n->b, out);
        fputc(')', out);
        break;
    case AST_FIELD:
        fprintf(out, "(field %s", n->name);
        dump_child(n->a, out);
        if (n->b)
            dump_child(n->b, out);
        fputc(')', out);
        break;
    case AST_TYPE:
        if (n->op == AST_TYPE_LIST)
            fprintf(out, "(list %s)", n->name);
        else
            fprintf(out, "%s%s", n->name, n->op == AST_TYPE_OPTIONAL ? "?" : "");
        break;
    case AST_INT:
        fprintf(out, "%" PRId64, n->ival);
        break;
    case AST_NUMBER:
        dump_number(n->dval, out);
        break;
    case AST_DATE:
        polT_format(n->ival, n->op, buf);
        fputs(buf, out);
        break;
    case AST_BOOL:
        fputs(n->ival ? "true" : "false", out);
        break;
    case AST_NULL:
        fputs("null", out);
        break;
    case AST_STRING:
        if (n->list.n == 0) {
            fputs("\"\"", out);
        } else if (n->list.n == 1 && n->list.items[0] && n->list.items[0]->kind == AST_TEXT) {
            ast_dump(n->list.items[0], out);
        } else {
            fputs("(string", out);
            dump_list(&n->list, out);
            fputc(')', out);
        }
        break;
    case AST_TEXT:
        dump_quoted(n->str, out);
        break;
    case AST_NAME:
        fputs(n->name ? n->name : "_", out);
        break;
    case AST_MEMBER:
        fputs("(.", out);
        dump_child(n->a, out);
        fprintf(out, " %s)", n->name);
        break;
    case AST_UNARY:
    case AST_BINARY:
        fprintf(out, "(%s", TABLE_NAME(op_names, n->op));
        dump_child(n->a, out);
        if (n->kind == AST_BINARY)
            dump_child(n->b, out);
        fputc(')', out);
        break;
    case AST_IN:
        fputs(n->op ? "(not-in" : "(in", out);
        dump_child(n->a, out);
        fputc(' ', out);
        dump_names(&n->list, out);
        fputc(')', out);
        break;
    case AST_IF:
        fputs("(if", out);
        dump_child(n->a, out);
        dump_child(n->b, out);
        dump_child(n->c, out);
        fputc(')', out);
        break;
    case AST_MATCH:
        fputs("(match", out);
        dump_child(n->a, out);
        dump_list(&n->list, out);
        if (n->b)
            dump_sub("else", n->b, out);
        fputc(')', out);
        break;
    case AST_ARM:
        fputs("(arm ", out);
        dump_names(&n->list, out);
        dump_child(n->a, out);
        fputc(')', out);
        break;
    case AST_AGG:
        fprintf(out, "(%s %s", TABLE_NAME(agg_names, n->op), n->name);
        dump_child(n->a, out);
        if (n->b)
            dump_sub("where", n->b, out);
        if (n->c)
            dump_child(n->c, out);
        fputc(')', out);
        break;
    case AST_RANGE:
        fputs("(..", out);
        dump_child(n->a, out);
        dump_child(n->b, out);
        fputc(')', out);
        break;
    case AST_CALL:
        fprintf(out, "(call %s", n->name);
        dump_list(&n->list, out);
        fputc(')', out);
        break;
    case AST_YEARS:
        fputs("(years", out);
        dump_child(n->a, out);
        fputc(')', out);
        break;
    case AST_AT:
        fputs("(at", out);
        dump_child(n->a, out);
        fprintf(out, " %02d:%02d)", (int)(n->ival / 60), (int)(n->ival % 60));
        break;
    case AST_ROUTED:
        fputs("routed", out);
        break;
    case AST_FINDINGS:
        fprintf(out, "(findings %s)", TABLE_NAME(finding_names, n->op));
        break;
    case AST__COUNT:
        fputc('?', out);
        break;
    }
}
