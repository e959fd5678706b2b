/* opcode_reference.h: the instruction-set reference (doc/opcodes.md), written from the opcode table. */
#ifndef POL_OPCODE_REFERENCE_H
#define POL_OPCODE_REFERENCE_H

#include <stdio.h>

/* Write the reference as Markdown to out: the instruction layout, the operand kinds, then one table row per
 * opcode (number, name, operand kinds, stack effect, meaning). The text depends only on runtime/core/opcodes.h,
 * so the committed doc/opcodes.md can be compared with it byte for byte. */
void polD_opcode_reference(FILE *out);

#endif
