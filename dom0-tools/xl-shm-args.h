/*
 * Shared memory segments as xl-lite's commands and the configuration's
 * `shm` key write them (xl-shm-args.c): names and sizes. Pure: xl-args.c
 * and xl-cfg.c check them with it, the host tests link it.
 */
#ifndef XL_SHM_ARGS_H
#define XL_SHM_ARGS_H

#include <stdint.h>

#include "xen-lite-abi.h"

/*
 * Why name cannot name a segment, or NULL: 1 to XL_SHM_NAME_MAX - 1
 * characters of [A-Za-z0-9._-], what the hypervisor takes.
 */
const char *xl_shm_name_problem(const char *name);

/*
 * A byte count: decimal or 0x hex, optionally with a K, M or G suffix
 * (either case; KiB-based: 2M is 2097152). 0 with *out, or -1 for anything
 * else, or a value that does not fit 64 bits.
 */
int xl_parse_bytes(const char *s, uint64_t *out);

/*
 * A segment's size as xl_parse_bytes() reads it, 4 KiB to 16 GiB, a
 * multiple of 4 KiB: NULL with *size, or why not ("must be a multiple of 4 KiB").
 */
const char *xl_shm_size_problem(const char *s, uint64_t *size);

#endif
