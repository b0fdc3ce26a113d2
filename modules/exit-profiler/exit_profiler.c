/*
 * exit-profiler: how many VM exits each domain takes, for which reasons,
 * and how long the hypervisor spends on each (Documentation/modules/
 * exit-profiler.md). The `after` exit hook counts an exit's latency, from
 * the TSC the hypervisor read when it took the exit to the end of its
 * handling; dom0 reads the counts with XL_MODULE_CALL (xl-lite profile),
 * in the format of exit_profiler_abi.h.
 */
#include <xen-lite/errno.h>
#include <xen-lite/module.h>

#include "prof_args.h"
#include "prof_table.h"

static struct prof_table *table;

static void exit_after(struct vcpu *v, const struct xl_exit_event *e)
{
	uint64_t now = xl_rdtsc();

	prof_record(table, e->domain_id, e->reason, now > e->exit_tsc ? now - e->exit_tsc : 0);
}

static void domain_destroyed(uint32_t domain_id)
{
	prof_forget(table, domain_id);
}

static int64_t call(struct xl_module_call *c)
{
	struct prof_info info = { .tsc_khz = xl_tsc_khz(), .reason_name = xl_exit_reason_name };

	if (!c->caller_privileged)
		return -EPERM;
	switch (c->op) {
	case XL_PROF_OP_READ:
		return prof_read(table, c->arg, c->buf, c->size, &info);
	case XL_PROF_OP_RESET:
		return prof_reset(table, c->arg);
	default:
		return -EINVAL;
	}
}

static const struct xl_domain_hooks domain_hooks = { .destroyed = domain_destroyed };

static int init(const char *args)
{
	static struct xl_exit_hooks exit_hooks = { .after = exit_after };
	struct prof_arg_error bad;
	uint32_t mask;
	int err;

	if (prof_parse_args(args, EXIT_REASON_COUNT, xl_exit_reason_name, &mask, &bad)) {
		log_warn("exit-profiler: '%.*s' refused: the argument is reasons=NAME[,NAME...], "
			 "NAME an exit reason (hypercall, cpuid, io, npf, ...)\n", (int)bad.len, bad.at);
		return -EINVAL;
	}
	table = xl_zalloc(sizeof(*table));
	if (!table)
		return -ENOMEM;
	table->reasons_hooked = mask ? mask : (uint32_t)((1ull << EXIT_REASON_COUNT) - 1);
	exit_hooks.reasons = mask;
	err = xl_hook_exits(&exit_hooks);
	if (!err)
		err = xl_hook_domains(&domain_hooks);
	if (!err)
		err = xl_module_ops(call);
	if (err) {
		/* a failed init's hooks never become visible, and exit() is not called */
		xl_free(table);
		table = NULL;
	}
	return err;
}

static void fini(void)
{
	xl_free(table);
	table = NULL;
}

XL_MODULE("exit-profiler", "1.0", init, fini, NULL);
