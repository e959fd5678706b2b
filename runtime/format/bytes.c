/* bytes.c: the growable byte buffer behind the .pbc writer (compiler side, so plain malloc). */
#include "bytes.h"

#include <stdlib.h>
#include <string.h>

static int reserve(polF_buf *b, size_t n)
{
    if (b->failed)
        return 0;
    if (n <= b->cap - b->len)
        return 1;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < n) {
        if (cap > SIZE_MAX / 2) {
            b->failed = 1;
            return 0;
        }
        cap *= 2;
    }
    uint8_t *data = realloc(b->data, cap);
    if (!data) {
        b->failed = 1;
        return 0;
    }
    b->data = data;
    b->cap = cap;
    return 1;
}

void polF_buf_put(polF_buf *b, const void *bytes, size_t n)
{
    if (n == 0 || !reserve(b, n))
        return;
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
}

void polF_buf_u8(polF_buf *b, uint8_t v) { polF_buf_put(b, &v, 1); }

void polF_buf_u16(polF_buf *b, uint16_t v)
{
    uint8_t s[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    polF_buf_put(b, s, 2);
}

void polF_buf_u32(polF_buf *b, uint32_t v)
{
    uint8_t s[4];
    polF_set32(s, v);
    polF_buf_put(b, s, 4);
}

void polF_buf_u64(polF_buf *b, uint64_t v)
{
    uint8_t s[8];
    polF_set64(s, v);
    polF_buf_put(b, s, 8);
}

void polF_buf_free(polF_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
