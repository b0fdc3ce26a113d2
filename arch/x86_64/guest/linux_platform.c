/*
 * A Linux guest's platform (arch_linux_guest_platform(),
 * include/xen-lite/arch/guest.h): its CPUs' local APICs - in x2APIC mode
 * where the CPU has it, else through the xAPIC page - its console UART,
 * its ACPI power registers and, when it has PCI functions, their bus.
 */
#include <arch/direct_lapic.h>
#include <arch/guest_devices.h>
#include <arch/guest_pci.h>
#include <arch/lapic.h>
#include <arch/vmm.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/guest.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/log.h>

/*
 * dom0's I/O APIC and MSIs address its vCPUs logically (flat: vCPU i is bit i,
 * Linux's numbering), and an x2APIC-mode CPU with APIC id i < 16 matches
 * such an 8-bit destination with bit i. So a guest CPU may run in x2APIC
 * mode unless its APIC id is the index of a dom0 vCPU that runs elsewhere
 * (machines whose CPU n has APIC id n never clash).
 */
static bool clashes_with_dom0_logical(const struct domain *d)
{
	const struct domain *dom0 = domain_find(0);

	for (unsigned int i = 0; dom0 && i < d->nr_vcpus; i++) {
		uint32_t id = arch_cpu_apic_id(d->vcpus[i]->pcpu);

		if (id < dom0->nr_vcpus && arch_cpu_apic_id(dom0->vcpus[id]->pcpu) != id) {
			log_warn("d%u (%s): xAPIC mode: its CPU %u (APIC id %u) would take dom0's logical interrupts in x2APIC mode\n",
				 d->id, d->name, d->vcpus[i]->pcpu, id);
			return true;
		}
	}
	return false;
}

int arch_linux_guest_platform(struct domain *d, gpa_t *lapic_gpa)
{
	gpa_t lapic = gpa_init(lapic_base_pa());
	int err;

	if (domain_is_ram(d, lapic))
		return -E2BIG;
	/*
	 * x2APIC where the CPU has it: its registers are MSRs, so the timer and
	 * EOI pass while the ICR is still filtered (no exit per timer tick).
	 * Otherwise the xAPIC page, where every write exits.
	 */
	d->arch.x2apic = lapic_cpu_has_x2apic() && !clashes_with_dom0_logical(d);
	vmm->update_msr_intercepts(d);
	if (d->arch.x2apic) {
		direct_lapic_set_owners(d); /* no page: in x2APIC mode it is not the APIC's */
		err = 0;
	} else {
		/* the page is the hardware's own: each CPU's accesses reach its own APIC */
		err = vmm->map(d, lapic, gpa_to_hpa_identity(lapic), PAGE_SIZE);
		if (!err)
			err = direct_lapic_attach(d);
	}
	if (!err)
		err = guest_uart_init(d);
	if (!err)
		err = guest_power_init(d);
	if (!err)
		err = guest_pci_init(d);
	*lapic_gpa = lapic;
	return err;
}
