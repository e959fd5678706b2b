/* parse.c: runs the scanner and parser over a source text, and words their errors for a person: invalid
 * characters, syntax errors (placed after the previous token when the next one is on a later line) and hints
 * for the usual slips (full-width punctuation, `=` for `==`, a misspelt keyword, an unclosed `{`). */
#include "parse.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "scanner.h"
#include "suggest.h"

/* A UTF-8 byte order mark at the start of the file is skipped (editors on Windows add one). */
static const char BOM[] = "\xEF\xBB\xBF";

int parse_begin(parse_state *ps, ast_tree *tree, const char *text, size_t len, diag_ctx *diag)
{
    memset(ps, 0, sizeof *ps);
    ps->tree = tree;
    ps->diag = diag;
    ps->text = text ? text : "";
    ps->len = text ? len : 0;
    ps->pos.line = 1;
    ps->unwind_to = -1;
    for (int i = 0; i < 3; i++)
        ps->recent[i].kind = -1;
    ps->held_kind = -1;
    if (ps->len > INT_MAX - 2) {
        ast_loc nowhere = {0, 0, 0, 0};
        diag_error(diag, nowhere, "the file is too large (more than 2 GB)");
        ps->len = 0;
    }
    size_t skip = ps->len >= 3 && memcmp(ps->text, BOM, 3) == 0 ? 3 : 0;
    ps->pos.offset = skip;
    yyscan_t scanner;
    if (lex_lex_init_extra(ps, &scanner) != 0)
        return 0;
    ps->scanner = scanner;
    lex__scan_bytes(ps->text + skip, (int)(ps->len - skip), scanner);
    return 1;
}

void parse_end(parse_state *ps)
{
    if (ps->scanner)
        lex_lex_destroy(ps->scanner);
    ps->scanner = NULL;
    free(ps->opens);
    ps->opens = NULL;
    free(ps->buf);
    ps->buf = NULL;
}

ast_tree *parse_source(const char *path, const char *text, size_t len, diag_ctx *diag)
{
    (void)path; /* diag names the file in messages */
    ast_tree *tree = ast_tree_new();
    if (!tree)
        return NULL;
    parse_state ps;
    if (!parse_begin(&ps, tree, text, len, diag)) {
        ast_tree_free(tree);
        return NULL;
    }
    yyparse(&ps);
    parse_end(&ps);
    return tree;
}

static int starts_rule(int kind)
{
    return kind == T_ROUTE || kind == T_VIOLATION || kind == T_TODO || kind == T_WARNING || kind == T_FOR ||
           kind == T_LET || kind == T_OUTPUT;
}

static int starts_declaration(int kind)
{
    return kind == T_POLICY || kind == T_ENUM || kind == T_RECORD || kind == T_APPLICANT || kind == T_ENTITY ||
           kind == T_CONST || kind == T_ROUTING || kind == T_CLAUSE;
}

/* Follow the rule being read, so that an error can say what it lacks. */
static void track_statement(parse_state *ps, int kind, ast_loc loc)
{
    if (starts_rule(kind) || starts_declaration(kind)) {
        ps->stmt_before = ps->stmt;
        memset(&ps->stmt, 0, sizeof ps->stmt);
        ps->stmt.kind = kind;
        ps->stmt.loc = loc;
    } else if (kind == T_WHEN) {
        ps->stmt.when = 1;
    } else if (kind == ':') {
        ps->stmt.colon = 1;
    } else if (kind == T_ARROW) {
        ps->stmt.arrow = 1;
        if (ps->recent[0].kind == T_ELSE)
            ps->stmt.open_ifs++; /* `else ->` in a match is not an if's else */
    } else if (kind == T_IF) {
        ps->stmt.open_ifs++;
        ps->stmt.if_loc = loc;
    } else if (kind == T_ELSE) {
        ps->stmt.open_ifs--;
    }
}

static ast_loc just_after(ast_loc loc)
{
    ast_loc at = {loc.end_line, loc.end_col + 1, loc.end_line, loc.end_col};
    return at;
}

/* Pop the innermost open block (a `{` the parser has not thrown away, or a string or interpolation) and give
 * the token that closes it; -1 when nothing is open. */
static int next_closer(parse_state *ps)
{
    while (ps->nopens > 0) {
        const parse_open *open = &ps->opens[--ps->nopens];
        if (open->kind == PARSE_OPEN_STRING)
            return T_STR_END;
        if (open->kind == PARSE_OPEN_INTERP)
            return T_INTERP_END;
        if (!open->dropped)
            return '}';
    }
    return -1;
}

static int any_open(const parse_state *ps)
{
    for (int i = 0; i < ps->nopens; i++)
        if (ps->opens[i].kind != PARSE_OPEN_BRACE || !ps->opens[i].dropped)
            return 1;
    return 0;
}

static const char *declaration_keyword(int kind)
{
    switch (kind) {
    case T_POLICY: return "policy";
    case T_ENUM: return "enum";
    case T_RECORD: return "record";
    case T_APPLICANT: return "applicant";
    case T_ENTITY: return "entity";
    case T_CONST: return "const";
    case T_ROUTING: return "routing";
    default: return "clause";
    }
}

/* A declaration keyword or the end of the file inside `{ }`: neither can be there, so a `}` was forgotten.
 * Say so once, where the `}` belongs (after the last token), and hand the parser the missing closing tokens
 * before the held-back one: the unclosed block and the declaration after it both parse. */
static void supply_missing_closers(parse_state *ps, int kind, ast_loc loc)
{
    ast_loc at = ps->recent[0].kind >= 0 ? just_after(ps->recent[0].loc) : loc;
    if (kind == T_END)
        diag_error(ps->diag, at, "missing `}` at the end of the file");
    else
        diag_error(ps->diag, at, "missing `}` before `%s`", declaration_keyword(kind));
    for (int i = ps->nopens - 1; i >= 0; i--) {
        const parse_open *open = &ps->opens[i];
        if (open->kind == PARSE_OPEN_INTERP || (open->kind == PARSE_OPEN_BRACE && !open->dropped)) {
            diag_note(ps->diag, open->loc, "this `{` is not closed");
            break;
        }
    }
    ps->held_kind = kind;
    ps->held_loc = loc;
}

int parse_lex(YYSTYPE *value, YYLTYPE *loc, parse_state *ps)
{
    int kind = T_END, synthetic = 0;
    if (ps->held_kind < 0) {
        kind = lex_lex(value, loc, ps->scanner);
        if ((kind == T_END || starts_declaration(kind)) && any_open(ps))
            supply_missing_closers(ps, kind, *loc);
    }
    if (ps->held_kind >= 0) {
        kind = next_closer(ps);
        if (kind >= 0) {
            synthetic = 1;
            loc->line = loc->end_line = ps->held_loc.line;
            loc->col = ps->held_loc.col;
            loc->end_col = ps->held_loc.col - 1;
            if (kind == '}')
                value->op = 0;
        } else {
            kind = ps->held_kind;
            *loc = ps->held_loc;
            ps->held_kind = -1;
        }
    }
    track_statement(ps, kind, *loc); /* before recent[] moves on: it looks at the previous token */
    ps->recent[2] = ps->recent[1];
    ps->recent[1] = ps->recent[0];
    parse_token *tok = &ps->recent[0];
    tok->kind = kind;
    tok->loc = *loc;
    tok->text = NULL;
    tok->len = 0;
    tok->synthetic = synthetic;
    if (kind == T_IDENT || kind == T_CLAUSE_ID) {
        tok->text = value->text;
        tok->len = strlen(value->text);
    } else if (kind == T_INVALID) {
        tok->text = value->raw.bytes;
        tok->len = value->raw.len;
    }
    return kind;
}

/* ---- invalid characters ---------------------------------------------------------------------------------- */

void parse_report_invalid(parse_state *ps, ast_loc loc, const char *bytes, size_t len)
{
    /* one report per line: a file in another encoding would otherwise give one per character */
    if (ps->invalid_line == loc.line)
        return;
    ps->invalid_line = loc.line;
    unsigned char c = (unsigned char)bytes[0];
    if (len == 2 && (memcmp(bytes, "&&", 2) == 0 || memcmp(bytes, "||", 2) == 0))
        diag_error(ps->diag, loc, "`%.2s` is not an operator in pol; write `%s`", bytes, c == '&' ? "and" : "or");
    else if (c == '!')
        diag_error(ps->diag, loc, "`!` is not an operator in pol; write `not` (or `!=` to compare)");
    else if (c == '\'')
        diag_error(ps->diag, loc, "invalid character `'`: strings are written in double quotes, \"...\"");
    else if (c == '[' || c == ']')
        diag_error(ps->diag, loc, "invalid character `%c`: a set of values is written in braces, {a, b}", c);
    else if (c == 0)
        diag_error(ps->diag, loc, "invalid character NUL (byte 0x00)");
    else if (c < 0x20 || c == 0x7F)
        diag_error(ps->diag, loc, "invalid control character (byte 0x%02X)", c);
    else if (c >= 0x80)
        diag_error(ps->diag, loc, "invalid UTF-8 (byte 0x%02X): the file must be saved as UTF-8", c);
    else
        diag_error(ps->diag, loc, "invalid character `%c`", c);
}

/* ---- syntax errors ----------------------------------------------------------------------------------------- */

/* Full-width and typographic punctuation that an input method slips in for pol's ASCII punctuation. Such
 * characters are legal inside identifiers, so they surface as odd identifiers next to a syntax error. */
static const struct {
    const char *utf8, *name, *ascii;
} look_alikes[] = {
    {"\xEF\xBC\x9A", "a full-width colon", ":"},           {"\xEF\xBC\x8C", "a full-width comma", ","},
    {"\xEF\xBC\x9B", "a full-width semicolon", ";"},       {"\xEF\xBC\x9D", "a full-width equals sign", "="},
    {"\xE2\x80\x9C", "a curly quote", "\""},               {"\xE2\x80\x9D", "a curly quote", "\""},
    {"\xEF\xBD\x9B", "a full-width brace", "{"},           {"\xEF\xBD\x9D", "a full-width brace", "}"},
    {"\xEF\xBC\x9F", "a full-width question mark", "?"},   {"\xEF\xBC\x8A", "a full-width asterisk", "*"},
    {"\xEF\xBC\x8D", "a full-width minus sign", "-"},      {"\xEF\xBC\x9E", "a full-width greater-than sign", ">"},
    {"\xEF\xBC\x9C", "a full-width less-than sign", "<"},  {"\xEF\xBC\x8E", "a full-width full stop", "."},
};

static int hint_look_alike(parse_state *ps, const parse_token *tok)
{
    if (tok->kind != T_IDENT)
        return 0;
    for (size_t i = 0; i < tok->len; i++) {
        for (size_t k = 0; k < sizeof look_alikes / sizeof look_alikes[0]; k++) {
            size_t n = strlen(look_alikes[k].utf8);
            if (i + n <= tok->len && memcmp(tok->text + i, look_alikes[k].utf8, n) == 0) {
                ast_loc at = {tok->loc.line, tok->loc.col + (int)i, tok->loc.line, tok->loc.col + (int)(i + n) - 1};
                diag_note(ps->diag, at, "`%s` is %s; pol's punctuation is ASCII: write `%s`", look_alikes[k].utf8,
                          diag_tr(ps->diag, look_alikes[k].name), look_alikes[k].ascii);
                return 1;
            }
        }
    }
    return 0;
}

static const char *const keywords[] = {
    "policy", "version", "year",    "enum",  "record", "applicant", "entity", "const", "routing", "by",
    "clause", "route",   "where",   "violation", "todo", "warning", "when",  "for",   "each",    "in",
    "let",    "output",  "list",    "string", "int",   "number",    "bool",   "date",  "true",    "false",
    "null",   "not",     "and",     "or",    "if",     "then",      "else",   "match", "count",   "any",
    "all",    "sum",     "years",   "at",    "routed", "findings", "unrouted",
};

/* A plain ASCII identifier one or two edits from a keyword is most likely that keyword misspelt. */
static int hint_misspelt_keyword(parse_state *ps, const parse_token *tok)
{
    if (tok->kind != T_IDENT || tok->len < 3)
        return 0;
    for (size_t i = 0; i < tok->len; i++)
        if ((unsigned char)tok->text[i] >= 0x80)
            return 0;
    size_t allowed = tok->len >= 7 ? 2 : 1;
    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++) {
        size_t d = polS_distance(tok->text, tok->len, keywords[k], strlen(keywords[k]));
        if (d > 0 && d <= allowed) {
            diag_note(ps->diag, tok->loc, "`%s` is not a keyword; did you mean `%s`?", tok->text, keywords[k]);
            return 1;
        }
    }
    return 0;
}

static int ends_operand(int kind)
{
    return kind == T_IDENT || kind == T_INT_LIT || kind == T_NUM_LIT || kind == T_DATE_LIT || kind == T_TIME_LIT ||
           kind == T_STR_END || kind == T_TRUE || kind == T_FALSE || kind == T_NULL || kind == T_ROUTED ||
           kind == T_YEARS || kind == ')';
}

/* Whether the rest of the lookahead's line (after it) contains `->`. */
static int arrow_later_on_line(const parse_state *ps)
{
    for (size_t i = ps->pos.offset; i + 1 < ps->len && ps->text[i] != '\n'; i++)
        if (ps->text[i] == '-' && ps->text[i + 1] == '>')
            return 1;
    return 0;
}

/* A route without its `->` (it ran into the next line or rule, or into its target); a finding whose message
 * lacks its `:`; an `if` without `else`. */
static int hint_statement(parse_state *ps, const parse_token *tok, const parse_token *prev, int on_later_line)
{
    int begins = starts_rule(tok->kind) || starts_declaration(tok->kind);
    const parse_statement *st = begins ? &ps->stmt_before : &ps->stmt;
    int ended = on_later_line || begins || tok->kind == T_END || tok->kind == '}';
    int runs_into_target = tok->kind == T_IDENT && ends_operand(prev->kind) && !arrow_later_on_line(ps);
    if (st->kind == T_ROUTE && !st->arrow && (ended || runs_into_target)) {
        diag_note(ps->diag, st->loc,
                  "this route has no `->`: a route is written `route KEYS [where CONDITION] -> TARGET`");
        return 1;
    }
    int finding = st->kind == T_VIOLATION || st->kind == T_TODO || st->kind == T_WARNING;
    if (finding && st->when && !st->colon && tok->kind == T_STR_START) {
        diag_note(ps->diag, tok->loc, "a finding's message comes after a `:`, as in `when CONDITION : \"message\"`");
        return 1;
    }
    if (st->open_ifs > 0 && (ended || tok->kind == ':')) {
        diag_note(ps->diag, st->if_loc, "this `if` has no `else`: write `if CONDITION then A else B`");
        return 1;
    }
    return 0;
}

void parse_discard_brace(parse_state *ps, ast_loc loc)
{
    int i = ps->nopens - 1;
    while (i >= 0 && !(ps->opens[i].kind == PARSE_OPEN_BRACE && ps->opens[i].loc.line == loc.line &&
                       ps->opens[i].loc.col == loc.col))
        i--;
    if (i < 0)
        return;
    /* An unindented line opening a block inside another block: most likely the next top-level declaration,
     * after a block whose `}` was forgotten. */
    int enclosing = i - 1;
    while (enclosing >= 0 && ps->opens[enclosing].kind != PARSE_OPEN_BRACE)
        enclosing--;
    char first = ps->text[ps->opens[i].line_start];
    if (!ps->unclosed && enclosing >= 0 && first != ' ' && first != '\t') {
        ps->unclosed = 1;
        diag_note(ps->diag, ps->opens[enclosing].loc, "this `{` is not closed");
    }
    if (!ps->unclosed) {
        ps->opens[i].dropped = 1;
        return;
    }
    /* Its `}` is wanted to close the block left open: the scanner forgets this `{`, so that `}` closes that
     * block for the scanner too. */
    memmove(&ps->opens[i], &ps->opens[i + 1], (size_t)(ps->nopens - i - 1) * sizeof ps->opens[0]);
    ps->nopens--;
}

void parse_syntax_error(parse_state *ps, const char *message)
{
    const parse_token *tok = &ps->recent[0], *prev = &ps->recent[1];
    ps->unclosed = 0;
    if (tok->synthetic)
        return; /* a `}` supplied after "missing `}`" was reported: recovery goes on quietly */
    if (tok->kind == T_INVALID) {
        parse_report_invalid(ps, tok->loc, tok->text, tok->len);
        return;
    }
    if (strcmp(message, "memory exhausted") == 0) {
        if (!ps->depth_reported)
            diag_error(ps->diag, tok->loc, "nested too deeply: at most %d levels are allowed", AST_MAX_DEPTH);
        ps->depth_reported = 1;
        return;
    }
    /* bison says "syntax error, unexpected X" or "syntax error, unexpected X, expecting A or B" */
    static const char unexpected[] = "syntax error, unexpected ", expecting[] = ", expecting ";
    size_t n = sizeof unexpected - 1;
    const char *what = strncmp(message, unexpected, n) == 0 ? message + n : NULL;
    const char *wanted = what ? strstr(what, expecting) : NULL;
    int on_later_line = prev->kind >= 0 && (tok->kind == T_END || tok->loc.line > prev->loc.end_line);
    char text[1024], list[1024], token[256]; /* the message in the diagnostics' language (diag/syntax.c) */
    if (wanted && on_later_line) {
        /* like gcc: the thing missing at the end of a line is reported there, not at the next line's start */
        const char *want = wanted + sizeof expecting - 1;
        diag_error(ps->diag, just_after(prev->loc), "syntax error, expecting %s before %s",
                   diag_token_list(ps->diag, want, strlen(want), list, sizeof list),
                   diag_token_list(ps->diag, what, (size_t)(wanted - what), token, sizeof token));
    } else if (tok->kind == T_END && prev->kind >= 0) {
        diag_error(ps->diag, just_after(prev->loc), "%s", diag_syntax_text(ps->diag, message, text, sizeof text));
    } else {
        diag_error(ps->diag, tok->loc, "%s", diag_syntax_text(ps->diag, message, text, sizeof text));
    }

    if (hint_look_alike(ps, tok) || hint_look_alike(ps, prev))
        return;
    if (tok->kind == '=' && !wanted && ends_operand(prev->kind)) {
        diag_note(ps->diag, tok->loc, "to compare two values, write `==`");
        return;
    }
    if (hint_statement(ps, tok, prev, on_later_line))
        return;
    for (int i = 0; i < 3; i++)
        if (hint_misspelt_keyword(ps, &ps->recent[i]))
            break;
}
