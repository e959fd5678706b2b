/* diag.h: compiler diagnostics: `file:line:col: error: message`, the source line, and a caret line under the
 * span (CJK and other wide characters count as two columns). Errors are counted, never fatal. */
#ifndef POL_DIAG_H
#define POL_DIAG_H

#include <stdarg.h>
#include <stdio.h>

#include "ast.h"

typedef enum diag_level { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_level;

typedef struct diag_ctx diag_ctx;

/* path is what messages call the file; text (len bytes, need not be NUL-terminated) is kept by reference. */
diag_ctx *diag_new(const char *path, const char *text, size_t len, FILE *out);
void diag_free(diag_ctx *d);

/* Report at a span; printf-style message. NOTE lines attach to the previous error or warning. */
void diag_report(diag_ctx *d, diag_level level, ast_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_vreport(diag_ctx *d, diag_level level, ast_loc loc, const char *fmt, va_list ap);
#define diag_error(d, loc, ...) diag_report((d), DIAG_ERROR, (loc), __VA_ARGS__)
#define diag_warning(d, loc, ...) diag_report((d), DIAG_WARNING, (loc), __VA_ARGS__)
#define diag_note(d, loc, ...) diag_report((d), DIAG_NOTE, (loc), __VA_ARGS__)

/* Messages in English (the default) or Chinese; the format strings passed to diag_report are English and are
 * looked up in the catalogue (catalog.c) when the language is Chinese. */
typedef enum diag_lang { DIAG_LANG_EN, DIAG_LANG_ZH } diag_lang;
void diag_set_lang(diag_ctx *d, diag_lang lang);
diag_lang diag_get_lang(const diag_ctx *d);
/* The language the environment asks for: the first set of LC_ALL, LC_MESSAGES, LANG; zh* means Chinese. */
diag_lang diag_lang_from_env(void);
/* The Chinese of an English message or fragment (when the language is Chinese and the catalogue has it) */
const char *diag_tr(const diag_ctx *d, const char *english);
const char *diag_catalog_lookup(const char *english); /* NULL when absent */
size_t diag_catalog_size(void);                                   /* for tests: the entries */
void diag_catalog_entry(size_t i, const char **en, const char **zh);
/* Bison's "syntax error, unexpected X, expecting A or B" in the diagnostics' language, into buf */
const char *diag_syntax_text(const diag_ctx *d, const char *bison_message, char *buf, size_t size);
/* Token names as bison lists them ("`->` or identifier"; len bytes) in the diagnostics' language, into buf */
const char *diag_token_list(const diag_ctx *d, const char *list, size_t len, char *buf, size_t size);
/* Report warnings as errors (`--werror`) */
void diag_set_werror(diag_ctx *d, int on);

/* Each report also goes to a sink when one is set (the compiler's library interface): the level, the line, the
 * display columns of the underline (1-based, end exclusive; 0 without a line) and the message as printed. */
typedef void (*diag_sink_fn)(void *ud, diag_level level, int line, int column, int end_column, const char *message);
void diag_set_sink(diag_ctx *d, diag_sink_fn fn, void *ud);

/* A time budget for the whole compilation (polserve's /try compiles what anyone pastes): once set, the checker's
 * long loops ask diag_out_of_time, which reports one error when the budget is spent and from then on says 1. */
void diag_set_deadline(diag_ctx *d, double seconds);
int diag_out_of_time(diag_ctx *d);

int diag_error_count(const diag_ctx *d);
int diag_warning_count(const diag_ctx *d);
const char *diag_path(const diag_ctx *d);

/* The display width in terminal columns of n bytes of UTF-8 (wide characters count 2). */
int diag_display_width(const char *s, size_t n);

#endif
