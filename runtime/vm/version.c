/* version.c: the library's version facts and the names of its statuses. */
#include "pol.h"

const char *pol_version(void) { return POL_VERSION_STRING; }

int pol_format_version(void) { return POL_FORMAT_VERSION; }

const char *pol_status_name(pol_status s)
{
    switch (s) {
    case POL_OK:
        return "ok";
    case POL_ERR_NOMEM:
        return "out of memory";
    case POL_ERR_IO:
        return "i/o error";
    case POL_ERR_FORMAT:
        return "format error";
    case POL_ERR_VERSION:
        return "unsupported version";
    case POL_ERR_DIGEST:
        return "digest mismatch";
    case POL_ERR_VERIFY:
        return "verification failed";
    case POL_ERR_BIND:
        return "bind error";
    case POL_ERR_LIMIT:
        return "limit exceeded";
    case POL_ERR_RUNTIME:
        return "runtime error";
    case POL_ERR_ARGUMENT:
        return "bad argument";
    }
    return "unknown status";
}
