/* polc_api.h: the compiler as a library: a .pol source in memory → the .pbc bytes `polc` writes, or the
 * diagnostics it prints (the text, and each one with its line and columns), within a size and a time budget.
 * polc itself compiles through it; so does polserve's /try, which compiles whatever an officer pastes. */
#ifndef POLC_API_H
#define POLC_API_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef enum polc_lang { POLC_LANG_EN = 0, POLC_LANG_ZH = 1 } polc_lang;

typedef struct polc_options {
    polc_lang lang;          /* the diagnostics' language */
    int werror;              /* warnings count as errors */
    size_t max_source_bytes; /* a longer source is refused before it is read; 0: no limit */
    double max_seconds;      /* the checker's long loops (route overlaps, completeness) stop when this much time
                                is spent, with an error; parsing and the other passes are linear in the source,
                                which max_source_bytes bounds. 0: no limit */
    FILE *print_to;          /* the diagnostics' text goes here as it comes (polc: stderr); NULL: kept in
                                polc_result.text */
} polc_options;

typedef enum polc_level { POLC_ERROR = 0, POLC_WARNING = 1, POLC_NOTE = 2 } polc_level;

typedef struct polc_diagnostic {
    polc_level level;
    int line;       /* 1-based; 0 for one about the whole source */
    int column;     /* display column of the caret, 1-based (wide characters count 2); 0 without a line */
    int end_column; /* display column just after the underline */
    char *message;  /* in the chosen language, as printed after "level: " */
} polc_diagnostic;

typedef enum polc_status {
    POLC_OK = 0,       /* compiled: pbc holds the bytes */
    POLC_ERRORS = 1,   /* the source has errors: see the diagnostics */
    POLC_REFUSED = 2,  /* over max_source_bytes (reason says so) */
    POLC_NOMEM = 3,    /* out of memory */
    POLC_INTERNAL = 4  /* the generated code failed the verifier (a compiler bug; reason says how) */
} polc_status;

typedef struct polc_result {
    polc_status status;
    uint8_t *pbc; /* POLC_OK: the .pbc bytes, exactly as polc writes them */
    size_t pbc_size;
    char *text;   /* the diagnostics as polc prints them (file:line:col, source line, caret), NUL-terminated;
                     "" when print_to was given */
    size_t text_size;
    polc_diagnostic *diagnostics; /* in the order reported (warnings included: the policy's checks) */
    size_t ndiagnostics;
    int errors, warnings;
    char reason[256]; /* POLC_REFUSED, POLC_NOMEM, POLC_INTERNAL: why, in one line */
} polc_result;

/* Compile len bytes of source; name is what the diagnostics call the file. opt may be NULL (English, no limits,
 * text kept). out is always filled (free it with polc_result_free), whatever the status returned. */
polc_status polc_compile(const char *name, const char *source, size_t len, const polc_options *opt,
                         polc_result *out);
void polc_result_free(polc_result *result);

#endif
