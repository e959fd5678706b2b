/* try_text.h: a growing text buffer for the /try answers, with the JSON string escaping they need. */
#ifndef TRY_TEXT_H
#define TRY_TEXT_H

#include <stddef.h>

/* data holds length bytes and a NUL (NULL while empty). An append that cannot grow the buffer sets failed and
 * drops this and every later append, so a writer checks once at the end. */
typedef struct try_text {
    char *data;
    size_t length, capacity;
    int failed;
} try_text;

void try_text_free(try_text *t);
void try_text_append(try_text *t, const char *bytes, size_t len);
void try_text_puts(try_text *t, const char *s);
void try_text_printf(try_text *t, const char *format, ...) __attribute__((format(printf, 2, 3)));
/* s as a JSON string, quotes included; bytes that are not valid UTF-8 become U+FFFD */
void try_text_json_string(try_text *t, const char *s, size_t len);
/* "key": (with the comma before it unless first) */
void try_text_key(try_text *t, const char *key, int first);

#endif
