/* json_reader.c: making and freeing a pol_json_reader: names resolved once, the simdjson parser, yajl's parser
 * arena, generator. */
#include <string.h>

#include "json_internal.h"

#define GENERATOR_BYTES 4096u

/* yajl_gen's print callback: the decision goes straight into the caller's buffer, no copy in between. Around
 * a decision's strings it drops the frame they are generated in (json_write.c, put_text). */
static void print_to_out(void *ctx, const char *text, size_t len) {
    pol_json_reader *r = ctx;
    if (r->gen_muted) return;
    if (r->drop_separator) {
        r->drop_separator = 0;
        if (len == 1 && text[0] == ',') return;
    }
    polJ_buffer_put(r->out, text, len);
}

static void init_buffer(pol_json_buffer *b, const pol_json_reader *r) {
    memset(b, 0, sizeof *b);
    b->alloc = r->fn;
    b->alloc_ud = r->ud;
}

pol_status pol_json_reader_new(const pol_program *program, const pol_config *config, pol_json_reader **out) {
    if (out == NULL) return POL_ERR_ARGUMENT;
    *out = NULL;
    if (program == NULL) return POL_ERR_ARGUMENT;
    pol_alloc_fn fn;
    void *ud;
    polJ_allocator(config, &fn, &ud);
    pol_json_reader *r = fn(ud, NULL, 0, sizeof *r);
    if (r == NULL) return POL_ERR_NOMEM;
    memset(r, 0, sizeof *r);
    r->program = program;
    r->fn = fn;
    r->ud = ud;
    r->error = "";
    r->max_line_bytes = config && config->limits.max_line_bytes ? config->limits.max_line_bytes : 16u << 20;
    r->max_nesting = config && config->limits.max_nesting ? config->limits.max_nesting : 64;
    polJ_arena_init(&r->arena, fn, ud);
    polJ_arena_funcs(&r->arena, &r->arena_funcs);
    init_buffer(&r->scratch, r);
    init_buffer(&r->id, r);
    init_buffer(&r->message, r);
    /* glibc hands out its static C locale here, without allocating; when refused, the process locale serves */
    r->c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    polJ_arena_init(&r->gen_arena, fn, ud);
    polJ_arena_funcs(&r->gen_arena, &r->gen_funcs);
    pol_status st = polJ_table_fields(program, fn, ud, &r->fields);
    if (st == POL_OK) {
        /* the generator and its buffer header: about 600 bytes in yajl 2.1; with the print callback it
         * allocates nothing more */
        r->gen = polJ_arena_reserve(&r->gen_arena, GENERATOR_BYTES) ? yajl_gen_alloc(&r->gen_funcs) : NULL;
        if (r->gen == NULL || !yajl_gen_config(r->gen, yajl_gen_print_callback, print_to_out, (void *)r) ||
            !yajl_gen_config(r->gen, yajl_gen_validate_utf8, 1))
            st = POL_ERR_NOMEM;
        r->gen_validates = 1;
    }
    if (st == POL_OK) st = polJ_pieces_make(r);
    if (st == POL_OK) st = polJ_fast_new(r);
    if (st != POL_OK) {
        pol_json_reader_free(r);
        return st;
    }
    *out = r;
    return POL_OK;
}

void pol_json_reader_free(pol_json_reader *r) {
    if (r == NULL) return;
    pol_alloc_fn fn = r->fn;
    void *ud = r->ud;
    polJ_fast_free(r);
    if (r->gen != NULL) yajl_gen_free(r->gen);
    polJ_arena_free(&r->gen_arena);
    polJ_table_free(r->fields, fn, ud);
    polJ_arena_free(&r->arena);
    pol_json_buffer_free(&r->scratch);
    pol_json_buffer_free(&r->id);
    pol_json_buffer_free(&r->message);
    if (r->c_locale != (locale_t)0) freelocale(r->c_locale);
    if (r->frames != NULL) fn(ud, r->frames, r->frames_capacity * sizeof *r->frames, 0);
    polJ_pieces_free(r);
    fn(ud, r, sizeof *r, 0);
}
