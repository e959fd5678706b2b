/* json_fields.c: field name -> slot tables, resolved once per reader so binding a record never searches by name.
 *
 * The top-level table is complete from the start (pol.h lists the record's fields). pol.h cannot list the
 * fields of a list's element record, only look one up by name, so element tables fill as names are first met:
 * every known name is cached for good, and up to MAX_MISSES unknown ones, so that hostile input cannot grow
 * the table; past that an unknown element key costs a pol_element_slot call and still no allocation. */
#include <string.h>

#include "json_internal.h"

#define MAX_MISSES 64
#define INITIAL_CAPACITY 16

static pol_status table_new(pol_alloc_fn fn, void *ud, size_t capacity, int list_slot, polJ_table **out) {
    polJ_table *table = fn(ud, NULL, 0, sizeof *table);
    if (table == NULL) return POL_ERR_NOMEM;
    memset(table, 0, sizeof *table);
    table->entries = fn(ud, NULL, 0, capacity * sizeof *table->entries);
    if (table->entries == NULL) {
        fn(ud, table, sizeof *table, 0);
        return POL_ERR_NOMEM;
    }
    memset(table->entries, 0, capacity * sizeof *table->entries);
    table->capacity = capacity;
    table->list_slot = list_slot;
    *out = table;
    return POL_OK;
}

/* The entry holding name, or the empty entry where it belongs. */
static polJ_field *probe(const polJ_table *table, const char *name, size_t len, polJ_key k, uint32_t hash) {
    size_t mask = table->capacity - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        polJ_field *e = &table->entries[i];
        if (e->name == NULL || polJ_same_name(e, name, len, k)) return e;
    }
}

static pol_status grow(polJ_table *table, pol_alloc_fn fn, void *ud) {
    size_t old_capacity = table->capacity;
    polJ_field *old = table->entries;
    polJ_field *entries = fn(ud, NULL, 0, 2 * old_capacity * sizeof *entries);
    if (entries == NULL) return POL_ERR_NOMEM;
    memset(entries, 0, 2 * old_capacity * sizeof *entries);
    table->entries = entries;
    table->capacity = 2 * old_capacity;
    for (size_t i = 0; i < old_capacity; i++)
        if (old[i].name != NULL) {
            polJ_key k = {old[i].head, old[i].tail};
            *probe(table, old[i].name, old[i].length, k, old[i].hash) = old[i];
        }
    fn(ud, old, old_capacity * sizeof *old, 0);
    return POL_OK;
}

/* Add name (absent from the table); copy it unless the program owns it. Load stays at most one half. */
static pol_status insert(polJ_table *table, pol_alloc_fn fn, void *ud, const char *name, size_t len, int copy,
                         int slot, pol_type type, polJ_field **out) {
    if (2 * (table->count + 1) > table->capacity && grow(table, fn, ud) != POL_OK) return POL_ERR_NOMEM;
    const char *stored = name;
    if (copy) {
        char *c = fn(ud, NULL, 0, len + 1);
        if (c == NULL) return POL_ERR_NOMEM;
        memcpy(c, name, len);
        c[len] = '\0';
        stored = c;
    }
    polJ_key k = polJ_key_of(name, len);
    uint32_t hash = polJ_hash_key(k, len);
    polJ_field *e = probe(table, name, len, k, hash);
    memset(e, 0, sizeof *e);
    e->head = k.head;
    e->tail = k.tail;
    e->name = stored;
    e->length = len;
    e->hash = hash;
    e->slot = slot;
    e->type = type;
    e->owns_name = copy;
    table->count++;
    if (slot >= 0 && type == POL_T_LIST) {
        pol_status st = table_new(fn, ud, INITIAL_CAPACITY, slot, &e->elements);
        if (st != POL_OK) return st; /* e stays, without element names: freed with the table */
    }
    *out = e;
    return POL_OK;
}

pol_status polJ_table_fields(const pol_program *program, pol_alloc_fn fn, void *ud, polJ_table **out) {
    int n = pol_field_count(program);
    /* load at most a quarter: a key the program does not know, which records may have many of, then ends
     * its probe at once */
    size_t capacity = INITIAL_CAPACITY;
    while (capacity < 4 * (size_t)(n > 0 ? n : 0)) capacity *= 2;
    polJ_table *table;
    pol_status st = table_new(fn, ud, capacity, -1, &table);
    if (st != POL_OK) return st;
    table->complete = 1;
    for (int slot = 0; slot < n; slot++) {
        const char *name = pol_field_name(program, slot);
        polJ_field *e;
        if (name == NULL) continue;
        size_t len = strlen(name);
        polJ_key k = polJ_key_of(name, len);
        if (probe(table, name, len, k, polJ_hash_key(k, len))->name != NULL) continue; /* cannot happen */
        st = insert(table, fn, ud, name, len, 0, slot, pol_field_type(program, slot), &e);
        if (st == POL_OK && e->type == POL_T_LIST && e->elements == NULL) st = POL_ERR_NOMEM;
        if (st != POL_OK) {
            polJ_table_free(table, fn, ud);
            return st;
        }
    }
    *out = table;
    return POL_OK;
}

pol_status polJ_table_find(polJ_table *table, const pol_program *program, pol_alloc_fn fn, void *ud,
                           const char *name, size_t len, polJ_field **out) {
    polJ_field *e = polJ_table_lookup(table, name, len);
    *out = NULL;
    if (e != NULL) {
        if (e->slot >= 0) *out = e;
        return POL_OK;
    }
    if (table->complete) return POL_OK;
    int slot = pol_element_slot(program, table->list_slot, name, len);
    if (slot < 0) {
        if (table->misses < MAX_MISSES && insert(table, fn, ud, name, len, 1, -1, POL_T_NULL, &e) == POL_OK)
            table->misses++;
        return POL_OK; /* a miss that could not be cached is still a miss */
    }
    pol_status st = insert(table, fn, ud, name, len, 1, slot, pol_field_type(program, slot), &e);
    if (st != POL_OK) return st;
    *out = e;
    return POL_OK;
}

void polJ_table_free(polJ_table *table, pol_alloc_fn fn, void *ud) {
    if (table == NULL) return;
    for (size_t i = 0; i < table->capacity; i++) {
        polJ_field *e = &table->entries[i];
        if (e->name == NULL) continue;
        if (e->owns_name) fn(ud, (char *)e->name, e->length + 1, 0);
        polJ_table_free(e->elements, fn, ud);
    }
    fn(ud, table->entries, table->capacity * sizeof *table->entries, 0);
    fn(ud, table, sizeof *table, 0);
}
