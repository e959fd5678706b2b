/* json_buffer.c: pol_json_buffer, the growing byte buffer that lines are appended to. */
#include <stdint.h>
#include <string.h>

#include "json_internal.h"

void pol_json_buffer_init(pol_json_buffer *buffer, const pol_config *config) {
    memset(buffer, 0, sizeof *buffer);
    polJ_allocator(config, &buffer->alloc, &buffer->alloc_ud);
}

void pol_json_buffer_free(pol_json_buffer *buffer) {
    if (buffer->data != NULL) buffer->alloc(buffer->alloc_ud, buffer->data, buffer->capacity + 1, 0);
    buffer->data = NULL;
    buffer->length = 0;
    buffer->capacity = 0;
    buffer->failed = 0;
}

int polJ_buffer_grow(pol_json_buffer *buffer, size_t extra) {
    if (buffer->failed) return 0;
    if (extra <= buffer->capacity - buffer->length && buffer->data != NULL) return 1;
    if (extra > SIZE_MAX / 2 - buffer->length) {
        buffer->failed = 1;
        return 0;
    }
    size_t want = buffer->capacity < 256 ? 256 : buffer->capacity;
    while (want - buffer->length < extra) want *= 2;
    /* one byte more than capacity, for the NUL that keeps data a C string */
    char *grown = buffer->alloc(buffer->alloc_ud, buffer->data, buffer->data == NULL ? 0 : buffer->capacity + 1,
                                want + 1);
    if (grown == NULL) {
        buffer->failed = 1;
        return 0;
    }
    buffer->data = grown;
    buffer->capacity = want;
    return 1;
}

void polJ_buffer_append(pol_json_buffer *buffer, const void *bytes, size_t len) {
    if (!polJ_buffer_reserve(buffer, len)) return;
    if (len > 0) memcpy(buffer->data + buffer->length, bytes, len);
    buffer->length += len;
    buffer->data[buffer->length] = '\0';
}

void polJ_buffer_set(pol_json_buffer *buffer, const char *text, size_t len) {
    buffer->length = 0;
    buffer->failed = 0; /* a scratch buffer starts over */
    polJ_buffer_append(buffer, text, len);
}
