/* bench_eval.c: the in-process figures of `make bench` for one compiled policy:
 *   - evaluation alone: many records bound (through the JSON layer) into their own contexts beforehand, then
 *     pol_evaluate over them round after round; nanoseconds of thread CPU time per decision;
 *   - steady state: one context and one JSON reader decide every line of the file (pol_json_decide_line);
 *     allocator calls after the first 1,000 lines (must be 0), and the bytes a context holds at most;
 *   - evaluation right after binding: one context binds each of the first 50,000 lines and evaluates it, as
 *     polvm does, so the record is in the cache when it is decided; the CPU time of binding alone over the
 *     same lines is subtracted (best of 3 each); nanoseconds per decision;
 *   - JSON parse alone: yajl's SAX parser over every line with callbacks that do nothing, a fresh handle per
 *     line as the JSON layer made it before simdjson: the floor yajl set under pol_json_bind; and simdjson's
 *     floor (parse_simdjson.cpp): On-Demand visiting every value, and the DOM parse; CPU ns per line, best of 3.
 * usage: bench_eval FILE.pbc RECORDS.jsonl [--records M] [--rounds R] [--specialties FILE]
 * --specialties: spread the records over the values listed (one a line) by setting their "specialty"
 * after binding, so that a policy with a large key enum is exercised across its routes.
 * Prints one line of key=value pairs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_parse.h>

#include "pol.h"
#include "pol_json.h"

/* parse_simdjson.cpp: CPU seconds for one simdjson pass over the lines; mode 0: On-Demand visiting every value,
 * 1: the DOM parser, 2: the first pass alone (iterate_raw), every token touched */
double pol_bench_simdjson_parse(const char *text, size_t len, int mode, size_t *lines, size_t *bad);

/* Bytes the file is followed by in memory, so that simdjson may parse its lines in place (SIMDJSON_PADDING). */
#define PADDING 64

/* A counting allocator: calls and live bytes, so the bench can say what a context holds and whether deciding
 * a record allocates. */
typedef struct counter {
    size_t calls, live, peak;
} counter;

static void *counting_alloc(void *ud, void *ptr, size_t oldsize, size_t newsize) {
    counter *c = ud;
    c->calls++;
    c->live = c->live - oldsize + newsize;
    if (c->live > c->peak) c->peak = c->live;
    if (newsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, newsize);
}

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double wall_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    size_t cap = 1 << 20, n = 0, got;
    char *data = malloc(cap);
    while (data != NULL && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) data = realloc(data, cap *= 2);
    }
    fclose(f);
    if (data != NULL && n + PADDING > cap) data = realloc(data, n + PADDING);
    if (data != NULL) memset(data + n, ' ', PADDING);
    *len = n;
    return data;
}

/* ---- JSON parse alone: callbacks that only let yajl go on ---- */
static int on_null(void *ud) {
    (void)ud;
    return 1;
}
static int on_bool(void *ud, int b) {
    (void)b;
    return on_null(ud);
}
static int on_number(void *ud, const char *s, size_t n) {
    (void)s;
    (void)n;
    return on_null(ud);
}
static int on_text(void *ud, const unsigned char *s, size_t n) {
    (void)s;
    (void)n;
    return on_null(ud);
}
static const yajl_callbacks parse_only = {on_null, on_bool, NULL, NULL, on_number, on_text,
                                          on_null, on_text, on_null, on_null, on_null};

/* CPU seconds to parse every line of text once; lines that are not JSON count in *bad. */
static double parse_all(const char *text, size_t text_len, size_t *lines, size_t *bad) {
    double t0 = cpu_seconds();
    *lines = *bad = 0;
    for (const char *p = text, *end = text + text_len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL) nl = end;
        yajl_handle h = yajl_alloc(&parse_only, NULL, NULL);
        if (h == NULL || yajl_parse(h, (const unsigned char *)p, (size_t)(nl - p)) != yajl_status_ok ||
            yajl_complete_parse(h) != yajl_status_ok)
            ++*bad;
        if (h != NULL) yajl_free(h);
        ++*lines;
        p = nl + 1;
    }
    return cpu_seconds() - t0;
}

/* CPU seconds for one context to bind the first `limit` lines of text, each evaluated after binding when
 * `evaluate` (a record that fails to bind or evaluate counts in *failed); *done: the lines taken. */
static double bind_lines(pol_json_reader *reader, pol_context *ctx, const char *text, size_t text_len, size_t limit,
                         int evaluate, int specialty, const char *const *spread, size_t nspread, size_t *done, size_t *failed) {
    double t0 = cpu_seconds();
    *done = *failed = 0;
    for (const char *p = text, *end = text + text_len; p < end && *done < limit;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL) nl = end;
        int ok = pol_json_bind(reader, ctx, p, (size_t)(nl - p)) == POL_OK;
        if (ok && nspread > 0) {
            const char *name = spread[(*done * 7919u) % nspread];
            ok = pol_set_enum(ctx, specialty, name, strlen(name)) == POL_OK;
        }
        if (ok && evaluate) ok = pol_evaluate(ctx) == POL_OK;
        if (!ok) ++*failed;
        ++*done;
        p = nl + 1;
    }
    return cpu_seconds() - t0;
}

static int die(const char *what, const char *detail) {
    fprintf(stderr, "bench_eval: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 3) return die("usage: bench_eval FILE.pbc RECORDS.jsonl [--records M] [--rounds R] [--specialties FILE]", NULL);
    size_t nrecords = 2000, rounds = 25;
    const char *spread_path = NULL;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--records") == 0) nrecords = strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--rounds") == 0) rounds = strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--specialties") == 0) spread_path = argv[i + 1];
        else return die("unknown option", argv[i]);
    }
    counter count = {0, 0, 0};
    pol_config config = {counting_alloc, &count, {0, 0, 0, 0, 0, 0, 0}};
    char reason[256] = "";
    pol_program *program;
    if (pol_program_load_file(argv[1], &config, &program, reason, sizeof reason) != POL_OK) return die(argv[1], reason);
    size_t text_len, names_len = 0;
    char *text = slurp(argv[2], &text_len), *names = NULL;
    if (text == NULL) return die("cannot read", argv[2]);
    const char *spread[1 << 15];
    size_t nspread = 0;
    if (spread_path != NULL) {
        if ((names = slurp(spread_path, &names_len)) == NULL) return die("cannot read", spread_path);
        for (char *p = names, *end = names + names_len; p < end && nspread < sizeof spread / sizeof *spread;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            if (nl == NULL) nl = end;
            *nl = '\0';
            if (nl > p) spread[nspread++] = p;
            p = nl + 1;
        }
    }
    int specialty = pol_field_slot(program, "specialty", 9);

    pol_json_reader *reader;
    if (pol_json_reader_new(program, &config, &reader) != POL_OK) return die("no reader", NULL);

    /* ---- evaluation alone ---- */
    pol_context **ctx = calloc(nrecords, sizeof *ctx);
    size_t bound = 0;
    for (char *p = text, *end = text + text_len; p < end && bound < nrecords;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL) nl = end;
        if (pol_context_new(program, &ctx[bound]) != POL_OK) return die("no context", NULL);
        if (pol_json_bind(reader, ctx[bound], p, (size_t)(nl - p)) != POL_OK) return die("bind", pol_json_error(reader));
        if (nspread > 0) {
            const char *name = spread[(bound * 7919u) % nspread];
            if (pol_set_enum(ctx[bound], specialty, name, strlen(name)) != POL_OK) return die("spread", name);
        }
        if (pol_evaluate(ctx[bound]) != POL_OK) return die("evaluate", pol_context_error(ctx[bound]));
        bound++;
        p = nl + 1;
    }
    if (bound == 0) return die("no records", argv[2]);
    size_t calls_before = count.calls;
    double best = 1e30, cpu0 = cpu_seconds(), wall0 = wall_seconds();
    for (size_t r = 0; r < rounds; r++) {
        double t0 = cpu_seconds();
        for (size_t i = 0; i < bound; i++)
            if (pol_evaluate(ctx[i]) != POL_OK) return die("evaluate", pol_context_error(ctx[i]));
        double t = cpu_seconds() - t0;
        if (t < best) best = t;
    }
    double cpu = cpu_seconds() - cpu0, wall = wall_seconds() - wall0;
    size_t eval_calls = count.calls - calls_before;
    for (size_t i = 0; i < bound; i++) pol_context_free(ctx[i]);
    free(ctx);

    /* ---- steady state: one context, every line of the file ---- */
    size_t live_before = count.live;
    pol_context *one;
    if (pol_context_new(program, &one) != POL_OK) return die("no context", NULL);
    size_t context_new_bytes = count.live - live_before, context_max = context_new_bytes;
    pol_json_buffer out;
    pol_json_buffer_init(&out, &config);
    size_t lines = 0, steady_calls = 0, warm = 1000, errors = 0;
    for (char *p = text, *end = text + text_len; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL) nl = end;
        size_t before = count.calls;
        out.length = 0;
        if (pol_json_decide_line(reader, one, p, (size_t)(nl - p), ++lines, &out) != POL_OK) errors++;
        if (lines > warm) steady_calls += count.calls - before;
        if (count.live - live_before > context_max) context_max = count.live - live_before;
        p = nl + 1;
    }
    pol_json_buffer_free(&out);

    /* ---- evaluation right after binding ---- */
    double bind_best = 1e30, both_best = 1e30;
    size_t fresh = 0, fresh_failed = 0;
    for (int pass = 0; pass < 3; pass++) {
        double t = bind_lines(reader, one, text, text_len, 50000, 0, specialty, spread, nspread, &fresh, &fresh_failed);
        if (t < bind_best) bind_best = t;
        t = bind_lines(reader, one, text, text_len, 50000, 1, specialty, spread, nspread, &fresh, &fresh_failed);
        if (t < both_best) both_best = t;
    }
    if (fresh_failed > 0) return die("a record failed to bind or evaluate", NULL);
    pol_context_free(one);
    pol_json_reader_free(reader);
    pol_program_free(program);

    /* ---- JSON parse alone ---- */
    double parse_best = 1e30;
    size_t parse_lines = 0, parse_bad = 0;
    for (int pass = 0; pass < 3; pass++) {
        double t = parse_all(text, text_len, &parse_lines, &parse_bad);
        if (t < parse_best) parse_best = t;
    }
    double simdjson_best[3] = {1e30, 1e30, 1e30};
    size_t simdjson_lines = 0, simdjson_bad[3] = {0, 0, 0};
    for (int pass = 0; pass < 3; pass++)
        for (int mode = 0; mode < 3; mode++) {
            double t = pol_bench_simdjson_parse(text, text_len, mode, &simdjson_lines, &simdjson_bad[mode]);
            if (t < simdjson_best[mode]) simdjson_best[mode] = t;
        }
    double per_line = (double)(simdjson_lines ? simdjson_lines : 1);
    printf("records=%zu rounds=%zu ns_per_decision=%.1f best_round_ns=%.1f wall_ns=%.1f eval_allocs=%zu "
           "lines=%zu errors=%zu steady_allocs=%zu context_new_bytes=%zu context_max_bytes=%zu "
           "simdjson_ns=%.1f simdjson_dom_ns=%.1f simdjson_tokens_ns=%.1f simdjson_bad=%zu "
           "parse_only_ns=%.1f parse_only_bad=%zu fresh_records=%zu fresh_eval_ns=%.1f fresh_bind_ns=%.1f\n",
           bound, rounds, cpu * 1e9 / (double)(bound * rounds), best * 1e9 / (double)bound,
           wall * 1e9 / (double)(bound * rounds), eval_calls, lines, errors, lines > warm ? steady_calls : 0,
           context_new_bytes, context_max, simdjson_best[0] * 1e9 / per_line, simdjson_best[1] * 1e9 / per_line,
           simdjson_best[2] * 1e9 / per_line, simdjson_bad[0] + simdjson_bad[1] + simdjson_bad[2], parse_best * 1e9 / (double)(parse_lines ? parse_lines : 1), parse_bad,
           fresh, (both_best - bind_best) * 1e9 / (double)(fresh ? fresh : 1), bind_best * 1e9 / (double)(fresh ? fresh : 1));
    free(names);
    free(text);
    return 0;
}
