/* json_read_simdjson.cpp: one JSON record -> a context's slots through simdjson, for every record it can vouch
 * for; it declines any other (invalid JSON, a value of the wrong type, a duplicate field, a value the library
 * refuses, a limit, an escape it leaves to yajl), and the yajl reader (json_read.c) then decides that record
 * from the start, so every error keeps its exact words and its id.
 *
 * simdjson's first pass (On-Demand's parser::iterate_raw) checks the whole line's UTF-8, finds every string,
 * refuses control characters inside them, and indexes the structural characters and the start of every scalar.
 * The walk over those tokens is this file's: a recursive descent that checks the JSON grammar token by token
 * (every object's keys, colons and commas, every array's commas, every literal and number, known field or not,
 * as yajl checks them) and binds the known fields on the way. It does not use On-Demand's value iterators:
 * they check less than yajl (a value nobody asks for is skipped unchecked) and cost more per token than the
 * walk itself. A string without a backslash is its raw bytes; escapes are decoded here, and those whose
 * decoding yajl words its own way (\u0000, lone or mismatched surrogates) are declined. Numbers are converted
 * by the same functions as yajl's (json_read.c), so a value binds to the same bits whichever reader took it.
 * The one C++ file of the layer; no exceptions, nothing of C++ in any interface. */
#include <new>

#include <simdjson.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "json_internal.h"

namespace od = simdjson::ondemand;

/* The line is copied where simdjson may read SIMDJSON_PADDING bytes past its end; decoded strings go to text. */
struct polJ_fast {
    od::parser parser;
    char *padded;
    size_t padded_capacity;
    char *text;          /* escaped strings, decoded: never longer than the line */
    size_t text_capacity;
};

namespace {

/* The buffers are sized for this many bytes of line at first, then doubled as longer lines come. */
constexpr size_t FIRST_CAPACITY = 16u * 1024u;
/* Deeper records go to yajl, whose parser does not recurse: this walk does, and must not run out of stack. */
constexpr size_t MOST_NESTING = 128;

inline bool is_json_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* The JSON grammar of a number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? and nothing else. */
bool is_json_number(const char *t, size_t n) {
    size_t i = 0;
    if (i < n && t[i] == '-') i++;
    if (i == n || !is_digit(t[i])) return false;
    if (t[i++] != '0')
        while (i < n && is_digit(t[i])) i++;
    if (i < n && t[i] == '.') {
        size_t first = ++i;
        while (i < n && is_digit(t[i])) i++;
        if (i == first) return false;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-')) i++;
        size_t first = i;
        while (i < n && is_digit(t[i])) i++;
        if (i == first) return false;
    }
    return i == n;
}

/* Whether text[0..n) holds a '\\'. The last block is read whole and its bytes past n are masked off: they
 * are the line's or its padding's (SIMDJSON_PADDING bytes follow every line), always there to read. */
inline bool has_backslash(const char *text, size_t n) {
#ifdef __SSE2__ /* every x86-64 has it: 16 bytes at a time */
    const __m128i backslash = _mm_set1_epi8('\\');
    for (size_t i = 0; i < n; i += 16) {
        __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i *>(text + i));
        unsigned hits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, backslash));
        if (n - i < 16) hits &= (1u << (n - i)) - 1;
        if (hits != 0) return true;
    }
    return false;
#else /* eight bytes at a time: a byte that is zero after the xor leaves its high bit in `hit` (a byte above
       * a real one may show too, never one below) */
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    for (size_t i = 0; i < n; i += 8) {
        uint64_t x;
        memcpy(&x, text + i, 8);
        x ^= ones * '\\';
        uint64_t hit = (x - ones) & ~x & highs;
        if (n - i < 8) hit &= (UINT64_C(1) << (8 * (n - i))) - 1;
        if (hit != 0) return true;
    }
    return false;
#endif
}

/* Where the first '"' or '\\' of text[0..n) is, or n: eight bytes at a time (a zero byte after the xor leaves
 * its high bit in the result; the lowest such bit is the first match, and bytes after it do not matter). */
size_t quote_or_backslash(const char *text, size_t n) {
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, q, b;
        memcpy(&x, text + i, 8);
        q = x ^ (ones * '"');
        b = x ^ (ones * '\\');
        uint64_t hit = (((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
        if (hit != 0) return i + (size_t)(__builtin_ctzll(hit) / 8);
    }
    for (; i < n; i++)
        if (text[i] == '"' || text[i] == '\\') return i;
    return n;
}

inline int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Four hex digits at s (the bytes after "\\u"), or -1. */
inline long hex4(const char *s) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(s[i]);
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Decode the escapes of s[0..n) (a string's inside, which holds no unescaped quote) into out; its length, or
 * -1 for an escape that is invalid or that yajl decodes its own way (a NUL, a surrogate not in a proper pair). */
long decode_escapes(const char *s, size_t n, char *out) {
    char *o = out;
    for (size_t i = 0; i < n;) {
        size_t plain = quote_or_backslash(s + i, n - i);
        memcpy(o, s + i, plain);
        o += plain;
        i += plain;
        if (i == n) break;
        if (s[i] == '"' || i + 1 == n) return -1;
        char e = s[i + 1];
        i += 2;
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            long cp = i + 4 <= n ? hex4(s + i) : -1;
            if (cp <= 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return -1;
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                long low = i + 6 <= n && s[i] == '\\' && s[i + 1] == 'u' ? hex4(s + i + 2) : -1;
                if (low < 0xDC00 || low > 0xDFFF) return -1;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                i += 6;
            }
            if (cp < 0x80) {
                *o++ = (char)cp;
            } else if (cp < 0x800) {
                *o++ = (char)(0xC0 | (cp >> 6));
                *o++ = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                *o++ = (char)(0xE0 | (cp >> 12));
                *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *o++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *o++ = (char)(0xF0 | (cp >> 18));
                *o++ = (char)(0x80 | ((cp >> 12) & 0x3F));
                *o++ = (char)(0x80 | ((cp >> 6) & 0x3F));
                *o++ = (char)(0x80 | (cp & 0x3F));
            }
            break;
        }
        default: return -1;
        }
    }
    return (long)(o - out);
}

/* A token: where it starts in the line and its length up to the next token, without the blanks before that. */
struct token {
    const char *at;
    size_t length;
};

/* simdjson's token iterator, with where its tokens end kept at hand (the base class works it out each time). */
class tokens : public od::json_iterator {
  public:
    explicit tokens(od::json_iterator &&from) : od::json_iterator(std::move(from)), end(end_position()) {}
    bool at_end() const { return position() == end; }

  private:
    od::token_position end;
};

class walk {
  public:
    walk(pol_json_reader *reader, tokens &line, char *text, size_t limit)
        : r(reader), it(line), text(text), limit(limit) {}

    /* The record: the top-level object, bound into r->ctx, and nothing after it. */
    bool record() {
        token t;
        return next(&t) && t.at[0] == '{' && bind_object(r->fields, 1, true) && it.at_end();
    }

    bool has_id = false;

  private:
    pol_json_reader *r;
    tokens &it;
    char *text;   /* where the next decoded string goes */
    size_t limit; /* containers that may be open at once, the record's included */
    bool id_seen = false;

    bool next(token *t) {
        if (it.at_end()) return false;
        size_t n = it.peek_length();
        t->at = reinterpret_cast<const char *>(it.return_current_and_advance());
        while (n > 0 && static_cast<unsigned char>(t->at[n - 1]) <= ' ' && is_json_blank(t->at[n - 1])) n--;
        t->length = n;
        return true;
    }
    char peek() { return it.at_end() ? '\0' : static_cast<char>(*it.peek()); }
    /* the next token's first byte, taken: punctuation needs no length */
    char take() { return it.at_end() ? '\0' : static_cast<char>(*it.return_current_and_advance()); }
    /* the bracket that closes an empty object or array, seen by peek */
    bool skip_close() { return take() != '\0'; }

    /* A string token's text: its raw inside when it has no escape, else decoded into the text buffer. A string
     * token ends at its closing quote (simdjson starts a new token at any byte after one), so a quote inside
     * is an escaped one. */
    bool string_of(const token &t, const char **s, size_t *n) {
        if (t.length < 2 || t.at[t.length - 1] != '"') return false;
        const char *inside = t.at + 1;
        size_t len = t.length - 2;
        if (!has_backslash(inside, len)) {
            *s = inside;
            *n = len;
            return true;
        }
        long decoded = decode_escapes(inside, len, text);
        if (decoded < 0) return false;
        *s = text;
        *n = (size_t)decoded;
        text += decoded; /* an earlier text (the id's) stays valid while the record is bound */
        return true;
    }

    /* ',' then more, or the closing bracket: 1 more, 0 closed, -1 anything else. */
    int more(char closing) {
        char c = take();
        return c == ',' ? 1 : c == closing ? 0 : -1;
    }

    /* A value nothing binds, whose first token is t: checked as yajl checks it, all the way down. `open`:
     * the containers around it. */
    bool check_value(const token &t, size_t open) {
        switch (t.at[0]) {
        case '{': {
            if (open >= limit) return false;
            if (peek() == '}') return skip_close();
            for (;;) {
                token key, value;
                const char *s;
                size_t n;
                if (!next(&key) || key.at[0] != '"' || !string_of(key, &s, &n)) return false;
                if (take() != ':' || !next(&value) || !check_value(value, open + 1)) return false;
                int m = more('}');
                if (m <= 0) return m == 0;
            }
        }
        case '[': {
            if (open >= limit) return false;
            if (peek() == ']') return skip_close();
            for (;;) {
                token value;
                if (!next(&value) || !check_value(value, open + 1)) return false;
                int m = more(']');
                if (m <= 0) return m == 0;
            }
        }
        case '"': {
            const char *s;
            size_t n;
            return string_of(t, &s, &n);
        }
        case 't': return t.length == 4 && memcmp(t.at, "true", 4) == 0;
        case 'f': return t.length == 5 && memcmp(t.at, "false", 5) == 0;
        case 'n': return t.length == 4 && memcmp(t.at, "null", 4) == 0;
        default: return is_json_number(t.at, t.length);
        }
    }

    /* The elements of a list field's array (its '[' taken): each an object, appended and bound. */
    bool bind_list(const polJ_field *list, size_t open) {
        if (list->elements == NULL || open >= limit) return false;
        if (peek() == ']') return skip_close();
        for (;;) {
            token t;
            if (!next(&t) || t.at[0] != '{' || open + 1 >= limit) return false;
            if (pol_list_append(r->ctx, list->slot, NULL) != POL_OK) return false;
            if (!bind_object(list->elements, open + 2, false)) return false;
            int m = more(']');
            if (m <= 0) return m == 0;
        }
    }

    /* The value of a field the program knows, whose first token is t: what json_read.c's bind_field takes. */
    bool bind_value(const polJ_field *field, const token &t, size_t open) {
        pol_context *ctx = r->ctx;
        if (t.at[0] == 'n') return t.length == 4 && memcmp(t.at, "null", 4) == 0; /* null: absent, the default */
        switch (field->type) {
        case POL_T_BOOL:
            if (t.length == 4 && memcmp(t.at, "true", 4) == 0) return pol_set_bool(ctx, field->slot, 1) == POL_OK;
            return t.length == 5 && memcmp(t.at, "false", 5) == 0 && pol_set_bool(ctx, field->slot, 0) == POL_OK;
        case POL_T_INT: {
            /* polJ_parse_int takes only -?[0-9]+, so JSON's grammar adds just: no leading zero */
            int64_t value;
            size_t sign = t.at[0] == '-';
            return polJ_parse_int(t.at, t.length, &value) && (t.at[sign] != '0' || t.length == sign + 1) &&
                   pol_set_int(ctx, field->slot, value) == POL_OK;
        }
        case POL_T_NUMBER: {
            double value;
            return is_json_number(t.at, t.length) && polJ_parse_number(r, t.at, t.length, &value) == 1 &&
                   pol_set_number(ctx, field->slot, value) == POL_OK;
        }
        case POL_T_DATE:
        case POL_T_STRING:
        case POL_T_ENUM:
        case POL_T_ENTITY: {
            const char *s;
            size_t n;
            return t.at[0] == '"' && string_of(t, &s, &n) && set_text(field, s, n);
        }
        case POL_T_LIST: return t.at[0] == '[' && bind_list(field, open);
        default: return check_value(t, open); /* a type this layer does not bind: left alone */
        }
    }

    bool set_text(const polJ_field *field, const char *s, size_t n) {
        pol_context *ctx = r->ctx;
        switch (field->type) {
        case POL_T_DATE: return pol_set_date_string(ctx, field->slot, s, n) == POL_OK;
        case POL_T_STRING: return pol_set_string(ctx, field->slot, s, n) == POL_OK;
        case POL_T_ENUM:
        case POL_T_ENTITY: return pol_set_enum(ctx, field->slot, s, n) == POL_OK;
        default: return false; /* a string for a field of another type: yajl words it */
        }
    }

    /* The fields of an object (its '{' taken) whose names are in table: the record's, or a list's element
     * record; open counts the object. */
    bool bind_object(polJ_table *table, size_t open, bool top) {
        uint64_t stamp = ++r->stamp;
        if (peek() == '}') return skip_close();
        for (;;) {
            token key, value;
            const char *name;
            size_t len;
            if (!next(&key) || key.at[0] != '"' || key.length < 2 || key.at[key.length - 1] != '"') return false;
            /* A key that is a field's name as it stands has no escape (no name holds a backslash): most keys
             * are found so, without looking for one. Any other key is read (decoded) and looked up again. */
            name = key.at + 1;
            len = key.length - 2;
            polJ_field *known = polJ_table_lookup(table, name, len);
            if (known == NULL || known->slot < 0) {
                if (!string_of(key, &name, &len)) return false;
                known = polJ_table_lookup(table, name, len);
                if (known == NULL && !table->complete &&
                    polJ_table_find(table, r->program, r->fn, r->ud, name, len, &known) != POL_OK)
                    return false;
                if (known != NULL && known->slot < 0) known = NULL;
            }
            if (take() != ':' || !next(&value)) return false;
            if (known != NULL) {
                if (known->seen == stamp) return false; /* a duplicate field: yajl words it */
                known->seen = stamp;
            }
            /* the first top-level "id" names the record, whatever the program makes of it */
            bool first_id = top && !id_seen && len == 2 && name[0] == 'i' && name[1] == 'd';
            if (first_id) id_seen = true;
            if (first_id && value.at[0] == '"') {
                const char *s;
                size_t n;
                if (!string_of(value, &s, &n)) return false;
                polJ_buffer_set(&r->id, s, n);
                has_id = !r->id.failed;
                if (known != NULL && !set_text(known, s, n)) return false;
            } else if (known != NULL ? !bind_value(known, value, open) : !check_value(value, open)) {
                return false;
            }
            int m = more('}');
            if (m <= 0) return m == 0;
        }
    }
};

} // namespace

pol_status polJ_fast_new(pol_json_reader *r) {
    void *block = r->fn(r->ud, NULL, 0, sizeof(polJ_fast));
    if (block == NULL) return POL_ERR_NOMEM;
    r->fast = new (block) polJ_fast(); /* value-initialised; the buffers come with the first line (make_room) */
    return POL_OK;
}

void polJ_fast_free(pol_json_reader *r) {
    polJ_fast *f = r->fast;
    if (f == NULL) return;
    if (f->padded != NULL) r->fn(r->ud, f->padded, f->padded_capacity, 0);
    if (f->text != NULL) r->fn(r->ud, f->text, f->text_capacity, 0);
    f->~polJ_fast();
    r->fn(r->ud, f, sizeof(polJ_fast), 0);
    r->fast = NULL;
}

/* *block of *capacity bytes grown to hold need, doubling; false when the allocator refuses. */
static bool grow(pol_json_reader *r, char **block, size_t *capacity, size_t need) {
    if (need <= *capacity) return true;
    size_t want = *capacity ? 2 * *capacity : FIRST_CAPACITY;
    while (want < need) want *= 2;
    void *grown = r->fn(r->ud, *block, *capacity, want);
    if (grown == NULL) return false;
    *block = static_cast<char *>(grown);
    *capacity = want;
    return true;
}

/* Room for the line and its padding, its decoded strings, and a parser sized for it; false when memory is
 * refused (the line then goes to yajl). simdjson's own buffers come from operator new (nothrow), not from the
 * reader's allocator. */
static bool make_room(pol_json_reader *r, polJ_fast *f, size_t len) {
    if (!grow(r, &f->padded, &f->padded_capacity, len + simdjson::SIMDJSON_PADDING) ||
        !grow(r, &f->text, &f->text_capacity, len + 1))
        return false;
    if (len > f->parser.capacity() || f->parser.capacity() == 0) {
        size_t want = f->parser.capacity() ? 2 * f->parser.capacity() : FIRST_CAPACITY;
        while (want < len) want *= 2;
        if (f->parser.allocate(want, simdjson::DEFAULT_MAX_DEPTH) != simdjson::SUCCESS) return false;
    }
    return true;
}

int polJ_fast_bind(pol_json_reader *r, const char *json, size_t len) {
    polJ_fast *f = r->fast;
    if (f == NULL || !make_room(r, f, len)) return 0;
    memcpy(f->padded, json, len);
    memset(f->padded + len, ' ', simdjson::SIMDJSON_PADDING); /* what follows the line is always the same */
    od::json_iterator raw;
    if (f->parser.iterate_raw(simdjson::padded_string_view(f->padded, len, f->padded_capacity)).get(raw) !=
        simdjson::SUCCESS)
        return 0;
    tokens line(std::move(raw));
    walk w(r, line, f->text, r->max_nesting < MOST_NESTING ? r->max_nesting : MOST_NESTING);
    if (!w.record()) return 0;
    r->has_id = w.has_id;
    return 1;
}
