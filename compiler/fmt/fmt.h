/* fmt.h: polc fmt, the canonical layout of a .pol source (doc/language.md, "Canonical layout"), and the
 * comparison of two compiled programs with their provenance (source hash, lines, rule texts) masked. */
#ifndef POL_FMT_H
#define POL_FMT_H

#include <stddef.h>

#include "diag.h"
#include "program.h"

/* Format one source. On success returns 0 and sets *out (malloc'd, NUL-terminated) and *outlen. Returns 1 when
 * the source has lexical or syntax errors (reported through diag; nothing is formatted), 2 when out of memory. */
int fmt_source(const char *path, const char *text, size_t len, diag_ctx *diag, char **out, size_t *outlen);

/* Whether two programs are the same code: every table, instruction and string they use is equal, except the
 * provenance fields: the source SHA-256, rule lines and rule texts, entity lines and the source map's lines.
 * Strings are compared by content (rule texts change the string table's numbering). 1 when the same; 0 when
 * not, with the first difference described in why. */
int fmt_same_code(const polP_program *a, const polP_program *b, char *why, size_t whylen);

/* A source compiled in memory: the program lives in the tree's arena until fmt_compiled_free. */
typedef struct fmt_compiled {
    struct ast_tree *tree;
    struct check_result *checked;
    polP_program *program;
} fmt_compiled;
/* 0 compiled, 1 errors in the source (reported through diag), 2 out of memory */
int fmt_compile(const char *path, const char *text, size_t len, diag_ctx *diag, fmt_compiled *out);
void fmt_compiled_free(fmt_compiled *c);

/* polc fmt [-w | --check] FILE...; setup (may be NULL) applies polc's --lang/--werror to each diag */
int fmt_command(int argc, char **argv, void (*setup)(diag_ctx *));
/* polc --same-code A.pbc B.pbc: 0 same code, 1 different, 2 unreadable */
int fmt_same_code_command(const char *a_path, const char *b_path);

#endif
