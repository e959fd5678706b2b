/* decide.c: the decide endpoints' work, HTTP aside (decide.h). */
#include "decide.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The decided record's status output (NULL for an error line, or a policy without a status output). */
static const char *decision_status(const worker *w, int decided, size_t *len) {
    pol_value v;
    if (!decided || w->policy->status_output < 0 || pol_output(w->ctx, w->policy->status_output, &v) != POL_OK ||
        v.string == NULL) {
        *len = 0;
        return NULL;
    }
    *len = v.length;
    return v.string;
}

/* Count the line just decided into out (its answer at out->data + start, '\n' included) and log it. */
static void note_line(worker *w, const char *request, size_t line_no, int decided, size_t start,
                      decision_log *log, metrics *m) {
    size_t status_len, id_len = 0;
    const char *status = decision_status(w, decided, &status_len);
    const char *id = pol_json_id(w->reader, &id_len);
    if (m != NULL) metrics_decision(m, decided ? (status != NULL ? status : "decided") : NULL,
                                    decided ? (status != NULL ? status_len : 7) : 0);
    if (log != NULL) {
        size_t answer_len = w->out.length - start;
        if (answer_len > 0 && w->out.data[start + answer_len - 1] == '\n') answer_len--;
        decision_log_format(&w->log, w->policy, request, line_no, id, id_len, status, status_len,
                            w->out.data + start, answer_len);
    }
}

static void fixed_answer(decide_answer *out, int status, const char *body) {
    out->status = status;
    out->body = body;
    out->length = strlen(body);
}

void service_decide(worker *w, const char *body, size_t len, int explain, decision_log *log, metrics *m,
                    decide_answer *out) {
    pol_status st = explain ? pol_json_explain_line(w->reader, w->ctx, body, len, 1, &w->out, &w->trace)
                            : pol_json_decide_line(w->reader, w->ctx, body, len, 1, &w->out);
    if (w->out.failed || w->trace.failed || st == POL_ERR_NOMEM) {
        fixed_answer(out, 500, "{\"error\":\"out of memory\"}\n");
        return;
    }
    note_line(w, "decide", 0, st == POL_OK, 0, log, m);
    if (log != NULL && (w->log.failed || decision_log_write(log, w->log.data, w->log.length) != 0)) {
        fixed_answer(out, 500, "{\"error\":\"the decision log could not be written\"}\n");
        return;
    }
    out->status = st == POL_OK ? 200 : st == POL_ERR_FORMAT ? 400 : 422;
    if (explain && st == POL_OK) {
        try_text_puts(&w->answer, "{\"decision\":");
        try_text_append(&w->answer, w->out.data, w->out.length - 1); /* without its '\n' */
        try_text_puts(&w->answer, ",\"explain\":");
        try_text_append(&w->answer, w->trace.data, w->trace.length);
        try_text_puts(&w->answer, "}\n");
        if (w->answer.failed) {
            fixed_answer(out, 500, "{\"error\":\"out of memory\"}\n");
            return;
        }
        out->body = w->answer.data;
        out->length = w->answer.length;
        return;
    }
    out->body = w->out.data;
    out->length = w->out.length;
}

/* ---- batch ---- */

struct service_batch {
    worker *w;
    int spool;            /* -1 once handed over */
    size_t spooled;       /* bytes written to it */
    size_t line_no;       /* lines seen */
    size_t max_line;
    char *pending;        /* the start of a line whose end has not come yet */
    size_t pending_length, pending_capacity;
    int overlong;         /* the pending line passed max_line: its bytes are dropped up to its '\n' */
    int failed;
    char error[160];
};

service_batch *service_batch_new(worker *w, const char *spool_dir, size_t max_line, char *err, size_t errlen) {
    service_batch *b = calloc(1, sizeof *b);
    if (b == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/polserve-batch-XXXXXX", spool_dir);
    if ((b->spool = mkstemp(path)) < 0) {
        snprintf(err, errlen, "cannot make a spool file in %s: %s", spool_dir, strerror(errno));
        free(b);
        return NULL;
    }
    unlink(path); /* the answer lives as long as its descriptor: nothing is left behind by a crash */
    b->w = w;
    b->max_line = max_line;
    return b;
}

void service_batch_free(service_batch *b) {
    if (b == NULL) return;
    if (b->spool >= 0) close(b->spool);
    free(b->pending);
    free(b);
}

const char *service_batch_error(const service_batch *b) { return b->error; }
size_t service_batch_lines(const service_batch *b) { return b->line_no; }

static int fail(service_batch *b, const char *what) {
    if (!b->failed) snprintf(b->error, sizeof b->error, "%s", what);
    b->failed = 1;
    return -1;
}

static int flush(service_batch *b, decision_log *log);
static int spool_write(service_batch *b, const char *bytes, size_t len);

static void decide_one(service_batch *b, const char *line, size_t len, decision_log *log, metrics *m) {
    worker *w = b->w;
    b->line_no++;
    if (b->overlong) {
        /* the error object is written alone, then its '\n' (pol_json_write_error writes none) */
        char message[96];
        snprintf(message, sizeof message, "line longer than %zu bytes (polserve --max-body)", b->max_line);
        if (flush(b, log) != 0) return;
        pol_context_reset(w->ctx); /* nothing of the previous line is this one's status or id */
        if (pol_json_write_error(w->reader, b->line_no, NULL, 0, message, &w->out) != POL_OK) {
            fail(b, "out of memory");
            return;
        }
        note_line(w, "batch", b->line_no, 0, 0, log, m);
        if (flush(b, log) == 0) spool_write(b, "\n", 1);
        return;
    }
    size_t start = w->out.length;
    pol_status st = pol_json_decide_line(w->reader, w->ctx, line, len, b->line_no, &w->out);
    note_line(w, "batch", b->line_no, st == POL_OK, start, log, m);
}

static int spool_write(service_batch *b, const char *bytes, size_t len) {
    for (size_t done = 0; done < len;) {
        ssize_t n = write(b->spool, bytes + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return fail(b, "the answer could not be spooled (disk full?)");
        done += (size_t)n;
    }
    b->spooled += len;
    return 0;
}

/* Write out what the worker holds: the answers to the spool, then their log lines (before any answer is sent). */
static int flush(service_batch *b, decision_log *log) {
    worker *w = b->w;
    if (w->out.failed || w->log.failed) return fail(b, "out of memory");
    if (spool_write(b, w->out.data, w->out.length) != 0) return -1;
    w->out.length = 0;
    if (log != NULL && w->log.length > 0 && decision_log_write(log, w->log.data, w->log.length) != 0)
        return fail(b, "the decision log could not be written");
    w->log.length = 0;
    return 0;
}

static int keep_pending(service_batch *b, const char *data, size_t len) {
    if (b->overlong) return 0;
    if (b->pending_length + len > b->max_line) {
        b->overlong = 1;
        b->pending_length = 0;
        return 0;
    }
    if (b->pending_length + len > b->pending_capacity) {
        size_t capacity = b->pending_capacity ? b->pending_capacity : 4096;
        while (capacity < b->pending_length + len) capacity *= 2;
        char *grown = realloc(b->pending, capacity);
        if (grown == NULL) return fail(b, "out of memory");
        b->pending = grown;
        b->pending_capacity = capacity;
    }
    memcpy(b->pending + b->pending_length, data, len);
    b->pending_length += len;
    return 0;
}

/* decide the line that ends here (its start was kept, or it lies whole in data) */
static void end_line(service_batch *b, const char *data, size_t len, decision_log *log, metrics *m) {
    if (b->pending_length == 0 && !b->overlong) {
        decide_one(b, data, len, log, m);
        return;
    }
    if (keep_pending(b, data, len) != 0) return;
    decide_one(b, b->pending, b->pending_length, log, m);
    b->pending_length = 0;
    b->overlong = 0;
}

int service_batch_feed(service_batch *b, const char *data, size_t len, decision_log *log, metrics *m) {
    if (b->failed) return -1;
    const char *end = data + len;
    while (data < end && !b->failed) {
        const char *newline = memchr(data, '\n', (size_t)(end - data));
        if (newline == NULL) {
            keep_pending(b, data, (size_t)(end - data));
            break;
        }
        end_line(b, data, (size_t)(newline - data), log, m);
        data = newline + 1;
        if (b->w->out.length >= 64 * 1024 && flush(b, log) != 0) return -1;
    }
    if (b->failed) return -1;
    return flush(b, log);
}

int service_batch_finish(service_batch *b, decision_log *log, metrics *m, int *fd, size_t *size) {
    if (b->failed) return -1;
    if (b->pending_length > 0 || b->overlong) end_line(b, "", 0, log, m); /* a last line without '\n' */
    if (flush(b, log) != 0) return -1;
    if (lseek(b->spool, 0, SEEK_SET) != 0) return fail(b, "the spooled answer could not be read back");
    *fd = b->spool;
    *size = b->spooled;
    b->spool = -1;
    return 0;
}
