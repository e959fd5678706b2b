/* pages.h: polserve's pages, the applicant's self-check (/) and the officer's playground (/try), with their
 * scripts and style under /static/: the files of service/pages/, embedded in the binary at build time
 * (service/embed_pages.sh), so an installed polserve needs no folder. */
#ifndef SERVICE_PAGES_H
#define SERVICE_PAGES_H

#include <stddef.h>

typedef struct service_page {
    const char *name;         /* the file's name in service/pages/ */
    const char *content_type; /* for the Content-Type header */
    const unsigned char *bytes;
    size_t length;
} service_page;

/* The page a GET path names: "/" is index.html, "/try" try.html, "/static/NAME" the file NAME (no folders);
 * the query string is not part of path. NULL for any other path. */
const service_page *service_pages_find(const char *path, size_t len);

/* the generated table (pages_data.c) */
extern const service_page service_pages_table[];
extern const size_t service_pages_count;

#endif
