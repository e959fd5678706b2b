/* emitter.h: the code generator's state and primitives, shared by its files (expressions, rules, routing). */
#ifndef POL_EMITTER_H
#define POL_EMITTER_H

#include "check.h"

typedef struct emitter {
    check_result *r;
    polP_program *p;
    uint32_t code_cap, consts_cap, tables_cap;
    strmap const_index; /* constant bytes → pool index */
    uint32_t line, rule; /* the source map entry for the next instructions */
    int depth, max_depth;
    uint32_t locals_used, locals_max; /* lets take the first slots for the whole evaluation */
    uint32_t *loop_local;             /* loop id → the local that holds its iterator */
} emitter;

/* Append an instruction; returns its address. Tracks the stack depth from the opcode table. */
uint32_t emit_op(emitter *e, pol_opcode op, uint32_t a, int32_t b);
/* Point the jump at address at to the next instruction */
void emit_patch_here(emitter *e, uint32_t at);
uint32_t emit_here(const emitter *e);
uint32_t emit_const(emitter *e, polP_const value);
uint32_t emit_table(emitter *e, uint32_t nentries);
uint32_t emit_local(emitter *e);
void emit_expr(emitter *e, const ast_node *n);
/* Start a loop over a list field or a range; returns the address of its NEXT (whose exit is patched later) */
uint32_t emit_loop_start(emitter *e, const ast_node *source, uint32_t loop);
void emit_routing(emitter *e);
/* Shorten jumps that land on jumps (peephole.c); run once all code is placed */
void emit_thread_jumps(emitter *e);

#endif
