/* load.c: pol_program_load: undump the bytes, verify the code, then adopt the program (derived tables). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "verify.h"
#include "vm.h"

pol_status pol_program_load(const void *bytes, size_t size, const pol_config *config, pol_program **out, char *err,
                            size_t errlen)
{
    void *ud;
    pol_alloc_fn alloc = polX_config_alloc(config, &ud);
    polP_program *p = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (!out || (!bytes && size)) {
        polX_reason(err, errlen, "no bytes or no place for the program");
        return POL_ERR_ARGUMENT;
    }
    *out = NULL;
    pol_status st = polF_undump(bytes, size, alloc, ud, &p, err, errlen);
    if (st != POL_OK)
        return st;
    if ((st = polV_verify(p, err, errlen)) == POL_OK)
        st = polX_program_adopt(p, config, polF_free, out, err, errlen);
    if (st != POL_OK) {
        polF_free(p, alloc, ud);
        return st;
    }
    /* polF_undump checked this digest against the contents, so it names exactly these bytes */
    memcpy((*out)->digest, (const uint8_t *)bytes + POLF_DIGEST_OFFSET, POLF_DIGEST_SIZE);
    return POL_OK;
}

pol_status pol_program_load_file(const char *path, const pol_config *config, pol_program **out, char *err,
                                 size_t errlen)
{
    void *ud;
    pol_alloc_fn alloc = polX_config_alloc(config, &ud);
    if (!out || !path) {
        polX_reason(err, errlen, "no path or no place for the program");
        return POL_ERR_ARGUMENT;
    }
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        char why[128] = "cannot open";
        strerror_r(errno, why, sizeof why);
        polX_reason(err, errlen, "%s: %s", path, why);
        return POL_ERR_IO;
    }
    size_t size = 0, cap = 0;
    uint8_t *buf = NULL;
    pol_status st = POL_OK;
    for (;;) {
        if (size == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            uint8_t *nbuf = alloc(ud, buf, cap, ncap);
            if (!nbuf) {
                polX_reason(err, errlen, "%s: out of memory", path);
                st = POL_ERR_NOMEM;
                break;
            }
            buf = nbuf;
            cap = ncap;
        }
        size_t got = fread(buf + size, 1, cap - size, f);
        size += got;
        if (got == 0) {
            if (ferror(f)) {
                polX_reason(err, errlen, "%s: read error", path);
                st = POL_ERR_IO;
            }
            break;
        }
    }
    fclose(f);
    if (st == POL_OK)
        st = pol_program_load(buf, size, config, out, err, errlen);
    if (buf)
        alloc(ud, buf, cap, 0);
    return st;
}
