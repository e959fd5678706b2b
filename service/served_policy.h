/* served_policy.h: the program polserve serves, counted so that a reload swaps it without downtime: each request
 * takes a reference to the program current when it starts and decides with it to the end; the old program is
 * freed when its last request finishes. A file that fails to load or verify is refused and the current program
 * keeps serving. */
#ifndef SERVICE_SERVED_POLICY_H
#define SERVICE_SERVED_POLICY_H

#include <stddef.h>

#include "pol.h"

/* One loaded program and what every response about it needs, made once at load. Immutable but for refs. */
typedef struct served_policy {
    pol_program *program;
    char digest[65];       /* hex SHA-256 of the .pbc contents: the Pol-Policy-Digest header, the log's "policy" */
    char *info_json;       /* GET /v1/policy (pol_json_write_program_info), NUL-terminated */
    size_t info_length;
    char *schema_json;     /* GET /v1/schema (pol_json_write_schema) */
    size_t schema_length;
    int status_output;     /* pol_output_index of "status", or -1: decisions are counted by it */
    unsigned long generation; /* 1 for the first program served, +1 per reload */
    int refs;              /* under the holder's lock */
} served_policy;

typedef struct policy_holder policy_holder;

/* Load path; NULL with the reason in err when it does not load or verify (or out of memory). */
policy_holder *policy_holder_open(const char *path, char *err, size_t errlen);
void policy_holder_close(policy_holder *h); /* after every reference was released */

/* The current program, with a reference for the caller. */
served_policy *policy_holder_acquire(policy_holder *h);
void policy_holder_release(policy_holder *h, served_policy *p);
/* Another reference to p, which the caller already holds one of; returns p. */
served_policy *policy_holder_retain(policy_holder *h, served_policy *p);

/* Load the file again. 1: the new program serves from now on; 0: the file is the same program (same digest),
 * nothing changes; -1: refused, err says why, the current program keeps serving. */
int policy_holder_reload(policy_holder *h, char *err, size_t errlen);

#endif
