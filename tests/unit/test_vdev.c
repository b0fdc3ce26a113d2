/*
 * Host tests for the per-domain device registry (arch/x86_64/emul/vdev.c):
 * port ranges recorded and intercepted, accesses handed to the device whose
 * range they touch, MMIO ranges made read-only and their decoded stores
 * routed, poll functions called, and refused accesses logged only up to
 * VDEV_LOG_DENIALS per domain. The vendor engine is a recorder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "log_capture.h"

#include <arch/emul.h>
#include <arch/vdev.h>
#include <arch/vmm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>

/* ---- the vendor engine: records what the registry asks of it ---- */

static struct {
	unsigned int calls;
	struct domain *d;
	uint16_t base, count;
} intercepted;

static struct {
	unsigned int calls;
	struct domain *d;
	uint64_t gpa, size;
	unsigned int perms;
	int result;
} protected;

static struct {
	unsigned int calls;
	struct vcpu *v;
	unsigned int bytes;
} advanced;

static void fake_intercept_io(struct domain *d, uint16_t base, uint16_t count)
{
	intercepted.calls++;
	intercepted.d = d;
	intercepted.base = base;
	intercepted.count = count;
}

static int fake_protect(struct domain *d, gpa_t gpa, uint64_t size, unsigned int perms)
{
	protected.calls++;
	protected.d = d;
	protected.gpa = gpa_addr(gpa);
	protected.size = size;
	protected.perms = perms;
	return protected.result;
}

static void fake_advance_rip(struct vcpu *v, unsigned int bytes)
{
	advanced.calls++;
	advanced.v = v;
	advanced.bytes = bytes;
}

static struct {
	unsigned int calls;
	uint64_t gpa, size;
} unmapped;

static int fake_unmap(struct domain *d, gpa_t gpa, uint64_t size)
{
	unmapped.calls++;
	unmapped.gpa = gpa_addr(gpa);
	unmapped.size = size;
	return 0;
}

static const struct vmm_ops fake_vmm = {
	.name = "fake",
	.protect = fake_protect,
	.unmap = fake_unmap,
	.intercept_io = fake_intercept_io,
	.advance_rip = fake_advance_rip,
};

const struct vmm_ops *vmm = &fake_vmm;

/* ---- the MMIO load decoder and a domain's crash ---- */

static struct {
	unsigned int decoded, completed, crashes;
	bool succeed;
	unsigned int size, length;
	uint64_t value;
} load;

bool vcpu_decode_mmio_load(struct vcpu *v, gpa_t gpa, const char *what, struct mmio_load *out)
{
	load.decoded++;
	if (!load.succeed)
		return false;
	out->insn = (struct load_insn){ .length = load.length, .size = load.size, .reg = 0 };
	return true;
}

void vcpu_complete_mmio_load(struct vcpu *v, const struct mmio_load *l, uint64_t value)
{
	load.completed++;
	load.value = value;
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	load.crashes++;
}

/* ---- the MMIO store decoder (emul/guest_walk.c in the hypervisor) ---- */

static struct {
	unsigned int calls;
	bool succeed;
	uint32_t value;
	unsigned int length, size, sizes;
	uint64_t gpa;
	const char *what;
	bool during_event_delivery;
} decode;

bool vcpu_decode_mmio_store32(struct vcpu *v, gpa_t gpa, const char *what, bool during_event_delivery,
			      uint32_t *value, unsigned int *length)
{
	decode.calls++;
	decode.gpa = gpa_addr(gpa);
	decode.what = what;
	decode.during_event_delivery = during_event_delivery;
	if (!decode.succeed)
		return false;
	*value = decode.value;
	*length = decode.length;
	return true;
}

bool vcpu_decode_mmio_store(struct vcpu *v, gpa_t gpa, const char *what, bool during_event_delivery,
			    unsigned int sizes, struct mmio_store *out)
{
	decode.calls++;
	decode.gpa = gpa_addr(gpa);
	decode.what = what;
	decode.during_event_delivery = during_event_delivery;
	decode.sizes = sizes;
	if (!decode.succeed)
		return false;
	out->value = decode.value;
	out->size = decode.size;
	out->length = decode.length;
	return true;
}

/* ---- devices: handlers that record what reached them ---- */

struct device {
	unsigned int io_calls, mmio_calls, poll_calls;
	struct vcpu *v;
	struct io_access *io;
	uint64_t gpa;
	uint32_t value;
	enum vdev_io_result answer;
};

static enum vdev_io_result device_io(struct vcpu *v, struct io_access *io, void *opaque)
{
	struct device *dev = opaque;

	dev->io_calls++;
	dev->v = v;
	dev->io = io;
	return dev->answer;
}

static void device_mmio_write(struct vcpu *v, gpa_t gpa, uint32_t value, void *opaque)
{
	struct device *dev = opaque;

	dev->mmio_calls++;
	dev->v = v;
	dev->gpa = gpa_addr(gpa);
	dev->value = value;
}

static unsigned int store_size;

static void device_mmio_store(struct vcpu *v, gpa_t gpa, uint64_t value, unsigned int size, void *opaque)
{
	struct device *dev = opaque;

	dev->mmio_calls++;
	dev->v = v;
	dev->gpa = gpa_addr(gpa);
	dev->value = (uint32_t)value;
	store_size = size;
}

static void device_poll(struct vcpu *v, void *opaque)
{
	struct device *dev = opaque;

	dev->poll_calls++;
	dev->v = v;
}

/* ---- a domain with one vCPU, and a second domain ---- */

static struct domain dom, other_dom;
static struct vcpu vcpu, other_vcpu;
static struct device dev_a, dev_b;

static int setup(void **state)
{
	memset(&dom, 0, sizeof(dom));
	memset(&other_dom, 0, sizeof(other_dom));
	memset(&vcpu, 0, sizeof(vcpu));
	memset(&other_vcpu, 0, sizeof(other_vcpu));
	dom.id = 7;
	other_dom.id = 8;
	vcpu.domain = &dom;
	other_vcpu.domain = &other_dom;
	memset(&intercepted, 0, sizeof(intercepted));
	memset(&protected, 0, sizeof(protected));
	memset(&advanced, 0, sizeof(advanced));
	memset(&decode, 0, sizeof(decode));
	memset(&load, 0, sizeof(load));
	memset(&unmapped, 0, sizeof(unmapped));
	memset(&dev_a, 0, sizeof(dev_a));
	memset(&dev_b, 0, sizeof(dev_b));
	dev_a.answer = VDEV_IO_DONE;
	dev_b.answer = VDEV_IO_GP;
	log_capture_reset();
	return 0;
}

static enum vdev_io_result access_ports(uint16_t port, uint8_t size)
{
	struct io_access io = { .port = port, .size = size, .in = true };

	return vdev_io(&vcpu, &io);
}

/* ---- port ranges ---- */

static void test_io_register_records_range_and_intercepts_exactly_it(void **state)
{
	assert_int_equal(vdev_io_register(&dom, 0x3f8, 8, device_io, &dev_a), 0);
	assert_int_equal(dom.arch.vdev.nr_io, 1);
	assert_int_equal(dom.arch.vdev.io[0].base, 0x3f8);
	assert_int_equal(dom.arch.vdev.io[0].count, 8);
	assert_ptr_equal(dom.arch.vdev.io[0].fn, device_io);
	assert_ptr_equal(dom.arch.vdev.io[0].opaque, &dev_a);
	assert_int_equal(intercepted.calls, 1);
	assert_ptr_equal(intercepted.d, &dom);
	assert_int_equal(intercepted.base, 0x3f8);
	assert_int_equal(intercepted.count, 8);
}

static void test_io_register_refuses_empty_range(void **state)
{
	assert_int_equal(vdev_io_register(&dom, 0x80, 0, device_io, &dev_a), -ENOSPC);
	assert_int_equal(dom.arch.vdev.nr_io, 0);
	assert_int_equal(intercepted.calls, 0);
}

static void test_io_register_refuses_range_beyond_last_port(void **state)
{
	assert_int_equal(vdev_io_register(&dom, 0xfff8, 9, device_io, &dev_a), -ENOSPC);
	assert_int_equal(vdev_io_register(&dom, 0xffff, 0xffff, device_io, &dev_a), -ENOSPC);
	assert_int_equal(dom.arch.vdev.nr_io, 0);
	assert_int_equal(intercepted.calls, 0);
	/* ending exactly at the last port is fine */
	assert_int_equal(vdev_io_register(&dom, 0xfff8, 8, device_io, &dev_a), 0);
	assert_int_equal(vdev_io_register(&dom, 0xffff, 1, device_io, &dev_a), 0);
	assert_int_equal(intercepted.calls, 2);
}

static void test_io_register_refuses_when_table_is_full(void **state)
{
	for (unsigned int i = 0; i < VDEV_MAX_IO; i++)
		assert_int_equal(vdev_io_register(&dom, 0x100 + 0x10 * i, 4, device_io, &dev_a), 0);
	assert_int_equal(vdev_io_register(&dom, 0x200, 4, device_io, &dev_a), -ENOSPC);
	assert_int_equal(dom.arch.vdev.nr_io, VDEV_MAX_IO);
	assert_int_equal(intercepted.calls, VDEV_MAX_IO);
	assert_int_equal(intercepted.base, 0x100 + 0x10 * (VDEV_MAX_IO - 1));
}

/* Any access that touches a port of the range is the device's, whatever port it starts at. */
static void test_io_access_touching_range_goes_to_its_device(void **state)
{
	assert_int_equal(vdev_io_register(&dom, 0x60, 4, device_io, &dev_a), 0);
	assert_int_equal(access_ports(0x60, 1), VDEV_IO_DONE); /* first port */
	assert_int_equal(access_ports(0x63, 1), VDEV_IO_DONE); /* last port */
	assert_int_equal(access_ports(0x5f, 2), VDEV_IO_DONE); /* 0x5f-0x60 */
	assert_int_equal(access_ports(0x5f, 4), VDEV_IO_DONE); /* 0x5f-0x62 */
	assert_int_equal(access_ports(0x5d, 4), VDEV_IO_DONE); /* 0x5d-0x60 */
	assert_int_equal(access_ports(0x63, 2), VDEV_IO_DONE); /* 0x63-0x64 */
	assert_int_equal(access_ports(0x63, 4), VDEV_IO_DONE); /* 0x63-0x66 */
	assert_int_equal(dev_a.io_calls, 7);
	assert_ptr_equal(dev_a.v, &vcpu);
}

static void test_io_access_just_outside_range_is_unclaimed(void **state)
{
	assert_int_equal(vdev_io_register(&dom, 0x60, 4, device_io, &dev_a), 0);
	assert_int_equal(access_ports(0x5f, 1), VDEV_IO_UNCLAIMED);
	assert_int_equal(access_ports(0x64, 1), VDEV_IO_UNCLAIMED);
	assert_int_equal(access_ports(0x5e, 2), VDEV_IO_UNCLAIMED); /* 0x5e-0x5f */
	assert_int_equal(access_ports(0x5c, 4), VDEV_IO_UNCLAIMED); /* 0x5c-0x5f */
	assert_int_equal(access_ports(0x64, 4), VDEV_IO_UNCLAIMED);
	assert_int_equal(dev_a.io_calls, 0);
}

static void test_io_access_without_devices_is_unclaimed(void **state)
{
	assert_int_equal(access_ports(0x80, 1), VDEV_IO_UNCLAIMED);
	assert_int_equal(access_ports(0xffff, 4), VDEV_IO_UNCLAIMED);
}

/* Each device gets its own accesses, the access itself and its own opaque pointer; its answer is returned. */
static void test_io_access_reaches_owner_with_its_opaque_and_answer(void **state)
{
	struct io_access io = { .port = 0x71, .size = 1, .in = false, .value = 0x42 };

	assert_int_equal(vdev_io_register(&dom, 0x60, 4, device_io, &dev_a), 0);
	assert_int_equal(vdev_io_register(&dom, 0x70, 2, device_io, &dev_b), 0);
	assert_int_equal(vdev_io(&vcpu, &io), VDEV_IO_GP);
	assert_int_equal(dev_b.io_calls, 1);
	assert_int_equal(dev_a.io_calls, 0);
	assert_ptr_equal(dev_b.io, &io);
	assert_ptr_equal(dev_b.v, &vcpu);
	assert_int_equal(access_ports(0x62, 1), VDEV_IO_DONE);
	assert_int_equal(dev_a.io_calls, 1);
	assert_int_equal(dev_b.io_calls, 1);
}

/* One domain's ranges are not another's. */
static void test_io_ranges_are_per_domain(void **state)
{
	struct io_access io = { .port = 0x60, .size = 1, .in = true };

	assert_int_equal(vdev_io_register(&dom, 0x60, 4, device_io, &dev_a), 0);
	assert_int_equal(vdev_io(&other_vcpu, &io), VDEV_IO_UNCLAIMED);
	assert_int_equal(dev_a.io_calls, 0);
}

/* ---- MMIO ranges ---- */

#define MMIO_BASE 0xfee00000ull
#define MMIO_SIZE 0x1000ull

static void test_mmio_register_makes_range_read_only(void **state)
{
	assert_int_equal(vdev_mmio_register(&dom, gpa_init(MMIO_BASE), MMIO_SIZE, "the local APIC",
					    device_mmio_write, &dev_a),
			 0);
	assert_int_equal(protected.calls, 1);
	assert_ptr_equal(protected.d, &dom);
	assert_int_equal(protected.gpa, MMIO_BASE);
	assert_int_equal(protected.size, MMIO_SIZE);
	assert_int_equal(protected.perms, GUEST_PERM_READ);
	assert_int_equal(dom.arch.vdev.nr_mmio, 1);
}

static void test_mmio_register_returns_mapping_error(void **state)
{
	protected.result = -ENOMEM;
	assert_int_equal(vdev_mmio_register(&dom, gpa_init(MMIO_BASE), MMIO_SIZE, "the local APIC",
					    device_mmio_write, &dev_a),
			 -ENOMEM);
	/* and the range is nobody's: a write fault there is not claimed */
	assert_false(vdev_mmio_write(&vcpu, gpa_init(MMIO_BASE), false));
}

static void test_mmio_register_refuses_when_table_is_full(void **state)
{
	for (unsigned int i = 0; i < VDEV_MAX_MMIO; i++)
		assert_int_equal(vdev_mmio_register(&dom, gpa_init(MMIO_BASE + i * MMIO_SIZE), MMIO_SIZE, "dev",
						    device_mmio_write, &dev_a),
				 0);
	assert_int_equal(vdev_mmio_register(&dom, gpa_init(0xfec00000), MMIO_SIZE, "dev", device_mmio_write,
					    &dev_a),
			 -ENOSPC);
	assert_int_equal(protected.calls, VDEV_MAX_MMIO);
}

/* A write fault inside the range: the decoded store goes to the handler and RIP moves on by its length. */
static void test_mmio_write_inside_range_reaches_handler_and_advances_rip(void **state)
{
	assert_int_equal(vdev_mmio_register(&dom, gpa_init(MMIO_BASE), MMIO_SIZE, "the local APIC",
					    device_mmio_write, &dev_a),
			 0);
	decode.succeed = true;
	decode.value = 0xdeadbeef;
	decode.length = 6;
	assert_true(vdev_mmio_write(&vcpu, gpa_init(MMIO_BASE + 0x300), false));
	assert_int_equal(decode.calls, 1);
	assert_int_equal(decode.gpa, MMIO_BASE + 0x300);
	assert_string_equal(decode.what, "the local APIC");
	assert_false(decode.during_event_delivery);
	assert_int_equal(dev_a.mmio_calls, 1);
	assert_ptr_equal(dev_a.v, &vcpu);
	assert_int_equal(dev_a.gpa, MMIO_BASE + 0x300);
	assert_int_equal(dev_a.value, 0xdeadbeef);
	assert_int_equal(advanced.calls, 1);
	assert_ptr_equal(advanced.v, &vcpu);
	assert_int_equal(advanced.bytes, 6);

	/* the first and the last bytes of the range are the device's too */
	decode.length = 3;
	assert_true(vdev_mmio_write(&vcpu, gpa_init(MMIO_BASE), false));
	assert_true(vdev_mmio_write(&vcpu, gpa_init(MMIO_BASE + MMIO_SIZE - 1), false));
	assert_int_equal(dev_a.mmio_calls, 3);
	assert_int_equal(dev_a.gpa, MMIO_BASE + MMIO_SIZE - 1);
	assert_int_equal(advanced.calls, 3);
	assert_int_equal(advanced.bytes, 3);
}

/* A range that takes stores of several sizes: the decoder is told which, the handler gets the size. */
static void test_mmio_sized_stores_reach_handler(void **state)
{
	assert_int_equal(vdev_mmio_register_stores(&dom, gpa_init(MMIO_BASE), MMIO_SIZE, "config space", 1 | 2 | 4,
						   device_mmio_store, &dev_a),
			 0);
	assert_int_equal(protected.perms, GUEST_PERM_READ);
	decode.succeed = true;
	decode.value = 0x5a;
	decode.size = 1;
	decode.length = 3;
	assert_true(vdev_mmio_write(&vcpu, gpa_init(MMIO_BASE + 0x3c), false));
	assert_int_equal(decode.sizes, 1 | 2 | 4);
	assert_int_equal(dev_a.mmio_calls, 1);
	assert_int_equal(dev_a.gpa, MMIO_BASE + 0x3c);
	assert_int_equal(dev_a.value, 0x5a);
	assert_int_equal(store_size, 1);
	assert_int_equal(advanced.bytes, 3);
	/* a store the decoder refuses (the domain is crashed there): no handler, RIP stays */
	decode.succeed = false;
	assert_true(vdev_mmio_write(&vcpu, gpa_init(MMIO_BASE + 0x40), false));
	assert_int_equal(dev_a.mmio_calls, 1);
	assert_int_equal(advanced.calls, 1);
}

static void test_mmio_write_reaches_the_owning_device(void **state)
{
	assert_int_equal(vdev_mmio_register(&dom, gpa_init(MMIO_BASE), MMIO_SIZE, "a", device_mmio_write, &dev_a),
			 0);
	assert_int_equal(vdev_mmio_register(&dom, gpa_init(0xfec00000), MMIO_SIZE, "b", device_mmio_write, &dev_b),
			 0);
	decode.succeed = true;
	decode.value = 7;
	decode.length = 2;
	assert_true(vdev_mmio_write(&vcpu, gpa_init(0xfec00010), true));
	assert_string_equal(decode.what, "b");
	assert_true(decode.during_event_delivery);
	assert_int_equal(dev_b.mmio_calls, 1);
	assert_int_equal(dev_b.value, 7);
	assert_int_equal(dev_a.mmio_calls, 0);
}

/* Unregistered: writable again first, then not claimed; its slot is reused, the table does not grow. */
static void test_mmio_unregister_frees_the_range(void **state)
{
	assert_int_equal(vdev_mmio_register_stores(&dom, gpa_init(MMIO_BASE), MMIO_SIZE, "an MSI-X table", 4,
						   device_mmio_store, &dev_a),
			 0);
	assert_int_equal(vdev_mmio_unregister(&dom, gpa_init(MMIO_BASE), MMIO_SIZE * 2), -ENOENT);
	assert_int_equal(vdev_mmio_unregister(&dom, gpa_init(MMIO_BASE), MMIO_SIZE), 0);
	assert_int_equal(protected.perms, GUEST_PERM_READ | GUEST_PERM_WRITE | GUEST_PERM_EXEC);
	assert_int_equal(protected.gpa, MMIO_BASE);
	decode.succeed = true;
	decode.length = 3;
	assert_false(vdev_mmio_write(&vcpu, gpa_init(MMIO_BASE + 4), false));
	assert_int_equal(dev_a.mmio_calls, 0);
	assert_int_equal(vdev_mmio_unregister(&dom, gpa_init(MMIO_BASE), MMIO_SIZE), -ENOENT);
	assert_int_equal(vdev_mmio_register(&dom, gpa_init(0xfec00000), MMIO_SIZE, "b", device_mmio_write, &dev_b),
			 0);
	assert_int_equal(dom.arch.vdev.nr_mmio, 1);
	assert_true(vdev_mmio_write(&vcpu, gpa_init(0xfec00000), false));
	assert_int_equal(dev_b.mmio_calls, 1);
}

/* A range whose protection fails on the way back stays registered (its writes still trap). */
static void test_mmio_unregister_keeps_range_when_unprotect_fails(void **state)
{
	assert_int_equal(vdev_mmio_register(&dom, gpa_init(MMIO_BASE), MMIO_SIZE, "a", device_mmio_write, &dev_a),
			 0);
	protected.result = -ENOMEM;
	assert_int_equal(vdev_mmio_unregister(&dom, gpa_init(MMIO_BASE), MMIO_SIZE), -ENOMEM);
	decode.succeed = true;
	decode.length = 3;
	assert_true(vdev_mmio_write(&vcpu, gpa_init(MMIO_BASE), false));
	assert_int_equal(dev_a.mmio_calls, 1);
}

static uint32_t device_mmio_read(struct vcpu *v, gpa_t gpa, void *opaque)
{
	struct device *dev = opaque;

	dev->mmio_calls++;
	dev->gpa = gpa_addr(gpa);
	return 0x12345678;
}

/* Emulated reads: the range is unmapped, a load reaches the read handler, a store the write handler. */
static void test_mmio_emulated_range(void **state)
{
	assert_int_equal(vdev_mmio_register_emulated(&dom, gpa_init(0xfec00000), MMIO_SIZE, "an I/O APIC",
						     device_mmio_read, device_mmio_write, &dev_a),
			 0);
	assert_int_equal(unmapped.calls, 1);
	assert_int_equal(unmapped.gpa, 0xfec00000);
	assert_int_equal(protected.calls, 0);
	load.succeed = true;
	load.size = 4;
	load.length = 3;
	assert_true(vdev_mmio_emulate(&vcpu, gpa_init(0xfec00010), false, false));
	assert_int_equal(dev_a.mmio_calls, 1);
	assert_int_equal(dev_a.gpa, 0xfec00010);
	assert_int_equal(load.completed, 1);
	assert_int_equal(load.value, 0x12345678);
	/* a store goes to the write handler */
	decode.succeed = true;
	decode.value = 0x10;
	decode.length = 2;
	assert_true(vdev_mmio_emulate(&vcpu, gpa_init(0xfec00000), true, false));
	assert_int_equal(dev_a.mmio_calls, 2);
	assert_int_equal(dev_a.value, 0x10);
	/* not 32 bits, or pushed by an event: the domain is crashed, no handler runs */
	load.size = 1;
	assert_true(vdev_mmio_emulate(&vcpu, gpa_init(0xfec00010), false, false));
	assert_true(vdev_mmio_emulate(&vcpu, gpa_init(0xfec00010), false, true));
	assert_int_equal(load.crashes, 2);
	assert_int_equal(dev_a.mmio_calls, 2);
	/* outside, or a write-trapped range: not emulated */
	assert_false(vdev_mmio_emulate(&vcpu, gpa_init(0xfec01000), false, false));
	assert_int_equal(vdev_mmio_register(&dom, gpa_init(MMIO_BASE), MMIO_SIZE, "b", device_mmio_write, &dev_b), 0);
	assert_false(vdev_mmio_emulate(&vcpu, gpa_init(MMIO_BASE), false, false));
	/* an emulated range stays: its mapping is not the domain's */
	assert_int_equal(vdev_mmio_unregister(&dom, gpa_init(0xfec00000), MMIO_SIZE), -ENOENT);
}

static void test_mmio_write_outside_range_is_not_claimed(void **state)
{
	assert_int_equal(vdev_mmio_register(&dom, gpa_init(MMIO_BASE), MMIO_SIZE, "the local APIC",
					    device_mmio_write, &dev_a),
			 0);
	decode.succeed = true;
	decode.length = 6;
	assert_false(vdev_mmio_write(&vcpu, gpa_init(MMIO_BASE - 1), false));
	assert_false(vdev_mmio_write(&vcpu, gpa_init(MMIO_BASE + MMIO_SIZE), false));
	assert_false(vdev_mmio_write(&vcpu, gpa_init(0), false));
	assert_int_equal(decode.calls, 0);
	assert_int_equal(dev_a.mmio_calls, 0);
	assert_int_equal(advanced.calls, 0);
}

/* No store to emulate (the decoder crashed the domain): the write is still the device's, but nothing runs. */
static void test_mmio_write_failed_decode_calls_no_handler(void **state)
{
	assert_int_equal(vdev_mmio_register(&dom, gpa_init(MMIO_BASE), MMIO_SIZE, "the local APIC",
					    device_mmio_write, &dev_a),
			 0);
	decode.succeed = false;
	assert_true(vdev_mmio_write(&vcpu, gpa_init(MMIO_BASE + 0x300), true));
	assert_int_equal(decode.calls, 1);
	assert_true(decode.during_event_delivery);
	assert_int_equal(dev_a.mmio_calls, 0);
	assert_int_equal(advanced.calls, 0);
}

/* ---- poll functions ---- */

static void test_poll_calls_each_registered_function(void **state)
{
	vdev_poll(&vcpu); /* none yet */
	assert_int_equal(vdev_poll_register(&dom, device_poll, &dev_a), 0);
	assert_int_equal(vdev_poll_register(&dom, device_poll, &dev_b), 0);
	vdev_poll(&vcpu);
	vdev_poll(&vcpu);
	assert_int_equal(dev_a.poll_calls, 2);
	assert_int_equal(dev_b.poll_calls, 2);
	assert_ptr_equal(dev_a.v, &vcpu);
	assert_ptr_equal(dev_b.v, &vcpu);
	vdev_poll(&other_vcpu); /* another domain's exits poll its own devices */
	assert_int_equal(dev_a.poll_calls, 2);
}

static void test_poll_register_refuses_when_table_is_full(void **state)
{
	for (unsigned int i = 0; i < VDEV_MAX_POLL; i++)
		assert_int_equal(vdev_poll_register(&dom, device_poll, &dev_a), 0);
	assert_int_equal(vdev_poll_register(&dom, device_poll, &dev_b), -ENOSPC);
	vdev_poll(&vcpu);
	assert_int_equal(dev_a.poll_calls, VDEV_MAX_POLL);
	assert_int_equal(dev_b.poll_calls, 0);
}

/* ---- logging refused accesses ---- */

#define DENIALS_MESSAGE "further refused ports and MSRs are not logged"

static void test_denials_logged_sixteen_times_then_never(void **state)
{
	assert_int_equal(VDEV_LOG_DENIALS, 16);
	for (int i = 0; i < VDEV_LOG_DENIALS - 1; i++)
		assert_true(vdev_log_denial(&vcpu));
	assert_false(log_capture_contains(DENIALS_MESSAGE)); /* not before the last one logged */
	assert_true(vdev_log_denial(&vcpu));
	assert_true(log_capture_contains("d7: " DENIALS_MESSAGE));
	for (int i = 0; i < 1000; i++)
		assert_false(vdev_log_denial(&vcpu));
	assert_int_equal(log_capture_count(LOG_DEBUG), 1);
	assert_int_equal(log_capture_count(LOG_INFO) + log_capture_count(LOG_WARN), 0);
	assert_int_equal(log_capture_count(LOG_ERROR), 0);
}

static void test_denials_counted_per_domain(void **state)
{
	for (int i = 0; i < VDEV_LOG_DENIALS; i++)
		assert_true(vdev_log_denial(&vcpu));
	assert_false(vdev_log_denial(&vcpu));
	for (int i = 0; i < VDEV_LOG_DENIALS; i++)
		assert_true(vdev_log_denial(&other_vcpu));
	assert_false(vdev_log_denial(&other_vcpu));
	assert_false(vdev_log_denial(&vcpu));
	assert_int_equal(log_capture_count(LOG_DEBUG), 2);
	assert_true(log_capture_contains("d7: " DENIALS_MESSAGE));
	assert_true(log_capture_contains("d8: " DENIALS_MESSAGE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_io_register_records_range_and_intercepts_exactly_it, setup),
		cmocka_unit_test_setup(test_io_register_refuses_empty_range, setup),
		cmocka_unit_test_setup(test_io_register_refuses_range_beyond_last_port, setup),
		cmocka_unit_test_setup(test_io_register_refuses_when_table_is_full, setup),
		cmocka_unit_test_setup(test_io_access_touching_range_goes_to_its_device, setup),
		cmocka_unit_test_setup(test_io_access_just_outside_range_is_unclaimed, setup),
		cmocka_unit_test_setup(test_io_access_without_devices_is_unclaimed, setup),
		cmocka_unit_test_setup(test_io_access_reaches_owner_with_its_opaque_and_answer, setup),
		cmocka_unit_test_setup(test_io_ranges_are_per_domain, setup),
		cmocka_unit_test_setup(test_mmio_register_makes_range_read_only, setup),
		cmocka_unit_test_setup(test_mmio_register_returns_mapping_error, setup),
		cmocka_unit_test_setup(test_mmio_register_refuses_when_table_is_full, setup),
		cmocka_unit_test_setup(test_mmio_write_inside_range_reaches_handler_and_advances_rip, setup),
		cmocka_unit_test_setup(test_mmio_sized_stores_reach_handler, setup),
		cmocka_unit_test_setup(test_mmio_write_reaches_the_owning_device, setup),
		cmocka_unit_test_setup(test_mmio_write_outside_range_is_not_claimed, setup),
		cmocka_unit_test_setup(test_mmio_emulated_range, setup),
		cmocka_unit_test_setup(test_mmio_unregister_frees_the_range, setup),
		cmocka_unit_test_setup(test_mmio_unregister_keeps_range_when_unprotect_fails, setup),
		cmocka_unit_test_setup(test_mmio_write_failed_decode_calls_no_handler, setup),
		cmocka_unit_test_setup(test_poll_calls_each_registered_function, setup),
		cmocka_unit_test_setup(test_poll_register_refuses_when_table_is_full, setup),
		cmocka_unit_test_setup(test_denials_logged_sixteen_times_then_never, setup),
		cmocka_unit_test_setup(test_denials_counted_per_domain, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
