/* policy_argument.c: a function's policy argument (a .pbc blob, or the path of a .pbc file as text) to the
 * connection's cached program, kept as the statement's auxiliary data so a constant policy is found once. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pol_sqlite.h"

SQLITE_EXTENSION_INIT3

/* A .pbc larger than this is refused before it is read whole (the 2024 policy is 35 KB). */
#define POLICY_FILE_LIMIT (256u << 20)

/* Read a whole file into memory from sqlite3_malloc (freed by the caller). NULL with the reason in err, worded
 * as libpol's pol_program_load_file words it ("PATH: No such file or directory"). */
static unsigned char *read_policy_file(const char *path, size_t *size, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    unsigned char *bytes = NULL;
    size_t length = 0, capacity = 0;
    for (;;) {
        if (length == capacity) {
            size_t grown = capacity ? capacity * 2 : 65536;
            unsigned char *more = grown <= POLICY_FILE_LIMIT ? sqlite3_realloc64(bytes, grown) : NULL;
            if (!more) {
                snprintf(err, errlen, grown > POLICY_FILE_LIMIT ? "%s: larger than %u MiB" : "%s: out of memory",
                         path, POLICY_FILE_LIMIT >> 20);
                break;
            }
            bytes = more;
            capacity = grown;
        }
        size_t got = fread(bytes + length, 1, capacity - length, f);
        length += got;
        if (got == 0) {
            if (!ferror(f)) {
                fclose(f);
                *size = length;
                return bytes;
            }
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            break;
        }
    }
    fclose(f);
    sqlite3_free(bytes);
    return NULL;
}

polsql_program *polsql_policy_argument(sqlite3_context *call, sqlite3_value *policy, const char *fn) {
    polsql_cache *cache = sqlite3_user_data(call);
    polsql_program *kept = sqlite3_get_auxdata(call, 0);
    if (kept) {
        cache->statement_hits++;
        return kept;
    }
    char reason[512] = "";
    pol_status status = POL_OK;
    polsql_program *program = NULL;
    if (sqlite3_value_type(policy) == SQLITE_BLOB) {
        const void *pbc = sqlite3_value_blob(policy);
        size_t size = (size_t)sqlite3_value_bytes(policy);
        program = polsql_cache_get(cache, pbc ? pbc : "", size, &status, reason, sizeof reason);
    } else {
        const char *path = (const char *)sqlite3_value_text(policy);
        size_t size = 0;
        unsigned char *pbc = path ? read_policy_file(path, &size, reason, sizeof reason) : NULL;
        if (!path) status = POL_ERR_NOMEM;
        else if (!pbc) status = POL_ERR_IO;
        else program = polsql_cache_get(cache, pbc, size, &status, reason, sizeof reason);
        sqlite3_free(pbc);
    }
    if (!program) {
        if (status == POL_ERR_NOMEM) {
            sqlite3_result_error_nomem(call);
        } else {
            char *message = sqlite3_mprintf("%s: cannot load the policy: %s", fn, reason);
            sqlite3_result_error(call, message ? message : reason, -1);
            sqlite3_free(message);
        }
        return NULL;
    }
    /* The statement's own reference. SQLite may run the destructor at once (out of memory) or at any later
     * row; the cache's reference keeps the program alive until this call returns either way. */
    polsql_program_retain(program);
    sqlite3_set_auxdata(call, 0, program, polsql_program_release);
    return program;
}
