/* trace_text.c: pol_trace_event_text: one trace event as one readable line (the format of doc/explain.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pol.h"

typedef struct line_out {
    char *buf;
    size_t size;    /* bytes buf holds, the NUL included */
    size_t written; /* bytes in buf */
    int cut;        /* buf is full: nothing more is written */
    size_t len;     /* bytes the whole line needs */
} line_out;

static void put(line_out *o, const char *s, size_t n)
{
    if (!o->cut && o->size > 0) {
        size_t room = o->size - 1 - o->written, k = n;
        if (k > room) {
            k = room;
            while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
                k--; /* cut at a character boundary */
            o->cut = 1;
        }
        memcpy(o->buf + o->written, s, k);
        o->written += k;
    }
    o->len += n;
}

static void puts_(line_out *o, const char *s) { put(o, s, strlen(s)); }

static void put_value(line_out *o, const pol_value *v)
{
    char tmp[64];
    int n = 0;
    switch (v->type) {
    case POL_T_NULL:
        puts_(o, "null");
        return;
    case POL_T_BOOL:
        puts_(o, v->boolean ? "true" : "false");
        return;
    case POL_T_INT:
        n = snprintf(tmp, sizeof tmp, "%" PRId64, v->integer);
        break;
    case POL_T_NUMBER:
        n = snprintf(tmp, sizeof tmp, "%.15g", v->number);
        break;
    case POL_T_DATE:
        if (v->minute >= 0)
            n = snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d", v->year, v->month, v->day, v->minute / 60,
                         v->minute % 60);
        else
            n = snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", v->year, v->month, v->day);
        break;
    case POL_T_STRING:
        puts_(o, "\"");
        put(o, v->string ? v->string : "", v->string ? v->length : 0);
        puts_(o, "\"");
        return;
    case POL_T_ENUM:
    case POL_T_ENTITY:
        put(o, v->string ? v->string : "", v->string ? v->length : 0);
        return;
    case POL_T_LIST:
        n = snprintf(tmp, sizeof tmp, "(%" PRId64 " elements)", v->integer);
        break;
    }
    if (n > 0)
        put(o, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void put_read(line_out *o, const pol_trace_read *r)
{
    puts_(o, r->name);
    puts_(o, " = ");
    put_value(o, &r->value);
    if (r->test) {
        puts_(o, " (");
        puts_(o, r->test);
        puts_(o, ")");
    }
}

/* The element a read belongs to ("ce[2]" of "ce[2].hours"): its length, or 0 for a read of no element. */
static size_t element_prefix(const pol_trace_read *r)
{
    if (r->kind != POL_READ_ELEMENT)
        return 0;
    const char *end = strchr(r->name, ']');
    return end ? (size_t)(end - r->name) + 1 : 0;
}

static size_t reads_of_element(const pol_trace_event *ev, int iteration, const char *name, size_t prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < ev->nreads; i++)
        if (ev->reads[i].iteration == iteration && element_prefix(&ev->reads[i]) == prefix &&
            strncmp(ev->reads[i].name, name, prefix) == 0)
            n++;
    return n;
}

/* The reads of one pass (or, for -1, outside any pass), "a = 1, b = 2"; with o NULL only whether there are
 * any. An element of which only one field was read (the first test of a where, which failed) is left out:
 * the library's event still has it. */
static int put_reads(line_out *o, const pol_trace_event *ev, int iteration)
{
    int any = 0;
    for (size_t i = 0; i < ev->nreads; i++) {
        const pol_trace_read *r = &ev->reads[i];
        if (r->iteration != iteration)
            continue;
        size_t prefix = element_prefix(r);
        if (iteration >= 0 && prefix && reads_of_element(ev, iteration, r->name, prefix) < 2)
            continue;
        if (!o)
            return 1;
        if (any)
            puts_(o, ", ");
        put_read(o, r);
        any = 1;
    }
    return any;
}

static void put_passes(line_out *o, const pol_trace_event *ev)
{
    int loop = -1;
    char tmp[48];
    for (size_t i = 0; i < ev->niterations; i++) {
        const pol_trace_iteration *it = &ev->iterations[i];
        if (it->loop != loop) {
            loop = it->loop;
            puts_(o, "; each: ");
        } else {
            puts_(o, ", ");
        }
        int n = it->list ? snprintf(tmp, sizeof tmp, "[%" PRId64 "]", it->item)
                         : snprintf(tmp, sizeof tmp, "%" PRId64, it->item);
        if (it->list)
            puts_(o, it->list);
        if (n > 0)
            put(o, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
        puts_(o, it->selected ? " \xe2\x9c\x93" : " \xe2\x9c\x97" /* ✓ ✗ */);
        if (put_reads(NULL, ev, (int)i)) {
            puts_(o, " (");
            put_reads(o, ev, (int)i);
            puts_(o, ")");
        }
    }
}

size_t pol_trace_event_text(const pol_trace_event *ev, char *buf, size_t size)
{
    line_out o = {buf, buf ? size : 0, 0, 0, 0};
    char tmp[32];
    if (!ev) {
        if (o.size > 0)
            buf[0] = '\0';
        return 0;
    }
    puts_(&o, ev->clause && ev->clause[0] ? ev->clause : "-");
    int n = snprintf(tmp, sizeof tmp, " line %d ", ev->line);
    if (n > 0)
        put(&o, tmp, (size_t)n);
    puts_(&o, pol_rule_kind_name(ev->kind));
    if (ev->kind == POL_RULE_LET || ev->kind == POL_RULE_OUTPUT) {
        puts_(&o, " ");
        puts_(&o, ev->name ? ev->name : "?");
        puts_(&o, " = ");
        put_value(&o, &ev->value);
    } else if (ev->fired) {
        puts_(&o, " FIRED");
        if (ev->kind == POL_RULE_ROUTE && ev->name) {
            puts_(&o, " -> ");
            puts_(&o, ev->name);
        }
    } else {
        puts_(&o, " not fired");
    }
    if (put_reads(NULL, ev, -1)) {
        puts_(&o, ": ");
        put_reads(&o, ev, -1);
    }
    put_passes(&o, ev);
    if (ev->dropped_reads) {
        n = snprintf(tmp, sizeof tmp, " (+%zu reads)", ev->dropped_reads);
        if (n > 0)
            put(&o, tmp, (size_t)n);
    }
    if (o.size > 0)
        buf[o.written] = '\0';
    return o.len;
}
