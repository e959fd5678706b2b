/* pol_sqlite.c: the SQLite extension's entry point and its scalar functions pol_decide, pol_policy_info and
 * pol_cache_info (doc/database.md).
 *
 *     .load pol_sqlite
 *     SELECT pol_decide('suzhou-2024.pbc', record) FROM applicants;
 */
#include <string.h>

#include "pol_sqlite.h"

/* The host's routine table, set when a connection loads the extension. This is SQLite's own mechanism for a
 * loadable extension (every connection of the process gets the same table); it is the one mutable global of
 * the extension, written before any function can run. */
SQLITE_EXTENSION_INIT1

/* JSON text marked as such, as SQLite's json functions mark their results ('J'), so that json_object() and
 * json_array() embed a decision as an object instead of quoting it as a string. */
#define JSON_SUBTYPE 'J'
/* SQLite 3.45 asks functions that set a subtype to say so (SQLITE_RESULT_SUBTYPE, 0x1000000); older versions
 * ignore the flag, so it is passed whatever the headers this is built with. */
#ifndef SQLITE_RESULT_SUBTYPE
#define SQLITE_RESULT_SUBTYPE 0x001000000
#endif

static void result_json(sqlite3_context *call, const char *json, size_t length) {
    sqlite3_result_text64(call, json, (sqlite3_uint64)length, SQLITE_TRANSIENT, SQLITE_UTF8);
    sqlite3_result_subtype(call, JSON_SUBTYPE);
}

/* A buffer whose append failed stays failed until freed (pol_json.h): start it again for the next call. */
static void restart_buffer(polsql_program *program, polsql_cache *cache) {
    pol_json_buffer_free(&program->out);
    pol_json_buffer_init(&program->out, &cache->config);
}

/* pol_decide(policy, record_json): the decision polvm writes for the record as line 1 of a stream, without the
 * newline; a record that is refused gives the error object {"line": 1, "id": ..., "error": ...}. NULL when the
 * policy or the record is NULL. A policy that cannot be loaded is an SQL error with the loader's reason. */
static void pol_decide_function(sqlite3_context *call, int argc, sqlite3_value **argv) {
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(call);
        return;
    }
    polsql_program *program = polsql_policy_argument(call, argv[0], "pol_decide");
    if (!program) return;
    /* text, or a blob holding the JSON text; numbers come as their text (not an object: an error object) */
    const char *record = sqlite3_value_type(argv[1]) == SQLITE_BLOB ? sqlite3_value_blob(argv[1])
                                                                     : (const char *)sqlite3_value_text(argv[1]);
    size_t length = (size_t)sqlite3_value_bytes(argv[1]);
    if (!record) {
        /* an empty blob has no pointer; a text value has none only when SQLite ran out of memory converting it */
        if (sqlite3_value_type(argv[1]) != SQLITE_BLOB || length > 0) {
            sqlite3_result_error_nomem(call);
            return;
        }
        record = "";
    }
    program->out.length = 0;
    pol_json_decide_line(program->reader, program->context, record, length, 1, &program->out);
    if (program->out.failed || program->out.length == 0) {
        restart_buffer(program, sqlite3_user_data(call));
        sqlite3_result_error_nomem(call);
        return;
    }
    result_json(call, program->out.data, program->out.length - 1); /* the line without its '\n' */
}

/* pol_policy_info(policy): the program's facts as JSON (pol_json_write_program_info): name, version, digest,
 * source_sha256, compiler_version, format_version. NULL for a NULL policy. */
static void pol_policy_info_function(sqlite3_context *call, int argc, sqlite3_value **argv) {
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(call);
        return;
    }
    polsql_program *program = polsql_policy_argument(call, argv[0], "pol_policy_info");
    if (!program) return;
    program->out.length = 0;
    if (pol_json_write_program_info(program->program, &program->out) != POL_OK || program->out.failed) {
        restart_buffer(program, sqlite3_user_data(call));
        sqlite3_result_error_nomem(call);
        return;
    }
    result_json(call, program->out.data, program->out.length);
}

/* pol_cache_info(): how this connection found its programs, as JSON: {"programs": cached now, "loads": loaded
 * and verified, "refusals": .pbc refused by the loader, "cache_hits": a statement's policy found without
 * loading, "statement_hits": rows whose statement had kept its policy}. A million rows of one policy show one
 * load; the tests read it to prove so. */
static void pol_cache_info_function(sqlite3_context *call, int argc, sqlite3_value **argv) {
    (void)argc;
    (void)argv;
    const polsql_cache *cache = sqlite3_user_data(call);
    char *json = sqlite3_mprintf("{\"programs\":%d,\"loads\":%lld,\"refusals\":%lld,\"cache_hits\":%lld,"
                                 "\"statement_hits\":%lld}",
                                 cache->count, cache->loads, cache->refusals, cache->cache_hits,
                                 cache->statement_hits);
    if (!json) {
        sqlite3_result_error_nomem(call);
        return;
    }
    result_json(call, json, strlen(json));
    sqlite3_free(json);
}

int polsql_register_functions(sqlite3 *db, polsql_cache *cache) {
    /* Deterministic: the same policy bytes and record give the same decision. Not SQLITE_INNOCUOUS, since a
     * text policy reads a file: with PRAGMA trusted_schema=OFF a view or trigger of an untrusted database
     * cannot call them. Each registration holds a reference on the cache, released by SQLite. */
    static const struct {
        const char *name;
        int arguments;
        void (*call)(sqlite3_context *, int, sqlite3_value **);
        int flags;
    } functions[] = {
        {"pol_decide", 2, pol_decide_function, SQLITE_DETERMINISTIC},
        {"pol_policy_info", 1, pol_policy_info_function, SQLITE_DETERMINISTIC},
        {"pol_cache_info", 0, pol_cache_info_function, 0},
    };
    size_t count = sizeof functions / sizeof functions[0];
    for (size_t i = 0; i < count; i++) {
        polsql_cache_retain(cache);
        int rc = sqlite3_create_function_v2(db, functions[i].name, functions[i].arguments,
                                            SQLITE_UTF8 | functions[i].flags | SQLITE_RESULT_SUBTYPE, cache,
                                            functions[i].call, NULL, NULL, polsql_cache_release);
        if (rc != SQLITE_OK) { /* SQLite has called the destructor: that reference is gone */
            /* SQLite unloads the library when its init fails: leave no function (nor destructor) pointing in */
            while (i-- > 0)
                sqlite3_create_function_v2(db, functions[i].name, functions[i].arguments, SQLITE_UTF8, NULL, NULL,
                                           NULL, NULL, NULL);
            return rc;
        }
    }
    return SQLITE_OK;
}

/* The entry point SQLite derives from the file name pol_sqlite.so ("sqlite3_" + "polsqlite" + "_init"). */
__attribute__((visibility("default"))) int sqlite3_polsqlite_init(sqlite3 *db, char **error,
                                                                  const sqlite3_api_routines *api) {
    SQLITE_EXTENSION_INIT2(api);
    polsql_cache *cache = polsql_cache_new();
    if (!cache) return SQLITE_NOMEM;
    /* on failure SQLite unloads the library at once: each step takes back what it registered */
    int rc = polsql_register_findings(db);
    if (rc == SQLITE_OK && (rc = polsql_register_functions(db, cache)) != SQLITE_OK)
        sqlite3_create_module(db, "pol_findings", NULL, NULL); /* a NULL module drops it */
    polsql_cache_release(cache); /* the functions hold their own references */
    if (rc != SQLITE_OK && error) *error = sqlite3_mprintf("pol_sqlite: cannot register its functions: %s",
                                                           sqlite3_errstr(rc));
    return rc;
}
