/* dump.c: write a polP_program as .pbc bytes (runs in the compiler), and the SHA-256 of a source text. */
#include <nettle/sha2.h>
#include <string.h>

#include "bytes.h"
#include "format.h"

/* Fields that mean nothing for a kind are written as fixed values, so equal programs give equal bytes. */
static uint32_t type_ref(const polP_type *t)
{
    return t->kind == POL_T_ENUM || t->kind == POL_T_ENTITY || t->kind == POL_T_LIST ? t->ref : POL_NONE;
}

static void put_type(polF_buf *b, const polP_type *t)
{
    polF_buf_u8(b, t->kind);
    polF_buf_u8(b, t->nullable);
    polF_buf_u32(b, type_ref(t));
}

static void put_const(polF_buf *b, const polP_const *c)
{
    uint64_t payload;
    if (c->kind == POL_T_NUMBER)
        memcpy(&payload, &c->u.d, sizeof payload);
    else if (c->kind == POL_T_NULL || c->kind == POL_T_STRING)
        payload = 0;
    else
        payload = (uint64_t)c->u.i;
    int has_ref = c->kind == POL_T_STRING || c->kind == POL_T_ENUM || c->kind == POL_T_ENTITY;
    polF_buf_u8(b, c->kind);
    polF_buf_u8(b, c->kind == POL_T_DATE ? c->has_time : 0);
    polF_buf_u32(b, has_ref ? c->ref : POL_NONE);
    polF_buf_u64(b, payload);
}

static void put_field(polF_buf *b, const polP_field *f)
{
    polF_buf_u32(b, f->name);
    put_type(b, &f->type);
    polF_buf_u8(b, f->required);
    put_const(b, &f->def);
    put_const(b, &f->min);
    put_const(b, &f->max);
}

/* Section writers: each writes one payload. */
static void put_meta(polF_buf *b, const polP_program *p)
{
    polF_buf_u32(b, p->name);
    polF_buf_u32(b, p->policy_version);
    polF_buf_u32(b, p->compiler_version);
    polF_buf_u32(b, (uint32_t)p->year);
    polF_buf_put(b, p->source_sha256, 32);
}

static void put_strs(polF_buf *b, const polP_program *p)
{
    polF_buf_u32(b, p->nstrings);
    for (uint32_t i = 0; i < p->nstrings; i++) {
        polF_buf_u32(b, p->strings[i].length);
        polF_buf_put(b, p->strings[i].bytes, p->strings[i].length);
    }
}

static void put_enum(polF_buf *b, const polP_program *p)
{
    polF_buf_u32(b, p->nenums);
    for (uint32_t i = 0; i < p->nenums; i++) {
        const polP_enum *e = &p->enums[i];
        polF_buf_u32(b, e->name);
        polF_buf_u32(b, e->nvalues);
        for (uint32_t v = 0; v < e->nvalues; v++)
            polF_buf_u32(b, e->values[v]);
    }
}

static void put_recs(polF_buf *b, const polP_program *p)
{
    polF_buf_u32(b, p->nrecords);
    for (uint32_t i = 0; i < p->nrecords; i++) {
        const polP_record *r = &p->records[i];
        polF_buf_u32(b, r->name);
        polF_buf_u32(b, r->nfields);
        for (uint32_t f = 0; f < r->nfields; f++)
            put_field(b, &r->fields[f]);
    }
}

static void put_etyp(polF_buf *b, const polP_program *p)
{
    polF_buf_u32(b, p->nentity_types);
    for (uint32_t i = 0; i < p->nentity_types; i++) {
        const polP_entity_type *t = &p->entity_types[i];
        polF_buf_u32(b, t->name);
        polF_buf_u32(b, t->nattrs);
        for (uint32_t a = 0; a < t->nattrs; a++) {
            polF_buf_u32(b, t->attrs[a].name);
            put_type(b, &t->attrs[a].type);
        }
    }
}

static void put_ents(polF_buf *b, const polP_program *p)
{
    polF_buf_u32(b, p->nentities);
    for (uint32_t i = 0; i < p->nentities; i++) {
        const polP_entity *e = &p->entities[i];
        /* the value count is the type's attribute count; a bad type index writes none (undump refuses it) */
        uint32_t nvalues = e->type < p->nentity_types ? p->entity_types[e->type].nattrs : 0;
        polF_buf_u32(b, e->type);
        polF_buf_u32(b, e->name);
        polF_buf_u32(b, e->line);
        polF_buf_u32(b, nvalues);
        for (uint32_t v = 0; v < nvalues; v++)
            put_const(b, &e->values[v]);
    }
}

static void put_cnst(polF_buf *b, const polP_program *p)
{
    polF_buf_u32(b, p->nconsts);
    for (uint32_t i = 0; i < p->nconsts; i++)
        put_const(b, &p->consts[i]);
}

static void put_rule(polF_buf *b, const polP_program *p)
{
    polF_buf_u32(b, p->nrules);
    for (uint32_t i = 0; i < p->nrules; i++) {
        const polP_rule *r = &p->rules[i];
        polF_buf_u8(b, r->kind);
        polF_buf_u32(b, r->clause);
        polF_buf_u32(b, r->line);
        polF_buf_u32(b, r->target);
        polF_buf_u32(b, r->text);
    }
}

static void put_outp(polF_buf *b, const polP_program *p)
{
    polF_buf_u32(b, p->noutputs);
    for (uint32_t i = 0; i < p->noutputs; i++) {
        polF_buf_u32(b, p->outputs[i].name);
        put_type(b, &p->outputs[i].type);
    }
}

static void put_tabl(polF_buf *b, const polP_program *p)
{
    polF_buf_u32(b, p->ntables);
    for (uint32_t i = 0; i < p->ntables; i++) {
        const polP_table *t = &p->tables[i];
        polF_buf_u32(b, t->dflt);
        polF_buf_u32(b, t->nentries);
        for (uint32_t e = 0; e < t->nentries; e++)
            polF_buf_u32(b, t->entries[e]);
    }
}

static void put_sets(polF_buf *b, const polP_program *p)
{
    polF_buf_u32(b, p->nsets);
    for (uint32_t i = 0; i < p->nsets; i++) {
        const polP_set *s = &p->sets[i];
        polF_buf_u32(b, s->enum_index);
        polF_buf_u32(b, s->nwords);
        for (uint32_t w = 0; w < s->nwords; w++)
            polF_buf_u64(b, s->bits[w]);
    }
}

static void put_code(polF_buf *b, const polP_program *p)
{
    polF_buf_u32(b, p->nlocals);
    polF_buf_u32(b, p->max_stack);
    polF_buf_u32(b, p->ncode);
    for (uint32_t i = 0; i < p->ncode; i++) {
        const polP_instr *in = &p->code[i];
        polF_buf_u8(b, in->op);
        polF_buf_u8(b, in->a);
        polF_buf_u16(b, in->c);
        polF_buf_u32(b, (uint32_t)in->b);
    }
}

static void put_smap(polF_buf *b, const polP_program *p)
{
    polF_buf_u32(b, p->ncode);
    for (uint32_t i = 0; i < p->ncode; i++) {
        /* a program without a source map gets "generated glue" entries */
        polF_buf_u32(b, p->srcmap ? p->srcmap[i].line : 0);
        polF_buf_u32(b, p->srcmap ? p->srcmap[i].rule : POL_NONE);
    }
}

typedef void (*section_writer)(polF_buf *, const polP_program *);

static const section_writer writers[POLF_SEC__COUNT] = {
    [POLF_SEC_META] = put_meta, [POLF_SEC_STRS] = put_strs, [POLF_SEC_ENUM] = put_enum,
    [POLF_SEC_RECS] = put_recs, [POLF_SEC_ETYP] = put_etyp, [POLF_SEC_ENTS] = put_ents,
    [POLF_SEC_CNST] = put_cnst, [POLF_SEC_RULE] = put_rule, [POLF_SEC_OUTP] = put_outp,
    [POLF_SEC_TABL] = put_tabl, [POLF_SEC_SETS] = put_sets, [POLF_SEC_CODE] = put_code,
    [POLF_SEC_SMAP] = put_smap,
};

static const char tags[POLF_SEC__COUNT][5] = {
#define POLF_X_TAG(tag, what) #tag,
    POLF_SECTIONS(POLF_X_TAG)
#undef POLF_X_TAG
};

int polF_dump(const polP_program *p, uint8_t **out, size_t *outlen)
{
    polF_buf b = {0};
    static const uint8_t zeros[POLF_DIGEST_SIZE] = {0};
    polF_buf_put(&b, POLF_MAGIC, POLF_MAGIC_SIZE);
    polF_buf_u32(&b, POL_FORMAT_VERSION);
    polF_buf_u32(&b, 0); /* flags */
    polF_buf_u64(&b, 0); /* total size, patched below */
    polF_buf_put(&b, zeros, POLF_DIGEST_SIZE);
    for (int s = 0; s < POLF_SEC__COUNT; s++) {
        polF_buf_put(&b, tags[s], 4);
        size_t at = b.len;
        polF_buf_u32(&b, 0); /* length, patched once the payload is written */
        writers[s](&b, p);
        if (b.failed)
            break;
        size_t length = b.len - at - 4;
        if (length > UINT32_MAX) {
            b.failed = 1;
            break;
        }
        polF_set32(b.data + at, (uint32_t)length);
    }
    if (b.failed) {
        polF_buf_free(&b);
        return -1;
    }
    polF_set64(b.data + POLF_SIZE_OFFSET, b.len);
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, b.len - POLF_HEADER_SIZE, b.data + POLF_HEADER_SIZE);
    sha256_digest(&ctx, POLF_DIGEST_SIZE, b.data + POLF_DIGEST_OFFSET);
    *out = b.data;
    *outlen = b.len;
    return 0;
}

int polF_source_digest(const char *text, size_t len, uint8_t out[32])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)text);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
    return 0;
}
