/* ptest.h: polc test: the cases of FILE.poltest run through the VM against FILE.pol (doc/language.md, "Policy
 * tests"). */
#ifndef POL_PTEST_H
#define POL_PTEST_H

#include "diag.h"

/* polc test FILE.pol [FILE.poltest]: 0 every case passes, 1 some fail (or the policy does not compile),
 * 2 usage or I/O error. setup (may be NULL) applies polc's --lang/--werror to the policy's diagnostics. */
int ptest_command(int argc, char **argv, void (*setup)(diag_ctx *));

#endif
