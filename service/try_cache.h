/* try_cache.h: the /try endpoints' few most recent compilations, by the SHA-256 of the language and the source,
 * shared by the server's threads: an officer who compiles and then decides compiles once. */
#ifndef TRY_CACHE_H
#define TRY_CACHE_H

#include <stddef.h>

#include "pol.h"

/* One compilation: the compile endpoint's whole answer and, when it compiled, the loaded program. Immutable
 * once made; counted references keep it alive while a request uses it after the cache dropped it. */
typedef struct try_compiled {
    unsigned char key[32];
    int http_status;
    char *answer; /* the JSON of POST /v1/try/compile, NUL-terminated */
    size_t answer_length;
    pol_program *program; /* NULL when the source did not compile */
    int refs;             /* under the cache's lock */
} try_compiled;

typedef struct try_cache try_cache;

try_cache *try_cache_new(size_t entries); /* NULL when out of memory */
void try_cache_free(try_cache *cache);
/* The compilation stored under key, with a reference for the caller, or NULL. */
try_compiled *try_cache_get(try_cache *cache, const unsigned char key[32]);
/* Keep c (the cache takes its own reference; the least recently used entry goes when full). */
void try_cache_put(try_cache *cache, try_compiled *c);
/* Drop the caller's reference; the last one frees c. */
void try_cache_release(try_cache *cache, try_compiled *c);
/* Free a compilation no one else has seen (never put in the cache). */
void try_compiled_free(try_compiled *c);

/* The number of compilations running now, bounded by limit: 1 and the count is taken, 0 when busy. */
int try_cache_enter_compile(try_cache *cache, int limit);
void try_cache_leave_compile(try_cache *cache);

#endif
