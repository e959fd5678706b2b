/* verify.h: the load-time verifier: proves a program's code safe to run before the VM runs it. */
#ifndef POL_VERIFY_H
#define POL_VERIFY_H

#include <stddef.h>

#include "pol.h"
#include "program.h"

/* Limits of the verifier's own fixed working memory (it allocates nothing); a program beyond them is
 * refused with a reason naming the limit. */
#define POLV_MAX_PENDING 256 /* distinct forward jump targets waiting at any one address */
#define POLV_MAX_LOOPS 64    /* loops nested inside one another */

/* Check the code of p, whose tables are already consistent (polF_undump checks them, or the compiler built
 * them). POL_OK, or POL_ERR_VERIFY with a one-line reason in err naming the address, the opcode, the rule
 * and the property broken. The properties are listed in verify.c and doc/bytecode.md. */
pol_status polV_verify(const polP_program *p, char *err, size_t errlen);

#endif
