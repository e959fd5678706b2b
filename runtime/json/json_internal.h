/* json_internal.h: the reader object and the helpers shared by the files of the JSON layer (not installed). */
#ifndef POL_JSON_INTERNAL_H
#define POL_JSON_INTERNAL_H

#include <locale.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "pol.h"
#include "pol_json.h"

/* ---- memory (json_alloc.c) ---- */

/* The allocator a config names, or the C library's when config or its alloc is NULL. */
void polJ_allocator(const pol_config *config, pol_alloc_fn *fn, void **ud);

/* A bump arena for yajl. The parser's: yajl 2.1 cannot reset a parser, so a fresh handle per record is
 * carved out of it and the whole arena is emptied before the next record. Blocks that do not fit go to the
 * heap and are freed at the reset, which then grows the arena so the next record fits: in steady state a
 * record costs no allocation. The generator's: reserved once, never reset. Each block carries its size in a
 * header, since yajl's realloc does not pass the old size. */
typedef struct polJ_spill polJ_spill;
typedef struct polJ_arena {
    pol_alloc_fn fn;
    void *ud;
    unsigned char *base;
    size_t size;
    size_t used;
    size_t last;           /* offset of the most recent block's header (it may grow in place), or SIZE_MAX */
    polJ_spill *spilled;   /* heap blocks of this record */
    size_t spilled_bytes;
    int failed;            /* an allocation failed in this record */
} polJ_arena;
void polJ_arena_init(polJ_arena *arena, pol_alloc_fn fn, void *ud);
void polJ_arena_funcs(polJ_arena *arena, yajl_alloc_funcs *funcs);
/* Take size bytes up front, unless the arena has memory already; 0 when refused. */
int polJ_arena_reserve(polJ_arena *arena, size_t size);
void polJ_arena_reset(polJ_arena *arena); /* forget every block; grow when the last record spilled */
void polJ_arena_free(polJ_arena *arena);

/* ---- growing bytes (json_buffer.c) ---- */
void polJ_buffer_append(pol_json_buffer *buffer, const void *bytes, size_t len);
void polJ_buffer_set(pol_json_buffer *buffer, const char *text, size_t len); /* replace the contents */

/* ---- field names resolved once (json_fields.c) ---- */
typedef struct polJ_table polJ_table;

typedef struct polJ_field {
    const char *name; /* the program's own name (top level) or a copy (element names, cached misses) */
    size_t length;
    uint32_t hash;
    int slot;         /* -1: a name the program does not know (a cached miss) */
    pol_type type;
    uint64_t seen;    /* stamp of the object that last gave it a value: a second value is a duplicate */
    polJ_table *elements; /* LIST fields: the names of the element record */
    int owns_name;
} polJ_field;

struct polJ_table {
    polJ_field *entries; /* open addressing, capacity a power of two, name NULL when empty */
    size_t capacity;
    size_t count;
    size_t misses;       /* cached misses, bounded so hostile input cannot grow the table */
    int complete;        /* every name of the record is in the table: a miss needs no question */
    int list_slot;       /* element tables: the list whose element fields these are */
};

/* The table of the record's top-level fields, complete; every LIST field gets its (lazily filled) table. */
pol_status polJ_table_fields(const pol_program *program, pol_alloc_fn fn, void *ud, polJ_table **out);
/* The field called name, or NULL when the program has none. NOMEM only when caching a new name failed. */
pol_status polJ_table_find(polJ_table *table, const pol_program *program, pol_alloc_fn fn, void *ud,
                           const char *name, size_t len, polJ_field **out);
void polJ_table_free(polJ_table *table, pol_alloc_fn fn, void *ud);

/* ---- the reader (json_reader.c builds it, json_read.c binds, json_write.c writes) ---- */

/* An object or array of the record being bound, from the top-level object down. */
typedef enum polJ_frame_kind { POLJ_RECORD, POLJ_LIST, POLJ_ELEMENT } polJ_frame_kind;
typedef struct polJ_frame {
    polJ_frame_kind kind;
    polJ_table *table;       /* RECORD, ELEMENT: the names of its fields; LIST: of its elements */
    const polJ_field *list;  /* LIST, ELEMENT: the list field */
    uint32_t index;          /* LIST: elements so far; ELEMENT: its index */
    uint64_t stamp;          /* RECORD, ELEMENT: this object's stamp for duplicate checks */
} polJ_frame;

struct pol_json_reader {
    const pol_program *program;
    pol_alloc_fn fn;
    void *ud;
    polJ_table *fields;

    /* parsing */
    polJ_arena arena;
    yajl_alloc_funcs arena_funcs;
    locale_t c_locale;        /* numbers are read and written with '.', whatever the embedder's locale */
    pol_json_buffer scratch;  /* a number's text, NUL-terminated for strtod */

    /* the record being bound */
    pol_context *ctx;
    polJ_frame *frames;
    size_t depth;             /* frames in use */
    size_t frames_capacity;
    size_t skip_depth;        /* > 0 inside a value that is ignored */
    size_t max_line_bytes;    /* limits from pol_config (defaults in json_reader.c) */
    size_t max_nesting;
    polJ_field *target;       /* the field the next value is for; NULL: ignore it */
    int target_is_id;         /* the next value is the top-level "id" */
    int id_done;              /* the top-level "id" value went by: after an error, nothing is left to find */
    uint64_t stamp;           /* counts objects bound, so never wraps in practice */
    pol_status status;        /* the first error of this record, or POL_OK */
    pol_json_buffer id;
    int has_id;
    pol_json_buffer message;
    const char *error;        /* message.data, the library's message, or "" */

    /* writing */
    polJ_arena gen_arena;
    yajl_alloc_funcs gen_funcs;
    yajl_gen gen;
    pol_json_buffer *out;     /* where the generator's print callback appends */
    int noutputs;
    const char **output_names;
    size_t *output_lengths;
};

#endif
