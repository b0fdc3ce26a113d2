/*
 * cpu-policy: per-domain CPUID and MSR masks, so that a guest sees the
 * feature set its configuration names rather than whatever the node's CPU
 * has (Documentation/modules/cpu-policy.md). dom0 sets a domain's policy
 * with XL_MODULE_CALL (xl-lite create with a `cpuid` or `msr` key, in the
 * format of cpu_policy_abi.h); the CPUID and MSR policy hooks apply it
 * after the core's own policy, on the CPU of the vCPU; a domain's policy
 * goes with it.
 */
#include <xen-lite/errno.h>
#include <xen-lite/module.h>

#include "policy_msr.h"
#include "policy_rules.h"
#include "policy_table.h"

static struct policy_table *table;

/* SET's rules once checked, and a restart's copy: under setting (below). */
static struct xl_cpuid_rule scratch[XL_CPU_POLICY_MAX_RULES];
static struct xl_msr_rule scratch_msr[XL_CPU_POLICY_MAX_MSR_RULES];
static uint8_t wire[XL_CPU_POLICY_MAX_SIZE];

/*
 * policy_set() calls are serialised: dom0's SET (module calls are already
 * serialised by the loader) and a restart's copy, on the guest's CPU. Both
 * hold it for a few hundred instructions and take nothing inside it.
 */
static uint8_t setting;

static void setting_begin(void)
{
	while (__atomic_test_and_set(&setting, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void setting_end(void)
{
	__atomic_clear(&setting, __ATOMIC_RELEASE);
}

/* busy()'s answer: written under the same lock, read by the loader right away. */
static char busy_reason[100];

static void cpuid_hook(uint32_t domain_id, uint32_t leaf, uint32_t subleaf, struct xl_cpuid_regs *r)
{
	uint32_t regs[XL_CPUID_NR_REGS] = { r->eax, r->ebx, r->ecx, r->edx };

	if (!policy_apply(table, domain_id, leaf, subleaf, regs))
		return;
	r->eax = regs[XL_CPUID_EAX];
	r->ebx = regs[XL_CPUID_EBX];
	r->ecx = regs[XL_CPUID_ECX];
	r->edx = regs[XL_CPUID_EDX];
}

static bool msr_read_hook(uint32_t domain_id, uint32_t msr, uint64_t *value)
{
	return policy_msr_read(table, domain_id, msr, value);
}

static bool msr_write_hook(uint32_t domain_id, uint32_t msr, uint64_t value)
{
	return policy_msr_write(table, domain_id, msr, value);
}

static void domain_destroyed(uint32_t domain_id)
{
	if (!policy_clear(table, domain_id))
		log_info("cpu-policy: domain d%u destroyed: its policy dropped\n", domain_id);
}

/*
 * Whether the domain exists. The module API has no lookup; a one-byte read
 * of its memory answers -ENOENT for a domain that does not exist, and
 * something else (0, or -EFAULT before its memory is there) for one that does.
 */
static bool domain_exists(uint32_t domain_id)
{
	uint8_t byte;

	return xl_domain_read(domain_id, 0, &byte, 1) != -ENOENT;
}

/* A restart's new domain keeps its predecessor's policy (it has not run yet). */
static void domain_restarted(uint32_t old_id, uint32_t new_id)
{
	static struct xl_cpuid_rule rules[XL_CPU_POLICY_MAX_RULES];
	static struct xl_msr_rule msr[XL_CPU_POLICY_MAX_MSR_RULES];
	uint32_t nr, nr_msr, bad;
	int64_t n;

	/* built from the old one's configuration: its MSRs exit as the old one's did */
	setting_begin();
	n = policy_get(table, old_id, wire, sizeof(wire));
	if (n > 0 && cpu_policy_check(wire, (uint64_t)n, rules, &nr, msr, &nr_msr, &bad) == CPU_POLICY_OK &&
	    !policy_set(table, new_id, rules, nr, msr, nr_msr))
		log_info("cpu-policy: domain d%u restarted as d%u: its policy kept\n", old_id, new_id);
	setting_end();
}

static int64_t op_set(uint32_t domain, const struct xl_module_call *c)
{
	uint32_t nr, nr_msr, bad;
	enum cpu_policy_problem p = cpu_policy_check(c->buf, c->size, scratch, &nr, scratch_msr, &nr_msr, &bad);
	int err;

	if (p != CPU_POLICY_OK) {
		log_warn("cpu-policy: policy for d%u refused: %s (%srule %u)\n", domain,
			 cpu_policy_problem_text(p), cpu_policy_problem_is_msr(p) ? "MSR " : "", bad);
		return -EINVAL;
	}
	if (!domain_exists(domain))
		return -ENOENT;
	err = policy_msr_reachable(domain, scratch_msr, nr_msr);
	if (err)
		return err;
	setting_begin();
	err = policy_set(table, domain, scratch, nr, scratch_msr, nr_msr);
	setting_end();
	if (err)
		return err;
	/*
	 * Destroyed meanwhile, before its policy was there for the destroyed
	 * hook to drop: dropped here, so no policy outlives its domain.
	 */
	if (!domain_exists(domain)) {
		policy_clear(table, domain);
		return -ENOENT;
	}
	log_info("cpu-policy: domain d%u: %u rule(s) set, %u MSR rule(s)\n", domain, nr, nr_msr);
	return 0;
}

static int64_t call(struct xl_module_call *c)
{
	uint32_t domain = (uint32_t)c->arg;

	if (!c->caller_privileged)
		return -EPERM;
	/* dom0's answers stay the core's: its kernel read them at boot, long before any policy */
	if (c->arg > UINT32_MAX || !domain)
		return -EINVAL;
	switch (c->op) {
	case XL_CPU_POLICY_OP_SET:
		return op_set(domain, c);
	case XL_CPU_POLICY_OP_CLEAR:
		if (policy_clear(table, domain))
			return -ENOENT;
		log_info("cpu-policy: domain d%u: policy removed\n", domain);
		return 0;
	case XL_CPU_POLICY_OP_GET:
		return policy_get(table, domain, c->buf, c->size);
	default:
		return -EINVAL;
	}
}

/*
 * Not while a domain has a policy: unloaded, the module would hand that
 * domain the node's own features from its next CPUID on. A slot whose
 * domain has gone is dropped here rather than counted.
 */
static const char *busy(void)
{
	unsigned int cursor = 0;
	uint32_t domain;

	while (policy_next_domain(table, &cursor, &domain)) {
		if (!domain_exists(domain)) {
			policy_clear(table, domain);
			continue;
		}
		xl_snprintf(busy_reason, sizeof(busy_reason),
			    "domain d%u has a CPU policy (xl-lite cpu-policy -r %u, or destroy it)", domain, domain);
		return busy_reason;
	}
	return NULL;
}

static int init(const char *args)
{
	static const struct xl_policy_hooks policy_hooks = { .cpuid = cpuid_hook,
							     .msr_read = msr_read_hook,
							     .msr_write = msr_write_hook };
	static const struct xl_domain_hooks domain_hooks = { .destroyed = domain_destroyed,
							     .restarted = domain_restarted };
	int err;

	if (args && *args) {
		log_warn("cpu-policy: '%s' refused: the module takes no argument\n", args);
		return -EINVAL;
	}
	table = xl_zalloc(sizeof(*table));
	if (!table)
		return -ENOMEM;
	err = xl_hook_policy(&policy_hooks);
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

XL_MODULE("cpu-policy", "1.0", init, fini, busy);
