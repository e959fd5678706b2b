/* pol.h: the one public header of the pol runtime (libpol).
 *
 * A compiled policy (.pbc bytes) is loaded and verified into an immutable pol_program, which any number of
 * threads may share. Each thread decides records through its own pol_context: bind a record's fields by
 * slot, evaluate, read the decision. Nothing here is global; every allocation goes through the allocator
 * hook; no function aborts, exits or prints.
 */
#ifndef POL_H
#define POL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(POL_BUILDING_LIBRARY) && defined(__GNUC__)
#define POL_API __attribute__((visibility("default")))
#else
#define POL_API
#endif

#define POL_VERSION_MAJOR 0
#define POL_VERSION_MINOR 1
#define POL_VERSION_PATCH 0
#define POL_VERSION_STRING "0.1.0"
/* The .pbc format version this runtime reads and the compiler writes. */
#define POL_FORMAT_VERSION 1

/* Memory: one callback, Lua style. newsize 0 frees ptr and returns NULL; otherwise behaves like realloc
 * (ptr NULL allocates). oldsize is the size of the block at ptr (0 when ptr is NULL). */
typedef void *(*pol_alloc_fn)(void *ud, void *ptr, size_t oldsize, size_t newsize);

typedef enum pol_status {
    POL_OK = 0,
    POL_ERR_NOMEM,   /* the allocator returned NULL */
    POL_ERR_IO,      /* a file could not be read */
    POL_ERR_FORMAT,  /* not a .pbc file, truncated, or a malformed section */
    POL_ERR_VERSION, /* a .pbc format version this runtime does not read */
    POL_ERR_DIGEST,  /* the file's digest does not match its contents */
    POL_ERR_VERIFY,  /* the code breaks a verifier rule */
    POL_ERR_BIND,    /* a record value is missing, of the wrong type, or outside its enum */
    POL_ERR_LIMIT,   /* a configured limit was exceeded */
    POL_ERR_RUNTIME, /* evaluation failed: a value of a type the instruction does not take (polc's type
                      * checker rules it out; the verifier does not track types, so hand-made code can) */
    POL_ERR_ARGUMENT /* a bad slot, index or NULL argument */
} pol_status;

/* Resource limits; 0 in any field means its default (in brackets). */
typedef struct pol_limits {
    uint32_t max_list_length;      /* elements per list field of a record [1024] */
    uint32_t max_string_length;    /* bytes per string value [65536] */
    uint32_t max_instructions;     /* loop work per evaluation: each pass of a loop counts its body's
                                      instructions (code outside loops runs at most once) [10000000] */
    uint32_t max_range_length;     /* integers in an aggregate's a..b range [100000] */
    uint32_t max_record_bytes;     /* bytes per bound record, strings and lists included [16 MiB] */
    uint32_t max_line_bytes;       /* pol_json: bytes per JSON line [16 MiB] */
    uint32_t max_nesting;          /* pol_json: arrays and objects inside one another in a line [64] */
} pol_limits;

/* Configuration for loading a program and making contexts. A NULL pointer means all defaults. */
typedef struct pol_config {
    pol_alloc_fn alloc; /* NULL: the C library's realloc/free */
    void *alloc_ud;     /* passed to alloc */
    pol_limits limits;
} pol_config;

typedef struct pol_program pol_program; /* loaded, verified, immutable; shareable across threads */
typedef struct pol_context pol_context; /* per-thread record + decision + scratch */

/* ---- version ---- */
POL_API const char *pol_version(void);   /* POL_VERSION_STRING of the linked library */
POL_API int pol_format_version(void);    /* POL_FORMAT_VERSION of the linked library */
POL_API const char *pol_status_name(pol_status s);

/* ---- loading ---- */
/* Load and verify .pbc bytes (copied; the caller keeps ownership of bytes). On failure *out is NULL and, when
 * err is not NULL, a one-line reason is written to err (NUL-terminated, truncated to errlen). */
POL_API pol_status pol_program_load(const void *bytes, size_t size, const pol_config *config, pol_program **out,
                                    char *err, size_t errlen);
POL_API pol_status pol_program_load_file(const char *path, const pol_config *config, pol_program **out, char *err,
                                         size_t errlen);
POL_API void pol_program_free(pol_program *program);

/* Header facts of a loaded program. */
POL_API const char *pol_program_name(const pol_program *program);
POL_API const char *pol_program_policy_version(const pol_program *program);
POL_API const char *pol_program_compiler_version(const pol_program *program);
POL_API const uint8_t *pol_program_source_sha256(const pol_program *program); /* 32 bytes */
/* The SHA-256 the .pbc carries for its contents (32 bytes; all zero for a program not loaded from bytes): the
 * program's identity, what logs, caches and reloads name a policy by. */
POL_API const uint8_t *pol_program_digest(const pol_program *program);

/* ---- the record schema ---- */
typedef enum pol_type {
    POL_T_NULL = 0,
    POL_T_BOOL,
    POL_T_INT,
    POL_T_NUMBER,
    POL_T_DATE,   /* a calendar day, or a day and a minute (date-time) */
    POL_T_STRING,
    POL_T_ENUM,
    POL_T_ENTITY,
    POL_T_LIST
} pol_type;

/* Slots name a field of the record. A top-level field's slot is its index (0 .. count-1). A field of a list's
 * element record has the slot returned by pol_element_slot; setting it writes into the element most recently
 * appended to that list with pol_list_append. Slots are stable for a loaded program: resolve names once. */
POL_API int pol_field_count(const pol_program *program);
POL_API int pol_field_slot(const pol_program *program, const char *name, size_t len); /* -1 if none */
POL_API const char *pol_field_name(const pol_program *program, int slot);
POL_API pol_type pol_field_type(const pol_program *program, int slot);
POL_API int pol_field_required(const pol_program *program, int slot);
POL_API int pol_element_slot(const pol_program *program, int list_slot, const char *name, size_t len); /* -1 if none */
/* What a form or a binding needs to walk the schema: a list field's element fields (count, then the slot of the
 * index-th in declaration order; -1 when list_slot is not a list or index is out of range), an enum field's
 * values in declaration order, a field's default (POL_T_NULL when none) and an int or number field's bounds
 * (POL_T_NULL where it has none). */
POL_API int pol_element_count(const pol_program *program, int list_slot);
POL_API int pol_element_slot_at(const pol_program *program, int list_slot, int index);
POL_API int pol_field_enum_count(const pol_program *program, int slot);
POL_API const char *pol_field_enum_value(const pol_program *program, int slot, int index);
typedef struct pol_value pol_value;
POL_API pol_status pol_field_default(const pol_program *program, int slot, pol_value *out);
POL_API pol_status pol_field_bounds(const pol_program *program, int slot, pol_value *min, pol_value *max);

/* ---- contexts ---- */
POL_API pol_status pol_context_new(const pol_program *program, pol_context **out);
POL_API void pol_context_free(pol_context *ctx);
/* Forget the bound record and the last decision; memory is kept for the next record. */
POL_API void pol_context_reset(pol_context *ctx);
/* The message of the last failed call on this context (binding or evaluation), or "" */
POL_API const char *pol_context_error(const pol_context *ctx);
/* The field slot the last POL_ERR_BIND names, or -1 */
POL_API int pol_context_error_slot(const pol_context *ctx);

/* ---- binding a record ---- */
/* A new or reset context holds every field's default (null for required and optional fields); pol_set_null
 * puts a field back to it. Each setter checks the value against the field's type and returns POL_ERR_BIND with a message naming the
 * field when it does not fit (an enum value outside its list gets the nearest valid value in the message).
 * Strings are copied into the context. */
POL_API pol_status pol_set_null(pol_context *ctx, int slot);
POL_API pol_status pol_set_bool(pol_context *ctx, int slot, int value);
POL_API pol_status pol_set_int(pol_context *ctx, int slot, int64_t value);
POL_API pol_status pol_set_number(pol_context *ctx, int slot, double value);
POL_API pol_status pol_set_date(pol_context *ctx, int slot, int year, int month, int day);
/* Parses YYYY-MM-DD (a real calendar day) */
POL_API pol_status pol_set_date_string(pol_context *ctx, int slot, const char *text, size_t len);
POL_API pol_status pol_set_string(pol_context *ctx, int slot, const char *text, size_t len);
/* By the value's name as declared in the enum */
POL_API pol_status pol_set_enum(pol_context *ctx, int slot, const char *name, size_t len);
/* Append an element (all its fields at their defaults) to the list field list_slot; returns its index via
 * *index when index is not NULL. */
POL_API pol_status pol_list_append(pol_context *ctx, int list_slot, uint32_t *index);

/* ---- evaluation ---- */
/* Check required fields, then run the program. POL_ERR_BIND when a required field is unset. (Defaults need no
 * step of their own: a new or reset context holds them, and pol_set_null writes the field's default.) */
POL_API pol_status pol_evaluate(pol_context *ctx);

/* ---- reading the decision ---- */
struct pol_value {
    pol_type type;
    int boolean;
    int64_t integer;
    double number;
    int year, month, day; /* POL_T_DATE */
    int minute;           /* POL_T_DATE: minute of the day, or -1 for a plain date */
    const char *string;   /* POL_T_STRING; the value's name for POL_T_ENUM and POL_T_ENTITY */
    size_t length;        /* bytes in string */
};

POL_API int pol_output_count(const pol_program *program);
POL_API const char *pol_output_name(const pol_program *program, int index);
POL_API int pol_output_index(const pol_program *program, const char *name, size_t len); /* -1 if none */
/* Valid until the next bind or evaluate on ctx */
POL_API pol_status pol_output(const pol_context *ctx, int index, pol_value *out);

typedef enum pol_finding_kind { POL_VIOLATION = 0, POL_TODO = 1, POL_WARNING = 2 } pol_finding_kind;
POL_API const char *pol_finding_kind_name(pol_finding_kind kind);

typedef struct pol_finding {
    pol_finding_kind kind;
    const char *clause;  /* e.g. "三(一)" */
    const char *message; /* NUL-terminated UTF-8 */
    size_t message_length;
    int line;            /* source line of the rule */
} pol_finding;

POL_API size_t pol_finding_count(const pol_context *ctx);
POL_API pol_status pol_finding_get(const pol_context *ctx, size_t index, pol_finding *out);

/* ---- explanations: tracing an evaluation (doc/explain.md) ---- */
/* With a trace set on a context, pol_evaluate calls it once for each rule it tries, in the order it tries
 * them, with what the rule read and what it decided. Without one, evaluation runs exactly as before. */
typedef enum pol_rule_kind {
    POL_RULE_VIOLATION = 0, /* = pol_finding_kind */
    POL_RULE_TODO = 1,
    POL_RULE_WARNING = 2,
    POL_RULE_ROUTE = 3,
    POL_RULE_OUTPUT = 4,
    POL_RULE_LET = 5
} pol_rule_kind;
POL_API const char *pol_rule_kind_name(pol_rule_kind kind); /* "violation" ... "let" */

typedef enum pol_read_kind {
    POL_READ_FIELD = 0,  /* a field of the record: "level"; a list's length: "count(substitutes)" */
    POL_READ_ELEMENT,    /* a field of a list element: "papers[0].similarity" (elements counted from 0) */
    POL_READ_LET,        /* a let's value: "工程师达标年数" */
    POL_READ_OUTPUT,     /* an output already set: "receiver" */
    POL_READ_ROUTED,     /* the committee the routes chose, or one of its attributes: "routed.authority" */
    POL_READ_FINDINGS    /* the number of findings of a kind so far: "findings(violation)" */
} pol_read_kind;

typedef struct pol_trace_read {
    pol_read_kind kind;
    const char *name; /* NUL-terminated */
    pol_value value;
    int iteration;    /* the event's iteration it was read in, or -1 outside the rule's loops */
    const char *test; /* the comparison with a constant the value went straight into, e.g. ">= 14", or NULL */
} pol_trace_read;

/* One pass of a loop that the rule itself runs (an aggregate such as count(y in a .. b where ...)); loops
 * nested inside it are not listed, their reads belong to the pass of the outer loop they ran in. */
typedef struct pol_trace_iteration {
    int loop;         /* 0 for the rule's first loop, 1 for its second, ... */
    int64_t item;     /* a range loop's integer, or a list loop's element index */
    const char *list; /* a list loop's field name; NULL for a range */
    int selected;     /* the pass reached the aggregate's update: counted (count, sum), matched (any),
                         broke it (all) */
} pol_trace_iteration;

typedef struct pol_trace_event {
    int rule;           /* index in the program's rule table (source order) */
    pol_rule_kind kind;
    const char *clause; /* the notice's clause, "" outside a clause */
    int line;           /* source line */
    const char *text;   /* the rule's first source line */
    const char *name;   /* let and output: their name; route: the entity it routes to; else NULL */
    int fired;          /* route: chosen; finding: raised; let and output: computed (always 1) */
    pol_value value;    /* let and output: the value; finding: the message; route: the entity; else null */
    size_t nreads;
    const pol_trace_read *reads; /* in the order read; a name read again in the same pass is listed once */
    size_t niterations;
    const pol_trace_iteration *iterations;
    size_t dropped_reads; /* reads left out beyond the per-event cap (4096) */
} pol_trace_event;

/* Everything an event points to is valid only during the call. The callback runs inside pol_evaluate on ctx:
 * it must not use ctx (nor set or remove its trace). */
typedef void (*pol_trace_fn)(void *ud, const pol_trace_event *event);
/* Set (fn not NULL) or remove (fn NULL) the trace of ctx. POL_ERR_NOMEM when its tables cannot be made. */
POL_API pol_status pol_context_set_trace(pol_context *ctx, pol_trace_fn fn, void *ud);
/* The event as one line of text without a newline (doc/explain.md), snprintf-style: writes at most size
 * bytes including the NUL (cut at a character boundary), returns the length the whole line needs. */
POL_API size_t pol_trace_event_text(const pol_trace_event *event, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
