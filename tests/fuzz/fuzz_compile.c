/* fuzz_compile.c: libFuzzer target: .pol source bytes → scanner, parser, checker, code generator, verifier.
 *
 * Any source may be refused with diagnostics; none may crash, hang or leak, and a policy that compiles must
 * give code that the verifier accepts and that loads back through the public API. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "diag.h"
#include "emit.h"
#include "format.h"
#include "parse.h"
#include "pol.h"
#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink; /* diagnostics are formatted (that code is fuzzed too) but thrown away */
    if (!sink && !(sink = fopen("/dev/null", "w")))
        abort();
    /* the compiler reads a NUL-terminated copy of the file, as polc does */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';

    diag_ctx *diag = diag_new("fuzz.pol", text, size, sink);
    ast_tree *tree = parse_source("fuzz.pol", text, size, diag);
    check_result *checked = tree && diag_error_count(diag) == 0 ? check_tree(tree, diag, text, size) : NULL;
    if (checked && diag_error_count(diag) == 0) {
        uint8_t sha[32];
        polF_source_digest(text, size, sha);
        polP_program *program = emit_program(checked, sha);
        char reason[256];
        if (polV_verify(program, reason, sizeof reason) != POL_OK) {
            fprintf(stderr, "fuzz_compile: generated code fails verification: %s\n", reason);
            abort();
        }
        uint8_t *bytes = NULL;
        size_t len = 0;
        if (polF_dump(program, &bytes, &len) == 0) {
            pol_program *loaded = NULL;
            pol_status s = pol_program_load(bytes, len, NULL, &loaded, reason, sizeof reason);
            if (s != POL_OK && s != POL_ERR_NOMEM) {
                fprintf(stderr, "fuzz_compile: compiled program does not load: %s\n", reason);
                abort();
            }
            pol_program_free(loaded);
        }
        free(bytes);
    }
    check_free(checked);
    ast_tree_free(tree);
    diag_free(diag);
    free(text);
    return 0;
}
