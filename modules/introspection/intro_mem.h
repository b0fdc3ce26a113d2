/*
 * Reading another domain's memory for READ_PHYS and READ_VIRT: page by
 * page, each 4 KiB page of the range translated on its own (through the
 * page tables at a given CR3 for a virtual address: consecutive virtual
 * pages need not be consecutive in guest-physical memory), stopping at the
 * first page that cannot be read, as read(2) does.
 * Calls xl_domain_read and xl_domain_translate (the host unit tests give
 * fakes of both).
 */
#ifndef INTRO_MEM_H
#define INTRO_MEM_H

#include <xen-lite/types.h>

struct intro_mem_range {
	uint32_t domain;
	bool virt; /* addr is guest-virtual, translated at cr3 (4-level paging) */
	uint64_t cr3;
	uint64_t addr;
	uint64_t len; /* at most 64 KiB; addr + len must not wrap */
};

/*
 * Copy the range into out: the bytes copied (len, or fewer when a page
 * after the first could not be read), or the first page's error: -EFAULT
 * (not RAM, not mapped, or a non-canonical virtual address), -ENOENT (no
 * such domain).
 */
int64_t intro_mem_read(const struct intro_mem_range *r, void *out);

/* Whether a virtual address is canonical (48-bit: bits 63-47 all equal). */
bool intro_canonical(uint64_t va);

#endif
