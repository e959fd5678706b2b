/* command.c: `polc fmt [-w | --check] FILE...`: print, rewrite or check the canonical layout. Before anything is
 * printed or written, the result is checked: formatting it again changes nothing, and when the source compiles,
 * the result compiles to the same code (fmt_same_code). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_file.h"
#include "fmt.h"
#include "format.h"

static diag_ctx *new_diag(const char *path, const char *text, size_t len, FILE *to, void (*setup)(diag_ctx *))
{
    diag_ctx *d = diag_new(path, text, len, to);
    if (d && setup)
        setup(d);
    return d;
}

/* 0 when formatted is safe to use in place of text; else says why on stderr and returns 2 */
static int safe(const char *path, const char *text, size_t len, const char *formatted, size_t flen,
                void (*setup)(diag_ctx *))
{
    FILE *sink = fopen("/dev/null", "w");
    diag_ctx *d1 = new_diag(path, formatted, flen, sink ? sink : stderr, setup);
    char *again = NULL;
    size_t alen = 0;
    int status = fmt_source(path, formatted, flen, d1, &again, &alen);
    diag_free(d1);
    if (status != 0 || alen != flen || memcmp(again, formatted, flen) != 0) {
        fprintf(stderr, "polc fmt: internal error: %s: the layout is not stable (formatting twice differs)\n", path);
        free(again);
        if (sink)
            fclose(sink);
        return 2;
    }
    free(again);
    fmt_compiled before = {0}, after = {0};
    diag_ctx *d2 = new_diag(path, text, len, sink ? sink : stderr, setup);
    diag_ctx *d3 = new_diag(path, formatted, flen, sink ? sink : stderr, setup);
    int sb = fmt_compile(path, text, len, d2, &before);
    int sa = fmt_compile(path, formatted, flen, d3, &after);
    char why[256] = "";
    int ok = 1;
    if (sb == 0 && (sa != 0 || !fmt_same_code(before.program, after.program, why, sizeof why))) {
        fprintf(stderr, "polc fmt: internal error: %s: the formatted source does not compile to the same code (%s)\n",
                path, sa ? "it does not compile" : why);
        ok = 0;
    }
    fmt_compiled_free(&before);
    fmt_compiled_free(&after);
    diag_free(d2);
    diag_free(d3);
    if (sink)
        fclose(sink);
    return ok ? 0 : 2;
}

static int one(const char *path, int mode, void (*setup)(diag_ctx *))
{
    size_t len;
    char *text = read_whole_file(path, &len);
    if (!text) {
        fprintf(stderr, "polc: %s: %s\n", path, strerror(errno));
        return 2;
    }
    diag_ctx *diag = new_diag(path, text, len, stderr, setup);
    char *formatted = NULL;
    size_t flen = 0;
    int status = fmt_source(path, text, len, diag, &formatted, &flen);
    diag_free(diag);
    if (status == 0)
        status = safe(path, text, len, formatted, flen, setup);
    if (status == 0) {
        int same = flen == len && memcmp(formatted, text, len) == 0;
        if (mode == 'c') {
            if (!same) {
                printf("%s: not in canonical layout (run polc fmt -w %s)\n", path, path);
                status = 1;
            }
        } else if (mode == 'w') {
            if (!same) {
                FILE *f = fopen(path, "wb");
                if (!f || fwrite(formatted, 1, flen, f) != flen || fclose(f) != 0) {
                    fprintf(stderr, "polc: %s: %s\n", path, strerror(errno));
                    status = 2;
                }
            }
        } else {
            fwrite(formatted, 1, flen, stdout);
        }
    }
    free(formatted);
    free(text);
    return status;
}

int fmt_command(int argc, char **argv, void (*setup)(diag_ctx *))
{
    int mode = 'p', files = 0, worst = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-w") == 0)
            mode = 'w';
        else if (strcmp(argv[i], "--check") == 0)
            mode = 'c';
        else if (argv[i][0] == '-') {
            fputs("usage: polc fmt [-w | --check] FILE.pol...\n", stderr);
            return 2;
        }
    }
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue;
        files++;
        int s = one(argv[i], mode, setup);
        if (s > worst)
            worst = s;
    }
    if (!files) {
        fputs("usage: polc fmt [-w | --check] FILE.pol...\n", stderr);
        return 2;
    }
    return worst;
}

/* `polc --same-code A.pbc B.pbc`: 0 when the two compiled policies are the same code (provenance aside) */
int fmt_same_code_command(const char *a_path, const char *b_path)
{
    const char *paths[2] = {a_path, b_path};
    polP_program *programs[2] = {NULL, NULL};
    int status = 0;
    for (int i = 0; i < 2 && status == 0; i++) {
        size_t len;
        char *bytes = read_whole_file(paths[i], &len);
        char reason[256];
        if (!bytes) {
            fprintf(stderr, "polc: %s: %s\n", paths[i], strerror(errno));
            status = 2;
        } else if (polF_undump((const uint8_t *)bytes, len, NULL, NULL, &programs[i], reason, sizeof reason) != POL_OK) {
            fprintf(stderr, "polc: %s: %s\n", paths[i], reason);
            status = 2;
        }
        free(bytes);
    }
    if (status == 0) {
        char why[256] = "";
        int same = fmt_same_code(programs[0], programs[1], why, sizeof why);
        printf(same ? "%s and %s: the same code (source hash, lines and rule texts aside)\n"
                    : "%s and %s: different code: %s\n",
               a_path, b_path, why);
        status = same ? 0 : 1;
    }
    polF_free(programs[0], NULL, NULL);
    polF_free(programs[1], NULL, NULL);
    return status;
}
