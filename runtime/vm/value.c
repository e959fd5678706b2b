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
        return polX_date(c->u.i, c->has_time);
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
        n = snprintf(scratch, POLX_TEXT_SCRATCH, "%" PRId64, v->u.i);
        break;
    case POL_T_NUMBER:
        n = snprintf(scratch, POLX_TEXT_SCRATCH, "%.15g", v->u.d);
        break;
    case POL_T_DATE:
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
        polT_civil_from_days(day, &out->year, &out->month, &out->day);
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
