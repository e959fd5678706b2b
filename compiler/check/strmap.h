/* strmap.h: a small open-addressing map from names (UTF-8 byte strings) to indexes, for the checker's
 * symbol tables. Keys are borrowed (they live in the syntax tree's arena). */
#ifndef POL_STRMAP_H
#define POL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct strmap_entry {
    const char *key;
    size_t len;
    uint32_t value;
} strmap_entry;

typedef struct strmap {
    strmap_entry *slots;
    size_t cap, count;
} strmap;

void strmap_init(strmap *m);
void strmap_free(strmap *m);
/* Insert key → value; returns 0 if the key was new, 1 (and leaves the old value) if it was already there. */
int strmap_put(strmap *m, const char *key, size_t len, uint32_t value);
/* 1 and *value when present */
int strmap_get(const strmap *m, const char *key, size_t len, uint32_t *value);

#endif
