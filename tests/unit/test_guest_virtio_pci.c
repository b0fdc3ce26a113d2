/*
 * Host tests for the virtio-pci transport of a Linux guest's virtio devices
 * (arch/x86_64/guest/guest_virtio_pci.c) against XL_VIRTIO_* in
 * hypercalls/xen-lite-abi.h and the virtio 1.x specification, driven as
 * Linux's virtio_pci_modern driver drives a function: configuration space
 * and capabilities, BAR4 (common configuration, ISR, device configuration,
 * notifications, MSI-X table and PBA) through the handlers the function
 * registers, and the core's requests (STATE, RESET_DONE, interrupts).
 *
 * The fake guest has two vCPUs on physical CPUs 2 and 3, whose APIC ids
 * are 5 and 7; the core's side (notify, raising a vector, the clock) is
 * faked and recorded.
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
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/time.h>
#include <xen-lite/arch/virtio.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/pci_regs.h>
#include <xen-lite/shm.h>

#include "log_capture.h"

#define WINDOW 0x7ffff00000ULL
#define BAR_SIZE 0x8000u
#define COMMON 0x0000u
#define ISR 0x1000u
#define DEVCFG 0x2000u
#define NOTIFY 0x3000u
#define TABLE 0x4000u
#define PBA 0x5000u
#define CAP_VENDOR 0x09

/* common configuration (virtio 1.x, 4.1.4.3) */
#define DFSELECT 0x00
#define DF 0x04
#define GFSELECT 0x08
#define GF 0x0c
#define MSIX_CONFIG 0x10
#define NUM_QUEUES 0x12
#define STATUS 0x14
#define CONFIG_GEN 0x15
#define Q_SELECT 0x16
#define Q_SIZE 0x18
#define Q_MSIX 0x1a
#define Q_ENABLE 0x1c
#define Q_NOTIFY_OFF 0x1e
#define Q_DESC 0x20
#define Q_DRIVER 0x28
#define Q_DEVICE 0x30

#define S_ACK 1u
#define S_DRIVER 2u
#define S_DRIVER_OK 4u
#define S_FEATURES_OK 8u

#define F_BLK_SIZE_MAX (1ULL << 1)
#define F_BLK_SEG_MAX (1ULL << 2)
#define F_RING_EVENT_IDX (1ULL << 29)
#define DEVICE_FEATURES (XL_VIRTIO_F_VERSION_1 | F_BLK_SIZE_MAX | F_BLK_SEG_MAX | F_RING_EVENT_IDX)
#define QUEUE_MAX 256
#define NR_QUEUES 2

static struct domain dom;
static struct vcpu vcpus[2];
static struct guest_pci *bus;

/* ---- fakes ---- */

static struct range {
	uint64_t base, size;
	unsigned int sizes;
	vdev_mmio_load_fn load;
	vdev_mmio_store_fn store;
	void *opaque;
} ranges[XL_VIRTIO_MAX_DEVICES + 1];
static unsigned int nr_ranges;
static int register_error;

int vdev_mmio_register_device(struct domain *d, gpa_t base, uint64_t size, const char *what, unsigned int sizes,
			      vdev_mmio_load_fn load_fn, vdev_mmio_store_fn store_fn, void *opaque)
{
	assert_ptr_equal(d, &dom);
	assert_non_null(what);
	if (register_error)
		return register_error;
	assert_true(nr_ranges < XL_VIRTIO_MAX_DEVICES + 1);
	ranges[nr_ranges++] = (struct range){ gpa_addr(base), size, sizes, load_fn, store_fn, opaque };
	return 0;
}

static struct {
	struct vcpu *v;
	uint8_t vector;
} raises[64];
static unsigned int nr_raises;

void arch_event_raise(struct vcpu *v, uint8_t vector)
{
	assert_true(nr_raises < 64);
	raises[nr_raises].v = v;
	raises[nr_raises].vector = vector;
	nr_raises++;
}

static uint64_t now_us;

uint64_t time_since_boot_us(void)
{
	return now_us;
}

uint32_t arch_cpu_apic_id(unsigned int cpu)
{
	return cpu * 2 + 1; /* the guest's CPUs 2 and 3: APIC ids 5 and 7 */
}

static struct {
	struct domain *d;
	uint32_t port;
} notes[64];
static unsigned int nr_notes;

static int fake_notify(struct domain *d, uint32_t port)
{
	assert_true(nr_notes < 64);
	notes[nr_notes].d = d;
	notes[nr_notes].port = port;
	nr_notes++;
	return 0;
}

static const struct virtio_device_ops ops = { fake_notify };

/* ---- helpers ---- */

static struct xl_virtio_op block_op(void)
{
	struct xl_virtio_op op = { .op = XL_VIRTIO_ADD, .device_id = 2, .nr_queues = NR_QUEUES,
				   .queue_max = QUEUE_MAX, .config_len = 12, .ports = { 10, 11 },
				   .device_features = DEVICE_FEATURES };

	for (unsigned int i = 0; i < XL_VIRTIO_CONFIG_MAX; i++)
		op.config[i] = (uint8_t)(0xa0 + i);
	return op;
}

static int setup(void **state)
{
	struct xl_virtio_op op = block_op();

	(void)state;
	memset(&dom, 0, sizeof(dom));
	memset(vcpus, 0, sizeof(vcpus));
	dom.id = 5;
	strcpy(dom.name, "vm");
	dom.nr_vcpus = 2;
	for (unsigned int i = 0; i < 2; i++) {
		vcpus[i] = (struct vcpu){ .domain = &dom, .id = i, .pcpu = 2 + i };
		dom.vcpus[i] = &vcpus[i];
	}
	bus = calloc(1, sizeof(*bus));
	assert_non_null(bus);
	bus->nr_fns = 1; /* an assigned function at slot 1 */
	dom.arch.guest_pci = bus;
	memset(ranges, 0, sizeof(ranges));
	nr_ranges = 0;
	register_error = 0;
	nr_raises = 0;
	nr_notes = 0;
	now_us = 5000000;
	log_capture_reset();
	assert_int_equal(arch_virtio_add(&dom, &op, WINDOW, &ops), 0);
	assert_int_equal(bus->nr_virtio, 1);
	assert_true(log_capture_contains("virtio device 0"));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(bus);
	return 0;
}

static uint32_t cfg(unsigned int dev, unsigned int offset, unsigned int size)
{
	return guest_virtio_config_read(&bus->virtio[dev], offset, size);
}

static void cfg_write(unsigned int dev, unsigned int offset, unsigned int size, uint32_t v)
{
	guest_virtio_config_write(&dom, &bus->virtio[dev], offset, size, v);
}

static uint64_t ld_at(unsigned int dev, uint32_t off, unsigned int size)
{
	assert_true(dev < nr_ranges);
	assert_true(off % size == 0); /* the engine refuses unaligned accesses */
	assert_true(ranges[dev].sizes & size);
	return ranges[dev].load(&vcpus[0], gpa_init(ranges[dev].base + off), size, ranges[dev].opaque);
}

/* what the guest's register gets: the engine keeps size bytes of what the handler returns */
static uint64_t ld(uint32_t off, unsigned int size)
{
	uint64_t v = ld_at(0, off, size);

	return size == 8 ? v : v & ((1ULL << (8 * size)) - 1);
}

static void st_at(unsigned int dev, uint32_t off, uint64_t value, unsigned int size)
{
	assert_true(dev < nr_ranges);
	assert_true(off % size == 0);
	assert_true(ranges[dev].sizes & size);
	if (size < 8)
		value &= (1ULL << (8 * size)) - 1; /* as the engine decodes a store */
	ranges[dev].store(&vcpus[1], gpa_init(ranges[dev].base + off), value, size, ranges[dev].opaque);
}

static void st(uint32_t off, uint64_t value, unsigned int size)
{
	st_at(0, off, value, size);
}

static struct xl_virtio_op state_of(unsigned int dev)
{
	struct xl_virtio_op out;

	memset(&out, 0xee, sizeof(out));
	assert_int_equal(arch_virtio_state(&dom, dev, &out), 0);
	return out;
}

/* The driver's start as Linux's: reset, ACK, DRIVER, features, FEATURES_OK. */
static void negotiate(uint64_t features)
{
	st(STATUS, 0, 1);
	assert_int_equal(arch_virtio_reset_done(&dom, 0, state_of(0).reset_count), 0);
	assert_int_equal(ld(STATUS, 1), 0);
	st(STATUS, S_ACK, 1);
	st(STATUS, S_ACK | S_DRIVER, 1);
	st(GFSELECT, 0, 4);
	st(GF, (uint32_t)features, 4);
	st(GFSELECT, 1, 4);
	st(GF, (uint32_t)(features >> 32), 4);
	st(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK, 1);
}

/* MSI-X table entry vec: a fixed message to APIC id apic_id with vector, unmasked */
static void msix_entry(unsigned int vec, uint32_t apic_id, uint32_t data)
{
	st(TABLE + 16 * vec, 0xfee00000u | apic_id << 12, 4);
	st(TABLE + 16 * vec + 4, 0, 4);
	st(TABLE + 16 * vec + 8, data, 4);
	st(TABLE + 16 * vec + 12, 0, 4);
}

static void msix_enable(unsigned int dev, uint16_t control)
{
	cfg_write(dev, 0x84 + 2, 2, control);
}

/* Queue q set up and enabled with MSI-X vector vec. */
static void queue_setup(uint16_t q, uint16_t vec)
{
	st(Q_SELECT, q, 2);
	st(Q_SIZE, 64, 2);
	st(Q_MSIX, vec, 2);
	st(Q_DESC, 0x100000 + q * 0x10000, 4);
	st(Q_DESC + 4, 1, 4);
	st(Q_DRIVER, 0x104000 + q * 0x10000, 4);
	st(Q_DRIVER + 4, 0, 4);
	st(Q_DEVICE, 0x108000 + q * 0x10000, 4);
	st(Q_DEVICE + 4, 0, 4);
	st(Q_ENABLE, 1, 2);
}

/* ---- configuration space ---- */

static void test_identity(void **state)
{
	(void)state;
	assert_int_equal(cfg(0, 0, 2), 0x1af4);
	assert_int_equal(cfg(0, 2, 2), 0x1040 + 2);
	assert_int_equal(cfg(0, 0, 4), 0x1af4 | 0x1042u << 16);
	assert_int_equal(cfg(0, PCI_CLASS_REVISION, 1), 1); /* revision 1: modern */
	assert_int_equal(cfg(0, PCI_CLASS_REVISION + 1, 4) & 0xffffff, 0x010000); /* mass storage */
	assert_int_equal(cfg(0, 0x0e, 1), 0); /* header type 0 */
	assert_int_equal(cfg(0, 0x2c, 2), 0x1af4);
	assert_true(cfg(0, 0x2e, 2) >= 0x40); /* the subsystem id: a modern device's */
	assert_true(cfg(0, PCI_COMMAND + 2, 2) & PCI_STATUS_CAP_LIST);
	assert_int_equal(cfg(0, 0x3c, 4), 0); /* no INTx */
	assert_int_equal(cfg(0, 0x30, 4), 0); /* no ROM */
	assert_int_equal(cfg(0, 0xfc, 4), 0);
	/* the command register keeps memory and bus master, nothing else */
	cfg_write(0, PCI_COMMAND, 2, 0xffff);
	assert_int_equal(cfg(0, PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	cfg_write(0, PCI_COMMAND, 2, 0);
	assert_int_equal(cfg(0, PCI_COMMAND, 2), 0);
	/* read-only elsewhere */
	cfg_write(0, 0, 4, 0);
	cfg_write(0, 0x40, 4, 0);
	assert_int_equal(cfg(0, 0, 4), 0x1af4 | 0x1042u << 16);
	assert_int_equal(cfg(0, 0x40, 1), CAP_VENDOR);
}

/* As Linux's virtio_pci_find_capability() and vp_modern_probe() walk and check them. */
static void test_capabilities(void **state)
{
	bool seen[5] = { false };
	bool msix = false;
	unsigned int at = cfg(0, PCI_CAP_PTR, 1), hops = 0;

	(void)state;
	assert_true(at >= 0x40 && at % 4 == 0);
	while (at) {
		unsigned int id = cfg(0, at, 1);

		assert_true(++hops < 48); /* no loop */
		assert_true(at >= 0x40 && at < 0x100 && at % 4 == 0);
		if (id == CAP_VENDOR) {
			unsigned int len = cfg(0, at + 2, 1), type = cfg(0, at + 3, 1), bar = cfg(0, at + 4, 1);
			uint32_t offset = cfg(0, at + 8, 4), length = cfg(0, at + 12, 4);

			assert_true(type >= 1 && type <= 4);
			assert_false(seen[type]);
			seen[type] = true;
			assert_int_equal(bar, 4);
			assert_true(at + len <= 0x100);
			assert_true(offset + length <= BAR_SIZE && offset + length > offset);
			switch (type) {
			case 1:
				assert_int_equal(len, 16);
				assert_int_equal(offset, COMMON);
				assert_true(length >= 0x3c); /* up to queue_reset, as Linux checks */
				break;
			case 2:
				assert_int_equal(len, 20);
				assert_int_equal(offset, NOTIFY);
				assert_int_equal(cfg(0, at + 16, 4), 4); /* notify_off_multiplier */
				/* every queue's address (queue_notify_off q * 4) and its 2 bytes in it */
				assert_true(length >= 4 * (NR_QUEUES - 1) + 2);
				break;
			case 3:
				assert_int_equal(len, 16);
				assert_int_equal(offset, ISR);
				assert_true(length >= 1);
				break;
			case 4:
				assert_int_equal(len, 16);
				assert_int_equal(offset, DEVCFG);
				assert_true(length >= 12);
				break;
			}
		} else {
			assert_int_equal(id, PCI_CAP_ID_MSIX);
			assert_false(msix);
			msix = true;
			assert_int_equal(cfg(0, at + 2, 2), NR_QUEUES + 1 - 1); /* table size - 1; off */
			assert_int_equal(cfg(0, at + 4, 4), TABLE | 4); /* BIR 4 */
			assert_int_equal(cfg(0, at + 8, 4), PBA | 4);
		}
		at = cfg(0, at + 1, 1);
	}
	assert_true(seen[1] && seen[2] && seen[3] && seen[4] && msix);
	/* the table's size is read-only, enable and function mask are kept */
	msix_enable(0, 0xffff);
	assert_int_equal(cfg(0, 0x84 + 2, 2), 0xc000 | NR_QUEUES);
	cfg_write(0, 0x84 + 3, 1, 0x80); /* a byte write of the top half */
	assert_int_equal(cfg(0, 0x84 + 2, 2), 0x8000 | NR_QUEUES);
	cfg_write(0, 0x84, 4, 0);
	assert_int_equal(cfg(0, 0x84, 4), PCI_CAP_ID_MSIX | cfg(0, 0x85, 1) << 8 | NR_QUEUES << 16);
}

static void test_bar4(void **state)
{
	(void)state;
	assert_int_equal(nr_ranges, 1);
	assert_int_equal(ranges[0].base, WINDOW);
	assert_int_equal(ranges[0].size, BAR_SIZE);
	assert_int_equal(ranges[0].sizes, 1 | 2 | 4 | 8);
	/* 64-bit, prefetchable, where the core put it */
	assert_int_equal(cfg(0, PCI_BAR0 + 16, 4), (uint32_t)WINDOW | 0xc);
	assert_int_equal(cfg(0, PCI_BAR0 + 20, 4), (uint32_t)(WINDOW >> 32));
	for (unsigned int b = 0; b < 4; b++)
		assert_int_equal(cfg(0, PCI_BAR0 + 4 * b, 4), 0);
	/* sizing, each half as Linux's __pci_read_base() does it: 32 KiB */
	cfg_write(0, PCI_BAR0 + 16, 4, 0xffffffffu);
	assert_int_equal(cfg(0, PCI_BAR0 + 16, 4), 0xffff8000u | 0xc);
	cfg_write(0, PCI_BAR0 + 16, 4, (uint32_t)WINDOW | 0xc);
	cfg_write(0, PCI_BAR0 + 20, 4, 0xffffffffu);
	assert_int_equal(cfg(0, PCI_BAR0 + 20, 4), 0xffffffffu);
	cfg_write(0, PCI_BAR0 + 20, 4, (uint32_t)(WINDOW >> 32));
	assert_int_equal(cfg(0, PCI_BAR0 + 16, 4), (uint32_t)WINDOW | 0xc);
	assert_int_equal(cfg(0, PCI_BAR0 + 20, 4), (uint32_t)(WINDOW >> 32));
	/* the other BARs size as none */
	cfg_write(0, PCI_BAR0, 4, 0xffffffffu);
	assert_int_equal(cfg(0, PCI_BAR0, 4), 0);
	/* it cannot be moved: written elsewhere, it reads where it is, and the handlers stay there */
	cfg_write(0, PCI_BAR0 + 16, 4, 0x12340000u);
	cfg_write(0, PCI_BAR0 + 20, 4, 0);
	assert_int_equal(cfg(0, PCI_BAR0 + 16, 4), (uint32_t)WINDOW | 0xc);
	assert_int_equal(cfg(0, PCI_BAR0 + 20, 4), (uint32_t)(WINDOW >> 32));
	cfg_write(0, PCI_BAR0 + 16, 2, 0xffff); /* a partial write sizes nothing */
	assert_int_equal(cfg(0, PCI_BAR0 + 16, 4), (uint32_t)WINDOW | 0xc);
	assert_int_equal(bus->virtio[0].bar, WINDOW);
	assert_int_equal(ld(NUM_QUEUES, 2), NR_QUEUES);
}

/* ---- common configuration ---- */

static void test_feature_handshake(void **state)
{
	(void)state;
	assert_int_equal(ld(DFSELECT, 4), 0);
	assert_int_equal(ld(DF, 4), (uint32_t)DEVICE_FEATURES);
	st(DFSELECT, 1, 4);
	assert_int_equal(ld(DFSELECT, 4), 1);
	assert_int_equal(ld(DF, 4), (uint32_t)(DEVICE_FEATURES >> 32));
	st(DFSELECT, 2, 4);
	assert_int_equal(ld(DF, 4), 0);
	st(DFSELECT, 0xffffffffu, 4);
	assert_int_equal(ld(DF, 4), 0);
	st(DF, 0, 4); /* read-only */
	st(DFSELECT, 0, 4);
	assert_int_equal(ld(DF, 4), (uint32_t)DEVICE_FEATURES);

	/* the driver's features, half by half; a select past them holds nothing */
	st(GFSELECT, 0, 4);
	st(GF, (uint32_t)(F_BLK_SIZE_MAX | F_RING_EVENT_IDX), 4);
	st(GFSELECT, 1, 4);
	st(GF, 1, 4);
	st(GFSELECT, 2, 4);
	st(GF, 0xffffffffu, 4);
	assert_int_equal(ld(GF, 4), 0);
	st(GFSELECT, 0, 4);
	assert_int_equal(ld(GF, 4), (uint32_t)(F_BLK_SIZE_MAX | F_RING_EVENT_IDX));
	st(GFSELECT, 1, 4);
	assert_int_equal(ld(GF, 4), 1);
	assert_int_equal(state_of(0).driver_features, XL_VIRTIO_F_VERSION_1 | F_BLK_SIZE_MAX | F_RING_EVENT_IDX);

	st(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK, 1);
	assert_int_equal(ld(STATUS, 1), S_ACK | S_DRIVER | S_FEATURES_OK);
	/* accepted: fixed from now on */
	st(GFSELECT, 0, 4);
	st(GF, 0, 4);
	assert_int_equal(ld(GF, 4), (uint32_t)(F_BLK_SIZE_MAX | F_RING_EVENT_IDX));
	assert_int_equal(state_of(0).driver_features, XL_VIRTIO_F_VERSION_1 | F_BLK_SIZE_MAX | F_RING_EVENT_IDX);
	st(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK, 1);
	assert_int_equal(ld(STATUS, 1), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	assert_int_equal(state_of(0).status, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

static void test_features_refused(void **state)
{
	(void)state;
	/* without VERSION_1: FEATURES_OK reads back cleared */
	negotiate(F_BLK_SIZE_MAX);
	assert_int_equal(ld(STATUS, 1), S_ACK | S_DRIVER);
	assert_int_equal(state_of(0).status, S_ACK | S_DRIVER);
	/* a feature the device does not offer */
	negotiate(XL_VIRTIO_F_VERSION_1 | 1ULL << 5);
	assert_int_equal(ld(STATUS, 1), S_ACK | S_DRIVER);
	negotiate(XL_VIRTIO_F_VERSION_1 | 1ULL << 40);
	assert_int_equal(ld(STATUS, 1), S_ACK | S_DRIVER);
	/* refused, the driver may still change them and try again (before it fails the device) */
	st(GFSELECT, 1, 4);
	st(GF, 1, 4);
	st(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK, 1);
	assert_int_equal(ld(STATUS, 1), S_ACK | S_DRIVER | S_FEATURES_OK);
	/* exactly VERSION_1 is a subset */
	negotiate(XL_VIRTIO_F_VERSION_1);
	assert_int_equal(ld(STATUS, 1), S_ACK | S_DRIVER | S_FEATURES_OK);
	/* all the device offers */
	negotiate(DEVICE_FEATURES);
	assert_int_equal(ld(STATUS, 1), S_ACK | S_DRIVER | S_FEATURES_OK);
	assert_int_equal(state_of(0).driver_features, DEVICE_FEATURES);
}

static void test_queue_setup(void **state)
{
	struct xl_virtio_op s;

	(void)state;
	negotiate(DEVICE_FEATURES);
	assert_int_equal(ld(NUM_QUEUES, 2), NR_QUEUES);
	for (uint16_t q = 0; q < NR_QUEUES; q++) {
		st(Q_SELECT, q, 2);
		assert_int_equal(ld(Q_SELECT, 2), q);
		assert_int_equal(ld(Q_SIZE, 2), QUEUE_MAX);
		assert_int_equal(ld(Q_MSIX, 2), 0xffff);
		assert_int_equal(ld(Q_ENABLE, 2), 0);
		assert_int_equal(ld(Q_NOTIFY_OFF, 2), q);
	}
	/* a queue past the last: size 0 (Linux stops there), writes go nowhere */
	st(Q_SELECT, NR_QUEUES, 2);
	assert_int_equal(ld(Q_SIZE, 2), 0);
	st(Q_SIZE, 16, 2);
	st(Q_ENABLE, 1, 2);
	st(Q_MSIX, 1, 2);
	st(Q_DESC, 0x5000, 4);
	assert_int_equal(ld(Q_SIZE, 2), 0);
	assert_int_equal(ld(Q_ENABLE, 2), 0);
	assert_int_equal(ld(Q_MSIX, 2), 0xffff);
	assert_int_equal(ld(Q_DESC, 4), 0);
	st(Q_SELECT, 0xffff, 2);
	assert_int_equal(ld(Q_SIZE, 2), 0);

	st(Q_SELECT, 1, 2);
	/* the size: at most the maximum, not 0, a power of two (xl_virtio_queue's promise) */
	st(Q_SIZE, 512, 2);
	assert_int_equal(ld(Q_SIZE, 2), QUEUE_MAX);
	st(Q_SIZE, 0, 2);
	assert_int_equal(ld(Q_SIZE, 2), QUEUE_MAX);
	st(Q_SIZE, 100, 2);
	assert_int_equal(ld(Q_SIZE, 2), QUEUE_MAX);
	st(Q_SIZE, 64, 2);
	assert_int_equal(ld(Q_SIZE, 2), 64);
	/* the vector: one of the table's, else none */
	st(Q_MSIX, NR_QUEUES, 2);
	assert_int_equal(ld(Q_MSIX, 2), NR_QUEUES);
	st(Q_MSIX, NR_QUEUES + 1, 2);
	assert_int_equal(ld(Q_MSIX, 2), 0xffff);
	st(Q_MSIX, 2, 2);
	st(MSIX_CONFIG, 0, 2);
	assert_int_equal(ld(MSIX_CONFIG, 2), 0);
	st(MSIX_CONFIG, 9, 2);
	assert_int_equal(ld(MSIX_CONFIG, 2), 0xffff);
	/* the rings' addresses as two halves */
	st(Q_DESC, 0x12345000, 4);
	st(Q_DESC + 4, 0x1, 4);
	st(Q_DRIVER, 0x22346000, 4);
	st(Q_DRIVER + 4, 0x2, 4);
	st(Q_DEVICE, 0x32347000, 4);
	st(Q_DEVICE + 4, 0x3, 4);
	assert_int_equal(ld(Q_DESC, 4), 0x12345000);
	assert_int_equal(ld(Q_DESC + 4, 4), 1);
	assert_int_equal(ld(Q_DRIVER, 4), 0x22346000);
	assert_int_equal(ld(Q_DEVICE + 4, 4), 3);
	/* enable: 1 only */
	st(Q_ENABLE, 2, 2);
	assert_int_equal(ld(Q_ENABLE, 2), 0);
	st(Q_ENABLE, 1, 2);
	assert_int_equal(ld(Q_ENABLE, 2), 1);
	/* its setup is fixed once enabled */
	st(Q_SIZE, 32, 2);
	st(Q_DESC, 0x9000, 4);
	st(Q_DRIVER + 4, 0x9, 4);
	st(Q_DEVICE, 0x9000, 4);
	st(Q_ENABLE, 0, 2);
	assert_int_equal(ld(Q_SIZE, 2), 64);
	assert_int_equal(ld(Q_DESC, 4), 0x12345000);
	assert_int_equal(ld(Q_DRIVER + 4, 4), 2);
	assert_int_equal(ld(Q_DEVICE, 4), 0x32347000);
	assert_int_equal(ld(Q_ENABLE, 2), 1);
	/* queue 0 untouched */
	st(Q_SELECT, 0, 2);
	assert_int_equal(ld(Q_SIZE, 2), QUEUE_MAX);
	assert_int_equal(ld(Q_DESC, 4), 0);

	s = state_of(0);
	assert_int_equal(s.queues[1].size, 64);
	assert_int_equal(s.queues[1].enabled, 1);
	assert_int_equal(s.queues[1].msix_vector, 2);
	assert_int_equal(s.queues[1].desc, 0x112345000ULL);
	assert_int_equal(s.queues[1].driver, 0x222346000ULL);
	assert_int_equal(s.queues[1].device, 0x332347000ULL);
	assert_int_equal(s.queues[0].size, QUEUE_MAX);
	assert_int_equal(s.queues[0].enabled, 0);
	assert_int_equal(s.queues[0].msix_vector, 0xffff);
	for (unsigned int q = NR_QUEUES; q < XL_VIRTIO_MAX_QUEUES; q++)
		assert_int_equal(s.queues[q].enabled, 0);
}

/* Loads and stores of every width at every aligned place of the common configuration. */
static void test_access_widths(void **state)
{
	(void)state;
	/* a 2-byte store at 0x14 covers status and the read-only config_generation */
	st(STATUS, 0xab00 | S_ACK, 2);
	assert_int_equal(ld(STATUS, 1), S_ACK);
	assert_int_equal(ld(CONFIG_GEN, 1), 0);
	assert_int_equal(ld(STATUS, 2), S_ACK);
	/* 4 bytes at 0x14: status, config_generation, queue_select */
	st(STATUS, 1u << 16 | 0xcd00 | S_ACK | S_DRIVER, 4);
	assert_int_equal(ld(STATUS, 1), S_ACK | S_DRIVER);
	assert_int_equal(ld(Q_SELECT, 2), 1);
	assert_int_equal(ld(STATUS, 4), 1u << 16 | S_ACK | S_DRIVER);
	/* 8 bytes at 0x10: msix_config, num_queues, status, generation, queue_select */
	st(MSIX_CONFIG, 1, 2);
	assert_int_equal(ld(MSIX_CONFIG, 8),
			 1 | (uint64_t)NR_QUEUES << 16 | (uint64_t)(S_ACK | S_DRIVER) << 32 | 1ULL << 48);
	/* num_queues is read-only, byte by byte too */
	st(NUM_QUEUES, 7, 2);
	st(NUM_QUEUES + 1, 7, 1);
	assert_int_equal(ld(NUM_QUEUES, 1), NR_QUEUES);
	assert_int_equal(ld(NUM_QUEUES + 1, 1), 0);
	/* bytes of the device features */
	assert_int_equal(ld(DF + 3, 1), (uint8_t)(DEVICE_FEATURES >> 24));
	assert_int_equal(ld(DF + 2, 2), (uint16_t)(DEVICE_FEATURES >> 16));
	/* 8 bytes at 0x00: device_feature_select and the features it selects */
	assert_int_equal(ld(DFSELECT, 8), (uint64_t)(uint32_t)DEVICE_FEATURES << 32);
	/* a 2-byte store into the top half of driver_feature merges with the rest */
	st(GFSELECT, 0, 4);
	st(GF, 0x11223344, 4);
	st(GF + 2, 0xaabb, 2);
	assert_int_equal(ld(GF, 4), 0xaabb3344);
	st(GF + 1, 0x55, 1);
	assert_int_equal(ld(GF, 4), 0xaabb5544);
	/* an 8-byte store: two fields, driver_feature_select then driver_feature */
	st(GFSELECT, (uint64_t)0x01020304 << 32 | 1, 8);
	assert_int_equal(ld(GFSELECT, 4), 1);
	assert_int_equal(ld(GF, 4), 0x01020304);
	/* queue 1's rings by 8-byte stores and loads */
	st(Q_SELECT, 1, 2);
	st(Q_DESC, 0x0000000712340000ULL, 8);
	assert_int_equal(ld(Q_DESC, 8), 0x0000000712340000ULL);
	assert_int_equal(ld(Q_DESC + 4, 4), 7);
	st(Q_DESC + 1, 0x56, 1);
	assert_int_equal(ld(Q_DESC, 8), 0x0000000712345600ULL);
	st(Q_DESC + 6, 0x0102, 2);
	assert_int_equal(ld(Q_DESC, 8), 0x0102000712345600ULL);
	st(Q_DRIVER, 0x1111222233334444ULL, 8);
	st(Q_DEVICE, 0x5555666677778888ULL, 8);
	assert_int_equal(ld(Q_DRIVER + 4, 4), 0x11112222);
	assert_int_equal(ld(Q_DEVICE, 8), 0x5555666677778888ULL);
	/* 4 bytes at 0x18: size and vector; 8 at 0x18: size, vector, enable, notify_off */
	st(Q_SIZE, (uint32_t)1 << 16 | 32, 4);
	assert_int_equal(ld(Q_SIZE, 2), 32);
	assert_int_equal(ld(Q_MSIX, 2), 1);
	assert_int_equal(ld(Q_SIZE, 8), 32 | 1ULL << 16 | 0ULL << 32 | 1ULL << 48);
	/* 4 bytes at 0x1c: enable, and the read-only notify_off */
	st(Q_ENABLE, 0x00090001, 4);
	assert_int_equal(ld(Q_ENABLE, 4), 1 | 1u << 16);
	assert_int_equal(state_of(0).queues[1].desc, 0x0102000712345600ULL);
	assert_int_equal(state_of(0).queues[1].size, 32);
	/* an 8-byte store at 0x10: msix_config, (num_queues), status, (generation), queue_select */
	st(MSIX_CONFIG, 0x0000ab0300050002ULL, 8);
	assert_int_equal(ld(MSIX_CONFIG, 2), 2);
	assert_int_equal(ld(NUM_QUEUES, 2), NR_QUEUES);
	assert_int_equal(ld(STATUS, 1), S_ACK | S_DRIVER);
	assert_int_equal(ld(CONFIG_GEN, 1), 0);
	assert_int_equal(ld(Q_SELECT, 2), 0);
	assert_int_equal(ld(Q_SIZE, 2), QUEUE_MAX);
	/* the tail of the common configuration and past it: 0, stores go nowhere */
	assert_int_equal(ld(0x38, 8), 0);
	st(0x38, ~0ULL, 8);
	assert_int_equal(ld(0x38, 8), 0);
	assert_int_equal(ld(0x40, 4), 0);
	st(0x40, 0xffffffffu, 4);
	assert_int_equal(ld(0xff8, 8), 0);
	/* the ISR: nothing to say (no INTx) */
	assert_int_equal(ld(ISR, 1), 0);
	assert_int_equal(ld(ISR, 4), 0);
	/* what the device holds is as before */
	assert_int_equal(ld(STATUS, 1), S_ACK | S_DRIVER);
	assert_int_equal(ld(NUM_QUEUES, 2), NR_QUEUES);
}

static void test_device_config(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 12; i++)
		assert_int_equal(ld(DEVCFG + i, 1), 0xa0 + i);
	assert_int_equal(ld(DEVCFG + 2, 2), 0xa3a2);
	assert_int_equal(ld(DEVCFG + 4, 4), 0xa7a6a5a4);
	assert_int_equal(ld(DEVCFG, 8), 0xa7a6a5a4a3a2a1a0ULL);
	/* past config_len: 0, even inside one load */
	assert_int_equal(ld(DEVCFG + 8, 8), 0xabaaa9a8ULL);
	assert_int_equal(ld(DEVCFG + 12, 1), 0);
	assert_int_equal(ld(DEVCFG + 12, 4), 0);
	assert_int_equal(ld(DEVCFG + 16, 8), 0);
	assert_int_equal(ld(DEVCFG + 0xff8, 8), 0);
	/* the driver cannot write it */
	st(DEVCFG, 0, 8);
	st(DEVCFG + 1, 0, 1);
	assert_int_equal(ld(DEVCFG, 8), 0xa7a6a5a4a3a2a1a0ULL);
	assert_int_equal(nr_notes, 0);
	/* config_generation: fixed */
	assert_int_equal(ld(CONFIG_GEN, 1), 0);
}

static void test_notify(void **state)
{
	(void)state;
	/* Linux: iowrite16(queue index, base + queue_notify_off * multiplier) */
	st(NOTIFY + 4 * 1, 1, 2);
	assert_int_equal(nr_notes, 1);
	assert_ptr_equal(notes[0].d, &dom);
	assert_int_equal(notes[0].port, 11);
	st(NOTIFY, 0, 2);
	assert_int_equal(nr_notes, 2);
	assert_int_equal(notes[1].port, 10);
	/* any width within the queue's 4 bytes, any value */
	st(NOTIFY + 2, 0xffff, 2);
	st(NOTIFY + 4, 0xdeadbeef, 4);
	st(NOTIFY + 7, 0, 1);
	assert_int_equal(nr_notes, 5);
	assert_int_equal(notes[2].port, 10);
	assert_int_equal(notes[3].port, 11);
	assert_int_equal(notes[4].port, 11);
	/* beyond the queues: nothing */
	st(NOTIFY + 4 * NR_QUEUES, 2, 2);
	st(NOTIFY + 4 * XL_VIRTIO_MAX_QUEUES, 0, 4);
	st(NOTIFY + 0xffc, 0, 4);
	st(NOTIFY - 4, 0, 4);
	assert_int_equal(nr_notes, 5);
	/* loads there read 0 and notify nothing */
	assert_int_equal(ld(NOTIFY, 2), 0);
	assert_int_equal(nr_notes, 5);
	/* a status write tells the back-end (on queue 0's port); other common writes do not */
	st(Q_SELECT, 1, 2);
	st(GF, 1, 4);
	assert_int_equal(nr_notes, 5);
	st(STATUS, S_ACK, 1);
	assert_int_equal(nr_notes, 6);
	assert_int_equal(notes[5].port, 10);
}

static void test_reset(void **state)
{
	struct xl_virtio_op s;

	(void)state;
	assert_int_equal(state_of(0).reset_count, 0);
	assert_int_equal(ld(STATUS, 1), 0); /* no reset waited for at the start */
	negotiate(DEVICE_FEATURES); /* reset number 1, answered */
	st(MSIX_CONFIG, 0, 2);
	queue_setup(0, 1);
	queue_setup(1, 2);
	st(Q_SELECT, 1, 2);
	st(STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK, 1);
	s = state_of(0);
	assert_int_equal(s.reset_count, 1);
	assert_int_equal(s.status, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	assert_int_equal(s.driver_features, DEVICE_FEATURES);
	assert_int_equal(s.queues[0].enabled, 1);
	assert_int_equal(s.queues[0].msix_vector, 1);
	assert_int_equal(s.queues[0].size, 64);
	assert_int_equal(s.queues[0].desc, 0x100100000ULL);
	assert_int_equal(s.queues[1].driver, 0x114000ULL);

	/* status 0: everything back as it was, one more reset */
	nr_notes = 0;
	st(STATUS, 0, 1);
	assert_int_equal(nr_notes, 1); /* the back-end is told */
	s = state_of(0);
	assert_int_equal(s.reset_count, 2);
	assert_int_equal(s.status, 0);
	assert_int_equal(s.driver_features, 0);
	for (unsigned int q = 0; q < XL_VIRTIO_MAX_QUEUES; q++) {
		assert_int_equal(s.queues[q].size, QUEUE_MAX);
		assert_int_equal(s.queues[q].enabled, 0);
		assert_int_equal(s.queues[q].msix_vector, 0xffff);
		assert_int_equal(s.queues[q].desc | s.queues[q].driver | s.queues[q].device, 0);
	}
	assert_int_equal(ld(Q_SELECT, 2), 0);
	assert_int_equal(ld(MSIX_CONFIG, 2), 0xffff);
	assert_int_equal(ld(Q_MSIX, 2), 0xffff);
	st(GFSELECT, 1, 4);
	assert_int_equal(ld(GF, 4), 0);
	/* until the back-end says it dropped the queues, the driver's wait for 0 goes on */
	assert_true(ld(STATUS, 1) != 0);
	assert_true(ld(MSIX_CONFIG, 8) >> 32 & 0xff);
	now_us += 999999;
	assert_true(ld(STATUS, 1) != 0);
	assert_int_equal(arch_virtio_reset_done(&dom, 0, 1), -EINVAL); /* an older reset */
	assert_int_equal(arch_virtio_reset_done(&dom, 0, 3), -EINVAL);
	assert_true(ld(STATUS, 1) != 0);
	assert_int_equal(arch_virtio_reset_done(&dom, 1, 2), -ENOENT);
	assert_int_equal(arch_virtio_reset_done(&dom, 0, 2), 0);
	assert_int_equal(ld(STATUS, 1), 0);
	assert_int_equal(arch_virtio_reset_done(&dom, 0, 2), 0); /* again: no harm */
	assert_int_equal(ld(STATUS, 1), 0);

	/* a back-end that never answers: not waited for after a second */
	st(STATUS, 0, 1);
	assert_int_equal(state_of(0).reset_count, 3);
	now_us += 999999;
	assert_true(ld(STATUS, 1) != 0);
	now_us += 1;
	assert_int_equal(ld(STATUS, 1), 0);
	assert_int_equal(ld(STATUS, 1), 0);
	/* its late answer is still taken */
	assert_int_equal(arch_virtio_reset_done(&dom, 0, 3), 0);
	assert_int_equal(ld(STATUS, 1), 0);
	/* a status written during the wait is what the driver wrote */
	st(STATUS, 0, 1);
	st(STATUS, S_ACK, 1);
	assert_int_equal(state_of(0).status, S_ACK);
	assert_int_equal(arch_virtio_reset_done(&dom, 0, 4), 0);
	assert_int_equal(ld(STATUS, 1), S_ACK);
}

static void test_state_and_requests_checked(void **state)
{
	struct xl_virtio_op s;

	(void)state;
	s = state_of(0);
	assert_int_equal(s.driver_features, 0);
	assert_int_equal(s.status, 0);
	assert_int_equal(s.reset_count, 0);
	assert_int_equal(s.queues[0].size, QUEUE_MAX);
	assert_int_equal(s.queues[0].msix_vector, 0xffff);
	/* STATE writes only its answer: the request's fields are dom0's */
	assert_int_equal(s.op, 0xeeeeeeeeu);
	assert_int_equal(s.device_id, 0xeeeeeeeeu);
	assert_int_equal(arch_virtio_state(&dom, 1, &s), -ENOENT);
	assert_int_equal(arch_virtio_state(&dom, ~0u, &s), -ENOENT);
	assert_int_equal(arch_virtio_reset_done(&dom, XL_VIRTIO_MAX_DEVICES, 0), -ENOENT);
	/* a domain without a bus */
	dom.arch.guest_pci = NULL;
	assert_int_equal(arch_virtio_state(&dom, 0, &s), -ENOENT);
	assert_int_equal(arch_virtio_reset_done(&dom, 0, 0), -ENOENT);
	arch_virtio_interrupt(&dom, 10);
	assert_int_equal(nr_raises, 0);
	{
		struct xl_virtio_op op = block_op();

		assert_int_equal(arch_virtio_add(&dom, &op, WINDOW, &ops), -ENODEV);
	}
	dom.arch.guest_pci = bus;
}

static void test_add_limits(void **state)
{
	struct xl_virtio_op op = block_op();

	(void)state;
	/* the registration refused: no device */
	register_error = -ENOSPC;
	op.ports[0] = 20;
	op.ports[1] = 21;
	assert_int_equal(arch_virtio_add(&dom, &op, WINDOW, &ops), -ENOSPC);
	assert_int_equal(bus->nr_virtio, 1);
	register_error = 0;
	for (unsigned int i = 1; i < XL_VIRTIO_MAX_DEVICES; i++) {
		op.ports[0] = 20 + 2 * i;
		op.ports[1] = 21 + 2 * i;
		assert_int_equal(arch_virtio_add(&dom, &op, WINDOW, &ops), (int)i);
		assert_int_equal(ranges[i].base, WINDOW + i * BAR_SIZE);
	}
	assert_int_equal(arch_virtio_add(&dom, &op, WINDOW, &ops), -ENOSPC);
	assert_int_equal(bus->nr_virtio, XL_VIRTIO_MAX_DEVICES);
	assert_int_equal(nr_ranges, XL_VIRTIO_MAX_DEVICES);
}

/* ---- MSI-X ---- */

static void test_msix_delivery(void **state)
{
	(void)state;
	/* after reset: every entry masked, nothing pending */
	for (unsigned int vec = 0; vec <= NR_QUEUES; vec++)
		assert_int_equal(ld(TABLE + 16 * vec + 12, 4), 1);
	assert_int_equal(ld(PBA, 8), 0);
	negotiate(DEVICE_FEATURES);
	queue_setup(0, 1);
	queue_setup(1, 2);
	msix_entry(1, 5, 0x41); /* vCPU 0 */
	msix_entry(2, 7, 0x42); /* vCPU 1 */
	assert_int_equal(ld(TABLE + 16 + 8, 4), 0x41);
	assert_int_equal(ld(TABLE + 16, 8), 0xfee05000ULL);
	assert_int_equal(ld(TABLE + 16 + 8, 8), 0x41);
	msix_enable(0, 0x8000);
	assert_int_equal(nr_raises, 0);

	arch_virtio_interrupt(&dom, 10);
	assert_int_equal(nr_raises, 1);
	assert_ptr_equal(raises[0].v, &vcpus[0]);
	assert_int_equal(raises[0].vector, 0x41);
	arch_virtio_interrupt(&dom, 11);
	assert_int_equal(nr_raises, 2);
	assert_ptr_equal(raises[1].v, &vcpus[1]);
	assert_int_equal(raises[1].vector, 0x42);
	/* each notification is an interrupt (MSI-X does not coalesce) */
	arch_virtio_interrupt(&dom, 10);
	arch_virtio_interrupt(&dom, 10);
	assert_int_equal(nr_raises, 4);
	/* a port no device has, or the config vector's: nothing */
	arch_virtio_interrupt(&dom, 12);
	arch_virtio_interrupt(&dom, 0);
	arch_virtio_interrupt(&dom, ~0u);
	assert_int_equal(nr_raises, 4);
	assert_int_equal(ld(PBA, 8), 0);
	/* a queue with no vector: nothing, nothing pending */
	st(Q_SELECT, 0, 2);
	st(Q_MSIX, 0xffff, 2);
	arch_virtio_interrupt(&dom, 10);
	assert_int_equal(nr_raises, 4);
	assert_int_equal(ld(PBA, 8), 0);
	/* moved to another entry (Linux may change it after enable, e.g. on affinity change) */
	st(Q_MSIX, 2, 2);
	arch_virtio_interrupt(&dom, 10);
	assert_int_equal(nr_raises, 5);
	assert_int_equal(raises[4].vector, 0x42);
	/* an 8-byte store of an entry's address */
	st(TABLE + 16 * 2, 0xfee05000ULL, 8);
	arch_virtio_interrupt(&dom, 11);
	assert_int_equal(nr_raises, 6);
	assert_ptr_equal(raises[5].v, &vcpus[0]);
	/* lowest priority is taken as fixed */
	st(TABLE + 16 * 2 + 8, 0x100 | 0x43, 4);
	arch_virtio_interrupt(&dom, 11);
	assert_int_equal(nr_raises, 7);
	assert_int_equal(raises[6].vector, 0x43);
}

static void test_msix_masking(void **state)
{
	(void)state;
	queue_setup(0, 1);
	msix_entry(1, 7, 0x50);
	/* MSI-X not enabled yet: held */
	arch_virtio_interrupt(&dom, 10);
	assert_int_equal(nr_raises, 0);
	assert_int_equal(ld(PBA, 8), 1u << 1);
	arch_virtio_interrupt(&dom, 10);
	assert_int_equal(ld(PBA, 4), 1u << 1);
	msix_enable(0, 0x8000);
	assert_int_equal(nr_raises, 1); /* once */
	assert_ptr_equal(raises[0].v, &vcpus[1]);
	assert_int_equal(raises[0].vector, 0x50);
	assert_int_equal(ld(PBA, 8), 0);
	msix_enable(0, 0x8000);
	assert_int_equal(nr_raises, 1);

	/* the entry masked */
	st(TABLE + 16 + 12, 1, 4);
	arch_virtio_interrupt(&dom, 10);
	arch_virtio_interrupt(&dom, 10);
	assert_int_equal(nr_raises, 1);
	assert_int_equal(ld(PBA, 8), 1u << 1);
	st(PBA, 0, 8); /* read-only */
	assert_int_equal(ld(PBA, 8), 1u << 1);
	st(TABLE + 16 + 12, 0, 4);
	assert_int_equal(nr_raises, 2);
	assert_int_equal(raises[1].vector, 0x50);
	assert_int_equal(ld(PBA, 8), 0);
	st(TABLE + 16 + 12, 0, 4);
	st(TABLE + 16 + 8, 0x50, 4);
	assert_int_equal(nr_raises, 2);

	/* the function masked */
	msix_enable(0, 0xc000);
	arch_virtio_interrupt(&dom, 10);
	assert_int_equal(nr_raises, 2);
	assert_int_equal(ld(PBA, 8), 1u << 1);
	/* another entry's unmasking does not release it */
	msix_entry(2, 5, 0x51);
	assert_int_equal(nr_raises, 2);
	msix_enable(0, 0x8000);
	assert_int_equal(nr_raises, 3);
	assert_int_equal(ld(PBA, 8), 0);
	/* released where the entry points when it goes, with its vector */
	st(TABLE + 16 + 12, 1, 4);
	arch_virtio_interrupt(&dom, 10);
	st(TABLE + 16, 0xfee05000u, 4);
	st(TABLE + 16 + 8, 0x52, 4);
	assert_int_equal(nr_raises, 3);
	st(TABLE + 16 + 12, 0, 4);
	assert_int_equal(nr_raises, 4);
	assert_ptr_equal(raises[3].v, &vcpus[0]);
	assert_int_equal(raises[3].vector, 0x52);
	/* MSI-X disabled again: held again */
	msix_enable(0, 0);
	arch_virtio_interrupt(&dom, 10);
	assert_int_equal(nr_raises, 4);
	msix_enable(0, 0x8000);
	assert_int_equal(nr_raises, 5);
}

static void test_msix_bad_messages(void **state)
{
	static const struct {
		uint32_t addr_lo, addr_hi, data;
	} bad[] = {
		{ 0xfee09000u, 0, 0x60 }, /* APIC id 9: not one of the guest's */
		{ 0xfee03000u, 0, 0x60 }, /* APIC id 3: another domain's CPU */
		{ 0xfee05000u, 0, 0x1f }, /* vector < 32 */
		{ 0xfee05000u, 0, 0x02 },
		{ 0xfee05000u, 0, 0x200 | 0x60 }, /* SMI */
		{ 0xfee05000u, 0, 0x400 | 0x60 }, /* NMI */
		{ 0xfee05000u, 0, 0x500 | 0x60 }, /* INIT */
		{ 0xfee05000u, 0, 0x700 | 0x60 }, /* ExtINT */
		{ 0xfee05000u, 1, 0x60 }, /* above 4 GiB */
		{ 0xfed05000u, 0, 0x60 }, /* not the interrupt window */
		{ 0xfee05004u, 0, 0x60 }, /* logical destination 5 */
		{ 0xfee05000u, 0, 0x8000 | 0x60 }, /* level-triggered */
		{ 0xfee05020u, 0, 0x60 }, /* extended destination bits: APIC id 0x105 */
	};

	(void)state;
	queue_setup(0, 0);
	msix_enable(0, 0x8000);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st(TABLE, bad[i].addr_lo, 4);
		st(TABLE + 4, bad[i].addr_hi, 4);
		st(TABLE + 8, bad[i].data, 4);
		st(TABLE + 12, 0, 4);
		arch_virtio_interrupt(&dom, 10);
		if (nr_raises)
			fail_msg("message %u (%#x:%#x/%#x) raised vector %#x", i, bad[i].addr_hi, bad[i].addr_lo,
				 bad[i].data, raises[0].vector);
		assert_int_equal(ld(PBA, 8), 0); /* dropped, not held */
	}
	/* the same entry, good: raised */
	msix_entry(0, 5, 0x60);
	arch_virtio_interrupt(&dom, 10);
	assert_int_equal(nr_raises, 1);
}

static void test_msix_table_bounds(void **state)
{
	(void)state;
	/* entries past the table's size read 0 and take no writes */
	st(TABLE + 16 * (NR_QUEUES + 1), 0xfee05000u, 4);
	st(TABLE + 16 * (NR_QUEUES + 1) + 8, 0x40, 4);
	assert_int_equal(ld(TABLE + 16 * (NR_QUEUES + 1), 8), 0);
	assert_int_equal(ld(TABLE + 16 * (GUEST_VIRTIO_MSIX - 1) + 8, 4), 0);
	assert_int_equal(ld(TABLE + 0xff8, 8), 0);
	st(TABLE + 0xff8, ~0ULL, 8);
	assert_int_equal(ld(PBA + 8, 8), 0);
	assert_int_equal(ld(BAR_SIZE - 8, 8), 0);
	st(BAR_SIZE - 8, ~0ULL, 8);
	/* the last entry in the table */
	st(TABLE + 16 * NR_QUEUES + 8, 0x77, 4);
	assert_int_equal(ld(TABLE + 16 * NR_QUEUES + 8, 4), 0x77);
	assert_int_equal(ld(TABLE + 16 * NR_QUEUES + 12, 4), 1);
	for (unsigned int vec = NR_QUEUES + 1; vec < GUEST_VIRTIO_MSIX; vec++)
		assert_int_equal(bus->virtio[0].msix[vec].data, 0);
	assert_int_equal(nr_raises + nr_notes, 0);
}

/* ---- two devices ---- */

static void test_two_devices(void **state)
{
	struct xl_virtio_op net = { .op = XL_VIRTIO_ADD, .device_id = 1, .nr_queues = 1, .queue_max = 1024,
				    .config_len = 6, .ports = { 30 },
				    .device_features = XL_VIRTIO_F_VERSION_1 | 1ULL << 5 };

	(void)state;
	memcpy(net.config, "\x52\x54\x00\x12\x34\x56", 6);
	assert_int_equal(arch_virtio_add(&dom, &net, WINDOW, &ops), 1);
	assert_int_equal(nr_ranges, 2);
	assert_int_equal(ranges[1].base, WINDOW + BAR_SIZE);
	assert_int_equal(ranges[1].size, BAR_SIZE);
	assert_int_equal(cfg(1, 0, 4), 0x1af4 | 0x1041u << 16);
	assert_int_equal(cfg(1, PCI_CLASS_REVISION + 1, 4) & 0xffffff, 0x020000); /* network */
	assert_int_equal(cfg(1, PCI_BAR0 + 16, 4), (uint32_t)(WINDOW + BAR_SIZE) | 0xc);
	assert_int_equal(cfg(1, 0x84 + 2, 2), 1); /* two vectors */
	assert_int_equal(cfg(0, 0x84 + 2, 2), NR_QUEUES);
	assert_int_equal(ld_at(1, NUM_QUEUES, 2), 1);
	assert_int_equal(ld_at(1, DF, 4), 1u << 5);
	assert_int_equal(ld_at(1, Q_SIZE, 2), 1024);
	assert_int_equal(ld_at(1, DEVCFG, 8) & 0xffffffffffffULL, 0x563412005452ULL);
	/* each device's registers its own */
	st_at(1, STATUS, S_ACK, 1);
	assert_int_equal(ld_at(1, STATUS, 1), S_ACK);
	assert_int_equal(ld_at(0, STATUS, 1), 0);
	assert_int_equal(state_of(1).status, S_ACK);
	assert_int_equal(state_of(0).status, 0);
	nr_notes = 0;
	st_at(1, NOTIFY, 0, 2);
	st_at(1, NOTIFY + 4, 0, 2); /* its second queue: none */
	st_at(0, NOTIFY + 4, 1, 2);
	assert_int_equal(nr_notes, 2);
	assert_int_equal(notes[0].port, 30);
	assert_int_equal(notes[1].port, 11);
	/* interrupts by port, to each device's entries */
	st_at(1, Q_MSIX, 1, 2);
	st_at(1, TABLE + 16, 0xfee07000u, 4);
	st_at(1, TABLE + 16 + 8, 0x70, 4);
	st_at(1, TABLE + 16 + 12, 0, 4);
	msix_enable(1, 0x8000);
	arch_virtio_interrupt(&dom, 10); /* device 0: no vector yet */
	assert_int_equal(nr_raises, 0);
	arch_virtio_interrupt(&dom, 30);
	assert_int_equal(nr_raises, 1);
	assert_ptr_equal(raises[0].v, &vcpus[1]);
	assert_int_equal(raises[0].vector, 0x70);
	/* device 0's function mask does not hold device 1's */
	msix_enable(0, 0xc000);
	arch_virtio_interrupt(&dom, 30);
	assert_int_equal(nr_raises, 2);
	/* device 1's reset is its own */
	st_at(1, STATUS, 0, 1);
	assert_int_equal(state_of(1).reset_count, 1);
	assert_int_equal(state_of(0).reset_count, 0);
	assert_true(ld_at(1, STATUS, 1) != 0);
	assert_int_equal(ld_at(0, STATUS, 1), 0);
	assert_int_equal(arch_virtio_reset_done(&dom, 0, 1), -EINVAL);
	assert_int_equal(arch_virtio_reset_done(&dom, 1, 1), 0);
	assert_int_equal(ld_at(1, STATUS, 1), 0);
	/* an address just past the second BAR is neither's */
	assert_int_equal(ranges[1].load(&vcpus[0], gpa_init(WINDOW + 2 * BAR_SIZE), 4, NULL) & 0xffffffffu, 0xffffffffu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capabilities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bar4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feature_handshake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_features_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_setup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_widths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_and_requests_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msix_delivery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msix_masking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msix_bad_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msix_table_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_devices, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
