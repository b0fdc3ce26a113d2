/*
 * Host tests for the PCI functions taken from dom0 (xen-lite/pci_devices.c):
 * the checks before anything changes, the order of the changes, and that a
 * refusal or a failure leaves everything as it was. The configuration space
 * and the IOMMU are fakes that record what was done.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite/arch/pci.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/iommu.h>
#include <xen-lite/pci_devices.h>

/* ---- a bus 0 of fake functions: vendor, class, command register ---- */

struct fake_function {
	bool express_flr; /* a PCI Express capability at 0x40 offering function level reset */
	unsigned int resets;
	uint16_t vendor, command;
	uint32_t class_rev; /* class << 8 | prog-if, then revision: the dword at 0x08 */
	uint32_t bar[6], bar_mask[6]; /* BARs: what they hold, which bits are writable */
	bool sizing[6];
};

static struct fake_function fn[256];

uint32_t arch_pci_config_read(uint16_t bdf, unsigned int offset, unsigned int size)
{
	if (bdf >> 8 || !fn[bdf].vendor)
		return size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu;
	if (offset == 0x00)
		return fn[bdf].vendor;
	if (offset == 0x04)
		return fn[bdf].command;
	if (offset == 0x06)
		return fn[bdf].express_flr ? 0x10 : 0; /* a capability list */
	if (offset == 0x34)
		return 0x40;
	if (offset == 0x40 || offset == 0x41) /* the capability's id, and the end of the list */
		return offset == 0x40 ? 0x10 : 0;
	if (offset == 0x44)
		return 1u << 28;
	if (offset == 0x48)
		return 0;
	if (offset == 0x08)
		return fn[bdf].class_rev;
	if (offset >= 0x10 && offset < 0x28) {
		unsigned int i = (offset - 0x10) / 4;

		assert_int_equal(size, 4);
		/* sizing: the writable bits of all ones, with the read-only type bits */
		return fn[bdf].sizing[i] ? (fn[bdf].bar_mask[i] | (fn[bdf].bar[i] & 0xf)) : fn[bdf].bar[i];
	}
	return 0;
}

void arch_pci_config_write(uint16_t bdf, unsigned int offset, unsigned int size, uint32_t value)
{
	if (offset >= 0x10 && offset < 0x28) {
		unsigned int i = (offset - 0x10) / 4;

		assert_int_equal(size, 4);
		assert_false(fn[bdf].command & 0x3); /* decoding off while a BAR is sized */
		fn[bdf].sizing[i] = value == 0xffffffffu;
		if (!fn[bdf].sizing[i])
			fn[bdf].bar[i] = value;
		return;
	}
	if (offset == 0x48) { /* device control: a reset clears the BARs and the command */
		assert_true(fn[bdf].express_flr);
		assert_true(value & (1u << 15));
		fn[bdf].resets++;
		memset(fn[bdf].bar, 0, sizeof(fn[bdf].bar));
		fn[bdf].command = 0;
		return;
	}
	if (offset < 0x40 && size == 4)
		return; /* the header written back after a reset: nothing else here to keep */
	assert_int_equal(offset, 0x04); /* else only the command register is written */
	assert_int_equal(size, 2);
	fn[bdf].command = (uint16_t)value;
}

void udelay(uint64_t us)
{
}

/* ---- the guest's nested paging, and its end ---- */

static struct {
	unsigned int calls;
	uint64_t gpa[8], hpa[8], size[8];
	int result;
} mapped;

int arch_domain_map(struct domain *d, gpa_t gpa, hpa_t hpa, uint64_t size)
{
	if (mapped.result)
		return mapped.result;
	mapped.gpa[mapped.calls] = gpa_addr(gpa);
	mapped.hpa[mapped.calls] = hpa_addr(hpa);
	mapped.size[mapped.calls++] = size;
	return 0;
}

static char crashed[200];

void domain_crash(struct domain *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(crashed, sizeof(crashed), fmt, ap);
	va_end(ap);
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	snprintf(dst, size, "%s", src);
	return strlen(src);
}

/* ---- the IOMMU ---- */

static struct {
	bool translating;
	int quarantine_result, return_result;
	unsigned int quarantined, returned;
	uint16_t last_bdf;
} iommu;

static const struct iommu_driver some_driver = { .name = "fake" };

const struct iommu_driver *iommu_active_driver(void)
{
	return iommu.translating ? &some_driver : NULL;
}

int iommu_quarantine_device(uint16_t segment, uint16_t bdf)
{
	iommu.last_bdf = bdf;
	if (iommu.quarantine_result)
		return iommu.quarantine_result;
	iommu.quarantined++;
	return 0;
}

static struct domain dom0 = { .id = 0, .name = "dom0", .privileged = true };
static unsigned int attached, spaces_freed;

struct domain *iommu_dom0_domain(void)
{
	return &dom0;
}

int iommu_domain_attach(struct domain *d, uint16_t segment, uint16_t bdf)
{
	if (iommu.quarantine_result)
		return iommu.quarantine_result; /* the same IOMMU fails both ways */
	attached++;
	return 0;
}

void iommu_domain_space_free(struct domain *d)
{
	spaces_freed++;
}

int iommu_return_device(uint16_t segment, uint16_t bdf)
{
	iommu.last_bdf = bdf;
	if (iommu.return_result)
		return iommu.return_result;
	iommu.returned++;
	return 0;
}

#define EDU 0x10 /* 00:02.0 */
#define HOST_BRIDGE 0x00
#define AMD_VI 0x18 /* 00:03.0 */
#define AHCI 0xfa /* 00:1f.2 */

static int setup(void **state)
{
	struct pci_device_entry e[PCI_MAX_TAKEN];
	unsigned int n = pci_devices_list(e, PCI_MAX_TAKEN);

	memset(&iommu, 0, sizeof(iommu));
	iommu.translating = true;
	for (unsigned int i = 0; i < n; i++) /* what an earlier test left */
		assert_int_equal(pci_assignable_remove(e[i].segment, e[i].bdf), 0);
	memset(fn, 0, sizeof(fn));
	memset(&iommu, 0, sizeof(iommu));
	memset(&mapped, 0, sizeof(mapped));
	crashed[0] = '\0';
	attached = spaces_freed = 0;
	iommu.translating = true;
	fn[HOST_BRIDGE] = (struct fake_function){ .vendor = 0x8086, .command = 0x0006, .class_rev = 0x06000002 };
	fn[EDU] = (struct fake_function){ .vendor = 0x1234, .command = 0x0007, .class_rev = 0x00ff0010 };
	fn[EDU].bar[0] = 0xfea00000; /* 1 MiB, 32-bit memory */
	fn[EDU].bar_mask[0] = 0xfff00000;
	fn[EDU].bar[1] = 0xc001; /* I/O */
	fn[EDU].bar_mask[1] = 0xffffffe0;
	fn[EDU].bar[2] = 0x0000000c; /* 64-bit prefetchable, 16 KiB at 0x8_0000_0000 */
	fn[EDU].bar_mask[2] = 0xffffc000;
	fn[EDU].bar[3] = 0x8;
	fn[EDU].bar_mask[3] = 0xffffffff;
	fn[AMD_VI] = (struct fake_function){ .vendor = 0x1022, .command = 0x0004, .class_rev = 0x08060000 };
	fn[AHCI] = (struct fake_function){ .vendor = 0x8086, .command = 0x0507, .class_rev = 0x01060102 };
	return 0;
}

static void test_take_and_give_back(void **state)
{
	struct pci_device_entry e[4];

	assert_true(pci_device_is_dom0s(0, EDU));
	assert_int_equal(pci_assignable_add(0, EDU, false), 0);
	assert_int_equal(iommu.quarantined, 1);
	assert_int_equal(iommu.last_bdf, EDU);
	assert_int_equal(fn[EDU].command, 0x0003); /* bus mastering off, the rest kept */
	assert_false(pci_device_is_dom0s(0, EDU));
	assert_true(pci_device_is_dom0s(0, AHCI));
	assert_int_equal(pci_devices_list(e, 4), 1);
	assert_int_equal(e[0].bdf, EDU);
	assert_int_equal(e[0].state, PCI_DEVICE_ASSIGNABLE);

	assert_int_equal(pci_assignable_remove(0, EDU), 0);
	assert_int_equal(iommu.returned, 1);
	assert_true(pci_device_is_dom0s(0, EDU));
	assert_int_equal(pci_devices_list(e, 4), 0);
}

static void test_refusals_change_nothing(void **state)
{
	assert_int_equal(pci_assignable_add(0, 0x08, false), -ENODEV); /* 00:01.0: nothing there */
	assert_int_equal(pci_assignable_add(1, EDU, false), -ENODEV); /* segment 1 */
	assert_int_equal(pci_assignable_add(0, 0x0110, false), -EXDEV); /* bus 1 */
	assert_int_equal(pci_assignable_add(0, HOST_BRIDGE, false), -EPERM);
	assert_int_equal(pci_assignable_add(0, AMD_VI, false), -EPERM);
	iommu.translating = false;
	assert_int_equal(pci_assignable_add(0, EDU, false), -ENXIO);
	iommu.translating = true;
	assert_int_equal(pci_assignable_remove(0, EDU), -ENOENT);
	assert_int_equal(iommu.quarantined + iommu.returned, 0);
	assert_int_equal(fn[EDU].command, 0x0007);
	assert_int_equal(pci_devices_list(NULL, 0), 0);
}

static void test_twice_and_check_only(void **state)
{
	assert_int_equal(pci_assignable_add(0, EDU, true), 0);
	assert_int_equal(iommu.quarantined, 0); /* a check changes nothing */
	assert_int_equal(fn[EDU].command, 0x0007);
	assert_true(pci_device_is_dom0s(0, EDU));
	assert_int_equal(pci_assignable_add(0, EDU, false), 0);
	assert_int_equal(pci_assignable_add(0, EDU, true), -EBUSY);
	assert_int_equal(pci_assignable_add(0, EDU, false), -EBUSY);
	assert_int_equal(iommu.quarantined, 1);
}

static void test_iommu_failures(void **state)
{
	/* the IOMMU does not confirm the move: not taken, bus mastering untouched */
	iommu.quarantine_result = -ETIMEDOUT;
	assert_int_equal(pci_assignable_add(0, EDU, false), -ETIMEDOUT);
	assert_true(pci_device_is_dom0s(0, EDU));
	assert_int_equal(fn[EDU].command, 0x0007);
	iommu.quarantine_result = 0;
	assert_int_equal(pci_assignable_add(0, EDU, false), 0);
	/* giving back fails: still taken (its DMA may still be blocked) */
	iommu.return_result = -ETIMEDOUT;
	assert_int_equal(pci_assignable_remove(0, EDU), -ETIMEDOUT);
	assert_false(pci_device_is_dom0s(0, EDU));
	iommu.return_result = 0;
	assert_int_equal(pci_assignable_remove(0, EDU), 0);
}

static void test_table_full(void **state)
{
	/* PCI_MAX_TAKEN endpoints on bus 0, then one more */
	for (unsigned int i = 0; i <= PCI_MAX_TAKEN; i++)
		fn[0x20 + i] = (struct fake_function){ .vendor = 0x1234, .command = 0x0004, .class_rev = 0x00ff0000 };
	for (unsigned int i = 0; i < PCI_MAX_TAKEN; i++)
		assert_int_equal(pci_assignable_add(0, (uint16_t)(0x20 + i), false), 0);
	assert_int_equal(pci_assignable_add(0, 0x20 + PCI_MAX_TAKEN, false), -ENOSPC);
	assert_int_equal(pci_devices_list(NULL, 0), PCI_MAX_TAKEN);
}

static struct domain guest = { .id = 5, .name = "g", .mem_end = 4 << 20, .nr_blocks = 1,
			       .blocks = { { .size = 4 << 20 } } };

static void test_give_to_guest_and_back(void **state)
{
	const uint32_t edu = EDU;
	struct pci_device_entry e[2];
	char who[32];

	memset(guest.pci, 0, sizeof(guest.pci));
	guest.nr_pci = 0;
	/* not taken yet: refused */
	assert_int_equal(pci_assign_to_domain(&guest, &edu, 1), -ENOENT);
	assert_int_equal(pci_assignable_add(0, EDU, false), 0);
	assert_int_equal(pci_assign_to_domain(&guest, &edu, 1), 0);
	assert_int_equal(attached, 1);
	assert_int_equal(guest.nr_pci, 1);
	/* BAR0 and the 64-bit BAR2 mapped at their own addresses, the I/O BAR left out */
	assert_int_equal(mapped.calls, 2);
	assert_int_equal(mapped.gpa[0], 0xfea00000);
	assert_int_equal(mapped.hpa[0], 0xfea00000);
	assert_int_equal(mapped.size[0], 1 << 20);
	assert_int_equal(mapped.gpa[1], 0x800000000ULL);
	assert_int_equal(mapped.size[1], 16 << 10);
	assert_int_equal(guest.pci[0].bar[0], 0xfea00000);
	assert_int_equal(guest.pci[0].bar[1], 0);
	assert_int_equal(guest.pci[0].bar[2], 0x800000000ULL);
	assert_int_equal(fn[EDU].bar[0], 0xfea00000); /* restored after sizing */
	assert_int_equal(fn[EDU].bar[3], 0x8);
	assert_int_equal(fn[EDU].command & 0x6, 0x6); /* memory and bus mastering on for the guest */
	assert_int_equal(pci_devices_list(e, 2), 1);
	assert_int_equal(e[0].state, PCI_DEVICE_ASSIGNED);
	assert_int_equal(e[0].domid, 5);
	/* held: not for a second guest, not back to dom0 */
	assert_int_equal(pci_assign_to_domain(&dom0, &edu, 1), -EBUSY);
	assert_int_equal(pci_assignable_remove(0, EDU), -EBUSY);
	/* its faults: charged to the guest, which is crashed (on_dma_fault=crash) */
	pci_device_fault(0, EDU, 0x30000000, who, sizeof(who));
	assert_string_equal(who, "g");
	assert_int_equal(guest.dma_faults, 1);
	assert_non_null(strstr(crashed, "DMA outside its memory"));
	/* released: bus mastering off, into the empty space, its space freed */
	assert_int_equal(pci_release_domain(&guest), 0);
	assert_int_equal(guest.nr_pci, 0);
	assert_int_equal(iommu.quarantined, 2);
	assert_int_equal(spaces_freed, 1);
	assert_false(fn[EDU].command & 0x4);
	assert_int_equal(pci_devices_list(e, 2), 1);
	assert_int_equal(e[0].state, PCI_DEVICE_ASSIGNABLE);
	pci_device_fault(0, EDU, 0x1000, who, sizeof(who));
	assert_string_equal(who, "none");
	pci_device_fault(0, AHCI, 0x1000, who, sizeof(who));
	assert_string_equal(who, "dom0");
	assert_int_equal(dom0.dma_faults, 1);
}

/* a function offering FLR is reset when the guest goes, its BARs given back as they were */
static void test_reset_on_release(void **state)
{
	const uint32_t edu = EDU;

	memset(guest.pci, 0, sizeof(guest.pci));
	guest.nr_pci = 0;
	fn[EDU].express_flr = true;
	assert_int_equal(pci_assignable_add(0, EDU, false), 0);
	assert_int_equal(pci_assign_to_domain(&guest, &edu, 1), 0);
	assert_int_equal(fn[EDU].resets, 0);
	assert_int_equal(pci_release_domain(&guest), 0);
	assert_int_equal(fn[EDU].resets, 1);
	assert_int_equal(fn[EDU].bar[0], 0xfea00000);
	assert_int_equal(fn[EDU].bar[2], 0x0000000c);
	assert_int_equal(fn[EDU].command & 0x6, 0x2); /* decoding back, bus mastering off */
}

static void test_guest_refusals(void **state)
{
	const uint32_t twice[2] = { EDU, EDU }, five[5] = { 1, 2, 3, 4, 5 }, edu = EDU;

	memset(guest.pci, 0, sizeof(guest.pci));
	guest.nr_pci = 0;
	guest.dma_fault_log = true;
	assert_int_equal(pci_assignable_add(0, EDU, false), 0);
	assert_int_equal(pci_assign_to_domain(&guest, twice, 2), -EINVAL);
	assert_int_equal(pci_assign_to_domain(&guest, five, 5), -EINVAL);
	/* a BAR on the guest's RAM: refused, and what was done is undone */
	fn[EDU].bar[0] = 0x100000;
	assert_int_equal(pci_assign_to_domain(&guest, &edu, 1), -EINVAL);
	assert_int_equal(guest.nr_pci, 0);
	spaces_freed = 0;
	/* one page of it on the RAM is as bad; a hole between RAM blocks is not RAM */
	fn[EDU].bar[0] = 0x3ff000;
	assert_int_equal(pci_assign_to_domain(&guest, &edu, 1), -EINVAL);
	assert_int_equal(guest.nr_pci, 0);
	assert_int_equal(spaces_freed, 1);
	assert_false(fn[EDU].command & 0x4);
	/* the nested tables refuse: the same */
	fn[EDU].bar[0] = 0xfea00000;
	mapped.result = -ENOMEM;
	assert_int_equal(pci_assign_to_domain(&guest, &edu, 1), -ENOMEM);
	assert_int_equal(guest.nr_pci, 0);
	mapped.result = 0;
	assert_int_equal(pci_assign_to_domain(&guest, &edu, 1), 0);
	/* on_dma_fault=log: counted, not crashed */
	{
		char who[8];

		pci_device_fault(0, EDU, 0x30000000, who, sizeof(who));
		assert_string_equal(crashed, "");
	}
	/* the IOMMU does not confirm the release: kept as the guest's */
	iommu.quarantine_result = -ETIMEDOUT;
	assert_int_equal(pci_release_domain(&guest), -ETIMEDOUT);
	assert_int_equal(guest.nr_pci, 1);
	iommu.quarantine_result = 0;
	assert_int_equal(pci_release_domain(&guest), 0);
	guest.dma_fault_log = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_take_and_give_back, setup),
		cmocka_unit_test_setup(test_refusals_change_nothing, setup),
		cmocka_unit_test_setup(test_twice_and_check_only, setup),
		cmocka_unit_test_setup(test_iommu_failures, setup),
		cmocka_unit_test_setup(test_table_full, setup),
		cmocka_unit_test_setup(test_give_to_guest_and_back, setup),
		cmocka_unit_test_setup(test_guest_refusals, setup),
		cmocka_unit_test_setup(test_reset_on_release, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
