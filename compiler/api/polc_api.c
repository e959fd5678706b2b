/* polc_api.c: polc_compile: parse, check, generate, verify and serialise one source held in memory. */
#include "polc_api.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "diag.h"
#include "emit.h"
#include "format.h"
#include "parse.h"
#include "verify.h"

static void refuse(polc_result *out, polc_status status, const char *reason)
{
    out->status = status;
    snprintf(out->reason, sizeof out->reason, "%s", reason);
}

/* diag's sink: keep each diagnostic */
static void keep_diagnostic(void *ud, diag_level level, int line, int column, int end_column, const char *message)
{
    polc_result *out = ud;
    if (out->status == POLC_NOMEM)
        return;
    polc_diagnostic *grown = realloc(out->diagnostics, (out->ndiagnostics + 1) * sizeof *grown);
    char *copy = strdup(message);
    if (!grown || !copy) {
        if (grown)
            out->diagnostics = grown;
        free(copy);
        refuse(out, POLC_NOMEM, "out of memory while keeping the diagnostics");
        return;
    }
    out->diagnostics = grown;
    out->diagnostics[out->ndiagnostics++] = (polc_diagnostic){(polc_level)level, line, column, end_column, copy};
}

/* parse → check → emit → verify → dump; the diagnostics go to diag */
static void run_pipeline(const char *name, const char *source, size_t len, diag_ctx *diag, polc_result *out)
{
    ast_tree *tree = parse_source(name, source, len, diag);
    check_result *checked = tree ? check_tree(tree, diag, source, len) : NULL;
    if (!tree || !checked || diag_error_count(diag) > 0) {
        if (out->status == POLC_OK)
            out->status = POLC_ERRORS;
    } else {
        uint8_t sha[32];
        polF_source_digest(source, len, sha);
        polP_program *program = emit_program(checked, sha);
        char reason[128];
        /* what the runtime will refuse must never leave the compiler */
        if (!program) {
            refuse(out, POLC_NOMEM, "out of memory while generating code");
        } else if (polV_verify(program, reason, sizeof reason) != POL_OK) {
            out->status = POLC_INTERNAL;
            snprintf(out->reason, sizeof out->reason, "internal error: the generated code fails verification: %s",
                     reason);
        } else if (polF_dump(program, &out->pbc, &out->pbc_size) != 0) {
            refuse(out, POLC_NOMEM, "out of memory while writing the bytecode");
        }
    }
    check_free(checked);
    ast_tree_free(tree);
}

polc_status polc_compile(const char *name, const char *source, size_t len, const polc_options *opt,
                         polc_result *out)
{
    static const polc_options defaults = {POLC_LANG_EN, 0, 0, 0, NULL};
    if (!opt)
        opt = &defaults;
    memset(out, 0, sizeof *out);
    if (!source && len) {
        refuse(out, POLC_REFUSED, "no source");
        return out->status;
    }
    if (opt->max_source_bytes && len > opt->max_source_bytes) {
        snprintf(out->reason, sizeof out->reason, "the source has %zu bytes, more than the %zu allowed", len,
                 opt->max_source_bytes);
        out->status = POLC_REFUSED;
        return out->status;
    }
    FILE *text = opt->print_to;
    if (!text && !(text = open_memstream(&out->text, &out->text_size))) {
        refuse(out, POLC_NOMEM, "out of memory");
        return out->status;
    }
    diag_ctx *diag = diag_new(name, source, len, text);
    if (!diag) {
        refuse(out, POLC_NOMEM, "out of memory");
    } else {
        diag_set_lang(diag, opt->lang == POLC_LANG_ZH ? DIAG_LANG_ZH : DIAG_LANG_EN);
        diag_set_werror(diag, opt->werror);
        diag_set_sink(diag, keep_diagnostic, out);
        if (opt->max_seconds > 0)
            diag_set_deadline(diag, opt->max_seconds);
        run_pipeline(name, source, len, diag, out);
        out->errors = diag_error_count(diag);
        out->warnings = diag_warning_count(diag);
        diag_free(diag);
    }
    if (!opt->print_to) {
        if (fclose(text) != 0 && out->status == POLC_OK)
            refuse(out, POLC_NOMEM, "out of memory");
    } else {
        out->text = strdup("");
    }
    if (out->status != POLC_OK) {
        free(out->pbc);
        out->pbc = NULL;
        out->pbc_size = 0;
    }
    return out->status;
}

void polc_result_free(polc_result *result)
{
    if (!result)
        return;
    for (size_t i = 0; i < result->ndiagnostics; i++)
        free(result->diagnostics[i].message);
    free(result->diagnostics);
    free(result->pbc);
    free(result->text);
    memset(result, 0, sizeof *result);
}
