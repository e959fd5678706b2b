/* context.c: contexts (one block sized by the program), their text arenas, reset, and error messages. */
#include <stdio.h>
#include <string.h>

#include "vm.h"

#define POLX_FIRST_CHUNK 2048  /* bytes each arena starts with */
#define POLX_FIRST_ERROR 256   /* bytes the error message starts with */
#define POLX_MAX_ERROR 16384   /* longer messages are cut */

/* ---- arenas ---------------------------------------------------------------------------------------------- */

static polX_chunk *chunk_new(pol_context *ctx, size_t size)
{
    const pol_program *prog = ctx->prog;
    if (size > SIZE_MAX - sizeof(polX_chunk))
        return NULL;
    polX_chunk *c = prog->alloc(prog->ud, NULL, 0, sizeof(polX_chunk) + size);
    if (c) {
        c->prev = NULL;
        c->size = size;
        c->used = 0;
    }
    return c;
}

static void chunks_free(pol_context *ctx, polX_chunk *c)
{
    while (c) {
        polX_chunk *prev = c->prev;
        ctx->prog->alloc(ctx->prog->ud, c, sizeof(polX_chunk) + c->size, 0);
        c = prev;
    }
}

char *polX_arena_alloc(pol_context *ctx, polX_arena *a, size_t n)
{
    polX_chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = c ? c->size * 2 : POLX_FIRST_CHUNK;
        if (size < n)
            size = n;
        polX_chunk *fresh = chunk_new(ctx, size);
        if (!fresh)
            return NULL;
        fresh->prev = c;
        a->head = c = fresh;
    }
    char *p = c->data + c->used;
    c->used += n;
    a->total += n;
    return p;
}

void polX_arena_give_back(polX_arena *a, size_t n)
{
    if (a->head && n <= a->head->used && n <= a->total) {
        a->head->used -= n;
        a->total -= n;
    }
}

void polX_arena_reset(pol_context *ctx, polX_arena *a)
{
    polX_chunk *c = a->head;
    a->total = 0;
    if (!c)
        return;
    if (c->prev) {
        /* the record outgrew the first chunk: keep one chunk that holds it all */
        size_t size = 0;
        for (polX_chunk *k = c; k; k = k->prev)
            size += k->size;
        chunks_free(ctx, c);
        a->head = c = chunk_new(ctx, size);
        if (!c)
            return;
    }
    c->used = 0;
}

/* ---- errors ---------------------------------------------------------------------------------------------- */

void polX_error_begin(pol_context *ctx)
{
    ctx->error_length = 0;
    if (ctx->error)
        ctx->error[0] = '\0';
}

/* Room for need more bytes and the NUL; 0 when the message must be cut. */
static int error_room(pol_context *ctx, size_t need)
{
    size_t want = ctx->error_length + need + 1;
    if (want <= ctx->error_capacity)
        return 1;
    if (want > POLX_MAX_ERROR)
        return 0;
    size_t cap = ctx->error_capacity ? ctx->error_capacity : POLX_FIRST_ERROR;
    while (cap < want)
        cap *= 2;
    if (!polX_array_resize(ctx->prog->alloc, ctx->prog->ud, &ctx->error, ctx->error_capacity, cap, 1))
        return 0;
    ctx->error_capacity = cap;
    return 1;
}

void polX_error_add(pol_context *ctx, const char *text, size_t len)
{
    if (!error_room(ctx, len)) {
        if (ctx->error_capacity <= ctx->error_length + 1)
            return;
        len = ctx->error_capacity - ctx->error_length - 1;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--; /* cut at a character boundary */
    }
    memcpy(ctx->error + ctx->error_length, text, len);
    ctx->error_length += len;
    ctx->error[ctx->error_length] = '\0';
}

void polX_error_vaddf(pol_context *ctx, const char *fmt, va_list ap)
{
    char buf[256];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n > 0)
        polX_error_add(ctx, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

void polX_error_addf(pol_context *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    polX_error_vaddf(ctx, fmt, ap);
    va_end(ap);
}

pol_status polX_error_end(pol_context *ctx, pol_status status, int slot)
{
    ctx->error_slot = status == POL_ERR_BIND ? slot : -1;
    return status;
}

pol_status polX_fail(pol_context *ctx, pol_status status, int slot, const char *fmt, ...)
{
    va_list ap;
    polX_error_begin(ctx);
    va_start(ap, fmt);
    polX_error_vaddf(ctx, fmt, ap);
    va_end(ap);
    return polX_error_end(ctx, status, slot);
}

/* ---- contexts ----------------------------------------------------------------------------------------------- */

/* Byte offsets of the parts of the block; returns its size, 0 on overflow. */
static size_t block_layout(const pol_program *prog, size_t off[6])
{
    const polP_program *p = prog->p;
    size_t counts[6] = {p->records[0].nfields, prog->nlists, p->max_stack, p->nlocals, p->nlocals, p->noutputs};
    size_t sizes[6] = {sizeof(polX_value), sizeof(polX_list), sizeof(polX_value),
                       sizeof(polX_value), sizeof(polX_loop), sizeof(polX_value)};
    size_t total = 0;
    for (int i = 0; i < 6; i++) {
        off[i] = total;
        if (counts[i] > (SIZE_MAX / 2 - total) / sizes[i])
            return 0;
        total += counts[i] * sizes[i]; /* every size is a multiple of 8, so every part stays aligned */
    }
    return total ? total : sizeof(polX_value);
}

/* The applicant's fields at their defaults (record 0's come first in the defaults). */
static void fields_to_defaults(pol_context *ctx)
{
    uint32_t n = ctx->prog->p->records[0].nfields;
    if (n > 0) /* memcpy takes no NULL, even for 0 bytes */
        memcpy(ctx->fields, ctx->prog->defaults, n * sizeof(polX_value));
}

pol_status pol_context_new(const pol_program *program, pol_context **out)
{
    size_t off[6];
    if (!out)
        return POL_ERR_ARGUMENT;
    *out = NULL;
    if (!program)
        return POL_ERR_ARGUMENT;
    size_t size = block_layout(program, off);
    if (size == 0)
        return POL_ERR_NOMEM;
    pol_context *ctx = program->alloc(program->ud, NULL, 0, sizeof *ctx);
    if (!ctx)
        return POL_ERR_NOMEM;
    memset(ctx, 0, sizeof *ctx);
    ctx->prog = program;
    ctx->error_slot = -1;
    char *block = program->alloc(program->ud, NULL, 0, size);
    if (!block || !error_room(ctx, 0)) {
        if (block)
            program->alloc(program->ud, block, size, 0);
        program->alloc(program->ud, ctx, sizeof *ctx, 0);
        return POL_ERR_NOMEM;
    }
    memset(block, 0, size);
    ctx->error[0] = '\0';
    ctx->block = block;
    ctx->block_size = size;
    ctx->fields = (polX_value *)(void *)(block + off[0]);
    ctx->lists = (polX_list *)(void *)(block + off[1]);
    ctx->stack = (polX_value *)(void *)(block + off[2]);
    ctx->locals = (polX_value *)(void *)(block + off[3]);
    ctx->loops = (polX_loop *)(void *)(block + off[4]);
    ctx->outputs = (polX_value *)(void *)(block + off[5]);
    fields_to_defaults(ctx);
    for (uint32_t l = 0; l < program->nlists; l++) {
        const polP_field *f = &program->p->records[0].fields[program->list_field[l]];
        ctx->lists[l].record = f->type.ref;
        ctx->lists[l].nfields = program->p->records[f->type.ref].nfields;
    }
    /* a first chunk for each arena, so small records allocate nothing */
    polX_arena_alloc(ctx, &ctx->record_text, 0);
    polX_arena_alloc(ctx, &ctx->eval_text, 0);
    *out = ctx;
    return POL_OK;
}

void pol_context_free(pol_context *ctx)
{
    if (!ctx)
        return;
    const pol_program *prog = ctx->prog;
    for (uint32_t l = 0; l < prog->nlists; l++)
        polX_array_free(prog->alloc, prog->ud, ctx->lists[l].rows,
                        (size_t)ctx->lists[l].capacity * ctx->lists[l].nfields, sizeof(polX_value));
    chunks_free(ctx, ctx->record_text.head);
    chunks_free(ctx, ctx->eval_text.head);
    polX_array_free(prog->alloc, prog->ud, ctx->findings, ctx->findings_capacity, sizeof(polX_finding));
    polX_array_free(prog->alloc, prog->ud, ctx->error, ctx->error_capacity, 1);
    polX_trace_free(ctx);
    prog->alloc(prog->ud, ctx->block, ctx->block_size, 0);
    prog->alloc(prog->ud, ctx, sizeof *ctx, 0);
}

void pol_context_reset(pol_context *ctx)
{
    if (!ctx)
        return;
    fields_to_defaults(ctx);
    for (uint32_t l = 0; l < ctx->prog->nlists; l++)
        ctx->lists[l].count = 0;
    polX_arena_reset(ctx, &ctx->record_text);
    polX_arena_reset(ctx, &ctx->eval_text);
    ctx->record_bytes = 0;
    ctx->nfindings = 0;
    ctx->decided = 0;
    polX_error_begin(ctx);
    ctx->error_slot = -1;
}

const char *pol_context_error(const pol_context *ctx) { return ctx && ctx->error ? ctx->error : ""; }

int pol_context_error_slot(const pol_context *ctx) { return ctx ? ctx->error_slot : -1; }
