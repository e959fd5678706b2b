/* metrics.c: the counters and their Prometheus text exposition (metrics.h). */
#include "metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* the codes polserve answers with; any other is counted as "other" */
static const int known_codes[] = {200, 400, 404, 405, 408, 413, 422, 500, 503};
#define CODE_COUNT (sizeof known_codes / sizeof known_codes[0] + 1)

/* latency buckets, seconds: from a cached decision's tens of microseconds to a long batch */
static const double bucket_bounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                       0.25, 0.5, 1, 2.5, 10, 60};
#define BUCKET_COUNT (sizeof bucket_bounds / sizeof bucket_bounds[0])

/* decision statuses are the policy's own words; a few distinct ones are expected, more are "other" */
#define STATUS_SLOTS 15

typedef struct status_count {
    char name[48];
    atomic_ulong count;
} status_count;

struct metrics {
    atomic_ulong requests[ENDPOINT_COUNT][CODE_COUNT];
    atomic_ulong latency_buckets[ENDPOINT_COUNT][BUCKET_COUNT]; /* not cumulative; summed when rendered */
    atomic_ulong latency_count[ENDPOINT_COUNT];
    atomic_ullong latency_sum_ns[ENDPOINT_COUNT];
    pthread_mutex_t status_lock; /* only to add a status name */
    atomic_int status_used;
    status_count statuses[STATUS_SLOTS];
    atomic_ulong decisions_error, decisions_other;
    atomic_ulong reloads_accepted, reloads_refused, connections_cut;
};

static const char *const endpoint_names[ENDPOINT_COUNT] = {
    "decide", "decide_batch", "policy", "schema", "healthz", "metrics", "page", "try_compile", "try_decide", "other"};

const char *endpoint_name(endpoint e) { return e < ENDPOINT_COUNT ? endpoint_names[e] : "other"; }

metrics *metrics_new(void) {
    metrics *m = calloc(1, sizeof *m);
    if (m != NULL) pthread_mutex_init(&m->status_lock, NULL);
    return m;
}

void metrics_free(metrics *m) {
    if (m == NULL) return;
    pthread_mutex_destroy(&m->status_lock);
    free(m);
}

static size_t code_index(int code) {
    for (size_t i = 0; i + 1 < CODE_COUNT; i++)
        if (known_codes[i] == code) return i;
    return CODE_COUNT - 1;
}

void metrics_request(metrics *m, endpoint e, int http_status, double seconds) {
    if (e >= ENDPOINT_COUNT) e = ENDPOINT_OTHER;
    atomic_fetch_add_explicit(&m->requests[e][code_index(http_status)], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < BUCKET_COUNT && seconds > bucket_bounds[b]) b++;
    if (b < BUCKET_COUNT) atomic_fetch_add_explicit(&m->latency_buckets[e][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_count[e], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_sum_ns[e], (unsigned long long)(seconds * 1e9), memory_order_relaxed);
}

void metrics_decision(metrics *m, const char *status, size_t len) {
    if (status == NULL) {
        atomic_fetch_add_explicit(&m->decisions_error, 1, memory_order_relaxed);
        return;
    }
    int used = atomic_load_explicit(&m->status_used, memory_order_acquire);
    for (int i = 0; i < used; i++)
        if (strlen(m->statuses[i].name) == len && memcmp(m->statuses[i].name, status, len) == 0) {
            atomic_fetch_add_explicit(&m->statuses[i].count, 1, memory_order_relaxed);
            return;
        }
    pthread_mutex_lock(&m->status_lock);
    used = atomic_load_explicit(&m->status_used, memory_order_relaxed);
    int found = -1;
    for (int i = 0; i < used && found < 0; i++)
        if (strlen(m->statuses[i].name) == len && memcmp(m->statuses[i].name, status, len) == 0) found = i;
    if (found < 0 && used < STATUS_SLOTS && len < sizeof m->statuses[0].name) {
        memcpy(m->statuses[used].name, status, len);
        m->statuses[used].name[len] = '\0';
        found = used;
        atomic_store_explicit(&m->status_used, used + 1, memory_order_release);
    }
    pthread_mutex_unlock(&m->status_lock);
    if (found >= 0) atomic_fetch_add_explicit(&m->statuses[found].count, 1, memory_order_relaxed);
    else atomic_fetch_add_explicit(&m->decisions_other, 1, memory_order_relaxed);
}

void metrics_reload(metrics *m, int accepted) {
    atomic_fetch_add_explicit(accepted ? &m->reloads_accepted : &m->reloads_refused, 1, memory_order_relaxed);
}

void metrics_connection_cut(metrics *m) { atomic_fetch_add_explicit(&m->connections_cut, 1, memory_order_relaxed); }

static unsigned long load(atomic_ulong *c) { return atomic_load_explicit(c, memory_order_relaxed); }

void metrics_render(metrics *m, const served_policy *policy, try_text *out) {
    try_text_puts(out, "# HELP pol_requests_total HTTP requests answered, by endpoint and status code.\n"
                       "# TYPE pol_requests_total counter\n");
    for (int e = 0; e < ENDPOINT_COUNT; e++)
        for (size_t c = 0; c < CODE_COUNT; c++) {
            unsigned long n = load(&m->requests[e][c]);
            if (n == 0) continue;
            if (c + 1 < CODE_COUNT)
                try_text_printf(out, "pol_requests_total{endpoint=\"%s\",code=\"%d\"} %lu\n", endpoint_names[e],
                                known_codes[c], n);
            else
                try_text_printf(out, "pol_requests_total{endpoint=\"%s\",code=\"other\"} %lu\n", endpoint_names[e], n);
        }
    try_text_puts(out, "# HELP pol_decisions_total Records decided, by the decision's status (error: a record "
                       "the contract refused).\n# TYPE pol_decisions_total counter\n");
    int used = atomic_load_explicit(&m->status_used, memory_order_acquire);
    for (int i = 0; i < used; i++) {
        try_text_puts(out, "pol_decisions_total{status=");
        try_text_json_string(out, m->statuses[i].name, strlen(m->statuses[i].name));
        try_text_printf(out, "} %lu\n", load(&m->statuses[i].count));
    }
    try_text_printf(out, "pol_decisions_total{status=\"error\"} %lu\n", load(&m->decisions_error));
    if (load(&m->decisions_other) > 0)
        try_text_printf(out, "pol_decisions_total{status=\"other\"} %lu\n", load(&m->decisions_other));
    try_text_puts(out, "# HELP pol_request_duration_seconds Time from a request's headers to its answer sent.\n"
                       "# TYPE pol_request_duration_seconds histogram\n");
    for (int e = 0; e < ENDPOINT_COUNT; e++) {
        unsigned long count = load(&m->latency_count[e]);
        if (count == 0) continue;
        unsigned long cumulative = 0;
        for (size_t b = 0; b < BUCKET_COUNT; b++) {
            cumulative += load(&m->latency_buckets[e][b]);
            try_text_printf(out, "pol_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %lu\n",
                            endpoint_names[e], bucket_bounds[b], cumulative);
        }
        try_text_printf(out, "pol_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %lu\n",
                        endpoint_names[e], count);
        try_text_printf(out, "pol_request_duration_seconds_sum{endpoint=\"%s\"} %.9f\n", endpoint_names[e],
                        (double)atomic_load_explicit(&m->latency_sum_ns[e], memory_order_relaxed) / 1e9);
        try_text_printf(out, "pol_request_duration_seconds_count{endpoint=\"%s\"} %lu\n", endpoint_names[e], count);
    }
    try_text_printf(out, "# HELP pol_reloads_total Policy reloads (SIGHUP, --watch), by result.\n"
                         "# TYPE pol_reloads_total counter\n"
                         "pol_reloads_total{result=\"accepted\"} %lu\npol_reloads_total{result=\"refused\"} %lu\n",
                    load(&m->reloads_accepted), load(&m->reloads_refused));
    try_text_printf(out, "# HELP pol_connections_cut_total Connections closed for being slower than the request "
                         "time limit.\n# TYPE pol_connections_cut_total counter\npol_connections_cut_total %lu\n",
                    load(&m->connections_cut));
    try_text_puts(out, "# HELP pol_policy_info The program being served (value 1).\n# TYPE pol_policy_info gauge\n"
                       "pol_policy_info{name=");
    const char *name = pol_program_name(policy->program), *version = pol_program_policy_version(policy->program);
    try_text_json_string(out, name, strlen(name));
    try_text_puts(out, ",version=");
    try_text_json_string(out, version, strlen(version));
    try_text_printf(out, ",digest=\"%s\"} 1\n", policy->digest);
    try_text_printf(out, "# HELP pol_policy_generation 1 for the program served at start, +1 per accepted reload.\n"
                         "# TYPE pol_policy_generation gauge\npol_policy_generation %lu\n", policy->generation);
}
