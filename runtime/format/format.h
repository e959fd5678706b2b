/* format.h: the .pbc file format: a polP_program written as bytes and read back (layout in doc/bytecode.md).
 *
 *     +----------------------------+  offset 0
 *     | magic  89 'P' 'O' 'L' 0D 0A 1A 0A   (8)   catches text-mode mangling and non-pbc files
 *     | format version  u32        |  8     POL_FORMAT_VERSION
 *     | flags           u32        |  12    0
 *     | total size      u64        |  16    the whole file, header included
 *     | SHA-256         32 bytes   |  24    of every byte after this field (56 .. total size)
 *     +----------------------------+  56
 *     | section: tag[4] u32 length payload[length]   x 13, in the order of POLF_SECTIONS
 *     +----------------------------+
 *
 * All integers little-endian and fixed width, doubles as their IEEE-754 bits, strings as u32 length + UTF-8.
 */
#ifndef POL_FORMAT_H
#define POL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "pol.h"
#include "program.h"

#define POLF_MAGIC "\x89POL\r\n\x1a\n"
#define POLF_MAGIC_SIZE 8
#define POLF_VERSION_OFFSET 8
#define POLF_FLAGS_OFFSET 12
#define POLF_SIZE_OFFSET 16
#define POLF_DIGEST_OFFSET 24
#define POLF_DIGEST_SIZE 32
#define POLF_HEADER_SIZE 56

/* LOCAL operands are one byte, so no program has more locals than this. */
#define POLF_MAX_LOCALS 256

/* The sections, in file order: X(tag, what it holds) */
#define POLF_SECTIONS(X)                                                                                       \
    X(META, "header facts")                                                                                    \
    X(STRS, "strings")                                                                                         \
    X(ENUM, "enumerations")                                                                                    \
    X(RECS, "record types")                                                                                    \
    X(ETYP, "entity types")                                                                                    \
    X(ENTS, "entities")                                                                                        \
    X(CNST, "constants")                                                                                       \
    X(RULE, "rules")                                                                                           \
    X(OUTP, "outputs")                                                                                         \
    X(TABL, "jump tables")                                                                                     \
    X(SETS, "enum sets")                                                                                       \
    X(CODE, "instructions")                                                                                    \
    X(SMAP, "source map")

typedef enum polF_section {
#define POLF_X_SECTION(tag, what) POLF_SEC_##tag,
    POLF_SECTIONS(POLF_X_SECTION)
#undef POLF_X_SECTION
        POLF_SEC__COUNT
} polF_section;

/* Serialise p into a malloc'd buffer (the compiler's side). Deterministic: the bytes depend only on the
 * meaningful contents of p (padding and unused operands of types/constants are written as fixed values).
 * Returns 0 on success, -1 when out of memory or a section would exceed 4 GiB. */
int polF_dump(const polP_program *p, uint8_t **out, size_t *outlen);

/* Parse and validate n bytes into a program allocated only through alloc (a few blocks; NULL: the C library's
 * realloc/free, as in pol_config). On success *out is
 * the program (free it with polF_free); on failure *out is NULL and err (when not NULL) holds a one-line
 * reason. Returns POL_ERR_FORMAT, POL_ERR_VERSION, POL_ERR_DIGEST, POL_ERR_NOMEM or POL_ERR_ARGUMENT on
 * failure. Every table index and length is checked (doc/bytecode.md, "What the reader checks"); the code
 * itself is left to polV_verify. */
pol_status polF_undump(const uint8_t *bytes, size_t n, pol_alloc_fn alloc, void *ud, polP_program **out,
                       char *err, size_t errlen);

/* Free a program made by polF_undump (never one built any other way) with the same alloc and ud. NULL is
 * ignored. */
void polF_free(polP_program *p, pol_alloc_fn alloc, void *ud);

/* SHA-256 of a policy's source text, for the META section. Returns 0. */
int polF_source_digest(const char *text, size_t len, uint8_t out[32]);

#endif
