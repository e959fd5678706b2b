/* disasm.c: the listing: header, enums, records, entities, outputs, then the code grouped by rule with
 * every operand resolved to a name, a value or a target. */
#include "disasm.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "opcodes.h"

/* ---- text ----------------------------------------------------------------------------------------------- */

/* A name or text as one line: control characters escaped, the rest (UTF-8) as it is. quoted adds "..."
 * and escapes " and \ too, as a pol string literal would. */
static void put_text(FILE *out, const char *s, size_t n, int quoted)
{
    if (quoted)
        fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            fputs("\\n", out);
        else if (c == '\t')
            fputs("\\t", out);
        else if (c < 0x20 || c == 0x7F)
            fprintf(out, "\\x%02X", c);
        else if (quoted && (c == '"' || c == '\\'))
            fprintf(out, "\\%c", c);
        else
            fputc(c, out);
    }
    if (quoted)
        fputc('"', out);
}

static void put_string(FILE *out, const polP_program *p, uint32_t s, int quoted)
{
    if (s < p->nstrings && p->strings[s].bytes)
        put_text(out, p->strings[s].bytes, p->strings[s].length, quoted);
    else
        fprintf(out, "<string %" PRIu32 "?>", s);
}

static const char *const kind_names[] = {"null", "bool", "int", "number", "date", "string", "enum", "entity", "list"};

static void put_enum_value(FILE *out, const polP_program *p, uint32_t e, int64_t v)
{
    if (e < p->nenums && v >= 0 && v < p->enums[e].nvalues)
        put_string(out, p, p->enums[e].values[v], 0);
    else
        fprintf(out, "<value %" PRId64 " of enum %" PRIu32 "?>", v, e);
}

static void put_entity(FILE *out, const polP_program *p, int64_t e)
{
    if (e >= 0 && e < p->nentities)
        put_string(out, p, p->entities[e].name, 0);
    else
        fprintf(out, "<entity %" PRId64 "?>", e);
}

/* The shortest decimal form that reads back as the same double. */
static void put_number(FILE *out, double d)
{
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    fputs(buf, out);
}

static void put_const(FILE *out, const polP_program *p, const polP_const *c)
{
    char date[24];
    switch (c->kind) {
    case POL_T_NULL:
        fputs("null", out);
        break;
    case POL_T_BOOL:
        fputs(c->u.i ? "true" : "false", out);
        break;
    case POL_T_INT:
        fprintf(out, "%" PRId64, c->u.i);
        break;
    case POL_T_NUMBER:
        put_number(out, c->u.d);
        break;
    case POL_T_DATE:
        polT_format(c->u.i, c->has_time, date);
        fputs(date, out);
        break;
    case POL_T_STRING:
        put_string(out, p, c->ref, 1);
        break;
    case POL_T_ENUM:
        put_enum_value(out, p, c->ref, c->u.i);
        break;
    case POL_T_ENTITY:
        put_entity(out, p, c->u.i);
        break;
    default:
        fprintf(out, "<constant of kind %u?>", c->kind);
    }
}

static void put_type(FILE *out, const polP_program *p, const polP_type *t)
{
    if (t->kind == POL_T_ENUM && t->ref < p->nenums)
        put_string(out, p, p->enums[t->ref].name, 0);
    else if (t->kind == POL_T_ENTITY && t->ref < p->nentity_types)
        put_string(out, p, p->entity_types[t->ref].name, 0);
    else if (t->kind == POL_T_LIST && t->ref < p->nrecords) {
        fputs("list ", out);
        put_string(out, p, p->records[t->ref].name, 0);
    } else if (t->kind <= POL_T_LIST)
        fprintf(out, "%s%s", kind_names[t->kind], t->kind >= POL_T_ENUM ? "<?>" : "");
    else
        fprintf(out, "<type kind %u?>", t->kind);
    if (t->nullable)
        fputc('?', out);
}

static void put_field(FILE *out, const polP_program *p, uint32_t index, const polP_field *f, int with_default)
{
    fprintf(out, "       %2" PRIu32 "  ", index);
    put_string(out, p, f->name, 0);
    fputs(": ", out);
    put_type(out, p, &f->type);
    if (with_default && f->min.kind != POL_T_NULL) {
        fputs(" >= ", out);
        put_const(out, p, &f->min);
    }
    if (with_default && f->max.kind != POL_T_NULL) {
        fputs(" <= ", out);
        put_const(out, p, &f->max);
    }
    if (with_default && f->required)
        fputs("  required", out);
    if (with_default && f->def.kind != POL_T_NULL) {
        fputs(" = ", out);
        put_const(out, p, &f->def);
    }
    fputc('\n', out);
}

/* ---- the declarations ------------------------------------------------------------------------------------ */

static void put_header(FILE *out, const polP_program *p)
{
    fputs("policy    ", out);
    put_string(out, p, p->name, 1);
    fputs("\nversion   ", out);
    put_string(out, p, p->policy_version, 1);
    fputs("\ncompiler  ", out);
    put_string(out, p, p->compiler_version, 1);
    fprintf(out, "\nyear      %" PRId32 "\nsource    sha256 ", p->year);
    for (int i = 0; i < 32; i++)
        fprintf(out, "%02x", p->source_sha256[i]);
    fputc('\n', out);
}

static void put_declarations(FILE *out, const polP_program *p)
{
    if (p->nenums)
        fputs("\nenums\n", out);
    for (uint32_t e = 0; e < p->nenums; e++) {
        fprintf(out, "  %3" PRIu32 "  ", e);
        put_string(out, p, p->enums[e].name, 0);
        fputs(" {", out);
        for (uint32_t v = 0; v < p->enums[e].nvalues; v++) {
            fputc(' ', out);
            put_string(out, p, p->enums[e].values[v], 0);
        }
        fputs(" }\n", out);
    }
    if (p->nrecords)
        fputs("\nrecords (0: the applicant)\n", out);
    for (uint32_t r = 0; r < p->nrecords; r++) {
        fprintf(out, "  %3" PRIu32 "  ", r);
        put_string(out, p, p->records[r].name, 0);
        fputc('\n', out);
        for (uint32_t f = 0; f < p->records[r].nfields; f++)
            put_field(out, p, f, &p->records[r].fields[f], 1);
    }
    if (p->nentity_types)
        fputs("\nentity types\n", out);
    for (uint32_t t = 0; t < p->nentity_types; t++) {
        fprintf(out, "  %3" PRIu32 "  ", t);
        put_string(out, p, p->entity_types[t].name, 0);
        fputc('\n', out);
        for (uint32_t a = 0; a < p->entity_types[t].nattrs; a++)
            put_field(out, p, a, &p->entity_types[t].attrs[a], 0);
    }
    if (p->nentities)
        fputs("\nentities\n", out);
    for (uint32_t e = 0; e < p->nentities; e++) {
        const polP_entity *ent = &p->entities[e];
        fprintf(out, "  %3" PRIu32 "  ", e);
        put_string(out, p, ent->name, 0);
        if (ent->type >= p->nentity_types) {
            fprintf(out, ": <entity type %" PRIu32 "?>\n", ent->type);
            continue;
        }
        const polP_entity_type *t = &p->entity_types[ent->type];
        fputs(": ", out);
        put_string(out, p, t->name, 0);
        fprintf(out, " (line %" PRIu32 ")\n", ent->line);
        for (uint32_t a = 0; a < t->nattrs; a++) {
            fputs("         ", out);
            put_string(out, p, t->attrs[a].name, 0);
            fputs(" = ", out);
            put_const(out, p, &ent->values[a]);
            fputc('\n', out);
        }
    }
    if (p->noutputs)
        fputs("\noutputs\n", out);
    for (uint32_t o = 0; o < p->noutputs; o++) {
        fprintf(out, "  %3" PRIu32 "  ", o);
        put_string(out, p, p->outputs[o].name, 0);
        fputs(": ", out);
        put_type(out, p, &p->outputs[o].type);
        fputc('\n', out);
    }
}

/* ---- operands ---------------------------------------------------------------------------------------------- */

static const polP_field *applicant_field(const polP_program *p, int64_t f)
{
    return p->nrecords && f >= 0 && f < p->records[0].nfields ? &p->records[0].fields[f] : NULL;
}

/* The element record of the list loop over local a enclosing addr (its nearest ITERLIST), or POL_NONE. */
static uint32_t loop_record(const polP_program *p, uint32_t addr, uint8_t a)
{
    for (uint32_t j = addr; j-- > 0;) {
        const polP_instr *in = &p->code[j];
        if ((in->op == POL_OP_ITERLIST || in->op == POL_OP_ITERRANGE) && in->a == a) {
            const polP_field *f = in->op == POL_OP_ITERLIST ? applicant_field(p, in->b) : NULL;
            return f && f->type.kind == POL_T_LIST && f->type.ref < p->nrecords ? f->type.ref : POL_NONE;
        }
    }
    return POL_NONE;
}

/* The static type of the value the instruction at addr pushes, when it alone tells (for naming ATTR and
 * SWITCH operands); kind NULL when it does not. */
static polP_type pushed_type(const polP_program *p, uint32_t addr, int hops)
{
    polP_type none = {.kind = POL_T_NULL, .ref = POL_NONE};
    const polP_instr *in = &p->code[addr];
    const polP_field *f;
    switch (in->op) {
    case POL_OP_CONST:
        if (in->b >= 0 && (uint32_t)in->b < p->nconsts)
            return (polP_type){.kind = p->consts[in->b].kind, .ref = p->consts[in->b].ref};
        return none;
    case POL_OP_FIELD:
        return (f = applicant_field(p, in->b)) ? f->type : none;
    case POL_OP_ELEM: {
        uint32_t r = loop_record(p, addr, in->a);
        if (r != POL_NONE && in->b >= 0 && (uint32_t)in->b < p->records[r].nfields)
            return p->records[r].fields[in->b].type;
        return none;
    }
    case POL_OP_OUTGET:
        return in->b >= 0 && (uint32_t)in->b < p->noutputs ? p->outputs[in->b].type : none;
    case POL_OP_ROUTED: /* the type of the routes' targets */
        for (uint32_t r = 0; r < p->nrules; r++)
            if (p->rules[r].kind == POLP_RULE_ROUTE && p->rules[r].target < p->nentities)
                return (polP_type){.kind = POL_T_ENTITY, .ref = p->entities[p->rules[r].target].type};
        return none;
    case POL_OP_ATTR: {
        polP_type owner = addr > 0 && hops < 8 ? pushed_type(p, addr - 1, hops + 1) : none;
        if (owner.kind == POL_T_ENTITY && owner.ref < p->nentity_types && in->b >= 0 &&
            (uint32_t)in->b < p->entity_types[owner.ref].nattrs)
            return p->entity_types[owner.ref].attrs[in->b].type;
        return none;
    }
    default:
        return none;
    }
}

/* Attribute b of the entity pushed before addr: named from its type when the previous instruction tells it,
 * else from the entity types that have such an attribute, when they all agree on its name. */
static void put_attr(FILE *out, const polP_program *p, uint32_t addr, int32_t b)
{
    polP_type owner = addr > 0 ? pushed_type(p, addr - 1, 0) : (polP_type){0};
    if (owner.kind == POL_T_ENTITY && owner.ref < p->nentity_types && b >= 0 &&
        (uint32_t)b < p->entity_types[owner.ref].nattrs) {
        put_string(out, p, p->entity_types[owner.ref].attrs[b].name, 0);
        return;
    }
    uint32_t name = POL_NONE;
    for (uint32_t t = 0; t < p->nentity_types && b >= 0; t++) {
        if ((uint32_t)b >= p->entity_types[t].nattrs)
            continue;
        uint32_t n = p->entity_types[t].attrs[b].name;
        if (name != POL_NONE && n != name) {
            name = POL_NONE;
            break;
        }
        name = n;
    }
    if (name != POL_NONE)
        put_string(out, p, name, 0);
    else
        fprintf(out, "attribute %" PRId32, b);
}

static void put_rule_ref(FILE *out, const polP_program *p, int32_t b)
{
    if (b < 0 || (uint32_t)b >= p->nrules) {
        fprintf(out, "<rule %" PRId32 "?>", b);
        return;
    }
    const polP_rule *r = &p->rules[b];
    static const char *const rule_kinds[] = {"violation", "todo", "warning", "route", "output", "let"};
    fprintf(out, "%s rule %" PRId32, r->kind <= POLP_RULE_LET ? rule_kinds[r->kind] : "?", b);
    if (r->kind == POLP_RULE_ROUTE) {
        fputs(" -> ", out);
        put_entity(out, p, r->target);
    }
}

static void put_output(FILE *out, const polP_program *p, int32_t b)
{
    if (b >= 0 && (uint32_t)b < p->noutputs)
        put_string(out, p, p->outputs[b].name, 0);
    else
        fprintf(out, "<output %" PRId32 "?>", b);
}

/* The let whose value local a holds: the LET rule whose code ends by storing into a (POL_NONE when none) */
static uint32_t let_of_local(const polP_program *p, uint8_t a)
{
    if (!p->srcmap)
        return POL_NONE;
    for (uint32_t i = 0; i < p->ncode; i++) {
        uint32_t r = p->srcmap[i].rule;
        if (p->code[i].op == POL_OP_STORE && p->code[i].a == a && r < p->nrules &&
            p->rules[r].kind == POLP_RULE_LET && (i + 1 == p->ncode || p->srcmap[i + 1].rule != r))
            return r;
    }
    return POL_NONE;
}

/* "local 3 (let 计年起)": the let's name is the word after `let` in its rule's text */
static void put_local(FILE *out, const polP_program *p, uint8_t a)
{
    fprintf(out, "local %u", a);
    uint32_t r = let_of_local(p, a);
    if (r == POL_NONE || p->rules[r].text >= p->nstrings)
        return;
    const char *text = p->strings[p->rules[r].text].bytes;
    if (strncmp(text, "let ", 4) != 0)
        return;
    size_t n = strcspn(text + 4, " =:");
    fputs(" (let ", out);
    put_text(out, text + 4, n, 0);
    fputc(')', out);
}

/* The comment that says what instruction addr does with its operands. */
static void put_comment(FILE *out, const polP_program *p, uint32_t addr)
{
    const polP_instr *in = &p->code[addr];
    const polP_field *f;
    static const char *const finding_kinds[] = {"violation", "todo", "warning"};
    switch (in->op) {
    case POL_OP_CONST:
        if (in->b >= 0 && (uint32_t)in->b < p->nconsts)
            put_const(out, p, &p->consts[in->b]);
        else
            fprintf(out, "<constant %" PRId32 "?>", in->b);
        break;
    case POL_OP_FIELD:
    case POL_OP_ITERLIST:
    case POL_OP_LISTLEN:
        if (in->op == POL_OP_ITERLIST)
            fprintf(out, "loop %u over ", in->a);
        if (in->op == POL_OP_LISTLEN)
            fputs("length of ", out);
        if ((f = applicant_field(p, in->b)))
            put_string(out, p, f->name, 0);
        else
            fprintf(out, "<field %" PRId32 "?>", in->b);
        break;
    case POL_OP_ELEM: {
        uint32_t r = loop_record(p, addr, in->a);
        fprintf(out, "loop %u element .", in->a);
        if (r != POL_NONE && in->b >= 0 && (uint32_t)in->b < p->records[r].nfields)
            put_string(out, p, p->records[r].fields[in->b].name, 0);
        else
            fprintf(out, "<field %" PRId32 "?>", in->b);
        break;
    }
    case POL_OP_ITEM:
        fprintf(out, "loop %u integer", in->a);
        break;
    case POL_OP_LOAD:
    case POL_OP_STORE:
        put_local(out, p, in->a);
        break;
    case POL_OP_ITERRANGE:
        fprintf(out, "loop %u over lo..hi", in->a);
        break;
    case POL_OP_SETNEW:
        fprintf(out, "set %u = {} over lo..hi", in->a);
        break;
    case POL_OP_SETIN:
        fprintf(out, "in the range of set %u", in->a);
        break;
    case POL_OP_SETADD:
        fprintf(out, "add to set %u", in->a);
        break;
    case POL_OP_SETCOUNT:
        fprintf(out, "size of set %u", in->a);
        break;
    case POL_OP_OUTGET:
    case POL_OP_OUTSET:
        put_output(out, p, in->b);
        break;
    case POL_OP_ROUTE:
    case POL_OP_FINDING:
        put_rule_ref(out, p, in->b);
        break;
    case POL_OP_ATTR:
        fputc('.', out);
        put_attr(out, p, addr, in->b);
        break;
    case POL_OP_AT:
        fprintf(out, "at %02" PRId32 ":%02" PRId32, in->b / 60, in->b % 60);
        break;
    case POL_OP_INSET: {
        if (in->b < 0 || (uint32_t)in->b >= p->nsets) {
            fprintf(out, "<set %" PRId32 "?>", in->b);
            break;
        }
        const polP_set *s = &p->sets[in->b];
        uint32_t nvalues = s->enum_index < p->nenums ? p->enums[s->enum_index].nvalues : 0;
        const char *sep = "";
        fputs("in {", out);
        for (uint32_t v = 0; v < nvalues && v / 64 < s->nwords; v++)
            if (s->bits[v / 64] >> (v % 64) & 1) {
                fputs(sep, out);
                put_enum_value(out, p, s->enum_index, v);
                sep = ", ";
            }
        fputc('}', out);
        break;
    }
    case POL_OP_JUMP:
    case POL_OP_JUMPF:
    case POL_OP_JUMPT:
    case POL_OP_JUMPNN:
        fprintf(out, "-> %" PRId32, in->b);
        break;
    case POL_OP_TESTK: {
        static const char *const cmps[] = {"==", "!=", "<", "<=", ">", ">=", "?", "?"};
        fprintf(out, "-> %" PRId32 " %s %s ", in->b, in->a & 8 ? "if" : "unless", cmps[in->a & 7]);
        if (in->c < p->nconsts)
            put_const(out, p, &p->consts[in->c]);
        else
            fprintf(out, "<constant %u?>", in->c);
        break;
    }
    case POL_OP_NEXT:
        fprintf(out, "loop %u; when done -> %" PRId32, in->a, in->b);
        break;
    case POL_OP_LOOP:
        fprintf(out, "back to NEXT at %" PRId32, in->b);
        break;
    case POL_OP_SWITCH:
        fprintf(out, "table %" PRId32, in->b);
        break;
    case POL_OP_FORMAT:
        fprintf(out, "join %u values", in->a);
        break;
    case POL_OP_FINDCOUNT:
        fprintf(out, "findings(%s)", in->a <= POL_WARNING ? finding_kinds[in->a] : "?");
        break;
    default:
        break;
    }
}

/* A SWITCH's table, one line per entry under the instruction; values named when the switched value's
 * enum is known from the previous instruction. */
static void put_table(FILE *out, const polP_program *p, uint32_t addr)
{
    const polP_instr *in = &p->code[addr];
    if (in->b < 0 || (uint32_t)in->b >= p->ntables)
        return;
    const polP_table *t = &p->tables[in->b];
    polP_type key = addr > 0 ? pushed_type(p, addr - 1, 0) : (polP_type){0};
    for (uint32_t e = 0; e < t->nentries; e++) {
        fputs("                                 ;   ", out);
        if (key.kind == POL_T_ENUM && key.ref < p->nenums && e < p->enums[key.ref].nvalues)
            put_enum_value(out, p, key.ref, e);
        else
            fprintf(out, "%" PRIu32, e);
        fprintf(out, " -> %" PRIu32 "\n", t->entries[e]);
    }
    fprintf(out, "                                 ;   else -> %" PRIu32 "\n", t->dflt);
}

/* ---- the code ---------------------------------------------------------------------------------------------- */

/* The clause of a rule inside addresses [from, to), or POL_NONE */
static uint32_t clause_within(const polP_program *p, uint32_t from, uint32_t to)
{
    for (uint32_t i = from; i < to && i < p->ncode; i++)
        if (p->srcmap[i].rule < p->nrules)
            return p->rules[p->srcmap[i].rule].clause;
    return POL_NONE;
}

/* The clause an instruction comes from. Glue of a `for each` (its start, NEXT, LOOP and range bounds) has no rule
 * of its own, but the loop stands in the clause block of the rules in its body; other glue (a route cell's
 * fall-through) takes the clause of the rule before it on the same line. POL_NONE when there is none. */
static uint32_t clause_of(const polP_program *p, uint32_t addr)
{
    const polP_srcloc *loc = &p->srcmap[addr];
    if (loc->rule < p->nrules)
        return p->rules[loc->rule].clause;
    if (loc->line == 0)
        return POL_NONE;
    uint32_t at = addr;
    while (at < p->ncode && p->srcmap[at].rule == POL_NONE && p->srcmap[at].line == loc->line &&
           p->code[at].op != POL_OP_ITERLIST && p->code[at].op != POL_OP_ITERRANGE && p->code[at].op != POL_OP_NEXT &&
           p->code[at].op != POL_OP_LOOP)
        at++; /* range bounds: on to their ITERRANGE */
    if (at < p->ncode && p->srcmap[at].rule == POL_NONE && p->srcmap[at].line == loc->line) {
        const polP_instr *in = &p->code[at];
        if ((in->op == POL_OP_ITERLIST || in->op == POL_OP_ITERRANGE) && at + 1 < p->ncode &&
            p->code[at + 1].op == POL_OP_NEXT && p->code[at + 1].b > 0)
            return clause_within(p, at + 2, (uint32_t)p->code[at + 1].b);
        if (in->op == POL_OP_NEXT && in->b > 0)
            return clause_within(p, at + 1, (uint32_t)in->b);
        if (in->op == POL_OP_LOOP && in->b >= 0 && (uint32_t)in->b < at)
            return clause_within(p, (uint32_t)in->b + 1, at);
    }
    for (uint32_t j = addr; j-- > 0;)
        if (p->srcmap[j].rule < p->nrules)
            return p->rules[p->srcmap[j].rule].line == loc->line ? p->rules[p->srcmap[j].rule].clause : POL_NONE;
    return POL_NONE;
}

static void put_clause(FILE *out, const polP_program *p, uint32_t clause)
{
    if (clause == POL_NONE)
        fputs("no clause", out);
    else
        put_string(out, p, clause, 0);
}

static void put_rule_heading(FILE *out, const polP_program *p, uint32_t rule, uint32_t addr)
{
    if (rule == POL_NONE && !p->srcmap) {
        fputs("-- glue\n", out);
        return;
    }
    if (rule == POL_NONE) {
        const polP_srcloc *loc = &p->srcmap[addr];
        if (loc->line == 0) {
            fputs("-- glue (no source line)\n", out);
            return;
        }
        fprintf(out, "-- glue (line %" PRIu32 ", ", loc->line);
        put_clause(out, p, clause_of(p, addr));
        fputs(")\n", out);
        return;
    }
    if (rule >= p->nrules) {
        fputs("-- <rule ?>\n", out);
        return;
    }
    const polP_rule *r = &p->rules[rule];
    fprintf(out, "-- rule %" PRIu32 " (line %" PRIu32 ", ", rule, r->line);
    put_clause(out, p, r->clause);
    fputs("): ", out);
    put_string(out, p, r->text, 0);
    fputc('\n', out);
}

static void put_location(FILE *out, const polP_program *p, uint32_t addr)
{
    const polP_srcloc *loc = &p->srcmap[addr];
    if (loc->line == 0) {
        fputs("[no source line]", out);
        return;
    }
    fprintf(out, "[line %" PRIu32 ", ", loc->line);
    put_clause(out, p, clause_of(p, addr));
    fputc(']', out);
}

static void put_code(FILE *out, const polP_program *p)
{
    fprintf(out, "\ncode: %" PRIu32 " instructions, %" PRIu32 " locals, max stack %" PRIu32 "\n", p->ncode,
            p->nlocals, p->max_stack);
    fputs("addr  opcode          a         b  comment\n", out);
    fputs("----  ------------  ---  --------  -------\n", out);
    uint32_t rule = 0;
    for (uint32_t i = 0; i < p->ncode; i++) {
        const polP_instr *in = &p->code[i];
        uint32_t r = p->srcmap ? p->srcmap[i].rule : POL_NONE;
        if (i == 0 || r != rule)
            put_rule_heading(out, p, r, i);
        rule = r;
        if (in->op < POL_OP__COUNT)
            fprintf(out, "%4" PRIu32 "  %-12s  %3u  %8" PRId32, i, polO_info[in->op].name, in->a, in->b);
        else
            fprintf(out, "%4" PRIu32 "  <op %3u>      %3u  %8" PRId32, i, in->op, in->a, in->b);
        if (in->c)
            fprintf(out, "  c=%u", in->c);
        /* every opcode with an operand gets a comment resolving it; the others only a source line */
        int commented = in->op < POL_OP__COUNT &&
                        (polO_info[in->op].a != POL_OPND_NONE || polO_info[in->op].b != POL_OPND_NONE);
        int located = p->srcmap != NULL; /* every instruction: its line and clause, or that it has none */
        if (commented || located)
            fputs("  ; ", out);
        if (commented)
            put_comment(out, p, i);
        if (commented && located)
            fputs("  ", out);
        if (located)
            put_location(out, p, i);
        fputc('\n', out);
        if (in->op == POL_OP_SWITCH)
            put_table(out, p, i);
    }
}

void polD_listing(const polP_program *p, FILE *out)
{
    put_header(out, p);
    put_declarations(out, p);
    put_code(out, p);
}
