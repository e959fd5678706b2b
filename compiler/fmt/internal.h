/* internal.h: what the formatter's files share: the output lines and the printer state. */
#ifndef POL_FMT_INTERNAL_H
#define POL_FMT_INTERNAL_H

#include <stddef.h>

#include "ast.h"

/* Lines are aimed at this many display columns (a CJK character counts two); a string is never broken. */
#define FMT_WIDTH 100
#define FMT_INDENT 2

typedef struct fmt_line {
    char *text;          /* the code, with its leading spaces; no newline */
    size_t len, cap;
    const char *comment; /* a trailing comment (from `#`), or NULL */
    int blank;           /* an empty line */
} fmt_line;

typedef struct fmt_out {
    fmt_line *lines;
    int n, cap;
} fmt_out;

/* text.c: building lines */
int fmt_width(const char *s, size_t len); /* display columns of UTF-8 text */
void fmt_newline(fmt_out *o, int pad);     /* start a line with pad spaces */
void fmt_blank(fmt_out *o);
void fmt_puts(fmt_out *o, const char *s);
void fmt_putn(fmt_out *o, const char *s, size_t n);
int fmt_col(const fmt_out *o);             /* display columns of the current line */
int fmt_line_indent(const fmt_out *o);     /* leading spaces of the current line */
void fmt_trailing(fmt_out *o, const char *comment);
void fmt_out_free(fmt_out *o);
/* the whole text, trailing comments aligned in runs of consecutive lines (malloc'd) */
char *fmt_render(const fmt_out *o, size_t *len);

/* The printer: where output goes, the comments not yet placed, the last source line placed. */
typedef struct fmt_printer {
    fmt_out *out;
    const ast_list *comments;
    int next_comment;
    int last_line;   /* source line of the last item or comment written */
    int block_start; /* nothing written yet in the current block (no blank line before the first item) */
    int indent;      /* current indentation in spaces */
    int next_line;   /* where the next sibling (or the enclosing `}`) starts: a comment at the end of a line */
    int next_col;    /* belongs to the last item on it */
    const char *text; /* the source (to copy a construct this formatter does not know) */
    size_t len;
} fmt_printer;

/* decl.c: the whole tree, comments included */
void fmt_layout(fmt_out *out, const ast_tree *tree, const char *text, size_t len);

/* expr.c */
void fmt_expr(fmt_printer *p, const ast_node *e, int may_break);
int fmt_expr_width(fmt_printer *p, const ast_node *e);
void fmt_string(fmt_printer *p, const ast_node *s);
void fmt_type(fmt_printer *p, const ast_node *t);

#endif
