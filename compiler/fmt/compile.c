/* compile.c: a source text compiled in memory (for polc fmt's meaning check and polc test). */
#include <stdlib.h>

#include "check.h"
#include "emit.h"
#include "format.h"
#include "fmt.h"
#include "parse.h"

int fmt_compile(const char *path, const char *text, size_t len, diag_ctx *diag, fmt_compiled *out)
{
    *out = (fmt_compiled){0};
    out->tree = parse_source(path, text, len, diag);
    if (!out->tree)
        return 2;
    if (diag_error_count(diag) == 0)
        out->checked = check_tree(out->tree, diag, text, len);
    if (!out->checked || diag_error_count(diag) > 0)
        return 1;
    uint8_t sha[32];
    polF_source_digest(text, len, sha);
    out->program = emit_program(out->checked, sha);
    return out->program ? 0 : 2;
}

void fmt_compiled_free(fmt_compiled *c)
{
    check_free(c->checked);
    ast_tree_free(c->tree);
    *c = (fmt_compiled){0};
}
