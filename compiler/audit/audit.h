/* audit.h: what poldiff's files share: loaded programs, a text buffer, the list of changes, and the jobs
 * (schema and entities, routing function, rule code, impact on records). */
#ifndef POL_AUDIT_H
#define POL_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pol.h"
#include "program.h"

/* ---- buf.c: a growing NUL-terminated text buffer (aborts the command on out of memory) ---------------- */
typedef struct audit_buf {
    char *s;
    size_t n, cap;
} audit_buf;

void audit_puts(audit_buf *b, const char *s);
void audit_putn(audit_buf *b, const char *s, size_t n);
void audit_printf(audit_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void audit_json_string(audit_buf *b, const char *s); /* "..." with JSON escapes */
char *audit_take(audit_buf *b);                      /* the text, malloc'd; b is emptied */
void audit_buf_free(audit_buf *b);
void *audit_xmalloc(size_t n);                       /* zeroed */
char *audit_strdup(const char *s);

/* ---- program.c: a loaded, verified program and names of its parts ----------------------------------------- */
typedef struct audit_prog {
    pol_program *prog;
    const polP_program *p;
    const char *path;
    uint32_t route_end; /* first address after the routing code (0 when there is none) */
} audit_prog;

/* Load and verify a .pbc; 0, or -1 with a message on stderr */
int audit_load(audit_prog *ap, const char *path);
int audit_load_bytes(audit_prog *ap, const void *bytes, size_t n, const char *name); /* the same, from memory */
void audit_unload(audit_prog *ap);
const char *audit_str(const polP_program *p, uint32_t s); /* "" for none */
/* A constant's value as text: strings quoted (JSON escapes), dates YYYY-MM-DD[THH:MM], enum values and
 * entities by name, numbers shortest round-trip */
void audit_const_text(const polP_program *p, const polP_const *c, audit_buf *out);
void audit_type_text(const polP_program *p, const polP_type *t, audit_buf *out);
/* "line 12, 三(一)" or "line 12, no clause" */
void audit_rule_where(const polP_program *p, uint32_t rule, audit_buf *out);
const char *audit_rule_kind_name(unsigned kind);
/* first address of rule r's code, and one past its last (both 0 when it has none) */
void audit_rule_span(const polP_program *p, uint32_t r, uint32_t *start, uint32_t *end);
int audit_field_index(const polP_program *p, uint32_t record, const char *name); /* -1 if none */
int audit_enum_index(const polP_program *p, const char *name);
int audit_enum_value(const polP_program *p, uint32_t e, const char *name);
int audit_entity_index(const polP_program *p, const char *name);
int audit_output_index(const polP_program *p, const char *name);

/* ---- change.c: the list of differences, printed as text or JSON ---------------------------------------------- */
typedef enum audit_section {
    AUDIT_HEADER = 0, /* provenance facts: shown, never a difference */
    AUDIT_ENUMS,
    AUDIT_RECORDS,
    AUDIT_ENTITY_TYPES,
    AUDIT_ENTITIES,
    AUDIT_ROUTES,
    AUDIT_FINDINGS,
    AUDIT_OUTPUTS,
    AUDIT_SECTIONS
} audit_section;

typedef struct audit_change {
    audit_section section;
    char *text; /* for people: one line, then indented detail lines */
    char *json; /* one JSON object */
} audit_change;

typedef struct audit_changes {
    audit_change *items;
    size_t n, cap;
} audit_changes;

void audit_add(audit_changes *c, audit_section s, audit_buf *text, audit_buf *json);
size_t audit_count_differences(const audit_changes *c); /* every change except the header facts */
void audit_print_text(const audit_changes *c, const audit_prog *old, const audit_prog *new_, FILE *out);
void audit_print_json(const audit_changes *c, const audit_prog *old, const audit_prog *new_, FILE *out);
void audit_changes_free(audit_changes *c);

/* ---- the comparisons, each appending to changes ---------------------------------------------------------------- */
void audit_diff_header(const audit_prog *old, const audit_prog *new_, audit_changes *c); /* header.c */
void audit_diff_schema(const audit_prog *old, const audit_prog *new_, audit_changes *c); /* schema.c */
void audit_diff_entities(const audit_prog *old, const audit_prog *new_, audit_changes *c); /* entities.c */
int audit_diff_routes(const audit_prog *old, const audit_prog *new_, audit_changes *c);   /* routes.c; -1 error */
void audit_diff_rules(const audit_prog *old, const audit_prog *new_, audit_changes *c);  /* rules.c */

/* ---- canon.c: a rule's code in a canonical text: constants resolved, names instead of indexes, lets replaced
 * by a digest of their own canonical code, other locals numbered by first use, jumps relative. ---------------- */
typedef struct audit_canon audit_canon; /* per program: memoised let digests */
audit_canon *audit_canon_new(const audit_prog *ap);
void audit_canon_free(audit_canon *cn);
/* Code of addresses [start, end) as canonical text into out */
void audit_canon_code(audit_canon *cn, uint32_t start, uint32_t end, audit_buf *out);
/* The test at addr that decides a finding, without its jump target (which only says where the rule ends):
 * "JUMPF", "JUMPT", or TESTK with its comparison and constant */
void audit_canon_test(audit_canon *cn, uint32_t addr, audit_buf *out);
/* The enclosing `for each` loops of address addr, outermost first ("papers;") */
void audit_canon_loops(audit_canon *cn, uint32_t addr, audit_buf *out);
/* The let rules the code [start, end) reads, directly or through other lets: rules[], returns the count */
uint32_t audit_canon_lets(audit_canon *cn, uint32_t start, uint32_t end, uint32_t *rules, uint32_t max);
/* The digest of a let rule's canonical code (16 hex digits, static per canon) */
const char *audit_canon_let_digest(audit_canon *cn, uint32_t rule);
const polP_program *audit_canon_ap_program(const audit_canon *cn);

/* ---- routing.c: the routing function of one program, by evaluation in the VM ------------------------------------ */
/* One routing input field, with its values (names; "true"/"false" for bools; "null" when optional) */
typedef struct audit_dim {
    char *field;
    uint32_t nvalues;
    char **values;
    int is_key; /* a `routing by` key (else a field a condition reads) */
} audit_dim;

/* Which fields the routing code of p reads: its keys (FIELD before the first route rule) and the fields its
 * route conditions read (FIELD inside route rules). Appended to dims (deduplicated by name). */
void audit_routing_fields(const audit_prog *ap, audit_dim **dims, uint32_t *ndims);
/* Evaluate p for one combination (value index per dim); *rule is the route rule that fired or POL_NONE;
 * returns the routed entity, POL_NONE when unrouted, or -2 when the combination has a value p does not have
 * (a field or enum value it lacks), -1 on an error (message in err). */
int64_t audit_route_of(const audit_prog *ap, pol_context *ctx, const audit_dim *dims, uint32_t ndims,
                       const uint32_t *combo, uint32_t *rule, char *err, size_t errlen);

/* ---- impact.c: decide records under both programs ------------------------------------------------------------ */
int audit_impact(const audit_prog *old, const audit_prog *new_, const char *records_path, int json, FILE *out);

#endif
