/*
 * AMD SVM: detection, per-CPU enablement (EFER.SVME, the host save area),
 * and the engine's operations (arch/vmm.h) that vm/ selects at boot.
 */
#include "svm.h"
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <arch/percpu.h>
#include <arch/smp.h>
#include <arch/vendors.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>
#include <xen-lite/string.h>

_Static_assert(__builtin_offsetof(struct guest_gprs, rsi) == 24, "svm_entry.S layout");
_Static_assert(__builtin_offsetof(struct guest_gprs, r15) == 104, "svm_entry.S layout");

struct svm_features svm_features;
static struct svm_cpu svm_cpus[MAX_CPUS];
static volatile int enable_errors;

struct svm_cpu *svm_this_cpu(void)
{
	return &svm_cpus[this_cpu()->index];
}

/* QEMU's TCG names itself at the first hypervisor leaf (its "tcg-cpuid" property, on by default) */
static bool running_on_qemu_tcg(void)
{
	struct cpuid_regs r;

	if (!(cpuid(1).ecx & (1u << 31)))
		return false;
	r = cpuid(0x40000000);
	return !memcmp(&r.ebx, "TCGT", 4) && !memcmp(&r.ecx, "CGTC", 4) && !memcmp(&r.edx, "GTCG", 4);
}

static void detect(void)
{
	struct cpuid_regs r;

	if (cpuid(0x80000000).eax < 0x8000000A || !(cpuid(0x80000001).ecx & (1u << 2)))
		return;
	r = cpuid(0x8000000A);
	svm_features = (struct svm_features){
		.present = true,
		.revision = r.eax & 0xff,
		.nr_asids = r.ebx,
		.npt = r.edx & (1u << 0),
		.nrip_save = r.edx & (1u << 3),
		.vmcb_clean = r.edx & (1u << 5),
		.flush_by_asid = r.edx & (1u << 6),
		.decode_assists = r.edx & (1u << 7),
		.pause_filter = r.edx & (1u << 10),
		.repoll_apic_after_exit = running_on_qemu_tcg(),
	};
}

static void enable_on_this_cpu(void *arg)
{
	struct svm_cpu *cpu = svm_this_cpu();
	void *hsave = alloc_page_zeroed(), *host_vmcb = alloc_page_zeroed();

	if (!hsave || !host_vmcb || (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)) {
		__atomic_fetch_add(&enable_errors, 1, __ATOMIC_RELAXED);
		return;
	}
	fpu_enable_for_guests();
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	cpu->hsave_pa = virt_to_phys(hsave);
	cpu->host_vmcb_pa = virt_to_phys(host_vmcb);
	cpu->host_cr3 = read_cr3();
	wrmsr(MSR_VM_HSAVE_PA, cpu->hsave_pa);
	/* the host's FS/GS/TR/syscall state never changes: save it once */
	__asm__ volatile("vmsave %0" ::"a"(cpu->host_vmcb_pa) : "memory");
	cpu->next_asid = 1;
	cpu->asid_generation = 1;
}

static const struct vmm_ops svm_ops = {
	.name = "AMD SVM",
	.domain_init = svm_domain_init,
	.domain_free = svm_domain_free,
	.map = npt_map,
	.map_perms = npt_map_perms,
	.protect = npt_protect,
	.unmap = npt_unmap,
	.page_counts = npt_page_counts,
	.intercept_io = svm_intercept_io,
	.update_msr_intercepts = svm_update_msr_intercepts,
	.vcpu_init = svm_vcpu_init,
	.vcpu_free = svm_vcpu_free,
	.set_start = svm_set_start,
	.set_sipi_start = svm_set_sipi_start,
	.vcpu_load = svm_vcpu_load,
	.vcpu_enter = svm_vcpu_enter,
	.dump = svm_dump_guest,
	.get_reg = svm_get_reg,
	.set_reg = svm_set_reg,
	.get_context = svm_get_context,
	.advance_rip = svm_advance_rip,
	.inject_exception = svm_inject_exception,
};

const struct vmm_ops *svm_probe(void)
{
	detect();
	if (!svm_features.present) {
		log_warn("svm: this CPU has no AMD SVM: guests cannot run\n");
		return NULL;
	}
	if (!svm_features.npt) {
		log_warn("svm: no nested paging: guests cannot run\n");
		return NULL;
	}
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		log_warn("svm: disabled by the firmware (VM_CR.SVMDIS): guests cannot run\n");
		return NULL;
	}
	for (unsigned int c = 0; c < arch_cpus_online(); c++)
		if (smp_call_on(c, enable_on_this_cpu, NULL))
			enable_errors++;
	if (enable_errors) {
		log_err("svm: could not enable SVM on %d CPU(s)\n", enable_errors);
		return NULL;
	}
	log_info("svm: revision %u, %u ASIDs, nested paging; nrip-save %s, vmcb-clean %s, "
		 "flush-by-asid %s, decode-assists %s\n",
		 svm_features.revision, svm_features.nr_asids, svm_features.nrip_save ? "yes" : "no",
		 svm_features.vmcb_clean ? "yes" : "no", svm_features.flush_by_asid ? "yes" : "no",
		 svm_features.decode_assists ? "yes" : "no");
	if (svm_features.repoll_apic_after_exit)
		log_info("svm: QEMU's TCG: the local APIC is polled again after every exit (up to QEMU 10.1, an "
			 "interrupt that arrives during a #VMEXIT can be lost)\n");
	return &svm_ops;
}
