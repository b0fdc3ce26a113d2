/*
 * Host tests for the hypercall table and handlers (hypercalls/hypercall.c)
 * against the ABI in hypercalls/xen-lite-abi.h and Documentation/hypercalls.md.
 *
 * The domain is a fake with a small malloc'd guest memory; copy_from_guest()
 * checks every access against mem_size (and fails the test if a handler
 * asks for memory it did not check first). domain_console_write,
 * domain_shutdown and domain_crash record what they were given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xen-lite-abi.h>
#include <xen-lite/domain.h>
#include <xen-lite/domain_console.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/hypercall.h>

#include "log_capture.h"

#define MEM_SIZE (64 * 1024)

static struct domain dom;
static struct vcpu vcpu;
static uint8_t *mem;

static char console[2 * XL_CONSOLE_MAX_WRITE];
static size_t console_len;
static unsigned int console_calls, bad_copies;

static unsigned int shutdown_calls, crash_calls;
static int shutdown_reason;
static char crash_msg[256];

/* ---- fakes ----------------------------------------------------------------------- */

int copy_from_guest(struct domain *d, void *dst, gpa_t at, uint64_t len)
{
	uint64_t gpa = gpa_addr(at);

	assert_ptr_equal(d, &dom);
	if (gpa > d->mem_size || len > d->mem_size - gpa) {
		bad_copies++;
		return -EFAULT;
	}
	memcpy(dst, mem + gpa, len);
	return 0;
}

/* the fake domain's RAM is [0, mem_size), no hole */
bool domain_range_is_ram(const struct domain *d, gpa_t at, uint64_t len)
{
	uint64_t gpa = gpa_addr(at);

	assert_ptr_equal(d, &dom);
	return gpa + len >= gpa && gpa + len <= d->mem_size;
}

void domain_console_write(struct domain *d, const char *buf, size_t len)
{
	assert_ptr_equal(d, &dom);
	assert_true(len > 0);
	assert_true(console_len + len <= sizeof(console));
	memcpy(console + console_len, buf, len);
	console_len += len;
	console_calls++;
}

void domain_shutdown(struct domain *d, int reason)
{
	assert_ptr_equal(d, &dom);
	shutdown_calls++;
	shutdown_reason = reason;
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
	va_list ap;

	assert_ptr_equal(d, &dom);
	crash_calls++;
	va_start(ap, fmt);
	vsnprintf(crash_msg, sizeof(crash_msg), fmt, ap);
	va_end(ap);
}

/* sysctl itself is tested through dom0 in QEMU; here only its gate */
static int sysctl_calls;
static uint64_t sysctl_args[4];

int64_t sysctl_dispatch(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg)
{
	sysctl_calls++;
	sysctl_args[0] = op;
	sysctl_args[1] = gpa;
	sysctl_args[2] = size;
	sysctl_args[3] = arg;
	return 42;
}

static int domctl_calls;
static const char *typed = "";

size_t domain_console_input(struct domain *d, char *buf, size_t len)
{
	size_t n = strlen(typed) < len ? strlen(typed) : len;

	memcpy(buf, typed, n);
	typed += n;
	return n;
}

int copy_to_guest(struct domain *d, gpa_t at, const void *src, uint64_t len)
{
	uint64_t gpa = gpa_addr(at);

	if (gpa + len < gpa || gpa + len > dom.mem_size)
		return -EFAULT;
	memcpy(mem + gpa, src, len);
	return 0;
}

int64_t domctl_dispatch(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg)
{
	domctl_calls++;
	return 7;
}

static int module_calls;
static uint64_t module_args[4];

int64_t module_hypercall(struct vcpu *v, uint64_t op, gpa_t buf, uint64_t size, uint64_t arg)
{
	module_calls++;
	module_args[0] = op;
	module_args[1] = gpa_addr(buf);
	module_args[2] = size;
	module_args[3] = arg;
	return 9;
}

static int event_calls, shm_calls;
static uint64_t event_args[4], shm_args[4];

int64_t event_hypercall(struct vcpu *v, uint64_t op, uint64_t a, uint64_t b, uint64_t c)
{
	event_calls++;
	event_args[0] = op;
	event_args[1] = a;
	event_args[2] = b;
	event_args[3] = c;
	return 11;
}

int64_t shm_hypercall(struct vcpu *v, uint64_t op, uint64_t gpa, uint64_t size, uint64_t arg)
{
	shm_calls++;
	shm_args[0] = op;
	shm_args[1] = gpa;
	shm_args[2] = size;
	shm_args[3] = arg;
	return 13;
}

static int setup(void **state)
{
	sysctl_calls = 0;
	event_calls = shm_calls = 0;
	module_calls = 0;
	domctl_calls = 0;
	memset(&dom, 0, sizeof(dom));
	memset(&vcpu, 0, sizeof(vcpu));
	dom.id = 3;
	dom.mem_size = MEM_SIZE;
	dom.nr_vcpus = 1;
	dom.vcpus[0] = &vcpu;
	vcpu.domain = &dom;
	mem = malloc(MEM_SIZE);
	assert_non_null(mem);
	for (size_t i = 0; i < MEM_SIZE; i++)
		mem[i] = (uint8_t)(' ' + i % 95);
	console_len = 0;
	console_calls = bad_copies = shutdown_calls = crash_calls = 0;
	shutdown_reason = -1;
	crash_msg[0] = '\0';
	log_capture_reset();
	return 0;
}

static int teardown(void **state)
{
	free(mem);
	mem = NULL;
	return 0;
}

static int64_t hc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	/* unused arguments are junk: they must be ignored */
	const uint64_t args[6] = { a0, a1, a2, 0xdeadbeefcafef00dULL, ~0ULL, 0x8000000000000000ULL };

	return hypercall_dispatch(&vcpu, nr, args);
}

static int64_t xl_hc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	const uint64_t args[6] = { a0, a1, a2, a3, ~0ULL, 0x8000000000000000ULL };

	return hypercall_dispatch(&vcpu, nr, args);
}

static void expect_no_effects(void)
{
	assert_int_equal(console_calls, 0);
	assert_int_equal(console_len, 0);
	assert_int_equal(shutdown_calls, 0);
	assert_int_equal(crash_calls, 0);
	assert_int_equal(bad_copies, 0);
}

/* ---- tests ----------------------------------------------------------------------- */

static void test_version(void **state)
{
	assert_int_equal(hc(XL_HC_VERSION, XL_VERSION_ABI, 0, 0), XL_ABI_VERSION);
	assert_int_equal(hc(XL_HC_VERSION, XL_VERSION_ABI, 0, 0), 0x0000000a); /* 0.10 */
	assert_int_equal(hc(XL_HC_VERSION, XL_VERSION_FEATURES, 0, 0),
			 XL_FEATURE_CONSOLE | XL_FEATURE_SHUTDOWN);
	assert_int_equal(hc(XL_HC_VERSION, 2, 0, 0), -EINVAL);
	assert_int_equal(hc(XL_HC_VERSION, ~0ULL, 0, 0), -EINVAL);
	assert_int_equal(hc(XL_HC_VERSION, 1ULL << 32, 0, 0), -EINVAL);
	expect_no_effects();
}

static void test_console_write(void **state)
{
	static const char text[] = "hello from the guest\n";

	memcpy(mem + 0x1000, text, strlen(text));
	assert_int_equal(hc(XL_HC_CONSOLE_IO, XL_CONSOLE_WRITE, 0x1000, strlen(text)), strlen(text));
	assert_int_equal(console_len, strlen(text));
	assert_memory_equal(console, text, strlen(text));
	assert_int_equal(shutdown_calls + crash_calls, 0);
}

static void test_console_write_long(void **state)
{
	/* longer than one bounce buffer: every byte arrives, in order */
	assert_int_equal(hc(XL_HC_CONSOLE_IO, XL_CONSOLE_WRITE, 0x123, 1000), 1000);
	assert_int_equal(console_len, 1000);
	assert_memory_equal(console, mem + 0x123, 1000);
	assert_true(console_calls >= 4);
}

static void test_console_write_empty(void **state)
{
	assert_int_equal(hc(XL_HC_CONSOLE_IO, XL_CONSOLE_WRITE, 0x1000, 0), 0);
	/* an empty buffer at the very end of memory is inside it */
	assert_int_equal(hc(XL_HC_CONSOLE_IO, XL_CONSOLE_WRITE, MEM_SIZE, 0), 0);
	expect_no_effects();
}

static void test_console_write_cut(void **state)
{
	assert_int_equal(hc(XL_HC_CONSOLE_IO, XL_CONSOLE_WRITE, 0x2000, XL_CONSOLE_MAX_WRITE + 1),
			 XL_CONSOLE_MAX_WRITE);
	assert_int_equal(console_len, XL_CONSOLE_MAX_WRITE);
	assert_memory_equal(console, mem + 0x2000, XL_CONSOLE_MAX_WRITE);
	/* a huge length is cut the same way */
	console_len = 0;
	assert_int_equal(hc(XL_HC_CONSOLE_IO, XL_CONSOLE_WRITE, 0x10, ~0ULL), XL_CONSOLE_MAX_WRITE);
	assert_int_equal(console_len, XL_CONSOLE_MAX_WRITE);
	assert_memory_equal(console, mem + 0x10, XL_CONSOLE_MAX_WRITE);
	/* exactly the maximum, ending at the last byte of memory */
	console_len = 0;
	assert_int_equal(hc(XL_HC_CONSOLE_IO, XL_CONSOLE_WRITE, MEM_SIZE - XL_CONSOLE_MAX_WRITE,
			    XL_CONSOLE_MAX_WRITE),
			 XL_CONSOLE_MAX_WRITE);
	assert_int_equal(console_len, XL_CONSOLE_MAX_WRITE);
	assert_memory_equal(console, mem + MEM_SIZE - XL_CONSOLE_MAX_WRITE, XL_CONSOLE_MAX_WRITE);
	assert_int_equal(bad_copies, 0);
}

static void test_console_write_outside_memory(void **state)
{
	static const struct {
		uint64_t gpa, len;
	} bad[] = {
		{ MEM_SIZE - 10, 11 },	     /* one byte past the end */
		{ MEM_SIZE, 1 },
		{ MEM_SIZE + 0x1000, 16 },
		{ 1ULL << 40, 1 },
		{ ~0ULL - 5, 10 },	     /* wraps around to 4 */
		{ ~0ULL, 1 },
		{ MEM_SIZE - 100, 1ULL << 40 }, /* cut to the maximum, still past the end */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t r = hc(XL_HC_CONSOLE_IO, XL_CONSOLE_WRITE, bad[i].gpa, bad[i].len);

		if (r != -EFAULT)
			fail_msg("write of %#llx bytes at %#llx returned %lld, want -EFAULT",
				 (unsigned long long)bad[i].len, (unsigned long long)bad[i].gpa,
				 (long long)r);
	}
	/* checked as a whole before anything is printed */
	expect_no_effects();
	/* right up to the end is fine */
	assert_int_equal(hc(XL_HC_CONSOLE_IO, XL_CONSOLE_WRITE, MEM_SIZE - 10, 10), 10);
	assert_int_equal(console_len, 10);
	assert_memory_equal(console, mem + MEM_SIZE - 10, 10);
}

static void test_console_unknown_op(void **state)
{
	memcpy(mem + 0x1000, "abc", 3);
	assert_int_equal(hc(XL_HC_CONSOLE_IO, 2, 0x1000, 3), -EINVAL);
	assert_int_equal(hc(XL_HC_CONSOLE_IO, ~0ULL, 0x1000, 3), -EINVAL);
	assert_int_equal(hc(XL_HC_CONSOLE_IO, 1ULL << 32, 0x1000, 3), -EINVAL);
	expect_no_effects();
}

static void test_shutdown(void **state)
{
	assert_int_equal(hc(XL_HC_SHUTDOWN, XL_SHUTDOWN_POWEROFF, 0, 0), 0);
	assert_int_equal(shutdown_calls, 1);
	assert_int_equal(shutdown_reason, XL_SHUTDOWN_POWEROFF);
	assert_int_equal(hc(XL_HC_SHUTDOWN, XL_SHUTDOWN_REBOOT, 99, 0), 0);
	assert_int_equal(shutdown_calls, 2);
	assert_int_equal(shutdown_reason, XL_SHUTDOWN_REBOOT);
	assert_int_equal(crash_calls, 0);
}

static void test_shutdown_crash(void **state)
{
	assert_int_equal(hc(XL_HC_SHUTDOWN, XL_SHUTDOWN_CRASH, 0x2a, 0), 0);
	assert_int_equal(crash_calls, 1);
	assert_int_equal(shutdown_calls, 0);
	assert_non_null(strstr(crash_msg, "0x2a"));
	/* the whole 64-bit code is shown */
	assert_int_equal(hc(XL_HC_SHUTDOWN, XL_SHUTDOWN_CRASH, 0xfedcba9876543210ULL, 0), 0);
	assert_int_equal(crash_calls, 2);
	assert_non_null(strstr(crash_msg, "0xfedcba9876543210"));
}

/* the guest asks whether dom0 wants it gone; asking changes nothing */
static void test_shutdown_query(void **state)
{
	assert_false(dom.takes_shutdown_requests);
	assert_int_equal(hc(XL_HC_SHUTDOWN, XL_SHUTDOWN_QUERY, 0, 0), 0);
	/* asking at all marks the guest as one that sees power-off requests (shutdown -F asks it) */
	assert_true(dom.takes_shutdown_requests);
	dom.shutdown_asked = XL_ASKED_POWEROFF;
	assert_int_equal(hc(XL_HC_SHUTDOWN, XL_SHUTDOWN_QUERY, 0, 0), 1);
	/* a reboot request reads as a request to end to a guest that asks without a reason */
	dom.shutdown_asked = XL_ASKED_REBOOT;
	assert_int_equal(hc(XL_HC_SHUTDOWN, XL_SHUTDOWN_QUERY, 0, 0), 1);
	assert_int_equal(hc(XL_HC_SHUTDOWN, 1ULL << 32 | XL_SHUTDOWN_QUERY, 0, 0), -EINVAL);
	assert_false(dom.takes_reboot_requests);
	dom.shutdown_asked = 0;
	dom.takes_shutdown_requests = false;
	expect_no_effects();
}

/* XL_QUERY_REASON: which end dom0 asked for; asking so marks the guest as taking reboots */
static void test_shutdown_query_reason(void **state)
{
	assert_int_equal(hc(XL_HC_SHUTDOWN, XL_SHUTDOWN_QUERY, XL_QUERY_REASON, 0), 0);
	assert_true(dom.takes_reboot_requests);
	assert_true(dom.takes_shutdown_requests);
	dom.shutdown_asked = XL_ASKED_POWEROFF;
	assert_int_equal(hc(XL_HC_SHUTDOWN, XL_SHUTDOWN_QUERY, XL_QUERY_REASON, 0), XL_ASKED_POWEROFF);
	dom.shutdown_asked = XL_ASKED_REBOOT;
	assert_int_equal(hc(XL_HC_SHUTDOWN, XL_SHUTDOWN_QUERY, XL_QUERY_REASON, 0), XL_ASKED_REBOOT);
	dom.shutdown_asked = 0;
	dom.takes_reboot_requests = false;
	dom.takes_shutdown_requests = false;
	expect_no_effects();
}

/* a code the ABI does not define is refused, and says nothing about the guest */
static void test_shutdown_query_bad_code(void **state)
{
	static const uint64_t bad[] = { 2, 0x100, 1ULL << 32 | XL_QUERY_REASON, ~0ULL };

	dom.shutdown_asked = XL_ASKED_REBOOT;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hc(XL_HC_SHUTDOWN, XL_SHUTDOWN_QUERY, bad[i], 0), -EINVAL);
	assert_false(dom.takes_reboot_requests);
	assert_false(dom.takes_shutdown_requests);
	dom.shutdown_asked = 0;
	expect_no_effects();
}

static void test_shutdown_bad_reason(void **state)
{
	static const uint64_t bad[] = { 4, 0x100, 1ULL << 32, 1ULL << 32 | XL_SHUTDOWN_POWEROFF,
					~0ULL };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (hc(XL_HC_SHUTDOWN, bad[i], 0, 0) != -EINVAL)
			fail_msg("shutdown reason %#llx not refused", (unsigned long long)bad[i]);
	expect_no_effects();
}

static void test_unknown_numbers(void **state)
{
	static const uint64_t nrs[] = { XL_HC_COUNT, 8, 15, 16, 255, 1ULL << 32,
					1ULL << 63, ~0ULL - 1, ~0ULL };

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		/* arguments that would be valid for a real call */
		int64_t r = hc(nrs[i], 0, 0x1000, 16);

		if (r != -ENOSYS)
			fail_msg("hypercall %#llx returned %lld, want -ENOSYS", (unsigned long long)nrs[i],
				 (long long)r);
	}
	expect_no_effects();
}

static void test_sysctl_dom0_only(void **state)
{
	/* a guest is refused before anything is looked at */
	assert_int_equal(hc(XL_HC_SYSCTL, XL_SYSCTL_INFO, 0x1000, 4096), -EPERM);
	assert_int_equal(sysctl_calls, 0);
	/* dom0 reaches the handler with its arguments in ABI order */
	dom.privileged = true;
	assert_int_equal(xl_hc(XL_HC_SYSCTL, XL_SYSCTL_LOG_READ, 0x2000, 512, 77), 42);
	assert_int_equal(sysctl_calls, 1);
	assert_true(sysctl_args[0] == XL_SYSCTL_LOG_READ && sysctl_args[1] == 0x2000 &&
		    sysctl_args[2] == 512 && sysctl_args[3] == 77);
	dom.privileged = false;
}

static void test_console_read(void **state)
{
	typed = "";
	assert_int_equal(hc(XL_HC_CONSOLE_IO, XL_CONSOLE_READ, 0x1000, 16), 0); /* nothing typed */
	typed = "typed";
	assert_int_equal(hc(XL_HC_CONSOLE_IO, XL_CONSOLE_READ, 0x1000, 3), 3);
	assert_memory_equal(mem + 0x1000, "typ", 3);
	assert_int_equal(hc(XL_HC_CONSOLE_IO, XL_CONSOLE_READ, 0x1000, 16), 2);
	assert_memory_equal(mem + 0x1000, "ed", 2);
	/* a buffer outside memory is refused before anything is taken */
	typed = "x";
	assert_int_equal(hc(XL_HC_CONSOLE_IO, XL_CONSOLE_READ, MEM_SIZE - 2, 16), -EFAULT);
	assert_string_equal(typed, "x");
	typed = "";
}

static void test_domctl_dom0_only(void **state)
{
	assert_int_equal(hc(XL_HC_DOMCTL, XL_DOMCTL_DESTROY, 0, 0), -EPERM);
	assert_int_equal(domctl_calls, 0);
	dom.privileged = true;
	assert_int_equal(xl_hc(XL_HC_DOMCTL, XL_DOMCTL_PAUSE, 0, 0, 3), 7);
	assert_int_equal(domctl_calls, 1);
	dom.privileged = false;
}

/* XL_HC_MODULE reaches its handler from any domain, which checks who may do what (test_module_call) */
static void test_module_any_domain(void **state)
{
	assert_int_equal(xl_hc(XL_HC_MODULE, XL_MODULE_CALL, 0x2000, 64, 5), 9);
	assert_int_equal(module_calls, 1);
	assert_int_equal(module_args[0], XL_MODULE_CALL);
	assert_int_equal(module_args[1], 0x2000);
	assert_int_equal(module_args[2], 64);
	assert_int_equal(module_args[3], 5);
	assert_int_equal(hc(XL_HC_COUNT, 0, 0, 0), -ENOSYS);
}

/* XL_HC_EVENT and XL_HC_SHM reach their handlers from any domain, their four arguments in ABI order */
static void test_event_shm_any_domain(void **state)
{
	assert_int_equal(xl_hc(XL_HC_EVENT, XL_EVENT_BIND, 3, 1, 0x40), 11);
	assert_int_equal(event_calls, 1);
	assert_true(event_args[0] == XL_EVENT_BIND && event_args[1] == 3 && event_args[2] == 1 &&
		    event_args[3] == 0x40);
	assert_int_equal(xl_hc(XL_HC_SHM, XL_SHM_QUERY, 0x3000, 128, 0), 13);
	assert_int_equal(shm_calls, 1);
	assert_true(shm_args[0] == XL_SHM_QUERY && shm_args[1] == 0x3000 && shm_args[2] == 128 &&
		    shm_args[3] == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_write_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_write_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_write_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_write_outside_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_unknown_op, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_query_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_query_bad_code, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_bad_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_numbers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysctl_dom0_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domctl_dom0_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_module_any_domain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_shm_any_domain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_read, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
