/* json_bind.c: pol_json_bind: a record through simdjson (json_read_simdjson.cpp), and through yajl
 * (json_read.c) when simdjson declines it, which words the error of every record that has one. */
#include "json_internal.h"

pol_status pol_json_bind(pol_json_reader *r, pol_context *ctx, const char *json, size_t len) {
    if (r->fast != NULL && len <= r->max_line_bytes) {
        pol_context_reset(ctx);
        r->ctx = ctx;
        r->status = POL_OK;
        r->error = "";
        r->has_id = 0;
        if (polJ_fast_bind(r, json, len)) return POL_OK;
        r->declined++; /* yajl starts again from a reset context */
    }
    return polJ_sax_bind(r, ctx, json, len);
}
