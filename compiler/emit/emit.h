/* emit.h: the code generator: a checked program becomes bytecode (constant pool, code, source map, jump tables),
 * completing the polP_program the checker laid out. */
#ifndef POL_EMIT_H
#define POL_EMIT_H

#include "check.h"

/* Fill r->prog's code and pools; the program stays owned by the syntax tree's arena. r must have no errors. */
polP_program *emit_program(check_result *r, const uint8_t source_sha256[32]);

#endif
