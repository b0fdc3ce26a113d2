/* The introspection module's fake node (see intro_fake_node.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xen-lite/module.h>

#include "intro_fake_node.h"

struct fake_domain fake_domains[FAKE_DOMAINS];
bool fake_alloc_fails;

static const char *const reason_names[] = { "hypercall", "cpuid", "msr-read", "msr-write", "io", "npf", "hlt",
					    "intr", "nmi", "shutdown", "exception", "svm-insn", "xsetbv", "other" };

void fake_node_reset(void)
{
	memset(fake_domains, 0, sizeof(fake_domains));
	fake_alloc_fails = false;
}

uint8_t fake_ram_byte(uint32_t id, uint64_t gpa)
{
	return (uint8_t)(gpa * 7 + (gpa >> 12) + id * 31);
}

struct fake_domain *fake_domain_add(uint32_t id)
{
	for (unsigned int i = 0; i < FAKE_DOMAINS; i++) {
		struct fake_domain *d = &fake_domains[i];

		if (d->exists)
			continue;
		memset(d, 0, sizeof(*d));
		d->exists = true;
		d->id = id;
		for (uint64_t a = 0; a < FAKE_RAM; a++)
			d->ram[a] = fake_ram_byte(id, a);
		return d;
	}
	return NULL;
}

void fake_map(struct fake_domain *d, uint64_t va, uint64_t pa)
{
	if (d->nr_map < FAKE_MAPS) {
		d->map[d->nr_map].va = va;
		d->map[d->nr_map].pa = pa;
		d->nr_map++;
	}
}

static struct fake_domain *find(uint32_t id)
{
	for (unsigned int i = 0; i < FAKE_DOMAINS; i++)
		if (fake_domains[i].exists && fake_domains[i].id == id)
			return &fake_domains[i];
	return NULL;
}

/* As the core: the domain must exist; the whole range must be RAM. */
int xl_domain_read(uint32_t domain_id, uint64_t gpa, void *buf, uint64_t len)
{
	struct fake_domain *d = find(domain_id);

	if (!buf || len > 64 * 1024)
		return -EINVAL;
	if (!len)
		return 0;
	if (!d)
		return -ENOENT;
	if (d->reads_left > 0 && --d->reads_left == 0)
		d->exists = false; /* destroyed right after this read */
	if (gpa >= FAKE_RAM || len > FAKE_RAM - gpa || (gpa < d->hole_end && gpa + len > d->hole_start))
		return -EFAULT;
	memcpy(buf, d->ram + gpa, len);
	return 0;
}

int xl_domain_translate(uint32_t domain_id, uint64_t cr3, uint64_t gva, uint64_t *gpa)
{
	struct fake_domain *d = find(domain_id);

	if (!d)
		return -ENOENT;
	if (cr3 != d->cr3)
		return -EFAULT;
	for (unsigned int i = 0; i < d->nr_map; i++)
		if (d->map[i].va == (gva & ~0xfffull)) {
			*gpa = d->map[i].pa | (gva & 0xfff);
			return 0;
		}
	return -EFAULT;
}

int xl_domain_kick(uint32_t domain_id)
{
	struct fake_domain *d = find(domain_id);

	if (!d)
		return -ENOENT;
	d->kicks++;
	return 0;
}

uint64_t xl_tsc_khz(void)
{
	return FAKE_TSC_KHZ;
}

const char *xl_exit_reason_name(uint32_t reason)
{
	return reason < sizeof(reason_names) / sizeof(reason_names[0]) ? reason_names[reason] : "unknown";
}

void *xl_zalloc(size_t size)
{
	return fake_alloc_fails ? NULL : calloc(1, size);
}

void xl_free(void *ptr)
{
	free(ptr);
}
