/* quicken.h: the superinstructions libpol makes when it loads a program. They are not part of the instruction
 * set of .pbc files (runtime/core/opcodes.h): a file holds, and the verifier, the listing, the trace and poldiff
 * see, only the plain instructions. After a program is verified, the loader copies its code and replaces the
 * first instruction of each frequent sequence by the superinstruction that does the whole sequence in one
 * dispatch; the other instructions of the sequence stay where they were, so every address, jump target and
 * source-map entry is unchanged and a jump into the middle of a sequence runs the plain instructions from
 * there. pol_evaluate runs the quickened copy; a traced evaluation (pol_context_set_trace) runs the plain code,
 * instruction by instruction, and test_vm checks that the two decide alike.
 *
 * POLX_QUICK_OPCODES(X) calls X(name, the sequence it replaces, meaning) once per superinstruction; their
 * numbers follow the file's opcodes (POL_OP__COUNT, ...). */
#ifndef POLX_QUICKEN_H
#define POLX_QUICKEN_H

#include "opcodes.h"
#include "program.h"

#define POLX_QUICK_OPCODES(X)                                                                                  \
    X(FIELD_TESTK, "FIELD; TESTK",                                                                             \
      "compare record field b (not a list) with the TESTK's constant and branch as the TESTK says")            \
    X(ELEM_TESTK, "ELEM; TESTK", "compare field b of loop a's current element with the TESTK's constant and branch") \
    X(FIELD_SWITCH, "FIELD; SWITCH", "jump where the SWITCH's table says for record field b (not a list)")     \
    X(ROUTED_ATTR_OUTSET, "ROUTED; ATTR; OUTSET",                                                              \
      "the OUTSET's output becomes the ATTR's attribute of the routed entity (null when nothing is routed)")   \
    X(LOAD_OUTSET, "LOAD; OUTSET", "the OUTSET's output becomes local a")                                     \
    X(LOOP_NEXT, "LOOP (to its NEXT)", "run the NEXT at b, without dispatching to it")

typedef enum polX_quick_opcode {
    POLX_QUICK__FIRST = POL_OP__COUNT - 1,
#define POLX_X_QUICK(name, sequence, meaning) POLX_Q_##name,
    POLX_QUICK_OPCODES(POLX_X_QUICK)
#undef POLX_X_QUICK
        POLX_QUICK__END /* one past the last superinstruction */
} polX_quick_opcode;

_Static_assert(POLX_QUICK__END <= 256, "an opcode is one byte");

typedef struct polX_quick_info {
    const char *name, *sequence, *meaning;
} polX_quick_info;

/* indexed by opcode - POL_OP__COUNT */
extern const polX_quick_info polX_quick_info_of[POLX_QUICK__END - POL_OP__COUNT];

/* Write into quick (p->ncode instructions) the code of p, verified, with its sequences fused;
 * list_of_field[f] is POL_NONE for a field that is not a list. Returns how many sequences were fused. */
uint32_t polX_quicken(const polP_program *p, const uint32_t *list_of_field, polP_instr *quick);

#endif
