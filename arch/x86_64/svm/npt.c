/*
 * Nested page tables for a domain: guest-physical -> host-physical, built
 * with the same page-table code as the hypervisor's own tables (the format
 * is identical). Every level carries the U bit: the CPU treats all nested
 * walks as user accesses (AMD APM 15.25.5).
 */
#include "svm.h"
#include <arch/cpu.h>
#include <arch/page_table.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/errno.h>
#include <xen-lite/mm.h>
#include <xen-lite/string.h>

#define NPT_ATTRS (PTE_W | PTE_U) /* read, write, execute */

static uint64_t npt_alloc_table(void *ctx)
{
	void *p = alloc_page_zeroed();

	return p ? virt_to_phys(p) : 0;
}

static uint64_t *npt_table_ptr(uint64_t pa, void *ctx)
{
	return phys_to_virt(pa);
}

static bool cpu_has_1g_pages(void)
{
	return cpuid(0x80000000).eax >= 0x80000001 && (cpuid(0x80000001).edx & (1u << 26));
}

static struct pt_ops npt_ops(void)
{
	return (struct pt_ops){ .alloc_table = npt_alloc_table,
				.table_ptr = npt_table_ptr,
				.allow_1g = cpu_has_1g_pages() };
}

int npt_create(struct domain *d)
{
	void *root = alloc_page_zeroed();

	if (!root)
		return -ENOMEM;
	d->arch.npt_root = virt_to_phys(root);
	return 0;
}

int npt_map(struct domain *d, gpa_t gpa, hpa_t hpa, uint64_t size)
{
	struct pt_ops ops = npt_ops();

	return pt_map_range(&ops, d->arch.npt_root, gpa_addr(gpa), hpa_addr(hpa), size, NPT_ATTRS);
}

static uint64_t perms_to_attrs(unsigned int perms);

int npt_map_perms(struct domain *d, gpa_t gpa, hpa_t hpa, uint64_t size, unsigned int perms)
{
	struct pt_ops ops = npt_ops();

	return pt_map_range(&ops, d->arch.npt_root, gpa_addr(gpa), hpa_addr(hpa), size,
			    perms_to_attrs(perms));
}

/*
 * After nested mappings shrink, every vCPU must flush before it runs the
 * guest again; one that is inside the guest right now is kicked out and
 * waited for (bounded), so the change is in force when this returns.
 */
static void shoot_down(struct domain *d)
{
	uint32_t gen = __atomic_add_fetch(&d->arch.tlb_generation, 1, __ATOMIC_SEQ_CST);

	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];
		uint64_t start = time_since_boot_us();

		if (v->pcpu == arch_cpu_index())
			continue;
		arch_kick_cpu(v->pcpu);
		while (v->arch.in_guest && v->arch.tlb_seen != gen &&
		       time_since_boot_us() - start < 1000000)
			cpu_relax();
	}
}

static uint64_t perms_to_attrs(unsigned int perms)
{
	return PTE_U | (perms & GUEST_PERM_WRITE ? PTE_W : 0) |
	       (perms & GUEST_PERM_EXEC ? 0 : PTE_NX);
}

int npt_protect(struct domain *d, gpa_t gpa, uint64_t size, unsigned int perms)
{
	struct pt_ops ops = npt_ops();
	int err = pt_protect_range(&ops, d->arch.npt_root, gpa_addr(gpa), size, perms_to_attrs(perms));

	shoot_down(d);
	return err;
}

int npt_unmap(struct domain *d, gpa_t gpa, uint64_t size)
{
	struct pt_ops ops = npt_ops();
	int err = pt_unmap_range(&ops, d->arch.npt_root, gpa_addr(gpa), size);

	shoot_down(d);
	return err;
}

/* Visit a table level: count leaves by size, free tables below (when freeing). */
static void walk(uint64_t table, int level, struct npt_page_counts *c, bool free_tables)
{
	uint64_t *t = phys_to_virt(table);

	for (int i = 0; i < 512; i++) {
		uint64_t e = t[i];

		if (!(e & PTE_P))
			continue;
		if (level == 0 || (e & PTE_PS)) {
			if (c) {
				if (level == 2)
					c->n1g++;
				else if (level == 1)
					c->n2m++;
				else
					c->n4k++;
			}
			continue;
		}
		walk(e & PTE_ADDR_MASK, level - 1, c, free_tables);
	}
	if (free_tables)
		free_pages(t, PAGE_SIZE);
}

void npt_page_counts(struct domain *d, struct npt_page_counts *c)
{
	memset(c, 0, sizeof(*c));
	if (d->arch.npt_root)
		walk(d->arch.npt_root, 3, c, false);
}

void npt_destroy(struct domain *d)
{
	if (d->arch.npt_root)
		walk(d->arch.npt_root, 3, NULL, true);
	d->arch.npt_root = 0;
}
