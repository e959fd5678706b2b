/* bind.c: binding a record: the pol_set_* setters and pol_list_append (type checks, limits, messages naming
 * the field), and completing the record before evaluation (defaults, required fields). */
#include <string.h>

#include "date.h"
#include "suggest.h"
#include "vm.h"

#define POLX_QUOTE_MAX 100 /* bytes of a bad value quoted in a message */

/* ---- messages ------------------------------------------------------------------------------------------- */

/* "name", or "list[index].name" for an element field */
static void add_field_name(pol_context *ctx, int slot, uint32_t index)
{
    const pol_program *prog = ctx->prog;
    const polX_slot *s = &prog->slots[slot];
    if (s->list != POL_NONE) {
        const char *list = polX_str(prog->p, prog->p->records[0].fields[prog->list_field[s->list]].name);
        polX_error_addf(ctx, "%s[%u].", list, index);
    }
    const char *name = polX_str(prog->p, polX_slot_field(prog, slot)->name);
    polX_error_add(ctx, name, strlen(name));
}

/* The element a setter on slot writes to: the last appended. */
static uint32_t current_index(const pol_context *ctx, int slot)
{
    uint32_t list = ctx->prog->slots[slot].list;
    return list == POL_NONE || ctx->lists[list].count == 0 ? 0 : ctx->lists[list].count - 1;
}

static void add_quoted(pol_context *ctx, const char *text, size_t len)
{
    size_t n = len;
    if (n > POLX_QUOTE_MAX) {
        n = POLX_QUOTE_MAX;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    polX_error_add(ctx, "'", 1);
    polX_error_add(ctx, text, n);
    polX_error_add(ctx, n < len ? "...'" : "'", n < len ? 4 : 1);
}

static void add_enum_values(pol_context *ctx, uint32_t e)
{
    const pol_program *prog = ctx->prog;
    polX_error_add(ctx, "[", 1);
    for (uint32_t v = prog->enum_base[e]; v < prog->enum_base[e + 1]; v++) {
        if (v > prog->enum_base[e])
            polX_error_add(ctx, ", ", 2);
        add_quoted(ctx, prog->enum_text[v], prog->enum_len[v]);
    }
    polX_error_add(ctx, "]", 1);
}

static const char *type_phrase(uint8_t kind)
{
    switch (kind) {
    case POL_T_BOOL:
        return "a bool";
    case POL_T_INT:
        return "an integer";
    case POL_T_NUMBER:
        return "a number";
    case POL_T_DATE:
        return "a date";
    case POL_T_STRING:
        return "a string";
    case POL_T_ENTITY:
        return "an entity";
    case POL_T_LIST:
        return "a list";
    default:
        return "nothing";
    }
}

/* "field: expected a date", or for an enum field "field: expected one of [...]" */
static pol_status type_error(pol_context *ctx, int slot, const polP_field *f)
{
    polX_error_begin(ctx);
    add_field_name(ctx, slot, current_index(ctx, slot));
    if (f->type.kind == POL_T_ENUM) {
        polX_error_add(ctx, ": expected one of ", 18);
        add_enum_values(ctx, f->type.ref);
    } else {
        polX_error_addf(ctx, ": expected %s", type_phrase(f->type.kind));
    }
    return polX_error_end(ctx, POL_ERR_BIND, slot);
}

/* The value as a double, for comparing with a bound */
static double const_number(const polP_const *c) { return c->kind == POL_T_INT ? (double)c->u.i : c->u.d; }

/* A value outside the field's declared bounds: "applications_this_year: expected an integer >= 1, got 0" */
static pol_status bounds_error(pol_context *ctx, int slot, const polP_field *f, double value)
{
    polX_error_begin(ctx);
    add_field_name(ctx, slot, current_index(ctx, slot));
    polX_error_addf(ctx, ": expected %s", type_phrase(f->type.kind));
    if (f->min.kind != POL_T_NULL)
        polX_error_addf(ctx, " >= %.15g", const_number(&f->min));
    if (f->max.kind != POL_T_NULL)
        polX_error_addf(ctx, "%s <= %.15g", f->min.kind != POL_T_NULL ? " and" : "", const_number(&f->max));
    polX_error_addf(ctx, ", got %.15g", value);
    return polX_error_end(ctx, POL_ERR_BIND, slot);
}

/* inline: every number of every record passes here, and almost all are in bounds */
static inline pol_status check_bounds(pol_context *ctx, int slot, const polP_field *f, double value)
{
    int low = f->min.kind != POL_T_NULL && value < const_number(&f->min);
    int high = f->max.kind != POL_T_NULL && value > const_number(&f->max);
    return low || high ? bounds_error(ctx, slot, f, value) : POL_OK;
}

static pol_status limit_error(pol_context *ctx, int slot, const char *what, uint32_t limit)
{
    polX_error_begin(ctx);
    add_field_name(ctx, slot, current_index(ctx, slot));
    polX_error_addf(ctx, ": %s %u %s", what, limit, strcmp(what, "more than") == 0 ? "elements" : "bytes");
    return polX_error_end(ctx, POL_ERR_LIMIT, slot);
}

/* ---- finding where a slot's value lives --------------------------------------------------------------------- */

static pol_status no_element_error(pol_context *ctx, int slot, const polP_field *field)
{
    const pol_program *prog = ctx->prog;
    const char *name = polX_str(prog->p, prog->p->records[0].fields[prog->list_field[prog->slots[slot].list]].name);
    return polX_fail(ctx, POL_ERR_ARGUMENT, -1, "%s.%s: the list has no element yet (append one first)", name,
                     polX_str(prog->p, field->name));
}

/* inline: every setter of every field starts here (the JSON layer calls one per value) */
static inline pol_status locate(pol_context *ctx, int slot, polX_value **where, const polP_field **field)
{
    if (!ctx)
        return POL_ERR_ARGUMENT;
    const pol_program *prog = ctx->prog;
    if (slot < 0 || (uint32_t)slot >= prog->nslots)
        return polX_fail(ctx, POL_ERR_ARGUMENT, -1, "slot %d is not a field of the record", slot);
    const polX_slot *s = &prog->slots[slot];
    *field = polX_slot_field(prog, slot);
    if (s->list == POL_NONE) {
        *where = &ctx->fields[slot];
        return POL_OK;
    }
    polX_list *list = &ctx->lists[s->list];
    if (list->count == 0)
        return no_element_error(ctx, slot, *field);
    *where = &list->rows[(size_t)(list->count - 1) * list->nfields + s->field];
    return POL_OK;
}

/* Count bytes the record takes against max_record_bytes. */
static pol_status charge(pol_context *ctx, int slot, size_t bytes)
{
    uint32_t limit = ctx->prog->limits.max_record_bytes;
    if (bytes > limit || ctx->record_bytes > limit - bytes)
        return limit_error(ctx, slot, "the record is larger than", limit);
    ctx->record_bytes += bytes;
    return POL_OK;
}

/* ---- setters ------------------------------------------------------------------------------------------------ */

pol_status pol_set_null(pol_context *ctx, int slot)
{
    polX_value *where = NULL;
    const polP_field *f = NULL;
    pol_status st = locate(ctx, slot, &where, &f);
    if (st != POL_OK)
        return st;
    const pol_program *prog = ctx->prog;
    const polX_slot *s = &prog->slots[slot];
    if (f->type.kind == POL_T_LIST && s->list == POL_NONE)
        ctx->lists[prog->list_of_field[slot]].count = 0; /* null means [] */
    else
        *where = prog->defaults[prog->default_base[s->record] + s->field]; /* null when it has none */
    return POL_OK;
}

pol_status pol_set_bool(pol_context *ctx, int slot, int value)
{
    polX_value *where = NULL;
    const polP_field *f = NULL;
    pol_status st = locate(ctx, slot, &where, &f);
    if (st != POL_OK)
        return st;
    if (f->type.kind != POL_T_BOOL)
        return type_error(ctx, slot, f);
    *where = polX_bool(value);
    return POL_OK;
}

pol_status pol_set_int(pol_context *ctx, int slot, int64_t value)
{
    polX_value *where = NULL;
    const polP_field *f = NULL;
    pol_status st = locate(ctx, slot, &where, &f);
    if (st != POL_OK)
        return st;
    if (f->type.kind != POL_T_INT && f->type.kind != POL_T_NUMBER)
        return type_error(ctx, slot, f);
    if ((st = check_bounds(ctx, slot, f, (double)value)) != POL_OK)
        return st;
    *where = f->type.kind == POL_T_INT ? polX_int(value) : polX_number((double)value);
    return POL_OK;
}

pol_status pol_set_number(pol_context *ctx, int slot, double value)
{
    polX_value *where = NULL;
    const polP_field *f = NULL;
    pol_status st = locate(ctx, slot, &where, &f);
    if (st != POL_OK)
        return st;
    if (f->type.kind != POL_T_NUMBER || value != value || value - value != 0) /* NaN and infinities too */
        return type_error(ctx, slot, f);
    if ((st = check_bounds(ctx, slot, f, value)) != POL_OK)
        return st;
    *where = polX_number(value);
    return POL_OK;
}

pol_status pol_set_date(pol_context *ctx, int slot, int year, int month, int day)
{
    polX_value *where = NULL;
    const polP_field *f = NULL;
    pol_status st = locate(ctx, slot, &where, &f);
    if (st != POL_OK)
        return st;
    if (f->type.kind != POL_T_DATE || !polT_valid_day(year, month, day))
        return type_error(ctx, slot, f);
    *where = polX_date_civil(polT_days_from_civil(year, month, day) * POLT_MINUTES_PER_DAY, 0,
                             polT_civil_pack(year, month, day));
    return POL_OK;
}

static pol_status bind_date_text(pol_context *ctx, int slot, polX_value *where, const polP_field *f,
                                 const char *text, size_t len)
{
    int64_t minutes;
    int has_time;
    uint32_t civil;
    /* a record's dates are calendar days (the contract's YYYY-MM-DD); times of day exist only in policies */
    if (!text || !polT_parse_civil(text, len, &minutes, &has_time, &civil) || has_time)
        return type_error(ctx, slot, f);
    *where = polX_date_civil(minutes, 0, civil);
    return POL_OK;
}

/* YYYY-MM-DD, a real calendar day */
pol_status pol_set_date_string(pol_context *ctx, int slot, const char *text, size_t len)
{
    polX_value *where = NULL;
    const polP_field *f = NULL;
    pol_status st = locate(ctx, slot, &where, &f);
    if (st != POL_OK)
        return st;
    if (f->type.kind != POL_T_DATE)
        return type_error(ctx, slot, f);
    return bind_date_text(ctx, slot, where, f, text, len);
}

/* "region: '吴江区' is not one of ['市本级', ...]; did you mean '吴江'?" */
static pol_status bind_enum(pol_context *ctx, int slot, polX_value *where, const polP_field *f, const char *name,
                            size_t len)
{
    const pol_program *prog = ctx->prog;
    uint32_t e = f->type.ref;
    int64_t v = polX_names_find(&prog->enum_values, e, name, len);
    if (v >= 0) {
        *where = polX_enum(e, v);
        return POL_OK;
    }
    if (!name)
        return type_error(ctx, slot, f);
    polX_error_begin(ctx);
    add_field_name(ctx, slot, current_index(ctx, slot));
    polX_error_add(ctx, ": ", 2);
    add_quoted(ctx, name, len);
    polX_error_add(ctx, " is not one of ", 15);
    add_enum_values(ctx, e);
    int near = polS_closest(name, len, prog->enum_text + prog->enum_base[e], prog->enum_len + prog->enum_base[e],
                            prog->enum_base[e + 1] - prog->enum_base[e]);
    if (near >= 0) {
        polX_error_add(ctx, "; did you mean ", 15);
        add_quoted(ctx, prog->enum_text[prog->enum_base[e] + near], prog->enum_len[prog->enum_base[e] + near]);
        polX_error_add(ctx, "?", 1);
    }
    return polX_error_end(ctx, POL_ERR_BIND, slot);
}

pol_status pol_set_enum(pol_context *ctx, int slot, const char *name, size_t len)
{
    polX_value *where = NULL;
    const polP_field *f = NULL;
    pol_status st = locate(ctx, slot, &where, &f);
    if (st != POL_OK)
        return st;
    if (f->type.kind != POL_T_ENUM)
        return type_error(ctx, slot, f);
    return bind_enum(ctx, slot, where, f, name, len);
}

/* A string field takes the text; an enum field takes it as a value's name and a date field as a date, so a
 * layer holding only text (JSON) may call this for all three. */
pol_status pol_set_string(pol_context *ctx, int slot, const char *text, size_t len)
{
    polX_value *where = NULL;
    const polP_field *f = NULL;
    pol_status st = locate(ctx, slot, &where, &f);
    if (st != POL_OK)
        return st;
    if (f->type.kind == POL_T_ENUM)
        return bind_enum(ctx, slot, where, f, text, len);
    if (f->type.kind == POL_T_DATE)
        return bind_date_text(ctx, slot, where, f, text, len);
    if (f->type.kind != POL_T_STRING || (!text && len))
        return type_error(ctx, slot, f);
    uint32_t max = ctx->prog->limits.max_string_length;
    if (len > max)
        return limit_error(ctx, slot, "longer than", max);
    if ((st = charge(ctx, slot, len)) != POL_OK)
        return st;
    char *copy = polX_arena_alloc(ctx, &ctx->record_text, len + 1);
    if (!copy)
        return polX_fail(ctx, POL_ERR_NOMEM, -1, "out of memory");
    if (len)
        memcpy(copy, text, len);
    copy[len] = '\0';
    *where = polX_string(copy, (uint32_t)len);
    return POL_OK;
}

pol_status pol_list_append(pol_context *ctx, int list_slot, uint32_t *index)
{
    if (!ctx)
        return POL_ERR_ARGUMENT;
    const pol_program *prog = ctx->prog;
    if (list_slot < 0 || (uint32_t)list_slot >= prog->p->records[0].nfields ||
        prog->list_of_field[list_slot] == POL_NONE)
        return polX_fail(ctx, POL_ERR_ARGUMENT, -1, "slot %d is not a list field", list_slot);
    polX_list *list = &ctx->lists[prog->list_of_field[list_slot]];
    uint32_t max = prog->limits.max_list_length;
    if (list->count >= max)
        return limit_error(ctx, list_slot, "more than", max);
    pol_status st = charge(ctx, list_slot, (size_t)list->nfields * sizeof(polX_value));
    if (st != POL_OK)
        return st;
    if (list->count == list->capacity && list->nfields > 0) {
        uint32_t cap = list->capacity ? list->capacity * 2 : 4;
        if (cap > max || cap < list->capacity)
            cap = max;
        if (!polX_array_resize(prog->alloc, prog->ud, &list->rows, (size_t)list->capacity * list->nfields,
                               (size_t)cap * list->nfields, sizeof(polX_value)))
            return polX_fail(ctx, POL_ERR_NOMEM, -1, "out of memory");
        list->capacity = cap;
    }
    if (list->nfields > 0)
        memcpy(&list->rows[(size_t)list->count * list->nfields], &prog->defaults[prog->default_base[list->record]],
               list->nfields * sizeof(polX_value));
    if (index)
        *index = list->count;
    list->count++;
    return POL_OK;
}

/* ---- completing the record ---------------------------------------------------------------------------------- */

static pol_status missing(pol_context *ctx, int slot, uint32_t index)
{
    polX_error_begin(ctx);
    add_field_name(ctx, slot, index);
    polX_error_add(ctx, ": missing", 9);
    return polX_error_end(ctx, POL_ERR_BIND, slot);
}

/* Required fields left null are missing (the first in field order is reported). Nothing else needs doing:
 * fields start at their defaults and pol_set_null writes the default, so defaults are in place already. */
pol_status polX_complete_record(pol_context *ctx)
{
    const pol_program *prog = ctx->prog;
    const polX_value *fields = ctx->fields;
    for (uint32_t k = prog->check_base[0]; k < prog->check_base[1]; k++) {
        uint32_t f = prog->check_fields[k], l = prog->list_of_field[f];
        if (l == POL_NONE) {
            if (fields[f].tag == POL_T_NULL)
                return missing(ctx, (int)f, 0);
            continue;
        }
        const polX_list *list = &ctx->lists[l];
        uint32_t from = prog->check_base[list->record], to = prog->check_base[list->record + 1];
        if (from == to)
            continue;
        for (uint32_t i = 0; i < list->count; i++) {
            const polX_value *row = &list->rows[(size_t)i * list->nfields];
            for (uint32_t c = from; c < to; c++) {
                uint32_t e = prog->check_fields[c];
                if (row[e].tag == POL_T_NULL)
                    return missing(ctx, (int)(prog->list_slot_base[l] + e), i);
            }
        }
    }
    return POL_OK;
}
