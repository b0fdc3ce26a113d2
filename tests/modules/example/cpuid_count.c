/* The complete example of Documentation/modules.md (kept identical: the tests load it). */
#include <xen-lite/domain.h> /* enum exit_reason */
#include <xen-lite/errno.h>
#include <xen-lite/module.h>

static uint64_t cpuid_exits;

static void count(struct vcpu *v, const struct xl_exit_event *e)
{
	__atomic_fetch_add(&cpuid_exits, 1, __ATOMIC_RELAXED);
}

static int64_t call(struct xl_module_call *c)
{
	if (!c->caller_privileged)
		return -EPERM;
	if (c->op != 0 || c->size < sizeof(uint64_t))
		return -EINVAL;
	memcpy(c->buf, &cpuid_exits, sizeof(uint64_t));
	return 0;
}

static int start(const char *args)
{
	static const struct xl_exit_hooks hooks = { .after = count, .reasons = 1u << EXIT_CPUID };
	int err = xl_hook_exits(&hooks);

	return err ? err : xl_module_ops(call);
}

static void stop(void)
{
	xl_log(LOG_INFO, "cpuid-count: %llu CPUID exits\n", (unsigned long long)cpuid_exits);
}

XL_MODULE("cpuid-count", "1.0", start, stop, NULL);
