/* try_request.c: reading the /try endpoints' request body with yajl's SAX parser (try_request.h). */
#include "try_request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

enum want { WANT_NONE, WANT_SOURCE, WANT_RECORDS, WANT_LANG };

typedef struct reader {
    try_request *out;
    int depth;      /* objects and arrays open; the request's own keys are at depth 1 */
    enum want want; /* what the value after the last top-level key is */
    char problem[160];
} reader;

static int fail(reader *r, const char *message)
{
    snprintf(r->problem, sizeof r->problem, "%s", message);
    return 0;
}

/* a top-level value that is not a string, where one was expected */
static int scalar(reader *r)
{
    if (r->depth == 0)
        return fail(r, "the body must be a JSON object");
    if (r->depth == 1 && r->want != WANT_NONE)
        return fail(r, r->want == WANT_LANG ? "\"lang\" must be \"zh\" or \"en\"" : "\"source\" and \"records\" must be strings");
    r->want = WANT_NONE;
    return 1;
}

static int on_null(void *ud) { return scalar(ud); }
static int on_bool(void *ud, int b) { (void)b; return scalar(ud); }
static int on_number(void *ud, const char *s, size_t l) { (void)s; (void)l; return scalar(ud); }

static int keep(char **to, size_t *to_len, const unsigned char *s, size_t len)
{
    free(*to);
    *to = malloc(len + 1);
    if (!*to)
        return 0;
    memcpy(*to, s, len);
    (*to)[len] = '\0';
    *to_len = len;
    return 1;
}

static int on_string(void *ud, const unsigned char *s, size_t len)
{
    reader *r = ud;
    if (r->depth == 0)
        return fail(r, "the body must be a JSON object");
    if (r->depth != 1 || r->want == WANT_NONE)
        return 1;
    enum want want = r->want;
    r->want = WANT_NONE;
    if (want == WANT_SOURCE)
        return keep(&r->out->source, &r->out->source_length, s, len) || fail(r, "out of memory");
    if (want == WANT_RECORDS)
        return keep(&r->out->records, &r->out->records_length, s, len) || fail(r, "out of memory");
    if (len == 2 && memcmp(s, "zh", 2) == 0)
        r->out->lang_zh = 1;
    else if (len == 2 && memcmp(s, "en", 2) == 0)
        r->out->lang_zh = 0;
    else
        return fail(r, "\"lang\" must be \"zh\" or \"en\"");
    return 1;
}

static int on_key(void *ud, const unsigned char *s, size_t len)
{
    reader *r = ud;
    if (r->depth != 1)
        return 1;
    r->want = len == 6 && memcmp(s, "source", 6) == 0    ? WANT_SOURCE
              : len == 7 && memcmp(s, "records", 7) == 0 ? WANT_RECORDS
              : len == 4 && memcmp(s, "lang", 4) == 0    ? WANT_LANG
                                                         : WANT_NONE;
    return 1;
}

static int open_value(reader *r)
{
    if (r->depth == 1 && r->want != WANT_NONE)
        return scalar(r);
    r->depth++;
    return 1;
}

static int on_start_map(void *ud)
{
    reader *r = ud;
    if (r->depth == 0) {
        r->depth = 1;
        return 1;
    }
    return open_value(r);
}

static int on_start_array(void *ud)
{
    reader *r = ud;
    if (r->depth == 0)
        return fail(r, "the body must be a JSON object");
    return open_value(r);
}

static int on_end(void *ud)
{
    reader *r = ud;
    r->depth--;
    return 1;
}

static const yajl_callbacks callbacks = {on_null,      on_bool,        NULL,   NULL,         on_number, on_string,
                                         on_start_map, on_key,         on_end, on_start_array, on_end};

int try_request_parse(const char *body, size_t len, try_request *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->lang_zh = 1;
    reader r = {out, 0, WANT_NONE, ""};
    yajl_handle h = yajl_alloc(&callbacks, NULL, &r);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    yajl_status st = yajl_parse(h, (const unsigned char *)body, len);
    if (st == yajl_status_ok)
        st = yajl_complete_parse(h);
    int ok = st == yajl_status_ok;
    if (!ok) {
        if (r.problem[0]) {
            snprintf(err, errlen, "%s", r.problem);
        } else {
            unsigned char *why = yajl_get_error(h, 0, (const unsigned char *)body, len);
            snprintf(err, errlen, "the body is not JSON: %s", why ? (const char *)why : "parse error");
            if (why)
                yajl_free_error(h, why);
        }
    } else if (!out->source) {
        ok = 0;
        snprintf(err, errlen, "the body has no \"source\" string");
    }
    yajl_free(h);
    if (!ok)
        try_request_free(out);
    return ok ? 0 : -1;
}

void try_request_free(try_request *r)
{
    free(r->source);
    free(r->records);
    memset(r, 0, sizeof *r);
}
