/* opcodes_md.c: the build tool that prints doc/opcodes.md from the opcode table (make opcodes-doc; make check
 * compares its output with the committed file). Built into BUILD/tools, never installed. */
#include <stdio.h>

#include "opcode_reference.h"

int main(int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        fputs("usage: opcodes_md >doc/opcodes.md\n", stderr);
        return 2;
    }
    polD_opcode_reference(stdout);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("opcodes_md: standard output");
        return 2;
    }
    return 0;
}
