/* names.h: name → index hash tables built once at load (field slots, output indexes, enum values). */
#ifndef POLX_NAMES_H
#define POLX_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "pol.h"

/* A scope separates namespaces in one table (top-level fields, an element record's fields, one enum, ...). */
typedef struct polX_name {
    const char *key; /* NULL: empty entry */
    uint32_t len;
    uint32_t scope;
    uint32_t value;
    uint32_t hash;
} polX_name;

typedef struct polX_names {
    polX_name *entries;
    uint32_t capacity; /* a power of two, at least twice the names added; 0 when empty */
} polX_names;

/* Room for count names; 0 on allocation failure. */
int polX_names_init(polX_names *t, size_t count, pol_alloc_fn alloc, void *ud);
/* Add a name; the first of two equal names in one scope wins. */
void polX_names_add(polX_names *t, uint32_t scope, const char *key, uint32_t len, uint32_t value);
/* The value of key in scope, or -1. */
int64_t polX_names_find(const polX_names *t, uint32_t scope, const char *key, size_t len);
void polX_names_free(polX_names *t, pol_alloc_fn alloc, void *ud);

#endif
