/* served_policy.c: the counted, swappable program of polserve (served_policy.h). */
#include "served_policy.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pol_json.h"

struct policy_holder {
    pthread_mutex_t lock;
    char *path;
    served_policy *current;
    unsigned long generations;
};

static void served_policy_free(served_policy *p) {
    if (p == NULL) return;
    pol_program_free(p->program);
    free(p->info_json);
    free(p->schema_json);
    free(p);
}

/* the buffer's bytes as a NUL-terminated malloc'd string, or NULL */
static char *take_text(const pol_json_buffer *b, size_t *length) {
    if (b->failed || b->data == NULL) return NULL;
    char *s = malloc(b->length + 1);
    if (s == NULL) return NULL;
    memcpy(s, b->data, b->length);
    s[b->length] = '\0';
    *length = b->length;
    return s;
}

static served_policy *served_policy_load(const char *path, char *err, size_t errlen) {
    served_policy *p = calloc(1, sizeof *p);
    if (p == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    char reason[256] = "";
    pol_status st = pol_program_load_file(path, NULL, &p->program, reason, sizeof reason);
    if (st != POL_OK) {
        snprintf(err, errlen, "%s: %s", path, reason[0] != '\0' ? reason : pol_status_name(st));
        free(p);
        return NULL;
    }
    const uint8_t *digest = pol_program_digest(p->program);
    for (int i = 0; i < 32; i++) snprintf(p->digest + 2 * i, 3, "%02x", digest[i]);
    pol_json_buffer info, schema;
    pol_json_buffer_init(&info, NULL);
    pol_json_buffer_init(&schema, NULL);
    if (pol_json_write_program_info(p->program, &info) == POL_OK)
        p->info_json = take_text(&info, &p->info_length);
    if (pol_json_write_schema(p->program, &schema) == POL_OK)
        p->schema_json = take_text(&schema, &p->schema_length);
    pol_json_buffer_free(&info);
    pol_json_buffer_free(&schema);
    if (p->info_json == NULL || p->schema_json == NULL) {
        snprintf(err, errlen, "out of memory");
        served_policy_free(p);
        return NULL;
    }
    p->status_output = pol_output_index(p->program, "status", 6);
    p->refs = 1; /* the holder's */
    return p;
}

policy_holder *policy_holder_open(const char *path, char *err, size_t errlen) {
    policy_holder *h = calloc(1, sizeof *h);
    if (h == NULL || (h->path = strdup(path)) == NULL) {
        free(h);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if ((h->current = served_policy_load(path, err, errlen)) == NULL) {
        free(h->path);
        free(h);
        return NULL;
    }
    h->current->generation = h->generations = 1;
    pthread_mutex_init(&h->lock, NULL);
    return h;
}

void policy_holder_close(policy_holder *h) {
    if (h == NULL) return;
    policy_holder_release(h, h->current);
    pthread_mutex_destroy(&h->lock);
    free(h->path);
    free(h);
}

served_policy *policy_holder_acquire(policy_holder *h) {
    pthread_mutex_lock(&h->lock);
    served_policy *p = h->current;
    p->refs++;
    pthread_mutex_unlock(&h->lock);
    return p;
}

served_policy *policy_holder_retain(policy_holder *h, served_policy *p) {
    pthread_mutex_lock(&h->lock);
    p->refs++;
    pthread_mutex_unlock(&h->lock);
    return p;
}

void policy_holder_release(policy_holder *h, served_policy *p) {
    if (p == NULL) return;
    pthread_mutex_lock(&h->lock);
    int last = --p->refs == 0;
    pthread_mutex_unlock(&h->lock);
    if (last) served_policy_free(p);
}

int policy_holder_reload(policy_holder *h, char *err, size_t errlen) {
    /* loading and verifying happen outside the lock: requests keep being served meanwhile */
    served_policy *fresh = served_policy_load(h->path, err, errlen);
    if (fresh == NULL) return -1;
    pthread_mutex_lock(&h->lock);
    served_policy *old = h->current;
    if (strcmp(old->digest, fresh->digest) == 0) {
        pthread_mutex_unlock(&h->lock);
        served_policy_free(fresh);
        return 0;
    }
    fresh->generation = ++h->generations;
    h->current = fresh;
    pthread_mutex_unlock(&h->lock);
    policy_holder_release(h, old);
    return 1;
}
