/* sqlite_client.c: a small application that loads the pol extension with sqlite3_load_extension and runs SQL,
 * for tests/sqlite/run.py (and, built with sanitizers, to run the extension under them).
 *
 *     sqlite_client [-f N | --refuse-each] EXTENSION DATABASE [-b FILE] SQL...
 *
 * Opens DATABASE, loads EXTENSION and runs each SQL argument (one statement) on that connection, in order; -b
 * binds FILE's bytes as a blob to parameter ?1 of every statement after it. Prints each row's columns separated
 * by '|', NULL as NULL, one row per line. An SQL error: "error: <message>" on standard error, exit status 1.
 *
 * Out of memory, through SQLite's allocator (which the extension gives libpol too):
 *   -f N           refuse the N-th allocation and every later one; "allocations: <count>" on standard error.
 *   --refuse-each  run the whole session once to count its allocations, then once more for each N, refusing
 *                  from the N-th on; each run must end in an SQL error or print exactly the first run's rows.
 *                  Prints "refused each of N allocations: M wrong"; exit status 1 when M > 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* The allocator SQLite was configured with, wrapped to count its calls and refuse from the N-th on. The test
 * program's own global state: SQLite keeps one allocator per process. */
static sqlite3_mem_methods real_allocator;
static long allocations, refuse_from;

static int refuse_now(void) { return ++allocations >= refuse_from && refuse_from > 0; }
static void *counted_malloc(int size) { return refuse_now() ? NULL : real_allocator.xMalloc(size); }
static void *counted_realloc(void *p, int size) { return refuse_now() ? NULL : real_allocator.xRealloc(p, size); }

static void count_allocations(void) {
    sqlite3_mem_methods counted;
    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_allocator);
    counted = real_allocator;
    counted.xMalloc = counted_malloc;
    counted.xRealloc = counted_realloc;
    sqlite3_config(SQLITE_CONFIG_MALLOC, &counted);
}

static unsigned char *read_file(const char *path, long *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char *bytes = NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (*size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (bytes = malloc((size_t)*size + 1)) && fread(bytes, 1, (size_t)*size, f) != (size_t)*size) {
        free(bytes);
        bytes = NULL;
    }
    fclose(f);
    return bytes;
}

/* Where a session writes: rows to out, error lines to errors (NULL: silent). */
typedef struct output {
    FILE *out, *errors;
} output;

static void report(const output *o, const char *what, const char *detail) {
    if (o->errors) fprintf(o->errors, "error: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
}

static int run(sqlite3 *db, const char *sql, const unsigned char *blob, long blob_size, const output *o) {
    sqlite3_stmt *statement = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &statement, NULL);
    if (rc == SQLITE_OK && blob && sqlite3_bind_parameter_count(statement) >= 1)
        rc = sqlite3_bind_blob(statement, 1, blob, (int)blob_size, SQLITE_STATIC);
    while (rc == SQLITE_OK && (rc = sqlite3_step(statement)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        for (int i = 0; i < sqlite3_column_count(statement) && rc == SQLITE_OK; i++) {
            if (i) putc('|', o->out);
            const unsigned char *text = sqlite3_column_text(statement, i);
            if (text) fwrite(text, 1, (size_t)sqlite3_column_bytes(statement, i), o->out);
            else if (sqlite3_column_type(statement, i) == SQLITE_NULL) fputs("NULL", o->out);
            else rc = SQLITE_NOMEM; /* the value could not be made text */
        }
        putc('\n', o->out);
    }
    if (rc == SQLITE_NOMEM) report(o, "out of memory reading a column", NULL);
    else if (rc != SQLITE_DONE) report(o, sqlite3_errmsg(db), NULL);
    sqlite3_finalize(statement);
    return rc == SQLITE_DONE ? 0 : 1;
}

/* Open, load, run the statements, close: 0 when everything ran. */
static int session(const char *extension, const char *database, int nargs, char **args, const output *o) {
    sqlite3 *db = NULL;
    if (sqlite3_open(database, &db) != SQLITE_OK) {
        report(o, database, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return 1;
    }
    char *error = NULL;
    int status = 0;
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 1, NULL);
    if (sqlite3_load_extension(db, extension, NULL, &error) != SQLITE_OK) {
        report(o, "cannot load the extension", error ? error : "no reason given");
        status = 1;
    }
    sqlite3_free(error);
    unsigned char *blob = NULL;
    long blob_size = 0;
    for (int i = 0; i < nargs && status == 0; i++) {
        if (strcmp(args[i], "-b") == 0 && i + 1 < nargs) {
            free(blob);
            if (!(blob = read_file(args[++i], &blob_size))) {
                report(o, "cannot read", args[i]);
                status = 1;
            }
            continue;
        }
        status = run(db, args[i], blob, blob_size, o);
    }
    free(blob);
    if (sqlite3_close(db) != SQLITE_OK) {
        report(o, "close", sqlite3_errmsg(db));
        status = 1;
    }
    return status;
}

/* The session in memory: its status, and its rows in *rows (*length bytes; free it). */
static int captured_session(const char *extension, const char *database, int nargs, char **args, char **rows,
                            size_t *length, FILE *errors) {
    output o = {open_memstream(rows, length), errors};
    if (!o.out) return 2;
    int status = session(extension, database, nargs, args, &o);
    fclose(o.out);
    return status;
}

static int refuse_each(const char *extension, const char *database, int nargs, char **args) {
    char *expected = NULL;
    size_t expected_length = 0;
    allocations = refuse_from = 0;
    if (captured_session(extension, database, nargs, args, &expected, &expected_length, stderr) != 0) {
        free(expected);
        return 1;
    }
    long total = allocations, wrong = 0;
    for (long n = 1; n <= total; n++) {
        char *rows = NULL;
        size_t length = 0;
        allocations = 0;
        refuse_from = n;
        int status = captured_session(extension, database, nargs, args, &rows, &length, NULL);
        refuse_from = 0;
        if (status > 1 || (status == 0 && (length != expected_length || memcmp(rows, expected, length) != 0))) {
            if (wrong++ < 3) fprintf(stderr, "allocation %ld refused: %s\n", n,
                                     status == 0 ? "the session succeeded with other rows" : "no output");
        }
        free(rows);
    }
    free(expected);
    printf("refused each of %ld allocations: %ld wrong\n", total, wrong);
    return wrong ? 1 : 0;
}

int main(int argc, char **argv) {
    int refusing_each = argc > 1 && strcmp(argv[1], "--refuse-each") == 0;
    int refusing_from = argc > 2 && strcmp(argv[1], "-f") == 0;
    if (refusing_each || refusing_from) {
        count_allocations();
        refuse_from = refusing_from ? atol(argv[2]) : 0;
        argv += refusing_from ? 2 : 1;
        argc -= refusing_from ? 2 : 1;
    }
    if (argc < 3) {
        fputs("usage: sqlite_client [-f N | --refuse-each] EXTENSION DATABASE [-b FILE] SQL...\n", stderr);
        return 2;
    }
    if (refusing_each) return refuse_each(argv[1], argv[2], argc - 3, argv + 3);
    output o = {stdout, stderr};
    int status = session(argv[1], argv[2], argc - 3, argv + 3, &o);
    if (refusing_from) fprintf(stderr, "allocations: %ld\n", allocations);
    return status;
}
