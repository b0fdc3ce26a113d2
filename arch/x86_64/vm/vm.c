/*
 * Domains for the core (include/xen-lite/arch/vm.h and arch_virt_init()):
 * the vendor engine the CPU has is chosen once at boot, and every request
 * is handed to it (arch/vmm.h). Nothing here knows which engine it is.
 */
#include <arch/emul.h>
#include <arch/guest_pci.h>
#include <arch/lapic.h>
#include <arch/percpu.h>
#include <arch/vendors.h>
#include <arch/vmm.h>
#include <xen-lite/arch/boot.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>

void arch_virt_init(void)
{
	const struct vmm_ops *ops = svm_probe(); /* Intel VMX: vmx_probe() when SVM is absent */

	if (ops)
		vmm_select(ops);
}

bool arch_virt_ready(void)
{
	return vmm != NULL;
}

int arch_domain_init(struct domain *d)
{
	return vmm->domain_init(d);
}

void arch_domain_free(struct domain *d)
{
	guest_pci_free(d);
	vmm->domain_free(d);
}

int arch_domain_map(struct domain *d, gpa_t gpa, hpa_t hpa, uint64_t size)
{
	return vmm->map(d, gpa, hpa, size);
}

int arch_domain_map_perms(struct domain *d, gpa_t gpa, hpa_t hpa, uint64_t size, unsigned int perms)
{
	return vmm->map_perms(d, gpa, hpa, size, perms);
}

void arch_domain_show_segments(struct domain *d, const struct xl_shm_mapping *m, unsigned int n, uint64_t regs,
			       const struct shm_device_ops *ops)
{
	guest_shm_pci_take(d, m, n, regs, ops); /* a Linux guest's bus; ELF guests have none */
}

int arch_domain_protect(struct domain *d, gpa_t gpa, uint64_t size, unsigned int perms)
{
	return vmm->protect(d, gpa, size, perms);
}

int arch_domain_unmap(struct domain *d, gpa_t gpa, uint64_t size)
{
	return vmm->unmap(d, gpa, size);
}

void arch_domain_page_counts(struct domain *d, struct npt_page_counts *c)
{
	vmm->page_counts(d, c);
}

uint64_t arch_vcpu_reg(struct vcpu *v, unsigned int reg)
{
	struct vcpu_context ctx;

	if (reg < ARCH_VCPU_REG_RIP)
		return vcpu_get_reg(v, reg);
	vcpu_get_context(v, &ctx);
	return ctx.rip;
}

void arch_vcpu_set_reg(struct vcpu *v, unsigned int reg, uint64_t value)
{
	if (reg < ARCH_VCPU_REG_RIP)
		vcpu_set_reg(v, reg, value);
}

void arch_vcpu_advance_rip(struct vcpu *v, unsigned int bytes)
{
	vcpu_advance_rip(v, bytes);
}

uint64_t arch_vcpu_control(struct vcpu *v, unsigned int which)
{
	struct vcpu_context ctx;
	const uint64_t *fields[] = { &ctx.cr0, &ctx.cr3, &ctx.cr4, &ctx.efer };

	vcpu_get_context(v, &ctx);
	if (which < ARRAY_SIZE(fields))
		return *fields[which];
	return which == ARRAY_SIZE(fields) ? ctx.cpl : 0;
}

int arch_domain_translate(struct domain *d, uint64_t cr3, uint64_t gva, gpa_t *gpa)
{
	return guest_walk_4level(d, cr3, gva, gpa);
}
