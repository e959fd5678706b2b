/* canon.c: a rule's code as canonical text, so that two versions of a policy compare by meaning: constants,
 * fields, attributes, outputs, sets and switch tables by name and value; a let by a digest of its own canonical
 * code (so renaming or moving it changes nothing); other locals numbered by first use; jumps relative. */
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

struct audit_canon {
    const audit_prog *ap;
    uint32_t *let_of_local; /* nlocals: the let rule whose value the local holds, or POL_NONE */
    char (*digest)[17];     /* per rule, once computed */
    uint8_t *state;         /* per rule: 0 not computed, 1 computing, 2 done */
};

audit_canon *audit_canon_new(const audit_prog *ap)
{
    const polP_program *p = ap->p;
    audit_canon *cn = audit_xmalloc(sizeof *cn);
    cn->ap = ap;
    cn->let_of_local = audit_xmalloc((p->nlocals + 1) * sizeof *cn->let_of_local);
    for (uint32_t l = 0; l <= p->nlocals; l++)
        cn->let_of_local[l] = POL_NONE;
    cn->digest = audit_xmalloc((p->nrules + 1) * sizeof *cn->digest);
    cn->state = audit_xmalloc(p->nrules + 1);
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (p->rules[r].kind != POLP_RULE_LET)
            continue;
        uint32_t s, e;
        audit_rule_span(p, r, &s, &e);
        if (e > s && p->code[e - 1].op == POL_OP_STORE && p->code[e - 1].a < p->nlocals)
            cn->let_of_local[p->code[e - 1].a] = r;
    }
    return cn;
}

void audit_canon_free(audit_canon *cn)
{
    if (!cn)
        return;
    free(cn->let_of_local);
    free(cn->digest);
    free(cn->state);
    free(cn);
}

/* ---- types, for naming attributes and switch values ------------------------------------------------------- */
static polP_type pushed_type(const polP_program *p, uint32_t addr, int hops)
{
    polP_type none = {.kind = POL_T_NULL, .ref = POL_NONE};
    const polP_instr *in = &p->code[addr];
    switch (in->op) {
    case POL_OP_CONST:
        return (polP_type){.kind = p->consts[in->b].kind, .ref = p->consts[in->b].ref};
    case POL_OP_FIELD:
        return p->records[0].fields[in->b].type;
    case POL_OP_OUTGET:
        return p->outputs[in->b].type;
    case POL_OP_ROUTED:
        for (uint32_t r = 0; r < p->nrules; r++)
            if (p->rules[r].kind == POLP_RULE_ROUTE && p->rules[r].target < p->nentities)
                return (polP_type){.kind = POL_T_ENTITY, .ref = p->entities[p->rules[r].target].type};
        return none;
    case POL_OP_ATTR: {
        polP_type owner = addr > 0 && hops < 8 ? pushed_type(p, addr - 1, hops + 1) : none;
        if (owner.kind == POL_T_ENTITY && owner.ref < p->nentity_types &&
            (uint32_t)in->b < p->entity_types[owner.ref].nattrs)
            return p->entity_types[owner.ref].attrs[in->b].type;
        return none;
    }
    default:
        return none;
    }
}

static void attr_name(const polP_program *p, uint32_t addr, int32_t b, audit_buf *out)
{
    polP_type owner = addr > 0 ? pushed_type(p, addr - 1, 0) : (polP_type){0};
    if (owner.kind == POL_T_ENTITY && owner.ref < p->nentity_types && (uint32_t)b < p->entity_types[owner.ref].nattrs) {
        audit_puts(out, audit_str(p, p->entity_types[owner.ref].attrs[b].name));
        return;
    }
    /* unknown owner: every entity type's attribute b, which names it when they agree */
    for (uint32_t t = 0; t < p->nentity_types; t++)
        if ((uint32_t)b < p->entity_types[t].nattrs)
            audit_printf(out, "%s|", audit_str(p, p->entity_types[t].attrs[b].name));
}

/* The ITERLIST/ITERRANGE that started loop local a, nearest before addr */
static uint32_t loop_start(const polP_program *p, uint32_t addr, uint8_t a)
{
    for (uint32_t j = addr; j-- > 0;)
        if ((p->code[j].op == POL_OP_ITERLIST || p->code[j].op == POL_OP_ITERRANGE) && p->code[j].a == a)
            return j;
    return POL_NONE;
}

static const char *list_field_name(const polP_program *p, uint32_t start)
{
    if (start == POL_NONE || p->code[start].op != POL_OP_ITERLIST)
        return "range";
    return audit_str(p, p->records[0].fields[p->code[start].b].name);
}

/* Where a jump to target really goes: past plain forward JUMPs, and past "CONST bool; JUMPF/JUMPT" (through
 * JUMPs), which the constant decides. A compiler that threads its jumps and one that does not then give the
 * same canonical code for the same meaning. */
static int32_t final_target(const polP_program *p, int32_t target)
{
    for (int hops = 0; hops < 64 && target >= 0 && (uint32_t)target < p->ncode; hops++) {
        const polP_instr *t = &p->code[target];
        if (t->op == POL_OP_JUMP && t->b > target) {
            target = t->b;
            continue;
        }
        if (t->op != POL_OP_CONST || p->consts[t->b].kind != POL_T_BOOL)
            break;
        int value = p->consts[t->b].u.i != 0;
        int32_t at = target + 1;
        for (int k = 0; k < 64 && (uint32_t)at < p->ncode && p->code[at].op == POL_OP_JUMP && p->code[at].b > at; k++)
            at = p->code[at].b;
        if ((uint32_t)at >= p->ncode || (p->code[at].op != POL_OP_JUMPF && p->code[at].op != POL_OP_JUMPT) ||
            p->code[at].b <= at)
            break;
        int jumps = p->code[at].op == POL_OP_JUMPT ? value : !value;
        target = jumps ? p->code[at].b : at + 1;
    }
    return target;
}

/* ---- the canonical text ---------------------------------------------------------------------------------------- */
static void local_name(int *alpha, int *next, uint8_t a, audit_buf *out)
{
    if (alpha[a] < 0)
        alpha[a] = (*next)++;
    audit_printf(out, " v%d", alpha[a]);
}

static void loop_name(const polP_program *p, int *alpha, uint32_t addr, uint8_t a, audit_buf *out)
{
    if (alpha[a] >= 0) {
        audit_printf(out, " v%d", alpha[a]);
        return;
    }
    audit_printf(out, " outer(%s)", list_field_name(p, loop_start(p, addr, a)));
}

void audit_canon_test(audit_canon *cn, uint32_t addr, audit_buf *out)
{
    const polP_program *p = cn->ap->p;
    const polP_instr *in = &p->code[addr];
    audit_puts(out, polO_info[in->op].name);
    if (in->op == POL_OP_TESTK) {
        audit_printf(out, " %u ", in->a);
        audit_const_text(p, &p->consts[in->c], out);
    }
    audit_puts(out, "; ");
}

void audit_canon_code(audit_canon *cn, uint32_t start, uint32_t end, audit_buf *out)
{
    const polP_program *p = cn->ap->p;
    int *alpha = audit_xmalloc(256 * sizeof *alpha), next = 0;
    for (int i = 0; i < 256; i++)
        alpha[i] = -1;
    for (uint32_t i = start; i < end; i++) {
        const polP_instr *in = &p->code[i];
        audit_puts(out, polO_info[in->op].name);
        switch (in->op) {
        case POL_OP_CONST: {
            static const char *const kinds[] = {"null", "bool", "int", "number", "date", "string", "enum", "entity"};
            const polP_const *c = &p->consts[in->b];
            audit_printf(out, " %s:", c->kind <= POL_T_ENTITY ? kinds[c->kind] : "?");
            audit_const_text(p, c, out);
            break;
        }
        case POL_OP_FIELD:
        case POL_OP_LISTLEN: audit_printf(out, " %s", audit_str(p, p->records[0].fields[in->b].name)); break;
        case POL_OP_ELEM: {
            uint32_t s = loop_start(p, i, in->a);
            loop_name(p, alpha, i, in->a, out);
            if (s != POL_NONE && p->code[s].op == POL_OP_ITERLIST) {
                const polP_field *lf = &p->records[0].fields[p->code[s].b];
                audit_printf(out, ".%s", audit_str(p, p->records[lf->type.ref].fields[in->b].name));
            } else
                audit_printf(out, ".%d", (int)in->b);
            break;
        }
        case POL_OP_ITEM: loop_name(p, alpha, i, in->a, out); break;
        case POL_OP_LOAD:
            if (alpha[in->a] < 0 && cn->let_of_local[in->a] != POL_NONE)
                audit_printf(out, " let:%s", audit_canon_let_digest(cn, cn->let_of_local[in->a]));
            else
                local_name(alpha, &next, in->a, out);
            break;
        case POL_OP_STORE:
        case POL_OP_ITERRANGE:
        case POL_OP_SETNEW:
        case POL_OP_SETIN:
        case POL_OP_SETADD:
        case POL_OP_SETCOUNT: local_name(alpha, &next, in->a, out); break;
        case POL_OP_ITERLIST:
            local_name(alpha, &next, in->a, out);
            audit_printf(out, " %s", audit_str(p, p->records[0].fields[in->b].name));
            break;
        case POL_OP_NEXT:
            loop_name(p, alpha, i, in->a, out);
            audit_printf(out, " %+d", (int)(in->b - (int32_t)start));
            break;
        case POL_OP_JUMP:
        case POL_OP_JUMPF:
        case POL_OP_JUMPT:
        case POL_OP_JUMPNN: audit_printf(out, " %+d", (int)(final_target(p, in->b) - (int32_t)start)); break;
        case POL_OP_LOOP: audit_printf(out, " %+d", (int)(in->b - (int32_t)start)); break;
        case POL_OP_TESTK:
            audit_printf(out, " %u ", in->a);
            audit_const_text(p, &p->consts[in->c], out);
            audit_printf(out, " %+d", (int)(final_target(p, in->b) - (int32_t)start));
            break;
        case POL_OP_OUTGET:
        case POL_OP_OUTSET: audit_printf(out, " %s", audit_str(p, p->outputs[in->b].name)); break;
        case POL_OP_ROUTE: audit_printf(out, " %s", audit_str(p, p->entities[p->rules[in->b].target].name)); break;
        case POL_OP_ATTR:
            audit_puts(out, " .");
            attr_name(p, i, in->b, out);
            break;
        case POL_OP_AT: audit_printf(out, " %02d:%02d", (int)in->b / 60, (int)in->b % 60); break;
        case POL_OP_FORMAT: audit_printf(out, " %u", in->a); break;
        case POL_OP_FINDCOUNT: audit_printf(out, " %s", audit_rule_kind_name(in->a)); break;
        case POL_OP_INSET: {
            const polP_set *s = &p->sets[in->b];
            audit_puts(out, " {");
            for (uint32_t v = 0; s->enum_index < p->nenums && v < p->enums[s->enum_index].nvalues; v++)
                if (s->bits[v / 64] >> (v % 64) & 1)
                    audit_printf(out, "%s,", audit_str(p, p->enums[s->enum_index].values[v]));
            audit_puts(out, "}");
            break;
        }
        case POL_OP_SWITCH: {
            const polP_table *t = &p->tables[in->b];
            polP_type key = i > 0 ? pushed_type(p, i - 1, 0) : (polP_type){0};
            audit_puts(out, " {");
            for (uint32_t v = 0; v < t->nentries; v++) {
                if (key.kind == POL_T_ENUM && key.ref < p->nenums && v < p->enums[key.ref].nvalues)
                    audit_puts(out, audit_str(p, p->enums[key.ref].values[v]));
                else
                    audit_printf(out, "%u", (unsigned)v);
                audit_printf(out, ":%+d,", (int)(final_target(p, (int32_t)t->entries[v]) - (int32_t)start));
            }
            audit_printf(out, "else:%+d}", (int)(final_target(p, (int32_t)t->dflt) - (int32_t)start));
            break;
        }
        default: break;
        }
        audit_puts(out, "; ");
    }
    free(alpha);
}

const char *audit_canon_let_digest(audit_canon *cn, uint32_t rule)
{
    if (cn->state[rule] == 2)
        return cn->digest[rule];
    if (cn->state[rule] == 1) /* cannot happen: a let reads only earlier lets */
        return "cycle";
    cn->state[rule] = 1;
    uint32_t s, e;
    audit_rule_span(cn->ap->p, rule, &s, &e);
    audit_buf text = {0};
    audit_canon_code(cn, s, e > s ? e - 1 : e, &text); /* without its final STORE */
    struct sha256_ctx h;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&h);
    sha256_update(&h, text.n, (const uint8_t *)(text.s ? text.s : ""));
    sha256_digest(&h, sizeof d, d);
    audit_buf_free(&text);
    for (int i = 0; i < 8; i++)
        snprintf(cn->digest[rule] + 2 * i, 3, "%02x", d[i]);
    cn->state[rule] = 2;
    return cn->digest[rule];
}

void audit_canon_loops(audit_canon *cn, uint32_t addr, audit_buf *out)
{
    const polP_program *p = cn->ap->p;
    for (uint32_t j = 0; j + 1 < addr; j++) {
        const polP_instr *in = &p->code[j];
        if ((in->op == POL_OP_ITERLIST || in->op == POL_OP_ITERRANGE) && p->srcmap[j].rule == POL_NONE &&
            p->code[j + 1].op == POL_OP_NEXT && (uint32_t)p->code[j + 1].b > addr)
            audit_printf(out, "for each in %s; ", list_field_name(p, j));
    }
}

uint32_t audit_canon_lets(audit_canon *cn, uint32_t start, uint32_t end, uint32_t *rules, uint32_t max)
{
    const polP_program *p = cn->ap->p;
    uint32_t n = 0;
    for (uint32_t i = start; i < end; i++) {
        if (p->code[i].op != POL_OP_LOAD || cn->let_of_local[p->code[i].a] == POL_NONE)
            continue;
        uint32_t r = cn->let_of_local[p->code[i].a];
        int seen = 0;
        for (uint32_t k = 0; k < n; k++)
            seen |= rules[k] == r;
        if (seen || n == max)
            continue;
        rules[n++] = r;
        uint32_t s, e;
        audit_rule_span(p, r, &s, &e);
        n += audit_canon_lets(cn, s, e > s ? e - 1 : e, rules + n, max - n);
    }
    /* the nested call may have added duplicates: keep the first of each */
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        int seen = 0;
        for (uint32_t m = 0; m < k; m++)
            seen |= rules[m] == rules[i];
        if (!seen)
            rules[k++] = rules[i];
    }
    return k;
}

const polP_program *audit_canon_ap_program(const audit_canon *cn) { return cn->ap->p; }
