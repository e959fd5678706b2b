/* undump.c: read .pbc bytes into a polP_program through the embedder's allocator, refusing any file whose
 * lengths or table indexes could make later code read out of bounds (what is checked: doc/bytecode.md). */
#include <nettle/sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "date.h"
#include "format.h"

/* ---- memory: a chain of chunks from the allocator, bump-allocated, freed together ---------------------- */

typedef struct chunk {
    struct chunk *next;
    size_t size; /* of the whole block, as passed to the allocator */
} chunk;

#define CHUNK_HEADER ((sizeof(chunk) + 15) & ~(size_t)15)

typedef struct arena {
    pol_alloc_fn alloc;
    void *ud;
    chunk *chunks;
    uint8_t *cur;
    size_t left;
    size_t next_size; /* the next chunk's size; doubles, so a program takes a few blocks */
} arena;

/* What polF_undump hands out: the program first, so a polP_program * converts back to it. */
typedef struct loaded {
    polP_program program;
    chunk *chunks;
} loaded;

/* The allocator used when none is given, as pol_config documents: the C library's. */
static void *default_alloc(void *ud, void *ptr, size_t oldsize, size_t newsize)
{
    (void)ud;
    (void)oldsize;
    if (newsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, newsize);
}

/* Zeroed memory aligned to 8, or NULL when the allocator fails. */
static void *arena_get(arena *A, size_t size)
{
    if (size > SIZE_MAX / 2)
        return NULL;
    size = (size + 7) & ~(size_t)7;
    if (size > A->left) {
        size_t want = size > A->next_size ? size : A->next_size;
        chunk *c = A->alloc(A->ud, NULL, 0, CHUNK_HEADER + want);
        if (!c)
            return NULL;
        c->next = A->chunks;
        c->size = CHUNK_HEADER + want;
        A->chunks = c;
        A->cur = (uint8_t *)c + CHUNK_HEADER;
        A->left = want;
        if (A->next_size < SIZE_MAX / 4)
            A->next_size *= 2;
    }
    void *r = A->cur;
    A->cur += size;
    A->left -= size;
    memset(r, 0, size);
    return r;
}

static void free_chunks(pol_alloc_fn alloc, void *ud, chunk *c)
{
    while (c) {
        chunk *next = c->next;
        alloc(ud, c, c->size, 0);
        c = next;
    }
}

void polF_free(polP_program *p, pol_alloc_fn alloc, void *ud)
{
    if (p)
        free_chunks(alloc ? alloc : default_alloc, ud, ((loaded *)p)->chunks);
}

/* ---- the reader: a cursor over the bytes, the first error, and where it happened ----------------------- */

typedef struct loader {
    const uint8_t *bytes;
    size_t n;
    size_t pos, end;     /* next byte to read; end of the current section (or of the file) */
    const char *section; /* tag of the section being read or checked; NULL in the header */
    const char *item1, *item2; /* the item being checked ("record", "field"); NULL when none */
    uint32_t index1, index2;
    pol_status status;
    char *err;
    size_t errlen;
    arena A;
    polP_program *p;
} loader;

static void at(loader *L, const char *item1, uint32_t index1, const char *item2, uint32_t index2)
{
    L->item1 = item1;
    L->index1 = index1;
    L->item2 = item2;
    L->index2 = index2;
}

/* Record the first error as "section X: item i: message"; returns 0 so callers can `return fail(...)`. */
__attribute__((format(printf, 3, 4))) static int fail(loader *L, pol_status status, const char *fmt, ...)
{
    if (L->status != POL_OK)
        return 0;
    L->status = status;
    if (!L->err || L->errlen == 0)
        return 0;
    char prefix[96] = "";
    size_t used = 0;
    if (L->section)
        used += (size_t)snprintf(prefix, sizeof prefix, "section %s: ", L->section);
    if (L->item1 && used < sizeof prefix)
        used += (size_t)snprintf(prefix + used, sizeof prefix - used, "%s %u", L->item1, L->index1);
    if (L->item1 && L->item2 && used < sizeof prefix)
        used += (size_t)snprintf(prefix + used, sizeof prefix - used, " %s %u", L->item2, L->index2);
    if (L->item1 && used < sizeof prefix)
        snprintf(prefix + used, sizeof prefix - used, ": ");
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    snprintf(L->err, L->errlen, "%s%s", prefix, message);
    return 0;
}

static int have(loader *L, size_t k)
{
    if (L->status != POL_OK)
        return 0;
    if (L->end - L->pos >= k)
        return 1;
    return fail(L, POL_ERR_FORMAT, "truncated at byte %zu", L->end);
}

/* Readers return 0 once anything failed; the parsers check L->status after each item. */
static uint8_t u8(loader *L)
{
    if (!have(L, 1))
        return 0;
    return L->bytes[L->pos++];
}

static uint16_t u16(loader *L)
{
    if (!have(L, 2))
        return 0;
    uint16_t v = polF_get16(L->bytes + L->pos);
    L->pos += 2;
    return v;
}

static uint32_t u32(loader *L)
{
    if (!have(L, 4))
        return 0;
    uint32_t v = polF_get32(L->bytes + L->pos);
    L->pos += 4;
    return v;
}

static uint64_t u64(loader *L)
{
    if (!have(L, 8))
        return 0;
    uint64_t v = polF_get64(L->bytes + L->pos);
    L->pos += 8;
    return v;
}

static int32_t as_i32(uint32_t v)
{
    int32_t r;
    memcpy(&r, &v, sizeof r);
    return r;
}

/* A count of items that take at least item_size bytes each: refused unless they can fit in what remains
 * of the section, so no length field can make the reader allocate more than the file justifies. */
static uint32_t count(loader *L, size_t item_size, const char *what)
{
    uint32_t k = u32(L);
    if (L->status != POL_OK)
        return 0;
    size_t left = L->end - L->pos;
    if (k > left / item_size) {
        fail(L, POL_ERR_FORMAT, "%u %s cannot fit in the %zu bytes left at byte %zu", k, what, left, L->pos);
        return 0;
    }
    return k;
}

/* count elements of size bytes, zeroed; NULL for none (not an error) or when the allocator fails. */
static void *array(loader *L, uint32_t k, size_t size)
{
    if (k == 0 || L->status != POL_OK)
        return NULL;
    void *r = (size_t)k <= SIZE_MAX / size ? arena_get(&L->A, (size_t)k * size) : NULL;
    if (!r)
        fail(L, POL_ERR_NOMEM, "out of memory reading %u items of %zu bytes", k, size);
    return r;
}

/* ---- strings --------------------------------------------------------------------------------------------- */

/* Offset of the first byte that does not continue valid UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF), or n when the whole is valid. */
static size_t utf8_invalid_at(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint8_t lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c == 0xE0)
            len = 3, lo = 0xA0;
        else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
            len = 3;
        else if (c == 0xED)
            len = 3, hi = 0x9F;
        else if (c == 0xF0)
            len = 4, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3)
            len = 4;
        else if (c == 0xF4)
            len = 4, hi = 0x8F;
        else
            return i;
        if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        i += len;
    }
    return n;
}

/* ---- section parsers: structure only; indexes are checked once every table is known ------------------- */

#define TYPE_SIZE 6   /* kind u8, nullable u8, ref u32 */
#define CONST_SIZE 14 /* kind u8, has_time u8, ref u32, payload u64 */
#define FIELD_SIZE (4 + TYPE_SIZE + 1 + 3 * CONST_SIZE)
#define ATTR_SIZE (4 + TYPE_SIZE)
#define INSTR_SIZE 8

static void read_type(loader *L, polP_type *t)
{
    t->kind = u8(L);
    t->nullable = u8(L);
    t->ref = u32(L);
}

static void read_const(loader *L, polP_const *c)
{
    c->kind = u8(L);
    c->has_time = u8(L);
    c->ref = u32(L);
    uint64_t payload = u64(L);
    memcpy(&c->u, &payload, sizeof payload); /* the IEEE-754 bits of a NUMBER, the integer otherwise */
}

static int parse_meta(loader *L)
{
    polP_program *p = L->p;
    p->name = u32(L);
    p->policy_version = u32(L);
    p->compiler_version = u32(L);
    p->year = as_i32(u32(L));
    if (have(L, 32)) {
        memcpy(p->source_sha256, L->bytes + L->pos, 32);
        L->pos += 32;
    }
    return L->status == POL_OK;
}

static int parse_strs(loader *L)
{
    polP_program *p = L->p;
    p->nstrings = count(L, 4, "strings");
    p->strings = array(L, p->nstrings, sizeof *p->strings);
    for (uint32_t i = 0; i < p->nstrings && L->status == POL_OK; i++) {
        uint32_t len = u32(L);
        if (!have(L, len))
            break;
        const uint8_t *s = L->bytes + L->pos;
        const uint8_t *nul = memchr(s, 0, len);
        if (nul)
            return fail(L, POL_ERR_FORMAT, "string %u contains a NUL byte (byte %zu of the file)", i,
                        L->pos + (size_t)(nul - s));
        size_t bad = utf8_invalid_at(s, len);
        if (bad < len)
            return fail(L, POL_ERR_FORMAT, "string %u is not valid UTF-8 (byte %zu of the file)", i, L->pos + bad);
        char *copy = arena_get(&L->A, (size_t)len + 1);
        if (!copy)
            return fail(L, POL_ERR_NOMEM, "out of memory reading string %u (%u bytes)", i, len);
        memcpy(copy, s, len);
        p->strings[i].length = len;
        p->strings[i].bytes = copy;
        L->pos += len;
    }
    return L->status == POL_OK;
}

static int parse_enum(loader *L)
{
    polP_program *p = L->p;
    p->nenums = count(L, 8, "enums");
    p->enums = array(L, p->nenums, sizeof *p->enums);
    for (uint32_t i = 0; i < p->nenums && L->status == POL_OK; i++) {
        polP_enum *e = &p->enums[i];
        e->name = u32(L);
        e->nvalues = count(L, 4, "enum values");
        e->values = array(L, e->nvalues, sizeof *e->values);
        for (uint32_t v = 0; v < e->nvalues && L->status == POL_OK; v++)
            e->values[v] = u32(L);
    }
    return L->status == POL_OK;
}

static void read_field(loader *L, polP_field *f)
{
    f->name = u32(L);
    read_type(L, &f->type);
    f->required = u8(L);
    read_const(L, &f->def);
    read_const(L, &f->min);
    read_const(L, &f->max);
}

static int parse_recs(loader *L)
{
    polP_program *p = L->p;
    p->nrecords = count(L, 8, "records");
    p->records = array(L, p->nrecords, sizeof *p->records);
    for (uint32_t i = 0; i < p->nrecords && L->status == POL_OK; i++) {
        polP_record *r = &p->records[i];
        r->name = u32(L);
        r->nfields = count(L, FIELD_SIZE, "fields");
        r->fields = array(L, r->nfields, sizeof *r->fields);
        for (uint32_t f = 0; f < r->nfields && L->status == POL_OK; f++)
            read_field(L, &r->fields[f]);
    }
    return L->status == POL_OK;
}

static int parse_etyp(loader *L)
{
    polP_program *p = L->p;
    p->nentity_types = count(L, 8, "entity types");
    p->entity_types = array(L, p->nentity_types, sizeof *p->entity_types);
    for (uint32_t i = 0; i < p->nentity_types && L->status == POL_OK; i++) {
        polP_entity_type *t = &p->entity_types[i];
        t->name = u32(L);
        t->nattrs = count(L, ATTR_SIZE, "attributes");
        t->attrs = array(L, t->nattrs, sizeof *t->attrs);
        for (uint32_t a = 0; a < t->nattrs && L->status == POL_OK; a++) {
            t->attrs[a].name = u32(L);
            read_type(L, &t->attrs[a].type);
            t->attrs[a].def.ref = POL_NONE; /* attributes have no default or bounds: kind NULL */
            t->attrs[a].min.ref = POL_NONE;
            t->attrs[a].max.ref = POL_NONE;
        }
    }
    return L->status == POL_OK;
}

static int parse_ents(loader *L)
{
    polP_program *p = L->p;
    p->nentities = count(L, 16, "entities");
    p->entities = array(L, p->nentities, sizeof *p->entities);
    for (uint32_t i = 0; i < p->nentities && L->status == POL_OK; i++) {
        polP_entity *e = &p->entities[i];
        e->type = u32(L);
        e->name = u32(L);
        e->line = u32(L);
        uint32_t nvalues = count(L, CONST_SIZE, "attribute values");
        if (L->status != POL_OK)
            break;
        /* the values array is read by the type's attribute count, so the two must agree before anything */
        at(L, "entity", i, NULL, 0);
        if (e->type >= p->nentity_types)
            return fail(L, POL_ERR_FORMAT, "type is entity type %u, but there are %u", e->type, p->nentity_types);
        if (nvalues != p->entity_types[e->type].nattrs)
            return fail(L, POL_ERR_FORMAT, "has %u attribute values, but its type has %u attributes", nvalues,
                        p->entity_types[e->type].nattrs);
        at(L, NULL, 0, NULL, 0);
        e->values = array(L, nvalues, sizeof *e->values);
        for (uint32_t v = 0; v < nvalues && L->status == POL_OK; v++)
            read_const(L, &e->values[v]);
    }
    return L->status == POL_OK;
}

static int parse_cnst(loader *L)
{
    polP_program *p = L->p;
    p->nconsts = count(L, CONST_SIZE, "constants");
    p->consts = array(L, p->nconsts, sizeof *p->consts);
    for (uint32_t i = 0; i < p->nconsts && L->status == POL_OK; i++)
        read_const(L, &p->consts[i]);
    return L->status == POL_OK;
}

static int parse_rule(loader *L)
{
    polP_program *p = L->p;
    p->nrules = count(L, 17, "rules");
    p->rules = array(L, p->nrules, sizeof *p->rules);
    for (uint32_t i = 0; i < p->nrules && L->status == POL_OK; i++) {
        polP_rule *r = &p->rules[i];
        r->kind = u8(L);
        r->clause = u32(L);
        r->line = u32(L);
        r->target = u32(L);
        r->text = u32(L);
    }
    return L->status == POL_OK;
}

static int parse_outp(loader *L)
{
    polP_program *p = L->p;
    p->noutputs = count(L, ATTR_SIZE, "outputs");
    p->outputs = array(L, p->noutputs, sizeof *p->outputs);
    for (uint32_t i = 0; i < p->noutputs && L->status == POL_OK; i++) {
        p->outputs[i].name = u32(L);
        read_type(L, &p->outputs[i].type);
    }
    return L->status == POL_OK;
}

static int parse_tabl(loader *L)
{
    polP_program *p = L->p;
    p->ntables = count(L, 8, "jump tables");
    p->tables = array(L, p->ntables, sizeof *p->tables);
    for (uint32_t i = 0; i < p->ntables && L->status == POL_OK; i++) {
        polP_table *t = &p->tables[i];
        t->dflt = u32(L);
        t->nentries = count(L, 4, "table entries");
        t->entries = array(L, t->nentries, sizeof *t->entries);
        for (uint32_t e = 0; e < t->nentries && L->status == POL_OK; e++)
            t->entries[e] = u32(L);
    }
    return L->status == POL_OK;
}

static int parse_sets(loader *L)
{
    polP_program *p = L->p;
    p->nsets = count(L, 8, "sets");
    p->sets = array(L, p->nsets, sizeof *p->sets);
    for (uint32_t i = 0; i < p->nsets && L->status == POL_OK; i++) {
        polP_set *s = &p->sets[i];
        s->enum_index = u32(L);
        s->nwords = count(L, 8, "set words");
        s->bits = array(L, s->nwords, sizeof *s->bits);
        for (uint32_t w = 0; w < s->nwords && L->status == POL_OK; w++)
            s->bits[w] = u64(L);
    }
    return L->status == POL_OK;
}

static int parse_code(loader *L)
{
    polP_program *p = L->p;
    p->nlocals = u32(L);
    p->max_stack = u32(L);
    p->ncode = count(L, INSTR_SIZE, "instructions");
    p->code = array(L, p->ncode, sizeof *p->code);
    for (uint32_t i = 0; i < p->ncode && L->status == POL_OK; i++) {
        polP_instr *in = &p->code[i];
        in->op = u8(L);
        in->a = u8(L);
        in->c = u16(L);
        in->b = as_i32(u32(L));
    }
    return L->status == POL_OK;
}

static int parse_smap(loader *L)
{
    polP_program *p = L->p;
    uint32_t k = count(L, 8, "source map entries");
    if (L->status != POL_OK)
        return 0;
    if (k != p->ncode)
        return fail(L, POL_ERR_FORMAT, "%u entries for %u instructions (one per instruction)", k, p->ncode);
    p->srcmap = array(L, k, sizeof *p->srcmap);
    for (uint32_t i = 0; i < k && L->status == POL_OK; i++) {
        p->srcmap[i].line = u32(L);
        p->srcmap[i].rule = u32(L);
    }
    return L->status == POL_OK;
}

typedef int (*section_parser)(loader *);

static const section_parser parsers[POLF_SEC__COUNT] = {
    [POLF_SEC_META] = parse_meta, [POLF_SEC_STRS] = parse_strs, [POLF_SEC_ENUM] = parse_enum,
    [POLF_SEC_RECS] = parse_recs, [POLF_SEC_ETYP] = parse_etyp, [POLF_SEC_ENTS] = parse_ents,
    [POLF_SEC_CNST] = parse_cnst, [POLF_SEC_RULE] = parse_rule, [POLF_SEC_OUTP] = parse_outp,
    [POLF_SEC_TABL] = parse_tabl, [POLF_SEC_SETS] = parse_sets, [POLF_SEC_CODE] = parse_code,
    [POLF_SEC_SMAP] = parse_smap,
};

static const char tags[POLF_SEC__COUNT][5] = {
#define POLF_X_TAG(tag, what) #tag,
    POLF_SECTIONS(POLF_X_TAG)
#undef POLF_X_TAG
};

/* A tag as text for a message: printable ASCII as is, other bytes as \xNN. */
static void show_tag(const uint8_t *t, char out[17])
{
    size_t k = 0;
    for (int i = 0; i < 4; i++) {
        if (t[i] >= 0x20 && t[i] < 0x7F && t[i] != '\\')
            out[k++] = (char)t[i];
        else
            k += (size_t)snprintf(out + k, 5, "\\x%02X", t[i]);
    }
    out[k] = '\0';
}

static int read_sections(loader *L)
{
    for (int s = 0; s < POLF_SEC__COUNT; s++) {
        L->section = NULL;
        L->end = L->n;
        if (L->n - L->pos < 8)
            return fail(L, POL_ERR_FORMAT, "section %s missing: the file ends at byte %zu", tags[s], L->n);
        const uint8_t *head = L->bytes + L->pos;
        if (memcmp(head, tags[s], 4) != 0) {
            char found[17];
            show_tag(head, found);
            return fail(L, POL_ERR_FORMAT, "expected section %s at byte %zu, found \"%s\"", tags[s], L->pos, found);
        }
        uint32_t length = polF_get32(head + 4);
        L->pos += 8;
        L->section = tags[s];
        if (length > L->n - L->pos)
            return fail(L, POL_ERR_FORMAT, "length %u at byte %zu runs past the end of the file (%zu bytes left)",
                        length, L->pos - 4, L->n - L->pos);
        L->end = L->pos + length;
        if (!parsers[s](L))
            return 0;
        if (L->pos != L->end)
            return fail(L, POL_ERR_FORMAT, "%zu unexpected bytes at its end (byte %zu)", L->end - L->pos, L->pos);
    }
    L->section = NULL;
    L->end = L->n;
    if (L->pos != L->n)
        return fail(L, POL_ERR_FORMAT, "%zu unexpected bytes after the last section (byte %zu)", L->n - L->pos,
                    L->pos);
    return 1;
}

/* ---- cross-reference checks, section by section ------------------------------------------------------- */

static const char *const kind_names[] = {"null", "bool", "int", "number", "date", "string", "enum", "entity", "list"};

static const char *kind_name(uint8_t kind) { return kind <= POL_T_LIST ? kind_names[kind] : "unknown"; }

static int check_string(loader *L, uint32_t s, const char *what)
{
    if (s < L->p->nstrings)
        return 1;
    return fail(L, POL_ERR_FORMAT, "%s is string %u, but there are %u strings", what, s, L->p->nstrings);
}

/* A declared type whose kind lies in lowest..highest, the kinds this place may hold. */
static int check_type(loader *L, const polP_type *t, uint8_t lowest, uint8_t highest, const char *what)
{
    const polP_program *p = L->p;
    if (t->kind < lowest || t->kind > highest)
        return fail(L, POL_ERR_FORMAT, "%s has type kind %u (%s), not allowed here", what, t->kind,
                    kind_name(t->kind));
    if (t->nullable > 1)
        return fail(L, POL_ERR_FORMAT, "%s has nullable flag %u (must be 0 or 1)", what, t->nullable);
    switch (t->kind) {
    case POL_T_ENUM:
        if (t->ref >= p->nenums)
            return fail(L, POL_ERR_FORMAT, "%s has enum %u, but there are %u enums", what, t->ref, p->nenums);
        return 1;
    case POL_T_ENTITY:
        if (t->ref >= p->nentity_types)
            return fail(L, POL_ERR_FORMAT, "%s has entity type %u, but there are %u", what, t->ref,
                        p->nentity_types);
        return 1;
    case POL_T_LIST:
        if (t->ref == 0 || t->ref >= p->nrecords)
            return fail(L, POL_ERR_FORMAT, "%s is a list of record %u, which is not an element record "
                        "(records 1 and up of %u)", what, t->ref, p->nrecords);
        return 1;
    default:
        if (t->ref != POL_NONE)
            return fail(L, POL_ERR_FORMAT, "%s of kind %s has ref %u (must be none)", what, kind_name(t->kind),
                        t->ref);
        return 1;
    }
}

static int check_const(loader *L, const polP_const *c, const char *what)
{
    const polP_program *p = L->p;
    int64_t v = c->u.i;
    if (c->kind > POL_T_ENTITY)
        return fail(L, POL_ERR_FORMAT, "%s has kind %u (%s), which no constant has", what, c->kind,
                    kind_name(c->kind));
    if (c->has_time > (c->kind == POL_T_DATE))
        return fail(L, POL_ERR_FORMAT, "%s of kind %s has has_time %u", what, kind_name(c->kind), c->has_time);
    int has_ref = c->kind == POL_T_STRING || c->kind == POL_T_ENUM || c->kind == POL_T_ENTITY;
    if (!has_ref && c->ref != POL_NONE)
        return fail(L, POL_ERR_FORMAT, "%s of kind %s has ref %u (must be none)", what, kind_name(c->kind), c->ref);
    switch (c->kind) {
    case POL_T_NULL:
    case POL_T_STRING:
        if (v != 0)
            return fail(L, POL_ERR_FORMAT, "%s of kind %s has a nonzero payload", what, kind_name(c->kind));
        return c->kind == POL_T_NULL || check_string(L, c->ref, what);
    case POL_T_BOOL:
        if (v != 0 && v != 1)
            return fail(L, POL_ERR_FORMAT, "%s is a bool of value %lld", what, (long long)v);
        return 1;
    case POL_T_DATE: {
        int64_t lo = polT_days_from_civil(1, 1, 1) * POLT_MINUTES_PER_DAY;
        int64_t hi = polT_days_from_civil(9999, 12, 31) * POLT_MINUTES_PER_DAY + POLT_MINUTES_PER_DAY - 1;
        if (v < lo || v > hi)
            return fail(L, POL_ERR_FORMAT, "%s is a date outside the years 1..9999 (%lld minutes)", what,
                        (long long)v);
        if (!c->has_time && v % POLT_MINUTES_PER_DAY != 0)
            return fail(L, POL_ERR_FORMAT, "%s is a plain date with a time of day", what);
        return 1;
    }
    case POL_T_ENUM:
        if (c->ref >= p->nenums)
            return fail(L, POL_ERR_FORMAT, "%s names enum %u, but there are %u enums", what, c->ref, p->nenums);
        if (v < 0 || v >= p->enums[c->ref].nvalues)
            return fail(L, POL_ERR_FORMAT, "%s is value %lld of enum %u, which has %u values", what, (long long)v,
                        c->ref, p->enums[c->ref].nvalues);
        return 1;
    case POL_T_ENTITY:
        if (c->ref >= p->nentity_types)
            return fail(L, POL_ERR_FORMAT, "%s names entity type %u, but there are %u", what, c->ref,
                        p->nentity_types);
        if (v < 0 || v >= p->nentities)
            return fail(L, POL_ERR_FORMAT, "%s is entity %lld, but there are %u entities", what, (long long)v,
                        p->nentities);
        if (p->entities[v].type != c->ref)
            return fail(L, POL_ERR_FORMAT, "%s is entity %lld of type %u, but claims type %u", what, (long long)v,
                        p->entities[v].type, c->ref);
        return 1;
    default: /* INT, NUMBER: every bit pattern is a value */
        return 1;
    }
}

/* A default or attribute value must be of the declared type (an int may stand for a number); NULL is
 * "none given". */
static int check_fits(loader *L, const polP_const *c, const polP_type *t, const char *what)
{
    if (!check_const(L, c, what))
        return 0;
    if (c->kind == POL_T_NULL)
        return 1;
    int same = c->kind == t->kind &&
               ((c->kind != POL_T_ENUM && c->kind != POL_T_ENTITY) || c->ref == t->ref);
    if (same || (c->kind == POL_T_INT && t->kind == POL_T_NUMBER))
        return 1;
    return fail(L, POL_ERR_FORMAT, "%s is of kind %s (ref %u), which does not fit the declared %s (ref %u)", what,
                kind_name(c->kind), c->ref, kind_name(t->kind), t->ref);
}

static int check_meta(loader *L)
{
    const polP_program *p = L->p;
    return check_string(L, p->name, "name") && check_string(L, p->policy_version, "policy version") &&
           check_string(L, p->compiler_version, "compiler version");
}

static int check_enums(loader *L)
{
    const polP_program *p = L->p;
    for (uint32_t i = 0; i < p->nenums; i++) {
        at(L, "enum", i, NULL, 0);
        if (!check_string(L, p->enums[i].name, "name"))
            return 0;
        for (uint32_t v = 0; v < p->enums[i].nvalues; v++) {
            at(L, "enum", i, "value", v);
            if (!check_string(L, p->enums[i].values[v], "name"))
                return 0;
        }
    }
    return 1;
}

static int check_records(loader *L)
{
    const polP_program *p = L->p;
    if (p->nrecords == 0)
        return fail(L, POL_ERR_FORMAT, "no record types (record 0 must be the applicant)");
    for (uint32_t r = 0; r < p->nrecords; r++) {
        at(L, "record", r, NULL, 0);
        if (!check_string(L, p->records[r].name, "name"))
            return 0;
        for (uint32_t i = 0; i < p->records[r].nfields; i++) {
            const polP_field *f = &p->records[r].fields[i];
            at(L, "record", r, "field", i);
            if (!check_string(L, f->name, "name") || !check_type(L, &f->type, POL_T_BOOL, POL_T_LIST, "field"))
                return 0;
            if (f->required > 1)
                return fail(L, POL_ERR_FORMAT, "required flag %u (must be 0 or 1)", f->required);
            if (!check_fits(L, &f->def, &f->type, "default") || !check_fits(L, &f->min, &f->type, "minimum") ||
                !check_fits(L, &f->max, &f->type, "maximum"))
                return 0;
            if ((f->min.kind != POL_T_NULL || f->max.kind != POL_T_NULL) && f->type.kind != POL_T_INT &&
                f->type.kind != POL_T_NUMBER)
                return fail(L, POL_ERR_FORMAT, "bounds on a field that is not an int or a number");
        }
    }
    return 1;
}

static int check_entity_types(loader *L)
{
    const polP_program *p = L->p;
    for (uint32_t t = 0; t < p->nentity_types; t++) {
        at(L, "entity type", t, NULL, 0);
        if (!check_string(L, p->entity_types[t].name, "name"))
            return 0;
        for (uint32_t a = 0; a < p->entity_types[t].nattrs; a++) {
            at(L, "entity type", t, "attribute", a);
            const polP_field *f = &p->entity_types[t].attrs[a];
            if (!check_string(L, f->name, "name") || !check_type(L, &f->type, POL_T_BOOL, POL_T_ENTITY, "attribute"))
                return 0;
        }
    }
    return 1;
}

static int check_entities(loader *L)
{
    const polP_program *p = L->p;
    for (uint32_t e = 0; e < p->nentities; e++) {
        const polP_entity *ent = &p->entities[e];
        const polP_entity_type *t = &p->entity_types[ent->type]; /* type checked while parsing */
        at(L, "entity", e, NULL, 0);
        if (!check_string(L, ent->name, "name"))
            return 0;
        for (uint32_t a = 0; a < t->nattrs; a++) {
            at(L, "entity", e, "attribute", a);
            if (!check_fits(L, &ent->values[a], &t->attrs[a].type, "value"))
                return 0;
        }
    }
    return 1;
}

static int check_consts(loader *L)
{
    const polP_program *p = L->p;
    for (uint32_t i = 0; i < p->nconsts; i++) {
        at(L, "constant", i, NULL, 0);
        if (!check_const(L, &p->consts[i], "value"))
            return 0;
    }
    return 1;
}

static int check_rules(loader *L)
{
    const polP_program *p = L->p;
    for (uint32_t i = 0; i < p->nrules; i++) {
        const polP_rule *r = &p->rules[i];
        at(L, "rule", i, NULL, 0);
        if (r->kind > POLP_RULE_LET)
            return fail(L, POL_ERR_FORMAT, "kind %u is not a rule kind (0..%d)", r->kind, POLP_RULE_LET);
        if ((r->clause != POL_NONE && !check_string(L, r->clause, "clause")) || !check_string(L, r->text, "text"))
            return 0;
        if (r->kind == POLP_RULE_ROUTE && r->target >= p->nentities)
            return fail(L, POL_ERR_FORMAT, "route target is entity %u, but there are %u entities", r->target,
                        p->nentities);
        if (r->kind == POLP_RULE_OUTPUT && r->target >= p->noutputs)
            return fail(L, POL_ERR_FORMAT, "output rule target is output %u, but there are %u outputs", r->target,
                        p->noutputs);
        if (r->kind != POLP_RULE_ROUTE && r->kind != POLP_RULE_OUTPUT && r->target != POL_NONE)
            return fail(L, POL_ERR_FORMAT, "a rule of kind %u has target %u (must be none)", r->kind, r->target);
    }
    return 1;
}

static int check_outputs(loader *L)
{
    const polP_program *p = L->p;
    for (uint32_t i = 0; i < p->noutputs; i++) {
        at(L, "output", i, NULL, 0);
        if (!check_string(L, p->outputs[i].name, "name") ||
            !check_type(L, &p->outputs[i].type, POL_T_NULL, POL_T_ENTITY, "output")) /* null: any value */
            return 0;
    }
    return 1;
}

static int check_sets(loader *L)
{
    const polP_program *p = L->p;
    for (uint32_t i = 0; i < p->nsets; i++) {
        const polP_set *s = &p->sets[i];
        at(L, "set", i, NULL, 0);
        if (s->enum_index >= p->nenums)
            return fail(L, POL_ERR_FORMAT, "enum %u, but there are %u enums", s->enum_index, p->nenums);
        uint32_t nvalues = p->enums[s->enum_index].nvalues;
        uint32_t words = nvalues / 64 + (nvalues % 64 != 0);
        if (s->nwords != words)
            return fail(L, POL_ERR_FORMAT, "%u words, but enum %u has %u values (%u words)", s->nwords,
                        s->enum_index, nvalues, words);
        if (nvalues % 64 != 0 && s->bits[words - 1] >> (nvalues % 64) != 0)
            return fail(L, POL_ERR_FORMAT, "bits set beyond the %u values of enum %u", nvalues, s->enum_index);
    }
    return 1;
}

static int check_code(loader *L)
{
    const polP_program *p = L->p;
    if (p->nlocals > POLF_MAX_LOCALS)
        return fail(L, POL_ERR_FORMAT, "%u locals (at most %d)", p->nlocals, POLF_MAX_LOCALS);
    /* every instruction pushes at most one value, so a deeper stack cannot be reached; this bounds the
     * stack the VM allocates from max_stack */
    if (p->max_stack > p->ncode)
        return fail(L, POL_ERR_FORMAT, "max_stack %u exceeds the %u instructions", p->max_stack, p->ncode);
    return 1;
}

static int check_srcmap(loader *L)
{
    const polP_program *p = L->p;
    for (uint32_t i = 0; i < p->ncode; i++) {
        if (p->srcmap[i].rule != POL_NONE && p->srcmap[i].rule >= p->nrules) {
            at(L, "entry", i, NULL, 0);
            return fail(L, POL_ERR_FORMAT, "rule %u, but there are %u rules", p->srcmap[i].rule, p->nrules);
        }
    }
    return 1;
}

/* STRS was checked (UTF-8, no NUL) while reading; TABL holds jump targets, which depend on where the
 * SWITCH stands, so the verifier checks them. */
static const section_parser checkers[POLF_SEC__COUNT] = {
    [POLF_SEC_META] = check_meta,     [POLF_SEC_ENUM] = check_enums,    [POLF_SEC_RECS] = check_records,
    [POLF_SEC_ETYP] = check_entity_types, [POLF_SEC_ENTS] = check_entities, [POLF_SEC_CNST] = check_consts,
    [POLF_SEC_RULE] = check_rules,    [POLF_SEC_OUTP] = check_outputs,  [POLF_SEC_SETS] = check_sets,
    [POLF_SEC_CODE] = check_code,     [POLF_SEC_SMAP] = check_srcmap,
};

static int check_all(loader *L)
{
    for (int s = 0; s < POLF_SEC__COUNT; s++) {
        L->section = tags[s];
        at(L, NULL, 0, NULL, 0);
        if (checkers[s] && !checkers[s](L))
            return 0;
    }
    return 1;
}

/* ---- the header ------------------------------------------------------------------------------------------ */

static int read_header(loader *L)
{
    const uint8_t *b = L->bytes;
    size_t n = L->n;
    size_t k = n < POLF_MAGIC_SIZE ? n : POLF_MAGIC_SIZE;
    if (memcmp(b, POLF_MAGIC, k) != 0) {
        /* PNG's trick: a damaged signature says how it was damaged */
        if (n >= 4 && memcmp(b, POLF_MAGIC, 4) == 0)
            return fail(L, POL_ERR_FORMAT, "not a .pbc file: its signature was altered after byte 4 "
                                           "(a text-mode transfer that changed line endings?)");
        if (n >= 4 && memcmp(b + 1, "POL", 3) == 0)
            return fail(L, POL_ERR_FORMAT, "not a .pbc file: its first byte was altered "
                                           "(a 7-bit transfer that dropped the high bit?)");
        return fail(L, POL_ERR_FORMAT, "not a .pbc file (no \\x89POL signature)");
    }
    if (n < POLF_FLAGS_OFFSET)
        return fail(L, POL_ERR_FORMAT, "truncated at byte %zu, inside the %d-byte header", n, POLF_HEADER_SIZE);
    uint32_t version = polF_get32(b + POLF_VERSION_OFFSET);
    if (version != POL_FORMAT_VERSION)
        return fail(L, POL_ERR_VERSION, "format version %u, but this runtime reads version %d", version,
                    POL_FORMAT_VERSION);
    if (n < POLF_HEADER_SIZE)
        return fail(L, POL_ERR_FORMAT, "truncated at byte %zu, inside the %d-byte header", n, POLF_HEADER_SIZE);
    uint32_t flags = polF_get32(b + POLF_FLAGS_OFFSET);
    if (flags != 0)
        return fail(L, POL_ERR_FORMAT, "unknown flags 0x%08x (this version defines none)", flags);
    uint64_t total = polF_get64(b + POLF_SIZE_OFFSET);
    if (total > n)
        return fail(L, POL_ERR_FORMAT, "truncated: the header says %llu bytes, the file has %zu",
                    (unsigned long long)total, n);
    if (total < n)
        return fail(L, POL_ERR_FORMAT, "the file has %zu bytes, more than the %llu its header says (data appended?)",
                    n, (unsigned long long)total);
    uint8_t digest[SHA256_DIGEST_SIZE];
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, n - POLF_HEADER_SIZE, b + POLF_HEADER_SIZE);
    sha256_digest(&ctx, sizeof digest, digest);
    if (memcmp(digest, b + POLF_DIGEST_OFFSET, sizeof digest) != 0)
        return fail(L, POL_ERR_DIGEST, "digest mismatch: the file was altered or corrupted");
    L->pos = POLF_HEADER_SIZE;
    return 1;
}

pol_status polF_undump(const uint8_t *bytes, size_t n, pol_alloc_fn alloc, void *ud, polP_program **out,
                       char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!alloc)
        alloc = default_alloc;
    if (!out || (!bytes && n)) {
        if (err && errlen)
            snprintf(err, errlen, "polF_undump: missing argument");
        if (out)
            *out = NULL;
        return POL_ERR_ARGUMENT;
    }
    *out = NULL;
    static const uint8_t empty[1] = {0};
    loader L = {.bytes = bytes ? bytes : empty, .n = n, .end = n, .err = err, .errlen = errlen};
    /* the in-memory program is about the size of the file; the first chunk usually holds it all */
    L.A = (arena){.alloc = alloc, .ud = ud, .next_size = n + n / 2 + sizeof(loaded) + 256};
    if (read_header(&L)) {
        loaded *l = arena_get(&L.A, sizeof *l);
        if (!l)
            fail(&L, POL_ERR_NOMEM, "out of memory for the program");
        else {
            L.p = &l->program;
            if (read_sections(&L) && check_all(&L)) {
                l->chunks = L.A.chunks;
                *out = &l->program;
                return POL_OK;
            }
        }
    }
    free_chunks(alloc, ud, L.A.chunks);
    return L.status;
}
