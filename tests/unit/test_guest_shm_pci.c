/*
 * Host tests for a Linux guest's shared segments as PCI functions
 * (arch/x86_64/guest/guest_shm_pci.c) against XL_SHM_PCI_* in
 * hypercalls/xen-lite-abi.h: the configuration space the guest sees, BAR
 * sizing, the MSI capability, and every register of BAR0, through the
 * handlers the function registers for it. The core's side (events, whether
 * the segment is still attached) is faked and recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arch/guest_pci.h>
#include <arch/vdev.h>
#include <xen-lite-abi.h>
#include <xen-lite/arch/pci.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>

#include "log_capture.h"

#define REGS (XL_SHM_GPA_BASE - 4 * 4096)
#define MSI 0x40

static struct domain dom;
static struct vcpu vcpu = { .domain = &dom };
static struct guest_pci *bus;

/* ---- the emulated range the function registers ---- */

static struct {
	unsigned int calls;
	uint64_t base, size;
	vdev_mmio_read_fn read;
	vdev_mmio_write_fn write;
} ranges;
static int register_error;

int vdev_mmio_register_emulated(struct domain *d, gpa_t base, uint64_t size, const char *what,
				vdev_mmio_read_fn read_fn, vdev_mmio_write_fn write_fn, void *opaque)
{
	(void)d, (void)what, (void)opaque;
	if (register_error)
		return register_error;
	ranges.calls++;
	ranges.base = gpa_addr(base);
	ranges.size = size;
	ranges.read = read_fn;
	ranges.write = write_fn;
	return 0;
}

/* ---- the core's side ---- */

static struct {
	unsigned int sends, binds, pages;
	uint32_t port;
	uint32_t apic_id, vector; /* the last bind */
	uint64_t gpa;
	uint64_t bound_to[64]; /* per port: apic_id << 8 | vector of its last bind */
} core;
static int send_result, bind_result_for_port[64];
static bool still_attached = true;

static int fake_send(struct domain *d, uint32_t port)
{
	assert_ptr_equal(d, &dom);
	core.sends++;
	core.port = port;
	return send_result;
}

static int fake_bind(struct domain *d, uint32_t port, uint32_t apic_id, uint32_t vector)
{
	assert_ptr_equal(d, &dom);
	assert_true(port < 64);
	core.binds++;
	core.port = port;
	core.apic_id = apic_id;
	core.vector = vector;
	core.bound_to[port] = (uint64_t)apic_id << 8 | vector;
	return bind_result_for_port[port];
}

static int fake_set_page(struct domain *d, gpa_t gpa)
{
	assert_ptr_equal(d, &dom);
	core.pages++;
	core.gpa = gpa_addr(gpa);
	return gpa_addr(gpa) & 0xfff ? -EINVAL : 0;
}

static bool fake_attached(struct domain *d, const char *name, uint64_t gpa)
{
	(void)d, (void)name, (void)gpa;
	return still_attached;
}

static const struct shm_device_ops ops = { fake_send, fake_bind, fake_set_page, fake_attached };

/* ---- helpers ---- */

static int setup(void **state)
{
	struct xl_shm_mapping m[2] = {
		{ .name = "ring", .gpa = XL_SHM_GPA_BASE, .size = 3 << 20, .flags = 0 },
		{ .name = "table", .gpa = XL_SHM_GPA_BASE + XL_SHM_MAX_SIZE, .size = 4096, .flags = XL_SHM_READ_ONLY },
	};

	(void)state;
	memset(&dom, 0, sizeof(dom));
	dom.id = 7;
	bus = calloc(1, sizeof(*bus));
	assert_non_null(bus);
	bus->nr_fns = 1; /* an assigned function at slot 1: segments from slot 2 */
	dom.arch.guest_pci = bus;
	memset(&ranges, 0, sizeof(ranges));
	memset(&core, 0, sizeof(core));
	memset(bind_result_for_port, 0, sizeof(bind_result_for_port));
	send_result = 0;
	register_error = 0;
	still_attached = true;
	log_capture_reset();
	guest_shm_pci_take(&dom, m, 2, REGS, &ops);
	assert_int_equal(bus->nr_shm, 2);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(bus);
	return 0;
}

static uint32_t cfg(unsigned int i, unsigned int offset, unsigned int size)
{
	return guest_shm_config_read(&bus->shm[i], offset, size);
}

static void cfg_write(unsigned int i, unsigned int offset, unsigned int size, uint32_t v)
{
	guest_shm_config_write(&dom, &bus->shm[i], offset, size, v);
}

static uint32_t reg(unsigned int i, unsigned int offset)
{
	return ranges.read(&vcpu, gpa_init(REGS + i * 4096 + offset), NULL);
}

static void reg_write(unsigned int i, unsigned int offset, uint32_t v)
{
	ranges.write(&vcpu, gpa_init(REGS + i * 4096 + offset), v, NULL);
}

/* MSI on, 64-bit address: physical destination apic_id, fixed, vector */
static void msi_program(unsigned int i, uint32_t apic_id, uint32_t vector)
{
	cfg_write(i, MSI + 4, 4, 0xfee00000u | apic_id << 12);
	cfg_write(i, MSI + 8, 4, 0);
	cfg_write(i, MSI + 12, 2, vector);
	cfg_write(i, MSI + 2, 2, PCI_MSI_FLAGS_ENABLE);
}

/* ---- tests ---- */

static void test_identity_and_capability(void **state)
{
	(void)state;
	assert_int_equal(cfg(0, 0, 4), XL_SHM_PCI_VENDOR | XL_SHM_PCI_DEVICE << 16);
	assert_int_equal(cfg(0, 2, 2), XL_SHM_PCI_DEVICE);
	assert_int_equal(cfg(0, PCI_CLASS_REVISION, 4) >> 8, XL_SHM_PCI_CLASS);
	assert_int_equal(cfg(0, 0x0e, 1), 0); /* header type 0, one function */
	assert_true(cfg(0, PCI_COMMAND + 2, 2) & PCI_STATUS_CAP_LIST);
	assert_int_equal(cfg(0, PCI_CAP_PTR, 1), MSI);
	assert_int_equal(cfg(0, MSI, 1), PCI_CAP_ID_MSI);
	assert_int_equal(cfg(0, MSI + 1, 1), 0); /* the only one */
	assert_int_equal(cfg(0, MSI + 2, 2), 0x80); /* 64-bit, one vector, off */
	assert_int_equal(cfg(0, 0x3c, 4), 0); /* no INTx */
	assert_int_equal(cfg(0, 0x30, 4), 0); /* no ROM */
	/* the command register keeps memory and bus master, nothing else */
	cfg_write(0, PCI_COMMAND, 2, 0xffff);
	assert_int_equal(cfg(0, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(ranges.calls, 2);
	assert_int_equal(ranges.size, 4096);
}

static void test_bars_fixed_and_sized(void **state)
{
	(void)state;
	/* BAR0: 64-bit, the registers; BAR2: 64-bit prefetchable, the segment */
	assert_int_equal(cfg(0, PCI_BAR0, 4), (uint32_t)REGS | 0x4);
	assert_int_equal(cfg(0, PCI_BAR0 + 4, 4), (uint32_t)(REGS >> 32));
	assert_int_equal(cfg(1, PCI_BAR0, 4), (uint32_t)(REGS + 4096) | 0x4);
	assert_int_equal(cfg(0, PCI_BAR0 + 8, 4), (uint32_t)XL_SHM_GPA_BASE | 0xc);
	assert_int_equal(cfg(0, PCI_BAR0 + 12, 4), (uint32_t)(XL_SHM_GPA_BASE >> 32));
	assert_int_equal(cfg(0, PCI_BAR0 + 16, 4), 0);
	/* sizing: 4 KiB of registers; 3 MiB of segment shows as 4 MiB */
	cfg_write(0, PCI_BAR0, 4, 0xffffffffu);
	cfg_write(0, PCI_BAR0 + 4, 4, 0xffffffffu);
	assert_int_equal(cfg(0, PCI_BAR0, 4), 0xfffff000u | 0x4);
	assert_int_equal(cfg(0, PCI_BAR0 + 4, 4), 0xffffffffu);
	cfg_write(0, PCI_BAR0 + 8, 4, 0xffffffffu);
	assert_int_equal(cfg(0, PCI_BAR0 + 8, 4), 0xffc00000u | 0xc);
	/* written back: where it was - the guest cannot move it */
	cfg_write(0, PCI_BAR0 + 8, 4, 0x12345000u);
	assert_int_equal(cfg(0, PCI_BAR0 + 8, 4), (uint32_t)XL_SHM_GPA_BASE | 0xc);
	cfg_write(1, PCI_BAR0 + 8, 4, 0xffffffffu);
	assert_int_equal(cfg(1, PCI_BAR0 + 8, 4), 0xfffff000u | 0xc);
}

static void test_registers_read(void **state)
{
	char name[XL_SHM_NAME_MAX];

	(void)state;
	assert_int_equal(reg(0, XL_SHM_REG_MAGIC), XL_SHM_PCI_MAGIC);
	assert_int_equal(reg(0, XL_SHM_REG_VERSION), XL_SHM_PCI_VERSION);
	assert_int_equal(reg(0, XL_SHM_REG_DOMID), 7);
	assert_int_equal(reg(0, XL_SHM_REG_SIZE_LO), 3 << 20);
	assert_int_equal(reg(0, XL_SHM_REG_SIZE_HI), 0);
	assert_int_equal(reg(0, XL_SHM_REG_FLAGS), 0);
	assert_int_equal(reg(1, XL_SHM_REG_FLAGS), XL_SHM_READ_ONLY);
	for (unsigned int i = 0; i < XL_SHM_NAME_MAX; i += 4) {
		uint32_t v = reg(1, XL_SHM_REG_NAME + i);

		memcpy(name + i, &v, 4);
	}
	assert_string_equal(name, "table");
	still_attached = false;
	assert_int_equal(reg(1, XL_SHM_REG_FLAGS), XL_SHM_READ_ONLY | XL_SHM_DETACHED);
	assert_int_equal(reg(0, 0x3c), 0); /* nothing there */
	assert_int_equal(reg(0, 0xffc), 0);
	/* read-only registers ignore writes */
	reg_write(0, XL_SHM_REG_SIZE_LO, 1);
	reg_write(0, XL_SHM_REG_MAGIC, 1);
	assert_int_equal(reg(0, XL_SHM_REG_SIZE_LO), 3 << 20);
	assert_int_equal(reg(0, XL_SHM_REG_MAGIC), XL_SHM_PCI_MAGIC);
}

static void test_doorbell_and_event_page(void **state)
{
	(void)state;
	send_result = -ENOENT;
	reg_write(0, XL_SHM_REG_DOORBELL, 9);
	assert_int_equal(core.sends, 1);
	assert_int_equal(core.port, 9);
	assert_int_equal((int32_t)reg(0, XL_SHM_REG_STATUS), -ENOENT);
	assert_int_equal(reg(1, XL_SHM_REG_STATUS), 0); /* each function its own */
	send_result = 0;
	reg_write(1, XL_SHM_REG_DOORBELL, 3);
	assert_int_equal(reg(1, XL_SHM_REG_STATUS), 0);
	/* the page: LO, then HI registers it */
	reg_write(0, XL_SHM_REG_EVENT_PAGE_LO, 0x5000);
	assert_int_equal(core.pages, 0);
	reg_write(0, XL_SHM_REG_EVENT_PAGE_HI, 1);
	assert_int_equal(core.pages, 1);
	assert_int_equal(core.gpa, 0x100005000ULL);
	assert_int_equal(reg(0, XL_SHM_REG_STATUS), 0);
	assert_int_equal(reg(0, XL_SHM_REG_EVENT_PAGE_LO), 0x5000);
	assert_int_equal(reg(0, XL_SHM_REG_EVENT_PAGE_HI), 1);
	reg_write(0, XL_SHM_REG_EVENT_PAGE_LO, 0x5008);
	reg_write(0, XL_SHM_REG_EVENT_PAGE_HI, 0);
	assert_int_equal((int32_t)reg(0, XL_SHM_REG_STATUS), -EINVAL);
}

static void test_bind_follows_msi(void **state)
{
	(void)state;
	/* MSI off: refused, the core not asked */
	reg_write(0, XL_SHM_REG_BIND, 4);
	assert_int_equal((int32_t)reg(0, XL_SHM_REG_STATUS), -EINVAL);
	assert_int_equal(core.binds, 0);
	msi_program(0, 2, 0x41);
	assert_int_equal(cfg(0, MSI + 2, 2), 0x81);
	reg_write(0, XL_SHM_REG_BIND, 4);
	assert_int_equal(reg(0, XL_SHM_REG_STATUS), 0);
	assert_int_equal(core.bound_to[4], 2 << 8 | 0x41);
	reg_write(0, XL_SHM_REG_BIND, 6);
	assert_int_equal(core.bound_to[6], 2 << 8 | 0x41);
	reg_write(0, XL_SHM_REG_BIND, 64); /* not a port */
	assert_int_equal((int32_t)reg(0, XL_SHM_REG_STATUS), -EINVAL);
	/* the guest moves its interrupt: the ports follow, each write as it lands */
	core.binds = 0;
	cfg_write(0, MSI + 4, 4, 0xfee00000u | 1 << 12);
	assert_int_equal(core.bound_to[4], 1 << 8 | 0x41);
	cfg_write(0, MSI + 12, 2, 0x52);
	assert_int_equal(core.bound_to[4], 1 << 8 | 0x52);
	assert_int_equal(core.bound_to[6], 1 << 8 | 0x52);
	assert_int_equal(core.binds, 4);
	/* a port the core no longer knows (closed) is forgotten */
	bind_result_for_port[6] = -ENOENT;
	cfg_write(0, MSI + 12, 2, 0x53);
	bind_result_for_port[6] = 0;
	core.binds = 0;
	cfg_write(0, MSI + 12, 2, 0x54);
	assert_int_equal(core.binds, 1);
	assert_int_equal(core.bound_to[4], 1 << 8 | 0x54);
	/* off: its ports raise nothing */
	cfg_write(0, MSI + 2, 2, 0);
	assert_int_equal(core.bound_to[4], 0);
	/* an NMI, or an address that is not the APICs', is not a target */
	msi_program(0, 1, 0x41);
	cfg_write(0, MSI + 12, 2, 0x400 | 0x41);
	reg_write(0, XL_SHM_REG_BIND, 5);
	assert_int_equal((int32_t)reg(0, XL_SHM_REG_STATUS), -EINVAL);
	msi_program(0, 1, 0x41);
	cfg_write(0, MSI + 8, 4, 1);
	reg_write(0, XL_SHM_REG_BIND, 5);
	assert_int_equal((int32_t)reg(0, XL_SHM_REG_STATUS), -EINVAL);
	/* the other function's MSI is its own */
	reg_write(1, XL_SHM_REG_BIND, 5);
	assert_int_equal((int32_t)reg(1, XL_SHM_REG_STATUS), -EINVAL);
}

static void test_take_once_and_errors(void **state)
{
	struct xl_shm_mapping m = { .name = "x", .gpa = XL_SHM_GPA_BASE, .size = 4096 };

	(void)state;
	guest_shm_pci_take(&dom, &m, 1, REGS, &ops); /* taken already: unchanged */
	assert_int_equal(bus->nr_shm, 2);
	bus->nr_shm = 0;
	register_error = -ENOSPC;
	guest_shm_pci_take(&dom, &m, 1, REGS, &ops);
	assert_int_equal(bus->nr_shm, 0);
	assert_true(log_capture_contains("not shown as a PCI function"));
	dom.arch.guest_pci = NULL; /* an ELF guest: no bus, nothing */
	guest_shm_pci_take(&dom, &m, 1, REGS, &ops);
	dom.arch.guest_pci = bus;
	/* a register page no function has */
	bus->nr_shm = 2;
	assert_int_equal(ranges.read(&vcpu, gpa_init(REGS + 3 * 4096), NULL), 0xffffffffu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity_and_capability, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bars_fixed_and_sized, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registers_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doorbell_and_event_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_follows_msi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_take_once_and_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
