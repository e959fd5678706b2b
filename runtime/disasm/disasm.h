/* disasm.h: the auditor's listing of a program: header, schema, entities, and the code EXPLAIN-style. */
#ifndef POL_DISASM_H
#define POL_DISASM_H

#include <stdio.h>

#include "program.h"

/* Write the listing of p to out. The text depends only on the program (no pointers, no clock), so listings
 * can be diffed between versions of a policy. Indexes that do not resolve are printed as such rather than
 * trusted, so an unverified program can be listed too. */
void polD_listing(const polP_program *p, FILE *out);

#endif
