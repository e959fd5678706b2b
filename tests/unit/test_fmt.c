/* test_fmt.c: polc fmt: idempotent, keeps every comment (same texts, same order), and the formatted source
 * compiles to the same code (fmt_same_code) — on every policy in the repository and on tricky snippets. */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "fmt.h"
#include "parse.h"

static FILE *quiet(void)
{
    FILE *f = fopen("/dev/null", "w");
    assert_non_null(f);
    return f;
}

/* formatted text (malloc'd), or NULL when the source does not parse */
static char *format(const char *text, size_t len)
{
    FILE *sink = quiet();
    diag_ctx *d = diag_new("t.pol", text, len, sink);
    char *out = NULL;
    size_t outlen = 0;
    int status = fmt_source("t.pol", text, len, d, &out, &outlen);
    diag_free(d);
    fclose(sink);
    if (status != 0)
        return NULL;
    assert_int_equal(strlen(out), outlen);
    return out;
}

/* the comments of a source, joined by newlines (malloc'd) */
static char *comments(const char *text)
{
    FILE *sink = quiet();
    diag_ctx *d = diag_new("t.pol", text, strlen(text), sink);
    ast_tree *tree = parse_source("t.pol", text, strlen(text), d);
    size_t size = 1;
    for (int i = 0; i < tree->comments.n; i++)
        size += strlen(tree->comments.items[i]->str) + 1;
    char *all = calloc(1, size);
    for (int i = 0; i < tree->comments.n; i++) {
        strcat(all, tree->comments.items[i]->str);
        strcat(all, "\n");
    }
    ast_tree_free(tree);
    diag_free(d);
    fclose(sink);
    return all;
}

/* 1 compiled and same code; 0 the original does not compile (nothing to compare) */
static int same_code(const char *a, const char *b)
{
    FILE *sink = quiet();
    diag_ctx *da = diag_new("a.pol", a, strlen(a), sink), *db = diag_new("b.pol", b, strlen(b), sink);
    fmt_compiled ca, cb;
    int sa = fmt_compile("a.pol", a, strlen(a), da, &ca);
    int sb = fmt_compile("b.pol", b, strlen(b), db, &cb);
    int result = 0;
    if (sa == 0) {
        assert_int_equal(sb, 0);
        char why[256] = "";
        if (!fmt_same_code(ca.program, cb.program, why, sizeof why))
            fail_msg("not the same code: %s\n--- formatted:\n%s", why, b);
        result = 1;
    }
    fmt_compiled_free(&ca);
    fmt_compiled_free(&cb);
    diag_free(da);
    diag_free(db);
    fclose(sink);
    return result;
}

/* the three properties; returns the formatted text (malloc'd) or NULL when the source does not parse */
static char *check_properties(const char *text)
{
    char *once = format(text, strlen(text));
    if (!once)
        return NULL;
    char *twice = format(once, strlen(once));
    assert_non_null(twice);
    if (strcmp(once, twice) != 0)
        fail_msg("not idempotent:\n--- once:\n%s\n--- twice:\n%s", once, twice);
    char *before = comments(text), *after = comments(once);
    assert_string_equal(before, after);
    free(before);
    free(after);
    same_code(text, once);
    free(twice);
    return once;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void every_policy_in_the_repository(void **state)
{
    (void)state;
    const char *patterns[] = {"policies/*.pol", "examples/*.pol", "examples/*/*.pol", "tests/*/*.pol",
                              "tests/*/*/*.pol", "tests/*/*/*/*.pol"};
    int formatted = 0, compiled_policy = 0;
    for (size_t k = 0; k < sizeof patterns / sizeof patterns[0]; k++) {
        glob_t g;
        if (glob(patterns[k], 0, NULL, &g) != 0)
            continue;
        for (size_t i = 0; i < g.gl_pathc; i++) {
            char *text = slurp(g.gl_pathv[i]);
            char *out = check_properties(text);
            if (out) {
                formatted++;
                if (strstr(g.gl_pathv[i], "suzhou-2024"))
                    compiled_policy = 1;
            }
            free(out);
            free(text);
        }
        globfree(&g);
    }
    assert_true(formatted > 0);
    assert_true(compiled_policy);
}

static void the_2024_policy_is_in_canonical_layout_after_one_pass(void **state)
{
    (void)state;
    char *text = slurp("policies/suzhou-2024.pol");
    char *out = check_properties(text);
    assert_non_null(out);
    /* entity attributes one a line, `=` lined up */
    assert_non_null(strstr(out, "  address = \"苏州市桐泾北路11号综合楼1楼\"\n  phone   = \"69820556\"\n"));
    /* a route too long for one line breaks before its `->` */
    assert_non_null(strstr(out, "where region == 吴江\n      -> 吴江区"));
    free(out);
    free(text);
}

static const char header[] = "policy \"p\" version \"1\" year 2024\n"
                             "enum 级别 { 初级 中级 高级 }\n"
                             "entity 部门 { phone: string? }\n"
                             "部门 中心 { phone = \"1\" }\n"
                             "applicant { id: string  level: 级别  n: int = 0  x: number = 0  d: date  ok: bool = false }\n"
                             "routing by level -> 部门\n"
                             "route * -> 中心\n";

/* header + body, formatted; checks the properties and that the formatted text contains want */
static void snippet(const char *body, const char *want)
{
    size_t n = strlen(header) + strlen(body) + 1;
    char *text = malloc(n);
    snprintf(text, n, "%s%s", header, body);
    char *out = check_properties(text);
    if (!out)
        fail_msg("does not parse:\n%s", text);
    if (want && !strstr(out, want))
        fail_msg("expected to find:\n%s\n--- in:\n%s", want, out);
    free(out);
    free(text);
}

static void layout_of_rules(void **state)
{
    (void)state;
    snippet("clause 三(一)   \"标题\"{violation when n>1:\"x\"}\n",
            "clause 三(一) \"标题\" {\n  violation when n > 1 : \"x\"\n}\n");
    snippet("clause 一 {let a=1 ; let b=2,let c = a+b}\noutput o : int=c\n",
            "clause 一 {\n  let a = 1\n  let b = 2\n  let c = a + b\n}\noutput o: int = c\n");
    snippet("for each y in 2020..2023 { warning when y == n : \"{y}\" }\n",
            "for each y in 2020 .. 2023 {\n  warning when y == n : \"{y}\"\n}\n");
    snippet("const c = 2024-04-30T17:00\nlet t = d at 09:05\nlet u = d + 3 years\n",
            "const c = 2024-04-30T17:00\nlet t = d at 09:05\nlet u = d + 3 years\n");
    snippet("enum E {}\n", "enum E {}\n");
}

static void parentheses_are_those_the_tree_needs(void **state)
{
    (void)state;
    snippet("let a = (n + 1) * 2\n", "let a = (n + 1) * 2\n");
    snippet("let b = ((n * 2)) + (1)\n", "let b = n * 2 + 1\n");
    snippet("let c = n - (1 - 2)\n", "let c = n - (1 - 2)\n");
    snippet("let e = not (ok and n > 1)\n", "let e = not (ok and n > 1)\n");
    snippet("let f = ok or n > 1 and n < 5\n", "let f = ok or (n > 1 and n < 5)\n"); /* and inside or: always */
    snippet("let g = (if ok then 1 else 2) + 1\n", "let g = (if ok then 1 else 2) + 1\n");
    snippet("let h = -(n + 1)\n", "let h = -(n + 1)\n");
    snippet("let i = (d + 1 years) at 17:00\n", "let i = (d + 1 years) at 17:00\n");
    snippet("let j = (level in {初级, 中级}) == ok\n", "let j = (level in {初级, 中级}) == ok\n");
    snippet("let k = x ?? (x ?? 1.5)\n", "let k = x ?? x ?? 1.5\n");
    snippet("let l = 0.1 + 30.0 + 2.50\n", "let l = 0.1 + 30.0 + 2.5\n");
    snippet("let m = sum(x * 2 for z in 1 .. n where z > 1) + count(z in 1..3)\n",
            "let m = sum(x * 2 for z in 1 .. n where z > 1) + count(z in 1 .. 3)\n");
}

static void strings_keep_their_escapes(void **state)
{
    (void)state;
    snippet("warning when ok : \"a\\\"b\\\\c\\{d\\}e\\n\\t{n + 1}《{level}》\"\n",
            "warning when ok : \"a\\\"b\\\\c\\{d\\}e\\n\\t{n + 1}《{level}》\"\n");
}

static void comments_stay_where_they_were(void **state)
{
    (void)state;
    /* own line before an item, trailing, on a block's first line, before the closing brace, end of file */
    snippet("# before\nclause 一 { # on the header\n  let a = 1   # trailing\n  # last in block\n}  # after brace\n# eof\n",
            "# before\nclause 一 {  # on the header\n  let a = 1  # trailing\n  # last in block\n}  # after brace\n# eof\n");
    /* inside an expression laid out anew: moved before its rule, never lost */
    snippet("let a = if ok # why\n  then 1 else 2\n", "# why\nlet a = if ok then 1 else 2\n");
    /* among enumeration values: one value a line */
    snippet("enum 地区 { 姑苏 # 市区\n 吴江 }\n", "enum 地区 {\n  姑苏  # 市区\n  吴江\n}\n");
    /* a `#` inside a string is not a comment */
    snippet("warning when ok : \"第#1号\" # real\n", "warning when ok : \"第#1号\"  # real\n");
    /* a comment after a one-line block stays after its `}`; after two rules on a line, with the second */
    snippet("部门 甲 { phone = \"1\" } # 附件2\n", "部门 甲 {\n  phone = \"1\"\n}  # 附件2\n");
    snippet("let a = 1 let b = 2 # c\n", "let a = 1\nlet b = 2  # c\n");
    /* blank lines: at most one kept */
    snippet("let a = 1\n\n\n\nlet b = 2\n", "let a = 1\n\nlet b = 2\n");
    /* trailing comments of consecutive lines line up (CJK counts two columns) */
    snippet("let 甲 = 1 # x\nlet bb = 22 # y\n", "let 甲 = 1   # x\nlet bb = 22  # y\n");
}

static void long_lines_break_where_they_read_well(void **state)
{
    (void)state;
    snippet("violation when n > 1 and x > 2 : \"这是一条很长的中文提示信息，用来说明为什么该申报人员不符合本通知规定的申报条件之一\"\n",
            "violation when n > 1 and x > 2 :\n    \"这是一条很长的中文提示信息");
    snippet("output o = if n > 100000000 then \"一二三四五六七八九十一二三四五\" else if n > 2 then \"一二三四五六七八九十\" else \"无\"\n",
            "output o = if n > 100000000 then \"一二三四五六七八九十一二三四五\"\n           else if n > 2");
    snippet("let m = match level { 初级 -> \"一二三四五六七八九十一二三四五\" 中级 -> \"一二三四五六七八九十一二三\" else -> \"一二三四五六七八九十\" }\n",
            "let m = match level {\n  初级 -> \"一二三四五六七八九十一二三四五\"\n");
}

static void broken_sources_are_not_formatted(void **state)
{
    (void)state;
    const char *bad = "policy \"p\"\nlet a = (1 +\n";
    assert_null(format(bad, strlen(bad)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_policy_in_the_repository),
        cmocka_unit_test(the_2024_policy_is_in_canonical_layout_after_one_pass),
        cmocka_unit_test(layout_of_rules),
        cmocka_unit_test(parentheses_are_those_the_tree_needs),
        cmocka_unit_test(strings_keep_their_escapes),
        cmocka_unit_test(comments_stay_where_they_were),
        cmocka_unit_test(long_lines_break_where_they_read_well),
        cmocka_unit_test(broken_sources_are_not_formatted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
