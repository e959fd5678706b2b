/* bytes.h: little-endian encoding helpers and the growable byte buffer the .pbc writer fills. */
#ifndef POL_FORMAT_BYTES_H
#define POL_FORMAT_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t polF_get16(const uint8_t *s) { return (uint16_t)(s[0] | (unsigned)s[1] << 8); }

static inline uint32_t polF_get32(const uint8_t *s)
{
    return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
}

static inline uint64_t polF_get64(const uint8_t *s) { return polF_get32(s) | (uint64_t)polF_get32(s + 4) << 32; }

static inline void polF_set32(uint8_t *d, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        d[i] = (uint8_t)(v >> (8 * i));
}

static inline void polF_set64(uint8_t *d, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        d[i] = (uint8_t)(v >> (8 * i));
}

/* A malloc'd buffer that grows as it is written; after a failed allocation every write is ignored and
 * failed stays set, so a writer checks once at the end. */
typedef struct polF_buf {
    uint8_t *data;
    size_t len, cap;
    int failed;
} polF_buf;

void polF_buf_put(polF_buf *b, const void *bytes, size_t n);
void polF_buf_u8(polF_buf *b, uint8_t v);
void polF_buf_u16(polF_buf *b, uint16_t v);
void polF_buf_u32(polF_buf *b, uint32_t v);
void polF_buf_u64(polF_buf *b, uint64_t v);
void polF_buf_free(polF_buf *b);

#endif
