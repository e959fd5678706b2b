/* http_server.h: polserve's HTTP side, on libmicrohttpd (doc/service.md says why that library): a thread pool
 * on epoll, each request routed to its endpoint, its body collected within the limits, its answer sent with
 * the digest of the program that decided it (Pol-Policy-Digest), and every connection held to the request time
 * limit, so a client that trickles bytes is cut off. */
#ifndef SERVICE_HTTP_SERVER_H
#define SERVICE_HTTP_SERVER_H

#include <stddef.h>

#include "decision_log.h"
#include "metrics.h"
#include "served_policy.h"
#include "try.h"

typedef struct service_limits {
    unsigned threads;           /* [cores] worker threads of the pool */
    unsigned max_connections;   /* [1024] connections at once; more are refused at accept */
    size_t max_body;            /* [1 MiB] a /v1/decide body, and one line of a batch */
    size_t max_batch;           /* [0: none] a /v1/decide/batch body */
    unsigned request_seconds;   /* [30] from a request's first byte to its whole body; a batch that keeps
                                 * sending at least 64 KiB per period gets another period */
    unsigned idle_seconds;      /* [15] a connection with nothing to read or write is closed */
} service_limits;

typedef struct http_server http_server;

/* Listen on host:port (port 0: any free one) and serve. log may be NULL. NULL with err on failure. */
http_server *http_server_start(const char *host, unsigned port, const service_limits *limits,
                               policy_holder *policies, decision_log *log, service_try *try_pages,
                               const char *spool_dir, char *err, size_t errlen);
unsigned http_server_port(const http_server *s);
metrics *http_server_metrics(http_server *s);
/* Close the connections past their request time limit; the caller calls it a few times a second. */
void http_server_cut_slow(http_server *s);
/* After a reload: let the idle deciding states go of the replaced program. */
void http_server_policy_changed(http_server *s);
/* Stop accepting, finish the requests in flight, free. */
void http_server_stop(http_server *s);

#endif
