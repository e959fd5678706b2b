/* try_text.c: the /try answers' text buffer and JSON string escaping (try_text.h). */
#include "try_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int reserve(try_text *t, size_t extra)
{
    if (t->failed)
        return 0;
    if (t->length + extra + 1 <= t->capacity)
        return 1;
    size_t capacity = t->capacity ? t->capacity : 256;
    while (capacity < t->length + extra + 1) {
        if (capacity > ((size_t)-1) / 2) {
            t->failed = 1;
            return 0;
        }
        capacity *= 2;
    }
    char *grown = realloc(t->data, capacity);
    if (!grown) {
        t->failed = 1;
        return 0;
    }
    t->data = grown;
    t->capacity = capacity;
    return 1;
}

void try_text_free(try_text *t)
{
    free(t->data);
    memset(t, 0, sizeof *t);
}

void try_text_append(try_text *t, const char *bytes, size_t len)
{
    if (!reserve(t, len))
        return;
    memcpy(t->data + t->length, bytes, len);
    t->length += len;
    t->data[t->length] = '\0';
}

void try_text_puts(try_text *t, const char *s) { try_text_append(t, s, strlen(s)); }

void try_text_printf(try_text *t, const char *format, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(small, sizeof small, format, ap);
    va_end(ap);
    if (n < 0) {
        t->failed = 1;
        return;
    }
    if ((size_t)n < sizeof small) {
        try_text_append(t, small, (size_t)n);
        return;
    }
    if (!reserve(t, (size_t)n))
        return;
    va_start(ap, format);
    vsnprintf(t->data + t->length, (size_t)n + 1, format, ap);
    va_end(ap);
    t->length += (size_t)n;
}

/* length of the valid UTF-8 sequence at s (1-4), or 0 when it is not one */
static size_t utf8_sequence(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t n;
    unsigned long cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    /* overlong forms, surrogates and code points past U+10FFFF are not UTF-8 */
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void try_text_json_string(try_text *t, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    try_text_append(t, "\"", 1);
    size_t run = 0; /* bytes at p - run .. p that need no escape, copied in one go */
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        size_t n = utf8_sequence(p + i, len - i);
        if (n >= 1 && c != '"' && c != '\\' && c >= 0x20 && c != 0x7F) {
            run += n;
            i += n;
            continue;
        }
        try_text_append(t, (const char *)p + i - run, run);
        run = 0;
        if (n == 0)
            try_text_append(t, "\xEF\xBF\xBD", 3);
        else if (c == '"')
            try_text_append(t, "\\\"", 2);
        else if (c == '\\')
            try_text_append(t, "\\\\", 2);
        else if (c == '\n')
            try_text_append(t, "\\n", 2);
        else if (c == '\t')
            try_text_append(t, "\\t", 2);
        else if (c == '\r')
            try_text_append(t, "\\r", 2);
        else
            try_text_printf(t, "\\u%04x", c);
        i += n ? n : 1;
    }
    try_text_append(t, (const char *)p + len - run, run);
    try_text_append(t, "\"", 1);
}

void try_text_key(try_text *t, const char *key, int first)
{
    if (!first)
        try_text_append(t, ",", 1);
    try_text_json_string(t, key, strlen(key));
    try_text_append(t, ":", 1);
}
