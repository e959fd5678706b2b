/* try_request.h: the body of a POST /v1/try/... request, {"source": "...", "lang": "zh"|"en", "records": "..."},
 * read with yajl's SAX parser (strings keep their length, NUL bytes included; other keys are ignored). */
#ifndef TRY_REQUEST_H
#define TRY_REQUEST_H

#include <stddef.h>

typedef struct try_request {
    char *source;  /* NULL when absent */
    size_t source_length;
    char *records; /* JSON Lines text; NULL when absent */
    size_t records_length;
    int lang_zh;   /* "lang" is "zh" (the default) rather than "en" */
} try_request;

/* 0 and *out filled, or -1 with a one-line reason in err (the body is not such an object). */
int try_request_parse(const char *body, size_t len, try_request *out, char *err, size_t errlen);
void try_request_free(try_request *r);

#endif
