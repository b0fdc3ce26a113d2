/* Host tests for dom0's ICR policy (arch/x86_64/icr_policy.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arch/icr_policy.h>

/* dom0 owns APIC ids 0 and 1 (logical bits 0x01 and 0x02); it sends from 0 */
static const struct icr_owner flat = {
	.count = 2, .apic_id = { 0, 1 }, .ldr = { 0x01000000, 0x02000000 }, .dfr = 0xFFFFFFFF, .self = 0,
};
static const struct icr_owner cluster = {
	.count = 1, .apic_id = { 0 }, .ldr = { 0x11000000 }, .dfr = 0x0FFFFFFF, .self = 0,
};
static const struct icr_owner alone = {
	.count = 1, .apic_id = { 0 }, .ldr = { 0x01000000 }, .dfr = 0xFFFFFFFF, .self = 0,
};

static enum icr_action decide(uint32_t lo, uint32_t hi, const struct icr_owner *o, uint32_t *target)
{
	const char *why = NULL;
	uint32_t t = 0xdead;
	enum icr_action a = icr_decide(lo, hi, o, &t, &why);

	assert_true(a != ICR_REFUSE || why != NULL);
	if (target)
		*target = t;
	return a;
}

/* Logical destinations resolve to the owner's CPUs only, by the LDRs it wrote. */
static void test_logical_targets(void **state)
{
	uint32_t ids[4] = { 0 };

	/* flat: every CPU with a bit in the mask */
	assert_int_equal(icr_logical_targets(0x000008fb, 0x03, &flat, ids), 2);
	assert_int_equal(ids[0], 0);
	assert_int_equal(ids[1], 1);
	assert_int_equal(icr_logical_targets(0x000008fb, 0x02, &flat, ids), 1);
	assert_int_equal(ids[0], 1);
	/* a bit no owned CPU has names nobody (icr_decide refuses it anyway) */
	assert_int_equal(icr_logical_targets(0x000008fb, 0x04, &flat, ids), 0);
	/* lowest priority: one CPU */
	assert_int_equal(icr_logical_targets(0x000009fb, 0x03, &flat, ids), 1);
	/* cluster: the exact LDR */
	assert_int_equal(icr_logical_targets(0x000008fb, 0x11, &cluster, ids), 1);
	assert_int_equal(icr_logical_targets(0x000008fb, 0x10, &cluster, ids), 0);
}

static void test_send(void **state)
{
	assert_int_equal(decide(0x000000ef, 0, &alone, NULL), ICR_SEND); /* fixed to itself */
	assert_int_equal(decide(0x000400ef, 0xff000000, &alone, NULL), ICR_SEND); /* self */
	assert_int_equal(decide(0x000008ef, 0x01000000, &alone, NULL), ICR_SEND); /* logical */
	assert_int_equal(decide(0x000001ef, 0, &alone, NULL), ICR_SEND); /* lowest priority */
	assert_int_equal(decide(0x000008ef, 0x11000000, &cluster, NULL), ICR_SEND);
	/* with two CPUs: to the other one, physically and logically */
	assert_int_equal(decide(0x000000ef, 0x01000000, &flat, NULL), ICR_SEND);
	assert_int_equal(decide(0x000008ef, 0x03000000, &flat, NULL), ICR_SEND);
}

static void test_start_own_cpu(void **state)
{
	uint32_t target;

	assert_int_equal(decide(0x0000c500, 0x01000000, &flat, &target), ICR_EMULATE_INIT);
	assert_int_equal(target, 1);
	assert_int_equal(decide(0x00008500, 0x01000000, &flat, NULL), ICR_IGNORE); /* de-assert */
	assert_int_equal(decide(0x00004699, 0x01000000, &flat, &target), ICR_EMULATE_SIPI);
	assert_int_equal(target, 1);
}

static void test_nmi_and_broadcasts(void **state)
{
	uint32_t target;

	/* an NMI to one of dom0's CPUs becomes a virtual NMI for that vCPU */
	assert_int_equal(decide(0x00000400, 0x01000000, &flat, &target), ICR_EMULATE_NMI);
	assert_int_equal(target, 1);
	/* broadcasts are split over dom0's CPUs; target says whether the sender is included */
	assert_int_equal(decide(0x000800ef, 0, &flat, &target), ICR_SEND_EACH);
	assert_int_equal(target, 1);
	assert_int_equal(decide(0x000c00f8, 0, &flat, &target), ICR_SEND_EACH);
	assert_int_equal(target, 0);
}

static void test_refused(void **state)
{
	/* INIT and SIPI to a CPU dom0 does not own */
	assert_int_equal(decide(0x00004500, 0x01000000, &alone, NULL), ICR_REFUSE);
	assert_int_equal(decide(0x00004601, 0x02000000, &flat, NULL), ICR_REFUSE);
	/* to itself: an INIT would reset the CPU under the hypervisor */
	assert_int_equal(decide(0x00004500, 0, &flat, NULL), ICR_REFUSE);
	/* broadcast INIT, logical INIT */
	assert_int_equal(decide(0x000c4500, 0, &flat, NULL), ICR_REFUSE);
	assert_int_equal(decide(0x00004d00, 0x02000000, &flat, NULL), ICR_REFUSE);
	assert_int_equal(decide(0x00000400, 0x05000000, &alone, NULL), ICR_REFUSE); /* NMI elsewhere */
	assert_int_equal(decide(0x00000200, 0, &alone, NULL), ICR_REFUSE); /* SMI */
	assert_int_equal(decide(0x000000ef, 0x01000000, &alone, NULL), ICR_REFUSE);
	assert_int_equal(decide(0x000008ef, 0x03000000, &alone, NULL), ICR_REFUSE);
	assert_int_equal(decide(0x000008ef, 0x00000000, &alone, NULL), ICR_REFUSE);
	assert_int_equal(decide(0x000008ef, 0x12000000, &cluster, NULL), ICR_REFUSE);
	assert_int_equal(decide(0x000c0400, 0, &flat, NULL), ICR_REFUSE); /* NMI broadcast */
}

/* Fixed vectors 0-31 are the exceptions': refused in every form, also to oneself. */
static void test_exception_vectors_refused(void **state)
{
	for (uint32_t vec = 0; vec < 32; vec++) {
		assert_int_equal(decide(0x00000000 | vec, 0, &alone, NULL), ICR_REFUSE);
		assert_int_equal(decide(0x00040000 | vec, 0, &alone, NULL), ICR_REFUSE); /* self */
		assert_int_equal(decide(0x000c0000 | vec, 0, &flat, NULL), ICR_REFUSE); /* all but self */
		assert_int_equal(decide(0x00000100 | vec, 0, &alone, NULL), ICR_REFUSE); /* lowest */
		assert_int_equal(decide(0x00000800 | vec, 0x01000000, &alone, NULL), ICR_REFUSE);
	}
	assert_int_equal(decide(0x00040020, 0, &alone, NULL), ICR_SEND); /* 32: the first allowed */
	/* NMI, INIT and SIPI carry no interrupt vector: unaffected */
	assert_int_equal(decide(0x00000412, 0x01000000, &flat, NULL), ICR_EMULATE_NMI);
}

/* A logical NMI (Linux's flat mode) to the domain's own CPUs is made virtual too; not beyond them. */
static void test_logical_nmi(void **state)
{
	assert_int_equal(decide(0x00000c00, 0x02000000, &flat, NULL), ICR_EMULATE_NMI_LOGICAL);
	assert_int_equal(decide(0x00000c00, 0x03000000, &flat, NULL), ICR_EMULATE_NMI_LOGICAL);
	assert_int_equal(decide(0x00000c00, 0x04000000, &flat, NULL), ICR_REFUSE); /* not its CPU */
	assert_int_equal(decide(0x00000c00, 0x06000000, &flat, NULL), ICR_REFUSE); /* partly */
	assert_int_equal(decide(0x00000c00, 0x11000000, &cluster, NULL), ICR_EMULATE_NMI_LOGICAL);
	assert_int_equal(decide(0x00080c00, 0, &flat, NULL), ICR_REFUSE); /* a broadcast NMI: as before */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logical_targets),
		cmocka_unit_test(test_send),
		cmocka_unit_test(test_start_own_cpu),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_nmi_and_broadcasts),
		cmocka_unit_test(test_exception_vectors_refused),
		cmocka_unit_test(test_logical_nmi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
