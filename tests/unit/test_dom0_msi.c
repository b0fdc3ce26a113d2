/*
 * Host tests for dom0's MSI model where its interrupts are remapped
 * (arch/x86_64/dom0/dom0_msi.c, dom0_intr.c): configuration writes against a
 * fake function's configuration space, the IOMMU's remapping entries
 * recorded by a fake iommu_intr_set().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arch/direct_lapic.h>
#include <arch/dom0_devices.h>
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/pci.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/iommu.h>
#include <xen-lite/pci_devices.h>

static uint16_t BDF = 0x00f8; /* a new function per test: the model keeps what it learnt */
#define MSI_CAP 0x80
#define MSIX_CAP 0xa0 /* after MSI's 24 bytes (64-bit, per-vector masks) */
#define BLOCK_ADDR 0xfee04018ULL /* what the fake IOMMU hands out: a block's handle with SHV */

static uint8_t config[256];
static struct domain dom0;
static struct vcpu dom0_vcpu = { .domain = &dom0, .pcpu = 0 };
static struct {
	unsigned int calls;
	struct iommu_intr_target t[32];
	bool set[32];
} entries;
static unsigned int msix_taken, msix_given_back;
static bool is_dom0s = true;

/* ---- fakes ---- */

uint32_t arch_pci_config_read(uint16_t bdf, unsigned int offset, unsigned int size)
{
	uint32_t v = 0;

	if (bdf != BDF)
		return 0xffffffffu;
	for (unsigned int b = 0; b < size; b++)
		v |= (uint32_t)config[(offset + b) & 0xff] << (8 * b);
	return v;
}

void arch_pci_config_write(uint16_t bdf, unsigned int offset, unsigned int size, uint32_t value)
{
	assert_int_equal(bdf, BDF);
	for (unsigned int b = 0; b < size; b++)
		config[(offset + b) & 0xff] = (uint8_t)(value >> (8 * b));
}

int iommu_intr_set(uint16_t segment, uint16_t sid, unsigned int index, const struct iommu_intr_target *t,
		   struct iommu_msi *msg)
{
	assert_int_equal(sid, BDF);
	assert_true(index < 32);
	entries.calls++;
	entries.t[index] = *t;
	entries.set[index] = true;
	*msg = (struct iommu_msi){ BLOCK_ADDR, index, 1024 + index };
	return 0;
}

bool pci_device_is_dom0s(uint16_t segment, uint16_t bdf)
{
	return is_dom0s;
}

/* dom0's one CPU: APIC id 6, logical id 0x01 (flat) */
struct vcpu *direct_lapic_vcpu_for_dest(struct domain *d, uint32_t dest, bool logical)
{
	return (logical ? dest & 0x01 : dest == 6) ? &dom0_vcpu : NULL;
}

uint32_t arch_cpu_apic_id(unsigned int cpu)
{
	return 6;
}

int dom0_msix_take(struct domain *d, uint16_t bdf, unsigned int cap)
{
	assert_int_equal(cap, MSIX_CAP);
	msix_taken++;
	return 0;
}

void dom0_msix_give_back(struct domain *d, uint16_t bdf)
{
	msix_given_back++;
}

/* ---- helpers ---- */

static int setup(void **state)
{
	BDF += 8;
	memset(config, 0, sizeof(config));
	config[0x06] = 0x10; /* capability list */
	config[0x34] = MSI_CAP;
	config[MSI_CAP] = 0x05; /* MSI, 64-bit, 4 messages capable, per-vector masks */
	config[MSI_CAP + 1] = MSIX_CAP;
	config[MSI_CAP + 2] = 0x84;
	config[MSI_CAP + 3] = 0x01;
	config[MSIX_CAP] = 0x11; /* MSI-X, 8 entries */
	config[MSIX_CAP + 2] = 7;
	memset(&entries, 0, sizeof(entries));
	msix_taken = msix_given_back = 0;
	is_dom0s = true;
	dom0_msi_init(&dom0, true);
	return 0;
}

static bool write(unsigned int offset, unsigned int size, uint32_t value)
{
	return dom0_msi_config_write(0, BDF, offset, size, value);
}

static uint32_t hw(unsigned int offset, unsigned int size)
{
	return arch_pci_config_read(BDF, offset, size);
}

/* ---- tests ---- */

/* Linux's order: the message while off, then on: the entry holds dom0's message, the function the block's. */
static void test_msi_message_then_enable(void **state)
{
	assert_true(write(MSI_CAP + 4, 4, 0xfee01004)); /* logical 0x01 */
	assert_true(write(MSI_CAP + 8, 4, 0));
	assert_true(write(MSI_CAP + 12, 2, 0x0041));
	assert_int_equal(entries.calls, 0); /* off: nothing routed yet */
	assert_int_equal(hw(MSI_CAP + 4, 4), 0); /* and dom0's compatibility-format message kept away */
	assert_true(write(MSI_CAP + 2, 2, 0x0185)); /* on, one message */
	assert_int_equal(entries.calls, 1);
	assert_true(entries.set[0]);
	assert_int_equal(entries.t[0].vector, 0x41);
	assert_int_equal(entries.t[0].dest, 6); /* logical 0x01 is dom0's CPU, APIC id 6 */
	assert_false(entries.t[0].level);
	assert_int_equal(hw(MSI_CAP + 4, 4), (uint32_t)BLOCK_ADDR);
	assert_int_equal(hw(MSI_CAP + 8, 4), 0);
	assert_int_equal(hw(MSI_CAP + 12, 2), 0); /* the subhandle base */
	assert_int_equal(hw(MSI_CAP + 2, 2) & 0x71, 0x01);
	/* rewritten while on (an affinity change): the entry follows, the function keeps its message */
	assert_true(write(MSI_CAP + 12, 2, 0x0052));
	assert_int_equal(entries.t[0].vector, 0x52);
	assert_int_equal(hw(MSI_CAP + 12, 2), 0);
}

/* Four messages: entry k delivers vector base + k, as the function's data word would say. */
static void test_msi_multi_message(void **state)
{
	assert_true(write(MSI_CAP + 4, 4, 0xfee06000)); /* physical APIC id 6 */
	assert_true(write(MSI_CAP + 12, 2, 0x0060));
	assert_true(write(MSI_CAP + 2, 2, 0x01a5)); /* on, MME 2: four messages */
	assert_int_equal(entries.calls, 4);
	for (unsigned int k = 0; k < 4; k++) {
		assert_true(entries.set[k]);
		assert_int_equal(entries.t[k].vector, 0x60 + k);
	}
	assert_false(entries.set[4]);
}

/* What dom0 may not ask for gets an empty entry: the IOMMU blocks it; the function is still told its block. */
static void test_msi_refused_gets_empty_entry(void **state)
{
	assert_true(write(MSI_CAP + 4, 4, 0xfee03000)); /* APIC id 3: not dom0's */
	assert_true(write(MSI_CAP + 12, 2, 0x0041));
	assert_true(write(MSI_CAP + 2, 2, 0x0185));
	assert_int_equal(entries.t[0].vector, 0);
	assert_int_equal(hw(MSI_CAP + 4, 4), (uint32_t)BLOCK_ADDR);
	/* an NMI or a vector where the exceptions are, to dom0's own CPU: refused too */
	assert_true(write(MSI_CAP + 4, 4, 0xfee06000));
	assert_true(write(MSI_CAP + 12, 2, 0x0400 | 0x41));
	assert_int_equal(entries.t[0].vector, 0);
	assert_true(write(MSI_CAP + 12, 2, 0x0012));
	assert_int_equal(entries.t[0].vector, 0);
	assert_true(write(MSI_CAP + 12, 2, 0x0041));
	assert_int_equal(entries.t[0].vector, 0x41);
}

/* The capability's read-only bits stay the function's; what is not MSI or MSI-X is the caller's. */
static void test_other_registers_pass(void **state)
{
	assert_true(write(MSI_CAP + 2, 2, 0x0000)); /* off, "not 64-bit": the 64-bit bit stays */
	assert_true(write(MSI_CAP + 8, 4, 0x12345678)); /* still the address's high word */
	assert_true(write(MSI_CAP + 12, 2, 0x0041));
	assert_false(write(0x04, 2, 0x0006)); /* the command register */
	assert_false(write(MSI_CAP + 0x10, 4, 0x1)); /* the mask bits */
	assert_false(write(MSIX_CAP + 4, 4, 0)); /* the table's location */
	assert_int_equal(entries.calls, 0);
}

/* MSI-X: the table is the model's from on to off. */
static void test_msix_enable_and_disable(void **state)
{
	assert_true(write(MSIX_CAP + 2, 2, 0xc007)); /* on, masked */
	assert_int_equal(msix_taken, 1);
	assert_int_equal(hw(MSIX_CAP + 2, 2), 0xc007);
	assert_true(write(MSIX_CAP + 3, 1, 0x80)); /* mask all off: still on, not taken again */
	assert_int_equal(msix_taken, 1);
	assert_true(write(MSIX_CAP + 2, 2, 0x0007)); /* off */
	assert_int_equal(msix_given_back, 1);
	assert_int_equal(hw(MSIX_CAP + 2, 2), 0x0007);
}

/* A function the hypervisor took from dom0 (a guest's), or no remapping: not the model's. */
static void test_not_dom0s_or_not_remapped(void **state)
{
	is_dom0s = false;
	assert_false(write(MSI_CAP + 2, 2, 0x0185));
	is_dom0s = true;
	dom0_msi_init(&dom0, false);
	assert_false(write(MSI_CAP + 2, 2, 0x0185));
	assert_false(dom0_msi_config_write(1, BDF, MSI_CAP + 2, 2, 0x0185)); /* another segment */
	assert_int_equal(entries.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_msi_message_then_enable, setup),
		cmocka_unit_test_setup(test_msi_multi_message, setup),
		cmocka_unit_test_setup(test_msi_refused_gets_empty_entry, setup),
		cmocka_unit_test_setup(test_other_registers_pass, setup),
		cmocka_unit_test_setup(test_msix_enable_and_disable, setup),
		cmocka_unit_test_setup(test_not_dom0s_or_not_remapped, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
