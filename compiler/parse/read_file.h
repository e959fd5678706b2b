/* read_file.h: a whole file into memory (a .pol source or a .pbc), binary-safe, for the compiler's commands. */
#ifndef POL_READ_FILE_H
#define POL_READ_FILE_H

#include <stddef.h>

/* The file's bytes, NUL-terminated (the NUL is not counted in *len); NULL with errno set on failure.
 * Free with free(). */
char *read_whole_file(const char *path, size_t *len);

#endif
