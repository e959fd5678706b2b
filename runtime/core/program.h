/* program.h: the in-memory form of a compiled policy, shared by the compiler's code generator (which fills
 * it), the .pbc writer and reader (runtime/format), the verifier, the VM and the disassembler.
 *
 * Everything is indexes into tables: strings into the string table, types into enums/records/entity types,
 * so the whole program is position-independent and serialises table by table. Internal to libpol and polc;
 * embedders see only pol.h.
 */
#ifndef POL_PROGRAM_H
#define POL_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "opcodes.h"
#include "pol.h"

#define POL_NONE UINT32_MAX /* "no index" in any uint32_t index field */

/* A type: kind is a pol_type; ref is the enum, entity type or record type index for ENUM, ENTITY, LIST. */
typedef struct polP_type {
    uint8_t kind;     /* pol_type */
    uint8_t nullable; /* 1 when null is a valid value */
    uint16_t pad;     /* always 0 */
    uint32_t ref;
} polP_type;

/* A constant or a default value. Dates are minutes since 1970-01-01 00:00 (days * 1440 + minute);
 * has_time says whether a minute of the day was given (a date-time) or not (a plain date). */
typedef struct polP_const {
    uint8_t kind;     /* pol_type (LIST is never a constant) */
    uint8_t has_time; /* DATE only */
    uint16_t pad;     /* always 0 */
    uint32_t ref;     /* ENUM: enum index; ENTITY: entity type index; STRING: string index */
    union {
        int64_t i; /* BOOL (0/1), INT, DATE (minutes), ENUM (value index), ENTITY (entity index) */
        double d;  /* NUMBER */
    } u;
} polP_const;

typedef struct polP_string {
    uint32_t length;
    const char *bytes; /* NUL-terminated; owned by the program */
} polP_string;

typedef struct polP_enum {
    uint32_t name;     /* string */
    uint32_t nvalues;
    uint32_t *values;  /* strings, in declaration order; a value's index is its number */
} polP_enum;

typedef struct polP_field {
    uint32_t name;        /* string */
    polP_type type;
    uint8_t required;     /* a record without it is refused */
    uint8_t pad[3];
    polP_const def;       /* default when absent or null (kind NULL when none) */
    polP_const min, max;  /* bounds of an int or number field, inclusive (kind NULL when none) */
} polP_field;

/* Record types: index 0 is the applicant; the others are the element types of list fields. */
typedef struct polP_record {
    uint32_t name; /* string */
    uint32_t nfields;
    polP_field *fields;
} polP_record;

typedef struct polP_entity_type {
    uint32_t name; /* string */
    uint32_t nattrs;
    polP_field *attrs; /* attribute names and types (required/def unused) */
} polP_entity_type;

typedef struct polP_entity {
    uint32_t type; /* entity type */
    uint32_t name; /* string */
    uint32_t line; /* source line of its declaration */
    polP_const *values; /* one per attribute of its type; kind NULL where not given */
} polP_entity;

typedef enum polP_rule_kind {
    POLP_RULE_VIOLATION = 0, /* = pol_finding_kind */
    POLP_RULE_TODO = 1,
    POLP_RULE_WARNING = 2,
    POLP_RULE_ROUTE = 3,
    POLP_RULE_OUTPUT = 4,
    POLP_RULE_LET = 5
} polP_rule_kind;

/* Every rule of the source, in source order: what the source map and the explanations point at. */
typedef struct polP_rule {
    uint8_t kind;     /* polP_rule_kind */
    uint8_t pad[3];
    uint32_t clause;  /* string: the notice's clause id, e.g. 三(一); POL_NONE when outside a clause */
    uint32_t line;    /* source line */
    uint32_t target;  /* ROUTE: entity index; OUTPUT: output index; else POL_NONE */
    uint32_t text;    /* string: the rule's source text, one line, for listings and explanations */
} polP_rule;

typedef struct polP_output {
    uint32_t name; /* string */
    polP_type type;
} polP_output;

/* SWITCH tables: entries[v] is the target for value v (0 .. nentries-1); anything else goes to dflt. */
typedef struct polP_table {
    uint32_t dflt;
    uint32_t nentries;
    uint32_t *entries;
} polP_table;

/* INSET sets: a bitmap over the values of one enum. */
typedef struct polP_set {
    uint32_t enum_index;
    uint32_t nwords;
    uint64_t *bits; /* value v is in the set when bits[v / 64] >> (v % 64) & 1 */
} polP_set;

typedef struct polP_instr {
    uint8_t op;  /* pol_opcode */
    uint8_t a;
    uint16_t c;  /* always 0 */
    int32_t b;
} polP_instr;

/* Source map: one entry per instruction */
typedef struct polP_srcloc {
    uint32_t line; /* 0 for generated glue */
    uint32_t rule; /* rule index, or POL_NONE */
} polP_srcloc;

typedef struct polP_program {
    /* header */
    uint32_t name;             /* string: the policy's name */
    uint32_t policy_version;   /* string */
    uint32_t compiler_version; /* string */
    int32_t year;              /* the policy's year (0 if not declared) */
    uint8_t source_sha256[32];

    uint32_t nstrings;
    polP_string *strings;
    uint32_t nenums;
    polP_enum *enums;
    uint32_t nrecords;
    polP_record *records;
    uint32_t nentity_types;
    polP_entity_type *entity_types;
    uint32_t nentities;
    polP_entity *entities;
    uint32_t nconsts;
    polP_const *consts;
    uint32_t nrules;
    polP_rule *rules;
    uint32_t noutputs;
    polP_output *outputs;
    uint32_t ntables;
    polP_table *tables;
    uint32_t nsets;
    polP_set *sets;

    uint32_t nlocals;   /* locals the code uses */
    uint32_t max_stack; /* deepest the stack gets (the verifier checks it) */
    uint32_t ncode;
    polP_instr *code;
    polP_srcloc *srcmap; /* ncode entries */
} polP_program;

#endif
