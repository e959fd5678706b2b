/* opcodes.c: the opcode facts table, generated from POL_OPCODES in opcodes.h. */
#include "opcodes.h"

const pol_opcode_info polO_info[POL_OP__COUNT] = {
#define POL_X_INFO(name, a, b, c, pops, pushes, meaning)                                                            \
    {#name, POL_OPND_##a, POL_OPND_##b, POL_OPND_##c, pops, pushes, meaning},
    POL_OPCODES(POL_X_INFO)
#undef POL_X_INFO
};

const char *const polO_operand_kind_name[POL_OPND__COUNT] = {
#define POL_X_NAME(name, text) text,
    POL_OPERAND_KINDS(POL_X_NAME)
#undef POL_X_NAME
};
