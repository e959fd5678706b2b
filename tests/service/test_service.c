/* test_service.c: polserve's request handling without HTTP (service/decide.h, served_policy.h, workers.h,
 * decision_log.h, metrics.h): a decision is exactly pol_json_decide_line's bytes, each kind of bad body its code,
 * a batch fed in any chunking answers as the whole input decided line by line, overlong lines, the decision log's
 * lines, reloads that accept, refuse and keep the old program alive for the requests that hold it, and the metrics
 * text. Run as: test_service POLICY.pbc (the 2024 policy; the make file passes it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "decide.h"
#include "decision_log.h"
#include "metrics.h"
#include "pol_json.h"
#include "polc_api.h"
#include "served_policy.h"
#include "workers.h"

static const char *policy_path;
static char scratch[256]; /* a folder of this run's files */

/* examples/applicants.jsonl's A01, renamed T1 */
static const char record_ok[] =
    "{\"id\":\"T1\",\"specialty\":\"建设\",\"level\":\"高级\",\"region\":\"工业园区\",\"submitted_by\":\"本人\","
    "\"current_title_date\":\"2018-03-01\",\"ce\":[{\"year\":2019,\"hours\":24},{\"year\":2020,\"hours\":24},"
    "{\"year\":2021,\"hours\":24},{\"year\":2022,\"hours\":24}],\"papers\":[{\"title\":\"超高层钢结构施工监测\","
    "\"date\":\"2023-06-15\",\"similarity\":12.5}],\"self_assessment_uploaded\":true}";
static const char record_missing[] = "{\"id\":\"T2\",\"level\":\"中级\"}";
static const char record_not_json[] = "{\"id\": nope";

/* pol_json_decide_line's output for line on a fresh reader: what polvm writes */
static char *reference_answer(const pol_program *program, const char *line, size_t len, size_t line_no) {
    pol_json_reader *r;
    pol_context *ctx;
    pol_json_buffer out;
    assert_int_equal(pol_json_reader_new(program, NULL, &r), POL_OK);
    assert_int_equal(pol_context_new(program, &ctx), POL_OK);
    pol_json_buffer_init(&out, NULL);
    pol_json_decide_line(r, ctx, line, len, line_no, &out);
    char *copy = strndup(out.data, out.length);
    pol_json_buffer_free(&out);
    pol_context_free(ctx);
    pol_json_reader_free(r);
    return copy;
}

static policy_holder *open_policy(void) {
    char err[256];
    policy_holder *h = policy_holder_open(policy_path, err, sizeof err);
    if (h == NULL) fail_msg("%s", err);
    return h;
}

/* the 2024 policy served, its worker pool, and a request's reference to the program */
typedef struct served {
    policy_holder *h;
    worker_pool *pool;
    served_policy *p;
} served;

static int serve_policy(void **state) {
    served *f = calloc(1, sizeof *f);
    if (f == NULL) return -1;
    f->h = open_policy();
    f->pool = worker_pool_new(f->h);
    f->p = policy_holder_acquire(f->h);
    *state = f;
    return 0;
}

static int stop_serving(void **state) {
    served *f = *state;
    policy_holder_release(f->h, f->p);
    worker_pool_free(f->pool);
    policy_holder_close(f->h);
    free(f);
    return 0;
}

static void test_decide_answers_are_polvm_s(void **state) {
    served *f = *state;
    worker_pool *pool = f->pool;
    served_policy *p = f->p;
    metrics *m = metrics_new();
    struct { const char *body; int status; } cases[] = {
        {record_ok, 200}, {record_missing, 422}, {record_not_json, 400}, {"", 400}, {"[1,2]", 400}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        worker *w = worker_take(pool, p);
        assert_non_null(w);
        decide_answer a;
        service_decide(w, cases[i].body, strlen(cases[i].body), 0, NULL, m, &a);
        char *want = reference_answer(p->program, cases[i].body, strlen(cases[i].body), 1);
        if (a.status != cases[i].status) fail_msg("case %zu: %d, not %d: %s", i, a.status, cases[i].status, a.body);
        assert_int_equal(a.length, strlen(want));
        assert_memory_equal(a.body, want, a.length);
        assert_int_equal(a.body[a.length - 1], '\n');
        free(want);
        worker_give_back(pool, w);
    }
    /* a 422 names the field the contract wants */
    worker *w = worker_take(pool, p);
    decide_answer a;
    service_decide(w, record_missing, strlen(record_missing), 0, NULL, m, &a);
    assert_non_null(strstr(a.body, "\"id\":\"T2\""));
    assert_non_null(strstr(a.body, "specialty"));
    worker_give_back(pool, w);
    metrics_free(m);
}

static void test_explain_wraps_the_same_decision(void **state) {
    served *f = *state;
    worker_pool *pool = f->pool;
    served_policy *p = f->p;
    worker *w = worker_take(pool, p);
    decide_answer a;
    service_decide(w, record_ok, strlen(record_ok), 1, NULL, NULL, &a);
    assert_int_equal(a.status, 200);
    char err[200], *body = strndup(a.body, a.length);
    yajl_val v = yajl_tree_parse(body, err, sizeof err);
    if (v == NULL) fail_msg("not JSON: %s", err);
    const char *decision_path[] = {"decision", "status", NULL}, *explain_path[] = {"explain", NULL};
    yajl_val status = yajl_tree_get(v, decision_path, yajl_t_string);
    yajl_val events = yajl_tree_get(v, explain_path, yajl_t_array);
    assert_non_null(status);
    assert_non_null(events);
    assert_true(events->u.array.len > 10); /* every rule tried */
    const char *text_path[] = {"text", NULL};
    assert_non_null(yajl_tree_get(events->u.array.values[0], text_path, yajl_t_string));
    /* the decision inside is byte for byte the plain one */
    char *want = reference_answer(p->program, record_ok, strlen(record_ok), 1);
    want[strlen(want) - 1] = '\0';
    assert_non_null(strstr(body, want));
    free(want);
    yajl_tree_free(v);
    free(body);
    worker_give_back(pool, w);
}

/* a batch input: good, refused, not JSON, blank, a NUL inside, CRLF, and a last line without '\n' */
static const char batch_input[] = "%s\n%s\n%s\n\n   \n%s\r\n{\"id\":\"N\0UL\"}\n%s";

static size_t make_batch(char *buf, size_t size) {
    int n = snprintf(buf, size, "%s\n%s\n%s\n\n   \n%s\r\n", record_ok, record_missing, record_not_json, record_ok);
    size_t len = (size_t)n;
    memcpy(buf + len, "{\"id\":\"N\0UL\"}\n", 14);
    len += 14;
    len += (size_t)snprintf(buf + len, size - len, "%s", record_missing);
    (void)batch_input;
    return len;
}

static char *read_fd(int fd, size_t size) {
    char *data = malloc(size + 1);
    assert_non_null(data);
    assert_int_equal(read(fd, data, size), (ssize_t)size);
    data[size] = '\0';
    close(fd);
    return data;
}

static void test_batch_in_any_chunking_is_line_by_line(void **state) {
    served *f = *state;
    worker_pool *pool = f->pool;
    served_policy *p = f->p;
    char input[4096];
    size_t len = make_batch(input, sizeof input);
    /* the reference: each line decided alone, as polvm frames them */
    char want[16384] = "";
    size_t want_len = 0, line_no = 0;
    for (size_t start = 0; start <= len;) {
        const char *nl = memchr(input + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - input) : len;
        if (nl == NULL && end == start) break;
        char *answer = reference_answer(p->program, input + start, end - start, ++line_no);
        memcpy(want + want_len, answer, strlen(answer));
        want_len += strlen(answer);
        free(answer);
        start = end + 1;
    }
    assert_int_equal(line_no, 8);
    size_t chunkings[] = {1, 2, 3, 7, 64, 4096};
    for (size_t c = 0; c < sizeof chunkings / sizeof chunkings[0]; c++) {
        worker *w = worker_take(pool, p);
        char err[200];
        service_batch *b = service_batch_new(w, scratch, 1 << 20, err, sizeof err);
        assert_non_null(b);
        for (size_t at = 0; at < len; at += chunkings[c])
            assert_int_equal(service_batch_feed(b, input + at, len - at < chunkings[c] ? len - at : chunkings[c],
                                                NULL, NULL), 0);
        int fd;
        size_t size;
        assert_int_equal(service_batch_finish(b, NULL, NULL, &fd, &size), 0);
        assert_int_equal(service_batch_lines(b), 8);
        char *got = read_fd(fd, size);
        assert_int_equal(size, want_len);
        assert_memory_equal(got, want, want_len);
        free(got);
        service_batch_free(b);
        worker_give_back(pool, w);
    }
}

static void test_overlong_line_is_an_error_line(void **state) {
    served *f = *state;
    worker_pool *pool = f->pool;
    served_policy *p = f->p;
    worker *w = worker_take(pool, p);
    char err[200];
    service_batch *b = service_batch_new(w, scratch, 600, err, sizeof err);
    char big[1024];
    memset(big, ' ', sizeof big);
    big[0] = '{';
    big[sizeof big - 1] = '}';
    assert_int_equal(service_batch_feed(b, record_ok, strlen(record_ok), NULL, NULL), 0);
    assert_int_equal(service_batch_feed(b, "\n", 1, NULL, NULL), 0);
    for (int i = 0; i < 3; i++) assert_int_equal(service_batch_feed(b, big, sizeof big, NULL, NULL), 0);
    assert_int_equal(service_batch_feed(b, "\n", 1, NULL, NULL), 0);
    assert_int_equal(service_batch_feed(b, record_ok, strlen(record_ok), NULL, NULL), 0);
    int fd;
    size_t size;
    assert_int_equal(service_batch_finish(b, NULL, NULL, &fd, &size), 0);
    char *got = read_fd(fd, size);
    char *second = strchr(got, '\n') + 1, *third = strchr(second, '\n') + 1;
    static const char want[] = "{\"line\":2,\"id\":null,\"error\":\"line longer than 600 bytes (polserve --max-body)\"}\n";
    assert_int_equal((size_t)(third - second), strlen(want));
    assert_memory_equal(second, want, strlen(want));
    assert_non_null(strstr(third, "\"id\":\"T1\""));
    free(got);
    service_batch_free(b);
    worker_give_back(pool, w);
}

static size_t count_lines(const char *path) {
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = 0;
    int c;
    while ((c = fgetc(f)) != EOF) n += c == '\n';
    fclose(f);
    return n;
}

static void test_decision_log_holds_every_answer(void **state) {
    char path[300], err[200];
    snprintf(path, sizeof path, "%s/decisions.jsonl", scratch);
    unlink(path);
    decision_log *log = decision_log_open(path, 1, err, sizeof err);
    assert_non_null(log);
    served *f = *state;
    worker_pool *pool = f->pool;
    served_policy *p = f->p;
    worker *w = worker_take(pool, p);
    decide_answer a;
    service_decide(w, record_ok, strlen(record_ok), 0, log, NULL, &a);
    worker_give_back(pool, w);
    w = worker_take(pool, p);
    service_decide(w, record_missing, strlen(record_missing), 0, log, NULL, &a);
    worker_give_back(pool, w);
    assert_int_equal(count_lines(path), 2);
    /* a batch logs each line, numbered */
    w = worker_take(pool, p);
    service_batch *b = service_batch_new(w, scratch, 1 << 20, err, sizeof err);
    char input[4096];
    size_t len = make_batch(input, sizeof input);
    assert_int_equal(service_batch_feed(b, input, len, log, NULL), 0);
    int fd;
    size_t size;
    assert_int_equal(service_batch_finish(b, log, NULL, &fd, &size), 0);
    close(fd);
    service_batch_free(b);
    worker_give_back(pool, w);
    assert_int_equal(count_lines(path), 10);
    /* each line is JSON naming the policy, the record and the status */
    FILE *logged = fopen(path, "r");
    char line[8192];
    int n = 0;
    while (fgets(line, sizeof line, logged) != NULL) {
        yajl_val v = yajl_tree_parse(line, err, sizeof err);
        if (v == NULL) fail_msg("log line %d is not JSON: %s", n + 1, line);
        const char *policy[] = {"policy", NULL}, *status[] = {"status", NULL}, *id[] = {"id", NULL},
                   *decision[] = {"decision", NULL}, *lineno[] = {"line", NULL};
        assert_string_equal(YAJL_GET_STRING(yajl_tree_get(v, policy, yajl_t_string)), p->digest);
        const char *st = YAJL_GET_STRING(yajl_tree_get(v, status, yajl_t_string));
        assert_non_null(st);
        assert_non_null(yajl_tree_get(v, decision, yajl_t_object));
        if (n == 0) {
            assert_string_equal(YAJL_GET_STRING(yajl_tree_get(v, id, yajl_t_string)), "T1");
            assert_true(strcmp(st, "eligible") == 0 || strcmp(st, "ineligible") == 0);
        }
        if (n == 1) assert_string_equal(st, "error");
        if (n >= 2) assert_int_equal(YAJL_GET_INTEGER(yajl_tree_get(v, lineno, yajl_t_number)), n - 1);
        yajl_tree_free(v);
        n++;
    }
    fclose(logged);
    decision_log_close(log);
}

/* compile source to path through the compiler's library */
static void compile_to(const char *source, const char *path) {
    polc_result r;
    assert_int_equal(polc_compile("t.pol", source, strlen(source), NULL, &r), POLC_OK);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r.pbc, 1, r.pbc_size, f), r.pbc_size);
    fclose(f);
    polc_result_free(&r);
}

static const char small_policy[] = "policy \"t\" version \"%d\" year 2024\n"
                                   "enum 级别 { 初级 中级 }\n"
                                   "applicant { level: 级别 }\n"
                                   "clause 一 \"级别\" { warning when level == 中级 : \"中级\" }\n";

static void test_reload_accepts_refuses_and_keeps_the_old_alive(void **state) {
    (void)state;
    char path[300], source[512], err[256];
    snprintf(path, sizeof path, "%s/served.pbc", scratch);
    snprintf(source, sizeof source, small_policy, 1);
    compile_to(source, path);
    policy_holder *h = policy_holder_open(path, err, sizeof err);
    if (h == NULL) fail_msg("%s", err);
    worker_pool *pool = worker_pool_new(h);
    served_policy *first = policy_holder_acquire(h); /* a request in flight */
    assert_int_equal(first->generation, 1);
    worker *w = worker_take(pool, first);
    /* the same program again: nothing changes */
    assert_int_equal(policy_holder_reload(h, err, sizeof err), 0);
    /* a file that does not verify: refused, with the loader's reason; the first keeps serving */
    FILE *f = fopen(path, "r+b");
    fseek(f, 40, SEEK_SET);
    fputc(0x5a, f);
    fclose(f);
    assert_int_equal(policy_holder_reload(h, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    served_policy *now = policy_holder_acquire(h);
    assert_ptr_equal(now, first);
    policy_holder_release(h, now);
    /* a new version: served from now on, while the request in flight still decides with the first */
    snprintf(source, sizeof source, small_policy, 2);
    compile_to(source, path);
    assert_int_equal(policy_holder_reload(h, err, sizeof err), 1);
    now = policy_holder_acquire(h);
    assert_ptr_not_equal(now, first);
    assert_int_equal(now->generation, 2);
    assert_string_equal(pol_program_policy_version(now->program), "2");
    assert_string_equal(pol_program_policy_version(first->program), "1");
    decide_answer a;
    service_decide(w, "{\"level\":\"中级\"}", strlen("{\"level\":\"中级\"}"), 0, NULL, NULL, &a);
    assert_int_equal(a.status, 200);
    assert_string_not_equal(first->digest, now->digest);
    worker_give_back(pool, w); /* it lets go of the replaced program */
    /* a worker taken for the new program is rebuilt for it */
    w = worker_take(pool, now);
    assert_ptr_equal(w->policy, now);
    worker_give_back(pool, w);
    assert_int_equal(now->refs, 3); /* the holder's, ours, the idle worker's */
    /* the next reload: the idle worker lets go of the replaced program */
    snprintf(source, sizeof source, small_policy, 3);
    compile_to(source, path);
    assert_int_equal(policy_holder_reload(h, err, sizeof err), 1);
    assert_int_equal(now->refs, 2); /* ours and the idle worker's */
    worker_pool_drop_stale(pool);
    assert_int_equal(now->refs, 1);
    policy_holder_release(h, first); /* the last reference: the first program is freed (ASan checks) */
    policy_holder_release(h, now);
    /* a file gone is refused too */
    unlink(path);
    assert_int_equal(policy_holder_reload(h, err, sizeof err), -1);
    worker_pool_free(pool);
    policy_holder_close(h);
}

static void test_metrics_text(void **state) {
    (void)state;
    policy_holder *h = open_policy();
    served_policy *p = policy_holder_acquire(h);
    metrics *m = metrics_new();
    metrics_request(m, ENDPOINT_DECIDE, 200, 0.0003);
    metrics_request(m, ENDPOINT_DECIDE, 200, 0.002);
    metrics_request(m, ENDPOINT_DECIDE, 422, 0.0001);
    metrics_request(m, ENDPOINT_OTHER, 404, 0.00001);
    metrics_decision(m, "eligible", 8);
    metrics_decision(m, "eligible", 8);
    metrics_decision(m, NULL, 0);
    metrics_reload(m, 0);
    try_text t = {0};
    metrics_render(m, p, &t);
    assert_false(t.failed);
    const char *want[] = {
        "pol_requests_total{endpoint=\"decide\",code=\"200\"} 2\n",
        "pol_requests_total{endpoint=\"decide\",code=\"422\"} 1\n",
        "pol_requests_total{endpoint=\"other\",code=\"404\"} 1\n",
        "pol_decisions_total{status=\"eligible\"} 2\n",
        "pol_decisions_total{status=\"error\"} 1\n",
        "pol_request_duration_seconds_bucket{endpoint=\"decide\",le=\"0.00025\"} 1\n",
        "pol_request_duration_seconds_bucket{endpoint=\"decide\",le=\"0.0005\"} 2\n",
        "pol_request_duration_seconds_bucket{endpoint=\"decide\",le=\"+Inf\"} 3\n",
        "pol_request_duration_seconds_count{endpoint=\"decide\"} 3\n",
        "pol_reloads_total{result=\"refused\"} 1\n",
        "# TYPE pol_request_duration_seconds histogram\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (strstr(t.data, want[i]) == NULL) fail_msg("missing: %s\nin:\n%s", want[i], t.data);
    char digest_line[128];
    snprintf(digest_line, sizeof digest_line, "digest=\"%s\"} 1\n", p->digest);
    assert_non_null(strstr(t.data, digest_line));
    try_text_free(&t);
    metrics_free(m);
    policy_holder_release(h, p);
    policy_holder_close(h);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: test_service POLICY.pbc\n");
        return 2;
    }
    policy_path = argv[1];
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/test_service-XXXXXX", tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
    if (mkdtemp(scratch) == NULL) return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_decide_answers_are_polvm_s, serve_policy, stop_serving),
        cmocka_unit_test_setup_teardown(test_explain_wraps_the_same_decision, serve_policy, stop_serving),
        cmocka_unit_test_setup_teardown(test_batch_in_any_chunking_is_line_by_line, serve_policy, stop_serving),
        cmocka_unit_test_setup_teardown(test_overlong_line_is_an_error_line, serve_policy, stop_serving),
        cmocka_unit_test_setup_teardown(test_decision_log_holds_every_answer, serve_policy, stop_serving),
        cmocka_unit_test(test_reload_accepts_refuses_and_keeps_the_old_alive),
        cmocka_unit_test(test_metrics_text),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
    if (system(cmd) != 0) fprintf(stderr, "test_service: could not remove %s\n", scratch);
    return failed;
}
