/* pol_pg.c: the SQL functions of the pol extension: pol_decide (jsonb and text), pol_policy_info and
 * pol_policy_schema, each a thin call into pol_json on a cached program (pol_pg_cache.c). */
#include "pol_pg.h"

#include "utils/builtins.h"
#include "utils/jsonb.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(pgpol_decide_text);
PG_FUNCTION_INFO_V1(pgpol_decide_jsonb);
PG_FUNCTION_INFO_V1(pgpol_policy_info);
PG_FUNCTION_INFO_V1(pgpol_policy_schema);

/* Decide one record as line 1 of a stream: p->out then holds the decision, or the contract's error object for
 * a record that does not bind (that is a result, not an SQL error), NUL-terminated and without the newline. */
static void decide(pgpol_program *p, const char *record, size_t len) {
    pol_status status;
    pgpol_output_begin(p);
    status = pol_json_decide_line(p->reader, p->context, record, len, 1, &p->out);
    pgpol_output_check(p);
    if (status == POL_ERR_NOMEM) /* the machine's fault, not the record's: no error object for it */
        ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory deciding a record: %s",
                                                               pol_json_error(p->reader))));
    if (p->out.data == NULL) /* decide_line always appends a line; never hand jsonb_in a NULL */
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("pol_decide: no decision was written")));
    if (p->out.length > 0 && p->out.data[p->out.length - 1] == '\n') p->out.data[--p->out.length] = '\0';
}

/* pol_decide(policy bytea, record text) RETURNS text: the same bytes polvm writes for the line. */
Datum pgpol_decide_text(PG_FUNCTION_ARGS) {
    pgpol_program *p = pgpol_program_for_call(fcinfo, 0);
    text *record = PG_GETARG_TEXT_PP(1);
    text *result;
    decide(p, VARDATA_ANY(record), VARSIZE_ANY_EXHDR(record));
    result = cstring_to_text_with_len(p->out.data, (int) p->out.length);
    PG_FREE_IF_COPY(record, 1);
    PG_RETURN_TEXT_P(result);
}

/* pol_decide(policy bytea, record jsonb) RETURNS jsonb: the record's text form decided, the bytes read back as
 * jsonb (which keeps values and types, and orders keys its own way). */
Datum pgpol_decide_jsonb(PG_FUNCTION_ARGS) {
    pgpol_program *p = pgpol_program_for_call(fcinfo, 0);
    Jsonb *record = PG_GETARG_JSONB_P(1);
    char *line = JsonbToCString(NULL, &record->root, VARSIZE(record));
    Datum result;
    decide(p, line, strlen(line));
    pfree(line);
    PG_FREE_IF_COPY(record, 1);
    result = DirectFunctionCall1(jsonb_in, CStringGetDatum(p->out.data));
    PG_RETURN_DATUM(result);
}

typedef pol_status (*describe_fn)(const pol_program *program, pol_json_buffer *out);

static Datum describe(FunctionCallInfo fcinfo, describe_fn write) {
    pgpol_program *p = pgpol_program_for_call(fcinfo, 0);
    pol_status status;
    pgpol_output_begin(p);
    status = write(p->program, &p->out);
    pgpol_output_check(p);
    if (status != POL_OK || p->out.data == NULL)
        ereport(ERROR, (errcode(status == POL_ERR_NOMEM ? ERRCODE_OUT_OF_MEMORY : ERRCODE_INTERNAL_ERROR),
                        errmsg("cannot describe the pol program: %s", pol_status_name(status))));
    return DirectFunctionCall1(jsonb_in, CStringGetDatum(p->out.data));
}

/* pol_policy_info(policy bytea) RETURNS jsonb: name, version, digest, source_sha256, compiler and format versions */
Datum pgpol_policy_info(PG_FUNCTION_ARGS) { return describe(fcinfo, pol_json_write_program_info); }

/* pol_policy_schema(policy bytea) RETURNS jsonb: the record's fields, types, defaults, enum values and bounds */
Datum pgpol_policy_schema(PG_FUNCTION_ARGS) { return describe(fcinfo, pol_json_write_schema); }
