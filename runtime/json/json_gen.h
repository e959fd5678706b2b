/* json_gen.h: a yajl generator writing into a pol_json_buffer, for the JSON that is not on a decision's hot path
 * (program facts, schema, explanations); values written as decisions write them. */
#ifndef POL_JSON_GEN_H
#define POL_JSON_GEN_H

#include "json_internal.h"

typedef struct polJ_gen {
    polJ_arena arena; /* yajl's memory, from the buffer's allocator */
    yajl_alloc_funcs funcs;
    yajl_gen g;
    pol_json_buffer *out;
    size_t start; /* out's length before: a failed write leaves out as it was */
    int ok;       /* every call so far succeeded */
} polJ_gen;

/* 0 when the generator cannot be made (out of memory) */
int polJ_gen_open(polJ_gen *w, pol_json_buffer *out);
/* Close: POL_OK with the text appended to out, or POL_ERR_NOMEM (or POL_ERR_RUNTIME for text that is not UTF-8)
 * with out as it was. */
pol_status polJ_gen_close(polJ_gen *w);

void polJ_gen_map(polJ_gen *w, int open);   /* { when open, } when not */
void polJ_gen_array(polJ_gen *w, int open); /* [ ] */
void polJ_gen_text(polJ_gen *w, const char *text, size_t len); /* NULL: null */
void polJ_gen_cstr(polJ_gen *w, const char *text);              /* NULL: null */
void polJ_gen_int(polJ_gen *w, long long value);
void polJ_gen_bool(polJ_gen *w, int value);
void polJ_gen_null(polJ_gen *w);
/* A value as a decision writes it: true/false, integers, numbers (shortest text that reads back, ".0" on whole
 * numbers), dates as "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM", strings, enum values and entities by name, else null. */
void polJ_gen_value(polJ_gen *w, const pol_value *v);
/* A JSON text already made (a decision), spliced in as a value */
void polJ_gen_raw(polJ_gen *w, const char *json, size_t len);

#endif
