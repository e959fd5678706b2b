/* test_parser.c: the syntax tree of every construct of doc/language.md (as ast_dump S-expressions), operator
 * precedence, node spans, and syntax errors: exact messages, several per run, no cascades, bounded depth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

typedef struct parsed {
    char *dump;     /* one line per declaration */
    char *messages; /* what diag printed */
    int errors;
} parsed;

static parsed parse_n(const char *text, size_t len)
{
    parsed p = {NULL, NULL, 0};
    size_t dn = 0, mn = 0;
    FILE *dump = open_memstream(&p.dump, &dn);
    FILE *messages = open_memstream(&p.messages, &mn);
    diag_ctx *d = diag_new("p.pol", text, len, messages);
    ast_tree *tree = parse_source("p.pol", text, len, d);
    assert_non_null(tree);
    for (int i = 0; i < tree->decls.n; i++) {
        ast_dump(tree->decls.items[i], dump);
        fputc('\n', dump);
    }
    p.errors = diag_error_count(d);
    ast_tree_free(tree);
    diag_free(d);
    fclose(dump);
    fclose(messages);
    return p;
}

static parsed parse_text(const char *text) { return parse_n(text, strlen(text)); }

static void release(parsed *p)
{
    free(p->dump);
    free(p->messages);
}

/* text parses without any message to exactly these declarations */
static void expect_tree(const char *text, const char *dump)
{
    parsed p = parse_text(text);
    assert_string_equal(p.messages, "");
    assert_string_equal(p.dump, dump);
    release(&p);
}

/* an expression, parsed as `const x = EXPR`, dumps as expected */
static void expect_expr(const char *expr, const char *dump)
{
    char text[512], want[512];
    snprintf(text, sizeof text, "const x = %s", expr);
    snprintf(want, sizeof want, "(const x %s)\n", dump);
    expect_tree(text, want);
}

/* text gives exactly these diagnostics (and this partial tree, when tree is not NULL) */
static void expect_errors(const char *text, const char *messages, const char *tree)
{
    parsed p = parse_text(text);
    assert_string_equal(p.messages, messages);
    assert_true(p.errors > 0);
    if (tree)
        assert_string_equal(p.dump, tree);
    release(&p);
}

/* ---- declarations ---------------------------------------------------------------------------------------- */

static void test_policy_header(void **state)
{
    (void)state;
    expect_tree("policy \"苏州市2024年工程系列职称评审\" version \"2024.1\" year 2024",
                "(policy \"苏州市2024年工程系列职称评审\" (version \"2024.1\") (year 2024))\n");
    expect_tree("policy \"p\"", "(policy \"p\")\n");
}

static void test_enums(void **state)
{
    (void)state;
    expect_tree("enum 级别 { 初级 中级 高级 正高级 }\n"
                "enum 地区 { 市本级, 姑苏, 吴中; 相城, }\n"
                "enum 空 {}\n",
                "(enum 级别 初级 中级 高级 正高级)\n"
                "(enum 地区 市本级 姑苏 吴中 相城)\n"
                "(enum 空)\n");
}

static void test_records_and_applicant(void **state)
{
    (void)state;
    expect_tree("record 继续教育 {\n"
                "  year: int\n"
                "  hours: number = 0\n"
                "  xxqg_points: number = 0, professional_hours: number = 0.5;\n"
                "}\n"
                "record 论文 { title: string  date: date  first_author: bool = true }\n"
                "applicant {\n"
                "  id: string\n"
                "  specialty: 专业\n"
                "  unit_type: 单位类型 = 本地\n"
                "  ce: list 继续教育            # a list is optional\n"
                "  integrity_record_date: date?  # optional, null when absent\n"
                "}\n",
                "(record 继续教育 (field year int) (field hours number 0) (field xxqg_points number 0) "
                "(field professional_hours number 0.5))\n"
                "(record 论文 (field title string) (field date date) (field first_author bool true))\n"
                "(applicant (field id string) (field specialty 专业) (field unit_type 单位类型 本地) "
                "(field ce (list 继续教育)) (field integrity_record_date date?))\n");
}

static void test_entities(void **state)
{
    (void)state;
    expect_tree("entity 部门 { address: string?  phone: string? }\n"
                "部门 吴江区职称评价中心 {\n"
                "  address = \"吴江区开平路3688号\"\n"
                "  phone = \"63950287\"\n"
                "}\n"
                "entity 评委会 { authority: string? receiver: 部门? review_mode: 评审方式 online_from: date? }\n"
                "评委会 吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会 {\n"
                "  receiver = 吴江区职称评价中心, review_mode = 无纸化评审; online_from = 2024-04-01\n"
                "}\n",
                "(entity-type 部门 (field address string?) (field phone string?))\n"
                "(entity 吴江区职称评价中心 部门 (attr address \"吴江区开平路3688号\") (attr phone \"63950287\"))\n"
                "(entity-type 评委会 (field authority string?) (field receiver 部门?) (field review_mode 评审方式) "
                "(field online_from date?))\n"
                "(entity 吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会 评委会 "
                "(attr receiver 吴江区职称评价中心) (attr review_mode 无纸化评审) (attr online_from 2024-04-01))\n");
}

static void test_constants(void **state)
{
    (void)state;
    expect_tree("const 通知日期 = 2024-01-10\n"
                "const 截止 = 2024-04-30T17:00\n"
                "const 年限 = 2024 - 1\n",
                "(const 通知日期 2024-01-10)\n"
                "(const 截止 2024-04-30T17:00)\n"
                "(const 年限 (- 2024 1))\n");
}

static void test_routing_and_routes(void **state)
{
    (void)state;
    expect_tree(
        "routing by specialty, level -> 评委会\n"
        "route 机械 中级 where region==吴江 -> 吴江区职称评价中心\n"
        "route 建设 中级, 初级 -> 苏州市建设工程技术中级资格评审委员会\n"
        "route 建设 中级, 初级 where region == 昆山 -> 昆山市建设工程中级专业技术资格评审委员会\n"
        "route 机械, 电子信息 中级, 初级 where region == 吴江 -> "
        "吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会\n"
        "route * 正高级 where region not in {吴江, 昆山} and not exceptional -> 省评委会\n",
        "(routing (specialty level) 评委会)\n"
        "(route (keys (机械) (中级)) (where (== region 吴江)) 吴江区职称评价中心)\n"
        "(route (keys (建设) (中级 初级)) 苏州市建设工程技术中级资格评审委员会)\n"
        "(route (keys (建设) (中级 初级)) (where (== region 昆山)) 昆山市建设工程中级专业技术资格评审委员会)\n"
        "(route (keys (机械 电子信息) (中级 初级)) (where (== region 吴江)) "
        "吴江区机械工程、数字经济（电子信息）工程中级专业技术资格评审委员会)\n"
        "(route (keys * (正高级)) (where (and (not-in region (吴江 昆山)) (not exceptional))) 省评委会)\n");
}

static void test_clauses_and_findings(void **state)
{
    (void)state;
    expect_tree("clause 三(一) \"公共科目继续教育\" {\n"
                "  violation when submitted_by == 中介 : \"材料由中介公司代为申报，中心不受理\"\n"
                "  todo when not self_assessment_uploaded : \"请上传《能力业绩自评表》至“其他材料”\";\n"
                "  warning when routed == null : \"{specialty}{level}不在本通知的受理范围内\"\n"
                "}\n"
                "clause 附件1 { }\n"
                "warning when x : \"outside any clause\"\n",
                "(clause 三(一) \"公共科目继续教育\" (violation (== submitted_by 中介) \"材料由中介公司代为申报，中心不受理\") "
                "(todo (not self_assessment_uploaded) \"请上传《能力业绩自评表》至“其他材料”\") "
                "(warning (== routed null) (string specialty level \"不在本通知的受理范围内\")))\n"
                "(clause 附件1)\n"
                "(warning x \"outside any clause\")\n");
}

static void test_for_each(void **state)
{
    (void)state;
    expect_tree("clause 附件1 {\n"
                "  for each p in papers {\n"
                "    violation when p.similarity > 30 : \"论文《{p.title}》查重率{p.similarity}%，超过30%\"\n"
                "    warning when not p.first_author : \"论文《{p.title}》非第一作者\"\n"
                "  }\n"
                "  for each y in 2020 .. 2023 { todo when y > 计算起始年 : \"{y}\" }\n"
                "}\n",
                "(clause 附件1 (for-each p papers "
                "(violation (> (. p similarity) 30) (string \"论文《\" (. p title) \"》查重率\" (. p similarity) "
                "\"%，超过30%\")) "
                "(warning (not (. p first_author)) (string \"论文《\" (. p title) \"》非第一作者\"))) "
                "(for-each y (.. 2020 2023) (todo (> y 计算起始年) (string y))))\n");
}

static void test_let_and_outputs(void **state)
{
    (void)state;
    expect_tree("let 计算起始年 = year(current_title_date) + 1\n"
                "output authority = routed.authority\n"
                "output interview: 面试 = match level { 高级 -> if exceptional or not major_matches then required "
                "else possible\n"
                "                                       正高级 -> required\n"
                "                                       else -> none }\n"
                "output tenure: int? = years_between(current_title_date, 资历截止)\n",
                "(let 计算起始年 (+ (call year current_title_date) 1))\n"
                "(output authority (. routed authority))\n"
                "(output interview 面试 (match level (arm (高级) (if (or exceptional (not major_matches)) required "
                "possible)) (arm (正高级) required) (else none)))\n"
                "(output tenure int? (call years_between current_title_date 资历截止))\n");
}

/* ---- expressions ------------------------------------------------------------------------------------------ */

static void test_precedence_table(void **state)
{
    (void)state;
    /* loosest first: if/match, or, and, not, comparisons and in, ??, + -, * /, unary -, years/at, `.` */
    expect_expr("if a then b else c or d", "(if a b (or c d))");
    expect_expr("a or b and c", "(or a (and b c))");
    expect_expr("a and b or c", "(or (and a b) c)");
    expect_expr("not a and b", "(and (not a) b)");
    expect_expr("not a == b", "(not (== a b))");
    expect_expr("not x in {a}", "(not (in x (a)))");
    expect_expr("not a not in {x}", "(not (not-in a (x)))");
    expect_expr("a == b ?? c", "(== a (?? b c))");
    expect_expr("a ?? b + c", "(?? a (+ b c))");
    expect_expr("a + b ?? c", "(?? (+ a b) c)");
    expect_expr("a ?? b ?? c", "(?? a (?? b c))");
    expect_expr("a + b * c - d / e", "(- (+ a (* b c)) (/ d e))");
    expect_expr("a - b - c", "(- (- a b) c)");
    expect_expr("-a * b", "(* (- a) b)");
    expect_expr("- a.b", "(- (. a b))");
    expect_expr("d + 3 years", "(+ d (years 3))");
    expect_expr("d - n years >= 资历截止", "(>= (- d (years n)) 资历截止)");
    expect_expr("d at 17:00 < 截止", "(< (at d 17:00) 截止)");
    expect_expr("a.b.c", "(. (. a b) c)");
    expect_expr("x in {a, b} and y not in {c}", "(and (in x (a b)) (not-in y (c)))");
    expect_expr("(a or b) and c", "(and (or a b) c)");
    expect_expr("match x { a -> 1 } + 1", "(+ (match x (arm (a) 1)) 1)");
}

static void test_expression_forms(void **state)
{
    (void)state;
    expect_expr("14", "14");
    expect_expr("30.5", "30.5");
    expect_expr("2024-04-30", "2024-04-30");
    expect_expr("2024-04-30T17:00", "2024-04-30T17:00");
    expect_expr("true", "true");
    expect_expr("false", "false");
    expect_expr("null", "null");
    expect_expr("routed", "routed");
    expect_expr("\"\"", "\"\"");
    expect_expr("x ?? 0", "(?? x 0)");
    expect_expr("count(x in L where c)", "(count x L (where c))");
    expect_expr("count(y in 2020 .. 2023)", "(count y (.. 2020 2023))");
    expect_expr("any(p in papers where p.foreign)", "(any p papers (where (. p foreign)))");
    expect_expr("all(p in papers)", "(all p papers)");
    expect_expr("sum(c.hours for c in ce where c.year > 2020)", "(sum c ce (where (> (. c year) 2020)) (. c hours))");
    expect_expr("year(d)", "(call year d)");
    expect_expr("years_between(a, b)", "(call years_between a b)");
    expect_expr("min(a, max(b, c))", "(call min a (call max b c))");
    expect_expr("f()", "(call f)");
    expect_expr("findings(violation) + findings(todo) + findings(warning)",
                "(+ (+ (findings violation) (findings todo)) (findings warning))");
    expect_expr("p.date < c.year", "(< (. p date) (. c year))");
    expect_expr("match level { 初级, 中级 -> 1, 高级 -> 2; else -> 3 }",
                "(match level (arm (初级 中级) 1) (arm (高级) 2) (else 3))");
    expect_expr("x in {}", "(in x ())");
}

static void test_strings_in_the_tree(void **state)
{
    (void)state;
    expect_expr("\"a\\\"b\\\\c\\nd\\te\\{f\\}\"", "\"a\\\"b\\\\c\\nd\\te{f}\"");
    expect_expr("\"x{ \"inner{1 + 2}\" }y\"", "(string \"x\" (string \"inner\" (+ 1 2)) \"y\")");
    expect_expr("\"{a}{b}\"", "(string a b)");
    expect_expr("\"{x in {a, b}}\"", "(string (in x (a b)))");
}

static void test_node_spans(void **state)
{
    (void)state;
    const char *text = "clause 一 {\n  route 机械 中级 where region==吴江 -> 吴江区职称评价中心\n}\n";
    diag_ctx *d = diag_new("p.pol", text, strlen(text), NULL);
    ast_tree *tree = parse_source("p.pol", text, strlen(text), d);
    assert_int_equal(diag_error_count(d), 0);
    assert_int_equal(tree->decls.n, 1);
    ast_node *clause = tree->decls.items[0];
    assert_int_equal(clause->kind, AST_CLAUSE);
    assert_int_equal(clause->loc.line, 1);
    assert_int_equal(clause->loc.col, 1);
    assert_int_equal(clause->loc.end_line, 3);
    assert_int_equal(clause->loc.end_col, 1);
    assert_int_equal(clause->name_loc.col, 8);
    assert_int_equal(clause->name_loc.end_col, 10);
    ast_node *route = clause->list.items[0];
    assert_int_equal(route->kind, AST_ROUTE);
    assert_int_equal(route->loc.line, 2);
    assert_int_equal(route->loc.col, 3);
    /* the target 吴江区职称评价中心: 9 characters of 3 bytes, after `-> ` */
    int target = (int)(strstr(text, "-> 吴江区") - strchr(text, '\n')) + 3;
    assert_int_equal(route->name_loc.col, target);
    assert_int_equal(route->name_loc.end_col, target + 26);
    assert_int_equal(route->loc.end_col, target + 26);
    ast_node *where = route->a;
    assert_int_equal(where->kind, AST_BINARY);
    assert_int_equal(where->op, AST_OP_EQ);
    assert_int_equal(where->a->loc.col, (int)(strstr(text, "region") - strchr(text, '\n')));
    assert_string_equal(ast_kind_name(AST_ROUTE), "route");
    assert_string_equal(ast_kind_name(AST_ENTITY_TYPE), "entity-type");
    ast_tree_free(tree);
    diag_free(d);
}

/* ---- errors ------------------------------------------------------------------------------------------------ */

static void test_several_errors_in_one_run(void **state)
{
    (void)state;
    expect_errors("clause 三(一) {\n"
                  "  violation when level = 中级 : \"a\"\n"
                  "  warning when routed == null \"b\"\n"
                  "  todo when x : \"c\"\n"
                  "}\n"
                  "route 机械 中级 吴江区职称评价中心\n"
                  "const ok = 1\n",
                  "p.pol:2:24: error: syntax error, unexpected '='\n"
                  "  violation when level = 中级 : \"a\"\n"
                  "                       ^\n"
                  "p.pol:2:24: note: to compare two values, write `==`\n"
                  "  violation when level = 中级 : \"a\"\n"
                  "                       ^\n"
                  "p.pol:3:31: error: syntax error, unexpected string\n"
                  "  warning when routed == null \"b\"\n"
                  "                              ^\n"
                  "p.pol:3:31: note: a finding's message comes after a `:`, as in `when CONDITION : \"message\"`\n"
                  "  warning when routed == null \"b\"\n"
                  "                              ^\n"
                  "p.pol:7:1: error: syntax error, unexpected `const`\n"
                  "const ok = 1\n"
                  "^~~~~\n"
                  "p.pol:6:1: note: this route has no `->`: a route is written `route KEYS [where CONDITION] -> "
                  "TARGET`\n"
                  "route 机械 中级 吴江区职称评价中心\n"
                  "^~~~~\n",
                  /* the good parts survive */
                  "(clause 三(一) (todo x \"c\"))\n(const ok 1)\n");
}

static void test_expected_token_at_end_of_line(void **state)
{
    (void)state;
    /* a missing `:` at the end of a line is reported there, before the next line's token */
    expect_errors("record R {\n  year int\n  hours: number\n}\n",
                  "p.pol:2:8: error: syntax error, unexpected `int`, expecting ':'\n"
                  "  year int\n"
                  "       ^~~\n",
                  "(record R (field hours number))\n");
    expect_errors("routing by specialty, level\nroute a -> b\n",
                  "p.pol:1:28: error: syntax error, expecting `->` or ',' before `route`\n"
                  "routing by specialty, level\n"
                  "                           ^\n",
                  "(route (keys (a)) b)\n");
}

static void test_full_width_colon(void **state)
{
    (void)state;
    expect_errors("violation when submitted_by == 中介： \"不受理\"\n",
                  "p.pol:1:39: error: syntax error, unexpected string\n"
                  "violation when submitted_by == 中介： \"不受理\"\n"
                  "                                      ^\n"
                  "p.pol:1:36: note: `：` is a full-width colon; pol's punctuation is ASCII: write `:`\n"
                  "violation when submitted_by == 中介： \"不受理\"\n"
                  "                                   ^~\n",
                  "");
}

static void test_misspelt_keyword(void **state)
{
    (void)state;
    expect_errors("clause 一 {\n  violaton when x : \"m\"\n  todo when y : \"n\"\n}\n",
                  "p.pol:2:3: error: syntax error, unexpected identifier\n"
                  "  violaton when x : \"m\"\n"
                  "  ^~~~~~~~\n"
                  "p.pol:2:3: note: `violaton` is not a keyword; did you mean `violation`?\n"
                  "  violaton when x : \"m\"\n"
                  "  ^~~~~~~~\n",
                  "(clause 一 (todo y \"n\"))\n");
}

static void test_unclosed_brace(void **state)
{
    (void)state;
    /* a declaration keyword cannot be inside braces: one error where the `}` belongs, and both the open block
     * and the declaration after it are kept */
    expect_errors("enum 级别 { 初级 中级\n\nrecord R {\n  year: int\n}\nconst ok = 1\n",
                  "p.pol:1:22: error: missing `}` before `record`\n"
                  "enum 级别 { 初级 中级\n"
                  "                     ^\n"
                  "p.pol:1:11: note: this `{` is not closed\n"
                  "enum 级别 { 初级 中级\n"
                  "          ^\n",
                  "(enum 级别 初级 中级)\n(record R (field year int))\n(const ok 1)\n");
    /* the innermost open block is the one named */
    expect_errors("clause 一 {\n  for each p in papers {\n    todo when x : \"m\"\n\nclause 二 {\n}\n",
                  "p.pol:3:22: error: missing `}` before `clause`\n"
                  "    todo when x : \"m\"\n"
                  "                     ^\n"
                  "p.pol:2:24: note: this `{` is not closed\n"
                  "  for each p in papers {\n"
                  "                       ^\n",
                  "(clause 一 (for-each p papers (todo x \"m\")))\n(clause 二)\n");
    /* before an entity (no keyword): the unindented line that opens a block gives it away */
    expect_errors("record R {\n  a: int\n\n部门 X {\n  b = 1\n}\nconst ok = 1\n",
                  "p.pol:4:6: error: syntax error, unexpected identifier, expecting ':'\n"
                  "部门 X {\n"
                  "     ^\n"
                  "p.pol:1:10: note: this `{` is not closed\n"
                  "record R {\n"
                  "         ^\n",
                  "(record R (field a int))\n(const ok 1)\n");
    /* at the end of the file, even in the middle of a field or of a string's interpolation */
    expect_errors("applicant {\n  id: string\n  level:",
                  "p.pol:3:9: error: missing `}` at the end of the file\n"
                  "  level:\n"
                  "        ^\n"
                  "p.pol:1:11: note: this `{` is not closed\n"
                  "applicant {\n"
                  "          ^\n",
                  "(applicant (field id string))\n");
    expect_errors("const a = \"abc {x",
                  "p.pol:1:18: error: missing `}` at the end of the file\n"
                  "const a = \"abc {x\n"
                  "                 ^\n"
                  "p.pol:1:16: note: this `{` is not closed\n"
                  "const a = \"abc {x\n"
                  "               ^\n",
                  "(const a (string \"abc \" x))\n");
}

static void test_no_cascade_after_a_broken_block_header(void **state)
{
    (void)state;
    /* the clause id is missing: one error; the block's rules are kept and its `}` is not a second error */
    expect_errors("clause {\n  todo when x : \"m\"\n}\nconst ok = 1\n",
                  "p.pol:1:8: error: syntax error, unexpected '{', expecting clause id\n"
                  "clause {\n"
                  "       ^\n",
                  "(todo x \"m\")\n(const ok 1)\n");
    /* a broken `for each` header inside a clause does not end the clause early */
    expect_errors("clause 一 {\n  for each in papers { todo when x : \"m\" }\n  todo when y : \"n\"\n}\n",
                  "p.pol:2:12: error: syntax error, unexpected `in`, expecting identifier\n"
                  "  for each in papers { todo when x : \"m\" }\n"
                  "           ^~\n",
                  "(clause 一 (todo x \"m\") (todo y \"n\"))\n");
}

static void test_errors_inside_brackets_and_strings(void **state)
{
    (void)state;
    expect_errors("const a = (1 + ) * 2\nconst b = \"x{1 +}y\"\nconst c = max(1, )\nconst d = 4\n",
                  "p.pol:1:16: error: syntax error, unexpected ')'\n"
                  "const a = (1 + ) * 2\n"
                  "               ^\n"
                  "p.pol:2:17: error: syntax error, unexpected `}`\n"
                  "const b = \"x{1 +}y\"\n"
                  "                ^\n"
                  "p.pol:3:18: error: syntax error, unexpected ')'\n"
                  "const c = max(1, )\n"
                  "                 ^\n",
                  "(const a (* null 2))\n(const b (string \"x\" \"y\"))\n(const d 4)\n");
}

static void test_invalid_characters(void **state)
{
    (void)state;
    expect_errors("const a = x && y\nconst b = 'q'\nconst c = 1 $ $ $\nconst d = 2\n",
                  "p.pol:1:13: error: `&&` is not an operator in pol; write `and`\n"
                  "const a = x && y\n"
                  "            ^~\n"
                  "p.pol:2:11: error: invalid character `'`: strings are written in double quotes, \"...\"\n"
                  "const b = 'q'\n"
                  "          ^\n"
                  "p.pol:3:13: error: invalid character `$`\n"
                  "const c = 1 $ $ $\n"
                  "            ^\n",
                  "(const d 2)\n");
}

static void test_nul_bytes_and_invalid_utf8(void **state)
{
    (void)state;
    const char text[] = "const a = 1\0\nconst b = \xe4\xb8 2\nconst c = \"\xff\"\n";
    parsed p = parse_n(text, sizeof text - 1);
    assert_string_equal(p.messages,
                        "p.pol:1:12: error: invalid character NUL (byte 0x00)\n"
                        "const a = 1\xEF\xBF\xBD\n"
                        "           ^\n"
                        "p.pol:2:11: error: invalid UTF-8 (byte 0xE4): the file must be saved as UTF-8\n"
                        "const b = \xEF\xBF\xBD\xEF\xBF\xBD 2\n"
                        "          ^\n"
                        "p.pol:3:12: error: invalid UTF-8 (byte 0xFF): the file must be saved as UTF-8\n"
                        "const c = \"\xEF\xBF\xBD\"\n"
                        "           ^\n");
    assert_int_equal(p.errors, 3);
    assert_string_equal(p.dump, "(const c \"\")\n");
    release(&p);
}

static void test_comparisons_do_not_chain(void **state)
{
    (void)state;
    expect_errors("const a = 1 < x < 3\n",
                  "p.pol:1:17: error: syntax error, unexpected '<'\n"
                  "const a = 1 < x < 3\n"
                  "                ^\n",
                  "");
}

static void test_policy_header_comes_first(void **state)
{
    (void)state;
    expect_errors("enum E { a }\npolicy \"p\"\npolicy \"q\" version \"{1}\"\n",
                  "p.pol:2:1: error: the `policy` header must come first in the file\n"
                  "policy \"p\"\n"
                  "^~~~~~~~~~\n"
                  "p.pol:3:22: error: the version must be plain text, without `{...}`\n"
                  "policy \"q\" version \"{1}\"\n"
                  "                     ^\n"
                  "p.pol:3:1: error: a second `policy` header\n"
                  "policy \"q\" version \"{1}\"\n"
                  "^~~~~~~~~~~~~~~~~~~~~~~~\n"
                  "p.pol:2:1: note: the first is here\n"
                  "policy \"p\"\n"
                  "^~~~~~~~~~\n",
                  NULL);
}

static void test_deep_nesting_is_bounded(void **state)
{
    (void)state;
    /* 256 levels of brackets are fine; deeper ones, or deeper trees without brackets, are one error */
    char text[4096];
    int n = snprintf(text, sizeof text, "const a = ");
    for (int i = 0; i < 256; i++)
        text[n++] = '(';
    text[n++] = '1';
    for (int i = 0; i < 256; i++)
        text[n++] = ')';
    text[n] = '\0';
    parsed p = parse_text(text);
    assert_int_equal(p.errors, 0);
    release(&p);

    static const char *const deep[] = {"(", "- ", "not ", "\"{", "for each x in l { "};
    for (size_t k = 0; k < sizeof deep / sizeof deep[0]; k++) {
        size_t len = 0, step = strlen(deep[k]), count = 100000;
        char *big = malloc(step * count + 64);
        len += (size_t)sprintf(big, k == 4 ? "clause c { " : "const a = ");
        for (size_t i = 0; i < count; i++, len += step)
            memcpy(big + len, deep[k], step);
        big[len] = '\0';
        parsed q = parse_n(big, len);
        assert_non_null(strstr(q.messages, "error: nested too deeply: at most 256 levels are allowed"));
        free(big);
        release(&q);
    }

    /* a long flat chain is a deep tree too: bounded, reported once, and the tree stays within the bound */
    size_t count = 5000;
    char *sum = malloc(count * 2 + 16);
    size_t len = (size_t)sprintf(sum, "const a = 1");
    for (size_t i = 1; i < count; i++)
        len += (size_t)sprintf(sum + len, "+1");
    diag_ctx *d = diag_new("p.pol", sum, len, NULL);
    ast_tree *tree = parse_source("p.pol", sum, len, d);
    assert_int_equal(diag_error_count(d), 1);
    assert_int_equal(tree->decls.n, 1);
    assert_true(tree->decls.items[0]->depth <= AST_MAX_DEPTH);
    ast_tree_free(tree);
    diag_free(d);
    free(sum);
}

static void test_empty_and_blank_input(void **state)
{
    (void)state;
    expect_tree("", "");
    expect_tree("  # only a comment", "");
    expect_tree("\xEF\xBB\xBF\n", "");
    parsed p = parse_n(NULL, 0);
    assert_string_equal(p.dump, "");
    release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_header),
        cmocka_unit_test(test_enums),
        cmocka_unit_test(test_records_and_applicant),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_constants),
        cmocka_unit_test(test_routing_and_routes),
        cmocka_unit_test(test_clauses_and_findings),
        cmocka_unit_test(test_for_each),
        cmocka_unit_test(test_let_and_outputs),
        cmocka_unit_test(test_precedence_table),
        cmocka_unit_test(test_expression_forms),
        cmocka_unit_test(test_strings_in_the_tree),
        cmocka_unit_test(test_node_spans),
        cmocka_unit_test(test_several_errors_in_one_run),
        cmocka_unit_test(test_expected_token_at_end_of_line),
        cmocka_unit_test(test_full_width_colon),
        cmocka_unit_test(test_misspelt_keyword),
        cmocka_unit_test(test_unclosed_brace),
        cmocka_unit_test(test_no_cascade_after_a_broken_block_header),
        cmocka_unit_test(test_errors_inside_brackets_and_strings),
        cmocka_unit_test(test_invalid_characters),
        cmocka_unit_test(test_nul_bytes_and_invalid_utf8),
        cmocka_unit_test(test_comparisons_do_not_chain),
        cmocka_unit_test(test_policy_header_comes_first),
        cmocka_unit_test(test_deep_nesting_is_bounded),
        cmocka_unit_test(test_empty_and_blank_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
