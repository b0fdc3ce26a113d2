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
#include <string.h>

#include <cmocka.h>

#include <xen-lite/arch/pci.h>
#include <xen-lite/errno.h>
#include <xen-lite/iommu.h>
#include <xen-lite/pci_devices.h>

/* ---- a bus 0 of fake functions: vendor, class, command register ---- */

struct fake_function {
	uint16_t vendor, command;
	uint32_t class_rev; /* class << 8 | prog-if, then revision: the dword at 0x08 */
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
	if (offset == 0x08)
		return fn[bdf].class_rev;
	return 0;
}

void arch_pci_config_write(uint16_t bdf, unsigned int offset, unsigned int size, uint32_t value)
{
	assert_int_equal(offset, 0x04); /* only the command register is written */
	assert_int_equal(size, 2);
	fn[bdf].command = (uint16_t)value;
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
	iommu.translating = true;
	fn[HOST_BRIDGE] = (struct fake_function){ 0x8086, 0x0006, 0x06000002 };
	fn[EDU] = (struct fake_function){ 0x1234, 0x0007, 0x00ff0010 };
	fn[AMD_VI] = (struct fake_function){ 0x1022, 0x0004, 0x08060000 };
	fn[AHCI] = (struct fake_function){ 0x8086, 0x0507, 0x01060102 };
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
		fn[0x20 + i] = (struct fake_function){ 0x1234, 0x0004, 0x00ff0000 };
	for (unsigned int i = 0; i < PCI_MAX_TAKEN; i++)
		assert_int_equal(pci_assignable_add(0, (uint16_t)(0x20 + i), false), 0);
	assert_int_equal(pci_assignable_add(0, 0x20 + PCI_MAX_TAKEN, false), -ENOSPC);
	assert_int_equal(pci_devices_list(NULL, 0), PCI_MAX_TAKEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_take_and_give_back, setup),
		cmocka_unit_test_setup(test_refusals_change_nothing, setup),
		cmocka_unit_test_setup(test_twice_and_check_only, setup),
		cmocka_unit_test_setup(test_iommu_failures, setup),
		cmocka_unit_test_setup(test_table_full, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
