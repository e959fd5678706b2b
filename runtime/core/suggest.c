/* suggest.c: nearest-name suggestions for diagnostics and record errors. */
#include "suggest.h"

#include <string.h>

#define MAXCP 64

/* Decode up to MAXCP code points; a malformed byte counts as one code point of its own. */
static size_t decode(const char *s, size_t len, unsigned long *out)
{
    size_t n = 0, i = 0;
    while (i < len && n < MAXCP) {
        unsigned char c = (unsigned char)s[i];
        size_t extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        unsigned long cp = extra ? (c & (0x3F >> extra)) : c;
        if (i + extra >= len + (extra ? 0 : 1))
            extra = 0, cp = c;
        for (size_t k = 1; k <= extra; k++)
            cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3F);
        out[n++] = cp;
        i += 1 + extra;
    }
    return n;
}

size_t polS_distance(const char *a, size_t alen, const char *b, size_t blen)
{
    unsigned long ca[MAXCP], cb[MAXCP];
    size_t na = decode(a, alen, ca), nb = decode(b, blen, cb);
    size_t row[MAXCP + 1];
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (ca[i - 1] != cb[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

static size_t count_cp(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static int contains(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    if (nlen == 0 || nlen > hlen)
        return 0;
    for (size_t i = 0; i + nlen <= hlen; i++)
        if (memcmp(hay + i, needle, nlen) == 0)
            return 1;
    return 0;
}

int polS_closest(const char *word, size_t len, const char *const *candidates, const size_t *lengths, size_t n)
{
    size_t wc = count_cp(word, len);
    size_t limit = wc / 3;
    if (limit < 1)
        limit = 1;
    if (limit > 3)
        limit = 3;
    int best = -1;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        size_t d = polS_distance(word, len, candidates[i], lengths[i]);
        int close = d <= limit || contains(word, len, candidates[i], lengths[i]) ||
                    contains(candidates[i], lengths[i], word, len);
        if (close && d < best_d) {
            best = (int)i;
            best_d = d;
        }
    }
    return best;
}
