/* try.c: POST /v1/try/compile and /v1/try/decide (try.h): the request read, the source compiled through polc_api
 * (or found in the cache), the answer written as JSON; sample records decided through pol_json as polvm does. */
#include "try.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "pol.h"
#include "pol_json.h"
#include "polc_api.h"
#include "try_cache.h"
#include "try_request.h"
#include "try_text.h"

struct service_try {
    service_try_limits limits;
    try_cache *cache;
};

service_try *service_try_new(const service_try_limits *limits)
{
    service_try *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    if (limits)
        t->limits = *limits;
    service_try_limits *l = &t->limits;
    if (!l->max_source_bytes)
        l->max_source_bytes = 1u << 20;
    if (!(l->max_compile_seconds > 0))
        l->max_compile_seconds = 2.0;
    if (!l->max_records)
        l->max_records = 1000;
    if (!l->max_body_bytes)
        l->max_body_bytes = 8u << 20;
    if (l->max_compiles <= 0)
        l->max_compiles = 2;
    if (!l->cache_entries)
        l->cache_entries = 8;
    t->cache = try_cache_new(l->cache_entries);
    if (!t->cache) {
        free(t);
        return NULL;
    }
    return t;
}

void service_try_free(service_try *t)
{
    if (!t)
        return;
    try_cache_free(t->cache);
    free(t);
}

void service_try_answer_free(service_try_answer *a)
{
    free(a->body);
    memset(a, 0, sizeof *a);
}

/* hand the text over as the answer; a text that could not grow is an answer of its own */
static void finish(service_try_answer *out, int status, try_text *text)
{
    static const char nomem[] = "{\"error\":\"out of memory\"}";
    if (text->failed || !text->data) {
        try_text_free(text);
        out->status = 500;
        out->body = malloc(sizeof nomem);
        out->length = out->body ? sizeof nomem - 1 : 0;
        if (out->body)
            memcpy(out->body, nomem, sizeof nomem);
        return;
    }
    out->status = status;
    out->body = text->data;
    out->length = text->length;
}

static void answer_error(service_try_answer *out, int status, const char *message)
{
    try_text text = {0};
    try_text_puts(&text, "{\"error\":");
    try_text_json_string(&text, message, strlen(message));
    try_text_puts(&text, "}");
    finish(out, status, &text);
}

static const char *level_name(polc_level level)
{
    return level == POLC_ERROR ? "error" : level == POLC_WARNING ? "warning" : "note";
}

/* a pol_json writer's output appended to text, or null when it failed */
static void append_program_json(try_text *text, const pol_program *program,
                                pol_status (*write)(const pol_program *, pol_json_buffer *))
{
    pol_json_buffer b;
    pol_json_buffer_init(&b, NULL);
    if (program && write(program, &b) == POL_OK && !b.failed && b.data)
        try_text_append(text, b.data, b.length);
    else
        try_text_puts(text, "null");
    pol_json_buffer_free(&b);
}

/* the fields of the compile answer, without the braces (the decide endpoint's 422 reuses them) */
static void write_compile_fields(try_text *text, const polc_result *r, const pol_program *program)
{
    try_text_printf(text, "\"ok\":%s,\"errors\":%d,\"warnings\":%d,\"diagnostics\":[", program ? "true" : "false",
                    r->errors, r->warnings);
    for (size_t i = 0; i < r->ndiagnostics; i++) {
        const polc_diagnostic *d = &r->diagnostics[i];
        try_text_printf(text, "%s{\"level\":\"%s\",\"line\":%d,\"column\":%d,\"end_column\":%d,\"message\":",
                        i ? "," : "", level_name(d->level), d->line, d->column, d->end_column);
        try_text_json_string(text, d->message, strlen(d->message));
        try_text_puts(text, "}");
    }
    try_text_puts(text, "],\"text\":");
    try_text_json_string(text, r->text ? r->text : "", r->text ? strlen(r->text) : 0);
    try_text_puts(text, ",\"policy\":");
    append_program_json(text, program, pol_json_write_program_info);
    try_text_puts(text, ",\"schema\":");
    append_program_json(text, program, pol_json_write_schema);
}

/* A time budget that ran out is an error without a line: such an answer depends on the machine's load, so it is
 * not kept for the next request. */
static int ran_out_of_time(const polc_result *r)
{
    for (size_t i = 0; i < r->ndiagnostics; i++)
        if (r->diagnostics[i].level == POLC_ERROR && r->diagnostics[i].line == 0)
            return 1;
    return 0;
}

static void source_key(const try_request *req, unsigned char key[32])
{
    struct sha256_ctx sha;
    sha256_init(&sha);
    sha256_update(&sha, 1, (const uint8_t *)(req->lang_zh ? "z" : "e"));
    sha256_update(&sha, req->source_length, (const uint8_t *)req->source);
    sha256_digest(&sha, 32, key);
}

/* Compile req's source (or find it compiled): a referenced compilation, or NULL with the error answer in out. */
static try_compiled *compiled_source(service_try *t, const try_request *req, service_try_answer *out)
{
    unsigned char key[32];
    if (req->source_length > t->limits.max_source_bytes) {
        char message[160];
        snprintf(message, sizeof message, "the source has %zu bytes, more than the %zu allowed", req->source_length,
                 t->limits.max_source_bytes);
        answer_error(out, 413, message);
        return NULL;
    }
    source_key(req, key);
    try_compiled *c = try_cache_get(t->cache, key);
    if (c)
        return c;
    if (!try_cache_enter_compile(t->cache, t->limits.max_compiles)) {
        answer_error(out, 503, "too many compilations at once: try again in a moment");
        return NULL;
    }
    polc_options opt = {req->lang_zh ? POLC_LANG_ZH : POLC_LANG_EN, 0, t->limits.max_source_bytes,
                        t->limits.max_compile_seconds, NULL};
    polc_result r;
    polc_status st = polc_compile("policy.pol", req->source, req->source_length, &opt, &r);
    try_cache_leave_compile(t->cache);
    if (st == POLC_REFUSED || st == POLC_NOMEM || st == POLC_INTERNAL) {
        answer_error(out, st == POLC_REFUSED ? 413 : 500, r.reason);
        polc_result_free(&r);
        return NULL;
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        polc_result_free(&r);
        answer_error(out, 500, "out of memory");
        return NULL;
    }
    memcpy(c->key, key, 32);
    c->refs = 1;
    char reason[256] = "";
    if (st == POLC_OK && pol_program_load(r.pbc, r.pbc_size, NULL, &c->program, reason, sizeof reason) != POL_OK) {
        /* polc verified these bytes already: the runtime refusing them is a bug worth saying plainly */
        char message[320];
        snprintf(message, sizeof message, "internal error: the runtime refuses the compiled policy: %s", reason);
        polc_result_free(&r);
        try_compiled_free(c);
        answer_error(out, 500, message);
        return NULL;
    }
    try_text text = {0};
    try_text_puts(&text, "{");
    write_compile_fields(&text, &r, c->program);
    try_text_puts(&text, "}");
    int keep = !ran_out_of_time(&r);
    polc_result_free(&r);
    if (text.failed) {
        try_text_free(&text);
        try_compiled_free(c);
        answer_error(out, 500, "out of memory");
        return NULL;
    }
    c->http_status = 200;
    c->answer = text.data;
    c->answer_length = text.length;
    if (keep)
        try_cache_put(t->cache, c);
    return c;
}

static int read_request(service_try *t, const char *body, size_t len, try_request *req, service_try_answer *out)
{
    char err[200];
    if (len > t->limits.max_body_bytes) {
        snprintf(err, sizeof err, "the body has %zu bytes, more than the %zu allowed", len, t->limits.max_body_bytes);
        answer_error(out, 413, err);
        return -1;
    }
    if (try_request_parse(body, len, req, err, sizeof err) != 0) {
        answer_error(out, 400, err);
        return -1;
    }
    return 0;
}

void service_try_compile(service_try *t, const char *body, size_t len, service_try_answer *out)
{
    memset(out, 0, sizeof *out);
    try_request req;
    if (read_request(t, body, len, &req, out) != 0)
        return;
    try_compiled *c = compiled_source(t, &req, out);
    try_request_free(&req);
    if (!c)
        return;
    try_text text = {0};
    try_text_append(&text, c->answer, c->answer_length);
    finish(out, c->http_status, &text);
    try_cache_release(t->cache, c);
}

/* the lines of a JSON Lines text as polvm reads them: a last line without '\n' counts, the empty rest after a
 * final '\n' does not */
static size_t count_lines(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    return n + (len > 0 && s[len - 1] != '\n');
}

/* Decide every line into lines; the count of lines decided (not error objects), or -1 when out of memory. */
static long decide_lines(const pol_program *program, const char *s, size_t len, pol_json_buffer *lines)
{
    pol_json_reader *reader = NULL;
    pol_context *ctx = NULL;
    long decided = 0;
    if (pol_json_reader_new(program, NULL, &reader) != POL_OK || pol_context_new(program, &ctx) != POL_OK) {
        decided = -1;
    } else {
        size_t line_no = 0;
        for (size_t start = 0; start < len && decided >= 0;) {
            const char *nl = memchr(s + start, '\n', len - start);
            size_t end = nl ? (size_t)(nl - s) : len;
            if (pol_json_decide_line(reader, ctx, s + start, end - start, ++line_no, lines) == POL_OK)
                decided++;
            if (lines->failed)
                decided = -1;
            start = end + 1;
        }
    }
    pol_context_free(ctx);
    pol_json_reader_free(reader);
    return decided;
}

void service_try_decide(service_try *t, const char *body, size_t len, service_try_answer *out)
{
    memset(out, 0, sizeof *out);
    try_request req;
    if (read_request(t, body, len, &req, out) != 0)
        return;
    size_t count = req.records ? count_lines(req.records, req.records_length) : 0;
    if (count > t->limits.max_records) {
        char message[160];
        snprintf(message, sizeof message, "%zu record lines, more than the %zu allowed", count, t->limits.max_records);
        try_request_free(&req);
        answer_error(out, 413, message);
        return;
    }
    try_compiled *c = compiled_source(t, &req, out);
    if (!c) {
        try_request_free(&req);
        return;
    }
    try_text text = {0};
    int status = 200;
    if (!c->program) {
        /* the compile answer, with the reason the records were not decided */
        status = 422;
        try_text_puts(&text, "{\"error\":\"the policy does not compile\",");
        try_text_append(&text, c->answer + 1, c->answer_length - 1);
    } else {
        pol_json_buffer lines;
        pol_json_buffer_init(&lines, NULL);
        long decided = decide_lines(c->program, req.records ? req.records : "", req.records_length, &lines);
        if (decided < 0) {
            text.failed = 1;
        } else {
            try_text_puts(&text, "{\"policy\":");
            append_program_json(&text, c->program, pol_json_write_program_info);
            try_text_puts(&text, ",\"lines\":");
            try_text_json_string(&text, lines.data ? lines.data : "", lines.length);
            try_text_printf(&text, ",\"count\":%zu,\"decided\":%ld}", count, decided);
        }
        pol_json_buffer_free(&lines);
    }
    try_request_free(&req);
    try_cache_release(t->cache, c);
    finish(out, status, &text);
}
