/*
 * xl-lite's shared memory segments, their output (xl-shm-fmt.c): sizes,
 * shm-list's text and JSON, shm-read's escaped text, shm-destroy's
 * message. No device access: the host tests (tests/unit/test_xl_shm.c)
 * link it. Documentation/tools.md.
 */
#ifndef XL_SHM_FMT_H
#define XL_SHM_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "xen-lite-abi.h"

/* A size in its largest exact unit: "2M", "12K", "16G", or bytes ("100"). Returns buf (24 bytes). */
const char *xl_shm_size_text(uint64_t size, char *buf, size_t buf_size);

/* shm-list: a header and one segment a line, or {"segments":[...]}. */
void xl_print_shm_list(FILE *f, const struct xl_shm_info *s, unsigned int n, bool json);

/*
 * shm-destroy's line: "shm 'NAME' destroyed", and when domains still have
 * it (info: the segment as XL_SHM_LIST shows it after the destroy, NULL
 * when it is gone), "; its memory goes when d3, d4 detach".
 */
void xl_print_shm_destroyed(FILE *f, const char *name, const struct xl_shm_info *info);

/*
 * shm-read: p[0, len) up to its first NUL, as one line of text: printable
 * ASCII as it is, \\, \n, \t, \r, and \xNN for any other byte.
 */
void xl_print_shm_text(FILE *f, const unsigned char *p, size_t len);

#endif
