/*
 * module_probe: a guest that is not dom0 asks for what only dom0 may do
 * with behaviour modules (load, unload, list: each must be refused with
 * -EPERM, and a module's own operation is the module's to refuse), then
 * takes exits of three kinds in a loop - CPUID, a hypercall, an I/O port
 * read - until dom0 asks it to end, so that dom0 can compare what a module
 * counted with the hypervisor's own counters. Every 2^16 rounds it asks the
 * exit profiler for its figures and says when the answer changes (-ENOENT
 * while no such module is loaded, -EPERM from the module itself).
 */
#include "guest.h"

#define ENOENT 2
#define EPERM 1

static uint8_t buffer[512];

static long module_hc(uint64_t op, uint64_t size)
{
	return xl_hypercall6(XL_HC_MODULE, op, (uint64_t)(uintptr_t)buffer, size, 0, 0, 0);
}

static void probe_admin_ops(void)
{
	struct xl_module_load *load = (void *)buffer;
	long r;

	load->total = 64;
	load->offset = 0;
	load->length = 64;
	r = module_hc(XL_MODULE_LOAD, sizeof(*load) + 64);
	CHECK(r == -EPERM, "XL_MODULE_LOAD from a guest returned %ld, not -EPERM", r);
	r = module_hc(XL_MODULE_LIST, sizeof(buffer));
	CHECK(r == -EPERM, "XL_MODULE_LIST from a guest returned %ld, not -EPERM", r);
	r = module_hc(XL_MODULE_UNLOAD, sizeof(struct xl_module_unload));
	CHECK(r == -EPERM, "XL_MODULE_UNLOAD from a guest returned %ld, not -EPERM", r);
	gprintf("module-probe: load, list and unload refused (-EPERM)\n");
}

static long ask_profiler(void)
{
	struct xl_module_call_header *h = (void *)buffer;

	for (unsigned int i = 0; i < sizeof(h->name); i++)
		h->name[i] = "exit-profiler"[i < 13 ? i : 13];
	h->op = 0;
	h->reserved = 0;
	return module_hc(XL_MODULE_CALL, sizeof(buffer));
}

void guest_main(const struct xl_start_info *si)
{
	long last = 1, answer;
	uint64_t rounds = 0;

	(void)si;
	probe_admin_ops();
	gprintf("module-probe: taking exits\n");
	while (hc_shutdown(XL_SHUTDOWN_QUERY, 0) == 0) {
		(void)cpuid(0, 0);
		(void)hc_version(XL_VERSION_ABI);
		(void)inb(0x80);
		if ((++rounds & 0xffff) != 0)
			continue;
		answer = ask_profiler();
		CHECK(answer == -ENOENT || answer == -EPERM,
		      "the exit profiler answered a guest with %ld", answer);
		if (answer != last)
			gprintf("module-probe: the exit profiler answers %ld\n", answer);
		last = answer;
	}
	gprintf("module-probe: asked to end after %llu rounds\n", (unsigned long long)rounds);
	shutdown(XL_SHUTDOWN_POWEROFF, 0);
}
