/* json_gen.c: yajl_gen into a pol_json_buffer (json_gen.h), for program facts, schemas and explanations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "json_gen.h"

/* Room for what a schema or a long trace writes without spilling; yajl's own state is a few KiB. */
#define GEN_RESERVE (32u * 1024u)

static void print_to_buffer(void *ctx, const char *text, size_t len) {
    polJ_gen *w = ctx;
    polJ_buffer_append(w->out, text, len);
}

int polJ_gen_open(polJ_gen *w, pol_json_buffer *out) {
    memset(w, 0, sizeof *w);
    w->out = out;
    w->start = out->length;
    w->ok = !out->failed;
    polJ_arena_init(&w->arena, out->alloc, out->alloc_ud);
    if (!polJ_arena_reserve(&w->arena, GEN_RESERVE)) return 0;
    polJ_arena_funcs(&w->arena, &w->funcs);
    w->g = yajl_gen_alloc(&w->funcs);
    if (w->g == NULL) {
        polJ_arena_free(&w->arena);
        return 0;
    }
    yajl_gen_config(w->g, yajl_gen_print_callback, print_to_buffer, w);
    yajl_gen_config(w->g, yajl_gen_validate_utf8, 1);
    return 1;
}

pol_status polJ_gen_close(polJ_gen *w) {
    pol_status st = POL_OK;
    if (w->out->failed || w->arena.failed) st = POL_ERR_NOMEM;
    else if (!w->ok) st = POL_ERR_RUNTIME;
    yajl_gen_free(w->g);
    polJ_arena_free(&w->arena);
    if (st != POL_OK && !w->out->failed) {
        w->out->length = w->start;
        polJ_buffer_terminate(w->out);
    }
    return st;
}

static void check(polJ_gen *w, yajl_gen_status s) {
    if (s != yajl_gen_status_ok) w->ok = 0;
}

void polJ_gen_map(polJ_gen *w, int open) { check(w, open ? yajl_gen_map_open(w->g) : yajl_gen_map_close(w->g)); }
void polJ_gen_array(polJ_gen *w, int open) {
    check(w, open ? yajl_gen_array_open(w->g) : yajl_gen_array_close(w->g));
}
void polJ_gen_null(polJ_gen *w) { check(w, yajl_gen_null(w->g)); }
void polJ_gen_bool(polJ_gen *w, int value) { check(w, yajl_gen_bool(w->g, value != 0)); }
void polJ_gen_int(polJ_gen *w, long long value) { check(w, yajl_gen_integer(w->g, value)); }

void polJ_gen_text(polJ_gen *w, const char *text, size_t len) {
    if (text == NULL) polJ_gen_null(w);
    else check(w, yajl_gen_string(w->g, (const unsigned char *)text, len));
}

void polJ_gen_cstr(polJ_gen *w, const char *text) { polJ_gen_text(w, text, text != NULL ? strlen(text) : 0); }

void polJ_gen_raw(polJ_gen *w, const char *json, size_t len) {
    check(w, yajl_gen_number(w->g, json, len)); /* yajl copies a number's text as it is */
}

/* The shortest of %.15g .. %.17g that reads back as the same double, ".0" on a whole number: as a decision
 * writes numbers (json_write.c), so a value reads the same in a decision and in its explanation. */
static void gen_number(polJ_gen *w, double value) {
    if (!isfinite(value)) {
        polJ_gen_null(w);
        return;
    }
    char text[40];
    int n = 0;
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t previous = c != (locale_t)0 ? uselocale(c) : (locale_t)0;
    for (int precision = 15; precision <= 17; precision++) {
        n = snprintf(text, sizeof text - 2, "%.*g", precision, value);
        if (strtod(text, NULL) == value) break;
    }
    if (previous != (locale_t)0) uselocale(previous);
    if (c != (locale_t)0) freelocale(c);
    if (n > 0 && strspn(text, "-0123456789") == (size_t)n) {
        memcpy(text + n, ".0", 3);
        n += 2;
    }
    check(w, yajl_gen_number(w->g, text, (size_t)n));
}

static void gen_date(polJ_gen *w, const pol_value *v) {
    char text[40];
    int n = v->minute >= 0 ? snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d", v->year, v->month, v->day,
                                      v->minute / 60, v->minute % 60)
                           : snprintf(text, sizeof text, "%04d-%02d-%02d", v->year, v->month, v->day);
    polJ_gen_text(w, text, n > 0 ? (size_t)n : 0);
}

void polJ_gen_value(polJ_gen *w, const pol_value *v) {
    switch (v->type) {
    case POL_T_BOOL: polJ_gen_bool(w, v->boolean); break;
    case POL_T_INT: polJ_gen_int(w, (long long)v->integer); break;
    case POL_T_NUMBER: gen_number(w, v->number); break;
    case POL_T_DATE: gen_date(w, v); break;
    case POL_T_STRING:
    case POL_T_ENUM:
    case POL_T_ENTITY: polJ_gen_text(w, v->string != NULL ? v->string : "", v->length); break;
    default: polJ_gen_null(w); break;
    }
}
