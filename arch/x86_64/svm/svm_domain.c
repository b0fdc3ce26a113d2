/* Per-domain SVM state: nested page tables and the I/O and MSR intercept bitmaps. */
#include "svm.h"
#include <xen-lite/errno.h>
#include <xen-lite/mm.h>
#include <xen-lite/string.h>

#define IOPM_SIZE (3 * PAGE_SIZE) /* 64K ports + the bits an access at 0xffff may reach */
#define MSRPM_SIZE (2 * PAGE_SIZE)

int svm_domain_init(struct domain *d)
{
	struct arch_domain *ad = &d->arch;

	ad->iopm = alloc_pages(IOPM_SIZE);
	ad->msrpm = alloc_pages(MSRPM_SIZE);
	if (!ad->iopm || !ad->msrpm || npt_create(d))
		return -ENOMEM; /* domain_destroy() frees what was allocated */
	if (d->privileged) {
		/* dom0 drives the platform: its ports and MSRs are its own but for its devices' */
		memset(ad->iopm, 0, IOPM_SIZE);
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

void svm_domain_free(struct domain *d)
{
	struct arch_domain *ad = &d->arch;

	npt_destroy(d);
	if (ad->iopm)
		free_pages(ad->iopm, IOPM_SIZE);
	if (ad->msrpm)
		free_pages(ad->msrpm, MSRPM_SIZE);
	ad->iopm = NULL;
	ad->msrpm = NULL;
}

void svm_intercept_io(struct domain *d, uint16_t base, uint16_t count)
{
	for (unsigned int p = base; p < (unsigned int)base + count; p++)
		d->arch.iopm[p / 8] |= (uint8_t)(1u << (p % 8));
}

void svm_update_msr_intercepts(struct domain *d)
{
	if (d->direct_apic && !d->privileged)
		msrpm_allow_direct_apic(d->arch.msrpm, d->arch.x2apic);
}
