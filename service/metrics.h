/* metrics.h: polserve's counters for GET /metrics, in the Prometheus text format (version 0.0.4): requests by
 * endpoint and status code, decisions by status, a latency histogram by endpoint, reloads, connections cut for
 * being too slow, and the program being served. Lock-free counters on the request path. */
#ifndef SERVICE_METRICS_H
#define SERVICE_METRICS_H

#include <stddef.h>

#include "served_policy.h"
#include "try_text.h"

typedef enum endpoint {
    ENDPOINT_DECIDE, ENDPOINT_BATCH, ENDPOINT_POLICY, ENDPOINT_SCHEMA, ENDPOINT_HEALTHZ, ENDPOINT_METRICS,
    ENDPOINT_PAGE, ENDPOINT_TRY_COMPILE, ENDPOINT_TRY_DECIDE, ENDPOINT_OTHER, ENDPOINT_COUNT
} endpoint;

const char *endpoint_name(endpoint e); /* the label: "decide", "decide_batch", ... */

typedef struct metrics metrics;

metrics *metrics_new(void);
void metrics_free(metrics *m);

void metrics_request(metrics *m, endpoint e, int http_status, double seconds);
/* one decision (status NULL: an error line) */
void metrics_decision(metrics *m, const char *status, size_t len);
void metrics_reload(metrics *m, int accepted);
void metrics_connection_cut(metrics *m);

/* The whole exposition, policy being the program served now. */
void metrics_render(metrics *m, const served_policy *policy, try_text *out);

#endif
