/* Boot modules: checking and reporting what the loader passed. */
#ifndef XEN_LITE_MODULES_H
#define XEN_LITE_MODULES_H

#include <xen-lite/boot_info.h>

struct bzimage_info {
	uint16_t protocol; /* e.g. 0x020f for 2.15 */
	uint8_t setup_sects;
	bool relocatable;
	bool xlf_kernel_64; /* has the 64-bit entry point */
};

/* Oldest boot protocol the dom0 builder will accept (2.12: 64-bit entry, XLF flags). */
#define BZIMAGE_MIN_PROTOCOL 0x020c

/*
 * Check a Linux bzImage header. Returns 0, -ENOEXEC when the bytes are not
 * a bzImage (too short, no 0xAA55 boot flag or "HdrS" magic), or -EINVAL
 * for a bzImage that is too old or not loadable in 64-bit mode.
 */
int bzimage_probe(const void *data, uint64_t size, struct bzimage_info *out);

/*
 * Validate every module against the memory map and each other, log one
 * line per module, and say what the first one (the dom0 kernel) is.
 * Returns the number of problems found.
 */
int modules_report(const struct boot_info *bi);

#endif
