/* json_write.c: a decision, or a line's error object, -> one compact JSON object through yajl_gen. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"

/* Ends one object: 1 when every generator call succeeded and out could hold it all; else out is cut back. */
static int finish(pol_json_buffer *out, size_t start, int ok) {
    if (ok && !out->failed) return 1;
    out->length = start;
    if (out->data != NULL) out->data[start] = '\0';
    return 0;
}

static int gen_text(yajl_gen g, const char *text, size_t len) {
    if (text == NULL) return yajl_gen_null(g) == yajl_gen_status_ok;
    return yajl_gen_string(g, (const unsigned char *)text, len) == yajl_gen_status_ok;
}

static int gen_cstr(yajl_gen g, const char *text) { return gen_text(g, text, text != NULL ? strlen(text) : 0); }

/* The shortest of %.15g .. %.17g that reads back as the same double, with '.' whatever the locale; ".0"
 * added to a whole number so it still reads as a number, not an integer. */
static int gen_number(pol_json_reader *r, double value) {
    if (!isfinite(value)) return yajl_gen_null(r->gen) == yajl_gen_status_ok;
    char text[40];
    int n = 0;
    locale_t previous = r->c_locale != (locale_t)0 ? uselocale(r->c_locale) : (locale_t)0;
    for (int precision = 15; precision <= 17; precision++) {
        n = snprintf(text, sizeof text - 2, "%.*g", precision, value);
        if (strtod(text, NULL) == value) break;
    }
    if (previous != (locale_t)0) uselocale(previous);
    if (strspn(text, "-0123456789") == (size_t)n) {
        memcpy(text + n, ".0", 3);
        n += 2;
    }
    return yajl_gen_number(r->gen, text, (size_t)n) == yajl_gen_status_ok;
}

static int gen_value(pol_json_reader *r, const pol_value *v) {
    yajl_gen g = r->gen;
    switch (v->type) {
    case POL_T_BOOL: return yajl_gen_bool(g, v->boolean) == yajl_gen_status_ok;
    case POL_T_INT: return yajl_gen_integer(g, (long long)v->integer) == yajl_gen_status_ok;
    case POL_T_NUMBER: return gen_number(r, v->number);
    case POL_T_DATE: {
        char text[40];
        int n = v->minute >= 0 ? snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d", v->year, v->month, v->day,
                                          v->minute / 60, v->minute % 60)
                               : snprintf(text, sizeof text, "%04d-%02d-%02d", v->year, v->month, v->day);
        return gen_text(g, text, (size_t)n);
    }
    case POL_T_STRING:
    case POL_T_ENUM:
    case POL_T_ENTITY: return gen_text(g, v->string, v->length);
    default: return yajl_gen_null(g) == yajl_gen_status_ok; /* null, and lists (no output is one) */
    }
}

static void begin(pol_json_reader *r, pol_json_buffer *out) {
    r->out = out;
    yajl_gen_reset(r->gen, NULL); /* a fresh top-level value, reusing the generator */
}

pol_status pol_json_write_decision(pol_json_reader *r, const pol_context *ctx, pol_json_buffer *out) {
    yajl_gen g = r->gen;
    size_t start = out->length;
    pol_status st = POL_OK;
    begin(r, out);
    int ok = yajl_gen_map_open(g) == yajl_gen_status_ok;
    for (int i = 0; ok && i < r->noutputs; i++) {
        pol_value v;
        if ((st = pol_output(ctx, i, &v)) != POL_OK) break;
        ok = gen_text(g, r->output_names[i], r->output_lengths[i]) && gen_value(r, &v);
    }
    size_t count = pol_finding_count(ctx);
    ok = ok && st == POL_OK && gen_cstr(g, "findings") && yajl_gen_array_open(g) == yajl_gen_status_ok;
    for (size_t i = 0; ok && i < count; i++) {
        pol_finding f;
        if ((st = pol_finding_get(ctx, i, &f)) != POL_OK) break;
        ok = yajl_gen_map_open(g) == yajl_gen_status_ok && gen_cstr(g, "clause") &&
             gen_cstr(g, f.clause != NULL && f.clause[0] != '\0' ? f.clause : NULL) && gen_cstr(g, "kind") &&
             gen_cstr(g, pol_finding_kind_name(f.kind)) && gen_cstr(g, "message") &&
             gen_text(g, f.message, f.message_length) && yajl_gen_map_close(g) == yajl_gen_status_ok;
    }
    ok = ok && st == POL_OK && yajl_gen_array_close(g) == yajl_gen_status_ok &&
         yajl_gen_map_close(g) == yajl_gen_status_ok;
    if (finish(out, start, ok)) return POL_OK;
    if (st != POL_OK) {
        r->error = pol_context_error(ctx);
        if (r->error == NULL || r->error[0] == '\0') r->error = pol_status_name(st);
        return st;
    }
    if (out->failed) {
        r->error = "out of memory";
        return POL_ERR_NOMEM;
    }
    /* the generator refused a string: the library handed over text that is not UTF-8 */
    r->error = "the decision holds text that is not valid UTF-8";
    return POL_ERR_RUNTIME;
}

pol_status pol_json_write_error(pol_json_reader *r, size_t line_no, const char *id, size_t id_len,
                                const char *message, pol_json_buffer *out) {
    yajl_gen g = r->gen;
    size_t start = out->length;
    begin(r, out);
    int ok = yajl_gen_map_open(g) == yajl_gen_status_ok && gen_cstr(g, "line") &&
             yajl_gen_integer(g, (long long)line_no) == yajl_gen_status_ok && gen_cstr(g, "id") &&
             gen_text(g, id, id_len) && gen_cstr(g, "error");
    /* a message that is not UTF-8 (it cannot come from this layer) still yields a valid line */
    ok = ok && (gen_cstr(g, message) || gen_cstr(g, "(message not valid UTF-8)"));
    ok = ok && yajl_gen_map_close(g) == yajl_gen_status_ok;
    if (finish(out, start, ok)) return POL_OK;
    return out->failed ? POL_ERR_NOMEM : POL_ERR_RUNTIME;
}
