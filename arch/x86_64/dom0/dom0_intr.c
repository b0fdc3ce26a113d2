/*
 * dom0's interrupts through the IOMMU's remapping table (arch/dom0_intr.h).
 * Where the IOMMU blocks compatibility-format interrupts (VT-d with
 * remapping on: otherwise a guest's device could send any vector to any
 * CPU), each interrupt dom0 programs - an MSI, an MSI-X entry, an I/O APIC
 * pin - becomes an entry of that source's table, and the source is given
 * the message (or redirection entry) that selects it.
 *
 * What dom0 may ask for: a fixed or lowest-priority interrupt with a vector
 * of 32 or more, to one of its own CPUs named physically or logically (its
 * logical ids are what it wrote to its APICs: arch/direct_lapic.h). It is
 * delivered fixed to that CPU. Anything else - NMI, SMI, INIT, ExtINT, a
 * vector where the exceptions are, a CPU that is not dom0's - gets an empty
 * entry: the IOMMU blocks and reports each such interrupt.
 */
#include <arch/direct_lapic.h>
#include <arch/dom0_intr.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>

#define MSI_ADDR_DEST_SHIFT 12
#define MSI_ADDR_LOGICAL (1u << 2)
#define MSI_DATA_DELIVERY_SHIFT 8
#define MSI_DATA_LEVEL (1u << 15)
#define RTE_DELIVERY_SHIFT 8
#define RTE_LOGICAL (1u << 11)
#define RTE_LEVEL (1u << 15)
#define RTE_DEST_SHIFT 24 /* in the high word */
#define DELIVERY_FIXED 0
#define DELIVERY_LOWEST 1
#define FIRST_DEVICE_VECTOR 32
#define MAX_REFUSAL_REPORTS 16

static unsigned int refusals;

void dom0_intr_from_msi(uint64_t addr, uint32_t data, struct dom0_intr *out)
{
	*out = (struct dom0_intr){ .dest = (uint32_t)(addr >> MSI_ADDR_DEST_SHIFT) & 0xff,
				   .logical = addr & MSI_ADDR_LOGICAL,
				   .vector = (uint8_t)data,
				   .delivery = (data >> MSI_DATA_DELIVERY_SHIFT) & 7,
				   .level = data & MSI_DATA_LEVEL };
}

void dom0_intr_from_rte(uint32_t low, uint32_t high, struct dom0_intr *out)
{
	*out = (struct dom0_intr){ .dest = high >> RTE_DEST_SHIFT,
				   .logical = low & RTE_LOGICAL,
				   .vector = (uint8_t)low,
				   .delivery = (low >> RTE_DELIVERY_SHIFT) & 7,
				   .level = low & RTE_LEVEL };
}

/* The APIC id of the dom0 CPU the interrupt is for, or -1 when dom0 may not send it. */
static int64_t target_cpu(struct domain *dom0, const struct dom0_intr *want)
{
	struct vcpu *v;

	if (want->vector < FIRST_DEVICE_VECTOR ||
	    (want->delivery != DELIVERY_FIXED && want->delivery != DELIVERY_LOWEST))
		return -1;
	v = direct_lapic_vcpu_for_dest(dom0, want->dest, want->logical);
	return v ? (int64_t)arch_cpu_apic_id(v->pcpu) : -1;
}

int dom0_intr_route(struct domain *dom0, uint16_t sid, unsigned int index, const struct dom0_intr *want,
		    struct iommu_msi *out)
{
	int64_t cpu = target_cpu(dom0, want);
	struct iommu_intr_target t = { .vector = cpu < 0 ? 0 : want->vector, .level = want->level };
	int err;

	if (cpu < 0 && __atomic_fetch_add(&refusals, 1, __ATOMIC_RELAXED) < MAX_REFUSAL_REPORTS)
		log_warn("dom0: source %02x:%02x.%u entry %u: vector %#x, delivery %u to %s %#x refused (a fixed "
			 "interrupt of vector 32-255 to one of dom0's CPUs): it is blocked\n",
			 sid >> 8, (sid >> 3) & 0x1f, sid & 7, index, want->vector, want->delivery,
			 want->logical ? "logical" : "APIC id", want->dest);
	t.dest = cpu < 0 ? 0 : (uint32_t)cpu;
	err = iommu_intr_set(0, sid, index, &t, out);
	if (err)
		log_err("dom0: source %02x:%02x.%u entry %u: no remapping entry (%d): its interrupts are lost\n",
			sid >> 8, (sid >> 3) & 0x1f, sid & 7, index, err);
	return err;
}
