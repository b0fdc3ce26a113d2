/*
 * XL_HC_MODULE's decoding (hypercalls/module_call.c) against a fake domain
 * and a fake loader: who may do what, every buffer checked and copied
 * before the loader sees it, the refusal's reason copied back, a module's
 * call given the caller's identity and its data, and its answer returned.
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
#include <xen-lite/errno.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/heap.h>
#include <xen-lite/hypercall.h>
#include <xen-lite/module_loader.h>

#include "log_capture.h"

#define MEM_SIZE (256 * 1024)

static struct domain dom;
static struct vcpu vcpu;
static uint8_t *mem;

/* what the fake loader saw */
static unsigned int stage_calls, load_calls, unload_calls, list_calls, call_calls;
static uint64_t staged_total, staged_offset;
static uint8_t staged[4096];
static uint32_t staged_length;
static char loaded_args[128], unloaded_name[64], called_name[64];
static struct xl_module_call last_call;
static uint8_t call_data_seen[64];
static int stage_result, load_result;

/* ---- fakes ----------------------------------------------------------------------- */

int copy_from_guest(struct domain *d, void *dst, gpa_t at, uint64_t len)
{
	uint64_t gpa = gpa_addr(at);

	if (gpa > d->mem_size || len > d->mem_size - gpa)
		return -EFAULT;
	memcpy(dst, mem + gpa, len);
	return 0;
}

int copy_to_guest(struct domain *d, gpa_t at, const void *src, uint64_t len)
{
	uint64_t gpa = gpa_addr(at);

	if (gpa > d->mem_size || len > d->mem_size - gpa)
		return -EFAULT;
	memcpy(mem + gpa, src, len);
	return 0;
}

bool domain_range_is_ram(const struct domain *d, gpa_t at, uint64_t len)
{
	uint64_t gpa = gpa_addr(at);

	return gpa <= d->mem_size && len <= d->mem_size - gpa;
}

void *xl_zalloc(size_t size)
{
	return calloc(1, size);
}

void xl_free(void *p)
{
	free(p);
}

int module_stage(uint64_t total, uint64_t offset, const void *chunk, uint32_t length, char *why)
{
	stage_calls++;
	staged_total = total;
	staged_offset = offset;
	staged_length = length;
	memcpy(staged, chunk, length < sizeof(staged) ? length : sizeof(staged));
	if (stage_result < 0)
		strcpy(why, "chunk out of order");
	return stage_result;
}

int module_load_staged(const char *args, char *why)
{
	load_calls++;
	snprintf(loaded_args, sizeof(loaded_args), "%s", args);
	if (load_result < 0)
		strcpy(why, "symbol 'foo' is not exported by the hypervisor");
	return load_result;
}

int module_unload(const char *name, char *why)
{
	unload_calls++;
	snprintf(unloaded_name, sizeof(unloaded_name), "%s", name);
	strcpy(why, "no module named that");
	return -ENOENT;
}

int module_list(struct xl_module_entry *out, unsigned int max)
{
	list_calls++;
	for (unsigned int i = 0; i < 3 && i < max; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].id = i + 1;
	}
	return 3;
}

static bool no_such_module;

int64_t module_call(const char *name, struct xl_module_call *c, bool *answered)
{
	call_calls++;
	*answered = !no_such_module;
	if (no_such_module)
		return -ENOENT;
	snprintf(called_name, sizeof(called_name), "%s", name);
	last_call = *c;
	if (c->size)
		memcpy(call_data_seen, c->buf, c->size < sizeof(call_data_seen) ? c->size : sizeof(call_data_seen));
	if (c->size >= 4)
		memcpy(c->buf, "DONE", 4); /* the answer, in place */
	return 42;
}

/* ---- helpers --------------------------------------------------------------------- */

static int setup(void **state)
{
	mem = calloc(1, MEM_SIZE);
	memset(&dom, 0, sizeof(dom));
	dom.id = 3;
	dom.mem_size = MEM_SIZE;
	dom.privileged = true;
	vcpu.domain = &dom;
	stage_calls = load_calls = unload_calls = list_calls = call_calls = 0;
	stage_result = 0;
	load_result = 0;
	no_such_module = false;
	return 0;
}

static int teardown(void **state)
{
	free(mem);
	return 0;
}

static int64_t mhc(uint64_t op, uint64_t buf, uint64_t size, uint64_t arg)
{
	return module_hypercall(&vcpu, op, gpa_init(buf), size, arg);
}

static struct xl_module_load *load_header(uint64_t at, uint64_t total, uint64_t offset, uint32_t length)
{
	struct xl_module_load *h = (void *)(mem + at);

	memset(h, 0, sizeof(*h));
	h->total = total;
	h->offset = offset;
	h->length = length;
	strcpy(h->args, "reasons=io");
	memset(mem + at + sizeof(*h), 0xab, length);
	return h;
}

/* ---- tests ----------------------------------------------------------------------- */

static void test_guest_may_not_administer(void **state)
{
	dom.privileged = false;
	load_header(0x1000, 64, 0, 64);
	assert_int_equal(mhc(XL_MODULE_LOAD, 0x1000, sizeof(struct xl_module_load) + 64, 0), -EPERM);
	assert_int_equal(mhc(XL_MODULE_UNLOAD, 0x1000, sizeof(struct xl_module_unload), 0), -EPERM);
	assert_int_equal(mhc(XL_MODULE_LIST, 0x1000, 4096, 0), -EPERM);
	assert_int_equal(stage_calls + unload_calls + list_calls, 0);
}

static void test_unknown_op(void **state)
{
	assert_int_equal(mhc(XL_MODULE_CALL + 1, 0x1000, 64, 0), -EINVAL);
	assert_int_equal(mhc(~0ULL, 0x1000, 64, 0), -EINVAL);
}

static void test_load_chunk_and_last(void **state)
{
	uint64_t size = sizeof(struct xl_module_load) + 100;

	load_header(0x1000, 300, 200, 100);
	stage_result = 0; /* more expected */
	assert_int_equal(mhc(XL_MODULE_LOAD, 0x1000, size, 0), 0);
	assert_int_equal(stage_calls, 1);
	assert_int_equal(staged_total, 300);
	assert_int_equal(staged_offset, 200);
	assert_int_equal(staged_length, 100);
	assert_int_equal(staged[0], 0xab);
	assert_int_equal(staged[99], 0xab);
	assert_int_equal(load_calls, 0);
	stage_result = 1; /* the last chunk */
	load_result = 4;
	assert_int_equal(mhc(XL_MODULE_LOAD, 0x1000, size, 0), 4);
	assert_int_equal(load_calls, 1);
	assert_string_equal(loaded_args, "reasons=io");
}

static void test_load_refusal_reason_copied(void **state)
{
	struct xl_module_load *h = load_header(0x1000, 64, 0, 64);

	stage_result = 1;
	load_result = -ENOENT;
	assert_int_equal(mhc(XL_MODULE_LOAD, 0x1000, sizeof(*h) + 64, 0), -ENOENT);
	assert_string_equal(h->why, "symbol 'foo' is not exported by the hypervisor");
	stage_result = -EINVAL;
	assert_int_equal(mhc(XL_MODULE_LOAD, 0x1000, sizeof(*h) + 64, 0), -EINVAL);
	assert_string_equal(h->why, "chunk out of order");
}

static void test_load_bad_headers(void **state)
{
	struct xl_module_load *h = load_header(0x1000, 64, 0, 64);

	/* a header that does not fit, a chunk longer than the buffer, reserved bits */
	assert_int_equal(mhc(XL_MODULE_LOAD, 0x1000, sizeof(*h) - 1, 0), -EINVAL);
	assert_int_equal(mhc(XL_MODULE_LOAD, 0x1000, sizeof(*h) + 63, 0), -EINVAL);
	h->length = 0xffffffffu;
	assert_int_equal(mhc(XL_MODULE_LOAD, 0x1000, sizeof(*h) + 64, 0), -EINVAL);
	h->length = 64;
	h->reserved = 1;
	assert_int_equal(mhc(XL_MODULE_LOAD, 0x1000, sizeof(*h) + 64, 0), -EINVAL);
	/* a buffer that leaves the domain's memory, or wraps */
	assert_int_equal(mhc(XL_MODULE_LOAD, MEM_SIZE - 16, sizeof(*h) + 64, 0), -EFAULT);
	assert_int_equal(mhc(XL_MODULE_LOAD, ~0ULL - 8, 64, 0), -EFAULT);
	assert_int_equal(stage_calls, 0);
}

static void test_load_args_cut(void **state)
{
	struct xl_module_load *h = load_header(0x1000, 64, 0, 64);

	memset(h->args, 'x', sizeof(h->args)); /* no NUL */
	stage_result = 1;
	load_result = 1;
	assert_int_equal(mhc(XL_MODULE_LOAD, 0x1000, sizeof(*h) + 64, 0), 1);
	assert_int_equal(strlen(loaded_args), sizeof(h->args) - 1);
}

static void test_unload(void **state)
{
	struct xl_module_unload *u = (void *)(mem + 0x2000);

	memset(u->name, 'n', sizeof(u->name)); /* unterminated: cut at the last byte */
	assert_int_equal(mhc(XL_MODULE_UNLOAD, 0x2000, sizeof(*u), 0), -ENOENT);
	assert_int_equal(strlen(unloaded_name), sizeof(u->name) - 1);
	assert_string_equal(u->why, "no module named that");
	assert_int_equal(mhc(XL_MODULE_UNLOAD, 0x2000, sizeof(*u) - 1, 0), -EINVAL);
}

static void test_list_fits_buffer(void **state)
{
	struct xl_module_entry *e = (void *)(mem + 0x3000);

	memset(e, 0xee, 3 * sizeof(*e));
	/* room for two: two written, the count of all returned */
	assert_int_equal(mhc(XL_MODULE_LIST, 0x3000, 2 * sizeof(*e) + 10, 0), 3);
	assert_int_equal(e[0].id, 1);
	assert_int_equal(e[1].id, 2);
	assert_int_equal(e[2].id, 0xeeeeeeeeu); /* untouched */
	assert_int_equal(mhc(XL_MODULE_LIST, 0x3000, 0, 0), 3);
}

static void test_call_from_a_guest(void **state)
{
	struct xl_module_call_header *h = (void *)(mem + 0x4000);
	uint8_t *data = mem + 0x4000 + sizeof(*h);

	dom.privileged = false;
	memset(h, 0, sizeof(*h));
	strcpy(h->name, "exit-profiler");
	h->op = 7;
	memcpy(data, "ping", 4);
	assert_int_equal(mhc(XL_MODULE_CALL, 0x4000, sizeof(*h) + 16, 99), 42);
	assert_string_equal(called_name, "exit-profiler");
	assert_int_equal(last_call.caller_domain, 3);
	assert_false(last_call.caller_privileged);
	assert_int_equal(last_call.op, 7);
	assert_int_equal(last_call.arg, 99);
	assert_int_equal(last_call.size, 16);
	assert_memory_equal(call_data_seen, "ping", 4);
	assert_memory_equal(data, "DONE", 4); /* the module's answer copied back */
	/* no such module: the buffer is left as the guest has it */
	no_such_module = true;
	memcpy(data, "mine", 4);
	assert_int_equal(mhc(XL_MODULE_CALL, 0x4000, sizeof(*h) + 16, 99), -ENOENT);
	assert_memory_equal(data, "mine", 4);
}

static void test_call_bad_buffers(void **state)
{
	struct xl_module_call_header *h = (void *)(mem + 0x4000);

	memset(h, 0, sizeof(*h));
	strcpy(h->name, "m");
	assert_int_equal(mhc(XL_MODULE_CALL, 0x4000, sizeof(*h) - 1, 0), -EINVAL);
	assert_int_equal(mhc(XL_MODULE_CALL, 0x4000, sizeof(*h) + XL_MODULE_MAX_CALL + 1, 0), -EINVAL);
	assert_int_equal(mhc(XL_MODULE_CALL, MEM_SIZE - 8, sizeof(*h), 0), -EFAULT);
	assert_int_equal(mhc(XL_MODULE_CALL, MEM_SIZE - sizeof(*h) - 8, sizeof(*h) + 64, 0), -EFAULT);
	h->reserved = 1;
	assert_int_equal(mhc(XL_MODULE_CALL, 0x4000, sizeof(*h), 0), -EINVAL);
	assert_int_equal(call_calls, 0);
	/* no data: the module is still asked, with none */
	h->reserved = 0;
	assert_int_equal(mhc(XL_MODULE_CALL, 0x4000, sizeof(*h), 0), 42);
	assert_int_equal(last_call.size, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_guest_may_not_administer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_op, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_chunk_and_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_refusal_reason_copied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_bad_headers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_args_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_fits_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_from_a_guest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_bad_buffers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
