/* json_write.c: a decision, or a line's error object, -> one compact JSON object through yajl_gen. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"

#ifdef __SSE2__ /* every x86-64 has it: 16 bytes of text checked at a time */
#include <emmintrin.h>
#endif

/* ---- the constant pieces, made once per reader ---- */

/* Where the generator has got to in the pieces' text. */
static uint32_t mark(const pol_json_reader *r) { return (uint32_t)r->pieces.text.length; }

static polJ_piece piece(uint32_t from, uint32_t to) {
    polJ_piece p = {from, to - from};
    return p;
}

static int gen_cstr(yajl_gen g, const char *text);
static void begin(pol_json_reader *r, pol_json_buffer *out);

/* The pieces are cut out of whole JSON texts that yajl_gen writes: a decision with every output null and
 * one finding of each kind, then [null,true,false]. A value's key ends where the "null" after it begins. */
pol_status polJ_pieces_make(pol_json_reader *r) {
    polJ_pieces *p = &r->pieces;
    yajl_gen g = r->gen;
    const uint32_t null_len = 4; /* "null" */
    int n = pol_output_count(r->program);
    r->noutputs = n > 0 ? n : 0;
    memset(&p->text, 0, sizeof p->text);
    p->text.alloc = r->fn;
    p->text.alloc_ud = r->ud;
    if (r->noutputs > 0) {
        p->outputs = r->fn(r->ud, NULL, 0, (size_t)r->noutputs * sizeof *p->outputs);
        if (p->outputs == NULL) return POL_ERR_NOMEM;
    }
    begin(r, &p->text);
    int ok = yajl_gen_map_open(g) == yajl_gen_status_ok;
    for (int i = 0; ok && i < r->noutputs; i++) {
        uint32_t from = i == 0 ? 0 : mark(r);
        ok = gen_cstr(g, pol_output_name(r->program, i)) && yajl_gen_null(g) == yajl_gen_status_ok;
        p->outputs[i] = piece(from, mark(r) - null_len);
    }
    uint32_t from = r->noutputs == 0 ? 0 : mark(r);
    ok = ok && gen_cstr(g, "findings") && yajl_gen_array_open(g) == yajl_gen_status_ok;
    p->findings = piece(from, mark(r));
    for (int k = 0; ok && k <= POLJ_KINDS; k++) { /* the last one: a kind with no piece of its own */
        from = mark(r);
        ok = yajl_gen_map_open(g) == yajl_gen_status_ok && gen_cstr(g, "clause") &&
             yajl_gen_null(g) == yajl_gen_status_ok;
        if (k == 0) p->finding_first = piece(from, mark(r) - null_len);
        if (k == 1) p->finding_next = piece(from, mark(r) - null_len);
        from = mark(r);
        if (k < POLJ_KINDS) {
            ok = ok && gen_cstr(g, "kind") && gen_cstr(g, pol_finding_kind_name((pol_finding_kind)k)) &&
                 gen_cstr(g, "message") && yajl_gen_null(g) == yajl_gen_status_ok;
            p->kinds[k] = piece(from, mark(r) - null_len);
        } else {
            ok = ok && gen_cstr(g, "kind") && yajl_gen_null(g) == yajl_gen_status_ok;
            p->kind_key = piece(from, mark(r) - null_len);
            from = mark(r);
            ok = ok && gen_cstr(g, "message") && yajl_gen_null(g) == yajl_gen_status_ok;
            p->message_key = piece(from, mark(r) - null_len);
        }
        from = mark(r);
        ok = ok && yajl_gen_map_close(g) == yajl_gen_status_ok;
        p->finding_close = piece(from, mark(r));
    }
    from = mark(r);
    ok = ok && yajl_gen_array_close(g) == yajl_gen_status_ok && yajl_gen_map_close(g) == yajl_gen_status_ok;
    p->close = piece(from, mark(r));
    begin(r, &p->text);
    ok = ok && yajl_gen_array_open(g) == yajl_gen_status_ok;
    from = mark(r);
    ok = ok && yajl_gen_null(g) == yajl_gen_status_ok;
    p->null = piece(from, mark(r));
    from = mark(r) + 1; /* after the ',' */
    ok = ok && yajl_gen_bool(g, 1) == yajl_gen_status_ok;
    p->true_ = piece(from, mark(r));
    from = mark(r) + 1;
    ok = ok && yajl_gen_bool(g, 0) == yajl_gen_status_ok;
    p->false_ = piece(from, mark(r));
    ok = ok && yajl_gen_array_close(g) == yajl_gen_status_ok;
    r->out = NULL;
    if (p->text.failed) return POL_ERR_NOMEM;
    /* only a name that is not UTF-8 makes the generator refuse: every decision is then that error */
    p->valid = ok;
    return POL_OK;
}

void polJ_pieces_free(pol_json_reader *r) {
    pol_json_buffer_free(&r->pieces.text);
    if (r->pieces.outputs != NULL) r->fn(r->ud, r->pieces.outputs, (size_t)r->noutputs * sizeof *r->pieces.outputs, 0);
    r->pieces.outputs = NULL;
}

void polJ_writer_validate(pol_json_reader *r, int validate) {
    if (r->gen_validates == validate) return;
    yajl_gen_config(r->gen, yajl_gen_validate_utf8, validate);
    r->gen_validates = validate;
}

static void put_piece(pol_json_reader *r, polJ_piece p) {
    polJ_buffer_put(r->out, r->pieces.text.data + p.offset, p.length);
}

/* ---- values ---- */

/* Ends one object: 1 when every generator call succeeded and out could hold it all; else out is cut back. */
static int finish(pol_json_buffer *out, size_t start, int ok) {
    if (ok && !out->failed) {
        polJ_buffer_terminate(out);
        return 1;
    }
    out->length = start;
    if (out->data != NULL) out->data[start] = '\0';
    return 0;
}

static int gen_text(yajl_gen g, const char *text, size_t len) {
    if (text == NULL) return yajl_gen_null(g) == yajl_gen_status_ok;
    return yajl_gen_string(g, (const unsigned char *)text, len) == yajl_gen_status_ok;
}

static int gen_cstr(yajl_gen g, const char *text) { return gen_text(g, text, text != NULL ? strlen(text) : 0); }

/* A string of the decision, escaped by yajl_gen; the keys and separators around it are pieces. The generator
 * writes every string as the next element of one array that is opened once and never closed: in an array
 * a string is always allowed, and yajl_gen_reset between strings (it clears the generator's whole 128-level
 * state stack) would cost more than escaping a short string. yajl_gen_string writes the separator ',' before
 * an element with a print call of its own, which the print callback drops (json_reader.c). */
/* Whether any of the eight bytes in x is one yajl_gen escapes: '"', '\\' or a byte below 0x20 (the solidus
 * only under yajl_gen_escape_solidus, which the reader never sets). Such a byte (zero after the xor, or below
 * 0x20) leaves its high bit in the result. */
static inline int escapes_in(uint64_t x) {
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    return ((((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs) != 0;
}

/* text between quotes, checked and copied in one pass of 16- or 8-byte words, when nothing in it needs
 * escaping (then it is what yajl_gen would write): 1; 0 when a byte needs escaping, out's length unchanged. */
static int put_plain_text(pol_json_buffer *out, const char *text, size_t len) {
    if (!polJ_buffer_reserve(out, len + 2)) return 1; /* out failed: the decision is dropped whole */
    char *to = out->data + out->length + 1;
    size_t i = 0;
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), below_space = _mm_set1_epi8(0x1F);
    for (; i + 16 <= len; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(text + i));
        /* x <= 0x1F (unsigned) exactly when max(x, 0x1F) == 0x1F */
        __m128i escaped = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)),
                                       _mm_cmpeq_epi8(_mm_max_epu8(x, below_space), below_space));
        if (_mm_movemask_epi8(escaped) != 0) return 0;
        _mm_storeu_si128((__m128i *)(void *)(to + i), x);
    }
#endif
    for (; i + 8 <= len; i += 8) {
        uint64_t x;
        memcpy(&x, text + i, 8);
        if (escapes_in(x)) return 0;
        memcpy(to + i, &x, 8);
    }
    for (; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == '"' || c == '\\') return 0;
        to[i] = (char)c;
    }
    to[-1] = '"';
    to[len] = '"';
    out->length += len + 2;
    return 1;
}

static int put_text(pol_json_reader *r, const char *text, size_t len) {
    yajl_gen g = r->gen;
    if (text == NULL) {
        put_piece(r, r->pieces.null);
        return 1;
    }
    /* Most texts of a decision (names, messages) have nothing to escape: when the text is known to be UTF-8
     * (the generator is not validating) such a text is what yajl_gen would write, so it is copied as it is. */
    if (!r->gen_validates && put_plain_text(r->out, text, len)) return 1;
    if (!r->strings_open) {
        yajl_gen_reset(g, NULL);
        r->gen_muted = 1;
        r->strings_open = yajl_gen_array_open(g) == yajl_gen_status_ok;
        r->gen_muted = 0;
        if (!r->strings_open) return 0;
    }
    r->drop_separator = 1;
    int ok = yajl_gen_string(g, (const unsigned char *)text, len) == yajl_gen_status_ok;
    r->drop_separator = 0;
    return ok;
}

/* The decimal digits of value, written backwards ending at end; returns where they start. */
static char *digits_before(char *end, uint64_t value) {
    do {
        *--end = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    return end;
}

static void put_integer(pol_json_reader *r, int64_t value) {
    char text[24];
    char *end = text + sizeof text;
    /* the magnitude as unsigned, so INT64_MIN has one too */
    uint64_t magnitude = value < 0 ? 0u - (uint64_t)value : (uint64_t)value;
    char *start = digits_before(end, magnitude);
    if (value < 0) *--start = '-';
    polJ_buffer_put(r->out, start, (size_t)(end - start));
}

/* A decimal of at most 15 significant digits between 10^-4 and 10^15 (30.1, 13.5, 0.25), written as %.15g
 * writes it, without snprintf: the least k with m = a * 10^k whole and m / 10^k == a (one correctly rounded
 * division of exact doubles: the decimal m / 10^k reads back as a) gives the digits. %.15g rounds a to 15
 * significant digits, which recovers m / 10^k since a is within half an ulp of it, and writes such a number
 * without an exponent and without trailing zeros: the integer part, '.', k digits. 0 for any other number. */
static int put_short_decimal(pol_json_reader *r, double value) {
    static const double powers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    double a = fabs(value);
    if (!(a >= 1e-4 && a < 1e15)) return 0;
    for (int k = 1; k <= 15; k++) {
        double scaled = a * powers[k];
        if (scaled >= 1e15) return 0; /* more than 15 digits */
        uint64_t m = (uint64_t)(scaled + 0.5);
        if ((double)m / powers[k] != a) continue;
        char text[40];
        char *end = text + sizeof text, *start = end;
        for (int d = 0; d < k; d++, m /= 10) *--start = (char)('0' + m % 10);
        *--start = '.';
        start = digits_before(start, m);
        if (signbit(value)) *--start = '-';
        polJ_buffer_put(r->out, start, (size_t)(end - start));
        return 1;
    }
    return 0;
}

/* The shortest of %.15g .. %.17g that reads back as the same double, with '.' whatever the locale; ".0"
 * added to a whole number so it still reads as a number, not an integer. A whole number below 10^15 is its
 * digits under %.15g (no exponent, nothing rounded), and a short decimal is put_short_decimal's: both are
 * written without snprintf and strtod; only other numbers (17 digits, exponents) go through them. */
static void put_number(pol_json_reader *r, double value) {
    if (!isfinite(value)) {
        put_piece(r, r->pieces.null);
        return;
    }
    char text[40];
    if (value == floor(value) && fabs(value) < 1e15) {
        char *end = text + sizeof text - 2;
        char *start = digits_before(end, (uint64_t)fabs(value));
        if (signbit(value)) *--start = '-'; /* -0.0 too, as %g writes it */
        memcpy(end, ".0", 2);
        polJ_buffer_put(r->out, start, (size_t)(end + 2 - start));
        return;
    }
    if (put_short_decimal(r, value)) return;
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
    polJ_buffer_put(r->out, text, (size_t)n);
}

static void two_digits(char *at, int value) {
    at[0] = (char)('0' + value / 10);
    at[1] = (char)('0' + value % 10);
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM": digits and dashes only, so there is nothing for yajl to escape. The
 * fields of a date the library hands out are in range; anything else goes through snprintf as before. */
static void put_date(pol_json_reader *r, const pol_value *v) {
    char text[40];
    int n;
    if (v->year >= 0 && v->year <= 9999 && v->month >= 0 && v->month <= 99 && v->day >= 0 && v->day <= 99 &&
        v->minute < 100 * 60) {
        memcpy(text, "\"0000-00-00T00:00\"", 18);
        two_digits(text + 1, v->year / 100);
        two_digits(text + 3, v->year % 100);
        two_digits(text + 6, v->month);
        two_digits(text + 9, v->day);
        if (v->minute >= 0) {
            two_digits(text + 12, v->minute / 60);
            two_digits(text + 15, v->minute % 60);
            n = 18;
        } else {
            text[11] = '"';
            n = 12;
        }
    } else {
        n = v->minute >= 0 ? snprintf(text, sizeof text, "\"%04d-%02d-%02dT%02d:%02d\"", v->year, v->month, v->day,
                                      v->minute / 60, v->minute % 60)
                           : snprintf(text, sizeof text, "\"%04d-%02d-%02d\"", v->year, v->month, v->day);
    }
    polJ_buffer_put(r->out, text, (size_t)n);
}

static int put_value(pol_json_reader *r, const pol_value *v) {
    switch (v->type) {
    case POL_T_BOOL: put_piece(r, v->boolean ? r->pieces.true_ : r->pieces.false_); return 1;
    case POL_T_INT: put_integer(r, v->integer); return 1;
    case POL_T_NUMBER: put_number(r, v->number); return 1;
    case POL_T_DATE: put_date(r, v); return 1;
    case POL_T_STRING:
    case POL_T_ENUM:
    case POL_T_ENTITY: return put_text(r, v->string, v->length);
    default: put_piece(r, r->pieces.null); return 1; /* null, and lists (no output is one) */
    }
}

static void begin(pol_json_reader *r, pol_json_buffer *out) {
    r->out = out;
    yajl_gen_reset(r->gen, NULL); /* a fresh top-level value, reusing the generator */
    r->strings_open = 0;
}

pol_status polJ_write_decision(pol_json_reader *r, const pol_context *ctx, pol_json_buffer *out, int texts_are_utf8) {
    const polJ_pieces *p = &r->pieces;
    size_t start = out->length;
    pol_status st = POL_OK;
    r->out = out;
    polJ_writer_validate(r, !texts_are_utf8);
    int ok = p->valid;
    for (int i = 0; ok && i < r->noutputs; i++) {
        pol_value v;
        if ((st = pol_output(ctx, i, &v)) != POL_OK) break;
        put_piece(r, p->outputs[i]);
        ok = put_value(r, &v);
    }
    size_t count = pol_finding_count(ctx);
    ok = ok && st == POL_OK;
    if (ok) put_piece(r, p->findings);
    for (size_t i = 0; ok && i < count; i++) {
        pol_finding f;
        if ((st = pol_finding_get(ctx, i, &f)) != POL_OK) break;
        put_piece(r, i == 0 ? p->finding_first : p->finding_next);
        ok = put_text(r, f.clause != NULL && f.clause[0] != '\0' ? f.clause : NULL, f.clause ? strlen(f.clause) : 0);
        if (ok && (unsigned)f.kind < POLJ_KINDS) {
            put_piece(r, p->kinds[f.kind]);
        } else if (ok) {
            put_piece(r, p->kind_key);
            ok = put_text(r, pol_finding_kind_name(f.kind), strlen(pol_finding_kind_name(f.kind)));
            put_piece(r, p->message_key);
        }
        ok = ok && put_text(r, f.message, f.message_length);
        put_piece(r, p->finding_close);
    }
    ok = ok && st == POL_OK;
    if (ok) put_piece(r, p->close);
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

pol_status pol_json_write_decision(pol_json_reader *r, const pol_context *ctx, pol_json_buffer *out) {
    return polJ_write_decision(r, ctx, out, 0); /* a context the embedder bound may hold anything */
}

pol_status pol_json_write_error(pol_json_reader *r, size_t line_no, const char *id, size_t id_len,
                                const char *message, pol_json_buffer *out) {
    yajl_gen g = r->gen;
    size_t start = out->length;
    begin(r, out);
    polJ_writer_validate(r, 1); /* the library's messages may quote record text it cut short */
    int ok = yajl_gen_map_open(g) == yajl_gen_status_ok && gen_cstr(g, "line") &&
             yajl_gen_integer(g, (long long)line_no) == yajl_gen_status_ok && gen_cstr(g, "id") &&
             gen_text(g, id, id_len) && gen_cstr(g, "error");
    /* a message that is not UTF-8 (it cannot come from this layer) still yields a valid line */
    ok = ok && (gen_cstr(g, message) || gen_cstr(g, "(message not valid UTF-8)"));
    ok = ok && yajl_gen_map_close(g) == yajl_gen_status_ok;
    if (finish(out, start, ok)) return POL_OK;
    return out->failed ? POL_ERR_NOMEM : POL_ERR_RUNTIME;
}
