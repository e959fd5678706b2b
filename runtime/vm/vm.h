/* vm.h: the VM's internal structures (a loaded program and its derived tables, a context) and what its files
 * share. Internal to libpol: embedders see only pol.h. */
#ifndef POLX_VM_H
#define POLX_VM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"
#include "pol.h"
#include "program.h"
#include "value.h"

#if defined(__GNUC__)
#define POLX_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define POLX_PRINTF(fmt, args)
#endif

/* ---- memory.c: the default allocator, array helpers, limits ------------------------------------------- */
void *polX_default_alloc(void *ud, void *ptr, size_t oldsize, size_t newsize);
/* Allocate count * size bytes (NULL for count 0); 0 on overflow or allocation failure. */
int polX_array_new(pol_alloc_fn alloc, void *ud, void *ptr_out, size_t count, size_t size);
/* Resize an array from oldcount to newcount elements; 0 (array unchanged) on overflow or failure. */
int polX_array_resize(pol_alloc_fn alloc, void *ud, void *ptr_inout, size_t oldcount, size_t newcount, size_t size);
void polX_array_free(pol_alloc_fn alloc, void *ud, void *ptr, size_t count, size_t size);
/* limits with every 0 replaced by its default */
pol_limits polX_limits(const pol_limits *given);
/* The allocator a configuration names (the default when none), and its ud in *ud. */
static inline pol_alloc_fn polX_config_alloc(const pol_config *config, void **ud)
{
    int given = config && config->alloc;
    *ud = given ? config->alloc_ud : NULL;
    return given ? config->alloc : polX_default_alloc;
}
/* Write a one-line reason into err (when not NULL), truncated to errlen. */
void polX_reason(char *err, size_t errlen, const char *fmt, ...) POLX_PRINTF(3, 4);

/* ---- program.c: a loaded program ----------------------------------------------------------------------- */
/* Releases a polP_program handed to polX_program_adopt (polF_free for loaded ones). */
typedef void (*polX_release_fn)(polP_program *p, pol_alloc_fn alloc, void *ud);

/* A record slot: a top-level field (list POL_NONE) or a field of the element record of a top-level list. */
typedef struct polX_slot {
    uint32_t record; /* record type holding the field */
    uint32_t field;  /* index in that record */
    uint32_t list;   /* element slots: the list's number; POL_NONE for top-level fields */
} polX_slot;

/* names-table scopes */
#define POLX_SCOPE_FIELDS 0u
#define POLX_SCOPE_OUTPUTS 1u
#define POLX_SCOPE_ELEMENTS(list) (2u + (list))

struct pol_program {
    polP_program *p;
    polX_release_fn release;
    pol_alloc_fn alloc;
    void *ud;
    pol_limits limits; /* resolved: no zeros */

    uint8_t digest[32];    /* the .pbc's SHA-256 of its contents (pol_program_digest); zero when not loaded */
    polX_value *consts;    /* one per constant */
    polX_value *defaults;  /* every record type's field defaults (null where none), from default_base[record] */
    uint32_t *default_base; /* nrecords + 1 */
    /* What completing a record checks, per record type from check_base[record]: its required fields and, in
     * the applicant, its list fields (whose elements are checked in turn), in field order. A context's fields
     * start at their defaults and pol_set_null writes the default, so a null left in a required field is all
     * there is to find. */
    uint32_t *check_fields;
    uint32_t *check_base; /* nrecords + 1 */
    polX_value *attrs;     /* every entity's attribute values, from attr_base[entity] */
    uint32_t *attr_base;   /* nentities + 1 */

    uint32_t nslots; /* top-level fields first (slot = field index), then each list's element fields */
    polX_slot *slots;
    uint32_t nlists;
    uint32_t *list_field;     /* list number → top-level field */
    uint32_t *list_of_field;  /* top-level field → list number, or POL_NONE */
    uint32_t *list_slot_base; /* list number → slot of its element record's field 0 */
    polX_names names;         /* fields, outputs, element fields */
    polX_names enum_values;   /* scope: enum index */
    polP_instr *code;         /* p->code with the loader's superinstructions (quicken.h): what pol_evaluate runs */
    uint32_t nfused;          /* how many sequences of p->code were fused in code */
    const char **enum_text;   /* every enum's value names, from enum_base[enum] (for suggestions) */
    size_t *enum_len;
    uint32_t *enum_base; /* nenums + 1 */
};

/* Take p (already verified) and build the derived tables. On success *out owns p and frees it with release
 * (which may be NULL: the caller keeps p alive longer than the program); on failure p stays the caller's. */
pol_status polX_program_adopt(polP_program *p, const pol_config *config, polX_release_fn release,
                              pol_program **out, char *err, size_t errlen);

/* The string at index s of the program ("" for POL_NONE). */
static inline const char *polX_str(const polP_program *p, uint32_t s)
{
    return s < p->nstrings ? p->strings[s].bytes : "";
}

static inline const polP_field *polX_slot_field(const pol_program *prog, int slot)
{
    const polX_slot *s = &prog->slots[slot];
    return &prog->p->records[s->record].fields[s->field];
}

/* ---- context.c: contexts, arenas, errors --------------------------------------------------------------- */
/* A bump allocator of chunks; reset keeps one chunk as big as everything it held, so a record the size of
 * an earlier one allocates nothing. */
typedef struct polX_chunk {
    struct polX_chunk *prev;
    size_t size; /* bytes of data */
    size_t used;
    char data[];
} polX_chunk;

typedef struct polX_arena {
    polX_chunk *head;
    size_t total; /* bytes handed out since the last reset */
} polX_arena;

/* The elements of one list field: count rows of nfields values each. */
typedef struct polX_list {
    polX_value *rows;
    uint32_t count, capacity; /* elements */
    uint32_t nfields;
    uint32_t record;
} polX_list;

enum { POLX_LOOP_NONE = 0, POLX_LOOP_LIST, POLX_LOOP_RANGE };

typedef struct polX_loop {
    uint32_t kind;
    uint32_t list; /* POLX_LOOP_LIST: list number */
    int64_t pos;   /* current element or step, -1 before the first NEXT */
    int64_t count; /* elements or integers, fixed when the loop began */
    int64_t lo;    /* POLX_LOOP_RANGE: first integer */
    const polX_value *rows; /* POLX_LOOP_LIST: the list's rows and fields per row, so ELEM reads in one step */
    uint32_t nfields;
} polX_loop;

typedef struct polX_finding {
    uint32_t rule;
    uint32_t length;
    const char *message;
} polX_finding;

#define POLX_FINDING_KINDS 3

struct pol_context {
    const pol_program *prog;
    /* one block, sized by the program: */
    polX_value *fields;  /* the bound record's top-level fields (lists live in lists) */
    polX_list *lists;    /* one per list number */
    polX_value *stack;   /* max_stack */
    polX_value *locals;  /* nlocals */
    polX_loop *loops;    /* nlocals: loop a keeps its state at index a */
    polX_value *outputs; /* noutputs */
    size_t block_size;
    void *block;

    polX_value routed;
    polX_finding *findings;
    size_t nfindings, findings_capacity;
    size_t kind_count[POLX_FINDING_KINDS];
    polX_arena record_text; /* bound strings: kept until reset */
    polX_arena eval_text;   /* FORMAT results and messages: kept until the next evaluation */
    size_t record_bytes;    /* what the bound record holds, against limits.max_record_bytes */
    int decided;            /* the last evaluation succeeded and nothing reset it */

    char *error; /* NUL-terminated; error_length bytes */
    size_t error_length, error_capacity;
    int error_slot;

    struct polX_tracer *trace; /* pol_context_set_trace; NULL: evaluations are not traced */
};

/* n bytes from the arena, NULL when the allocator fails. */
char *polX_arena_alloc(pol_context *ctx, polX_arena *a, size_t n);
void polX_arena_reset(pol_context *ctx, polX_arena *a);
/* Return the last n bytes of the latest allocation (one sized for the most it could need). */
void polX_arena_give_back(polX_arena *a, size_t n);

/* Composing the error message: begin, add pieces, then finish with the status and the slot it names. */
void polX_error_begin(pol_context *ctx);
void polX_error_add(pol_context *ctx, const char *text, size_t len);
void polX_error_addf(pol_context *ctx, const char *fmt, ...) POLX_PRINTF(2, 3);
void polX_error_vaddf(pol_context *ctx, const char *fmt, va_list ap);
pol_status polX_error_end(pol_context *ctx, pol_status status, int slot);
/* The whole message at once. */
pol_status polX_fail(pol_context *ctx, pol_status status, int slot, const char *fmt, ...)
    POLX_PRINTF(4, 5);

/* ---- bind.c ---------------------------------------------------------------------------------------------- */
/* Apply defaults and check required fields, top-level and in list elements, in schema order. */
pol_status polX_complete_record(pol_context *ctx);

/* ---- eval.c ---------------------------------------------------------------------------------------------- */
/* Run the code from address 0 to HALT on the completed record. */
pol_status polX_run(pol_context *ctx);
/* The same, reporting each rule to ctx->trace (the same interpreter, with a step hook at each fetch). */
pol_status polX_run_traced(pol_context *ctx);

/* ---- trace.c: explanations ------------------------------------------------------------------------------ */
typedef struct polX_tracer polX_tracer;
/* Before a traced run. */
void polX_trace_start(pol_context *ctx);
/* The interpreter is about to execute next_pc; prev_pc (POL_NONE at the start) was executed last and sp is
 * the stack after it. Reports the rule that ends when next_pc belongs to another rule. */
void polX_trace_step(pol_context *ctx, uint32_t prev_pc, uint32_t next_pc, const polX_value *sp);
/* HALT reached: report the rule still open. */
void polX_trace_finish(pol_context *ctx);
void polX_trace_free(pol_context *ctx);

#endif
