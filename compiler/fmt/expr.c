/* expr.c: expressions in canonical form: the parentheses the precedence needs (and around `and` inside `or`),
 * one space around binary operators, and line breaks (before `else`, after `and`/`or`, match arms on their
 * own lines) only where the expression would run past FMT_WIDTH. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "internal.h"

/* binding strength, loosest first (doc/language.md) */
enum { P_IFMATCH, P_OR, P_AND, P_NOT, P_CMP, P_COALESCE, P_ADD, P_MUL, P_NEG, P_POSTFIX, P_MEMBER, P_ATOM };

static int prec(const ast_node *e)
{
    switch (e->kind) {
    case AST_IF:
    case AST_MATCH:
        return P_IFMATCH;
    case AST_IN:
        return P_CMP;
    case AST_UNARY:
        return e->op == AST_OP_NOT ? P_NOT : P_NEG;
    case AST_BINARY:
        switch (e->op) {
        case AST_OP_OR: return P_OR;
        case AST_OP_AND: return P_AND;
        case AST_OP_COALESCE: return P_COALESCE;
        case AST_OP_ADD: case AST_OP_SUB: return P_ADD;
        case AST_OP_MUL: case AST_OP_DIV: return P_MUL;
        default: return P_CMP;
        }
    case AST_YEARS:
    case AST_AT:
        return P_POSTFIX;
    case AST_MEMBER:
        return P_MEMBER;
    default:
        return P_ATOM;
    }
}

static const char *binary_op(int op)
{
    static const char *const ops[] = {
        [AST_OP_OR] = "or", [AST_OP_AND] = "and", [AST_OP_EQ] = "==", [AST_OP_NE] = "!=", [AST_OP_LT] = "<",
        [AST_OP_LE] = "<=", [AST_OP_GT] = ">", [AST_OP_GE] = ">=", [AST_OP_ADD] = "+", [AST_OP_SUB] = "-",
        [AST_OP_MUL] = "*", [AST_OP_DIV] = "/", [AST_OP_COALESCE] = "??"};
    return op >= 0 && op < (int)(sizeof ops / sizeof ops[0]) && ops[op] ? ops[op] : "?";
}

static void child(fmt_printer *p, const ast_node *e, int parens, int may_break)
{
    if (parens)
        fmt_puts(p->out, "(");
    fmt_expr(p, e, may_break);
    if (parens)
        fmt_puts(p->out, ")");
}

int fmt_expr_width(fmt_printer *p, const ast_node *e)
{
    fmt_out scratch = {0}, *saved = p->out;
    p->out = &scratch;
    fmt_newline(&scratch, 0);
    fmt_expr(p, e, 0);
    int w = scratch.n == 1 ? fmt_col(&scratch) : 100000;
    fmt_out_free(&scratch);
    p->out = saved;
    return w;
}

static void put_number(fmt_printer *p, double d)
{
    char buf[400];
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    if (strchr(buf, 'e') || strchr(buf, 'n') || strchr(buf, 'i')) { /* the scanner reads no exponents */
        for (int decimals = 1; decimals <= 340; decimals++) {
            snprintf(buf, sizeof buf, "%.*f", decimals, d);
            if (strtod(buf, NULL) == d)
                break;
        }
    }
    if (!strchr(buf, '.'))
        strcat(buf, ".0"); /* stays a number literal */
    fmt_puts(p->out, buf);
}

void fmt_string(fmt_printer *p, const ast_node *s)
{
    fmt_puts(p->out, "\"");
    for (int i = 0; i < s->list.n; i++) {
        const ast_node *part = s->list.items[i];
        if (part->kind != AST_TEXT) {
            fmt_puts(p->out, "{");
            fmt_expr(p, part, 0);
            fmt_puts(p->out, "}");
            continue;
        }
        for (const char *c = part->str; *c; c++) {
            switch (*c) {
            case '"': fmt_puts(p->out, "\\\""); break;
            case '\\': fmt_puts(p->out, "\\\\"); break;
            case '{': fmt_puts(p->out, "\\{"); break;
            case '}': fmt_puts(p->out, "\\}"); break;
            case '\n': fmt_puts(p->out, "\\n"); break;
            case '\t': fmt_puts(p->out, "\\t"); break;
            default: fmt_putn(p->out, c, 1);
            }
        }
    }
    fmt_puts(p->out, "\"");
}

void fmt_type(fmt_printer *p, const ast_node *t)
{
    if (t->op == AST_TYPE_LIST)
        fmt_puts(p->out, "list ");
    fmt_puts(p->out, t->name);
    if (t->op == AST_TYPE_OPTIONAL)
        fmt_puts(p->out, "?");
}

static void names(fmt_printer *p, const ast_list *l, const char *sep)
{
    for (int i = 0; i < l->n; i++) {
        if (i)
            fmt_puts(p->out, sep);
        fmt_puts(p->out, l->items[i]->name);
    }
}

static void source(fmt_printer *p, const ast_node *s, int may_break)
{
    if (s->kind == AST_RANGE) {
        child(p, s->a, prec(s->a) == P_IFMATCH, may_break);
        fmt_puts(p->out, " .. ");
        child(p, s->b, prec(s->b) == P_IFMATCH, may_break);
    } else {
        fmt_expr(p, s, may_break);
    }
}

static void binary(fmt_printer *p, const ast_node *e, int may_break)
{
    int pe = prec(e), pl = prec(e->a), pr = prec(e->b);
    int right_assoc = e->op == AST_OP_COALESCE, nonassoc = pe == P_CMP;
    int lparen = pl < pe || ((right_assoc || nonassoc) && pl == pe) || (e->op == AST_OP_OR && pl == P_AND);
    int rparen = pr < pe || (!right_assoc && pr == pe) || (e->op == AST_OP_OR && pr == P_AND);
    int start = fmt_col(p->out);
    int logic = e->op == AST_OP_OR || e->op == AST_OP_AND;
    int breaking = may_break && logic && start + fmt_expr_width(p, e) > FMT_WIDTH;
    /* the continuation lines up under the left operand, unless that sits far right: then it is indented */
    int column = start <= FMT_WIDTH / 2 ? start : fmt_line_indent(p->out) + 2 * FMT_INDENT;
    child(p, e->a, lparen, may_break);
    fmt_puts(p->out, " ");
    fmt_puts(p->out, binary_op(e->op));
    if (breaking)
        fmt_newline(p->out, column);
    else
        fmt_puts(p->out, " ");
    child(p, e->b, rparen, may_break);
}

static void if_chain(fmt_printer *p, const ast_node *e, int may_break)
{
    int start = fmt_col(p->out);
    int breaking = may_break && start + fmt_expr_width(p, e) > FMT_WIDTH;
    for (;;) {
        fmt_puts(p->out, "if ");
        fmt_expr(p, e->a, may_break);
        fmt_puts(p->out, " then ");
        fmt_expr(p, e->b, may_break);
        if (breaking)
            fmt_newline(p->out, start);
        else
            fmt_puts(p->out, " ");
        fmt_puts(p->out, "else ");
        if (breaking && e->c->kind == AST_IF) {
            e = e->c;
            continue;
        }
        fmt_expr(p, e->c, may_break);
        return;
    }
}

static void match(fmt_printer *p, const ast_node *e, int may_break)
{
    int breaking = may_break && fmt_col(p->out) + fmt_expr_width(p, e) > FMT_WIDTH;
    int indent = fmt_line_indent(p->out);
    fmt_puts(p->out, "match ");
    child(p, e->a, prec(e->a) == P_IFMATCH, may_break);
    fmt_puts(p->out, " {");
    for (int i = 0; i <= e->list.n; i++) {
        const ast_node *arm = i < e->list.n ? e->list.items[i] : NULL;
        if (!arm && !e->b)
            break;
        if (breaking)
            fmt_newline(p->out, indent + FMT_INDENT);
        else
            fmt_puts(p->out, i ? "  " : " ");
        if (arm)
            names(p, &arm->list, ", ");
        else
            fmt_puts(p->out, "else");
        fmt_puts(p->out, " -> ");
        fmt_expr(p, arm ? arm->a : e->b, may_break);
    }
    if (breaking)
        fmt_newline(p->out, indent);
    else
        fmt_puts(p->out, " ");
    fmt_puts(p->out, "}");
}

static void aggregate(fmt_printer *p, const ast_node *e, int may_break)
{
    static const char *const names_of[] = {[AST_AGG_COUNT] = "count", [AST_AGG_ANY] = "any",
                                           [AST_AGG_ALL] = "all", [AST_AGG_SUM] = "sum"};
    fmt_puts(p->out, e->op >= 0 && e->op <= AST_AGG_SUM ? names_of[e->op] : "count");
    fmt_puts(p->out, "(");
    if (e->op == AST_AGG_SUM && e->c) {
        fmt_expr(p, e->c, may_break);
        fmt_puts(p->out, " for ");
    }
    fmt_puts(p->out, e->name);
    fmt_puts(p->out, " in ");
    source(p, e->a, may_break);
    if (e->b) {
        fmt_puts(p->out, " where ");
        fmt_expr(p, e->b, may_break);
    }
    fmt_puts(p->out, ")");
}

static const char *finding_kind(int op)
{
    return op == AST_FIND_TODO ? "todo" : op == AST_FIND_WARNING ? "warning" : "violation";
}

void fmt_expr(fmt_printer *p, const ast_node *e, int may_break)
{
    char buf[64];
    switch (e->kind) {
    case AST_INT:
        snprintf(buf, sizeof buf, "%" PRId64, e->ival);
        fmt_puts(p->out, buf);
        break;
    case AST_NUMBER:
        put_number(p, e->dval);
        break;
    case AST_DATE:
        polT_format(e->ival, e->op, buf);
        fmt_puts(p->out, buf);
        break;
    case AST_BOOL:
        fmt_puts(p->out, e->ival ? "true" : "false");
        break;
    case AST_NULL:
        fmt_puts(p->out, "null");
        break;
    case AST_ROUTED:
        fmt_puts(p->out, "routed");
        break;
    case AST_STRING:
        fmt_string(p, e);
        break;
    case AST_NAME:
        fmt_puts(p->out, e->name);
        break;
    case AST_MEMBER:
        child(p, e->a, prec(e->a) < P_MEMBER, may_break);
        fmt_puts(p->out, ".");
        fmt_puts(p->out, e->name);
        break;
    case AST_UNARY:
        fmt_puts(p->out, e->op == AST_OP_NOT ? "not " : "-");
        child(p, e->a, prec(e->a) < prec(e), may_break);
        break;
    case AST_BINARY:
        binary(p, e, may_break);
        break;
    case AST_IN:
        child(p, e->a, prec(e->a) <= P_CMP, may_break);
        fmt_puts(p->out, e->op ? " not in {" : " in {");
        names(p, &e->list, ", ");
        fmt_puts(p->out, "}");
        break;
    case AST_IF:
        if_chain(p, e, may_break);
        break;
    case AST_MATCH:
        match(p, e, may_break);
        break;
    case AST_AGG:
        aggregate(p, e, may_break);
        break;
    case AST_RANGE:
        source(p, e, may_break);
        break;
    case AST_CALL:
        fmt_puts(p->out, e->name);
        fmt_puts(p->out, "(");
        for (int i = 0; i < e->list.n; i++) {
            if (i)
                fmt_puts(p->out, ", ");
            fmt_expr(p, e->list.items[i], may_break);
        }
        fmt_puts(p->out, ")");
        break;
    case AST_YEARS:
        child(p, e->a, prec(e->a) < P_POSTFIX, may_break);
        fmt_puts(p->out, " years");
        break;
    case AST_AT:
        child(p, e->a, prec(e->a) < P_POSTFIX, may_break);
        snprintf(buf, sizeof buf, " at %02d:%02d", (int)(e->ival / 60), (int)(e->ival % 60));
        fmt_puts(p->out, buf);
        break;
    case AST_FINDINGS:
        fmt_puts(p->out, "findings(");
        fmt_puts(p->out, finding_kind(e->op));
        fmt_puts(p->out, ")");
        break;
    default:
        fmt_puts(p->out, "null"); /* not an expression: the parser never puts one here */
        break;
    }
}
