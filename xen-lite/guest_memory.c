/*
 * A domain's RAM as the hypervisor reaches it (include/xen-lite/guest_memory.h):
 * guest-physical addresses are looked up in the domain's memory blocks and
 * reached through the direct map, block by block.
 */
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/mm.h>
#include <xen-lite/string.h>

static const struct mem_block *block_at(const struct domain *d, gpa_t gpa)
{
	for (unsigned int i = 0; i < d->nr_blocks; i++)
		if (gpa_addr(gpa) - gpa_addr(d->blocks[i].gpa) < d->blocks[i].size)
			return &d->blocks[i];
	return NULL;
}

bool domain_is_ram(const struct domain *d, gpa_t gpa)
{
	return block_at(d, gpa) != NULL;
}

bool domain_range_is_ram(const struct domain *d, gpa_t gpa, uint64_t len)
{
	uint64_t at = gpa_addr(gpa), end = at + len;

	if (end < at || end > d->mem_end)
		return false; /* also an empty range beyond the end, as the hypercall ABI says */
	while (at < end) {
		const struct mem_block *b = block_at(d, gpa_init(at));

		if (!b)
			return false;
		at = gpa_addr(b->gpa) + b->size;
	}
	return true;
}

void *guest_ram_ptr(const struct domain *d, gpa_t gpa)
{
	const struct mem_block *b = block_at(d, gpa);

	return b ? hpa_to_virt(hpa_add(b->hpa, gpa_addr(gpa) - gpa_addr(b->gpa))) : NULL;
}

/*
 * Walk guest-physical [gpa, gpa + len) block by block; -EFAULT if any part is
 * not guest RAM - found before a byte is copied, so that a failed copy into
 * the guest leaves nothing half-written there.
 */
static int guest_access(struct domain *d, gpa_t gpa, void *buf, uint64_t len, bool to_guest)
{
	uint64_t at = gpa_addr(gpa);
	uint8_t *p = buf;

	if (!domain_range_is_ram(d, gpa, len))
		return -EFAULT;
	while (len) {
		const struct mem_block *b = block_at(d, gpa_init(at)); /* there: checked above */
		uint64_t offset, n;
		void *host;

		offset = at - gpa_addr(b->gpa);
		n = MIN(len, b->size - offset);
		host = hpa_to_virt(hpa_add(b->hpa, offset));
		if (to_guest)
			memcpy(host, p, n);
		else
			memcpy(p, host, n);
		p += n;
		at += n;
		len -= n;
	}
	return 0;
}

int copy_from_guest(struct domain *d, void *dst, gpa_t gpa, uint64_t len)
{
	return guest_access(d, gpa, dst, len, false);
}

int copy_to_guest(struct domain *d, gpa_t gpa, const void *src, uint64_t len)
{
	return guest_access(d, gpa, (void *)src, len, true);
}
