/* names.c: open-addressing hash tables from (scope, name) to an index, built at load and read-only after. */
#include <string.h>

#include "names.h"
#include "vm.h"

/* FNV-1a over the scope and the bytes */
static uint32_t name_hash(uint32_t scope, const char *key, size_t len)
{
    uint32_t h = 2166136261u ^ scope;
    h *= 16777619u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 16777619u;
    }
    return h;
}

int polX_names_init(polX_names *t, size_t count, pol_alloc_fn alloc, void *ud)
{
    size_t cap = 8;
    while (cap < count * 2)
        cap *= 2;
    t->capacity = 0;
    if (cap > UINT32_MAX || !polX_array_new(alloc, ud, &t->entries, cap, sizeof(polX_name)))
        return 0;
    t->capacity = (uint32_t)cap;
    return 1;
}

static polX_name *probe(const polX_names *t, uint32_t scope, const char *key, size_t len, uint32_t h)
{
    uint32_t mask = t->capacity - 1;
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        polX_name *e = &t->entries[i];
        if (!e->key || (e->hash == h && e->scope == scope && e->len == len && memcmp(e->key, key, len) == 0))
            return e;
    }
}

void polX_names_add(polX_names *t, uint32_t scope, const char *key, uint32_t len, uint32_t value)
{
    uint32_t h = name_hash(scope, key, len);
    polX_name *e = probe(t, scope, key, len, h);
    if (e->key)
        return;
    e->key = key;
    e->len = len;
    e->scope = scope;
    e->value = value;
    e->hash = h;
}

int64_t polX_names_find(const polX_names *t, uint32_t scope, const char *key, size_t len)
{
    if (t->capacity == 0 || len > UINT32_MAX || (!key && len))
        return -1;
    if (!key)
        key = "";
    polX_name *e = probe(t, scope, key, len, name_hash(scope, key, len));
    return e->key ? (int64_t)e->value : -1;
}

void polX_names_free(polX_names *t, pol_alloc_fn alloc, void *ud)
{
    polX_array_free(alloc, ud, t->entries, t->capacity, sizeof(polX_name));
    t->entries = NULL;
    t->capacity = 0;
}
