/*
 * Host tests for dom0's virtio requests (xen-lite/virtio.c, XL_DOMCTL_VIRTIO):
 * what an ADD must be before the transport sees it, the queues' ports made
 * device ports, the window the transport gets, and STATE and RESET_DONE
 * passed on. The transport (arch/virtio.h), the event code and the guest's
 * layout are faked and recorded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite-abi.h>
#include <xen-lite/arch/virtio.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/event_channel.h>
#include <xen-lite/shm.h>
#include <xen-lite/virtio.h>

#include "log_capture.h"

#define REGS 0x7fffff0000ULL

static struct domain dom;
static bool ended, have_layout;

/* ---- fakes ---- */

bool domain_has_ended(const struct domain *d)
{
	assert_ptr_equal(d, &dom);
	return ended;
}

bool shm_guest_pci_layout(const struct domain *d, uint64_t *regs, uint64_t *slots, uint64_t *slots_size)
{
	assert_ptr_equal(d, &dom);
	*regs = REGS;
	*slots = REGS + SHM_PCI_REGS_SIZE;
	*slots_size = 1ULL << 30;
	return have_layout;
}

static struct {
	uint32_t port;
	void (*fn)(struct domain *d, uint32_t port, void *opaque);
	void *opaque;
} device_ports[XL_VIRTIO_MAX_QUEUES + 1];
static unsigned int nr_device_ports;
static int set_device_error_at = -1, set_device_error;

int event_set_device(struct domain *d, uint32_t port, void (*fn)(struct domain *d, uint32_t port, void *opaque),
		     void *opaque)
{
	assert_ptr_equal(d, &dom);
	assert_non_null(fn);
	if ((int)nr_device_ports == set_device_error_at)
		return set_device_error;
	assert_true(nr_device_ports < XL_VIRTIO_MAX_QUEUES);
	device_ports[nr_device_ports].port = port;
	device_ports[nr_device_ports].fn = fn;
	device_ports[nr_device_ports].opaque = opaque;
	nr_device_ports++;
	return 0;
}

static uint32_t cleared_ports[XL_VIRTIO_MAX_QUEUES + 1];
static unsigned int nr_cleared;

void event_clear_device(struct domain *d, uint32_t port)
{
	assert_ptr_equal(d, &dom);
	assert_true(nr_cleared < XL_VIRTIO_MAX_QUEUES);
	cleared_ports[nr_cleared++] = port;
}

static unsigned int device_sends;

int event_device_send(struct domain *d, uint32_t port)
{
	assert_ptr_equal(d, &dom);
	device_sends++;
	return (int)port;
}

static struct {
	unsigned int adds, states, resets, interrupts;
	const struct xl_virtio_op *op;
	uint64_t window;
	const struct virtio_device_ops *ops;
	uint32_t dev, reset_count, port;
	struct xl_virtio_op *out;
} arch;
static int arch_result;

int arch_virtio_add(struct domain *d, const struct xl_virtio_op *op, uint64_t window,
		    const struct virtio_device_ops *ops)
{
	assert_ptr_equal(d, &dom);
	arch.adds++;
	arch.op = op;
	arch.window = window;
	arch.ops = ops;
	return arch_result;
}

int arch_virtio_state(struct domain *d, uint32_t dev, struct xl_virtio_op *out)
{
	assert_ptr_equal(d, &dom);
	arch.states++;
	arch.dev = dev;
	arch.out = out;
	out->status = 0x0f;
	return arch_result;
}

int arch_virtio_reset_done(struct domain *d, uint32_t dev, uint32_t reset_count)
{
	assert_ptr_equal(d, &dom);
	arch.resets++;
	arch.dev = dev;
	arch.reset_count = reset_count;
	return arch_result;
}

void arch_virtio_interrupt(struct domain *d, uint32_t port)
{
	assert_ptr_equal(d, &dom);
	arch.interrupts++;
	arch.port = port;
}

/* ---- helpers ---- */

static struct xl_virtio_op good_op(void)
{
	return (struct xl_virtio_op){ .op = XL_VIRTIO_ADD, .device_id = 2, .nr_queues = 3, .queue_max = 128,
				      .config_len = 16, .ports = { 4, 5, 6 },
				      .device_features = XL_VIRTIO_F_VERSION_1 | 1 };
}

static int setup(void **state)
{
	(void)state;
	memset(&dom, 0, sizeof(dom));
	dom.id = 3;
	dom.nr_vcpus = 1;
	ended = false;
	have_layout = true;
	memset(device_ports, 0, sizeof(device_ports));
	nr_device_ports = 0;
	set_device_error_at = -1;
	nr_cleared = 0;
	device_sends = 0;
	memset(&arch, 0, sizeof(arch));
	arch_result = 0;
	log_capture_reset();
	return 0;
}

/* ADD op as it is: refused with err, nothing reached the event code or the transport */
static void refused(struct xl_virtio_op op, int64_t err)
{
	assert_int_equal(virtio_request(&dom, &op), err);
	assert_int_equal(nr_device_ports, 0);
	assert_int_equal(arch.adds, 0);
}

/* ---- tests ---- */

static void test_add(void **state)
{
	struct xl_virtio_op op = good_op();

	(void)state;
	arch_result = 2;
	assert_int_equal(virtio_request(&dom, &op), 2);
	assert_int_equal(arch.adds, 1);
	assert_ptr_equal(arch.op, &op);
	assert_int_equal(arch.window, REGS - GUEST_VIRTIO_BARS_SIZE);
	assert_int_equal(arch.window % GUEST_VIRTIO_BAR_SIZE, 0);
	/* each queue's port is the device's */
	assert_int_equal(nr_device_ports, 3);
	for (unsigned int q = 0; q < 3; q++)
		assert_int_equal(device_ports[q].port, 4 + q);
	/* the transport's notifications go out as the device's */
	assert_non_null(arch.ops);
	assert_int_equal(arch.ops->notify(&dom, 5), 5);
	assert_int_equal(device_sends, 1);
	/* dom0's notification on a queue's channel: the queue's interrupt */
	device_ports[1].fn(&dom, 5, device_ports[1].opaque);
	assert_int_equal(arch.interrupts, 1);
	assert_int_equal(arch.port, 5);
	assert_int_equal(nr_cleared, 0);
	/* the transport's answer, good or bad, is dom0's; refused, the ports are given back */
	arch_result = -ENOSPC;
	op.ports[0] = 7, op.ports[1] = 8, op.ports[2] = 9;
	assert_int_equal(virtio_request(&dom, &op), -ENOSPC);
	assert_int_equal(nr_cleared, 3);
	assert_int_equal(cleared_ports[0] + cleared_ports[1] + cleared_ports[2], 7 + 8 + 9);
}

static void test_add_limits(void **state)
{
	struct xl_virtio_op op = good_op();

	(void)state;
	op.device_id = 63;
	op.nr_queues = XL_VIRTIO_MAX_QUEUES;
	for (unsigned int q = 0; q < XL_VIRTIO_MAX_QUEUES; q++)
		op.ports[q] = 63 - q;
	op.queue_max = XL_VIRTIO_MAX_QUEUE_SIZE;
	op.config_len = XL_VIRTIO_CONFIG_MAX;
	op.device_features = ~0ULL;
	assert_int_equal(virtio_request(&dom, &op), 0);
	assert_int_equal(nr_device_ports, XL_VIRTIO_MAX_QUEUES);
	setup(NULL);
	op = good_op();
	op.nr_queues = 1;
	op.queue_max = 1;
	op.config_len = 0;
	op.device_features = XL_VIRTIO_F_VERSION_1;
	op.ports[1] = op.ports[2] = op.ports[0]; /* past nr_queues: not looked at */
	assert_int_equal(virtio_request(&dom, &op), 0);
	assert_int_equal(nr_device_ports, 1);
}

static void test_add_refused(void **state)
{
	struct xl_virtio_op op;

	(void)state;
	op = good_op(), op.device_id = 0, refused(op, -EINVAL);
	op = good_op(), op.device_id = 64, refused(op, -EINVAL);
	op = good_op(), op.device_id = ~0u, refused(op, -EINVAL);
	op = good_op(), op.nr_queues = 0, refused(op, -EINVAL);
	op = good_op(), op.nr_queues = XL_VIRTIO_MAX_QUEUES + 1, refused(op, -EINVAL);
	op = good_op(), op.nr_queues = ~0u, refused(op, -EINVAL);
	op = good_op(), op.queue_max = 0, refused(op, -EINVAL);
	op = good_op(), op.queue_max = 3, refused(op, -EINVAL);
	op = good_op(), op.queue_max = 384, refused(op, -EINVAL);
	op = good_op(), op.queue_max = 2 * XL_VIRTIO_MAX_QUEUE_SIZE, refused(op, -EINVAL);
	op = good_op(), op.queue_max = 1u << 31, refused(op, -EINVAL);
	op = good_op(), op.config_len = XL_VIRTIO_CONFIG_MAX + 1, refused(op, -EINVAL);
	op = good_op(), op.config_len = ~0u, refused(op, -EINVAL);
	op = good_op(), op.device_features = 1, refused(op, -EINVAL);
	op = good_op(), op.device_features = ~XL_VIRTIO_F_VERSION_1, refused(op, -EINVAL);
	op = good_op(), op.ports[2] = op.ports[0], refused(op, -EINVAL);
	op = good_op(), op.ports[2] = op.ports[1], refused(op, -EINVAL);
	/* dom0 has no virtio devices of its own */
	dom.privileged = true;
	refused(good_op(), -EINVAL);
	dom.privileged = false;
	/* its kernel has enumerated its bus, or may have */
	dom.ran = true;
	refused(good_op(), -EBUSY);
	dom.ran = false;
	ended = true;
	refused(good_op(), -EBUSY);
	ended = false;
	/* no room for the devices' registers */
	have_layout = false;
	refused(good_op(), -ENOSPC);
	assert_int_equal(arch.adds + arch.states + arch.resets, 0);
}

static void test_add_port_refused(void **state)
{
	struct xl_virtio_op op = good_op();

	(void)state;
	set_device_error_at = 1;
	set_device_error = -EBUSY;
	assert_int_equal(virtio_request(&dom, &op), -EBUSY);
	assert_int_equal(arch.adds, 0);
	/* the first port given back; not the second, which may be another device's */
	assert_int_equal(nr_cleared, 1);
	assert_int_equal(cleared_ports[0], op.ports[0]);
	nr_cleared = 0;
	set_device_error = -ENOTCONN;
	nr_device_ports = 0;
	assert_int_equal(virtio_request(&dom, &op), -ENOTCONN);
	assert_int_equal(arch.adds, 0);
}

static void test_state_and_reset_done(void **state)
{
	struct xl_virtio_op op = { .op = XL_VIRTIO_STATE, .device = 3 };

	(void)state;
	assert_int_equal(virtio_request(&dom, &op), 0);
	assert_int_equal(arch.states, 1);
	assert_int_equal(arch.dev, 3);
	assert_ptr_equal(arch.out, &op);
	assert_int_equal(op.status, 0x0f);
	arch_result = -ENOENT;
	op.device = ~0u;
	assert_int_equal(virtio_request(&dom, &op), -ENOENT);
	assert_int_equal(arch.dev, ~0u);

	op = (struct xl_virtio_op){ .op = XL_VIRTIO_RESET_DONE, .device = 1, .reset_count = 77 };
	arch_result = -EINVAL;
	assert_int_equal(virtio_request(&dom, &op), -EINVAL);
	assert_int_equal(arch.resets, 1);
	assert_int_equal(arch.dev, 1);
	assert_int_equal(arch.reset_count, 77);
	arch_result = 0;
	assert_int_equal(virtio_request(&dom, &op), 0);
	/* a guest that ran: STATE and RESET_DONE still go (ADD does not) */
	dom.ran = true;
	assert_int_equal(virtio_request(&dom, &op), 0);
	assert_int_equal(arch.resets, 3);
	/* not for dom0 */
	dom.privileged = true;
	op.op = XL_VIRTIO_STATE;
	assert_int_equal(virtio_request(&dom, &op), -EINVAL);
	op.op = XL_VIRTIO_RESET_DONE;
	assert_int_equal(virtio_request(&dom, &op), -EINVAL);
	assert_int_equal(arch.states, 2);
	assert_int_equal(arch.resets, 3);
}

static void test_unknown_op(void **state)
{
	struct xl_virtio_op op = good_op();

	(void)state;
	op.op = 3;
	assert_int_equal(virtio_request(&dom, &op), -EINVAL);
	op.op = ~0u;
	assert_int_equal(virtio_request(&dom, &op), -EINVAL);
	assert_int_equal(arch.adds + arch.states + arch.resets, 0);
	assert_int_equal(nr_device_ports, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_add, setup),
		cmocka_unit_test_setup(test_add_limits, setup),
		cmocka_unit_test_setup(test_add_refused, setup),
		cmocka_unit_test_setup(test_add_port_refused, setup),
		cmocka_unit_test_setup(test_state_and_reset_done, setup),
		cmocka_unit_test_setup(test_unknown_op, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
