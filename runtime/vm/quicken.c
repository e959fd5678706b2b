/* quicken.c: the loader's superinstructions (quicken.h): which sequences of verified code are fused. */
#include <string.h>

#include "quicken.h"

const polX_quick_info polX_quick_info_of[POLX_QUICK__END - POL_OP__COUNT] = {
#define POLX_X_QUICK(name, sequence, meaning) {#name, sequence, meaning},
    POLX_QUICK_OPCODES(POLX_X_QUICK)
#undef POLX_X_QUICK
};

static int is(const polP_program *p, uint32_t at, uint8_t op) { return at < p->ncode && p->code[at].op == op; }

/* The superinstruction that starts at address i, or POL_OP_NOP when none does. Only the first instruction is
 * replaced and it keeps its operands; the superinstruction reads the others from the instructions after it. */
static uint8_t fused_at(const polP_program *p, const uint32_t *list_of_field, uint32_t i)
{
    const polP_instr *in = &p->code[i];
    switch (in->op) {
    case POL_OP_FIELD:
        if (list_of_field[in->b] != POL_NONE) /* a list field pushes the list, which a test does not take */
            return POL_OP_NOP;
        if (is(p, i + 1, POL_OP_TESTK))
            return POLX_Q_FIELD_TESTK;
        if (is(p, i + 1, POL_OP_SWITCH))
            return POLX_Q_FIELD_SWITCH;
        return POL_OP_NOP;
    case POL_OP_ELEM:
        return is(p, i + 1, POL_OP_TESTK) ? POLX_Q_ELEM_TESTK : POL_OP_NOP;
    case POL_OP_LOAD:
        return is(p, i + 1, POL_OP_OUTSET) ? POLX_Q_LOAD_OUTSET : POL_OP_NOP;
    case POL_OP_LOOP: /* the verifier proved its target is a NEXT */
        return POLX_Q_LOOP_NEXT;
    case POL_OP_ROUTED:
        return is(p, i + 1, POL_OP_ATTR) && is(p, i + 2, POL_OP_OUTSET) ? POLX_Q_ROUTED_ATTR_OUTSET : POL_OP_NOP;
    default:
        return POL_OP_NOP;
    }
}

uint32_t polX_quicken(const polP_program *p, const uint32_t *list_of_field, polP_instr *quick)
{
    uint32_t fused = 0;
    if (p->ncode)
        memcpy(quick, p->code, (size_t)p->ncode * sizeof *quick);
    for (uint32_t i = 0; i < p->ncode; i++) {
        uint8_t op = fused_at(p, list_of_field, i);
        if (op != POL_OP_NOP) {
            quick[i].op = op;
            fused++;
        }
    }
    return fused;
}
