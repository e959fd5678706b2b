/* fmt.c: polc fmt's entry point: parse (comments kept on the side), lay out, render. */
#include <stdlib.h>

#include "fmt.h"
#include "internal.h"
#include "parse.h"

int fmt_source(const char *path, const char *text, size_t len, diag_ctx *diag, char **out, size_t *outlen)
{
    ast_tree *tree = parse_source(path, text, len, diag);
    if (!tree)
        return 2;
    if (diag_error_count(diag) > 0) {
        ast_tree_free(tree);
        return 1; /* a broken file is not reformatted: its comments and tokens might not be where they seem */
    }
    fmt_out lines = {0};
    fmt_layout(&lines, tree, text, len);
    *out = fmt_render(&lines, outlen);
    fmt_out_free(&lines);
    ast_tree_free(tree);
    return 0;
}
