/* http_server.c: routing, bodies, limits and answers over libmicrohttpd (http_server.h). */
#include "http_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "decide.h"
#include "pages.h"
#include "workers.h"

/* A batch that keeps sending at least this much per request period gets another period. */
#define BATCH_PROGRESS_BYTES (64u * 1024u)

/* One TCP connection, for the request time limit: MHD has an idle timeout, but none for a whole request. */
typedef struct connection_watch {
    int fd;
    double deadline; /* monotonic seconds; 0 while an answer is being sent or nothing is asked */
    double opened;
    int cut;
    struct connection_watch *prev, *next;
} connection_watch;

struct http_server {
    struct MHD_Daemon *daemon;
    service_limits limits;
    policy_holder *policies;
    decision_log *log;
    service_try *try_pages;
    worker_pool *workers;
    metrics *counters;
    const char *spool_dir;
    unsigned port;
    pthread_mutex_t watch_lock;
    connection_watch *watched;
};

typedef struct request {
    endpoint where;
    double started;
    served_policy *policy; /* the program this request is decided with, to its end */
    worker *w;
    connection_watch *watch;
    int explain;
    int too_large;         /* the body passed its limit: dropped, answered 413 at its end */
    int answered;
    int status;
    try_text body;
    service_batch *batch;
    size_t received, received_at_extension;
} request;

static double monotonic_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- answers ---- */

static enum MHD_Result send_answer(struct MHD_Connection *c, request *r, int status, const char *body, size_t len,
                                   const char *content_type, enum MHD_ResponseMemoryMode mode) {
    struct MHD_Response *response = MHD_create_response_from_buffer(len, (void *)body, mode);
    if (response == NULL) return MHD_NO;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    if (r->policy != NULL) MHD_add_response_header(response, "Pol-Policy-Digest", r->policy->digest);
    if (status == 405)
        MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW,
                                r->where == ENDPOINT_POLICY || r->where == ENDPOINT_SCHEMA ||
                                        r->where == ENDPOINT_HEALTHZ || r->where == ENDPOINT_METRICS ||
                                        r->where == ENDPOINT_PAGE
                                    ? "GET, HEAD"
                                    : "POST");
    enum MHD_Result queued = MHD_queue_response(c, (unsigned)status, response);
    MHD_destroy_response(response);
    r->answered = 1;
    r->status = status;
    if (r->watch != NULL) r->watch->deadline = 0; /* sending is held to the idle timeout only */
    return queued;
}

static const char JSON[] = "application/json; charset=utf-8";

static enum MHD_Result send_error(struct MHD_Connection *c, request *r, int status, const char *message) {
    try_text t = {0};
    try_text_puts(&t, "{\"error\":");
    try_text_json_string(&t, message, strlen(message));
    try_text_puts(&t, "}\n");
    enum MHD_Result result = t.failed ? send_answer(c, r, 500, "{\"error\":\"out of memory\"}\n", 26, JSON,
                                                    MHD_RESPMEM_PERSISTENT)
                                      : send_answer(c, r, status, t.data, t.length, JSON, MHD_RESPMEM_MUST_COPY);
    try_text_free(&t);
    return result;
}

/* ---- routing ---- */

typedef struct route {
    const char *path;
    endpoint where;
    int post; /* 1: POST, 0: GET (and HEAD) */
} route;

static const route routes[] = {
    {"/v1/decide", ENDPOINT_DECIDE, 1},       {"/v1/decide/batch", ENDPOINT_BATCH, 1},
    {"/v1/policy", ENDPOINT_POLICY, 0},       {"/v1/schema", ENDPOINT_SCHEMA, 0},
    {"/healthz", ENDPOINT_HEALTHZ, 0},        {"/metrics", ENDPOINT_METRICS, 0},
    {"/v1/try/compile", ENDPOINT_TRY_COMPILE, 1}, {"/v1/try/decide", ENDPOINT_TRY_DECIDE, 1},
};

static const route *find_route(const char *url) {
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (strcmp(url, routes[i].path) == 0) return &routes[i];
    return NULL;
}

static int is_get(const char *method) { return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0; }

static size_t body_limit(const http_server *s, endpoint where) {
    if (where == ENDPOINT_TRY_COMPILE || where == ENDPOINT_TRY_DECIDE) return 8u << 20; /* service_try's own */
    if (where == ENDPOINT_BATCH) return s->limits.max_batch;                           /* 0: none */
    return s->limits.max_body;
}

static int truthy(const char *v) {
    return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 || v[0] == '\0');
}

/* The first call for a request: its endpoint, its program, and the answers that need no body. */
static enum MHD_Result begin(http_server *s, struct MHD_Connection *c, request *r, const char *url,
                             const char *method) {
    const route *rt = find_route(url);
    if (rt == NULL) {
        if (is_get(method) && service_pages_find(url, strlen(url)) != NULL) {
            r->where = ENDPOINT_PAGE;
            return MHD_YES;
        }
        r->where = ENDPOINT_OTHER;
        return send_error(c, r, 404, "no such path (see GET /v1/policy, POST /v1/decide, doc/service.md)");
    }
    r->where = rt->where;
    if (rt->post ? strcmp(method, "POST") != 0 : !is_get(method)) {
        char message[96];
        snprintf(message, sizeof message, "%s wants %s, not %s", rt->path, rt->post ? "POST" : "GET", method);
        return send_error(c, r, 405, message);
    }
    if (rt->post) {
        const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        size_t limit = body_limit(s, r->where);
        if (length != NULL && limit > 0 && strtoull(length, NULL, 10) > limit) {
            char message[96];
            snprintf(message, sizeof message, "the body is over the limit of %zu bytes", limit);
            return send_error(c, r, 413, message);
        }
        r->explain = truthy(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "explain"));
    }
    if (r->where == ENDPOINT_DECIDE || r->where == ENDPOINT_BATCH) {
        if ((r->w = worker_take(s->workers, r->policy)) == NULL) return send_error(c, r, 500, "out of memory");
        if (r->where == ENDPOINT_BATCH) {
            char err[200];
            if ((r->batch = service_batch_new(r->w, s->spool_dir, s->limits.max_body, err, sizeof err)) == NULL)
                return send_error(c, r, 500, err);
        }
    }
    return MHD_YES;
}

/* Some bytes of the body. */
static void take_body(http_server *s, request *r, const char *data, size_t len) {
    r->received += len;
    size_t limit = body_limit(s, r->where);
    if (r->too_large || (limit > 0 && r->received > limit)) {
        r->too_large = 1;
        return;
    }
    if (r->batch != NULL) {
        service_batch_feed(r->batch, data, len, s->log, s->counters);
        if (r->watch != NULL && r->received - r->received_at_extension >= BATCH_PROGRESS_BYTES) {
            r->received_at_extension = r->received;
            r->watch->deadline = monotonic_seconds() + s->limits.request_seconds;
        }
        return;
    }
    try_text_append(&r->body, data, len);
}

static enum MHD_Result answer_try(struct MHD_Connection *c, http_server *s, request *r) {
    service_try_answer a = {0};
    if (r->where == ENDPOINT_TRY_COMPILE)
        service_try_compile(s->try_pages, r->body.data ? r->body.data : "", r->body.length, &a);
    else
        service_try_decide(s->try_pages, r->body.data ? r->body.data : "", r->body.length, &a);
    enum MHD_Result result = a.body != NULL ? send_answer(c, r, a.status, a.body, a.length, JSON, MHD_RESPMEM_MUST_COPY)
                                            : send_error(c, r, 500, "out of memory");
    service_try_answer_free(&a);
    return result;
}

static enum MHD_Result answer_batch(struct MHD_Connection *c, http_server *s, request *r) {
    int fd;
    size_t size;
    if (service_batch_finish(r->batch, s->log, s->counters, &fd, &size) != 0)
        return send_error(c, r, 500, service_batch_error(r->batch));
    struct MHD_Response *response = MHD_create_response_from_fd((uint64_t)size, fd); /* MHD closes fd */
    if (response == NULL) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/x-ndjson; charset=utf-8");
    MHD_add_response_header(response, "Pol-Policy-Digest", r->policy->digest);
    char lines[32];
    snprintf(lines, sizeof lines, "%zu", service_batch_lines(r->batch));
    MHD_add_response_header(response, "Pol-Lines", lines);
    enum MHD_Result queued = MHD_queue_response(c, MHD_HTTP_OK, response);
    MHD_destroy_response(response);
    r->answered = 1;
    r->status = 200;
    if (r->watch != NULL) r->watch->deadline = 0;
    return queued;
}

/* The whole body is here: answer. */
static enum MHD_Result finish(http_server *s, struct MHD_Connection *c, request *r) {
    if (r->too_large) {
        char message[96];
        snprintf(message, sizeof message, "the body is over the limit of %zu bytes", body_limit(s, r->where));
        return send_error(c, r, 413, message);
    }
    if (r->body.failed) return send_error(c, r, 500, "out of memory");
    switch (r->where) {
    case ENDPOINT_DECIDE: {
        decide_answer a;
        service_decide(r->w, r->body.data ? r->body.data : "", r->body.length, r->explain, s->log, s->counters, &a);
        return send_answer(c, r, a.status, a.body, a.length, JSON, MHD_RESPMEM_MUST_COPY);
    }
    case ENDPOINT_BATCH: return answer_batch(c, s, r);
    case ENDPOINT_POLICY:
        return send_answer(c, r, 200, r->policy->info_json, r->policy->info_length, JSON, MHD_RESPMEM_MUST_COPY);
    case ENDPOINT_SCHEMA:
        return send_answer(c, r, 200, r->policy->schema_json, r->policy->schema_length, JSON, MHD_RESPMEM_MUST_COPY);
    case ENDPOINT_HEALTHZ: {
        char body[160];
        int n = snprintf(body, sizeof body, "{\"status\":\"ok\",\"policy\":\"%s\",\"generation\":%lu}\n",
                         r->policy->digest, r->policy->generation);
        return send_answer(c, r, 200, body, (size_t)n, JSON, MHD_RESPMEM_MUST_COPY);
    }
    case ENDPOINT_METRICS: {
        try_text t = {0};
        metrics_render(s->counters, r->policy, &t);
        enum MHD_Result result = t.failed ? send_error(c, r, 500, "out of memory")
                                          : send_answer(c, r, 200, t.data, t.length,
                                                        "text/plain; version=0.0.4; charset=utf-8",
                                                        MHD_RESPMEM_MUST_COPY);
        try_text_free(&t);
        return result;
    }
    case ENDPOINT_TRY_COMPILE:
    case ENDPOINT_TRY_DECIDE: return answer_try(c, s, r);
    case ENDPOINT_PAGE: /* answered in on_request, which has the URL */
    default: return send_error(c, r, 404, "no such path");
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **request_state) {
    (void)version;
    http_server *s = cls;
    request *r = *request_state;
    if (r == NULL) {
        if ((r = calloc(1, sizeof *r)) == NULL) return MHD_NO;
        *request_state = r;
        r->started = monotonic_seconds();
        r->policy = policy_holder_acquire(s->policies);
        const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        r->watch = info != NULL ? info->socket_context : NULL;
        return begin(s, c, r, url, method);
    }
    if (r->answered) { /* answered early (404, 405, 413 on Content-Length): the rest of the body is dropped */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        take_body(s, r, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->where == ENDPOINT_PAGE) {
        const service_page *page = service_pages_find(url, strlen(url));
        if (page == NULL) return send_error(c, r, 404, "no such page");
        return send_answer(c, r, 200, (const char *)page->bytes, page->length, page->content_type,
                           MHD_RESPMEM_PERSISTENT);
    }
    return finish(s, c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **request_state,
                         enum MHD_RequestTerminationCode why) {
    (void)c;
    http_server *s = cls;
    request *r = *request_state;
    if (r == NULL) return;
    metrics_request(s->counters, r->where, r->answered && why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? r->status : 0,
                    monotonic_seconds() - r->started);
    service_batch_free(r->batch);
    worker_give_back(s->workers, r->w);
    policy_holder_release(s->policies, r->policy);
    try_text_free(&r->body);
    /* the next request on this connection has its own period */
    if (r->watch != NULL) r->watch->deadline = monotonic_seconds() + s->limits.request_seconds;
    free(r);
    *request_state = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode what) {
    http_server *s = cls;
    if (what == MHD_CONNECTION_NOTIFY_STARTED) {
        connection_watch *w = calloc(1, sizeof *w);
        if (w == NULL) return;
        const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        w->fd = info != NULL ? info->connect_fd : -1;
        w->opened = monotonic_seconds();
        w->deadline = w->opened + s->limits.request_seconds;
        pthread_mutex_lock(&s->watch_lock);
        w->next = s->watched;
        if (s->watched != NULL) s->watched->prev = w;
        s->watched = w;
        pthread_mutex_unlock(&s->watch_lock);
        *socket_context = w;
    } else if (*socket_context != NULL) {
        /* MHD closes the socket after this returns, so a cut under the same lock never reaches a reused fd */
        connection_watch *w = *socket_context;
        pthread_mutex_lock(&s->watch_lock);
        if (w->prev != NULL) w->prev->next = w->next;
        else s->watched = w->next;
        if (w->next != NULL) w->next->prev = w->prev;
        pthread_mutex_unlock(&s->watch_lock);
        free(w);
        *socket_context = NULL;
    }
}

void http_server_cut_slow(http_server *s) {
    double now = monotonic_seconds();
    pthread_mutex_lock(&s->watch_lock);
    for (connection_watch *w = s->watched; w != NULL; w = w->next) {
        double deadline = w->deadline;
        if (!w->cut && w->fd >= 0 && deadline > 0 && now > deadline) {
            shutdown(w->fd, SHUT_RDWR); /* MHD sees the connection end and cleans it up */
            fprintf(stderr, "polserve: closed a connection open %.1f s, over --request-timeout %u s\n",
                    now - w->opened, s->limits.request_seconds);
            w->cut = 1;
            metrics_connection_cut(s->counters);
        }
    }
    pthread_mutex_unlock(&s->watch_lock);
}

static void log_from_mhd(void *cls, const char *format, va_list ap) {
    (void)cls;
    fputs("polserve: http: ", stderr);
    vfprintf(stderr, format, ap);
}

http_server *http_server_start(const char *host, unsigned port, const service_limits *limits,
                               policy_holder *policies, decision_log *log, service_try *try_pages,
                               const char *spool_dir, char *err, size_t errlen) {
    struct sockaddr_storage address;
    memset(&address, 0, sizeof address);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST};
    struct addrinfo *found = NULL;
    char service_port[16];
    snprintf(service_port, sizeof service_port, "%u", port);
    int gai = getaddrinfo(host, service_port, &hints, &found);
    if (gai != 0 || found == NULL || found->ai_addrlen > sizeof address) {
        snprintf(err, errlen, "cannot listen on '%s': %s (give a numeric address, e.g. 127.0.0.1 or ::1)", host,
                 gai != 0 ? gai_strerror(gai) : "no address");
        if (found != NULL) freeaddrinfo(found);
        return NULL;
    }
    memcpy(&address, found->ai_addr, found->ai_addrlen);
    int ipv6 = found->ai_family == AF_INET6;
    freeaddrinfo(found);

    http_server *s = calloc(1, sizeof *s);
    if (s == NULL || (s->workers = worker_pool_new(policies)) == NULL || (s->counters = metrics_new()) == NULL) {
        if (s != NULL) {
            worker_pool_free(s->workers);
            free(s);
        }
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->limits = *limits;
    s->policies = policies;
    s->log = log;
    s->try_pages = try_pages;
    s->spool_dir = spool_dir;
    pthread_mutex_init(&s->watch_lock, NULL);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     (ipv6 ? MHD_USE_IPv6 : 0);
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, log_from_mhd, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)limits->threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)limits->max_connections, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)limits->idle_seconds,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128u * 1024u), MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_END);
    if (s->daemon == NULL) {
        snprintf(err, errlen, "cannot listen on %s port %u (in use, or not an address of this machine)", host, port);
        http_server_stop(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info != NULL ? info->port : port;
    return s;
}

void http_server_policy_changed(http_server *s) { worker_pool_drop_stale(s->workers); }

unsigned http_server_port(const http_server *s) { return s->port; }
metrics *http_server_metrics(http_server *s) { return s->counters; }

void http_server_stop(http_server *s) {
    if (s == NULL) return;
    if (s->daemon != NULL) MHD_stop_daemon(s->daemon);
    worker_pool_free(s->workers);
    metrics_free(s->counters);
    pthread_mutex_destroy(&s->watch_lock);
    free(s);
}
