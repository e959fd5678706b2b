/* polvm.c: the polvm command: decide a JSON Lines stream of records with a compiled policy (.pbc).
 *
 * One output line per input line, in order: the decision, or an error object for a line that cannot be
 * decided. The work of a line is pol_json_decide_line into a worker's buffer; this file only moves bytes
 * in and out, so more workers (--threads) or another line writer (--explain) slot in beside decide_batch. */
#include <errno.h>
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

#define USAGE_LINE "usage: polvm FILE.pbc [RECORDS.jsonl]\n"
static const char usage[] =
    USAGE_LINE
    "Decide each record (one JSON object per line) of RECORDS, or of standard input when it is absent\n"
    "or '-', with the compiled policy FILE.pbc; write one JSON line per input line to standard output:\n"
    "the decision, or {\"line\": N, \"id\": ..., \"error\": ...} for a line that cannot be decided.\n"
    "\n"
    "  --help      show this help and exit\n"
    "  --version   show the runtime and bytecode format versions and exit\n"
    "\n"
    "Exit status: 0 every line was decided, 1 some lines were errors, 2 the program could not be loaded,\n"
    "the input could not be read or the output written, or the command line was wrong.\n";

typedef struct options {
    const char *program_path;
    const char *records_path; /* NULL: standard input */
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

/* What one thread needs to decide lines: its context, its JSON reader, and the buffer its lines go to. */
typedef struct worker {
    pol_context *ctx;
    pol_json_reader *reader;
    pol_json_buffer out;
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

    worker w;
    int status;
    st = worker_init(&w, program);
    if (st != POL_OK) {
        fprintf(stderr, "polvm: %s\n", pol_status_name(st));
        status = EXIT_TROUBLE;
    } else {
        status = decide_stream(&w, in, in_name);
    }
    worker_free(&w);
    if (in != stdin) fclose(in);
    pol_program_free(program);
    if (fclose(stdout) != 0 && status != EXIT_TROUBLE) status = report_write_error();
    return status;
}
