/* test_diag.c: diagnostics print `path:line:col: level: message`, the source line and a ^~~ underline, with
 * columns in display columns (CJK counts two), tabs expanded and bad bytes shown as U+FFFD. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* Captures what a diag_ctx prints. */
typedef struct capture {
    char *out;
    size_t len;
    FILE *f;
    diag_ctx *d;
} capture;

static void open_capture(capture *c, const char *text, size_t len)
{
    c->out = NULL;
    c->len = 0;
    c->f = open_memstream(&c->out, &c->len);
    assert_non_null(c->f);
    c->d = diag_new("x.pol", text, len, c->f);
    assert_non_null(c->d);
}

/* The text printed so far (owned by the capture). */
static const char *printed(capture *c)
{
    fflush(c->f);
    return c->out;
}

static void close_capture(capture *c)
{
    diag_free(c->d);
    fclose(c->f);
    free(c->out);
}

static ast_loc span(int line, int col, int end_line, int end_col)
{
    ast_loc loc = {line, col, end_line, end_col};
    return loc;
}

static void test_ascii_span_is_underlined(void **state)
{
    (void)state;
    const char *text = "const a = 1\nroute x y -> z\n";
    capture c;
    open_capture(&c, text, strlen(text));
    diag_error(c.d, span(2, 7, 2, 9), "unexpected %s", "`x y`");
    assert_string_equal(printed(&c), "x.pol:2:7: error: unexpected `x y`\n"
                                     "route x y -> z\n"
                                     "      ^~~\n");
    assert_int_equal(diag_error_count(c.d), 1);
    assert_int_equal(diag_warning_count(c.d), 0);
    close_capture(&c);
}

static void test_cjk_columns_count_two(void **state)
{
    (void)state;
    /* 机械 is bytes 7..12 and display columns 7..10; 中级 starts at byte 14, display column 12 */
    const char *text = "route 机械 中级 -> 吴江区职称评价中心\n";
    capture c;
    open_capture(&c, text, strlen(text));
    diag_error(c.d, span(1, 14, 1, 19), "bad key");
    assert_string_equal(printed(&c), "x.pol:1:12: error: bad key\n"
                                     "route 机械 中级 -> 吴江区职称评价中心\n"
                                     "           ^~~~\n");
    close_capture(&c);
}

static void test_full_width_brackets_and_ideographic_space(void **state)
{
    (void)state;
    /* （ U+FF08 and the ideographic space U+3000 are two columns wide */
    const char *text = "x（电子信息）\xE3\x80\x80y\n";
    capture c;
    open_capture(&c, text, strlen(text));
    size_t y = strchr(text, 'y') - text;
    diag_warning(c.d, span(1, (int)y + 1, 1, (int)y + 1), "here");
    assert_string_equal(printed(&c), "x.pol:1:16: warning: here\n"
                                     "x（电子信息）\xE3\x80\x80y\n"
                                     "               ^\n");
    assert_int_equal(diag_warning_count(c.d), 1);
    assert_int_equal(diag_error_count(c.d), 0);
    close_capture(&c);
}

static void test_tabs_expand_to_stops_of_eight(void **state)
{
    (void)state;
    const char *text = "\tlet\tx = 1\n";
    capture c;
    open_capture(&c, text, strlen(text));
    diag_error(c.d, span(1, 6, 1, 6), "x");
    assert_string_equal(printed(&c), "x.pol:1:17: error: x\n"
                                     "        let     x = 1\n"
                                     "                ^\n");
    close_capture(&c);
}

static void test_span_over_lines_runs_to_end_of_line(void **state)
{
    (void)state;
    const char *text = "a = {\n  b\n}\n";
    capture c;
    open_capture(&c, text, strlen(text));
    diag_error(c.d, span(1, 3, 3, 1), "block");
    assert_string_equal(printed(&c), "x.pol:1:3: error: block\n"
                                     "a = {\n"
                                     "  ^~~\n");
    close_capture(&c);
}

static void test_position_past_end_of_line(void **state)
{
    (void)state;
    /* the end of the file after the last token: one past the line's last column */
    const char *text = "applicant {\r\n  id: 中文";
    capture c;
    open_capture(&c, text, strlen(text));
    diag_error(c.d, span(2, 13, 2, 12), "end");
    diag_error(c.d, span(1, 12, 1, 11), "end of line one");
    assert_string_equal(printed(&c), "x.pol:2:11: error: end\n"
                                     "  id: 中文\n"
                                     "          ^\n"
                                     "x.pol:1:12: error: end of line one\n"
                                     "applicant {\n"
                                     "           ^\n");
    close_capture(&c);
}

static void test_bad_bytes_show_as_replacement_character(void **state)
{
    (void)state;
    const char text[] = "a\xff\x00中 b\n";
    capture c;
    open_capture(&c, text, sizeof text - 1);
    diag_error(c.d, span(1, 8, 1, 8), "b");
    assert_string_equal(printed(&c), "x.pol:1:7: error: b\n"
                                     "a\xEF\xBF\xBD\xEF\xBF\xBD中 b\n"
                                     "      ^\n");
    close_capture(&c);
}

static void test_notes_do_not_count(void **state)
{
    (void)state;
    const char *text = "x\n";
    capture c;
    open_capture(&c, text, strlen(text));
    diag_error(c.d, span(1, 1, 1, 1), "first");
    diag_note(c.d, span(1, 1, 1, 1), "see %d", 42);
    assert_string_equal(printed(&c), "x.pol:1:1: error: first\nx\n^\n"
                                     "x.pol:1:1: note: see 42\nx\n^\n");
    assert_int_equal(diag_error_count(c.d), 1);
    assert_int_equal(diag_warning_count(c.d), 0);
    close_capture(&c);
}

static void test_no_line_means_no_source(void **state)
{
    (void)state;
    const char *text = "x\n";
    capture c;
    open_capture(&c, text, strlen(text));
    diag_error(c.d, span(0, 0, 0, 0), "the file is empty");
    diag_error(c.d, span(9, 1, 9, 1), "beyond the end");
    assert_string_equal(printed(&c), "x.pol: error: the file is empty\n"
                                     "x.pol:9:1: error: beyond the end\n");
    assert_int_equal(diag_error_count(c.d), 2);
    close_capture(&c);
}

static void test_text_without_terminating_nul(void **state)
{
    (void)state;
    /* only the first 5 bytes are the text; the rest must never be read */
    const char text[] = "ab\ncdXXXXXX";
    capture c;
    open_capture(&c, text, 5);
    diag_error(c.d, span(2, 2, 2, 2), "d");
    assert_string_equal(printed(&c), "x.pol:2:2: error: d\ncd\n ^\n");
    close_capture(&c);
}

static void test_quiet_context_only_counts(void **state)
{
    (void)state;
    diag_ctx *d = diag_new("q.pol", "x", 1, NULL);
    diag_error(d, span(1, 1, 1, 1), "e");
    diag_warning(d, span(1, 1, 1, 1), "w");
    assert_int_equal(diag_error_count(d), 1);
    assert_int_equal(diag_warning_count(d), 1);
    assert_string_equal(diag_path(d), "q.pol");
    diag_free(d);
}

static void test_display_width(void **state)
{
    (void)state;
    assert_int_equal(diag_display_width("abc", 3), 3);
    assert_int_equal(diag_display_width("中文", strlen("中文")), 4);
    assert_int_equal(diag_display_width("（）、", strlen("（）、")), 6);
    assert_int_equal(diag_display_width("\xE3\x80\x80", 3), 2);
    assert_int_equal(diag_display_width("\xff", 1), 1);
    assert_int_equal(diag_display_width("a\tb", 3), 9);
    assert_int_equal(diag_display_width("中文", 3), 2); /* only the first character */
    assert_int_equal(diag_display_width("", 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_span_is_underlined),
        cmocka_unit_test(test_cjk_columns_count_two),
        cmocka_unit_test(test_full_width_brackets_and_ideographic_space),
        cmocka_unit_test(test_tabs_expand_to_stops_of_eight),
        cmocka_unit_test(test_span_over_lines_runs_to_end_of_line),
        cmocka_unit_test(test_position_past_end_of_line),
        cmocka_unit_test(test_bad_bytes_show_as_replacement_character),
        cmocka_unit_test(test_notes_do_not_count),
        cmocka_unit_test(test_no_line_means_no_source),
        cmocka_unit_test(test_text_without_terminating_nul),
        cmocka_unit_test(test_quiet_context_only_counts),
        cmocka_unit_test(test_display_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
