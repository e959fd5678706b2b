/* try_cache.c: the /try endpoints' compilations by source hash, least recently used out (try_cache.h). */
#include "try_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct try_cache {
    pthread_mutex_t lock;
    size_t capacity, count;
    try_compiled **entries; /* most recently used first */
    int compiling;
};

try_cache *try_cache_new(size_t entries)
{
    try_cache *cache = calloc(1, sizeof *cache);
    if (!cache)
        return NULL;
    cache->capacity = entries ? entries : 1;
    cache->entries = calloc(cache->capacity, sizeof *cache->entries);
    if (!cache->entries || pthread_mutex_init(&cache->lock, NULL) != 0) {
        free(cache->entries);
        free(cache);
        return NULL;
    }
    return cache;
}

void try_compiled_free(try_compiled *c)
{
    if (!c)
        return;
    pol_program_free(c->program);
    free(c->answer);
    free(c);
}

void try_cache_free(try_cache *cache)
{
    if (!cache)
        return;
    for (size_t i = 0; i < cache->count; i++)
        try_compiled_free(cache->entries[i]);
    pthread_mutex_destroy(&cache->lock);
    free(cache->entries);
    free(cache);
}

try_compiled *try_cache_get(try_cache *cache, const unsigned char key[32])
{
    try_compiled *found = NULL;
    pthread_mutex_lock(&cache->lock);
    for (size_t i = 0; i < cache->count; i++) {
        if (memcmp(cache->entries[i]->key, key, 32) == 0) {
            found = cache->entries[i];
            memmove(cache->entries + 1, cache->entries, i * sizeof *cache->entries);
            cache->entries[0] = found;
            found->refs++;
            break;
        }
    }
    pthread_mutex_unlock(&cache->lock);
    return found;
}

static void release_locked(try_compiled *c, try_compiled **to_free)
{
    if (--c->refs == 0)
        *to_free = c;
}

void try_cache_put(try_cache *cache, try_compiled *c)
{
    try_compiled *evicted = NULL;
    pthread_mutex_lock(&cache->lock);
    for (size_t i = 0; i < cache->count; i++) {
        if (memcmp(cache->entries[i]->key, c->key, 32) == 0) {
            /* another thread compiled the same source meanwhile: keep the one already there */
            pthread_mutex_unlock(&cache->lock);
            return;
        }
    }
    if (cache->count == cache->capacity)
        release_locked(cache->entries[--cache->count], &evicted);
    memmove(cache->entries + 1, cache->entries, cache->count * sizeof *cache->entries);
    cache->entries[0] = c;
    cache->count++;
    c->refs++;
    pthread_mutex_unlock(&cache->lock);
    try_compiled_free(evicted);
}

void try_cache_release(try_cache *cache, try_compiled *c)
{
    try_compiled *to_free = NULL;
    pthread_mutex_lock(&cache->lock);
    release_locked(c, &to_free);
    pthread_mutex_unlock(&cache->lock);
    try_compiled_free(to_free);
}

int try_cache_enter_compile(try_cache *cache, int limit)
{
    pthread_mutex_lock(&cache->lock);
    int admitted = cache->compiling < limit;
    if (admitted)
        cache->compiling++;
    pthread_mutex_unlock(&cache->lock);
    return admitted;
}

void try_cache_leave_compile(try_cache *cache)
{
    pthread_mutex_lock(&cache->lock);
    cache->compiling--;
    pthread_mutex_unlock(&cache->lock);
}
