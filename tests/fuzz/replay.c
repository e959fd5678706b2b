/* replay.c: runs a fuzz target over files and directories (a corpus) without libFuzzer, with any compiler. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    size_t cap = 4096, len = 0, n;
    uint8_t *buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            uint8_t *grown = realloc(buf, cap *= 2);
            if (!grown)
                free(buf);
            buf = grown;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "%s: out of memory\n", path);
        return 1;
    }
    /* an exact-size copy, so that a read past the input's end is caught by the sanitizer or valgrind */
    uint8_t *exact = malloc(len ? len : 1);
    if (exact && len)
        memcpy(exact, buf, len);
    free(buf);
    if (!exact)
        return 1;
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp((*(struct dirent *const *)a)->d_name, (*(struct dirent *const *)b)->d_name);
}

int main(int argc, char **argv)
{
    int failed = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 1;
        }
        if (!S_ISDIR(st.st_mode)) {
            failed |= run_file(argv[i]);
            files++;
            continue;
        }
        struct dirent **entries;
        int n = scandir(argv[i], &entries, NULL, NULL);
        if (n < 0) {
            perror(argv[i]);
            return 1;
        }
        qsort(entries, (size_t)n, sizeof *entries, compare_names);
        for (int k = 0; k < n; k++) {
            char path[4096];
            if (entries[k]->d_name[0] != '.' &&
                snprintf(path, sizeof path, "%s/%s", argv[i], entries[k]->d_name) < (int)sizeof path &&
                stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                failed |= run_file(path);
                files++;
            }
            free(entries[k]);
        }
        free(entries);
    }
    printf("%s: %d inputs replayed\n", argv[0], files);
    return failed;
}
