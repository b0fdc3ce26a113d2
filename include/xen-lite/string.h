/*
 * The few string and memory routines the core uses. The hypervisor's own
 * implementations live in lib/string.c; host unit tests link against the C
 * library instead, which provides everything here except strlcpy.
 */
#ifndef XEN_LITE_STRING_H
#define XEN_LITE_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/*
 * Copy at most size - 1 bytes of src and always NUL-terminate (when size is
 * non-zero). Returns strlen(src), so truncation happened if the result is
 * >= size. Not provided by glibc: code built for host tests must not use it.
 */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif
