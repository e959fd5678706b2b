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
    /* aggregate.c's distinct count: while it emits the inner where, the range variable of loop subst_loop
     * reads as field subst_field of the list element of iterator local subst_local (UINT32_MAX: none) */
    uint32_t subst_loop, subst_local, subst_field;
} emitter;

/* A chain of jumps whose target is not known yet, linked through their b operands; EMIT_NO_JUMPS ends it */
#define EMIT_NO_JUMPS UINT32_MAX

/* Append an instruction; returns its address. Tracks the stack depth from the opcode table. */
uint32_t emit_op(emitter *e, pol_opcode op, uint32_t a, int32_t b);
/* Point the jump at address at to the next instruction */
void emit_patch_here(emitter *e, uint32_t at);
uint32_t emit_here(const emitter *e);
uint32_t emit_const(emitter *e, polP_const value);
/* Push a null, bool or int constant */
void emit_scalar(emitter *e, pol_type kind, int64_t value);
uint32_t emit_table(emitter *e, uint32_t nentries);
uint32_t emit_local(emitter *e);
void emit_expr(emitter *e, const ast_node *n);
/* Code that tests n (cond.c): jumps (added to *chain) when n is false or null, else falls through */
void emit_jump_if_false(emitter *e, const ast_node *n, uint32_t *chain);
/* ... jumps when n is true, else (false or null) falls through */
void emit_jump_if_true(emitter *e, const ast_node *n, uint32_t *chain);
/* Point every jump of chain at the next instruction */
void emit_patch_chain_here(emitter *e, uint32_t chain);
/* Lets computed only where a rule will read them (guard.c): the guards of every let, then one let's code */
typedef struct let_guard let_guard;
let_guard *emit_let_guards(emitter *e);
void emit_let(emitter *e, const ast_node *n, const let_guard *guards);
/* count / any / all / sum (aggregate.c) */
void emit_aggregate(emitter *e, const ast_node *n);
/* Start a loop over a list field or a range; returns the address of its NEXT (whose exit is patched later) */
uint32_t emit_loop_start(emitter *e, const ast_node *source, uint32_t loop);
void emit_routing(emitter *e);
/* Shorten jumps that land on jumps (peephole.c); run once all code is placed */
void emit_thread_jumps(emitter *e);

#endif
