/* pages.c: which embedded file a GET path names (pages.h); the files themselves are in the generated table. */
#include "pages.h"

#include <string.h>

static const service_page *by_name(const char *name, size_t len)
{
    for (size_t i = 0; i < service_pages_count; i++) {
        const service_page *p = &service_pages_table[i];
        if (strlen(p->name) == len && memcmp(p->name, name, len) == 0)
            return p;
    }
    return NULL;
}

const service_page *service_pages_find(const char *path, size_t len)
{
    static const char prefix[] = "/static/";
    if (len == 1 && path[0] == '/')
        return by_name("index.html", 10);
    if ((len == 4 && memcmp(path, "/try", 4) == 0) || (len == 5 && memcmp(path, "/try/", 5) == 0))
        return by_name("try.html", 8);
    if (len > sizeof prefix - 1 && memcmp(path, prefix, sizeof prefix - 1) == 0) {
        const char *name = path + sizeof prefix - 1;
        size_t name_len = len - (sizeof prefix - 1);
        /* a name, never a way out of the folder; the pages themselves are served at / and /try */
        if (memchr(name, '/', name_len) || memchr(name, '\0', name_len))
            return NULL;
        return by_name(name, name_len);
    }
    return NULL;
}
