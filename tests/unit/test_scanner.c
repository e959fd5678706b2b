/* test_scanner.c: the token stream of tricky inputs: CJK identifiers, dates against subtraction, times after
 * `at`, string interpolation, clause ids, invalid bytes, NUL bytes, and the errors the scanner reports itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "parse.h"
#include "parser.h"
#include "scanner.h"

/* The tokens of text as one line of words; the diagnostics printed while scanning go to *messages. */
typedef struct scanned {
    char *tokens;
    char *messages;
} scanned;

static const struct {
    int kind;
    const char *text;
} fixed_tokens[] = {
    {T_POLICY, "policy"},   {T_VERSION, "version"}, {T_YEAR, "year"},       {T_ENUM, "enum"},
    {T_RECORD, "record"},   {T_APPLICANT, "applicant"}, {T_ENTITY, "entity"}, {T_CONST, "const"},
    {T_ROUTING, "routing"}, {T_BY, "by"},           {T_CLAUSE, "clause"},   {T_ROUTE, "route"},
    {T_WHERE, "where"},     {T_VIOLATION, "violation"}, {T_TODO, "todo"},   {T_WARNING, "warning"},
    {T_WHEN, "when"},       {T_FOR, "for"},         {T_EACH, "each"},       {T_IN, "in"},
    {T_LET, "let"},         {T_OUTPUT, "output"},   {T_LIST, "list"},       {T_STRING, "string"},
    {T_INT, "int"},         {T_NUMBER, "number"},   {T_BOOL, "bool"},       {T_DATE, "date"},
    {T_TRUE, "true"},       {T_FALSE, "false"},     {T_NULL, "null"},       {T_NOT, "not"},
    {T_AND, "and"},         {T_OR, "or"},           {T_IF, "if"},           {T_THEN, "then"},
    {T_ELSE, "else"},       {T_MATCH, "match"},     {T_COUNT, "count"},     {T_ANY, "any"},
    {T_ALL, "all"},         {T_SUM, "sum"},         {T_YEARS, "years"},     {T_AT, "at"},
    {T_ROUTED, "routed"},   {T_FINDINGS, "findings"}, {T_EQ, "=="},         {T_NE, "!="},
    {T_LE, "<="},           {T_GE, ">="},           {T_COALESCE, "??"},     {T_ARROW, "->"},
    {T_DOTDOT, ".."},       {T_STR_START, "\"<"},   {T_INTERP_START, "{<"}, {T_INTERP_END, ">}"},
    {T_STR_END, ">\""},
};

/* One token as a word: keywords and operators as written, literals as kind(value). */
static void describe(FILE *out, int kind, const YYSTYPE *v)
{
    char date[24];
    switch (kind) {
    case T_IDENT: fprintf(out, "id(%s)", v->text); return;
    case T_INT_LIT: fprintf(out, "int(%" PRId64 ")", v->ival); return;
    case T_NUM_LIT: fprintf(out, "num(%g)", v->dval); return;
    case T_DATE_LIT:
        polT_format(v->date.minutes, v->date.has_time, date);
        fprintf(out, "date(%s)", date);
        return;
    case T_TIME_LIT: fprintf(out, "time(%02d:%02d)", (int)(v->ival / 60), (int)(v->ival % 60)); return;
    case T_CLAUSE_ID: fprintf(out, "clause-id(%s)", v->text); return;
    case T_STR_TEXT: fprintf(out, "text(%s)", v->text); return;
    case T_INVALID:
        fputs("invalid(", out);
        for (size_t i = 0; i < v->raw.len; i++)
            fprintf(out, "%s%02x", i ? " " : "", (unsigned char)v->raw.bytes[i]);
        fputc(')', out);
        return;
    }
    for (size_t i = 0; i < sizeof fixed_tokens / sizeof fixed_tokens[0]; i++) {
        if (fixed_tokens[i].kind == kind) {
            fputs(fixed_tokens[i].text, out);
            return;
        }
    }
    if (kind > 0 && kind < 128)
        fputc(kind, out);
    else
        fprintf(out, "kind%d", kind);
}

/* Scan len bytes of text; locs (if not NULL) also lists each token's span as line:col-line:col. */
static scanned scan_n(const char *text, size_t len, char **locs)
{
    scanned s = {NULL, NULL};
    size_t tn = 0, mn = 0, ln = 0;
    FILE *tokens = open_memstream(&s.tokens, &tn);
    FILE *messages = open_memstream(&s.messages, &mn);
    FILE *where = locs ? open_memstream(locs, &ln) : NULL;
    diag_ctx *d = diag_new("t.pol", text, len, messages);
    ast_tree *tree = ast_tree_new();
    parse_state ps;
    assert_true(parse_begin(&ps, tree, text, len, d));
    YYSTYPE value;
    YYLTYPE loc;
    for (int n = 0;; n++) {
        int kind = lex_lex(&value, &loc, ps.scanner);
        if (kind == T_END)
            break;
        if (n)
            fputc(' ', tokens);
        describe(tokens, kind, &value);
        if (where)
            fprintf(where, "%s%d:%d-%d:%d", n ? " " : "", loc.line, loc.col, loc.end_line, loc.end_col);
        assert_true(n < 10000);
    }
    parse_end(&ps);
    ast_tree_free(tree);
    diag_free(d);
    fclose(tokens);
    fclose(messages);
    if (where)
        fclose(where);
    return s;
}

static scanned scan(const char *text) { return scan_n(text, strlen(text), NULL); }

static void release(scanned *s)
{
    free(s->tokens);
    free(s->messages);
}

/* Assert the tokens of text, and that nothing was reported. */
static void expect_tokens(const char *text, const char *tokens)
{
    scanned s = scan(text);
    assert_string_equal(s.tokens, tokens);
    assert_string_equal(s.messages, "");
    release(&s);
}

/* Assert the tokens of text and exactly the diagnostics printed. */
static void expect_tokens_and_messages(const char *text, size_t len, const char *tokens, const char *messages)
{
    scanned s = scan_n(text, len, NULL);
    assert_string_equal(s.tokens, tokens);
    assert_string_equal(s.messages, messages);
    release(&s);
}

static void test_keywords_and_identifiers(void **state)
{
    (void)state;
    expect_tokens("route routed routes years_between year( at2 _x x1 date dates for each",
                  "route routed id(routes) id(years_between) year ( id(at2) id(_x) id(x1) date id(dates) for each");
    /* keywords are case-sensitive and reserved only as whole words */
    expect_tokens("Route ROUTE routeX", "id(Route) id(ROUTE) id(routeX)");
}

static void test_cjk_identifiers(void **state)
{
    (void)state;
    /* full-width brackets and the enumeration comma are part of a name */
    expect_tokens("-> 吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会",
                  "-> id(吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会)");
    expect_tokens("p.title 论文《{p}》", "id(p) . id(title) id(论文《) { id(p) } id(》)");
    /* a name may start with a non-ASCII character and contain digits; a keyword glued to it is part of it */
    expect_tokens("附件1 route机械 计算起始年", "id(附件1) id(route机械) id(计算起始年)");
    /* the ideographic space U+3000 separates names */
    expect_tokens("吴江\xE3\x80\x80昆山\xE3\x80\x80", "id(吴江) id(昆山)");
}

static void test_dates_against_subtraction(void **state)
{
    (void)state;
    expect_tokens("2024-04-30 2024 - 1 2024-04-30T17:00 2024-02-29",
                  "date(2024-04-30) int(2024) - int(1) date(2024-04-30T17:00) date(2024-02-29)");
    expect_tokens("x-1 y - 2020-01-01", "id(x) - int(1) id(y) - date(2020-01-01)");
    expect_tokens("2020..2023 2020 .. 2023 30.5 0.25", "int(2020) .. int(2023) int(2020) .. int(2023) num(30.5) num(0.25)");
}

static void test_bad_dates_are_reported_at_the_token(void **state)
{
    (void)state;
    /* still one date token each (so parsing goes on), with an error at it */
    const char *text = "2023-02-29 2024-4-30\n2024-1 2024-13-01 2024-04-30T24:00";
    expect_tokens_and_messages(
        text, strlen(text),
        "date(1970-01-01) date(1970-01-01) date(1970-01-01) date(1970-01-01) date(1970-01-01T00:00)",
        "t.pol:1:1: error: `2023-02-29` is not a calendar day: February 2023 has 28 days\n"
        "2023-02-29 2024-4-30\n"
        "^~~~~~~~~~\n"
        "t.pol:1:12: error: malformed date `2024-4-30`: write dates as YYYY-MM-DD (and put spaces around `-` to "
        "subtract)\n"
        "2023-02-29 2024-4-30\n"
        "           ^~~~~~~~~\n"
        "t.pol:2:1: error: malformed date `2024-1`: write dates as YYYY-MM-DD (and put spaces around `-` to "
        "subtract)\n"
        "2024-1 2024-13-01 2024-04-30T24:00\n"
        "^~~~~~\n"
        "t.pol:2:8: error: `2024-13-01` is not a calendar day: there is no month 13\n"
        "2024-1 2024-13-01 2024-04-30T24:00\n"
        "       ^~~~~~~~~~\n"
        "t.pol:2:19: error: `2024-04-30T24:00` has an impossible time of day: times run from 00:00 to 23:59\n"
        "2024-1 2024-13-01 2024-04-30T24:00\n"
        "                  ^~~~~~~~~~~~~~~~\n");
}

static void test_times_only_after_at(void **state)
{
    (void)state;
    expect_tokens("d at 17:00", "id(d) at time(17:00)");
    expect_tokens("d at # the deadline\n  09:30 + 1", "id(d) at time(09:30) + int(1)");
    /* elsewhere a colon is punctuation */
    expect_tokens("x > 17:00", "id(x) > int(17) : int(0)");
    expect_tokens("d at x", "id(d) at id(x)");
}

static void test_string_escapes(void **state)
{
    (void)state;
    expect_tokens("\"a\\\"b\\\\c\\nd\\te\\{f\\}g}\"", "\"< text(a\"b\\c\nd\te{f}g}) >\"");
    expect_tokens("\"\"", "\"< >\"");
    /* tabs, CJK and the ideographic space are text */
    expect_tokens("\"中\t文\xE3\x80\x80\"", "\"< text(中\t文\xE3\x80\x80) >\"");
}

static void test_string_interpolation_nests(void **state)
{
    (void)state;
    expect_tokens("\"论文《{p.title}》查重率{p.similarity}%\"",
                  "\"< text(论文《) {< id(p) . id(title) >} text(》查重率) {< id(p) . id(similarity) >} text(%) >\"");
    /* a string inside an interpolation, and braces of a set inside an interpolation */
    expect_tokens("\"a{ \"b{c}d\" }e\"", "\"< text(a) {< \"< text(b) {< id(c) >} text(d) >\" >} text(e) >\"");
    expect_tokens("\"{x in {a, b}}\" }", "\"< {< id(x) in { id(a) , id(b) } >} >\" }");
    expect_tokens("{\"{}\"}", "{ \"< {< >} >\" }");
}

static void test_clause_ids(void **state)
{
    (void)state;
    expect_tokens("clause 三(一) \"公共科目\" {", "clause clause-id(三(一)) \"< text(公共科目) >\" {");
    expect_tokens("clause 附件1{ }", "clause clause-id(附件1) { }");
    expect_tokens("clause\n  九(七)\n{", "clause clause-id(九(七)) {");
    expect_tokens("clause # c\n 一 {", "clause clause-id(一) {");
    /* no id: the next token is read as code */
    expect_tokens("clause { route", "clause { route");
    expect_tokens("clause \"t\"", "clause \"< text(t) >\"");
}

static void test_operators_and_comments(void **state)
{
    (void)state;
    expect_tokens("== != <= >= ?? -> .. < > + - * / . ( ) { } : , ; = ?",
                  "== != <= >= ?? -> .. < > + - * / . ( ) { } : , ; = ?");
    expect_tokens("a # a comment, 中文 {\"\nb#c", "id(a) id(b)");
    /* a comment at the end of the file needs no newline */
    expect_tokens("a # end", "id(a)");
    /* a UTF-8 byte order mark at the start is skipped */
    expect_tokens("\xEF\xBB\xBFpolicy", "policy");
}

static void test_invalid_characters_are_tokens(void **state)
{
    (void)state;
    expect_tokens("a $ b && c || !d ' [ ] @", "id(a) invalid(24) id(b) invalid(26 26) id(c) invalid(7c 7c) invalid(21) "
                                              "id(d) invalid(27) invalid(5b) invalid(5d) invalid(40)");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* a stray byte, a truncated sequence, an overlong encoding, a surrogate */
    expect_tokens("a\xff" "b \xe4\xb8 c \xc0\x80 \xed\xa0\x80",
                  "id(a) invalid(ff) id(b) invalid(e4) invalid(b8) id(c) invalid(c0) invalid(80) invalid(ed) "
                  "invalid(a0) invalid(80)");
    /* inside strings and comments the scanner reports it (once per line) and goes on */
    const char text[] = "\"a\xffz\" # \xfe\n\"\xfe\xfe\"";
    expect_tokens_and_messages(text, sizeof text - 1, "\"< text(az) >\" \"< >\"",
                               "t.pol:1:3: error: invalid UTF-8 (byte 0xFF): the file must be saved as UTF-8\n"
                               "\"a\xEF\xBF\xBDz\" # \xEF\xBF\xBD\n"
                               "  ^\n"
                               "t.pol:2:2: error: invalid UTF-8 (byte 0xFE): the file must be saved as UTF-8\n"
                               "\"\xEF\xBF\xBD\xEF\xBF\xBD\"\n"
                               " ^\n");
}

static void test_nul_bytes(void **state)
{
    (void)state;
    const char text[] = "a\0b \"x\0y\"";
    scanned s = scan_n(text, sizeof text - 1, NULL);
    assert_string_equal(s.tokens, "id(a) invalid(00) id(b) \"< text(xy) >\"");
    assert_string_equal(s.messages, "t.pol:1:7: error: invalid character NUL (byte 0x00)\n"
                                    "a\xEF\xBF\xBD" "b \"x\xEF\xBF\xBDy\"\n"
                                    "      ^\n");
    release(&s);
}

static void test_unterminated_string_at_newline(void **state)
{
    (void)state;
    const char *text = "x = \"请上传《自评表》\ny\n";
    expect_tokens_and_messages(
        text, strlen(text), "id(x) = \"< text(请上传《自评表》) >\" id(y)",
        "t.pol:1:5: error: unterminated string: add the closing `\"` before the end of the line\n"
        "x = \"请上传《自评表》\n"
        "    ^~~~~~~~~~~~~~~~~\n");
    /* cut inside an interpolation's string: every open string and interpolation is closed */
    const char *nested = "\"a{\"b\n}";
    expect_tokens_and_messages(
        nested, strlen(nested), "\"< text(a) {< \"< text(b) >\" >} >\" }",
        "t.pol:1:4: error: unterminated string: add the closing `\"` before the end of the line\n"
        "\"a{\"b\n"
        "   ^~\n");
}

static void test_unterminated_string_at_end_of_file(void **state)
{
    (void)state;
    const char *text = "x = \"abc";
    expect_tokens_and_messages(text, strlen(text), "id(x) = \"< text(abc) >\"",
                               "t.pol:1:5: error: unterminated string: add the closing `\"` before the end of the "
                               "file\n"
                               "x = \"abc\n"
                               "    ^~~~\n");
}

static void test_unknown_escape(void **state)
{
    (void)state;
    const char *text = "\"a\\qb\\中\"";
    expect_tokens_and_messages(
        text, strlen(text), "\"< text(a\\qb\\中) >\"",
        "t.pol:1:3: error: unknown escape `\\q` in a string; the escapes are \\\" \\\\ \\n \\t \\{ \\}\n"
        "\"a\\qb\\中\"\n"
        "  ^~\n"
        "t.pol:1:6: error: unknown escape `\\中` in a string; the escapes are \\\" \\\\ \\n \\t \\{ \\}\n"
        "\"a\\qb\\中\"\n"
        "     ^~~\n");
}

static void test_integer_too_large(void **state)
{
    (void)state;
    const char *text = "9223372036854775807 9223372036854775808";
    expect_tokens_and_messages(text, strlen(text), "int(9223372036854775807) int(0)",
                               "t.pol:1:21: error: integer `9223372036854775808` is too large (the largest is "
                               "9223372036854775807)\n"
                               "9223372036854775807 9223372036854775808\n"
                               "                    ^~~~~~~~~~~~~~~~~~~\n");
}

static void test_token_spans(void **state)
{
    (void)state;
    char *locs = NULL;
    /* byte columns, end inclusive; CRLF line ends; a string's text part spans its bytes */
    scanned s = scan_n("route 机械\r\n  \"ab{x}\" -> 2024-04-30", strlen("route 机械\r\n  \"ab{x}\" -> 2024-04-30"),
                       &locs);
    assert_string_equal(s.tokens, "route id(机械) \"< text(ab) {< id(x) >} >\" -> date(2024-04-30)");
    assert_string_equal(locs, "1:1-1:5 1:7-1:12 2:3-2:3 2:4-2:5 2:6-2:6 2:7-2:7 2:8-2:8 2:9-2:9 2:11-2:12 2:14-2:23");
    release(&s);
    free(locs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keywords_and_identifiers),
        cmocka_unit_test(test_cjk_identifiers),
        cmocka_unit_test(test_dates_against_subtraction),
        cmocka_unit_test(test_bad_dates_are_reported_at_the_token),
        cmocka_unit_test(test_times_only_after_at),
        cmocka_unit_test(test_string_escapes),
        cmocka_unit_test(test_string_interpolation_nests),
        cmocka_unit_test(test_clause_ids),
        cmocka_unit_test(test_operators_and_comments),
        cmocka_unit_test(test_invalid_characters_are_tokens),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_unterminated_string_at_newline),
        cmocka_unit_test(test_unterminated_string_at_end_of_file),
        cmocka_unit_test(test_unknown_escape),
        cmocka_unit_test(test_integer_too_large),
        cmocka_unit_test(test_token_spans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
