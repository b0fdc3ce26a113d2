/* Per-domain SVM state: nested page tables and the I/O and MSR intercept bitmaps. */
#include <arch/guest_policy.h>
#include <arch/svm.h>
#include <arch/svm_internal.h>
#include <xen-lite/arch.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/mm.h>
#include <xen-lite/string.h>

#define IOPM_SIZE (3 * PAGE_SIZE) /* 64K ports + the bits an access at 0xffff may reach */
#define MSRPM_SIZE (2 * PAGE_SIZE)

int arch_domain_init(struct domain *d)
{
	struct arch_domain *ad = &d->arch;

	ad->iopm = alloc_pages(IOPM_SIZE);
	ad->msrpm = alloc_pages(MSRPM_SIZE);
	if (!ad->iopm || !ad->msrpm || npt_create(ad))
		return -ENOMEM; /* domain_destroy() frees what was allocated */
	if (d->privileged) {
		/* dom0 drives the platform: its I/O ports and MSRs are its own (exceptions in msr_policy.c) */
		memset(ad->iopm, 0, IOPM_SIZE);
		dom0_io_intercept_resets(ad->iopm);
		msrpm_build_dom0(ad->msrpm);
	} else {
		/* guests own no I/O ports: every access is intercepted */
		memset(ad->iopm, 0xff, IOPM_SIZE);
		msrpm_build(ad->msrpm);
	}
	ad->iopm_pa = virt_to_phys(ad->iopm);
	ad->msrpm_pa = virt_to_phys(ad->msrpm);
	return 0;
}

void arch_domain_free(struct domain *d)
{
	struct arch_domain *ad = &d->arch;

	npt_destroy(ad);
	if (ad->iopm)
		free_pages(ad->iopm, IOPM_SIZE);
	if (ad->msrpm)
		free_pages(ad->msrpm, MSRPM_SIZE);
	ad->iopm = NULL;
	ad->msrpm = NULL;
}
