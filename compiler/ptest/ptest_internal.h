/* ptest_internal.h: what polc test's files share. */
#ifndef POL_PTEST_INTERNAL_H
#define POL_PTEST_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "pol.h"

/* Run every case of a .poltest text (path names it in messages) against program; report to out.
 * 0 all pass, 1 some fail or the file is malformed, 2 out of memory. */
int ptest_run(const pol_program *program, const char *path, const char *text, size_t len, FILE *out);

#endif
