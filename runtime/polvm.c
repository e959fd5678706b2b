/* polvm.c: the polvm command: decide a JSON Lines stream of records with a compiled policy (.pbc).
 *
 * One output line per input line, in order: the decision, or an error object for a line that cannot be
 * decided. The work of a line is pol_json_decide_line into a worker's buffer; this file only moves bytes
 * in and out, so more workers (--threads) or another line writer (--explain) slot in beside decide_batch. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "pol.h"
#include "pol_json.h"

enum { EXIT_DECIDED = 0, EXIT_SOME_ERRORS = 1, EXIT_TROUBLE = 2 };

/* Output is written in batches of about this many bytes. */
#define FLUSH_BYTES (64u * 1024u)
/* Input is read in blocks of this many bytes. */
#define INPUT_BUFFER_BYTES (1u << 20)

#define USAGE_LINE "usage: polvm FILE.pbc [RECORDS.jsonl]\n"
static const char usage[] =
    USAGE_LINE
    "Decide each record (one JSON object per line) of RECORDS, or of standard input when it is absent\n"
    "or '-', with the compiled policy FILE.pbc; write one JSON line per input line to standard output:\n"
    "the decision, or {\"line\": N, \"id\": ..., \"error\": ...} for a line that cannot be decided.\n"
    "\n"
    "  --explain   after each decision, the rules the policy tried: one line each, indented by two spaces\n"
    "              (doc/explain.md)\n"
    "  --help      show this help and exit\n"
    "  --threads N decide with N worker threads (default 1); the output keeps the input's order\n"
    "  --version   show the runtime and bytecode format versions and exit\n"
    "\n"
    "Exit status: 0 every line was decided, 1 some lines were errors, 2 the program could not be loaded,\n"
    "the input could not be read or the output written, or the command line was wrong.\n";

typedef struct options {
    const char *program_path;
    const char *records_path; /* NULL: standard input */
    int explain;              /* --explain */
    int threads;              /* --threads N: workers (0 or 1: decide on this thread) */
} options;

/* -1: a usage error (reported); 0: run; 1: done (help or version printed). */
static int parse_options(int argc, char **argv, options *opt) {
    int positional = 0, only_operands = 0;
    memset(opt, 0, sizeof *opt);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_operands && strcmp(arg, "--") == 0) {
            only_operands = 1;
        } else if (!only_operands && (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)) {
            fputs(usage, stdout);
            return 1;
        } else if (!only_operands && strcmp(arg, "--explain") == 0) {
            opt->explain = 1;
        } else if (!only_operands && (strcmp(arg, "--threads") == 0 || strncmp(arg, "--threads=", 10) == 0)) {
            const char *value = arg[9] == '=' ? arg + 10 : i + 1 < argc ? argv[++i] : "";
            char *end;
            long n = strtol(value, &end, 10);
            if (*value == '\0' || *end != '\0' || n < 1 || n > 256) {
                fprintf(stderr, "polvm: --threads needs a number from 1 to 256, not '%s'\n" USAGE_LINE, value);
                return -1;
            }
            opt->threads = (int)n;
        } else if (!only_operands && strcmp(arg, "--version") == 0) {
            printf("polvm %s (bytecode format %d)\n", pol_version(), pol_format_version());
            return 1;
        } else if (!only_operands && arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr, "polvm: unknown option '%s'\n" USAGE_LINE, arg);
            return -1;
        } else if (positional == 0) {
            opt->program_path = arg;
            positional++;
        } else if (positional == 1) {
            opt->records_path = strcmp(arg, "-") == 0 ? NULL : arg;
            positional++;
        } else {
            fputs("polvm: too many arguments\n" USAGE_LINE, stderr);
            return -1;
        }
    }
    if (positional == 0) {
        fputs("polvm: no program given\n" USAGE_LINE, stderr);
        return -1;
    }
    return 0;
}

/* --explain: the trace's lines for one record, written after its decision line. */
typedef struct explanation {
    char *data;
    size_t length, capacity;
    int failed;
} explanation;

static void explain_event(void *ud, const pol_trace_event *event) {
    explanation *e = ud;
    size_t need = pol_trace_event_text(event, NULL, 0) + 4; /* two spaces, the line, '\n', NUL */
    if (e->failed) return;
    if (e->length + need > e->capacity) {
        size_t capacity = e->capacity ? e->capacity : 4096;
        while (capacity < e->length + need) capacity *= 2;
        char *data = realloc(e->data, capacity);
        if (data == NULL) {
            e->failed = 1;
            return;
        }
        e->data = data;
        e->capacity = capacity;
    }
    memcpy(e->data + e->length, "  ", 2);
    e->length += 2;
    e->length += pol_trace_event_text(event, e->data + e->length, e->capacity - e->length);
    e->data[e->length++] = '\n';
}

/* What one thread needs to decide lines: its context, its JSON reader, and the buffer its lines go to. */
typedef struct worker {
    pol_context *ctx;
    pol_json_reader *reader;
    pol_json_buffer out;
    explanation explain; /* --explain: the lines of the record being decided */
} worker;

static pol_status worker_init(worker *w, const pol_program *program) {
    memset(w, 0, sizeof *w);
    pol_json_buffer_init(&w->out, NULL);
    pol_status st = pol_context_new(program, &w->ctx);
    if (st == POL_OK) st = pol_json_reader_new(program, NULL, &w->reader);
    return st;
}

static void worker_free(worker *w) {
    pol_json_reader_free(w->reader);
    if (w->ctx != NULL) pol_context_free(w->ctx);
    pol_json_buffer_free(&w->out);
    free(w->explain.data);
}

/* Write and empty the buffer; 0 when stdout refused it (errno says why). */
static int flush_out(pol_json_buffer *out) {
    size_t length = out->length;
    out->length = 0;
    return length == 0 || fwrite(out->data, 1, length, stdout) == length;
}

static int report_write_error(void) {
    fprintf(stderr, "polvm: cannot write the output: %s\n", strerror(errno));
    return EXIT_TROUBLE;
}

/* Decide every line of in; returns the exit status. */
static int decide_stream(worker *w, FILE *in, const char *in_name) {
    char *line = NULL;
    size_t capacity = 0, line_no = 0;
    ssize_t n;
    int some_errors = 0, status = EXIT_DECIDED;
    while ((n = getline(&line, &capacity, in)) >= 0) {
        size_t len = (size_t)n; /* getline counts NUL bytes inside the line too */
        if (len > 0 && line[len - 1] == '\n') len--;
        if (pol_json_decide_line(w->reader, w->ctx, line, len, ++line_no, &w->out) != POL_OK) some_errors = 1;
        if (w->explain.length > 0 || w->explain.failed) { /* --explain: the decision, then its explanation */
            int written = flush_out(&w->out) && fwrite(w->explain.data, 1, w->explain.length, stdout) == w->explain.length;
            w->explain.length = 0;
            if (w->explain.failed) w->out.failed = 1;
            if (!written) {
                status = report_write_error();
                break;
            }
        }
        if (w->out.failed) {
            fprintf(stderr, "polvm: out of memory at line %lu\n", (unsigned long)line_no);
            status = EXIT_TROUBLE;
            break;
        }
        if (w->out.length >= FLUSH_BYTES && !flush_out(&w->out)) {
            status = report_write_error();
            break;
        }
    }
    if (status == EXIT_DECIDED && ferror(in)) {
        fprintf(stderr, "polvm: %s: %s\n", in_name, strerror(errno));
        status = EXIT_TROUBLE;
    }
    free(line);
    /* the lines decided before a read error are still written */
    if (status != EXIT_TROUBLE || !ferror(stdout)) {
        if (!flush_out(&w->out) || fflush(stdout) != 0) status = report_write_error();
    }
    if (status == EXIT_DECIDED && some_errors) status = EXIT_SOME_ERRORS;
    return status;
}

/* --threads N: the input is read in blocks of whole lines; N workers, each with its own context and JSON reader,
 * decide whole blocks; this thread reads the input, hands out blocks and writes their output back in input
 * order. It does no per-line work beyond counting the lines (a worker needs its block's first line number), so
 * it takes little of a core the workers share with it. */
#define BATCH_BYTES (128u * 1024u)

enum { BATCH_FREE, BATCH_FILLED, BATCH_DONE };

typedef struct batch {
    char *bytes; /* whole lines, each ended by '\n' but perhaps the input's last */
    size_t nbytes, bytes_capacity;
    size_t nlines, first_line; /* line number of the first line */
    pol_json_buffer out;
    int some_errors;
    size_t failed_line; /* out of memory at this line (out.failed) */
    int state;
} batch;

typedef struct pool {
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    batch *batches;
    size_t nbatches;
    size_t next_fill, next_take, next_write; /* batch sequence numbers; a batch's slot is seq % nbatches */
    int closing;
} pool;

typedef struct pool_worker {
    worker w;
    pool *pool;
    pthread_t thread;
    int started;
} pool_worker;

static void decide_batch(worker *w, batch *b) {
    b->out.length = 0;
    b->some_errors = 0;
    const char *at = b->bytes, *end = b->bytes + b->nbytes;
    for (size_t line_no = b->first_line; at < end && !b->out.failed; line_no++) {
        const char *newline = memchr(at, '\n', (size_t)(end - at));
        size_t length = (size_t)((newline != NULL ? newline : end) - at);
        if (pol_json_decide_line(w->reader, w->ctx, at, length, line_no, &b->out) != POL_OK) b->some_errors = 1;
        if (b->out.failed) b->failed_line = line_no;
        at += length + 1;
    }
}

static void *pool_work(void *arg) {
    pool_worker *pw = arg;
    pool *p = pw->pool;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->next_take == p->next_fill && !p->closing) pthread_cond_wait(&p->work, &p->lock);
        if (p->next_take == p->next_fill) break;
        batch *b = &p->batches[p->next_take++ % p->nbatches];
        pthread_mutex_unlock(&p->lock);
        decide_batch(&pw->w, b);
        pthread_mutex_lock(&p->lock);
        b->state = BATCH_DONE;
        pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* The bytes read after a block's last newline: the start of the next block's first line. */
typedef struct carry {
    char *bytes;
    size_t length, capacity;
    size_t line_no; /* lines handed out so far */
    int at_end;     /* the input has no more bytes (or could not be read: ferror says) */
} carry;

static int reserve(char **bytes, size_t *capacity, size_t need) {
    if (need <= *capacity) return 1;
    size_t want = *capacity ? *capacity : BATCH_BYTES;
    while (want < need) want *= 2;
    char *grown = realloc(*bytes, want);
    if (grown == NULL) return 0;
    *bytes = grown;
    *capacity = want;
    return 1;
}

/* Fill b with the carried bytes and whole lines read after them: at least BATCH_BYTES of input when there is
 * that much, more when a line is longer; the last line of the input may have no newline. Returns 1 when b holds
 * lines, 0 at the end of the input, -1 out of memory. */
static int fill_batch(batch *b, FILE *in, carry *c) {
    b->nbytes = 0;
    b->first_line = c->line_no + 1;
    if (!reserve(&b->bytes, &b->bytes_capacity, c->length + BATCH_BYTES)) return -1;
    if (c->length > 0) memcpy(b->bytes, c->bytes, c->length);
    b->nbytes = c->length;
    c->length = 0;
    const char *last_newline = NULL;
    size_t newlines = 0; /* the carried bytes hold none */
    while (!c->at_end) {
        size_t scanned = b->nbytes;
        if (b->bytes_capacity - b->nbytes < BATCH_BYTES / 2 &&
            !reserve(&b->bytes, &b->bytes_capacity, b->nbytes + BATCH_BYTES))
            return -1;
        size_t got = fread(b->bytes + b->nbytes, 1, b->bytes_capacity - b->nbytes, in);
        b->nbytes += got;
        if (got == 0 || feof(in) || ferror(in)) c->at_end = 1;
        for (const char *at = b->bytes + scanned, *end = b->bytes + b->nbytes;
             (at = memchr(at, '\n', (size_t)(end - at))) != NULL; at++) {
            last_newline = at;
            newlines++;
        }
        if (last_newline != NULL) break; /* a line longer than what was read so far: read on */
    }
    size_t whole = c->at_end ? b->nbytes : (size_t)(last_newline + 1 - b->bytes);
    if (whole < b->nbytes) { /* the rest starts the next block */
        if (!reserve(&c->bytes, &c->capacity, b->nbytes - whole)) return -1;
        memcpy(c->bytes, b->bytes + whole, b->nbytes - whole);
        c->length = b->nbytes - whole;
        b->nbytes = whole;
    }
    /* at the end, bytes after the last newline are the input's last line */
    b->nlines = newlines + (b->nbytes > (last_newline != NULL ? (size_t)(last_newline + 1 - b->bytes) : 0));
    c->line_no += b->nlines;
    return b->nlines > 0;
}

/* Decide every line of in with nthreads workers; returns the exit status. */
static int decide_stream_threads(const pol_program *program, int nthreads, FILE *in, const char *in_name) {
    pool p;
    memset(&p, 0, sizeof p);
    p.nbatches = 4 * (size_t)nthreads;
    p.batches = calloc(p.nbatches, sizeof *p.batches);
    pool_worker *workers = calloc((size_t)nthreads, sizeof *workers);
    int status = EXIT_DECIDED, some_errors = 0;
    if (p.batches == NULL || workers == NULL) {
        free(p.batches);
        free(workers);
        fputs("polvm: out of memory\n", stderr);
        return EXIT_TROUBLE;
    }
    for (size_t i = 0; i < p.nbatches; i++) pol_json_buffer_init(&p.batches[i].out, NULL);
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.work, NULL);
    pthread_cond_init(&p.done, NULL);
    for (int i = 0; i < nthreads && status == EXIT_DECIDED; i++) {
        workers[i].pool = &p;
        pol_status st = worker_init(&workers[i].w, program);
        if (st != POL_OK) {
            fprintf(stderr, "polvm: %s\n", pol_status_name(st));
            status = EXIT_TROUBLE;
        } else if (pthread_create(&workers[i].thread, NULL, pool_work, &workers[i]) != 0) {
            fputs("polvm: cannot start a thread\n", stderr);
            status = EXIT_TROUBLE;
        } else {
            workers[i].started = 1;
        }
    }
    carry rest = {NULL, 0, 0, 0, 0};
    int at_end = status != EXIT_DECIDED, stop = at_end; /* stop: write nothing more, only wait for the workers */
    pthread_mutex_lock(&p.lock);
    for (;;) {
        /* write the finished batches, in order */
        while (p.next_write < p.next_fill && p.batches[p.next_write % p.nbatches].state == BATCH_DONE) {
            batch *b = &p.batches[p.next_write % p.nbatches];
            pthread_mutex_unlock(&p.lock);
            if (!stop) {
                some_errors |= b->some_errors;
                if (b->out.length > 0 && fwrite(b->out.data, 1, b->out.length, stdout) != b->out.length) {
                    status = report_write_error();
                    stop = at_end = 1;
                } else if (b->out.failed) {
                    fprintf(stderr, "polvm: out of memory at line %lu\n", (unsigned long)b->failed_line);
                    status = EXIT_TROUBLE;
                    stop = at_end = 1;
                }
            }
            pthread_mutex_lock(&p.lock);
            b->state = BATCH_FREE;
            p.next_write++;
        }
        if (at_end && p.next_write == p.next_fill) break;
        if (!at_end && p.next_fill - p.next_write < p.nbatches) {
            batch *b = &p.batches[p.next_fill % p.nbatches]; /* free: this thread alone touches it now */
            pthread_mutex_unlock(&p.lock);
            int filled = fill_batch(b, in, &rest);
            pthread_mutex_lock(&p.lock);
            if (filled < 0) {
                fputs("polvm: out of memory\n", stderr);
                status = EXIT_TROUBLE;
                at_end = 1;
            } else if (filled == 0) {
                at_end = 1;
            } else {
                b->state = BATCH_FILLED;
                p.next_fill++;
                pthread_cond_signal(&p.work);
            }
            continue;
        }
        pthread_cond_wait(&p.done, &p.lock);
    }
    p.closing = 1;
    pthread_cond_broadcast(&p.work);
    pthread_mutex_unlock(&p.lock);
    for (int i = 0; i < nthreads; i++) {
        if (workers[i].started) pthread_join(workers[i].thread, NULL);
        worker_free(&workers[i].w);
    }
    if (status == EXIT_DECIDED && ferror(in)) {
        fprintf(stderr, "polvm: %s: %s\n", in_name, strerror(errno));
        status = EXIT_TROUBLE;
    }
    if (status != EXIT_TROUBLE || !ferror(stdout)) {
        if (fflush(stdout) != 0) status = report_write_error();
    }
    free(rest.bytes);
    for (size_t i = 0; i < p.nbatches; i++) {
        pol_json_buffer_free(&p.batches[i].out);
        free(p.batches[i].bytes);
    }
    free(p.batches);
    free(workers);
    pthread_cond_destroy(&p.work);
    pthread_cond_destroy(&p.done);
    pthread_mutex_destroy(&p.lock);
    if (status == EXIT_DECIDED && some_errors) status = EXIT_SOME_ERRORS;
    return status;
}

int main(int argc, char **argv) {
    /* a closed pipe is a write error to report, not a reason to die */
    signal(SIGPIPE, SIG_IGN);
    options opt;
    int parsed = parse_options(argc, argv, &opt);
    if (parsed != 0) {
        if (parsed > 0 && fflush(stdout) != 0) return report_write_error();
        return parsed > 0 ? EXIT_DECIDED : EXIT_TROUBLE;
    }

    char reason[256] = "";
    pol_program *program = NULL;
    pol_status st = pol_program_load_file(opt.program_path, NULL, &program, reason, sizeof reason);
    if (st != POL_OK) {
        fprintf(stderr, "polvm: %s: %s\n", opt.program_path, reason[0] != '\0' ? reason : pol_status_name(st));
        return EXIT_TROUBLE;
    }

    FILE *in = stdin;
    const char *in_name = "standard input";
    if (opt.records_path != NULL) {
        in = fopen(opt.records_path, "rb");
        in_name = opt.records_path;
        if (in == NULL) {
            fprintf(stderr, "polvm: %s: %s\n", opt.records_path, strerror(errno));
            pol_program_free(program);
            return EXIT_TROUBLE;
        }
    }
    /* stdio reads a file 4 KiB at a time, a system call every five records or so: read in large blocks (glibc
     * takes the size only with a buffer given). The input is closed before the buffer goes, standard input too. */
    char *in_buffer = malloc(INPUT_BUFFER_BYTES);
    if (in_buffer != NULL) setvbuf(in, in_buffer, _IOFBF, INPUT_BUFFER_BYTES);

    if (opt.threads > 1 && !opt.explain) { /* --explain traces one context, so it stays on one thread */
        int status = decide_stream_threads(program, opt.threads, in, in_name);
        fclose(in);
        free(in_buffer);
        pol_program_free(program);
        if (fclose(stdout) != 0 && status != EXIT_TROUBLE) status = report_write_error();
        return status;
    }

    worker w;
    int status;
    st = worker_init(&w, program);
    if (st == POL_OK && opt.explain) st = pol_context_set_trace(w.ctx, explain_event, &w.explain);
    if (st != POL_OK) {
        fprintf(stderr, "polvm: %s\n", pol_status_name(st));
        status = EXIT_TROUBLE;
    } else {
        status = decide_stream(&w, in, in_name);
    }
    worker_free(&w);
    fclose(in);
    free(in_buffer);
    pol_program_free(program);
    if (fclose(stdout) != 0 && status != EXIT_TROUBLE) status = report_write_error();
    return status;
}
