/*
 * XL_HC_SYSCTL: node-wide information for dom0's tools (xl-lite info, dmesg,
 * list). Each op fills a buffer in dom0's memory; every size and address is
 * checked before anything is written.
 */
#include <xen-lite-abi.h>
#include <xen-lite/arch.h>
#include <xen-lite/console.h>
#include <xen-lite/domain.h>
#include <xen-lite/domctl.h>
#include <xen-lite/errno.h>
#include <xen-lite/heap.h>
#include <xen-lite/mm.h>
#include <xen-lite/string.h>
#include <xen-lite/sysctl.h>
#include <xen-lite/version.h>

#define LOG_CHUNK_MAX (64 * 1024)

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
	err = copy_to_guest(v->domain, gpa, si, sizeof(*si));
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
	if (!domain_range_is_ram(v->domain, gpa, size))
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
		if (copy_to_guest(v->domain, gpa + sizeof(hdr) + done, buf, n))
			return -EFAULT;
		done += n;
	}
	hdr.len = (uint32_t)done;
	hdr.next = pos;
	hdr.head = MAX(log_ring_head(), pos); /* text logged meanwhile: next never passes head */
	if (copy_to_guest(v->domain, gpa, &hdr, sizeof(hdr)))
		return -EFAULT;
	return (int64_t)done;
}

static int64_t sysctl_domain_list(struct vcpu *v, uint64_t gpa, uint64_t size)
{
	unsigned int cap = (unsigned int)MIN(size / sizeof(struct xl_domain_info), (uint64_t)MAX_DOMAINS);
	struct xl_domain_info *list;
	unsigned int n, total;
	int err;

	if (!cap)
		return -ENOSPC;
	list = xl_zalloc(cap * sizeof(*list));
	if (!list)
		return -ENOMEM;
	n = domains_snapshot(list, cap, &total);
	err = copy_to_guest(v->domain, gpa, list, n * sizeof(*list));
	xl_free(list);
	return err ? err : (int64_t)n;
}

int64_t sysctl_dispatch(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg)
{
	domctl_reap(); /* so that list and info never show what on_crash=destroy removes */
	switch (op) {
	case XL_SYSCTL_INFO:
		return sysctl_info(v, gpa, size);
	case XL_SYSCTL_LOG_READ:
		return sysctl_log_read(v, gpa, size, arg);
	case XL_SYSCTL_DOMAIN_LIST:
		return sysctl_domain_list(v, gpa, size);
	default:
		return -EINVAL;
	}
}
