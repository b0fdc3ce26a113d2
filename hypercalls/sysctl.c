/*
 * XL_HC_SYSCTL: node-wide information for dom0's tools (xl-lite info, dmesg,
 * list). Each op fills a buffer in dom0's memory; every size and address is
 * checked before anything is written.
 */
#include <xen-lite-abi.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/console.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/heap.h>
#include <xen-lite/iommu.h>
#include <xen-lite/mm.h>
#include <xen-lite/pci_devices.h>
#include <xen-lite/pcpu.h>
#include <xen-lite/string.h>
#include <xen-lite/sysctl.h>
#include <xen-lite/version.h>

#define LOG_CHUNK_MAX (64 * 1024)

_Static_assert(DOMAIN_BUILDING == XL_DOMAIN_BUILDING && DOMAIN_RUNNING == XL_DOMAIN_RUNNING &&
		       DOMAIN_PAUSED == XL_DOMAIN_PAUSED && DOMAIN_SHUTDOWN == XL_DOMAIN_SHUTDOWN &&
		       DOMAIN_CRASHED == XL_DOMAIN_CRASHED && DOMAIN_DYING == XL_DOMAIN_DYING,
	       "domain states are the ABI's");
_Static_assert(DOMAIN_NAME_MAX == XL_DOMAIN_NAME_MAX, "domain names are the ABI's");

static void fill_iommu(struct xl_sysinfo *si)
{
	struct iommu_status st;

	iommu_get_status(&st);
	if (st.driver)
		memcpy(si->iommu, st.driver, MIN(strlen(st.driver), sizeof(si->iommu) - 1));
	si->iommu_units = st.units;
	si->iommu_flags = (st.dma_remap ? XL_IOMMU_DMA_REMAP : 0) | (st.intr_remap ? XL_IOMMU_INTR_REMAP : 0) |
			  (st.compat_blocked ? XL_IOMMU_COMPAT_BLOCKED : 0);
	si->dma_faults = st.faults;
}

static int64_t sysctl_info(struct vcpu *v, uint64_t gpa, uint64_t size)
{
	struct xl_sysinfo *si;
	struct mm_stats mm;
	int err;

	if (size < sizeof(*si))
		return -ENOSPC;
	si = xl_zalloc(sizeof(*si));
	if (!si)
		return -ENOMEM;
	mm_get_stats(&mm);
	si->abi_version = XL_ABI_VERSION;
	si->nr_cpus = arch_cpus_online();
	si->tsc_khz = arch_tsc_khz();
	si->mem_total = mm.managed;
	domains_memory(&si->mem_dom0, &si->mem_guests);
	si->mem_free = mm.free;
	si->mem_hypervisor = mm.managed - mm.free - si->mem_dom0 - si->mem_guests;
	memcpy(si->version, XEN_LITE_VERSION, sizeof(XEN_LITE_VERSION));
	for (unsigned int c = 0; c < XL_SYSINFO_MAX_CPUS; c++) {
		si->cpu_owner[c] = c < si->nr_cpus ? pcpu_owner_id(c) : XL_CPU_FREE;
		si->cpu_apic_id[c] = c < si->nr_cpus ? arch_cpu_apic_id(c) : 0;
	}
	fill_iommu(si);
	err = copy_to_guest(v->domain, gpa_init(gpa), si, sizeof(*si));
	xl_free(si);
	return err;
}

static int64_t sysctl_log_read(struct vcpu *v, uint64_t gpa, uint64_t size, uint64_t pos)
{
	struct xl_log_chunk hdr;
	char buf[512];
	uint64_t room, done = 0;

	if (size <= sizeof(hdr))
		return -ENOSPC;
	if (!domain_range_is_ram(v->domain, gpa_init(gpa), size))
		return -EFAULT;
	room = MIN(size - sizeof(hdr), (uint64_t)LOG_CHUNK_MAX);
	memset(&hdr, 0, sizeof(hdr));
	hdr.head = log_ring_head();
	hdr.pos = pos > hdr.head ? hdr.head : pos;
	if (hdr.head - hdr.pos > LOG_RING_SIZE)
		hdr.pos = hdr.head - LOG_RING_SIZE; /* overwritten: start at the oldest text kept */
	pos = hdr.pos;
	while (done < room) {
		size_t n = log_ring_read(&pos, buf, MIN(sizeof(buf), room - done));

		if (!n)
			break;
		if (copy_to_guest(v->domain, gpa_init(gpa + sizeof(hdr) + done), buf, n))
			return -EFAULT;
		done += n;
	}
	hdr.len = (uint32_t)done;
	hdr.next = pos;
	hdr.head = MAX(log_ring_head(), pos); /* text logged meanwhile: next never passes head */
	if (copy_to_guest(v->domain, gpa_init(gpa), &hdr, sizeof(hdr)))
		return -EFAULT;
	return (int64_t)done;
}

/* A snapshot of the domain list in the ABI's format (struct xl_domain_info). */
struct snapshot {
	struct xl_domain_info *out;
	unsigned int cap, n;
};

static void snapshot_one(const struct domain *d, void *ctx)
{
	struct snapshot *s = ctx;
	struct xl_domain_info *o = &s->out[s->n];
	uint64_t exits = 0;

	if (s->n == s->cap)
		return;
	memset(o, 0, sizeof(*o));
	o->domid = d->id;
	o->state = (uint32_t)d->state; /* enum domain_state matches XL_DOMAIN_* */
	memcpy(o->name, d->name, sizeof(o->name) - 1);
	o->mem_bytes = domain_memory(d);
	o->nr_vcpus = d->nr_vcpus;
	o->first_cpu = d->nr_vcpus ? d->vcpus[0]->pcpu : 0;
	o->dma_faults = __atomic_load_n(&d->dma_faults, __ATOMIC_RELAXED);
	for (unsigned int v = 0; v < d->nr_vcpus; v++) {
		uint64_t sum = 0;

		for (unsigned int r = 0; r < EXIT_REASON_COUNT; r++)
			sum += d->vcpus[v]->exits[r];
		if (v < XL_MAX_GUEST_VCPUS) {
			o->vcpu_exits[v] = sum;
			o->vcpu_cpu[v] = d->vcpus[v]->pcpu;
		}
		exits += sum;
	}
	o->exits = exits;
	o->uptime_us = time_since_boot_us() - d->created_us;
	s->n++;
}

static int64_t sysctl_domain_list(struct vcpu *v, uint64_t gpa, uint64_t size)
{
	unsigned int cap = (unsigned int)MIN(size / sizeof(struct xl_domain_info), (uint64_t)MAX_DOMAINS);
	struct snapshot snap = { .cap = cap };
	int err;

	if (!cap)
		return -ENOSPC;
	if (!domain_range_is_ram(v->domain, gpa_init(gpa), cap * sizeof(*snap.out)))
		return -EFAULT; /* before a byte is written: no half-filled buffer */
	snap.out = xl_zalloc(cap * sizeof(*snap.out));
	if (!snap.out)
		return -ENOMEM;
	domain_for_each(snapshot_one, &snap);
	err = copy_to_guest(v->domain, gpa_init(gpa), snap.out, snap.n * sizeof(*snap.out));
	xl_free(snap.out);
	return err ? err : (int64_t)snap.n;
}

static int64_t sysctl_pci_list(struct vcpu *v, uint64_t gpa, uint64_t size)
{
	struct pci_device_entry e[PCI_MAX_TAKEN];
	struct xl_pci_device out[PCI_MAX_TAKEN];
	unsigned int cap = (unsigned int)MIN(size / sizeof(out[0]), (uint64_t)PCI_MAX_TAKEN);
	unsigned int n = pci_devices_list(e, PCI_MAX_TAKEN);

	for (unsigned int i = 0; i < n && i < cap; i++)
		out[i] = (struct xl_pci_device){ e[i].segment, e[i].bdf,
						 e[i].state == PCI_DEVICE_ASSIGNED ? XL_PCI_ASSIGNED : XL_PCI_ASSIGNABLE,
						 e[i].domid, 0 };
	if (cap && copy_to_guest(v->domain, gpa_init(gpa), out, MIN(n, cap) * sizeof(out[0])))
		return -EFAULT;
	return n;
}

int64_t sysctl_dispatch(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg)
{
	iommu_poll_faults(true); /* the DMA faults counted up to now */
	switch (op) {
	case XL_SYSCTL_INFO:
		return sysctl_info(v, gpa, size);
	case XL_SYSCTL_PCI_LIST:
		return sysctl_pci_list(v, gpa, size);
	case XL_SYSCTL_LOG_READ:
		return sysctl_log_read(v, gpa, size, arg);
	case XL_SYSCTL_DOMAIN_LIST:
		return sysctl_domain_list(v, gpa, size);
	default:
		return -EINVAL;
	}
}
