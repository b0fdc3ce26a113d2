/* Names of error numbers for log messages ("not enough memory", not just -12). */
#ifndef XEN_LITE_ERRSTR_H
#define XEN_LITE_ERRSTR_H

const char *errstr(int err);

#endif
