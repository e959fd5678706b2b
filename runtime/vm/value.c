/* value.c: values from constants, to the public pol_value, and as text (what FORMAT joins). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "value.h"
#include "vm.h"

polX_value polX_from_const(const polP_program *p, const polP_const *c)
{
    polX_value v = polX_null();
    switch (c->kind) {
    case POL_T_BOOL:
        return polX_bool(c->u.i != 0);
    case POL_T_INT:
        return polX_int(c->u.i);
    case POL_T_NUMBER:
        return polX_number(c->u.d);
    case POL_T_DATE:
        return polX_date_with_civil(c->u.i, c->has_time); /* converted once, when the program loads */
    case POL_T_STRING:
        return polX_string(p->strings[c->ref].bytes, p->strings[c->ref].length);
    case POL_T_ENUM:
        return polX_enum(c->ref, c->u.i);
    case POL_T_ENTITY:
        v.tag = POL_T_ENTITY;
        v.x.ref = c->ref;
        v.u.i = c->u.i;
        return v;
    default:
        return v;
    }
}

static const polP_string *enum_value_name(const polP_program *p, const polX_value *v)
{
    return &p->strings[p->enums[v->x.ref].values[v->u.i]];
}

static const polP_string *entity_name(const polP_program *p, const polX_value *v)
{
    return &p->strings[p->entities[v->u.i].name];
}

/* i in decimal, as %PRId64 writes it (messages format a count or a year in most findings: snprintf's
 * machinery costs more than the rest of an evaluation) */
static int int_text(int64_t i, char scratch[POLX_TEXT_SCRATCH])
{
    char digits[24];
    uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
    int n = 0, at = 0;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (i < 0)
        scratch[at++] = '-';
    while (n)
        scratch[at++] = digits[--n];
    return at;
}

/* d as %.15g writes it, for the numbers policies print (30.1, 72.5: a few decimals), without snprintf; 0 when
 * d is not such a number (then the caller uses snprintf). When d is the double nearest m / 10^k for an integer
 * m of at most 15 digits (checked exactly: the division is correctly rounded), d lies within 2^-53 of that
 * decimal, far closer than half a step of 15 significant digits, so %.15g rounds d to exactly m / 10^k; and
 * for 1e-4 <= |d| < 1e15 it prints it in fixed notation without trailing zeros, as written here. */
static int short_number_text(double d, char scratch[POLX_TEXT_SCRATCH])
{
    static const double tens[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    double a = d < 0 ? -d : d;
    if (!(a >= 1e-4 && a < 1e9))
        return 0;
    for (int k = 0; k < 7; k++) {
        double scaled = a * tens[k];
        if (scaled >= 1e15)
            return 0;
        int64_t m = (int64_t)(scaled + 0.5);
        if ((double)m / tens[k] != a)
            continue;
        int64_t whole = m, frac = 0, unit = 1;
        for (int i = 0; i < k; i++)
            unit *= 10;
        whole = m / unit;
        frac = m % unit;
        int n = int_text(d < 0 ? -whole : whole, scratch);
        if (d < 0 && whole == 0)
            n = (scratch[0] = '-', scratch[1] = '0', 2);
        if (frac) {
            char digits[8] = {0};
            int nd = 0;
            for (int i = 0; i < k; i++, frac /= 10)
                digits[nd++] = (char)('0' + frac % 10); /* least significant first */
            int skip = 0;
            while (skip < nd && digits[skip] == '0')
                skip++; /* trailing zeros */
            scratch[n++] = '.';
            for (int i = nd - 1; i >= skip; i--)
                scratch[n++] = digits[i];
        }
        return n;
    }
    return 0;
}

size_t polX_value_text(const polP_program *p, const polX_value *v, char scratch[POLX_TEXT_SCRATCH],
                       const char **text)
{
    const polP_string *s;
    int n;
    switch (v->tag) {
    case POL_T_STRING:
        *text = v->u.s;
        return v->x.len;
    case POL_T_INT:
        n = int_text(v->u.i, scratch);
        break;
    case POL_T_NUMBER:
        /* a whole number of at most 15 digits prints under %.15g as the integer does (not -0: it keeps its sign) */
        if (v->u.d != 0 && v->u.d > -1e15 && v->u.d < 1e15 && v->u.d == (double)(int64_t)v->u.d)
            n = int_text((int64_t)v->u.d, scratch);
        else if (!(n = short_number_text(v->u.d, scratch)))
            n = snprintf(scratch, POLX_TEXT_SCRATCH, "%.15g", v->u.d);
        break;
    case POL_T_DATE:
        if (v->flags & POLX_HAS_CIVIL)
            n = polT_format_civil(v->x.civil,
                                  v->flags & POLX_HAS_TIME ? (int)(v->u.i - polX_day_of(v->u.i) * POLT_MINUTES_PER_DAY)
                                                           : -1,
                                  scratch);
        else
            n = polT_format(v->u.i, v->flags & POLX_HAS_TIME, scratch);
        break;
    case POL_T_BOOL:
        *text = v->u.i ? "true" : "false";
        return v->u.i ? 4 : 5;
    case POL_T_ENUM:
        s = enum_value_name(p, v);
        *text = s->bytes;
        return s->length;
    case POL_T_ENTITY:
        s = entity_name(p, v);
        *text = s->bytes;
        return s->length;
    default: /* null, and lists, which have no text */
        *text = "";
        return 0;
    }
    *text = scratch;
    return n < 0 ? 0 : (size_t)n;
}

void polX_value_public(const polP_program *p, const polX_value *v, pol_value *out)
{
    const polP_string *s;
    memset(out, 0, sizeof *out);
    out->type = (pol_type)v->tag;
    out->minute = -1;
    switch (v->tag) {
    case POL_T_BOOL:
        out->boolean = (int)v->u.i;
        out->integer = v->u.i;
        break;
    case POL_T_INT:
        out->integer = v->u.i;
        out->number = (double)v->u.i;
        break;
    case POL_T_NUMBER:
        out->number = v->u.d;
        break;
    case POL_T_DATE: {
        int64_t day = polX_day_of(v->u.i);
        if (v->flags & POLX_HAS_CIVIL) {
            out->year = polT_civil_year(v->x.civil);
            out->month = polT_civil_month(v->x.civil);
            out->day = polT_civil_day(v->x.civil);
        } else {
            polT_civil_from_days(day, &out->year, &out->month, &out->day);
        }
        out->minute = (v->flags & POLX_HAS_TIME) ? (int)(v->u.i - day * POLT_MINUTES_PER_DAY) : -1;
        out->integer = v->u.i;
        break;
    }
    case POL_T_STRING:
        out->string = v->u.s;
        out->length = v->x.len;
        break;
    case POL_T_ENUM:
    case POL_T_ENTITY:
        s = v->tag == POL_T_ENUM ? enum_value_name(p, v) : entity_name(p, v);
        out->string = s->bytes;
        out->length = s->length;
        out->integer = v->u.i;
        break;
    case POL_T_LIST:
        out->integer = v->u.i;
        break;
    default:
        out->type = POL_T_NULL;
        break;
    }
}
