/* value.h: the VM's 16-byte tagged value, its conversions from constants and to pol_value, and its text form. */
#ifndef POLX_VALUE_H
#define POLX_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "pol.h"
#include "program.h"

/* flags of a DATE: it carries a minute of the day; it carries its day's civil fields in x.civil (the dates the
 * VM binds, loads and computes with, in the years 1..9999: YEAR and YEARSBETWEEN then convert nothing) */
enum { POLX_HAS_TIME = 1, POLX_HAS_CIVIL = 2 };

/* A tag only the interpreter uses, for a local that SETNEW made a set of integers (never public: the
 * compiler never loads such a local, and the public conversions treat it as null). */
enum { POLX_T_SET = 16 };

typedef struct polX_value {
    uint8_t tag;   /* pol_type */
    uint8_t flags; /* POLX_HAS_TIME */
    uint16_t pad;
    union {
        uint32_t ref; /* ENUM: enum index; ENTITY: entity type index; LIST: the top-level field */
        uint32_t len; /* STRING: bytes, not counting the NUL that always follows them; SET: words held */
        uint32_t civil; /* DATE with POLX_HAS_CIVIL: polT_civil_pack of its day */
    } x;
    union {
        int64_t i;     /* BOOL 0/1, INT, DATE (minutes since 1970), ENUM value index, ENTITY index, LIST count */
        double d;      /* NUMBER */
        const char *s; /* STRING: NUL-terminated, in the program or a context arena */
        uint64_t *w;   /* POLX_T_SET: [0] lo, [1] how many integers lo.., then one bit each (eval arena) */
    } u;
} polX_value;

_Static_assert(sizeof(polX_value) == 16, "a value is 16 bytes");

static inline polX_value polX_null(void)
{
    polX_value v = {0};
    return v;
}

static inline polX_value polX_bool(int b)
{
    polX_value v = {0};
    v.tag = POL_T_BOOL;
    v.u.i = b != 0;
    return v;
}

static inline polX_value polX_int(int64_t i)
{
    polX_value v = {0};
    v.tag = POL_T_INT;
    v.u.i = i;
    return v;
}

static inline polX_value polX_number(double d)
{
    polX_value v = {0};
    v.tag = POL_T_NUMBER;
    v.u.d = d;
    return v;
}

static inline polX_value polX_date(int64_t minutes, int has_time)
{
    polX_value v = {0};
    v.tag = POL_T_DATE;
    v.flags = has_time ? POLX_HAS_TIME : 0;
    v.u.i = minutes;
    return v;
}

/* A date with its day's fields (civil: polT_civil_pack of that day) */
static inline polX_value polX_date_civil(int64_t minutes, int has_time, uint32_t civil)
{
    polX_value v = polX_date(minutes, has_time);
    v.flags |= POLX_HAS_CIVIL;
    v.x.civil = civil;
    return v;
}

/* A date with its day's fields when its year is 1..9999 (else as polX_date) */
static inline polX_value polX_date_with_civil(int64_t minutes, int has_time)
{
    uint32_t civil;
    return polT_civil_of(minutes, &civil) ? polX_date_civil(minutes, has_time, civil) : polX_date(minutes, has_time);
}

static inline polX_value polX_string(const char *s, uint32_t len)
{
    polX_value v = {0};
    v.tag = POL_T_STRING;
    v.x.len = len;
    v.u.s = s;
    return v;
}

static inline polX_value polX_enum(uint32_t enum_index, int64_t value)
{
    polX_value v = {0};
    v.tag = POL_T_ENUM;
    v.x.ref = enum_index;
    v.u.i = value;
    return v;
}

/* The day (since 1970-01-01) a date in minutes falls on, rounding down before 1970 too. */
static inline int64_t polX_day_of(int64_t minutes)
{
    return minutes / 1440 - (minutes % 1440 < 0);
}

/* The value of a constant or default of p (whose indexes the loader has checked). */
polX_value polX_from_const(const polP_program *p, const polP_const *c);

/* Scratch space the text form may need (numbers, dates). */
#define POLX_TEXT_SCRATCH 32

/* The text FORMAT writes for v: a string as is, an int in decimal, a number as %.15g, a date as YYYY-MM-DD or
 * YYYY-MM-DDTHH:MM, an enum value's or entity's name, true/false, null as nothing. *text points into the
 * program, the value's own string, or scratch; returns the length. */
size_t polX_value_text(const polP_program *p, const polX_value *v, char scratch[POLX_TEXT_SCRATCH],
                       const char **text);

/* Fill a public pol_value from v; strings stay owned by where v's point. */
void polX_value_public(const polP_program *p, const polX_value *v, pol_value *out);

#endif
