/* json_lines.c: one line of a JSON Lines stream -> one output line: bind, evaluate, write (or the error). */
#include <string.h>

#include "json_internal.h"

static int is_blank(const char *line, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r') return 0;
    return 1;
}

/* A failure found before binding: no record, so no id. */
static pol_status reject(pol_json_reader *r, const char *message) {
    r->has_id = 0;
    r->error = message;
    return POL_ERR_FORMAT;
}

static pol_status decide(pol_json_reader *r, pol_context *ctx, const char *line, size_t len, size_t line_no) {
    if (len > 0 && line[len - 1] == '\r') len--;
    if (line_no == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
        len -= 3;
    }
    if (is_blank(line, len)) return reject(r, "empty line");
    if (memchr(line, '\0', len) != NULL) return reject(r, "the line holds a NUL byte");
    pol_status st = pol_json_bind(r, ctx, line, len);
    if (st != POL_OK) return st;
    st = pol_evaluate(ctx);
    if (st != POL_OK) {
        r->error = pol_context_error(ctx);
        if (r->error == NULL || r->error[0] == '\0') r->error = pol_status_name(st);
    }
    return st;
}

pol_status pol_json_decide_line(pol_json_reader *r, pol_context *ctx, const char *line, size_t len,
                                size_t line_no, pol_json_buffer *out) {
    size_t start = out->length;
    pol_status st = decide(r, ctx, line, len, line_no);
    /* Every text of this decision is UTF-8 without checking it again: the record's strings passed yajl's
     * check when the line was parsed (escapes decode to UTF-8), the program's strings were checked when it was
     * loaded, and evaluation only joins whole texts and ASCII digits. */
    if (st == POL_OK) st = polJ_write_decision(r, ctx, out, 1);
    if (st != POL_OK) {
        size_t id_len;
        const char *id = pol_json_id(r, &id_len);
        pol_json_write_error(r, line_no, id, id_len, r->error, out);
    }
    polJ_buffer_append(out, "\n", 1);
    if (out->failed) { /* keep whole lines only */
        out->length = start;
        if (out->data != NULL) out->data[start] = '\0';
    }
    return st;
}
