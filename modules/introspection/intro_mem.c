/* Page-by-page reads of another domain's memory (see intro_mem.h). */
#include <xen-lite/errno.h>
#include <xen-lite/module.h> /* xl_domain_read, xl_domain_translate */

#include "intro_mem.h"

#define PAGE 4096ull

bool intro_canonical(uint64_t va)
{
	uint64_t top = va >> 47;

	return top == 0 || top == 0x1ffff;
}

/* The guest-physical address of one byte of the range. */
static int locate(const struct intro_mem_range *r, uint64_t addr, uint64_t *gpa)
{
	if (!r->virt) {
		*gpa = addr;
		return 0;
	}
	/* the CPU would fault on it: the walk must not read it as another address */
	if (!intro_canonical(addr))
		return -EFAULT;
	return xl_domain_translate(r->domain, r->cr3, addr, gpa);
}

int64_t intro_mem_read(const struct intro_mem_range *r, void *out)
{
	uint64_t done = 0;

	while (done < r->len) {
		uint64_t addr = r->addr + done, gpa = 0;
		uint64_t chunk = MIN(PAGE - (addr & (PAGE - 1)), r->len - done);
		int err = locate(r, addr, &gpa);

		if (!err)
			err = xl_domain_read(r->domain, gpa, (char *)out + done, chunk);
		if (err)
			return done ? (int64_t)done : err;
		done += chunk;
	}
	return (int64_t)done;
}
