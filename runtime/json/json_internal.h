/* json_internal.h: the reader object and the helpers shared by the files of the JSON layer (not installed). */
#ifndef POL_JSON_INTERNAL_H
#define POL_JSON_INTERNAL_H

#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "pol.h"
#include "pol_json.h"

#ifdef __cplusplus /* json_read_simdjson.cpp includes it too */
extern "C" {
#endif

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
/* Room for extra more bytes and the NUL after them: 1, or 0 with failed set. Inlined for the case of room
 * already there (every text a decision writes asks); polJ_buffer_grow makes it. */
int polJ_buffer_grow(pol_json_buffer *buffer, size_t extra);
static inline int polJ_buffer_reserve(pol_json_buffer *buffer, size_t extra) {
    if (!buffer->failed && buffer->data != NULL && extra <= buffer->capacity - buffer->length) return 1;
    return polJ_buffer_grow(buffer, extra);
}

/* polJ_buffer_append without the NUL after the bytes, inlined: a decision is a few hundred small appends, so
 * the call, the growth check and the NUL each time cost more than the copy. The caller ends the text with
 * polJ_buffer_terminate. */
static inline void polJ_buffer_put(pol_json_buffer *buffer, const void *bytes, size_t len) {
    if (buffer->data != NULL && len <= buffer->capacity - buffer->length && !buffer->failed) {
        if (len == 1) /* a quote or a bracket: the most common append, cheaper without the memcpy call */
            buffer->data[buffer->length] = *(const char *)bytes;
        else
            memcpy(buffer->data + buffer->length, bytes, len);
        buffer->length += len;
    } else {
        polJ_buffer_append(buffer, bytes, len);
    }
}
static inline void polJ_buffer_terminate(pol_json_buffer *buffer) {
    if (buffer->data != NULL) buffer->data[buffer->length] = '\0'; /* capacity leaves room for it */
}

/* ---- field names resolved once (json_fields.c) ---- */
typedef struct polJ_table polJ_table;

typedef struct polJ_field {
    uint64_t head, tail; /* the name's first and last 8 bytes (polJ_key_of): most names compare in these */
    size_t length;
    const char *name; /* the program's own name (top level) or a copy (element names, cached misses) */
    int slot;         /* -1: a name the program does not know (a cached miss) */
    pol_type type;
    uint64_t seen;    /* stamp of the object that last gave it a value: a second value is a duplicate */
    polJ_table *elements; /* LIST fields: the names of the element record */
    uint32_t hash;
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

/* A name's first and last 8 bytes (4 and 4, or three of its bytes, when shorter). With the length they are
 * the whole name up to 16 bytes, so a lookup usually compares two words and no bytes, and they are all the
 * hash reads: a key costs the same whatever its length. Inline, since every key of every record looks up. */
typedef struct polJ_key {
    uint64_t head, tail;
} polJ_key;

static inline polJ_key polJ_key_of(const char *name, size_t len) {
    const unsigned char *s = (const unsigned char *)name;
    polJ_key k = {0, 0};
    if (len >= 8) {
        memcpy(&k.head, s, 8);
        memcpy(&k.tail, s + len - 8, 8);
    } else if (len >= 4) {
        uint32_t head, tail;
        memcpy(&head, s, 4);
        memcpy(&tail, s + len - 4, 4);
        k.head = head;
        k.tail = tail;
    } else if (len > 0) {
        k.head = s[0] | (uint64_t)s[len / 2] << 8 | (uint64_t)s[len - 1] << 16;
    }
    return k;
}

/* One multiply (Fibonacci hashing) on a short dependency chain: the lookup waits on it for every key. */
static inline uint32_t polJ_hash_key(polJ_key k, size_t len) {
    uint64_t h = (k.head ^ (k.tail << 7 | k.tail >> 57) ^ (uint64_t)len) * 0x9E3779B97F4A7C15u;
    return (uint32_t)(h >> 40);
}

static inline int polJ_same_name(const polJ_field *e, const char *name, size_t len, polJ_key k) {
    return e->head == k.head && e->tail == k.tail && e->length == len &&
           (len <= 16 || memcmp(e->name + 8, name + 8, len - 16) == 0);
}

/* The entry of name (slot -1: a cached miss), or NULL when the table does not hold it. */
static inline polJ_field *polJ_table_lookup(const polJ_table *table, const char *name, size_t len) {
    polJ_key k = polJ_key_of(name, len);
    size_t mask = table->capacity - 1;
    for (size_t i = polJ_hash_key(k, len) & mask;; i = (i + 1) & mask) {
        polJ_field *e = &table->entries[i];
        if (e->name == NULL) return NULL;
        if (polJ_same_name(e, name, len, k)) return e;
    }
}

/* The table of the record's top-level fields, complete; every LIST field gets its (lazily filled) table. */
pol_status polJ_table_fields(const pol_program *program, pol_alloc_fn fn, void *ud, polJ_table **out);
/* The field called name, or NULL when the program has none; fills an element table with a name first met.
 * NOMEM only when caching a new name failed. */
pol_status polJ_table_find(polJ_table *table, const pol_program *program, pol_alloc_fn fn, void *ud,
                           const char *name, size_t len, polJ_field **out);
void polJ_table_free(polJ_table *table, pol_alloc_fn fn, void *ud);

/* ---- the constant JSON of a decision (json_write.c) ----
 * Everything in a decision but its values is the same from record to record: the keys, the separators, the
 * "findings" array's frame, the finding kinds. It is generated once per reader through yajl_gen (so yajl still
 * writes and escapes every byte of it) into one text, and a decision copies the pieces it needs. */
typedef struct polJ_piece {
    uint32_t offset; /* into polJ_pieces.text.data */
    uint32_t length;
} polJ_piece;

enum { POLJ_KINDS = 3 }; /* pol_finding_kind: violation, todo, warning */

typedef struct polJ_pieces {
    pol_json_buffer text;
    polJ_piece *outputs;           /* `{"name":` for the first output, `,"name":` for the others */
    polJ_piece findings;           /* `,"findings":[`, or `{"findings":[` when the program has no output */
    polJ_piece finding_first;      /* `{"clause":` */
    polJ_piece finding_next;       /* `,{"clause":` */
    polJ_piece kinds[POLJ_KINDS];  /* `,"kind":"violation","message":` ... */
    polJ_piece kind_key;           /* `,"kind":`, for a kind beyond those */
    polJ_piece message_key;        /* `,"message":` */
    polJ_piece finding_close;      /* `}` */
    polJ_piece close;              /* `]}` */
    polJ_piece null, true_, false_;
    int valid;                     /* 0: an output's name is not UTF-8 (a verified program cannot have one) */
} polJ_pieces;

/* ---- the simdjson reader (json_read_simdjson.cpp) ---- */
typedef struct polJ_fast polJ_fast; /* simdjson's On-Demand parser and the padded copy of the line */
pol_status polJ_fast_new(pol_json_reader *reader);   /* sets reader->fast; NOMEM */
void polJ_fast_free(pol_json_reader *reader);
/* Bind a record through simdjson into reader->ctx, already reset: 1 when it is bound, with reader->id set as
 * polJ_sax_bind would set it; 0 when the simdjson reader declines it (anything but a record it binds
 * whole: invalid JSON, any error, a limit, a shape it leaves to yajl), and then the context holds a part of
 * the record and polJ_sax_bind must decide the record again from the start. */
int polJ_fast_bind(pol_json_reader *reader, const char *json, size_t len);

/* ---- the yajl reader (json_read.c): pol_json_bind's second opinion, which words every error ---- */
pol_status polJ_sax_bind(pol_json_reader *reader, pol_context *ctx, const char *json, size_t len);
/* The JSON integer token text (no fraction, no exponent) as int64_t; 0 when it is another token or too big. */
int polJ_parse_int(const char *text, size_t len, int64_t *out);
/* A JSON number token as a finite double (1), not one (0), or -1 out of memory; '.' whatever the locale. */
int polJ_parse_number(pol_json_reader *reader, const char *text, size_t len, double *out);

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
    polJ_fast *fast;          /* the simdjson reader, tried first */
    size_t declined;          /* records the simdjson reader left to yajl (tests read it) */

    /* writing */
    polJ_arena gen_arena;
    yajl_alloc_funcs gen_funcs;
    yajl_gen gen;             /* escapes each string of a decision (json_write.c), writes error objects */
    int gen_validates;        /* the generator's yajl_gen_validate_utf8 setting */
    int strings_open;         /* the generator is inside the array that a decision's strings go into */
    int gen_muted;            /* the print callback drops what the generator writes */
    int drop_separator;       /* the print callback drops a ',' that comes first */
    pol_json_buffer *out;     /* where the generator's print callback appends */
    int noutputs;
    polJ_pieces pieces;
};

/* ---- writing (json_write.c) ---- */

/* Make the constant JSON of every decision once, through yajl_gen: NOMEM, or POL_OK. */
pol_status polJ_pieces_make(pol_json_reader *reader);
void polJ_pieces_free(pol_json_reader *reader);
/* Whether the generator checks that strings are UTF-8 (yajl_gen_validate_utf8). */
void polJ_writer_validate(pol_json_reader *reader, int validate);
/* pol_json_write_decision; texts_are_utf8: the caller knows every text of the decision is UTF-8 (see
 * json_lines.c), so the generator need not check it again. */
pol_status polJ_write_decision(pol_json_reader *reader, const pol_context *ctx, pol_json_buffer *out,
                               int texts_are_utf8);

#ifdef __cplusplus
}
#endif
#endif
