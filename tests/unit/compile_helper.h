/* compile_helper.h: compile a policy held in a string, capturing the diagnostics, for the checker and code
 * generator tests. Static functions: include it in one test program at a time. */
#ifndef POL_TEST_COMPILE_HELPER_H
#define POL_TEST_COMPILE_HELPER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "diag.h"
#include "emit.h"
#include "format.h"
#include "parse.h"
#include "verify.h"

typedef struct compiled {
    int errors, warnings;
    char *messages; /* everything diag printed */
    uint8_t *bytes; /* the .pbc, when there were no errors */
    size_t len;
} compiled;

static compiled compile_text(const char *source)
{
    compiled c;
    memset(&c, 0, sizeof c);
    size_t msize = 0;
    FILE *out = open_memstream(&c.messages, &msize);
    diag_ctx *diag = diag_new("test.pol", source, strlen(source), out);
    ast_tree *tree = parse_source("test.pol", source, strlen(source), diag);
    check_result *checked = diag_error_count(diag) ? NULL : check_tree(tree, diag, source, strlen(source));
    if (checked && diag_error_count(diag) == 0) {
        uint8_t sha[32];
        polF_source_digest(source, strlen(source), sha);
        polP_program *p = emit_program(checked, sha);
        char reason[256];
        if (polV_verify(p, reason, sizeof reason) != POL_OK)
            fprintf(out, "VERIFY FAILED: %s\n", reason);
        else if (polF_dump(p, &c.bytes, &c.len) != 0)
            fprintf(out, "DUMP FAILED\n");
    }
    c.errors = diag_error_count(diag);
    c.warnings = diag_warning_count(diag);
    check_free(checked);
    ast_tree_free(tree);
    diag_free(diag);
    fclose(out);
    return c;
}

static void compiled_free(compiled *c)
{
    free(c->messages);
    free(c->bytes);
}

/* A small policy prefix shared by tests: enums, an applicant, entities, routing */
#define TEST_POLICY_HEAD                                                                                       \
    "policy \"test\" version \"1\" year 2024\n"                                                                \
    "enum 专业 { 机械 电子信息 质量 }\n"                                                                       \
    "enum 级别 { 初级 中级 高级 }\n"                                                                           \
    "enum 地区 { 市本级 吴江 昆山 工业园区 }\n"                                                               \
    "record 论文 { title: string  similarity: number  first_author: bool = true }\n"                          \
    "applicant {\n"                                                                                            \
    "  id: string\n"                                                                                           \
    "  specialty: 专业\n"                                                                                      \
    "  level: 级别\n"                                                                                          \
    "  region: 地区\n"                                                                                         \
    "  current_title_date: date\n"                                                                             \
    "  exceptional: bool = false\n"                                                                            \
    "  papers: list 论文\n"                                                                                    \
    "  integrity_record_date: date?\n"                                                                         \
    "}\n"                                                                                                      \
    "entity 部门 { phone: string? }\n"                                                                         \
    "部门 吴江区职称评价中心 { phone = \"63950287\" }\n"                                                       \
    "部门 苏州市专业技术人员服务中心 { phone = \"69820556\" }\n"                                               \
    "部门 昆山市人社局 { }\n"                                                                                  \
    "routing by specialty, level -> 部门\n"

#endif
