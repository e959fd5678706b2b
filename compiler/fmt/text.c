/* text.c: the formatter's output lines: display widths (CJK counts two), building, comment alignment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void out_of_memory(void)
{
    fputs("polc: out of memory\n", stderr);
    exit(2);
}

/* East Asian wide and fullwidth ranges (the ones a policy meets: CJK, full-width punctuation, Hangul) */
static int wide(unsigned long c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3040 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
           (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

int fmt_width(const char *s, size_t len)
{
    int w = 0;
    for (size_t i = 0; i < len;) {
        unsigned char b = (unsigned char)s[i];
        unsigned long c = b;
        size_t n = 1;
        if (b >= 0xF0)
            c = b & 0x07, n = 4;
        else if (b >= 0xE0)
            c = b & 0x0F, n = 3;
        else if (b >= 0xC0)
            c = b & 0x1F, n = 2;
        for (size_t k = 1; k < n && i + k < len; k++)
            c = (c << 6) | ((unsigned char)s[i + k] & 0x3F);
        i += n;
        w += wide(c) ? 2 : 1;
    }
    return w;
}

static fmt_line *current(fmt_out *o)
{
    if (o->n == 0)
        fmt_newline(o, 0);
    return &o->lines[o->n - 1];
}

void fmt_newline(fmt_out *o, int pad)
{
    if (o->n == o->cap) {
        int cap = o->cap ? o->cap * 2 : 64;
        fmt_line *lines = realloc(o->lines, (size_t)cap * sizeof *lines);
        if (!lines)
            out_of_memory();
        o->lines = lines;
        o->cap = cap;
    }
    o->lines[o->n++] = (fmt_line){0};
    for (int i = 0; i < pad; i++)
        fmt_putn(o, " ", 1);
}

void fmt_blank(fmt_out *o)
{
    fmt_newline(o, 0);
    o->lines[o->n - 1].blank = 1;
}

void fmt_putn(fmt_out *o, const char *s, size_t n)
{
    fmt_line *l = current(o);
    if (l->len + n + 1 > l->cap) {
        size_t cap = l->cap ? l->cap : 64;
        while (cap < l->len + n + 1)
            cap *= 2;
        char *text = realloc(l->text, cap);
        if (!text)
            out_of_memory();
        l->text = text;
        l->cap = cap;
    }
    memcpy(l->text + l->len, s, n);
    l->len += n;
    l->text[l->len] = '\0';
}

void fmt_puts(fmt_out *o, const char *s) { fmt_putn(o, s, strlen(s)); }

int fmt_col(const fmt_out *o)
{
    if (o->n == 0)
        return 0;
    const fmt_line *l = &o->lines[o->n - 1];
    return fmt_width(l->text ? l->text : "", l->len);
}

int fmt_line_indent(const fmt_out *o)
{
    if (o->n == 0)
        return 0;
    const fmt_line *l = &o->lines[o->n - 1];
    int i = 0;
    while ((size_t)i < l->len && l->text[i] == ' ')
        i++;
    return i;
}

void fmt_trailing(fmt_out *o, const char *comment)
{
    fmt_line *l = current(o);
    if (l->comment) { /* a second comment for this line: its own line below, at the line's indentation */
        int pad = fmt_line_indent(o);
        fmt_newline(o, pad);
        fmt_puts(o, comment);
        return;
    }
    l->comment = comment;
}

void fmt_out_free(fmt_out *o)
{
    for (int i = 0; i < o->n; i++)
        free(o->lines[i].text);
    free(o->lines);
    o->lines = NULL;
    o->n = o->cap = 0;
}

static size_t code_len(const fmt_line *l)
{
    size_t n = l->len;
    while (n > 0 && l->text[n - 1] == ' ')
        n--;
    return n;
}

static size_t lead(const fmt_line *l) { return l->text ? strspn(l->text, " ") : 0; }

/* A trailing comment's column: runs of consecutive lines with code, a trailing comment and the same indentation
 * line their comments up two columns after the longest code of the run. */
static int *comment_columns(const fmt_out *o)
{
    int *cols = calloc((size_t)o->n + 1, sizeof *cols);
    if (!cols)
        out_of_memory();
    for (int i = 0; i < o->n;) {
        const fmt_line *l = &o->lines[i];
        if (!l->comment || code_len(l) == 0) {
            i++;
            continue;
        }
        int j = i, align = 0;
        while (j < o->n && o->lines[j].comment && code_len(&o->lines[j]) > 0 && lead(&o->lines[j]) == lead(l)) {
            int w = fmt_width(o->lines[j].text, code_len(&o->lines[j]));
            if (w > align)
                align = w;
            j++;
        }
        for (int k = i; k < j; k++)
            cols[k] = align + 2;
        i = j;
    }
    return cols;
}

char *fmt_render(const fmt_out *o, size_t *len)
{
    int *cols = comment_columns(o);
    size_t size = 1;
    for (int i = 0; i < o->n; i++)
        size += o->lines[i].len + (o->lines[i].comment ? strlen(o->lines[i].comment) : 0) + (size_t)cols[i] + 2;
    char *buf = malloc(size);
    if (!buf)
        out_of_memory();
    size_t n = 0;
    for (int i = 0; i < o->n; i++) {
        const fmt_line *l = &o->lines[i];
        size_t code = code_len(l);
        if (code)
            memcpy(buf + n, l->text, code), n += code;
        if (l->comment) {
            if (code)
                for (int pad = cols[i] - fmt_width(l->text, code); pad > 0; pad--)
                    buf[n++] = ' ';
            else
                for (size_t pad = lead(l); pad > 0; pad--)
                    buf[n++] = ' ';
            size_t cl = strlen(l->comment);
            memcpy(buf + n, l->comment, cl);
            n += cl;
        }
        buf[n++] = '\n';
    }
    buf[n] = '\0';
    *len = n;
    free(cols);
    return buf;
}
