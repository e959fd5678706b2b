/* vm_builder.h: what the VM's tests add to program_builder.h: a builder on the heap that the loaded program
 * frees (vb_release is a polX_release_fn), enum values and sets named by text, fields with flags; and loading
 * a built program through the VM's internal constructor, then reading it (cmocka asserts). Include cmocka's
 * prerequisites and cmocka.h first. */
#ifndef VM_BUILDER_H
#define VM_BUILDER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pol.h"
#include "program.h"
#include "program_builder.h"
#include "vm.h"

typedef pb vb; /* b->p is the program, first in the struct: vb_release finds the builder from it */

enum { VB_REQUIRED = 1, VB_NULLABLE = 2 };

/* A new program: record 0 the applicant with no fields yet, room for 16 stack values. */
static inline vb *vb_new(const char *name)
{
    vb *b = malloc(sizeof *b);
    if (!b)
        abort();
    pb_init(b);
    b->p.name = pb_str(b, name);
    b->p.policy_version = pb_str(b, "2024.1");
    b->p.compiler_version = pb_str(b, "polc-test");
    for (int i = 0; i < 32; i++)
        b->p.source_sha256[i] = (uint8_t)i;
    b->p.max_stack = 16;
    b->line = 1;
    return b;
}

/* Frees a program made by vb_new (a polX_release_fn). */
static inline void vb_release(polP_program *p, pol_alloc_fn alloc, void *ud)
{
    (void)alloc;
    (void)ud;
    pb_free((vb *)(void *)p);
    free(p);
}

static inline uint32_t vb_enum_value(const vb *b, uint32_t e, const char *value)
{
    for (uint32_t v = 0; v < b->p.enums[e].nvalues; v++)
        if (strcmp(b->p.strings[b->p.enums[e].values[v]].bytes, value) == 0)
            return v;
    abort();
}

static inline polP_const vk_enum(const vb *b, uint32_t e, const char *value)
{
    return pb_enumval(e, vb_enum_value(b, e, value));
}

/* A set of values of enum e, named and separated by spaces. */
static inline uint32_t vb_set(vb *b, uint32_t e, const char *values)
{
    uint32_t idx[256], n = 0;
    char *copy = strdup(values);
    for (char *save = NULL, *v = strtok_r(copy, " ", &save); v && n < 256; v = strtok_r(NULL, " ", &save))
        idx[n++] = vb_enum_value(b, e, v);
    free(copy);
    return pb_set(b, e, n, idx);
}

/* A field: flags VB_REQUIRED and VB_NULLABLE; def of kind NULL for none. */
static inline uint32_t vb_field(vb *b, uint32_t record, const char *name, pol_type kind, uint32_t ref, int flags,
                                polP_const def)
{
    polP_type t = pb_type((uint8_t)kind, ref);
    if (flags & VB_NULLABLE)
        t = pb_opt(t);
    uint32_t f = pb_field(b, record, name, t, 0);
    if (def.kind != POL_T_NULL)
        pb_default(b, record, f, def);
    b->p.records[record].fields[f].required = (flags & VB_REQUIRED) != 0;
    return f;
}

/* A jump table of n entries, every one going to dflt until set. */
static inline uint32_t vb_table(vb *b, uint32_t n, uint32_t dflt)
{
    uint32_t t = pb_table(b, n);
    pb_table_default(b, t, dflt);
    for (uint32_t i = 0; i < n; i++)
        pb_table_entry(b, t, i, dflt);
    return t;
}

/* Push a new constant. */
static inline uint32_t vb_push(vb *b, polP_const c) { return pb_emit(b, POL_OP_CONST, 0, (int32_t)pb_const(b, c)); }

static inline uint32_t vb_here(const vb *b) { return b->p.ncode; }

/* ---- loading and reading ---- */

/* Load a built program through the VM's internal constructor (what pol_program_load calls after verifying). */
static inline pol_program *vt_adopt(vb *b, const pol_config *cfg)
{
    pol_program *prog = NULL;
    char err[256] = "";
    pol_status st = polX_program_adopt(&b->p, cfg, vb_release, &prog, err, sizeof err);
    if (st != POL_OK)
        fail_msg("adopt: %s (%s)", err, pol_status_name(st));
    return prog;
}

static inline pol_context *vt_context(const pol_program *prog)
{
    pol_context *ctx = NULL;
    assert_int_equal(pol_context_new(prog, &ctx), POL_OK);
    assert_non_null(ctx);
    return ctx;
}

static inline int vt_slot(const pol_program *prog, const char *name)
{
    int slot = pol_field_slot(prog, name, strlen(name));
    if (slot < 0)
        fail_msg("no field %s", name);
    return slot;
}

static inline int vt_elem(const pol_program *prog, const char *list, const char *name)
{
    int slot = pol_element_slot(prog, vt_slot(prog, list), name, strlen(name));
    if (slot < 0)
        fail_msg("no field %s.%s", list, name);
    return slot;
}

static inline pol_value vt_output(const pol_context *ctx, const char *name)
{
    pol_value v;
    int i = pol_output_index(ctx->prog, name, strlen(name));
    if (i < 0)
        fail_msg("no output %s", name);
    assert_int_equal(pol_output(ctx, i, &v), POL_OK);
    return v;
}

/* assert that v is the string s */
#define assert_text(v, s)                                                                                            \
    do {                                                                                                             \
        pol_value v_ = (v);                                                                                          \
        assert_non_null(v_.string);                                                                                  \
        assert_int_equal(v_.length, strlen(s));                                                                      \
        assert_memory_equal(v_.string, (s), strlen(s));                                                              \
    } while (0)

#endif
