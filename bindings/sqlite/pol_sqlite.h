/* pol_sqlite.h: what the files of the SQLite extension share: the per-connection program cache and the
 * registration of each function and table.
 *
 * Every file includes sqlite3ext.h through here, so that sqlite3_* calls go through the routine table the
 * host SQLite hands the extension when it loads it (SQLITE_EXTENSION_INIT1 in pol_sqlite.c). The extension
 * links no libsqlite3 of its own: it runs inside whatever SQLite loads it.
 */
#ifndef POL_SQLITE_H
#define POL_SQLITE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3ext.h>

#include "pol.h"
#include "pol_json.h"

/* A loaded, verified program with what a call needs to decide with it: a context, a JSON reader and an
 * output buffer, reused from row to row. Counted references: the connection's cache holds one, and each
 * statement that kept it as auxiliary data for its policy argument holds one, so an entry the cache drops
 * lives on until the last statement using it lets it go. */
typedef struct polsql_program {
    int references;
    pol_program *program;
    pol_context *context;
    pol_json_reader *reader;
    pol_json_buffer out;
    unsigned char *pbc;   /* the .pbc bytes it was loaded from: the cache compares them, byte for byte */
    size_t pbc_size;
    struct polsql_program *next; /* the cache's list, most recently used first */
} polsql_program;

/* One connection's programs, and how they were found (pol_cache_info). A connection is used by one thread
 * at a time (SQLite holds its mutex during a call, or the application promises it), so nothing here locks. */
typedef struct polsql_cache {
    int references;       /* one per function registered with it */
    pol_config config;    /* allocations through sqlite3_malloc, counted in SQLite's memory statistics */
    polsql_program *programs;
    int count;
    sqlite3_int64 loads;        /* programs loaded and verified */
    sqlite3_int64 refusals;     /* .pbc bytes the loader refused */
    sqlite3_int64 cache_hits;   /* a statement's policy found in the cache, without loading */
    sqlite3_int64 statement_hits; /* a row whose policy the statement had kept (auxiliary data) */
} polsql_cache;

/* At most this many programs per connection; the least recently used one goes first. */
#define POLSQL_CACHE_CAPACITY 8

polsql_cache *polsql_cache_new(void);
void polsql_cache_retain(polsql_cache *cache);
void polsql_cache_release(void *cache); /* the destructor sqlite3_create_function_v2 calls */

/* The cached program loaded from these .pbc bytes, loading and verifying them on a miss. NULL with the
 * loader's reason in err when the bytes are refused (*status says why: POL_ERR_NOMEM for memory). */
polsql_program *polsql_cache_get(polsql_cache *cache, const void *pbc, size_t size, pol_status *status, char *err,
                                 size_t errlen);
void polsql_program_retain(polsql_program *program);
void polsql_program_release(void *program); /* also the auxiliary-data destructor */

/* The program a call's policy argument (argument 0) names: a .pbc blob, or a text path to a .pbc file. Kept
 * as the statement's auxiliary data, so that a constant policy is looked up once per statement. NULL after
 * reporting the SQL error (fn names the function in it). The pointer is valid until the call returns. */
polsql_program *polsql_policy_argument(sqlite3_context *call, sqlite3_value *policy, const char *fn);

/* Registration, one per file; SQLITE_OK or an SQLite error code. */
int polsql_register_functions(sqlite3 *db, polsql_cache *cache);
int polsql_register_findings(sqlite3 *db);

#endif
