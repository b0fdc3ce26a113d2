/* printf-style formatting into a buffer: %d %i %u %x %X %p %s %c %%, with 0/-/width/precision and h/l/ll/z. */
#ifndef XEN_LITE_FORMAT_H
#define XEN_LITE_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

int xl_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4))) int xl_snprintf(char *buf, size_t size, const char *fmt, ...);

#endif
