/* memory.c: the default allocator, overflow-checked array allocation through the hook, and limit defaults. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

void *polX_default_alloc(void *ud, void *ptr, size_t oldsize, size_t newsize)
{
    (void)ud;
    (void)oldsize;
    if (newsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, newsize);
}

int polX_array_new(pol_alloc_fn alloc, void *ud, void *ptr_out, size_t count, size_t size)
{
    void *p = NULL;
    if (count > 0) {
        if (size != 0 && count > SIZE_MAX / size)
            return 0;
        p = alloc(ud, NULL, 0, count * size);
        if (!p)
            return 0;
        memset(p, 0, count * size);
    }
    memcpy(ptr_out, &p, sizeof p);
    return 1;
}

int polX_array_resize(pol_alloc_fn alloc, void *ud, void *ptr_inout, size_t oldcount, size_t newcount, size_t size)
{
    void *old, *p;
    memcpy(&old, ptr_inout, sizeof old);
    if (newcount == 0) {
        polX_array_free(alloc, ud, old, oldcount, size);
        p = NULL;
    } else {
        if (size != 0 && newcount > SIZE_MAX / size)
            return 0;
        p = alloc(ud, old, old ? oldcount * size : 0, newcount * size);
        if (!p)
            return 0;
    }
    memcpy(ptr_inout, &p, sizeof p);
    return 1;
}

void polX_array_free(pol_alloc_fn alloc, void *ud, void *ptr, size_t count, size_t size)
{
    if (ptr)
        alloc(ud, ptr, count * size, 0);
}

pol_limits polX_limits(const pol_limits *given)
{
    pol_limits l = {1024, 65536, 10000000, 100000, 16u << 20, 16u << 20, 64};
    if (given) {
        if (given->max_list_length)
            l.max_list_length = given->max_list_length;
        if (given->max_string_length)
            l.max_string_length = given->max_string_length;
        if (given->max_instructions)
            l.max_instructions = given->max_instructions;
        if (given->max_range_length)
            l.max_range_length = given->max_range_length;
        if (given->max_record_bytes)
            l.max_record_bytes = given->max_record_bytes;
        if (given->max_line_bytes)
            l.max_line_bytes = given->max_line_bytes;
        if (given->max_nesting)
            l.max_nesting = given->max_nesting;
    }
    return l;
}

void polX_reason(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}
