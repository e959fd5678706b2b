/* polc.c: the compiler command: .pol source → checked → .pbc bytecode; also the listing and provenance check. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read_file.h"
#include "check.h"
#include "diag.h"
#include "disasm.h"
#include "emit.h"
#include "format.h"
#include "parse.h"
#include "verify.h"
#include "fmt.h"
#include "ptest.h"
#include "polc_api.h"

static const char usage[] =
    "usage: polc SRC.pol -o OUT.pbc     compile a policy\n"
    "       polc --check SRC.pol        check a policy, write nothing\n"
    "       polc --ast SRC.pol          print the syntax tree\n"
    "       polc --dis FILE.pbc         print the listing of a compiled policy\n"
    "       polc --verify SRC.pol FILE.pbc\n"
    "                                   say whether FILE was compiled from SRC\n"
    "       polc fmt [-w | --check] SRC.pol...\n"
    "                                   print (-w: rewrite, --check: test) the canonical layout\n"
    "       polc test SRC.pol [CASES.poltest]\n"
    "                                   run the policy's test cases (default SRC.poltest)\n"
    "       polc --same-code A.pbc B.pbc\n"
    "                                   same code, source hash, lines and rule texts aside?\n"
    "       polc --version | --help\n"
    "options: --werror     report warnings as errors (exit 1)\n"
    "         --lang zh|en messages in Chinese or English (default: from LC_ALL, LC_MESSAGES, LANG)\n"
    "exit status: 0 ok, 1 errors in the policy (or --verify: not built from it), 2 usage or I/O error\n";

/* How diagnostics are given (--lang, --werror), for every compilation of this run */
static struct {
    diag_lang lang;
    int werror;
} diag_options;

/* Compile a source file into .pbc bytes (malloc'd), or with dump_ast print its syntax tree instead. Returns 0, 1
 * (policy errors, reported on stderr) or 2 (I/O, or an internal error). */
static int compile(const char *path, int dump_ast, uint8_t **out, size_t *outlen)
{
    size_t len;
    char *text = read_whole_file(path, &len);
    if (!text) {
        fprintf(stderr, "polc: %s: %s\n", path, strerror(errno));
        return 2;
    }
    int status = 0;
    if (dump_ast) {
        diag_ctx *diag = diag_new(path, text, len, stderr);
        diag_set_lang(diag, diag_options.lang);
        ast_tree *tree = parse_source(path, text, len, diag);
        for (int i = 0; tree && i < tree->decls.n; i++) {
            ast_dump(tree->decls.items[i], stdout);
            putchar('\n');
        }
        status = !tree || diag_error_count(diag) > 0;
        ast_tree_free(tree);
        diag_free(diag);
        free(text);
        return status;
    }
    polc_options opt = {diag_options.lang == DIAG_LANG_ZH ? POLC_LANG_ZH : POLC_LANG_EN, diag_options.werror, 0, 0,
                        stderr};
    polc_result result;
    switch (polc_compile(path, text, len, &opt, &result)) {
    case POLC_OK:
        if (out) {
            *out = result.pbc;
            *outlen = result.pbc_size;
            result.pbc = NULL;
        }
        break;
    case POLC_ERRORS:
        status = 1;
        break;
    default:
        fprintf(stderr, "polc: %s\n", result.reason);
        status = 2;
        break;
    }
    polc_result_free(&result);
    free(text);
    return status;
}

static int write_file(const char *path, const uint8_t *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "polc: %s: %s\n", path, strerror(errno));
        return 2;
    }
    return 0;
}

static int listing(const char *path)
{
    size_t len;
    char *bytes = read_whole_file(path, &len);
    if (!bytes) {
        fprintf(stderr, "polc: %s: %s\n", path, strerror(errno));
        return 2;
    }
    polP_program *program = NULL;
    char reason[256];
    pol_status s = polF_undump((const uint8_t *)bytes, len, NULL, NULL, &program, reason, sizeof reason);
    if (s == POL_OK)
        s = polV_verify(program, reason, sizeof reason);
    if (s != POL_OK) {
        fprintf(stderr, "polc: %s: %s\n", path, reason);
        polF_free(program, NULL, NULL);
        free(bytes);
        return 2;
    }
    polD_listing(program, stdout);
    polF_free(program, NULL, NULL);
    free(bytes);
    return 0;
}

/* Was FILE compiled from SRC by this compiler? Recompile and compare the bytes. */
static int verify_build(const char *src, const char *pbc)
{
    uint8_t *fresh = NULL;
    size_t fresh_len = 0, len;
    int status = compile(src, 0, &fresh, &fresh_len);
    if (status)
        return status == 1 ? 1 : 2;
    char *bytes = read_whole_file(pbc, &len);
    if (!bytes) {
        fprintf(stderr, "polc: %s: %s\n", pbc, strerror(errno));
        free(fresh);
        return 2;
    }
    int same = len == fresh_len && memcmp(bytes, fresh, len) == 0;
    printf("%s: %s %s\n", pbc, same ? "was built from" : "was NOT built from", src);
    free(bytes);
    free(fresh);
    return same ? 0 : 1;
}

/* --lang and --werror for the diagnostics of polc fmt and polc test */
static void apply_diag_options(diag_ctx *diag)
{
    diag_set_lang(diag, diag_options.lang);
    diag_set_werror(diag, diag_options.werror);
}

int main(int argc, char **argv)
{
    /* --werror and --lang apply to every mode: take them out of argv first */
    diag_options.lang = diag_lang_from_env();
    int kept = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--werror") == 0)
            diag_options.werror = 1;
        else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc &&
                 (strcmp(argv[i + 1], "zh") == 0 || strcmp(argv[i + 1], "en") == 0))
            diag_options.lang = strcmp(argv[++i], "zh") == 0 ? DIAG_LANG_ZH : DIAG_LANG_EN;
        else
            argv[kept++] = argv[i];
    }
    argc = kept;
    if (argc >= 2 && strcmp(argv[1], "fmt") == 0)
        return fmt_command(argc - 1, argv + 1, apply_diag_options);
    if (argc >= 2 && strcmp(argv[1], "test") == 0)
        return ptest_command(argc - 1, argv + 1, apply_diag_options);
    if (argc == 4 && strcmp(argv[1], "--same-code") == 0)
        return fmt_same_code_command(argv[2], argv[3]);
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("polc %s (bytecode format %d)\n", POL_VERSION_STRING, POL_FORMAT_VERSION);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "--check") == 0)
        return compile(argv[2], 0, NULL, NULL);
    if (argc == 3 && strcmp(argv[1], "--ast") == 0)
        return compile(argv[2], 1, NULL, NULL);
    if (argc == 3 && strcmp(argv[1], "--dis") == 0)
        return listing(argv[2]);
    if (argc == 4 && strcmp(argv[1], "--verify") == 0)
        return verify_build(argv[2], argv[3]);
    const char *src = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] != '-' && !src)
            src = argv[i];
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (!src || !out) {
        fputs(usage, stderr);
        return 2;
    }
    uint8_t *bytes = NULL;
    size_t len = 0;
    int status = compile(src, 0, &bytes, &len);
    if (status == 0)
        status = write_file(out, bytes, len);
    free(bytes);
    return status;
}
