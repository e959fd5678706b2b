/* run.c: reading a .poltest file case by case, running each case and comparing the decision. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "pol_json.h"
#include "ptest_internal.h"

#define MAX_EXPECT 64
#define MAX_FINDINGS 64

typedef struct expectation {
    char *field;
    char *value_text; /* as written */
    yajl_val value;
    int line;
} expectation;

typedef struct finding_key {
    char clause[64];
    char kind[16];
} finding_key;

typedef struct test_case {
    char *name; /* "三(一) 中级公共科目仅3年达标" */
    int line;
    char *record;
    int record_line;
    expectation expect[MAX_EXPECT];
    int nexpect;
    finding_key findings[MAX_FINDINGS];
    int nfindings, findings_given;
} test_case;

typedef struct runner {
    const pol_program *program;
    pol_json_reader *reader;
    pol_context *ctx;
    const char *path;
    FILE *out;
    char *base;
    int cases, failed, malformed;
} runner;

static void gen_value(yajl_gen g, yajl_val v)
{
    if (!v || YAJL_IS_NULL(v)) {
        yajl_gen_null(g);
    } else if (YAJL_IS_TRUE(v)) {
        yajl_gen_bool(g, 1);
    } else if (YAJL_IS_FALSE(v)) {
        yajl_gen_bool(g, 0);
    } else if (YAJL_IS_NUMBER(v)) {
        yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
    } else if (YAJL_IS_STRING(v)) {
        yajl_gen_string(g, (const unsigned char *)v->u.string, strlen(v->u.string));
    } else if (YAJL_IS_ARRAY(v)) {
        yajl_gen_array_open(g);
        for (size_t i = 0; i < v->u.array.len; i++)
            gen_value(g, v->u.array.values[i]);
        yajl_gen_array_close(g);
    } else if (YAJL_IS_OBJECT(v)) {
        yajl_gen_map_open(g);
        for (size_t i = 0; i < v->u.object.len; i++) {
            yajl_gen_string(g, (const unsigned char *)v->u.object.keys[i], strlen(v->u.object.keys[i]));
            gen_value(g, v->u.object.values[i]);
        }
        yajl_gen_map_close(g);
    }
}

/* JSON text of v (malloc'd) */
/* What the generator wrote, as a malloc'd NUL-terminated string (NULL when out of memory); frees the generator */
static char *take_text(yajl_gen g)
{
    const unsigned char *buf;
    size_t len;
    yajl_gen_get_buf(g, &buf, &len);
    char *s = malloc(len + 1);
    if (s) {
        memcpy(s, buf, len);
        s[len] = '\0';
    }
    yajl_gen_free(g);
    return s;
}

static char *json_text(yajl_val v)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    yajl_gen_config(g, yajl_gen_validate_utf8, 0);
    gen_value(g, v);
    return take_text(g);
}

static int has_key(yajl_val obj, const char *key)
{
    for (size_t i = 0; obj && YAJL_IS_OBJECT(obj) && i < obj->u.object.len; i++)
        if (strcmp(obj->u.object.keys[i], key) == 0)
            return 1;
    return 0;
}

/* The base record with the case's fields over it, as one JSON object text (malloc'd), or NULL with why set. */
static char *merge(const char *base, const char *record, char *why, size_t whylen)
{
    yajl_val b = base ? yajl_tree_parse(base, why, whylen) : NULL;
    if (base && (!b || !YAJL_IS_OBJECT(b))) {
        if (b)
            snprintf(why, whylen, "the base is not a JSON object");
        yajl_tree_free(b);
        return NULL;
    }
    yajl_val r = yajl_tree_parse(record, why, whylen);
    if (!r || !YAJL_IS_OBJECT(r)) {
        if (r)
            snprintf(why, whylen, "the record is not a JSON object");
        yajl_tree_free(b);
        yajl_tree_free(r);
        return NULL;
    }
    yajl_gen g = yajl_gen_alloc(NULL);
    yajl_gen_config(g, yajl_gen_validate_utf8, 0);
    yajl_gen_map_open(g);
    for (size_t i = 0; b && i < b->u.object.len; i++) {
        if (has_key(r, b->u.object.keys[i]))
            continue;
        yajl_gen_string(g, (const unsigned char *)b->u.object.keys[i], strlen(b->u.object.keys[i]));
        gen_value(g, b->u.object.values[i]);
    }
    for (size_t i = 0; i < r->u.object.len; i++) {
        yajl_gen_string(g, (const unsigned char *)r->u.object.keys[i], strlen(r->u.object.keys[i]));
        gen_value(g, r->u.object.values[i]);
    }
    yajl_gen_map_close(g);
    char *s = take_text(g);
    yajl_tree_free(b);
    yajl_tree_free(r);
    return s;
}

static int same_value(yajl_val a, yajl_val b)
{
    if (!a || !b)
        return (!a || YAJL_IS_NULL(a)) && (!b || YAJL_IS_NULL(b));
    if (YAJL_IS_NUMBER(a) && YAJL_IS_NUMBER(b))
        return YAJL_GET_DOUBLE(a) == YAJL_GET_DOUBLE(b);
    if (a->type != b->type)
        return 0;
    if (YAJL_IS_STRING(a))
        return strcmp(a->u.string, b->u.string) == 0;
    if (YAJL_IS_ARRAY(a)) {
        if (a->u.array.len != b->u.array.len)
            return 0;
        for (size_t i = 0; i < a->u.array.len; i++)
            if (!same_value(a->u.array.values[i], b->u.array.values[i]))
                return 0;
        return 1;
    }
    if (YAJL_IS_OBJECT(a)) {
        if (a->u.object.len != b->u.object.len)
            return 0;
        for (size_t i = 0; i < a->u.object.len; i++)
            if (strcmp(a->u.object.keys[i], b->u.object.keys[i]) != 0 ||
                !same_value(a->u.object.values[i], b->u.object.values[i]))
                return 0;
        return 1;
    }
    return 1; /* true, false, null */
}

static yajl_val member(yajl_val obj, const char *key)
{
    for (size_t i = 0; obj && YAJL_IS_OBJECT(obj) && i < obj->u.object.len; i++)
        if (strcmp(obj->u.object.keys[i], key) == 0)
            return obj->u.object.values[i];
    return NULL;
}

static int cmp_key(const void *x, const void *y)
{
    const finding_key *a = x, *b = y;
    int c = strcmp(a->clause, b->clause);
    return c ? c : strcmp(a->kind, b->kind);
}

static void fail_header(runner *r, const test_case *tc, int *failed)
{
    if (*failed)
        return;
    *failed = 1;
    fprintf(r->out, "%s:%d: FAIL case %s\n", r->path, tc->line, tc->name);
}

static void run_case(runner *r, test_case *tc)
{
    r->cases++;
    int failed = 0;
    char why[512] = "";
    char *record = tc->record ? merge(r->base, tc->record, why, sizeof why) : NULL;
    if (!record) {
        fail_header(r, tc, &failed);
        fprintf(r->out, "  record: %s\n", tc->record ? why : "the case has no `record` line");
        r->failed++;
        return;
    }
    pol_status s = pol_json_bind(r->reader, r->ctx, record, strlen(record));
    if (s == POL_OK)
        s = pol_evaluate(r->ctx);
    if (s != POL_OK) {
        fail_header(r, tc, &failed);
        const char *e = pol_json_error(r->reader);
        fprintf(r->out, "  the record is not decided: %s\n", e && *e ? e : pol_context_error(r->ctx));
        r->failed++;
        free(record);
        return;
    }
    free(record);
    pol_json_buffer buf;
    pol_json_buffer_init(&buf, NULL);
    pol_json_write_decision(r->reader, r->ctx, &buf);
    char *text = malloc(buf.length + 1);
    if (text) {
        memcpy(text, buf.data, buf.length);
        text[buf.length] = '\0';
    }
    pol_json_buffer_free(&buf);
    yajl_val decision = text ? yajl_tree_parse(text, why, sizeof why) : NULL;
    free(text);
    for (int i = 0; i < tc->nexpect; i++) {
        expectation *e = &tc->expect[i];
        if (!has_key(decision, e->field)) {
            fail_header(r, tc, &failed);
            fprintf(r->out, "  %s: the decision has no such field\n", e->field);
            continue;
        }
        yajl_val actual = member(decision, e->field);
        if (!same_value(e->value, actual)) {
            fail_header(r, tc, &failed);
            char *a = json_text(actual);
            fprintf(r->out, "  %s: expected %s, got %s\n", e->field, e->value_text, a ? a : "?");
            free(a);
        }
    }
    size_t nf = pol_finding_count(r->ctx);
    if (tc->findings_given) {
        finding_key got[MAX_FINDINGS];
        int ngot = 0;
        for (size_t i = 0; i < nf && ngot < MAX_FINDINGS; i++) {
            pol_finding f;
            if (pol_finding_get(r->ctx, i, &f) != POL_OK)
                continue;
            snprintf(got[ngot].clause, sizeof got[ngot].clause, "%s", f.clause ? f.clause : "-");
            snprintf(got[ngot].kind, sizeof got[ngot].kind, "%s", pol_finding_kind_name(f.kind));
            ngot++;
        }
        finding_key want[MAX_FINDINGS];
        memcpy(want, tc->findings, sizeof want);
        qsort(got, (size_t)ngot, sizeof *got, cmp_key);
        qsort(want, (size_t)tc->nfindings, sizeof *want, cmp_key);
        int same = ngot == tc->nfindings;
        for (int i = 0; same && i < ngot; i++)
            same = cmp_key(&got[i], &want[i]) == 0;
        if (!same) {
            fail_header(r, tc, &failed);
            fprintf(r->out, "  findings: expected ");
            for (int i = 0; i < tc->nfindings; i++)
                fprintf(r->out, "%s%s %s", i ? ", " : "", tc->findings[i].clause, tc->findings[i].kind);
            fprintf(r->out, "%s, got ", tc->nfindings ? "" : "none");
            for (int i = 0; i < ngot; i++)
                fprintf(r->out, "%s%s %s", i ? ", " : "", got[i].clause, got[i].kind);
            fprintf(r->out, "%s\n", ngot ? "" : "none");
        }
    }
    if (failed) {
        yajl_val committee = member(decision, "committee");
        char *c = committee ? json_text(committee) : NULL;
        if (c)
            fprintf(r->out, "  routed to: %s\n", c);
        free(c);
        fprintf(r->out, "  rules that fired:%s\n", nf ? "" : " no findings");
        for (size_t i = 0; i < nf; i++) {
            pol_finding f;
            if (pol_finding_get(r->ctx, i, &f) == POL_OK)
                fprintf(r->out, "    %s %s (line %d): %s\n", f.clause ? f.clause : "-", pol_finding_kind_name(f.kind),
                        f.line, f.message);
        }
        r->failed++;
    }
    yajl_tree_free(decision);
}

static void clear_case(test_case *tc)
{
    free(tc->name);
    free(tc->record);
    for (int i = 0; i < tc->nexpect; i++) {
        free(tc->expect[i].field);
        free(tc->expect[i].value_text);
        yajl_tree_free(tc->expect[i].value);
    }
    memset(tc, 0, sizeof *tc);
}

static char *dup_trim(const char *s, size_t n)
{
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static void malformed(runner *r, int line, const char *what)
{
    fprintf(r->out, "%s:%d: %s\n", r->path, line, what);
    r->malformed++;
}

/* findings CLAUSE KIND, CLAUSE KIND ... | findings none */
static void parse_findings(runner *r, test_case *tc, int line, char *rest)
{
    tc->findings_given = 1;
    if (strcmp(rest, "none") == 0)
        return;
    for (char *save = NULL, *item = strtok_r(rest, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char clause[64], kind[16];
        if (sscanf(item, " %63s %15s", clause, kind) != 2 ||
            (strcmp(kind, "violation") && strcmp(kind, "todo") && strcmp(kind, "warning"))) {
            malformed(r, line, "expected `findings CLAUSE KIND, ...` (KIND: violation, todo or warning) or `findings none`");
            return;
        }
        if (tc->nfindings < MAX_FINDINGS) {
            snprintf(tc->findings[tc->nfindings].clause, 64, "%s", clause);
            snprintf(tc->findings[tc->nfindings].kind, 16, "%s", kind);
            tc->nfindings++;
        }
    }
}

static void parse_expect(runner *r, test_case *tc, int line, const char *rest)
{
    const char *eq = strchr(rest, '=');
    if (!eq || tc->nexpect == MAX_EXPECT) {
        malformed(r, line, "expected `expect FIELD = JSON value`");
        return;
    }
    expectation *e = &tc->expect[tc->nexpect];
    e->field = dup_trim(rest, (size_t)(eq - rest));
    e->value_text = dup_trim(eq + 1, strlen(eq + 1));
    size_t n = strlen(e->value_text);
    char *wrapped = malloc(n + 3);
    char why[256];
    if (wrapped)
        snprintf(wrapped, n + 3, "[%s]", e->value_text);
    yajl_val v = wrapped ? yajl_tree_parse(wrapped, why, sizeof why) : NULL;
    free(wrapped);
    if (!v || !YAJL_IS_ARRAY(v) || v->u.array.len != 1) {
        malformed(r, line, "the expected value is not one JSON value (strings need double quotes)");
        yajl_tree_free(v);
        free(e->field);
        free(e->value_text);
        memset(e, 0, sizeof *e);
        return;
    }
    e->value = v->u.array.values[0];
    v->u.array.len = 0; /* keep the element: free the wrapper only */
    yajl_tree_free(v);
    e->line = line;
    tc->nexpect++;
}

int ptest_run(const pol_program *program, const char *path, const char *text, size_t len, FILE *out)
{
    runner r = {.program = program, .path = path, .out = out};
    if (pol_json_reader_new(program, NULL, &r.reader) != POL_OK || pol_context_new(program, &r.ctx) != POL_OK) {
        pol_json_reader_free(r.reader);
        return 2;
    }
    test_case tc = {0};
    int in_case = 0, line = 0;
    for (size_t at = 0; at < len;) {
        size_t end = at;
        while (end < len && text[end] != '\n')
            end++;
        line++;
        char *l = dup_trim(text + at, end - at);
        at = end + 1;
        if (!l)
            break;
        char *rest = l + strcspn(l, " \t");
        if (*rest)
            *rest++ = '\0';
        rest += strspn(rest, " \t");
        if (l[0] == '\0' || l[0] == '#') {
            /* blank or comment */
        } else if (strcmp(l, "base") == 0) {
            free(r.base);
            r.base = strdup(rest);
        } else if (strcmp(l, "case") == 0) {
            if (in_case)
                run_case(&r, &tc);
            clear_case(&tc);
            in_case = 1;
            tc.name = strdup(rest);
            tc.line = line;
            if (!*rest)
                malformed(&r, line, "a case needs a name: `case CLAUSE what it checks`");
        } else if (!in_case) {
            malformed(&r, line, "expected `base {...}` or `case CLAUSE name` here");
        } else if (strcmp(l, "record") == 0) {
            free(tc.record);
            tc.record = strdup(rest);
            tc.record_line = line;
        } else if (strcmp(l, "expect") == 0) {
            parse_expect(&r, &tc, line, rest);
        } else if (strcmp(l, "findings") == 0) {
            parse_findings(&r, &tc, line, rest);
        } else {
            malformed(&r, line, "unknown line: expected `record`, `expect`, `findings` or `case`");
        }
        free(l);
    }
    if (in_case)
        run_case(&r, &tc);
    clear_case(&tc);
    free(r.base);
    pol_context_free(r.ctx);
    pol_json_reader_free(r.reader);
    fprintf(out, "%s: %d case%s, %d passed, %d failed%s\n", path, r.cases, r.cases == 1 ? "" : "s",
            r.cases - r.failed, r.failed, r.malformed ? " (and lines that could not be read)" : "");
    return r.failed || r.malformed || r.cases == 0 ? 1 : 0;
}
