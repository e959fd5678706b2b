/* suggest.h: "did you mean": the closest of a set of names to a misspelt one, by edit distance over
 * Unicode characters (a CJK character is one edit, not three bytes). */
#ifndef POL_SUGGEST_H
#define POL_SUGGEST_H

#include <stddef.h>

/* Levenshtein distance between two UTF-8 strings, counted in code points; capped at 64 characters each
 * (longer inputs compare their first 64). */
size_t polS_distance(const char *a, size_t alen, const char *b, size_t blen);
/* Index of the candidate closest to word, or -1 when none is close: within a third of the word's length
 * (at least 1, at most 3 edits), or containing / contained in the word. Ties go to the earlier candidate. */
int polS_closest(const char *word, size_t len, const char *const *candidates, const size_t *lengths, size_t n);

#endif
