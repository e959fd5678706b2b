/* diag.c: prints diagnostics as `path:line:col: level: message`, the source line and a ^~~~ underline,
 * with columns counted in terminal display columns (UTF-8 decoded under a private C.UTF-8 locale). */
#define _XOPEN_SOURCE 700 /* wcwidth */
#include "diag.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

enum { TAB_STOP = 8 };

struct diag_ctx {
    const char *path;
    const char *text;
    size_t len;
    FILE *out; /* NULL: count only */
    locale_t utf8; /* (locale_t)0 when no UTF-8 locale exists: then a built-in width table is used */
    int errors, warnings;
    diag_lang lang;
    int werror;
    diag_sink_fn sink;
    void *sink_ud;
    int has_deadline, out_of_time;
    struct timespec deadline; /* CLOCK_MONOTONIC */
};

static locale_t utf8_locale(void)
{
    static const char *const names[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        locale_t loc = newlocale(LC_CTYPE_MASK, names[i], (locale_t)0);
        if (loc)
            return loc;
    }
    return (locale_t)0;
}

diag_ctx *diag_new(const char *path, const char *text, size_t len, FILE *out)
{
    diag_ctx *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->path = path ? path : "<input>";
    d->text = text ? text : "";
    d->len = text ? len : 0;
    d->out = out;
    d->utf8 = utf8_locale();
    return d;
}

void diag_free(diag_ctx *d)
{
    if (!d)
        return;
    if (d->utf8)
        freelocale(d->utf8);
    free(d);
}

int diag_error_count(const diag_ctx *d) { return d->errors; }
void diag_set_lang(diag_ctx *d, diag_lang lang) { d->lang = lang; }
diag_lang diag_get_lang(const diag_ctx *d) { return d->lang; }
void diag_set_werror(diag_ctx *d, int on) { d->werror = on != 0; }

diag_lang diag_lang_from_env(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strncmp(v, "zh", 2) == 0 ? DIAG_LANG_ZH : DIAG_LANG_EN;
    }
    return DIAG_LANG_EN;
}

const char *diag_tr(const diag_ctx *d, const char *english)
{
    if (!d || d->lang != DIAG_LANG_ZH || !english)
        return english;
    const char *zh = diag_catalog_lookup(english);
    return zh ? zh : english;
}
int diag_warning_count(const diag_ctx *d) { return d->warnings; }

void diag_set_sink(diag_ctx *d, diag_sink_fn fn, void *ud)
{
    d->sink = fn;
    d->sink_ud = ud;
}

void diag_set_deadline(diag_ctx *d, double seconds)
{
    clock_gettime(CLOCK_MONOTONIC, &d->deadline);
    long long ns = (long long)(seconds * 1e9) + d->deadline.tv_nsec;
    d->deadline.tv_sec += (time_t)(ns / 1000000000);
    d->deadline.tv_nsec = (long)(ns % 1000000000);
    d->has_deadline = 1;
    d->out_of_time = 0;
}

int diag_out_of_time(diag_ctx *d)
{
    if (!d || !d->has_deadline)
        return 0;
    if (d->out_of_time)
        return 1;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec < d->deadline.tv_sec || (now.tv_sec == d->deadline.tv_sec && now.tv_nsec < d->deadline.tv_nsec))
        return 0;
    d->out_of_time = 1;
    ast_loc nowhere = {0, 0, 0, 0};
    diag_error(d, nowhere, "the compilation ran out of its time budget: the checks were cut short");
    return 1;
}
const char *diag_path(const diag_ctx *d) { return d->path; }

/* ---- display width -------------------------------------------------------------------------------------- */

/* Width of a code point when no locale is available: East Asian wide and full-width ranges count 2. */
static int fallback_width(unsigned long cp)
{
    static const unsigned long wide[][2] = {
        {0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
        {0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x20000, 0x3FFFD},
    };
    for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
        if (cp >= wide[i][0] && cp <= wide[i][1])
            return 2;
    return 1;
}

/* Decode one UTF-8 character of s[0..n) without a locale; returns its length, 0 when malformed. */
static size_t fallback_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
    size_t len = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
               : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    unsigned long c = len == 1 ? s[0] : s[0] & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    static const unsigned long min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

/* One character of a source line: its length in bytes and its width on screen. A character that cannot be
 * shown (malformed UTF-8, a control character) is printed as U+FFFD, one column wide; `shown` says so. */
typedef struct glyph {
    size_t len;
    int width;
    int shown; /* 1: print the bytes themselves; 0: print U+FFFD */
} glyph;

static glyph next_glyph(locale_t utf8, const char *s, size_t n)
{
    glyph g = {1, 1, 0};
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80) {
        g.shown = c >= 0x20 && c != 0x7F;
        return g;
    }
    if (utf8) {
        mbstate_t st;
        memset(&st, 0, sizeof st);
        wchar_t wc;
        locale_t old = uselocale(utf8);
        size_t r = mbrtowc(&wc, s, n, &st);
        int w = r == (size_t)-1 || r == (size_t)-2 || r == 0 ? -1 : wcwidth(wc);
        uselocale(old);
        if (w >= 0) {
            g.len = r;
            g.width = w;
            g.shown = 1;
        } else if (r != (size_t)-1 && r != (size_t)-2 && r != 0) {
            g.len = r; /* a valid but unprintable character */
        }
        return g;
    }
    unsigned long cp;
    size_t len = fallback_decode((const unsigned char *)s, n, &cp);
    if (len) {
        g.len = len;
        g.width = fallback_width(cp);
        g.shown = 1;
    }
    return g;
}

/* Display column (0-based) reached after the first `upto` bytes of a line starting at column 0; bytes past
 * the end of the line count one column each. */
static int display_col(locale_t utf8, const char *line, size_t line_len, size_t upto)
{
    int col = 0;
    size_t i = 0;
    while (i < upto && i < line_len) {
        if (line[i] == '\t') {
            col = (col / TAB_STOP + 1) * TAB_STOP;
            i++;
            continue;
        }
        glyph g = next_glyph(utf8, line + i, line_len - i);
        col += g.width;
        i += g.len;
    }
    if (upto > line_len)
        col += (int)(upto - line_len);
    return col;
}

int diag_display_width(const char *s, size_t n)
{
    locale_t utf8 = utf8_locale();
    int w = display_col(utf8, s, n, n);
    if (utf8)
        freelocale(utf8);
    return w;
}

/* ---- reports -------------------------------------------------------------------------------------------- */

/* Find line `line` (1-based); its length excludes the newline and a CR before it. */
static int find_line(const diag_ctx *d, int line, const char **start, size_t *len)
{
    if (line < 1)
        return 0;
    size_t pos = 0;
    for (int l = 1; l < line; l++) {
        const char *nl = memchr(d->text + pos, '\n', d->len - pos);
        if (!nl)
            return 0;
        pos = (size_t)(nl - d->text) + 1;
    }
    const char *nl = memchr(d->text + pos, '\n', d->len - pos);
    size_t end = nl ? (size_t)(nl - d->text) : d->len;
    if (end > pos && d->text[end - 1] == '\r')
        end--;
    *start = d->text + pos;
    *len = end - pos;
    return 1;
}

static void print_line(const diag_ctx *d, const char *line, size_t len)
{
    int col = 0;
    size_t i = 0;
    while (i < len) {
        if (line[i] == '\t') {
            int next = (col / TAB_STOP + 1) * TAB_STOP;
            for (; col < next; col++)
                fputc(' ', d->out);
            i++;
            continue;
        }
        glyph g = next_glyph(d->utf8, line + i, len - i);
        if (g.shown)
            fwrite(line + i, 1, g.len, d->out);
        else
            fputs("\xEF\xBF\xBD", d->out);
        col += g.width;
        i += g.len;
    }
    fputc('\n', d->out);
}

static const char *const level_names[] = {"error", "warning", "note"};
static const char *const level_names_zh[] = {"错误", "警告", "附注"};

void diag_vreport(diag_ctx *d, diag_level level, ast_loc loc, const char *fmt, va_list ap)
{
    if (level == DIAG_WARNING && d->werror)
        level = DIAG_ERROR;
    if (level == DIAG_ERROR)
        d->errors++;
    else if (level == DIAG_WARNING)
        d->warnings++;
    if (!d->out && !d->sink)
        return;
    /* the message once, for the sink and the printout (long ones, such as a list of gaps, on the heap) */
    char local[1024], *message = local;
    va_list again;
    va_copy(again, ap);
    int need = vsnprintf(local, sizeof local, diag_tr(d, fmt), ap);
    if (need >= (int)sizeof local && (message = malloc((size_t)need + 1)) != NULL)
        vsnprintf(message, (size_t)need + 1, diag_tr(d, fmt), again);
    else if (need >= (int)sizeof local)
        message = local; /* out of memory: the message cut short */
    va_end(again);
    const char *line = NULL;
    size_t line_len = 0;
    int have_line = find_line(d, loc.line, &line, &line_len);
    size_t col_byte = loc.col > 0 ? (size_t)loc.col - 1 : 0;
    int start = have_line ? display_col(d->utf8, line, line_len, col_byte) : (int)col_byte;

    /* the underline runs to the span's last byte, or to the end of the line when the span goes on */
    int end = start + 1;
    if (have_line && loc.end_line == loc.line && loc.end_col >= loc.col)
        end = display_col(d->utf8, line, line_len, (size_t)loc.end_col);
    else if (have_line && loc.end_line > loc.line)
        end = display_col(d->utf8, line, line_len, line_len);
    if (end <= start)
        end = start + 1;
    if (d->sink)
        d->sink(d->sink_ud, level, loc.line > 0 ? loc.line : 0, loc.line > 0 ? start + 1 : 0,
                loc.line > 0 ? end + 1 : 0, message);
    if (!d->out) {
        if (message != local)
            free(message);
        return;
    }

    const char *level_name = d->lang == DIAG_LANG_ZH ? level_names_zh[level] : level_names[level];
    if (loc.line > 0)
        fprintf(d->out, "%s:%d:%d: %s: ", d->path, loc.line, start + 1, level_name);
    else
        fprintf(d->out, "%s: %s: ", d->path, level_name);
    fputs(message, d->out);
    fputc('\n', d->out);
    if (message != local)
        free(message);
    if (!have_line)
        return;

    print_line(d, line, line_len);
    for (int i = 0; i < start; i++)
        fputc(' ', d->out);
    fputc('^', d->out);
    for (int i = start + 1; i < end; i++)
        fputc('~', d->out);
    fputc('\n', d->out);
}

void diag_report(diag_ctx *d, diag_level level, ast_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vreport(d, level, loc, fmt, ap);
    va_end(ap);
}
