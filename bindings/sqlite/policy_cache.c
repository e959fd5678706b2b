/* policy_cache.c: one connection's loaded programs, found by their .pbc bytes, so that a program is loaded and
 * verified once per connection however many rows and statements use it. */
#include <stdio.h>
#include <string.h>

#include "pol_sqlite.h"

SQLITE_EXTENSION_INIT3

/* libpol's allocator hook over SQLite's allocator: the programs' memory shows in sqlite3_memory_used and
 * counts against the connection's heap limits like the rest of SQLite's. */
static void *sqlite_alloc(void *ud, void *ptr, size_t oldsize, size_t newsize) {
    (void)ud;
    (void)oldsize;
    if (newsize == 0) {
        sqlite3_free(ptr);
        return NULL;
    }
    return sqlite3_realloc64(ptr, (sqlite3_uint64)newsize);
}

polsql_cache *polsql_cache_new(void) {
    polsql_cache *cache = sqlite3_malloc(sizeof *cache);
    if (!cache) return NULL;
    memset(cache, 0, sizeof *cache);
    cache->references = 1;
    cache->config.alloc = sqlite_alloc;
    return cache;
}

void polsql_cache_retain(polsql_cache *cache) { cache->references++; }

void polsql_cache_release(void *opaque) {
    polsql_cache *cache = opaque;
    if (!cache || --cache->references > 0) return;
    polsql_program *p = cache->programs;
    while (p) {
        polsql_program *next = p->next;
        polsql_program_release(p);
        p = next;
    }
    sqlite3_free(cache);
}

void polsql_program_retain(polsql_program *program) { program->references++; }

void polsql_program_release(void *opaque) {
    polsql_program *p = opaque;
    if (!p || --p->references > 0) return;
    pol_json_buffer_free(&p->out);
    pol_json_reader_free(p->reader);
    pol_context_free(p->context);
    pol_program_free(p->program);
    sqlite3_free(p->pbc);
    sqlite3_free(p);
}

/* Load and verify the bytes, and make the context, reader and buffer a call decides with. */
static polsql_program *load(polsql_cache *cache, const void *pbc, size_t size, pol_status *status, char *err,
                            size_t errlen) {
    polsql_program *p = sqlite3_malloc(sizeof *p);
    if (!p) {
        *status = POL_ERR_NOMEM;
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    memset(p, 0, sizeof *p);
    p->references = 1;
    pol_json_buffer_init(&p->out, &cache->config);
    *status = pol_program_load(pbc, size, &cache->config, &p->program, err, errlen);
    if (*status != POL_OK) {
        polsql_program_release(p);
        cache->refusals++;
        return NULL;
    }
    cache->loads++;
    p->pbc = sqlite3_malloc64(size ? size : 1);
    if (!p->pbc || (*status = pol_context_new(p->program, &p->context)) != POL_OK ||
        (*status = pol_json_reader_new(p->program, &cache->config, &p->reader)) != POL_OK) {
        *status = POL_ERR_NOMEM;
        snprintf(err, errlen, "out of memory");
        polsql_program_release(p);
        return NULL;
    }
    memcpy(p->pbc, pbc, size);
    p->pbc_size = size;
    return p;
}

polsql_program *polsql_cache_get(polsql_cache *cache, const void *pbc, size_t size, pol_status *status, char *err,
                                 size_t errlen) {
    /* The whole bytes are the key, not the digest the header claims: an altered copy of a cached program must
     * meet the loader (and its digest check), not be decided by the genuine program. Different programs differ
     * within their first 56 bytes (the header's digest), so a miss costs little. */
    polsql_program **link = &cache->programs, *p;
    for (p = cache->programs; p; link = &p->next, p = p->next) {
        if (p->pbc_size == size && memcmp(p->pbc, pbc, size) == 0) {
            *link = p->next; /* to the front: the most recently used */
            p->next = cache->programs;
            cache->programs = p;
            cache->cache_hits++;
            return p;
        }
    }
    p = load(cache, pbc, size, status, err, errlen);
    if (!p) return NULL;
    p->next = cache->programs;
    cache->programs = p;
    if (++cache->count > POLSQL_CACHE_CAPACITY) {
        /* drop the least recently used; a statement still holding it keeps its own reference */
        polsql_program *last = cache->programs;
        while (last->next->next) last = last->next;
        polsql_program_release(last->next);
        last->next = NULL;
        cache->count--;
    }
    return p;
}
