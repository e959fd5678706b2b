/* try.h: the officer's playground endpoints, POST /v1/try/compile and POST /v1/try/decide: compile a .pol source
 * sent in the request in the server process (compiler/api/polc_api.h, within a size and a time limit) and
 * decide sample records with it exactly as polvm would (pol_json_decide_line).
 *
 * Both take {"source": "<the .pol text>", "lang": "zh" | "en" (default zh), "records": "<JSON Lines>"}.
 *   compile → 200 {"ok", "errors", "warnings", "diagnostics": [{"level", "line", "column", "end_column",
 *             "message"}], "text": the diagnostics as polc prints them, "policy": program info or null,
 *             "schema": the record schema or null}; the warnings are the policy's checks (polc --check).
 *   decide  → 200 {"policy", "lines": the output lines exactly as polvm writes them, "count", "decided"}, or,
 *             when the source does not compile, 422 with the compile answer's fields and "error".
 *   400 the body is not such an object; 413 over a limit (source, body, records); 503 too many compilations at
 *   once. Every error body is {"error": "..."} (plus the compile fields for 422).
 * The few latest compilations are kept by the SHA-256 of language and source, shared by all threads. */
#ifndef SERVICE_TRY_H
#define SERVICE_TRY_H

#include <stddef.h>

typedef struct service_try_limits {
    size_t max_source_bytes;    /* [1 MiB] a longer source is refused before it is compiled (413) */
    double max_compile_seconds; /* [2] the compiler's checks stop there, with an error diagnostic */
    size_t max_records;         /* [1000] record lines per decide request (413 beyond) */
    size_t max_body_bytes;      /* [8 MiB] the request body (413 beyond) */
    int max_compiles;           /* [2] compilations at the same time (503 beyond) */
    size_t cache_entries;       /* [8] compilations kept */
} service_try_limits;

typedef struct service_try service_try;

/* limits NULL or any field 0: its default. NULL when out of memory. */
service_try *service_try_new(const service_try_limits *limits);
void service_try_free(service_try *t);

/* An answer: the HTTP status and a JSON body (malloc'd, NUL-terminated; free with service_try_answer_free). */
typedef struct service_try_answer {
    int status;
    char *body;
    size_t length;
} service_try_answer;

void service_try_compile(service_try *t, const char *body, size_t len, service_try_answer *out);
void service_try_decide(service_try *t, const char *body, size_t len, service_try_answer *out);
void service_try_answer_free(service_try_answer *a);

#endif
