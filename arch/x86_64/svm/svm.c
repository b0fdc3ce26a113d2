/* SVM detection and per-CPU enablement (EFER.SVME, host save area). */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/smp.h>
#include <arch/svm.h>
#include <xen-lite/arch.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>

#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define CR4_OSXSAVE (1ULL << 18)

_Static_assert(__builtin_offsetof(struct guest_gprs, rsi) == 24, "svm_entry.S layout");
_Static_assert(__builtin_offsetof(struct guest_gprs, r15) == 104, "svm_entry.S layout");

struct svm_features svm_features;
static bool ready;
static volatile int enable_errors;

bool svm_ready(void)
{
	return ready;
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
	};
}

/* Guests use SSE/AVX: the host must have them enabled for XSETBV and state resets. */
static void enable_fpu_features(void)
{
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;

	if (cpuid(1).ecx & (1u << 26))
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);
}

static void enable_on_this_cpu(void *arg)
{
	struct percpu *cpu = this_cpu();
	void *hsave = alloc_page_zeroed(), *host_vmcb = alloc_page_zeroed();

	if (!hsave || !host_vmcb || (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)) {
		__atomic_fetch_add(&enable_errors, 1, __ATOMIC_RELAXED);
		return;
	}
	enable_fpu_features();
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	cpu->svm_hsave_pa = virt_to_phys(hsave);
	cpu->host_vmcb_pa = virt_to_phys(host_vmcb);
	wrmsr(MSR_VM_HSAVE_PA, cpu->svm_hsave_pa);
	/* the host's FS/GS/TR/syscall state never changes: save it once */
	__asm__ volatile("vmsave %0" ::"a"(cpu->host_vmcb_pa) : "memory");
	cpu->next_asid = 1;
	cpu->asid_generation = 1;
}

int svm_init(void)
{
	detect();
	if (!svm_features.present) {
		log_warn("svm: this CPU has no AMD SVM: guests cannot run\n");
		return -ENODEV;
	}
	if (!svm_features.npt) {
		log_warn("svm: no nested paging: guests cannot run\n");
		return -ENODEV;
	}
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS) {
		log_warn("svm: disabled by the firmware (VM_CR.SVMDIS): guests cannot run\n");
		return -ENODEV;
	}
	for (unsigned int c = 0; c < arch_cpus_online(); c++)
		if (smp_call_on(c, enable_on_this_cpu, NULL))
			enable_errors++;
	if (enable_errors) {
		log_err("svm: could not enable SVM on %d CPU(s)\n", enable_errors);
		return -EIO;
	}
	ready = true;
	log_info("svm: revision %u, %u ASIDs, nested paging; nrip-save %s, vmcb-clean %s, "
		 "flush-by-asid %s, decode-assists %s\n",
		 svm_features.revision, svm_features.nr_asids, svm_features.nrip_save ? "yes" : "no",
		 svm_features.vmcb_clean ? "yes" : "no", svm_features.flush_by_asid ? "yes" : "no",
		 svm_features.decode_assists ? "yes" : "no");
	return 0;
}
