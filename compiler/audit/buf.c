/* buf.c: poldiff's growing text buffer, JSON string escaping, and allocation that stops the command on failure. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

void *audit_xmalloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p) {
        fputs("poldiff: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

char *audit_strdup(const char *s)
{
    size_t n = strlen(s);
    char *d = audit_xmalloc(n + 1);
    memcpy(d, s, n);
    return d;
}

static void reserve(audit_buf *b, size_t more)
{
    if (b->n + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 128;
    while (cap < b->n + more + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        fputs("poldiff: out of memory\n", stderr);
        exit(2);
    }
    b->s = s;
    b->cap = cap;
}

void audit_putn(audit_buf *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

void audit_puts(audit_buf *b, const char *s) { audit_putn(b, s, strlen(s)); }

void audit_printf(audit_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}

void audit_json_string(audit_buf *b, const char *s)
{
    audit_putn(b, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        switch (*c) {
        case '"': audit_puts(b, "\\\""); break;
        case '\\': audit_puts(b, "\\\\"); break;
        case '\n': audit_puts(b, "\\n"); break;
        case '\t': audit_puts(b, "\\t"); break;
        case '\r': audit_puts(b, "\\r"); break;
        default:
            if (*c < 0x20)
                audit_printf(b, "\\u%04x", *c);
            else
                audit_putn(b, (const char *)c, 1);
        }
    }
    audit_putn(b, "\"", 1);
}

char *audit_take(audit_buf *b)
{
    char *s = b->s ? b->s : audit_strdup("");
    b->s = NULL;
    b->n = b->cap = 0;
    return s;
}

void audit_buf_free(audit_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->n = b->cap = 0;
}
