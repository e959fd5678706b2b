/* decl.c: declarations and rules in canonical layout, with every comment put back: before the item it
 * preceded, after the line it ended, or (when it sat inside a construct that is laid out anew) before it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const ast_node *peek_comment(const fmt_printer *p)
{
    return p->next_comment < p->comments->n ? p->comments->items[p->next_comment] : NULL;
}

static int before(const ast_node *c, int line, int col) { return c->loc.line < line || (c->loc.line == line && c->loc.col < col); }

/* A blank line where the source had one (at most one), never first in a block. */
static void space_before(fmt_printer *p, int line)
{
    if (!p->block_start && p->last_line > 0 && line > p->last_line + 1)
        fmt_blank(p->out);
}

static void own_line_comment(fmt_printer *p, const ast_node *c)
{
    space_before(p, c->loc.line);
    fmt_newline(p->out, p->indent);
    fmt_puts(p->out, c->str);
    p->block_start = 0;
    p->last_line = c->loc.line;
}

/* Every comment that starts before line:col, each on its own line. */
static void comments_before(fmt_printer *p, int line, int col)
{
    const ast_node *c;
    while ((c = peek_comment(p)) && before(c, line, col)) {
        own_line_comment(p, c);
        p->next_comment++;
    }
}

/* Comments after the construct's last token on its last line stay at the end of its last output line. */
static void trailing_comments(fmt_printer *p, int end_line)
{
    const ast_node *c;
    while ((c = peek_comment(p)) && c->loc.line == end_line) {
        fmt_trailing(p->out, c->str);
        p->next_comment++;
    }
}

/* Start an item at the current indentation: its leading comments, a blank line if the source had one, and
 * the comments inside it that the new layout cannot keep in place (they go just before it). */
static void begin_item(fmt_printer *p, const ast_node *n, int keep_inside)
{
    comments_before(p, n->loc.line, n->loc.col);
    space_before(p, n->loc.line);
    if (!keep_inside) {
        const ast_node *c;
        int saved_last = p->last_line;
        while ((c = peek_comment(p)) && c->loc.line < n->loc.end_line) {
            fmt_newline(p->out, p->indent);
            fmt_puts(p->out, c->str);
            p->next_comment++;
        }
        p->last_line = saved_last;
    }
    fmt_newline(p->out, p->indent);
    p->block_start = 0;
}

static void end_item(fmt_printer *p, const ast_node *n)
{
    if (p->next_line != n->loc.end_line) /* else another item follows on the same line: the comment is its */
        trailing_comments(p, n->loc.end_line);
    p->last_line = n->loc.end_line;
}

static void item(fmt_printer *p, const ast_node *n);

/* Before writing list[i]: where the next entry starts (or the block's `}`, at end). */
static void set_next(fmt_printer *p, const ast_list *list, int i, const ast_node *parent)
{
    if (i + 1 < list->n) {
        p->next_line = list->items[i + 1]->loc.line;
        p->next_col = list->items[i + 1]->loc.col;
    } else if (parent) {
        p->next_line = parent->loc.end_line;
        p->next_col = parent->loc.end_col;
    } else {
        p->next_line = p->next_col = -1;
    }
}

/* `header {` children `}`: comments on the header's line stay on it; those after the last child go before the
 * `}`. An empty block without comments is `header {}`. */
static void block(fmt_printer *p, const ast_node *n, void (*children)(fmt_printer *, const ast_node *))
{
    const ast_node *c = peek_comment(p);
    int inside = c && before(c, n->loc.end_line, n->loc.end_col);
    if (n->list.n == 0 && !inside) {
        fmt_puts(p->out, " {}");
        end_item(p, n);
        return;
    }
    fmt_puts(p->out, " {");
    int first_line = n->list.n ? n->list.items[0]->loc.line : n->loc.end_line;
    int first_col = n->list.n ? n->list.items[0]->loc.col : n->loc.end_col;
    while ((c = peek_comment(p)) && c->loc.line == n->loc.line && before(c, first_line, first_col)) {
        fmt_trailing(p->out, c->str);
        p->next_comment++;
    }
    p->indent += FMT_INDENT;
    p->block_start = 1;
    p->last_line = n->loc.line;
    int next_line = p->next_line, next_col = p->next_col;
    children(p, n);
    p->next_line = next_line;
    p->next_col = next_col;
    comments_before(p, n->loc.end_line, n->loc.end_col);
    p->indent -= FMT_INDENT;
    fmt_newline(p->out, p->indent);
    fmt_puts(p->out, "}");
    p->block_start = 0;
    end_item(p, n);
}

static void each_item(fmt_printer *p, const ast_node *n)
{
    for (int i = 0; i < n->list.n; i++) {
        set_next(p, &n->list, i, n);
        item(p, n->list.items[i]);
    }
}

static void field(fmt_printer *p, const ast_node *f)
{
    begin_item(p, f, 0);
    fmt_puts(p->out, f->name);
    fmt_puts(p->out, ": ");
    fmt_type(p, f->a);
    if (f->c && f->c->a) {
        fmt_puts(p->out, " >= ");
        fmt_expr(p, f->c->a, 0);
    }
    if (f->c && f->c->b) {
        fmt_puts(p->out, " <= ");
        fmt_expr(p, f->c->b, 0);
    }
    if (f->b) {
        fmt_puts(p->out, " = ");
        fmt_expr(p, f->b, 1);
    }
    end_item(p, f);
}

static void fields(fmt_printer *p, const ast_node *n)
{
    for (int i = 0; i < n->list.n; i++) {
        set_next(p, &n->list, i, n);
        field(p, n->list.items[i]);
    }
}

/* an entity's attributes, one a line, their `=` lined up */
static void attr_inits(fmt_printer *p, const ast_node *n)
{
    int widest = 0;
    for (int i = 0; i < n->list.n; i++) {
        int w = fmt_width(n->list.items[i]->name, strlen(n->list.items[i]->name));
        if (w > widest)
            widest = w;
    }
    for (int i = 0; i < n->list.n; i++) {
        const ast_node *a = n->list.items[i];
        set_next(p, &n->list, i, n);
        begin_item(p, a, 0);
        fmt_puts(p->out, a->name);
        for (int pad = widest - fmt_width(a->name, strlen(a->name)); pad > 0; pad--)
            fmt_puts(p->out, " ");
        fmt_puts(p->out, " = ");
        fmt_expr(p, a->a, 1);
        end_item(p, a);
    }
}

/* enumeration values: one a line when comments sit among them, else filled up to the width */
static void enum_values(fmt_printer *p, const ast_node *n)
{
    const ast_node *c = peek_comment(p);
    int commented = c && before(c, n->loc.end_line, n->loc.end_col);
    for (int i = 0; i < n->list.n; i++) {
        const ast_node *v = n->list.items[i];
        int w = fmt_width(v->name, strlen(v->name));
        if (commented) {
            set_next(p, &n->list, i, n);
            begin_item(p, v, 1);
        } else if (i == 0 || fmt_col(p->out) + 1 + w > FMT_WIDTH) {
            fmt_newline(p->out, p->indent);
        } else {
            fmt_puts(p->out, " ");
        }
        fmt_puts(p->out, v->name);
        if (commented)
            end_item(p, v);
    }
}

static void enum_decl(fmt_printer *p, const ast_node *n)
{
    fmt_puts(p->out, "enum ");
    fmt_puts(p->out, n->name);
    const ast_node *c = peek_comment(p);
    int commented = c && before(c, n->loc.end_line, n->loc.end_col);
    if (!commented && n->list.n) { /* on one line when it fits */
        int w = fmt_col(p->out) + 4;
        for (int i = 0; i < n->list.n; i++)
            w += fmt_width(n->list.items[i]->name, strlen(n->list.items[i]->name)) + 1;
        if (w <= FMT_WIDTH) {
            fmt_puts(p->out, " {");
            for (int i = 0; i < n->list.n; i++) {
                fmt_puts(p->out, " ");
                fmt_puts(p->out, n->list.items[i]->name);
            }
            fmt_puts(p->out, " }");
            end_item(p, n);
            return;
        }
    }
    block(p, n, enum_values);
}

static void keylists(fmt_printer *p, const ast_list *keys)
{
    for (int i = 0; i < keys->n; i++) {
        const ast_node *k = keys->items[i];
        fmt_puts(p->out, " ");
        if (k->list.n == 0)
            fmt_puts(p->out, "*");
        for (int j = 0; j < k->list.n; j++) {
            if (j)
                fmt_puts(p->out, ", ");
            fmt_puts(p->out, k->list.items[j]->name);
        }
    }
}

/* ` where cond` then, on this line when it fits, else on the next (indented twice), the tail */
static void where_then(fmt_printer *p, const ast_node *where, const char *tail, const ast_node *tail_node,
                       int tail_is_string)
{
    if (where) {
        fmt_puts(p->out, " where ");
        fmt_expr(p, where, 1);
    }
    int w = (int)strlen(tail) + 1;
    if (tail_node)
        w += tail_is_string ? fmt_expr_width(p, tail_node) : fmt_width(tail_node->name, strlen(tail_node->name));
    if (fmt_col(p->out) + w > FMT_WIDTH && fmt_col(p->out) > p->indent + 2 * FMT_INDENT + 8) {
        if (tail[0] == ':') {
            fmt_puts(p->out, " :");
            fmt_newline(p->out, p->indent + 2 * FMT_INDENT);
        } else {
            fmt_newline(p->out, p->indent + 2 * FMT_INDENT);
            fmt_puts(p->out, tail);
            fmt_puts(p->out, " ");
        }
    } else {
        fmt_puts(p->out, " ");
        fmt_puts(p->out, tail);
        fmt_puts(p->out, " ");
    }
    if (tail_is_string)
        fmt_string(p, tail_node);
    else
        fmt_puts(p->out, tail_node->name);
}

static const char *finding_kind(int op)
{
    return op == AST_FIND_TODO ? "todo" : op == AST_FIND_WARNING ? "warning" : "violation";
}

static void verbatim(fmt_printer *p, const ast_node *n); /* a construct this formatter does not know */

/* plain text (a name, version or title) written as a string literal */
static void plain_string(fmt_printer *p, const char *text)
{
    ast_node part = {.kind = AST_TEXT, .str = text};
    ast_node *parts[1] = {&part};
    ast_node s = {.kind = AST_STRING, .list = {parts, 1, 1}};
    fmt_string(p, &s);
}

static void item(fmt_printer *p, const ast_node *n)
{
    int blocky = n->kind == AST_ENUM || n->kind == AST_RECORD || n->kind == AST_APPLICANT ||
                 n->kind == AST_ENTITY_TYPE || n->kind == AST_ENTITY || n->kind == AST_CLAUSE ||
                 n->kind == AST_FOREACH;
    begin_item(p, n, blocky);
    switch (n->kind) {
    case AST_POLICY:
        fmt_puts(p->out, "policy ");
        plain_string(p, n->name ? n->name : "");
        if (n->str) {
            fmt_puts(p->out, " version ");
            plain_string(p, n->str);
        }
        if (n->ival) {
            char buf[32];
            snprintf(buf, sizeof buf, " year %lld", (long long)n->ival);
            fmt_puts(p->out, buf);
        }
        end_item(p, n);
        break;
    case AST_ENUM:
        enum_decl(p, n);
        break;
    case AST_RECORD:
    case AST_ENTITY_TYPE:
        fmt_puts(p->out, n->kind == AST_RECORD ? "record " : "entity ");
        fmt_puts(p->out, n->name);
        block(p, n, fields);
        break;
    case AST_APPLICANT:
        fmt_puts(p->out, "applicant");
        block(p, n, fields);
        break;
    case AST_ENTITY:
        fmt_puts(p->out, n->name2);
        fmt_puts(p->out, " ");
        fmt_puts(p->out, n->name);
        block(p, n, attr_inits);
        break;
    case AST_CONST:
    case AST_LET:
        fmt_puts(p->out, n->kind == AST_CONST ? "const " : "let ");
        fmt_puts(p->out, n->name);
        fmt_puts(p->out, " = ");
        fmt_expr(p, n->a, 1);
        end_item(p, n);
        break;
    case AST_OUTPUT:
        fmt_puts(p->out, "output ");
        fmt_puts(p->out, n->name);
        if (n->a) {
            fmt_puts(p->out, ": ");
            fmt_type(p, n->a);
        }
        fmt_puts(p->out, " = ");
        fmt_expr(p, n->b, 1);
        end_item(p, n);
        break;
    case AST_ROUTING:
        fmt_puts(p->out, "routing by ");
        for (int i = 0; i < n->list.n; i++) {
            if (i)
                fmt_puts(p->out, ", ");
            fmt_puts(p->out, n->list.items[i]->name);
        }
        fmt_puts(p->out, " -> ");
        fmt_puts(p->out, n->name2);
        end_item(p, n);
        break;
    case AST_CLAUSE:
        fmt_puts(p->out, "clause ");
        fmt_puts(p->out, n->name);
        if (n->str) {
            fmt_puts(p->out, " ");
            plain_string(p, n->str);
        }
        block(p, n, each_item);
        break;
    case AST_FOREACH:
        fmt_puts(p->out, "for each ");
        fmt_puts(p->out, n->name);
        fmt_puts(p->out, " in ");
        fmt_expr(p, n->a, 1);
        block(p, n, each_item);
        break;
    case AST_ROUTE:
        fmt_puts(p->out, "route");
        keylists(p, &n->list);
        where_then(p, n->a, "->", n, 0);
        end_item(p, n);
        break;
    case AST_FINDING:
        fmt_puts(p->out, finding_kind(n->op));
        fmt_puts(p->out, " when ");
        fmt_expr(p, n->a, 1);
        where_then(p, NULL, ":", n->b, 1);
        end_item(p, n);
        break;
    default:
        if ((int)n->kind == (int)AST_UNROUTED) {
            fmt_puts(p->out, "unrouted");
            keylists(p, &n->list);
            where_then(p, n->a, ":", n->b, 1);
        } else {
            verbatim(p, n);
        }
        end_item(p, n);
        break;
    }
}


static void verbatim(fmt_printer *p, const ast_node *n)
{
    int line = 1;
    size_t i = 0;
    while (i < p->len && line < n->loc.line)
        if (p->text[i++] == '\n')
            line++;
    size_t start = i + (size_t)(n->loc.col - 1);
    while (i < p->len && line < n->loc.end_line)
        if (p->text[i++] == '\n')
            line++;
    size_t end = i + (size_t)n->loc.end_col;
    if (start < end && end <= p->len)
        fmt_putn(p->out, p->text + start, end - start);
}

void fmt_layout(fmt_out *out, const ast_tree *tree, const char *text, size_t len)
{
    fmt_printer p = {.out = out, .comments = &tree->comments, .block_start = 1, .text = text, .len = len};
    for (int i = 0; i < tree->decls.n; i++) {
        set_next(&p, &tree->decls, i, NULL);
        item(&p, tree->decls.items[i]);
    }
    const ast_node *c;
    while ((c = peek_comment(&p))) {
        own_line_comment(&p, c);
        p.next_comment++;
    }
}
