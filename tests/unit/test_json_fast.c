/* test_json_fast.c: the simdjson reader binds every record exactly as the yajl reader does, and declines what it
 * cannot vouch for: the same status, error message, id and decision for every line, good or broken.
 *
 * The lines: POL_JSON_RECORDS (a file from tests/reference/generate.py, bad lines included: `make
 * check-json-fast` makes one), else the repository's example and golden records; each line as it is and
 * mutated (cut short, a byte changed, escapes, duplicates, nesting and odd numbers put in). The policy is
 * policies/suzhou-2024.pol, compiled here. polJ_sax_bind is the yajl reader alone (json_internal.h). */
#define _GNU_SOURCE /* memmem */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "compile_helper.h"
#include "json_internal.h"
#include "pol_json.h"

static const char *const default_files[] = {"examples/applicants.jsonl", "tests/golden/decisions/notice-examples.jsonl"};

typedef struct side {
    pol_json_reader *reader;
    pol_context *ctx;
    pol_json_buffer out;
} side;

typedef struct run {
    pol_program *program;
    side fast, sax; /* pol_json_bind (simdjson, then yajl) and polJ_sax_bind (yajl alone) */
    size_t lines, compared, taken_fast, decided;
} run;

static char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *data = malloc(cap + 1);
    while (data != NULL && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) data = realloc(data, (cap *= 2) + 1);
    }
    fclose(f);
    if (data != NULL) data[n] = '\0';
    *len = n;
    return data;
}

static void side_open(side *s, const pol_program *program) {
    assert_int_equal(pol_json_reader_new(program, NULL, &s->reader), POL_OK);
    assert_int_equal(pol_context_new(program, &s->ctx), POL_OK);
    pol_json_buffer_init(&s->out, NULL);
}

static void side_close(side *s) {
    pol_json_buffer_free(&s->out);
    pol_context_free(s->ctx);
    pol_json_reader_free(s->reader);
}

static int setup(void **state) {
    size_t len;
    char *source = slurp("policies/suzhou-2024.pol", &len);
    assert_non_null(source);
    compiled c = compile_text(source);
    free(source);
    assert_int_equal(c.errors, 0);
    run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    char reason[256];
    assert_int_equal(pol_program_load(c.bytes, c.len, NULL, &r->program, reason, sizeof reason), POL_OK);
    compiled_free(&c);
    side_open(&r->fast, r->program);
    side_open(&r->sax, r->program);
    *state = r;
    return 0;
}

static int teardown(void **state) {
    run *r = *state;
    side_close(&r->fast);
    side_close(&r->sax);
    pol_program_free(r->program);
    free(r);
    return 0;
}

static void show(const char *line, size_t len) {
    fprintf(stderr, "line (%zu bytes): %.*s\n", len, (int)(len < 600 ? len : 600), line);
}

/* Bind line both ways and demand the same outcome; 1 when the simdjson reader took it. */
static int compare(run *r, const char *line, size_t len) {
    size_t declined = r->fast.reader->declined;
    pol_status a = pol_json_bind(r->fast.reader, r->fast.ctx, line, len);
    pol_status b = polJ_sax_bind(r->sax.reader, r->sax.ctx, line, len);
    int fast = r->fast.reader->declined == declined;
    r->compared++;
    if (a != b || strcmp(pol_json_error(r->fast.reader), pol_json_error(r->sax.reader)) != 0) {
        show(line, len);
        fail_msg("simdjson reader: %s \"%s\"; yajl: %s \"%s\"", pol_status_name(a), pol_json_error(r->fast.reader),
                 pol_status_name(b), pol_json_error(r->sax.reader));
    }
    size_t la, lb;
    const char *ia = pol_json_id(r->fast.reader, &la), *ib = pol_json_id(r->sax.reader, &lb);
    if ((ia == NULL) != (ib == NULL) || (ia != NULL && (la != lb || memcmp(ia, ib, la) != 0))) {
        show(line, len);
        fail_msg("id: simdjson reader %.*s, yajl %.*s", (int)la, ia ? ia : "(none)", (int)lb, ib ? ib : "(none)");
    }
    if (fast && a != POL_OK) {
        show(line, len);
        fail_msg("the simdjson reader kept a record that does not bind");
    }
    if (a == POL_OK) {
        pol_status ea = pol_evaluate(r->fast.ctx), eb = pol_evaluate(r->sax.ctx);
        assert_int_equal(ea, eb);
        r->fast.out.length = r->sax.out.length = 0;
        if (ea == POL_OK) {
            assert_int_equal(pol_json_write_decision(r->fast.reader, r->fast.ctx, &r->fast.out), POL_OK);
            assert_int_equal(pol_json_write_decision(r->sax.reader, r->sax.ctx, &r->sax.out), POL_OK);
            if (r->fast.out.length != r->sax.out.length || memcmp(r->fast.out.data, r->sax.out.data, r->sax.out.length) != 0) {
                show(line, len);
                fail_msg("decisions differ:\n  simdjson reader: %s\n  yajl:            %s", r->fast.out.data, r->sax.out.data);
            }
            r->decided++;
        }
    }
    r->taken_fast += (size_t)fast;
    return fast;
}

/* ---- mutations ---- */

static uint64_t next_random(uint64_t *seed) {
    *seed = *seed * 6364136223846793005u + 1442695040888963407u;
    return *seed >> 33;
}

static const char flips[] = "\"\\{}[],: \v\fx0-.eEnt+\x01\x7f";
static const char *const inserts[] = {
    "\\u0000", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\ud83d\\u0041", "\\u00e9", "\\u4E2D", "\\\"", "\\/", "\\x",
    "\\", ",\"id\":\"dup\"", ",\"level\":\"初级\"", "\"x\":[1,{\"a\":[]}],", "\"y\":{\"id\":[true,false,null]},",
    "01", "1e999", "-0", "1.", ".5", "1e", "-", "true", "nul", "truex", "{}", "[]", " ", "\t", "\v", "\f", "\r\n",
    "\xff", "\xc0\x80", "\xed\xa0\x80", "\xe4\xb8", "\x01", ",", ":", "\"\"", "\"a\"\"b\"", "9223372036854775808",
    "-9223372036854775809", "12345678901234567890.5", "1E+2", "2.5e-3",
};

static void check_mutations(run *r, const char *line, size_t len, uint64_t *seed) {
    char *buf = malloc(len + 2048);
    assert_non_null(buf);
    for (int m = 0; m < 24; m++) {
        size_t at = len > 0 ? (size_t)next_random(seed) % (len + 1) : 0, n = 0;
        switch (m % 6) {
        case 0: /* cut short */
            memcpy(buf, line, at);
            n = at;
            break;
        case 1: /* one byte changed */
            memcpy(buf, line, len);
            n = len;
            if (at < len) buf[at] = flips[next_random(seed) % (sizeof flips - 1)];
            break;
        case 2:
        case 3: { /* something put in, often inside a string or between fields */
            const char *in = inserts[next_random(seed) % (sizeof inserts / sizeof *inserts)];
            size_t il = strlen(in);
            if (m % 6 == 3) { /* right after a quote or a comma */
                const char *p = NULL;
                for (size_t k = at; k < len && p == NULL; k++)
                    if (line[k] == '"' || line[k] == ',') p = line + k + 1;
                if (p != NULL) at = (size_t)(p - line);
            }
            memcpy(buf, line, at);
            memcpy(buf + at, in, il);
            memcpy(buf + at + il, line + at, len - at);
            n = len + il;
            break;
        }
        case 4: { /* a key spelled with an escape: "id" as "\u0069d", "level" as "l\u0065vel" */
            const char *name = m % 12 == 4 ? "\"id\"" : "\"level\"";
            const char *key = memmem(line, len, name, strlen(name)); /* within this line only */
            if (key == NULL) continue;
            size_t k = (size_t)(key - line) + (m % 12 == 4 ? 1 : 2);
            memcpy(buf, line, k);
            n = k;
            n += (size_t)sprintf(buf + n, "\\u%04x", (unsigned char)line[k]);
            memcpy(buf + n, line + k + 1, len - k - 1);
            n += len - k - 1;
            break;
        }
        default: { /* nesting put in as an unknown field, deeper each time */
            size_t depth = 1 + (size_t)(m * 7) % 140, k = 0;
            if (len < 2 || line[0] != '{') continue;
            buf[k++] = '{';
            k += (size_t)sprintf(buf + k, "\"deep\":");
            for (size_t d = 0; d < depth; d++) { /* objects and arrays in turn: {"k":[{"k":[...]}]} */
                if (d % 2) {
                    buf[k++] = '[';
                } else {
                    memcpy(buf + k, "{\"k\":", 5);
                    k += 5;
                }
            }
            buf[k++] = '1';
            for (size_t d = depth; d-- > 0;) buf[k++] = d % 2 ? ']' : '}';
            buf[k++] = ',';
            memcpy(buf + k, line + 1, len - 1);
            n = k + len - 1;
            break;
        }
        }
        compare(r, buf, n);
    }
    free(buf);
}

/* many: mutate every line (the small default set), else one in eight (a generated file) */
static void check_lines(run *r, const char *text, size_t text_len, int many) {
    uint64_t seed = 20261205;
    size_t good = 0, good_fast = 0;
    for (const char *p = text, *end = text + text_len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL) nl = end;
        size_t len = (size_t)(nl - p);
        if (len > 0 && p[len - 1] == '\r') len--;
        r->lines++;
        int fast = compare(r, p, len);
        if (pol_json_bind(r->sax.reader, r->sax.ctx, p, len) == POL_OK) {
            good++;
            good_fast += (size_t)fast;
        }
        if (many || r->lines % 8 == 1) check_mutations(r, p, len, &seed);
        p = nl + 1;
    }
    /* every record that binds is bound by the simdjson reader, not left to yajl */
    assert_int_equal(good_fast, good);
}

static void test_same_outcome_as_yajl(void **state) {
    run *r = *state;
    const char *path = getenv("POL_JSON_RECORDS");
    if (path != NULL && path[0] != '\0') {
        size_t len;
        char *text = slurp(path, &len);
        if (text == NULL) fail_msg("cannot read %s", path);
        check_lines(r, text, len, 0);
        free(text);
    } else {
        for (size_t i = 0; i < sizeof default_files / sizeof *default_files; i++) {
            size_t len;
            char *text = slurp(default_files[i], &len);
            if (text == NULL) fail_msg("cannot read %s (run from the repository's top folder)", default_files[i]);
            check_lines(r, text, len, 1);
            free(text);
        }
    }
    fprintf(stderr, "test_json_fast: %zu lines, %zu variants compared, %zu taken by simdjson, %zu decided\n", r->lines,
            r->compared, r->taken_fast, r->decided);
    assert_true(r->decided > 0);
    /* both readers had their share of the mutated lines */
    assert_true(r->taken_fast * 10 > r->compared);
    assert_true((r->compared - r->taken_fast) * 10 > r->compared);
}

/* Shapes the simdjson reader takes itself, and shapes it must leave to yajl (each still decided the same). */
static void test_what_simdjson_takes(void **state) {
    run *r = *state;
    static const char *const taken[] = {
        "{\"id\":\"a\",\"level\":\"初级\"}",
        " {\"id\" : \"a\" , \"level\":\"初级\" , \"x\" : [ ] , \"y\" : { } } ",
        "{\"\\u0069d\":\"a\\u00e9\\ud83d\\ude00\\n\\\"\",\"level\":\"\\u521d\\u7ea7\"}",
        "{\"id\":\"a\",\"x\":{\"y\":[1,-0.5,2e10,true,false,null,\"s\\t\",{\"z\":{}}]}}",
    };
    static const char *const declined[] = {
        "{\"id\":\"a\",\"x\":\"\\u0000\"}", "{\"id\":\"a\",\"x\":\"\\udc00\"}", "{\"id\":\"a\",\"x\":\"\\ud800x\"}",
        "{\"id\":\"a\",\"x\":1\v}",        "{\"id\":\"a\"} {}",                 "{\"id\":\"a\",\"x\":01}",
        "{\"id\":\"a\",\"x\":[1,]}",       "{\"id\":\"a\",\"x\":tru}",          "[1]",
        "{\"id\":\"a\",\"level\":\"特级\"}", "{\"id\":\"a\",\"level\":\"初级\",\"level\":\"初级\"}", "",
        "{\"id\":\"a\",\"id\":\"b\"}", /* id is a field of the policy: a duplicate */
    };
    for (size_t i = 0; i < sizeof taken / sizeof *taken; i++)
        if (!compare(r, taken[i], strlen(taken[i]))) fail_msg("left to yajl: %s", taken[i]);
    for (size_t i = 0; i < sizeof declined / sizeof *declined; i++)
        if (compare(r, declined[i], strlen(declined[i]))) fail_msg("taken by simdjson: %s", declined[i]);
    /* a line longer than the buffers so far: they grow, and the next ones fit */
    size_t big = 200000;
    char *line = malloc(big + 64);
    assert_non_null(line);
    int n = sprintf(line, "{\"id\":\"long\",\"level\":\"初级\",\"x\":\"");
    memset(line + n, 'a', big);
    memcpy(line + n + big, "\"}", 3);
    assert_true(compare(r, line, strlen(line)));
    assert_true(compare(r, line, strlen(line)));
    free(line);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_what_simdjson_takes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_outcome_as_yajl, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
