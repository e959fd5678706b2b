/* json_alloc.c: the JSON layer's memory: the config's allocator, and arenas that yajl allocates from.
 *
 * yajl 2.1 does not check what its allocator returns in several places (yajl_gen_alloc, yajl_alloc, its
 * buffers), so it is never handed a heap that may refuse: each yajl handle is carved from an arena whose
 * memory was taken beforehand. Only a record too large for its arena makes yajl's blocks spill to the heap. */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_internal.h"

static void *default_alloc(void *ud, void *ptr, size_t oldsize, size_t newsize) {
    (void)ud;
    (void)oldsize;
    if (newsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, newsize);
}

void polJ_allocator(const pol_config *config, pol_alloc_fn *fn, void **ud) {
    if (config != NULL && config->alloc != NULL) {
        *fn = config->alloc;
        *ud = config->alloc_ud;
    } else {
        *fn = default_alloc;
        *ud = NULL;
    }
}

/* Every block handed to yajl starts this far after its header, so it keeps malloc's alignment. */
#define HEADER_SIZE (sizeof(max_align_t) > sizeof(size_t) ? sizeof(max_align_t) : sizeof(size_t))

static size_t block_size(const void *ptr) {
    size_t size;
    memcpy(&size, (const unsigned char *)ptr - HEADER_SIZE, sizeof size);
    return size;
}

/* ---- arenas: the parser's, and the generator's ---- */

/* A block that did not fit the arena: kept in a list until the reset. */
struct polJ_spill {
    polJ_spill *next;
    size_t bytes; /* of the whole allocation, this header included */
};
#define SPILL_SIZE (sizeof(polJ_spill) > HEADER_SIZE ? (sizeof(polJ_spill) + HEADER_SIZE - 1) / HEADER_SIZE * HEADER_SIZE : HEADER_SIZE)

/* Enough for a yajl handle, its lexer, state stack and two 2 KiB string buffers: most records never spill. */
#define ARENA_INITIAL (16u * 1024u)
/* The arena keeps what the largest record needed, up to this; records larger still spill each time. */
#define ARENA_MAX (4u * 1024u * 1024u)

void polJ_arena_init(polJ_arena *arena, pol_alloc_fn fn, void *ud) {
    memset(arena, 0, sizeof *arena);
    arena->fn = fn;
    arena->ud = ud;
    arena->last = SIZE_MAX;
}

static size_t round_up(size_t n) { return (n + HEADER_SIZE - 1) / HEADER_SIZE * HEADER_SIZE; }

static int is_in_arena(const polJ_arena *arena, const void *ptr) {
    const unsigned char *p = ptr;
    return arena->base != NULL && p >= arena->base && p < arena->base + arena->size;
}

static void *spill(polJ_arena *arena, size_t size) {
    if (size > SIZE_MAX - SPILL_SIZE - HEADER_SIZE) return NULL;
    size_t bytes = SPILL_SIZE + HEADER_SIZE + size;
    unsigned char *raw = arena->fn(arena->ud, NULL, 0, bytes);
    if (raw == NULL) return NULL;
    polJ_spill *s = (polJ_spill *)raw;
    s->next = arena->spilled;
    s->bytes = bytes;
    arena->spilled = s;
    arena->spilled_bytes += bytes;
    memcpy(raw + SPILL_SIZE, &size, sizeof size);
    return raw + SPILL_SIZE + HEADER_SIZE;
}

static void *arena_malloc(void *ctx, size_t size) {
    polJ_arena *arena = ctx;
    size_t need = size > SIZE_MAX - 2 * HEADER_SIZE ? SIZE_MAX : HEADER_SIZE + round_up(size);
    void *p;
    if (arena->base != NULL && need <= arena->size - arena->used) {
        unsigned char *block = arena->base + arena->used;
        memcpy(block, &size, sizeof size);
        arena->last = arena->used;
        arena->used += need;
        p = block + HEADER_SIZE;
    } else {
        p = spill(arena, size);
    }
    if (p == NULL) arena->failed = 1;
    return p;
}

static void *arena_realloc(void *ctx, void *ptr, size_t size) {
    polJ_arena *arena = ctx;
    if (ptr == NULL) return arena_malloc(ctx, size);
    size_t oldsize = block_size(ptr);
    unsigned char *header = (unsigned char *)ptr - HEADER_SIZE;
    /* the newest block in the arena grows (or shrinks) where it is */
    if (is_in_arena(arena, ptr) && arena->last != SIZE_MAX && header == arena->base + arena->last &&
        size <= SIZE_MAX - 2 * HEADER_SIZE && round_up(size) <= arena->size - arena->last - HEADER_SIZE) {
        memcpy(header, &size, sizeof size);
        arena->used = arena->last + HEADER_SIZE + round_up(size);
        return ptr;
    }
    void *p = arena_malloc(ctx, size);
    if (p == NULL) return NULL;
    memcpy(p, ptr, oldsize < size ? oldsize : size);
    return p; /* the old block is reclaimed at the reset */
}

static void arena_free(void *ctx, void *ptr) {
    polJ_arena *arena = ctx;
    /* only the newest arena block is worth taking back; everything goes at the reset */
    if (ptr != NULL && is_in_arena(arena, ptr) && arena->last != SIZE_MAX &&
        (unsigned char *)ptr - HEADER_SIZE == arena->base + arena->last) {
        arena->used = arena->last;
        arena->last = SIZE_MAX;
    }
}

void polJ_arena_funcs(polJ_arena *arena, yajl_alloc_funcs *funcs) {
    funcs->malloc = arena_malloc;
    funcs->realloc = arena_realloc;
    funcs->free = arena_free;
    funcs->ctx = arena;
}

static void free_spills(polJ_arena *arena) {
    polJ_spill *s = arena->spilled;
    while (s != NULL) {
        polJ_spill *next = s->next;
        arena->fn(arena->ud, s, s->bytes, 0);
        s = next;
    }
    arena->spilled = NULL;
}

int polJ_arena_reserve(polJ_arena *arena, size_t size) {
    if (arena->base != NULL) return 1;
    arena->base = arena->fn(arena->ud, NULL, 0, size);
    if (arena->base == NULL) return 0;
    arena->size = size;
    return 1;
}

void polJ_arena_reset(polJ_arena *arena) {
    size_t want = arena->base == NULL ? ARENA_INITIAL : 0;
    if (arena->spilled != NULL) {
        /* the record needed arena + spills: make the arena that large, with room to spare */
        size_t total = arena->size + arena->spilled_bytes;
        want = total <= ARENA_MAX / 2 ? total * 2 : ARENA_MAX;
        free_spills(arena);
    }
    arena->spilled_bytes = 0;
    arena->used = 0;
    arena->last = SIZE_MAX;
    arena->failed = 0;
    if (want > arena->size) {
        unsigned char *grown = arena->fn(arena->ud, arena->base, arena->size, want);
        if (grown != NULL) { /* when refused, the old arena serves and the record spills again */
            arena->base = grown;
            arena->size = want;
        }
    }
}

void polJ_arena_free(polJ_arena *arena) {
    free_spills(arena);
    if (arena->base != NULL) arena->fn(arena->ud, arena->base, arena->size, 0);
    arena->base = NULL;
    arena->size = 0;
}
