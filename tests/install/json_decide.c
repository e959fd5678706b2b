/* json_decide.c: the install test's JSON embedder: decide the JSON Lines of stdin, built through pol-json.pc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pol.h>
#include <pol_json.h>

int main(int argc, char **argv)
{
    char reason[256];
    pol_program *program = NULL;
    if (argc != 2 || pol_program_load_file(argv[1], NULL, &program, reason, sizeof reason) != POL_OK) {
        fprintf(stderr, "json_decide: cannot load %s\n", argc == 2 ? argv[1] : "(no program given)");
        return 2;
    }
    pol_context *ctx = NULL;
    pol_json_reader *reader = NULL;
    pol_json_buffer out;
    pol_json_buffer_init(&out, NULL);
    int status = 2;
    if (pol_context_new(program, &ctx) == POL_OK && pol_json_reader_new(program, NULL, &reader) == POL_OK) {
        char *line = NULL;
        size_t cap = 0, line_no = 0;
        ssize_t n;
        status = 0;
        while ((n = getline(&line, &cap, stdin)) > 0) {
            size_t len = (size_t)n;
            if (line[len - 1] == '\n')
                len--;
            if (pol_json_decide_line(reader, ctx, line, len, ++line_no, &out) != POL_OK)
                status = 1;
        }
        free(line);
        if (out.failed || fwrite(out.data ? out.data : "", 1, out.length, stdout) != out.length)
            status = 2;
    }
    pol_json_buffer_free(&out);
    pol_json_reader_free(reader);
    pol_context_free(ctx);
    pol_program_free(program);
    return status;
}
