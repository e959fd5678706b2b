/* ptest.c: `polc test FILE.pol [FILE.poltest]`: compile the policy, run each case of the .poltest file through
 * the VM (records bound with pol_json) and report every failed expectation with the actual value and the
 * findings that fired (clause, kind, line, message). The file format is in doc/language.md ("Policy tests"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_file.h"
#include "fmt.h"
#include "format.h"
#include "pol.h"
#include "pol_json.h"
#include "ptest.h"
#include "ptest_internal.h"

/* Compile src and load it into the VM: 0, 1 (errors in the policy, reported) or 2 */
static int load(const char *src, void (*setup)(diag_ctx *), pol_program **out)
{
    size_t len;
    char *text = read_whole_file(src, &len);
    if (!text) {
        fprintf(stderr, "polc: %s: %s\n", src, strerror(errno));
        return 2;
    }
    diag_ctx *diag = diag_new(src, text, len, stderr);
    if (setup)
        setup(diag);
    fmt_compiled compiled;
    int status = fmt_compile(src, text, len, diag, &compiled);
    uint8_t *bytes = NULL;
    size_t nbytes = 0;
    if (status == 0 && polF_dump(compiled.program, &bytes, &nbytes) != 0)
        status = 2;
    fmt_compiled_free(&compiled);
    diag_free(diag);
    free(text);
    if (status == 0) {
        char err[256];
        if (pol_program_load(bytes, nbytes, NULL, out, err, sizeof err) != POL_OK) {
            fprintf(stderr, "polc: %s: %s\n", src, err);
            status = 2;
        }
    }
    free(bytes);
    return status;
}

int ptest_command(int argc, char **argv, void (*setup)(diag_ctx *))
{
    if (argc < 2 || argc > 3) {
        fputs("usage: polc test SRC.pol [CASES.poltest]\n", stderr);
        return 2;
    }
    const char *src = argv[1];
    char *cases_path = NULL;
    if (argc == 3) {
        cases_path = strdup(argv[2]);
    } else {
        size_t n = strlen(src);
        if (n > 4 && strcmp(src + n - 4, ".pol") == 0)
            n -= 4;
        cases_path = malloc(n + 9);
        if (cases_path)
            snprintf(cases_path, n + 9, "%.*s.poltest", (int)n, src);
    }
    if (!cases_path)
        return 2;
    size_t len;
    char *cases = read_whole_file(cases_path, &len);
    if (!cases) {
        fprintf(stderr, "polc: %s: %s\n", cases_path, strerror(errno));
        free(cases_path);
        return 2;
    }
    pol_program *program = NULL;
    int status = load(src, setup, &program);
    if (status == 0)
        status = ptest_run(program, cases_path, cases, len, stdout);
    pol_program_free(program);
    free(cases);
    free(cases_path);
    return status;
}
