/* pol_json.h: the JSON Lines layer of pol: records in, decisions out, built only on pol.h (as lauxlib is on lua.h).
 *
 * An embedder that binds records natively through pol.h never links this layer (nor simdjson and yajl). One
 * pol_json_reader serves one thread: it owns the field-name tables resolved once from the program, a simdjson
 * parser, a yajl parser arena and generator, and scratch buffers, all reused from record to record, so that
 * after warm-up deciding a line allocates nothing. Nothing here is global; every allocation goes through the
 * pol_config allocator except simdjson's own parser buffers (C++ operator new, doc/json.md); no function
 * aborts, exits or prints.
 *
 *     pol_json_reader *r;  pol_json_buffer out;
 *     pol_json_reader_new(program, config, &r);  pol_context_new(program, &ctx);
 *     pol_json_buffer_init(&out, config);
 *     for each line: pol_json_decide_line(r, ctx, line, len, line_no, &out);  then write out.data, out.length
 *
 * Record rules (doc/json.md): one JSON object per line; unknown fields are ignored at any depth; null means
 * absent; a list field takes an array of objects. A record that does not bind becomes an error object
 * {"line": N, "id": <its "id" string or null>, "error": "<message naming the field>"}.
 */
#ifndef POL_JSON_H
#define POL_JSON_H

#include <stddef.h>

#include "pol.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A growing byte buffer that output is appended to. data holds length bytes followed by a NUL (data is NULL
 * while nothing was ever appended). Set length to 0 to reuse the memory for the next batch. Appending never
 * fails halfway: when the allocator refuses, failed becomes 1, the append is dropped and length stays at the
 * end of the last whole line; every later append is dropped too until pol_json_buffer_free. */
typedef struct pol_json_buffer {
    char *data;
    size_t length;
    size_t capacity;
    int failed;
    pol_alloc_fn alloc;
    void *alloc_ud;
} pol_json_buffer;

/* config may be NULL (the C library's realloc/free). */
POL_API void pol_json_buffer_init(pol_json_buffer *buffer, const pol_config *config);
POL_API void pol_json_buffer_free(pol_json_buffer *buffer);

typedef struct pol_json_reader pol_json_reader;

/* Resolve the program's field names once and set up the parser and generator. config may be NULL; it only
 * supplies the allocator here. program must outlive the reader. */
POL_API pol_status pol_json_reader_new(const pol_program *program, const pol_config *config, pol_json_reader **out);
POL_API void pol_json_reader_free(pol_json_reader *reader);

/* Reset ctx and bind one JSON record (a complete JSON text, without the line's newline) into it.
 * POL_OK, or: POL_ERR_FORMAT (not JSON, or not an object), POL_ERR_BIND (a value of the wrong type, a
 * duplicate field, or a value the library refused), POL_ERR_LIMIT, POL_ERR_NOMEM; then pol_json_error()
 * says what, naming the field (list elements as `ce[2].hours`, counted from 0), and the record's "id" is
 * still looked for after the bad value. */
POL_API pol_status pol_json_bind(pol_json_reader *reader, pol_context *ctx, const char *json, size_t len);

/* The message of the last failed pol_json_bind or pol_json_decide_line, or "". Valid until the next call on
 * reader or ctx. */
POL_API const char *pol_json_error(const pol_json_reader *reader);

/* The top-level "id" string of the last record given to pol_json_bind (the first one, when repeated), or
 * NULL when it had none (absent, not a string, or not reached before invalid JSON). */
POL_API const char *pol_json_id(const pol_json_reader *reader, size_t *len);

/* Append ctx's decision as one compact JSON object (no newline): the outputs in the program's order, then
 * "findings": [{"clause", "kind", "message"}]. Non-ASCII text stays UTF-8. */
POL_API pol_status pol_json_write_decision(pol_json_reader *reader, const pol_context *ctx, pol_json_buffer *out);

/* Append {"line": line_no, "id": id or null, "error": message} (no newline). id may be NULL. */
POL_API pol_status pol_json_write_error(pol_json_reader *reader, size_t line_no, const char *id, size_t id_len,
                                const char *message, pol_json_buffer *out);

/* Decide one line of a JSON Lines stream and append exactly one output line (ending in '\n') to out: the
 * decision, or the error object. line excludes its '\n'; a trailing '\r' is dropped, and so is a UTF-8 BOM
 * when line_no is 1. A line that is empty or blank, holds a NUL byte, is not a JSON object, does not bind or
 * does not evaluate becomes an error object. line_no counts from 1.
 * Returns POL_OK when the line was decided, else the status that made it an error line (pol_json_error()
 * has the message). When out could not grow, out->failed is set and nothing of this line is kept. */
POL_API pol_status pol_json_decide_line(pol_json_reader *reader, pol_context *ctx, const char *line, size_t len,
                                size_t line_no, pol_json_buffer *out);

/* ---- what bindings and the service share: a program's facts, its record schema, explanations as JSON ---- */

/* Append {"name", "version", "digest", "source_sha256", "compiler_version", "format_version"}: the program's
 * header facts; digest is the hex SHA-256 the .pbc carries for its contents (pol_program_digest), the identity
 * that logs and caches name a policy by. */
POL_API pol_status pol_json_write_program_info(const pol_program *program, pol_json_buffer *out);

/* Append the record schema a form or a binding needs, in declaration order:
 * {"fields": [{"name", "type", "required", "default", ...}]} where type is bool, int, number, date, string, enum
 * or list; an enum field has "values": [...]; an int or number field with bounds has "min" and/or "max"; a list
 * field has "fields": [...] (its element's fields, the same shape). default is the field's default or null. */
POL_API pol_status pol_json_write_schema(const pol_program *program, pol_json_buffer *out);

/* Decide one line exactly as pol_json_decide_line (the same bytes appended to out), and append to trace one JSON
 * array of the rules tried, in order (doc/explain.md): [{"rule", "kind", "clause", "line", "source", "fired",
 * "name", "value", "reads": [{"name", "value", "test"}], "iterations": [{"loop", "item", "list", "selected"}],
 * "text"}], where text is the line `polvm --explain` prints for the event (without its indent) and source is
 * the rule's first source line. A line that is not decided appends [] (nothing was evaluated) to trace. ctx's
 * trace is set for the call and removed after it. */
POL_API pol_status pol_json_explain_line(pol_json_reader *reader, pol_context *ctx, const char *line, size_t len,
                                         size_t line_no, pol_json_buffer *out, pol_json_buffer *trace);

#ifdef __cplusplus
}
#endif
#endif
