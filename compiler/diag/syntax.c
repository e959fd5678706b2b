/* syntax.c: bison's syntax error messages rebuilt from their pieces in the diagnostics' language: the
 * unexpected token, the expected ones ("A or B or C"), each token name translated (keywords stay as written). */
#include <stdio.h>
#include <string.h>

#include "diag.h"

/* One token name (n bytes) into buf at *used, translated when the catalogue has it */
static void put_token(const diag_ctx *d, const char *name, size_t n, char *buf, size_t size, size_t *used)
{
    char one[128];
    if (n >= sizeof one)
        n = sizeof one - 1;
    memcpy(one, name, n);
    one[n] = '\0';
    int w = snprintf(buf + *used, size - *used, "%s", diag_tr(d, one));
    *used += w < 0 ? 0 : (size_t)w;
    if (*used >= size)
        *used = size - 1;
}

const char *diag_token_list(const diag_ctx *d, const char *list, size_t len, char *buf, size_t size)
{
    static const char sep[] = " or ";
    size_t used = 0;
    buf[0] = '\0';
    const char *p = list, *end = list + len;
    while (p < end) {
        const char *next = NULL;
        for (const char *q = p; q + sizeof sep - 1 <= end; q++)
            if (memcmp(q, sep, sizeof sep - 1) == 0) {
                next = q;
                break;
            }
        put_token(d, p, (size_t)((next ? next : end) - p), buf, size, &used);
        if (!next)
            break;
        put_token(d, sep, sizeof sep - 1, buf, size, &used);
        p = next + sizeof sep - 1;
    }
    return buf;
}

const char *diag_syntax_text(const diag_ctx *d, const char *message, char *buf, size_t size)
{
    static const char unexpected[] = "syntax error, unexpected ", expecting[] = ", expecting ";
    size_t n = sizeof unexpected - 1;
    if (strncmp(message, unexpected, n) != 0) {
        snprintf(buf, size, "%s", diag_tr(d, message));
        return buf;
    }
    const char *what = message + n;
    const char *wanted = strstr(what, expecting);
    char token[256], list[1024];
    diag_token_list(d, what, wanted ? (size_t)(wanted - what) : strlen(what), token, sizeof token);
    if (!wanted) {
        snprintf(buf, size, diag_tr(d, "syntax error, unexpected %s"), token);
        return buf;
    }
    wanted += sizeof expecting - 1;
    diag_token_list(d, wanted, strlen(wanted), list, sizeof list);
    snprintf(buf, size, diag_tr(d, "syntax error, unexpected %s, expecting %s"), token, list);
    return buf;
}
