/* json_read.c: one JSON record -> a context's slots, straight from yajl's SAX events, with no tree in between.
 * pol_json_bind (json_bind.c) tries simdjson first; this reader decides the records simdjson declines, so every
 * error is found and worded here ("invalid JSON at byte N: <yajl's reason>").
 *
 * The reader keeps a stack of the objects and arrays it binds (the record, a list, an element of it); any
 * other value is skipped by depth counting. After the first error nothing more is bound: parsing goes on
 * only until the top-level "id" has gone by, so the error object can name the record. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"

typedef enum event { EV_NULL, EV_BOOL, EV_NUMBER, EV_STRING, EV_MAP, EV_ARRAY } event;

static const char out_of_memory[] = "out of memory";

/* reader->error := a copy of text, or "out of memory" when even that fails */
static void set_error(pol_json_reader *r, const char *text, size_t len) {
    polJ_buffer_set(&r->message, text, len);
    r->error = r->message.failed ? out_of_memory : r->message.data;
}

static void append_text(pol_json_buffer *b, const char *text) { polJ_buffer_append(b, text, strlen(text)); }

static void append_index(pol_json_buffer *b, uint32_t index) {
    char digits[16];
    int n = snprintf(digits, sizeof digits, "[%lu]", (unsigned long)index);
    polJ_buffer_append(b, digits, (size_t)n);
}

/* The first error of the record: "<path>: <what>", the path naming field under the current frames
 * (ce[2].hours), or the element being started when field is NULL inside a list (ce[2]). */
static void fail_at(pol_json_reader *r, const polJ_field *field, pol_status status, const char *what) {
    if (r->status != POL_OK) return;
    r->status = status;
    pol_json_buffer *m = &r->message;
    polJ_buffer_set(m, "", 0);
    for (size_t i = 1; i < r->depth; i++) {
        const polJ_frame *f = &r->frames[i];
        if (f->kind == POLJ_LIST) {
            if (m->length > 0) append_text(m, ".");
            polJ_buffer_append(m, f->list->name, f->list->length);
        } else {
            append_index(m, f->index);
        }
    }
    if (field != NULL) {
        if (m->length > 0) append_text(m, ".");
        polJ_buffer_append(m, field->name, field->length);
    } else if (r->depth > 0 && r->frames[r->depth - 1].kind == POLJ_LIST) {
        append_index(m, r->frames[r->depth - 1].index);
    }
    append_text(m, ": ");
    append_text(m, what);
    r->error = m->failed ? out_of_memory : m->data;
}

/* A setter refused the value: its message already names the field. */
static void fail_library(pol_json_reader *r, pol_status status) {
    if (r->status != POL_OK) return;
    r->status = status;
    r->error = pol_context_error(r->ctx);
    if (r->error == NULL || r->error[0] == '\0') r->error = status == POL_ERR_NOMEM ? out_of_memory : pol_status_name(status);
}

static void fail_nomem(pol_json_reader *r) {
    if (r->status != POL_OK) return;
    r->status = POL_ERR_NOMEM;
    r->error = out_of_memory;
}

/* 1: go on parsing; 0: stop (yajl_status_client_canceled), once an error is known and so is the id. */
static int go_on(const pol_json_reader *r) { return r->status == POL_OK || !r->id_done; }

static int push(pol_json_reader *r, polJ_frame_kind kind, polJ_table *table, const polJ_field *list,
                uint32_t index) {
    if (r->depth == r->frames_capacity) {
        size_t want = r->frames_capacity == 0 ? 8 : 2 * r->frames_capacity;
        polJ_frame *grown = r->fn(r->ud, r->frames, r->frames_capacity * sizeof *grown, want * sizeof *grown);
        if (grown == NULL) {
            fail_nomem(r);
            return 0;
        }
        r->frames = grown;
        r->frames_capacity = want;
    }
    polJ_frame *f = &r->frames[r->depth++];
    f->kind = kind;
    f->table = table;
    f->list = list;
    f->index = index;
    f->stamp = ++r->stamp;
    r->target = NULL;
    return 1;
}

static const char *expectation(pol_type type) {
    switch (type) {
    case POL_T_BOOL: return "expected a bool";
    case POL_T_INT: return "expected an integer";
    case POL_T_NUMBER: return "expected a number";
    case POL_T_DATE: return "expected a date";
    case POL_T_LIST: return "expected a list";
    default: return "expected a string"; /* string, enum and entity values are JSON strings */
    }
}

/* A JSON integer token (no fraction, no exponent) that fits int64_t. */
int polJ_parse_int(const char *text, size_t len, int64_t *out) {
    size_t i = 0;
    int negative = len > 0 && text[0] == '-';
    if (negative) i = 1;
    if (i == len) return 0;
    uint64_t value = 0;
    if (len - i <= 18) { /* 18 digits cannot overflow: no check per digit (most record numbers have 1 to 4) */
        for (; i < len; i++) {
            unsigned digit = (unsigned char)text[i] - '0';
            if (digit > 9) return 0;
            value = value * 10 + digit;
        }
        *out = negative ? -(int64_t)value : (int64_t)value;
        return 1;
    }
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    for (; i < len; i++) {
        unsigned digit = (unsigned char)text[i] - '0';
        if (digit > 9) return 0;
        if (value > (limit - digit) / 10) return 0;
        value = value * 10 + digit;
    }
    *out = negative ? (value == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)value) : (int64_t)value;
    return 1;
}

/* A JSON number token with a fraction, at most 15 digits and no exponent (30.1, -0.25), as m / 10^k: m and
 * 10^k are exact doubles, so the one division rounds correctly and gives the double strtod gives (the fast
 * path of Clinger's algorithm). 0 for any other token. */
static int parse_decimal(const char *text, size_t len, double *out) {
    static const double powers_of_ten[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                           1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    size_t i = len > 0 && text[0] == '-' ? 1 : 0;
    uint64_t m = 0;
    int digits = 0, fraction = -1; /* digits after the '.', -1 before it */
    for (; i < len; i++) {
        unsigned digit = (unsigned char)text[i] - '0';
        if (digit <= 9) {
            m = m * 10 + digit;
            digits++;
            if (fraction >= 0) fraction++;
        } else if (text[i] == '.' && fraction < 0) {
            fraction = 0;
        } else {
            return 0; /* an exponent */
        }
    }
    if (fraction < 0 || digits > 15) return 0;
    double value = (double)m / powers_of_ten[fraction];
    *out = text[0] == '-' ? -value : value;
    return 1;
}

/* A JSON number token as a finite double, read with '.' as the decimal point whatever the locale. */
int polJ_parse_number(pol_json_reader *r, const char *text, size_t len, double *out) {
    int64_t whole;
    if (polJ_parse_int(text, len, &whole) && whole >= -(INT64_C(1) << 53) && whole <= (INT64_C(1) << 53)) {
        *out = (double)whole; /* exact: most numbers in records are whole, and strtod is slow */
        return 1;
    }
    if (parse_decimal(text, len, out)) return 1;
    polJ_buffer_set(&r->scratch, text, len);
    if (r->scratch.failed) return -1;
    locale_t previous = r->c_locale != (locale_t)0 ? uselocale(r->c_locale) : (locale_t)0;
    errno = 0;
    char *end;
    double value = strtod(r->scratch.data, &end);
    int range_error = errno == ERANGE;
    if (previous != (locale_t)0) uselocale(previous);
    if (end != r->scratch.data + len || (range_error && isinf(value)) || !isfinite(value)) return 0;
    *out = value;
    return 1;
}

/* The value of a field the program knows. */
static int bind_field(pol_json_reader *r, const polJ_field *field, event ev, const char *text, size_t len,
                      int boolean) {
    pol_status st = POL_OK;
    int fits = 1;
    if (ev == EV_NULL) return 1; /* null means absent: the field keeps its default */
    switch (field->type) {
    case POL_T_BOOL:
        if ((fits = ev == EV_BOOL)) st = pol_set_bool(r->ctx, field->slot, boolean);
        break;
    case POL_T_INT: {
        int64_t value;
        if ((fits = ev == EV_NUMBER && polJ_parse_int(text, len, &value))) st = pol_set_int(r->ctx, field->slot, value);
        break;
    }
    case POL_T_NUMBER: {
        double value;
        int parsed = ev == EV_NUMBER ? polJ_parse_number(r, text, len, &value) : 0;
        if (parsed < 0) {
            fail_nomem(r);
            return 0;
        }
        if ((fits = parsed)) st = pol_set_number(r->ctx, field->slot, value);
        break;
    }
    case POL_T_DATE:
        if ((fits = ev == EV_STRING)) st = pol_set_date_string(r->ctx, field->slot, text, len);
        break;
    case POL_T_STRING:
        if ((fits = ev == EV_STRING)) st = pol_set_string(r->ctx, field->slot, text, len);
        break;
    case POL_T_ENUM:
    case POL_T_ENTITY:
        if ((fits = ev == EV_STRING)) st = pol_set_enum(r->ctx, field->slot, text, len);
        break;
    case POL_T_LIST:
        if ((fits = ev == EV_ARRAY)) {
            if (field->elements == NULL) {
                fail_nomem(r); /* its table could not be made when the name was first met */
                r->skip_depth = 1;
                return 0;
            }
            return push(r, POLJ_LIST, field->elements, field, 0);
        }
        break;
    default: /* a type this layer does not bind: leave the field alone */
        if (ev == EV_MAP || ev == EV_ARRAY) r->skip_depth = 1;
        return 1;
    }
    if (!fits) fail_at(r, field, POL_ERR_BIND, expectation(field->type));
    else if (st != POL_OK) fail_library(r, st);
    if (!fits && (ev == EV_MAP || ev == EV_ARRAY)) r->skip_depth = 1;
    return go_on(r);
}

/* A value inside a list field's array: an element, which must be an object. */
static int bind_element(pol_json_reader *r, event ev) {
    polJ_frame *list = &r->frames[r->depth - 1];
    if (r->status != POL_OK) {
        if (ev == EV_MAP || ev == EV_ARRAY) r->skip_depth = 1;
        return go_on(r);
    }
    if (ev != EV_MAP) {
        fail_at(r, NULL, POL_ERR_BIND, "expected an object");
        if (ev == EV_ARRAY) r->skip_depth = 1;
        return go_on(r);
    }
    pol_status st = pol_list_append(r->ctx, list->list->slot, NULL);
    if (st != POL_OK) {
        fail_library(r, st);
        r->skip_depth = 1;
        return go_on(r);
    }
    uint32_t index = list->index++;
    return push(r, POLJ_ELEMENT, list->table, list->list, index);
}

static int on_value(pol_json_reader *r, event ev, const char *text, size_t len, int boolean) {
    if ((ev == EV_MAP || ev == EV_ARRAY) && r->depth + r->skip_depth >= r->max_nesting) {
        char message[96];
        int n = snprintf(message, sizeof message, "the record nests arrays and objects deeper than %lu levels",
                         (unsigned long)r->max_nesting);
        r->status = POL_ERR_LIMIT;
        set_error(r, message, n > 0 && (size_t)n < sizeof message ? (size_t)n : strlen(message));
        return 0;
    }
    if (r->skip_depth > 0) {
        if (ev == EV_MAP || ev == EV_ARRAY) r->skip_depth++;
        return 1;
    }
    if (r->depth == 0) { /* the top-level value */
        if (ev != EV_MAP) {
            r->status = POL_ERR_FORMAT;
            r->error = "expected a JSON object";
            return 0;
        }
        return push(r, POLJ_RECORD, r->fields, NULL, 0);
    }
    if (r->frames[r->depth - 1].kind == POLJ_LIST) return bind_element(r, ev);
    if (r->target_is_id) { /* the id is remembered whatever the program makes of it */
        r->target_is_id = 0;
        r->id_done = 1;
        if (ev == EV_STRING) {
            polJ_buffer_set(&r->id, text, len);
            r->has_id = !r->id.failed;
        }
    }
    const polJ_field *field = r->target;
    r->target = NULL;
    if (field == NULL || r->status != POL_OK) {
        if (ev == EV_MAP || ev == EV_ARRAY) r->skip_depth = 1;
        return go_on(r);
    }
    return bind_field(r, field, ev, text, len, boolean);
}

/* The field a scalar value binds when it is the plain case, else NULL and on_value sorts it out. A known key
 * just went by: on_key sets target only for a field of the object being bound while no error is known, and
 * nothing else comes between a key and its value. The top-level "id" goes the long way, to be remembered. */
static const polJ_field *plain_target(pol_json_reader *r) {
    const polJ_field *field = r->target;
    if (field == NULL || r->target_is_id) return NULL;
    r->target = NULL;
    return field;
}

static int on_null(void *ctx) {
    pol_json_reader *r = ctx;
    if (plain_target(r) != NULL) return 1; /* null means absent: the field keeps its default */
    return on_value(r, EV_NULL, NULL, 0, 0);
}

/* After a setter in the plain case: on to the next value, or the setter's error recorded. */
static int set_done(pol_json_reader *r, pol_status st) {
    if (st == POL_OK) return 1;
    fail_library(r, st);
    return go_on(r);
}

static int on_boolean(void *ctx, int value) {
    pol_json_reader *r = ctx;
    const polJ_field *field = plain_target(r);
    if (field != NULL && field->type == POL_T_BOOL) return set_done(r, pol_set_bool(r->ctx, field->slot, value));
    return field != NULL ? bind_field(r, field, EV_BOOL, NULL, 0, value) : on_value(r, EV_BOOL, NULL, 0, value);
}

static int on_number(void *ctx, const char *text, size_t len) {
    pol_json_reader *r = ctx;
    const polJ_field *field = plain_target(r);
    if (field != NULL && field->type == POL_T_INT) {
        int64_t value;
        if (polJ_parse_int(text, len, &value)) return set_done(r, pol_set_int(r->ctx, field->slot, value));
    }
    return field != NULL ? bind_field(r, field, EV_NUMBER, text, len, 0) : on_value(r, EV_NUMBER, text, len, 0);
}

static int on_string(void *ctx, const unsigned char *text, size_t len) {
    pol_json_reader *r = ctx;
    const polJ_field *field = plain_target(r);
    return field != NULL ? bind_field(r, field, EV_STRING, (const char *)text, len, 0)
                         : on_value(r, EV_STRING, (const char *)text, len, 0);
}
static int on_start_map(void *ctx) { return on_value(ctx, EV_MAP, NULL, 0, 0); }
static int on_start_array(void *ctx) { return on_value(ctx, EV_ARRAY, NULL, 0, 0); }

static int on_key(void *ctx, const unsigned char *key, size_t len) {
    pol_json_reader *r = ctx;
    if (r->skip_depth > 0) return 1;
    polJ_frame *object = &r->frames[r->depth - 1];
    r->target = NULL;
    r->target_is_id = object->kind == POLJ_RECORD && !r->id_done && len == 2 && memcmp(key, "id", 2) == 0;
    if (r->status != POL_OK) return 1;
    polJ_field *field = polJ_table_lookup(object->table, (const char *)key, len);
    if (field == NULL && !object->table->complete &&
        polJ_table_find(object->table, r->program, r->fn, r->ud, (const char *)key, len, &field) != POL_OK) {
        fail_nomem(r);
        return go_on(r);
    }
    if (field == NULL || field->slot < 0) return 1; /* unknown: its value is skipped */
    if (field->seen == object->stamp) {
        fail_at(r, field, POL_ERR_BIND, "duplicate field");
        return go_on(r);
    }
    field->seen = object->stamp;
    r->target = field;
    return 1;
}

static int on_end(void *ctx) {
    pol_json_reader *r = ctx;
    if (r->skip_depth > 0) r->skip_depth--;
    else if (r->depth > 0) r->depth--;
    return 1;
}

static const yajl_callbacks callbacks = {
    on_null, on_boolean, NULL, NULL, on_number, on_string, on_start_map, on_key, on_end, on_start_array, on_end,
};

/* yajl's message ("lexical error: invalid char in json text.\n") with where it happened: the last byte
 * yajl took in, which is the offending one (counted from 1), or the end for a text cut short. */
static void fail_syntax(pol_json_reader *r, yajl_handle h, size_t at) {
    unsigned char *text = yajl_get_error(h, 0, NULL, 0);
    char message[160];
    const char *reason = text != NULL ? (const char *)text : "malformed";
    size_t n = strlen(reason);
    while (n > 0 && (reason[n - 1] == '\n' || reason[n - 1] == '.')) n--;
    int len = snprintf(message, sizeof message, "invalid JSON at byte %lu: %.*s",
                       (unsigned long)at, (int)(n < 120 ? n : 120), reason);
    if (text != NULL) yajl_free_error(h, text);
    r->status = POL_ERR_FORMAT;
    set_error(r, message, len > 0 && (size_t)len < sizeof message ? (size_t)len : strlen(message));
}

pol_status polJ_sax_bind(pol_json_reader *r, pol_context *ctx, const char *json, size_t len) {
    pol_context_reset(ctx);
    r->ctx = ctx;
    r->depth = 0;
    r->skip_depth = 0;
    r->target = NULL;
    r->target_is_id = 0;
    r->id_done = 0;
    r->has_id = 0;
    r->status = POL_OK;
    r->error = "";
    uint64_t stamp_before = r->stamp;
    if (len > r->max_line_bytes) {
        char message[96];
        int n = snprintf(message, sizeof message, "the record is longer than %lu bytes",
                         (unsigned long)r->max_line_bytes);
        r->status = POL_ERR_LIMIT;
        set_error(r, message, n > 0 && (size_t)n < sizeof message ? (size_t)n : strlen(message));
        return r->status;
    }
    polJ_arena_reset(&r->arena);
    /* yajl 2.1 does not check every allocation it makes: give it memory up front or do not start */
    yajl_handle h = r->arena.base != NULL ? yajl_alloc(&callbacks, &r->arena_funcs, r) : NULL;
    if (h == NULL) {
        fail_nomem(r);
        return r->status;
    }
    yajl_status ys = yajl_parse(h, (const unsigned char *)json, len);
    size_t at = yajl_get_bytes_consumed(h);
    if (ys == yajl_status_ok) {
        ys = yajl_complete_parse(h);
        at = len;
    }
    if (r->arena.failed) fail_nomem(r);
    if (ys == yajl_status_error && r->status == POL_OK) fail_syntax(r, h, at);
    if (ys == yajl_status_ok && r->status == POL_OK && r->stamp == stamp_before) {
        r->status = POL_ERR_FORMAT; /* no value at all */
        r->error = "expected a JSON object";
    }
    yajl_free(h);
    return r->status;
}

const char *pol_json_error(const pol_json_reader *r) { return r->error; }

const char *pol_json_id(const pol_json_reader *r, size_t *len) {
    if (!r->has_id) {
        if (len != NULL) *len = 0;
        return NULL;
    }
    if (len != NULL) *len = r->id.length;
    return r->id.data;
}
