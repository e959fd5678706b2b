/* test_trace.c: the trace API (pol_context_set_trace): an event for every rule tried, fired or not, with the
 * values it read and computed and its loop passes; no events without a trace; the same decision either way;
 * the event's text line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compile_helper.h"
#include "pol.h"
#include "pol_json.h"

/* the policy of tests/golden/explain/trace.pol */
static const char policy_source[] =
    "policy \"explain test\" version \"1\" year 2024\n"                                  /* 1 */
    "enum 级别 { 初级 中级 高级 }\n"                                                      /* 2 */
    "enum 地区 { 甲 乙 }\n"                                                               /* 3 */
    "record 学时 {\n"                                                                     /* 4 */
    "  year: int\n"                                                                       /* 5 */
    "  hours: number = 0\n"                                                               /* 6 */
    "}\n"                                                                                 /* 7 */
    "applicant {\n"                                                                       /* 8 */
    "  id: string\n"                                                                      /* 9 */
    "  level: 级别\n"                                                                     /* 10 */
    "  region: 地区\n"                                                                    /* 11 */
    "  since: date\n"                                                                     /* 12 */
    "  agent: bool = false\n"                                                             /* 13 */
    "  ce: list 学时\n"                                                                   /* 14 */
    "}\n"                                                                                 /* 15 */
    "entity 委员会 { phone: string? }\n"                                                  /* 16 */
    "委员会 中级委员会 { phone = \"123\" }\n"                                             /* 17 */
    "委员会 高级委员会 { }\n"                                                             /* 18 */
    "routing by level -> 委员会\n"                                                        /* 19 */
    "clause 一 \"受理\" {\n"                                                              /* 20 */
    "  route 中级 -> 中级委员会\n"                                                        /* 21 */
    "  route 高级 where region == 甲 -> 高级委员会\n"                                     /* 22 */
    "  warning when routed == null : \"{level}无委员会受理\"\n"                           /* 23 */
    "}\n"                                                                                 /* 24 */
    "let 起 = year(since) + 1\n"                                                          /* 25 */
    "clause 三 \"学时\" {\n"                                                              /* 26 */
    "  let 达标年数 = count(y in 起 .. 2023 where any(e in ce where e.year == y and e.hours >= 14))\n" /* 27 */
    "  violation when level == 中级 and 达标年数 < 2 : \"仅{达标年数}年达标\"\n"          /* 28 */
    "}\n"                                                                                 /* 29 */
    "clause 八 \"中介\" {\n"                                                              /* 30 */
    "  violation when agent : \"中介代报\"\n"                                             /* 31 */
    "}\n"                                                                                 /* 32 */
    "output id: string = id\n"                                                            /* 33 */
    "output committee: 委员会? = routed\n"                                                /* 34 */
    "output phone: string? = routed.phone\n"                                              /* 35 */
    "output passed: int = 达标年数\n";                                                    /* 36 */

static const char *const records[] = {
    "{\"id\":\"E1\",\"level\":\"中级\",\"region\":\"乙\",\"since\":\"2020-05-01\",\"ce\":[{\"year\":2021,\"hours\":14},"
    "{\"year\":2022,\"hours\":10},{\"year\":2023,\"hours\":20}]}",
    "{\"id\":\"E2\",\"level\":\"中级\",\"region\":\"甲\",\"since\":\"2020-05-01\",\"agent\":true,"
    "\"ce\":[{\"year\":2021,\"hours\":13}]}",
    "{\"id\":\"E3\",\"level\":\"高级\",\"region\":\"乙\",\"since\":\"2022-01-01\"}",
    "{\"id\":\"E4\",\"level\":\"高级\",\"region\":\"甲\",\"since\":\"2021-01-01\",\"ce\":[]}",
};
#define NRECORDS (sizeof records / sizeof records[0])

/* ---- a recorder: deep copies of the events one evaluation reported ----------------------------------------- */

#define MAX_EVENTS 64
#define MAX_READS 32
#define MAX_ITS 16

typedef struct read_copy {
    pol_read_kind kind;
    char name[64];
    char test[32]; /* "" when none */
    char value[128]; /* the value as text */
    int iteration;
} read_copy;

typedef struct event_copy {
    int rule, line, fired;
    pol_rule_kind kind;
    char clause[32], name[64], value[128], line_text[1024];
    size_t nreads, niterations;
    read_copy reads[MAX_READS];
    pol_trace_iteration its[MAX_ITS];
} event_copy;

typedef struct recorder {
    size_t count;
    event_copy ev[MAX_EVENTS];
} recorder;

static void value_text(const pol_value *v, char *out, size_t size)
{
    switch (v->type) {
    case POL_T_NULL:
        snprintf(out, size, "null");
        break;
    case POL_T_BOOL:
        snprintf(out, size, "%s", v->boolean ? "true" : "false");
        break;
    case POL_T_INT:
        snprintf(out, size, "%lld", (long long)v->integer);
        break;
    case POL_T_NUMBER:
        snprintf(out, size, "%g", v->number);
        break;
    case POL_T_DATE:
        snprintf(out, size, "%04d-%02d-%02d", v->year, v->month, v->day);
        break;
    default:
        snprintf(out, size, "%.*s", (int)v->length, v->string ? v->string : "");
        break;
    }
}

static void record_event(void *ud, const pol_trace_event *ev)
{
    recorder *r = ud;
    assert_true(r->count < MAX_EVENTS);
    event_copy *c = &r->ev[r->count++];
    memset(c, 0, sizeof *c);
    c->rule = ev->rule;
    c->line = ev->line;
    c->fired = ev->fired;
    c->kind = ev->kind;
    snprintf(c->clause, sizeof c->clause, "%s", ev->clause);
    snprintf(c->name, sizeof c->name, "%s", ev->name ? ev->name : "");
    value_text(&ev->value, c->value, sizeof c->value);
    pol_trace_event_text(ev, c->line_text, sizeof c->line_text);
    assert_true(ev->nreads <= MAX_READS && ev->niterations <= MAX_ITS);
    assert_int_equal(ev->dropped_reads, 0);
    c->nreads = ev->nreads;
    for (size_t i = 0; i < ev->nreads; i++) {
        c->reads[i].kind = ev->reads[i].kind;
        snprintf(c->reads[i].name, sizeof c->reads[i].name, "%s", ev->reads[i].name);
        value_text(&ev->reads[i].value, c->reads[i].value, sizeof c->reads[i].value);
        c->reads[i].iteration = ev->reads[i].iteration;
        snprintf(c->reads[i].test, sizeof c->reads[i].test, "%s", ev->reads[i].test ? ev->reads[i].test : "");
    }
    c->niterations = ev->niterations;
    for (size_t i = 0; i < ev->niterations; i++)
        c->its[i] = ev->iterations[i];
}

/* The event of the rule on source line `line` (the first, when it ran more than once). */
static const event_copy *event_at(const recorder *r, int line)
{
    for (size_t i = 0; i < r->count; i++)
        if (r->ev[i].line == line)
            return &r->ev[i];
    return NULL;
}

static const char *read_value(const event_copy *e, const char *name)
{
    for (size_t i = 0; i < e->nreads; i++)
        if (strcmp(e->reads[i].name, name) == 0)
            return e->reads[i].value;
    return NULL;
}

/* ---- fixture ------------------------------------------------------------------------------------------------- */

typedef struct fixture {
    compiled c;
    pol_program *prog;
    pol_context *ctx;
    pol_json_reader *reader;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->c = compile_text(policy_source);
    if (f->c.errors) {
        fprintf(stderr, "%s", f->c.messages);
        return -1;
    }
    char err[256];
    if (pol_program_load(f->c.bytes, f->c.len, NULL, &f->prog, err, sizeof err) != POL_OK ||
        pol_context_new(f->prog, &f->ctx) != POL_OK || pol_json_reader_new(f->prog, NULL, &f->reader) != POL_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    pol_json_reader_free(f->reader);
    pol_context_free(f->ctx);
    pol_program_free(f->prog);
    compiled_free(&f->c);
    free(f);
    return 0;
}

static void decide(fixture *f, size_t i)
{
    assert_int_equal(pol_json_bind(f->reader, f->ctx, records[i], strlen(records[i])), POL_OK);
    assert_int_equal(pol_evaluate(f->ctx), POL_OK);
}

/* ---- tests ---------------------------------------------------------------------------------------------------- */

static void test_fired_and_not_fired(void **state)
{
    fixture *f = *state;
    recorder *r = calloc(1, sizeof *r);
    assert_int_equal(pol_context_set_trace(f->ctx, record_event, r), POL_OK);
    decide(f, 1); /* E2: 中级 甲, an agent, 0 qualifying years */

    const event_copy *route = event_at(r, 21);
    assert_non_null(route);
    assert_int_equal(route->kind, POL_RULE_ROUTE);
    assert_true(route->fired);
    assert_string_equal(route->clause, "一");
    assert_string_equal(route->name, "中级委员会");
    assert_string_equal(route->value, "中级委员会");
    assert_null(event_at(r, 22)); /* the 高级 route is never tried for 中级 */

    const event_copy *unrouted = event_at(r, 23);
    assert_non_null(unrouted);
    assert_int_equal(unrouted->kind, POL_RULE_WARNING);
    assert_false(unrouted->fired);
    assert_string_equal(read_value(unrouted, "routed"), "中级委员会");

    const event_copy *years = event_at(r, 28);
    assert_non_null(years);
    assert_int_equal(years->kind, POL_RULE_VIOLATION);
    assert_true(years->fired);
    assert_string_equal(years->clause, "三");
    assert_string_equal(years->value, "仅0年达标"); /* a finding's value is its message */
    assert_string_equal(read_value(years, "level"), "中级");
    assert_string_equal(read_value(years, "达标年数"), "0");
    assert_non_null(strstr(years->line_text, "三 line 28 violation FIRED: level = 中级 (== 中级), 达标年数 = 0 (< 2)"));
    assert_string_equal(years->reads[1].test, "< 2"); /* what the value was held against */

    const event_copy *agent = event_at(r, 31);
    assert_non_null(agent);
    assert_true(agent->fired);
    assert_string_equal(read_value(agent, "agent"), "true");
    assert_int_equal(agent->reads[0].kind, POL_READ_FIELD);

    const event_copy *phone = event_at(r, 35);
    assert_non_null(phone);
    assert_int_equal(phone->kind, POL_RULE_OUTPUT);
    assert_string_equal(phone->name, "phone");
    assert_string_equal(phone->value, "123");
    assert_string_equal(read_value(phone, "routed.phone"), "123");

    /* E1: 中级 乙: the violation is tried and does not fire */
    r->count = 0;
    decide(f, 0);
    years = event_at(r, 28);
    assert_non_null(years);
    assert_false(years->fired);
    assert_string_equal(years->value, "null");
    assert_string_equal(read_value(years, "达标年数"), "2");
    agent = event_at(r, 31);
    assert_false(agent->fired);
    assert_string_equal(read_value(agent, "agent"), "false");
    assert_string_equal(agent->line_text, "八 line 31 violation not fired: agent = false");

    /* E3: 高级 乙: the 高级 route is tried and not taken; the warning fires */
    r->count = 0;
    decide(f, 2);
    route = event_at(r, 22);
    assert_non_null(route);
    assert_false(route->fired);
    assert_string_equal(read_value(route, "region"), "乙");
    unrouted = event_at(r, 23);
    assert_true(unrouted->fired);
    assert_string_equal(read_value(unrouted, "routed"), "null");
    assert_string_equal(read_value(unrouted, "level"), "高级");
    pol_context_set_trace(f->ctx, NULL, NULL);
    free(r);
}

static void test_let_values_and_passes(void **state)
{
    fixture *f = *state;
    recorder *r = calloc(1, sizeof *r);
    pol_context_set_trace(f->ctx, record_event, r);
    decide(f, 0); /* E1: since 2020-05-01; 2021 14h, 2022 10h, 2023 20h */

    const event_copy *start = event_at(r, 25);
    assert_non_null(start);
    assert_int_equal(start->kind, POL_RULE_LET);
    assert_string_equal(start->name, "起");
    assert_string_equal(start->value, "2021");
    assert_string_equal(start->clause, "");
    assert_string_equal(read_value(start, "since"), "2020-05-01");

    const event_copy *count = event_at(r, 27);
    assert_non_null(count);
    assert_string_equal(count->name, "达标年数");
    assert_string_equal(count->value, "2");
    assert_string_equal(read_value(count, "起"), "2021");
    /* count(y in 起 .. 2023 where any(e in ce where e.year == y and ...)) runs as one pass per ce entry,
     * collecting the distinct years of the entries that qualify (compiler/emit/aggregate.c) */
    assert_int_equal(count->niterations, 3);
    const int selected[3] = {1, 0, 1};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(count->its[i].loop, 0);
        assert_int_equal(count->its[i].item, i);
        assert_string_equal(count->its[i].list, "ce");
        assert_int_equal(count->its[i].selected, selected[i]);
    }
    /* in the pass for ce[1] (2022), the entry failed the hours */
    int found = 0;
    for (size_t i = 0; i < count->nreads; i++) {
        if (strcmp(count->reads[i].name, "ce[1].hours") == 0 && count->reads[i].iteration == 1) {
            assert_string_equal(count->reads[i].value, "10");
            assert_int_equal(count->reads[i].kind, POL_READ_ELEMENT);
            found = 1;
        }
    }
    assert_true(found);
    assert_non_null(strstr(count->line_text, "ce[0] \xe2\x9c\x93 (ce[0].year = 2021, ce[0].hours = 14 (>= 14))"));
    assert_non_null(strstr(count->line_text, "ce[1] \xe2\x9c\x97 (ce[1].year = 2022, ce[1].hours = 10 (>= 14))"));

    const event_copy *passed = event_at(r, 36);
    assert_non_null(passed);
    assert_string_equal(passed->value, "2");
    assert_int_equal(passed->reads[0].kind, POL_READ_LET);
    pol_context_set_trace(f->ctx, NULL, NULL);
    free(r);
}

/* count(x in L) without where runs without a loop (LISTLEN); the trace shows the list's length as a read. */
static void test_list_count_is_a_read(void **state)
{
    (void)state;
    compiled c = compile_text("policy \"count\" version \"1\" year 2024\n"
                              "record 成果 { kind: string }\n"
                              "applicant {\n  id: string\n  subs: list 成果\n}\n"
                              "clause 九 \"替代\" {\n  warning when count(s in subs) > 1 : \"多项\"\n}\n");
    assert_int_equal(c.errors, 0);
    pol_program *prog;
    pol_context *ctx;
    pol_json_reader *reader;
    char err[256];
    assert_int_equal(pol_program_load(c.bytes, c.len, NULL, &prog, err, sizeof err), POL_OK);
    assert_int_equal(pol_context_new(prog, &ctx), POL_OK);
    assert_int_equal(pol_json_reader_new(prog, NULL, &reader), POL_OK);
    static const char *const lines[] = {"{\"id\":\"a\",\"subs\":[{\"kind\":\"x\"},{\"kind\":\"y\"}]}",
                                        "{\"id\":\"b\"}"};
    static const char *const counts[] = {"2", "0"};
    static const int fired[] = {1, 0};
    recorder *r = calloc(1, sizeof *r);
    for (size_t i = 0; i < 2; i++) {
        r->count = 0;
        pol_context_set_trace(ctx, record_event, r);
        assert_int_equal(pol_json_bind(reader, ctx, lines[i], strlen(lines[i])), POL_OK);
        assert_int_equal(pol_evaluate(ctx), POL_OK);
        const event_copy *e = event_at(r, 8);
        assert_non_null(e);
        assert_int_equal(e->fired, fired[i]);
        assert_string_equal(read_value(e, "count(subs)"), counts[i]);
        assert_int_equal(e->reads[0].kind, POL_READ_FIELD);
        assert_non_null(strstr(e->line_text, "count(subs) = "));
    }
    free(r);
    pol_json_reader_free(reader);
    pol_context_free(ctx);
    pol_program_free(prog);
    compiled_free(&c);
}

static void test_every_tried_rule_once_in_order(void **state)
{
    fixture *f = *state;
    recorder *r = calloc(1, sizeof *r);
    pol_context_set_trace(f->ctx, record_event, r);
    decide(f, 3); /* E4: 高级 甲 */
    const int lines[] = {22, 23, 25, 27, 28, 31, 33, 34, 35, 36};
    assert_int_equal(r->count, sizeof lines / sizeof lines[0]);
    for (size_t i = 0; i < r->count; i++)
        assert_int_equal(r->ev[i].line, lines[i]);
    pol_context_set_trace(f->ctx, NULL, NULL);
    free(r);
}

static void test_no_events_without_trace(void **state)
{
    fixture *f = *state;
    recorder *r = calloc(1, sizeof *r);
    decide(f, 1);
    assert_int_equal(r->count, 0);
    pol_context_set_trace(f->ctx, record_event, r);
    decide(f, 1);
    assert_true(r->count > 0);
    size_t seen = r->count;
    assert_int_equal(pol_context_set_trace(f->ctx, NULL, NULL), POL_OK);
    decide(f, 1);
    decide(f, 0);
    assert_int_equal(r->count, seen);
    free(r);
}

/* The decision as one string (outputs and findings) */
static void decision_text(fixture *f, char *out, size_t size)
{
    size_t at = 0;
    for (int i = 0; i < pol_output_count(f->prog); i++) {
        pol_value v;
        char text[128];
        assert_int_equal(pol_output(f->ctx, i, &v), POL_OK);
        value_text(&v, text, sizeof text);
        at += (size_t)snprintf(out + at, size - at, "%s=%s;", pol_output_name(f->prog, i), text);
    }
    for (size_t i = 0; i < pol_finding_count(f->ctx); i++) {
        pol_finding fd;
        assert_int_equal(pol_finding_get(f->ctx, i, &fd), POL_OK);
        at += (size_t)snprintf(out + at, size - at, "%s/%s/%d/%s;", fd.clause, pol_finding_kind_name(fd.kind),
                               fd.line, fd.message);
    }
}

static void test_same_decision_with_and_without(void **state)
{
    fixture *f = *state;
    recorder *r = calloc(1, sizeof *r);
    char plain[2048], traced[2048];
    for (size_t i = 0; i < NRECORDS; i++) {
        decide(f, i);
        decision_text(f, plain, sizeof plain);
        pol_context_set_trace(f->ctx, record_event, r);
        r->count = 0;
        decide(f, i);
        decision_text(f, traced, sizeof traced);
        pol_context_set_trace(f->ctx, NULL, NULL);
        assert_string_equal(plain, traced);
        assert_true(r->count > 0);
    }
    free(r);
}

typedef struct small_buffer {
    size_t needed, written, tiny_needed;
    char buf[8];
    char tiny[3];
} small_buffer;

static void text_into_small(void *ud, const pol_trace_event *ev)
{
    small_buffer *s = ud;
    if (ev->line != 27)
        return;
    char big[2048];
    s->needed = pol_trace_event_text(ev, s->buf, sizeof s->buf);
    assert_int_equal(pol_trace_event_text(ev, big, sizeof big), s->needed);
    assert_int_equal(strlen(big), s->needed);
    s->written = strlen(s->buf);
    s->tiny_needed = pol_trace_event_text(ev, s->tiny, sizeof s->tiny);
}

static void test_event_text_truncates_at_a_character(void **state)
{
    fixture *f = *state;
    small_buffer s = {0, 0, 0, {0}, {0}};
    pol_context_set_trace(f->ctx, text_into_small, &s);
    decide(f, 0);
    pol_context_set_trace(f->ctx, NULL, NULL);
    assert_true(s.needed > sizeof s.buf);
    /* "三 line 27 ..." : 三 is 3 bytes; 7 bytes fit: "三 lin" */
    assert_true(s.written < sizeof s.buf);
    assert_string_equal(s.buf, "三 lin");
    /* two bytes of room: 三 does not fit, and is not cut in half */
    assert_int_equal(s.tiny_needed, s.needed);
    assert_string_equal(s.tiny, "");
    assert_int_equal(pol_trace_event_text(NULL, NULL, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fired_and_not_fired),
        cmocka_unit_test(test_let_values_and_passes),
        cmocka_unit_test(test_list_count_is_a_read),
        cmocka_unit_test(test_every_tried_rule_once_in_order),
        cmocka_unit_test(test_no_events_without_trace),
        cmocka_unit_test(test_same_decision_with_and_without),
        cmocka_unit_test(test_event_text_truncates_at_a_character),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
