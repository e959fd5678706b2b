/* strmap.c: open addressing with linear probing over FNV-1a hashes; grows at half full. */
#include "strmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

void strmap_init(strmap *m) { memset(m, 0, sizeof *m); }

void strmap_free(strmap *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static strmap_entry *find(const strmap *m, const char *key, size_t len)
{
    size_t i = hash(key, len) & (m->cap - 1);
    for (;;) {
        strmap_entry *e = &m->slots[i];
        if (!e->key || (e->len == len && memcmp(e->key, key, len) == 0))
            return e;
        i = (i + 1) & (m->cap - 1);
    }
}

static void grow(strmap *m)
{
    strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 16;
    m->slots = calloc(m->cap, sizeof *m->slots);
    if (!m->slots) {
        fputs("polc: out of memory\n", stderr);
        exit(2);
    }
    m->count = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key)
            strmap_put(m, old.slots[i].key, old.slots[i].len, old.slots[i].value);
    free(old.slots);
}

int strmap_put(strmap *m, const char *key, size_t len, uint32_t value)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    strmap_entry *e = find(m, key, len);
    if (e->key)
        return 1;
    e->key = key;
    e->len = len;
    e->value = value;
    m->count++;
    return 0;
}

int strmap_get(const strmap *m, const char *key, size_t len, uint32_t *value)
{
    if (!m->cap)
        return 0;
    strmap_entry *e = find(m, key, len);
    if (!e->key)
        return 0;
    *value = e->value;
    return 1;
}
