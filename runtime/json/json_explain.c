/* json_explain.c: pol_json_explain_line: decide a line and write the rules it tried as JSON, the same content
 * as `polvm --explain` (doc/explain.md), for the service's ?explain=1 and the Python package's explain(). */
#include "json_gen.h"

typedef struct explain_state {
    polJ_gen gen;
} explain_state;

static const char *read_kind_name(pol_read_kind kind) {
    switch (kind) {
    case POL_READ_FIELD: return "field";
    case POL_READ_ELEMENT: return "element";
    case POL_READ_LET: return "let";
    case POL_READ_OUTPUT: return "output";
    case POL_READ_ROUTED: return "routed";
    case POL_READ_FINDINGS: return "findings";
    default: return "unknown";
    }
}

/* The event's line as `polvm --explain` prints it (most fit on the stack; a long one is allocated). */
static void gen_event_text(explain_state *s, const pol_trace_event *event) {
    char local[2048];
    size_t need = pol_trace_event_text(event, NULL, 0) + 1;
    pol_json_buffer *out = s->gen.out;
    char *text = need <= sizeof local ? local : out->alloc(out->alloc_ud, NULL, 0, need);
    if (text == NULL) {
        out->failed = 1;
        return;
    }
    pol_trace_event_text(event, text, need);
    polJ_gen_text(&s->gen, text, need - 1);
    if (text != local) out->alloc(out->alloc_ud, text, need, 0);
}

static void on_event(void *ud, const pol_trace_event *event) {
    explain_state *s = ud;
    polJ_gen *w = &s->gen;
    polJ_gen_map(w, 1);
    polJ_gen_cstr(w, "rule");
    polJ_gen_int(w, event->rule);
    polJ_gen_cstr(w, "kind");
    polJ_gen_cstr(w, pol_rule_kind_name(event->kind));
    polJ_gen_cstr(w, "clause");
    polJ_gen_cstr(w, event->clause);
    polJ_gen_cstr(w, "line");
    polJ_gen_int(w, event->line);
    polJ_gen_cstr(w, "source");
    polJ_gen_cstr(w, event->text);
    polJ_gen_cstr(w, "fired");
    polJ_gen_bool(w, event->fired);
    polJ_gen_cstr(w, "name");
    polJ_gen_cstr(w, event->name);
    polJ_gen_cstr(w, "value");
    polJ_gen_value(w, &event->value);
    polJ_gen_cstr(w, "reads");
    polJ_gen_array(w, 1);
    for (size_t i = 0; i < event->nreads; i++) {
        const pol_trace_read *r = &event->reads[i];
        polJ_gen_map(w, 1);
        polJ_gen_cstr(w, "kind");
        polJ_gen_cstr(w, read_kind_name(r->kind));
        polJ_gen_cstr(w, "name");
        polJ_gen_cstr(w, r->name);
        polJ_gen_cstr(w, "value");
        polJ_gen_value(w, &r->value);
        polJ_gen_cstr(w, "iteration");
        polJ_gen_int(w, r->iteration);
        polJ_gen_cstr(w, "test");
        polJ_gen_cstr(w, r->test);
        polJ_gen_map(w, 0);
    }
    polJ_gen_array(w, 0);
    polJ_gen_cstr(w, "iterations");
    polJ_gen_array(w, 1);
    for (size_t i = 0; i < event->niterations; i++) {
        const pol_trace_iteration *it = &event->iterations[i];
        polJ_gen_map(w, 1);
        polJ_gen_cstr(w, "loop");
        polJ_gen_int(w, it->loop);
        polJ_gen_cstr(w, "item");
        polJ_gen_int(w, (long long)it->item);
        polJ_gen_cstr(w, "list");
        polJ_gen_cstr(w, it->list);
        polJ_gen_cstr(w, "selected");
        polJ_gen_bool(w, it->selected);
        polJ_gen_map(w, 0);
    }
    polJ_gen_array(w, 0);
    if (event->dropped_reads > 0) {
        polJ_gen_cstr(w, "dropped_reads");
        polJ_gen_int(w, (long long)event->dropped_reads);
    }
    polJ_gen_cstr(w, "text");
    gen_event_text(s, event);
    polJ_gen_map(w, 0);
}

pol_status pol_json_explain_line(pol_json_reader *reader, pol_context *ctx, const char *line, size_t len,
                                 size_t line_no, pol_json_buffer *out, pol_json_buffer *trace) {
    explain_state s;
    if (reader == NULL || ctx == NULL || out == NULL || trace == NULL) return POL_ERR_ARGUMENT;
    if (!polJ_gen_open(&s.gen, trace)) return POL_ERR_NOMEM;
    polJ_gen_array(&s.gen, 1);
    pol_status st = pol_context_set_trace(ctx, on_event, &s);
    if (st == POL_OK) {
        st = pol_json_decide_line(reader, ctx, line, len, line_no, out);
        pol_context_set_trace(ctx, NULL, NULL);
    }
    polJ_gen_array(&s.gen, 0);
    pol_status written = polJ_gen_close(&s.gen);
    return written != POL_OK ? written : st;
}
