/* parse.h: the front end's entry point (source text → syntax tree), and the state its scanner and parser share. */
#ifndef POL_PARSE_H
#define POL_PARSE_H

#include <stddef.h>

#include "ast.h"
#include "diag.h"

/* Scan and parse one source file. text (len bytes) need not be NUL-terminated and may contain NUL bytes.
 * Every lexical and syntax error is reported through diag (path is what diag calls the file); the tree is
 * returned even then, holding what could be parsed. NULL only when out of memory. Free with ast_tree_free. */
ast_tree *parse_source(const char *path, const char *text, size_t len, diag_ctx *diag);

/* ---- Below: shared by compiler/scan/scanner.l, parser.y and parse.c (and their unit tests) only. ---------- */

/* What the scanner has opened and not yet closed: a `{` in code, a string, a `{` interpolating into a string. */
typedef enum parse_open_kind { PARSE_OPEN_BRACE, PARSE_OPEN_STRING, PARSE_OPEN_INTERP } parse_open_kind;
typedef struct parse_open {
    parse_open_kind kind;
    ast_loc loc; /* of the `{` or the opening `"` */
    size_t line_start; /* offset of the start of its line */
    int dropped; /* the parser threw this `{` away while recovering from an error: drop its `}` too */
} parse_open;

/* A place in the text: byte offset, its line, and where that line starts. */
typedef struct parse_pos {
    size_t offset;
    int line;
    size_t line_start;
} parse_pos;

/* A token the parser has read (kept for error messages): kind is a T_ token code from parser.h. */
typedef struct parse_token {
    int kind;
    ast_loc loc;
    const char *text; /* identifier, clause id or invalid bytes (in the arena), else NULL */
    size_t len;
    int synthetic;    /* a closing token supplied for a `}` (or string end) missing before it */
} parse_token;

/* The rule or declaration being read: its keyword, whether it has had its `when`, `:` and `->` yet, and how
 * many of its `if`s still lack their `else` (the latest one is at if_loc). */
typedef struct parse_statement {
    int kind;
    ast_loc loc;
    int when, colon, arrow;
    int open_ifs;
    ast_loc if_loc;
} parse_statement;

typedef struct parse_state {
    ast_tree *tree;
    diag_ctx *diag;
    const char *text;
    size_t len;
    void *scanner; /* the flex scanner (yyscan_t) */
    /* scanner side */
    parse_pos pos;        /* where the next token starts */
    parse_pos saved_pos;  /* where the current match started (to give it back) */
    parse_open *opens;    /* the stack of unclosed braces and strings */
    int nopens, capopens;
    int parens;           /* `(` not yet closed (with nopens: the bracket nesting, bounded by AST_MAX_DEPTH) */
    int unwind_to;        /* >= 0 while the scanner closes strings a newline cut short, down to this depth */
    int comment_return;   /* the start condition to resume after a comment */
    int invalid_line;     /* the last line where a bad character was reported (once per line is enough) */
    char *buf;            /* the decoded text of the string part being read */
    size_t buflen, bufcap;
    ast_loc buf_loc;
    /* parser side */
    parse_token recent[3]; /* [0] the latest token read (the lookahead at an error), [1] the one before, ... */
    int held_kind;         /* >= 0: a declaration keyword or the end of the file met inside `{ }`, held back */
    ast_loc held_loc;      /* while the closing tokens that are missing before it are handed out */
    parse_statement stmt;  /* the latest rule or declaration begun, for hints */
    parse_statement stmt_before; /* the one before (when the lookahead itself begins a new one) */
    int unclosed;          /* the latest error looks like a `{` left unclosed (its `}` is then still wanted) */
    int depth_reported;    /* the "nested too deeply" error was given */
    int seen_policy;
    ast_loc policy_loc;
} parse_state;

/* Set up ps to scan text into tree (0 when out of memory); parse_end releases the scanner. */
int parse_begin(parse_state *ps, ast_tree *tree, const char *text, size_t len, diag_ctx *diag);
void parse_end(parse_state *ps);
/* Report an INVALID token or bytes the scanner rejected inside a string or comment (one message per kind:
 * invalid UTF-8, NUL, control character, an ASCII character that is not pol). */
void parse_report_invalid(parse_state *ps, ast_loc loc, const char *bytes, size_t len);
/* The parser discarded the `{` at loc during error recovery (bison %destructor). */
void parse_discard_brace(parse_state *ps, ast_loc loc);
/* Report a syntax error from bison's verbose message, reworded and with hints (notes) where they help. */
void parse_syntax_error(parse_state *ps, const char *bison_message);

#endif
