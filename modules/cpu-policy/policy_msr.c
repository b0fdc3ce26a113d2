/* The cpu-policy module's MSR rules against a domain (see policy_msr.h). */
#include <xen-lite/errno.h>
#include <xen-lite/module.h>

#include "policy_msr.h"
#include "policy_rules.h"

_Static_assert(CPU_MSR_NEEDS_READ == XL_MSR_EXITS_READ && CPU_MSR_NEEDS_WRITE == XL_MSR_EXITS_WRITE,
	       "a rule's needs are in the export's bits");

static const char *const directions[] = {
	[CPU_MSR_NEEDS_READ] = "reads",
	[CPU_MSR_NEEDS_WRITE] = "writes",
	[CPU_MSR_NEEDS_READ | CPU_MSR_NEEDS_WRITE] = "reads and writes",
};

int policy_msr_reachable(uint32_t domain, const struct xl_msr_rule *msr, uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++) {
		int exits = xl_domain_msr_exits(domain, msr[i].msr);
		unsigned int missing;

		if (exits < 0)
			return exits;
		/*
		 * An access that does not exit runs on the CPU: no hook sees it,
		 * so a rule that needs it would be a promise nothing keeps.
		 */
		missing = cpu_msr_rule_needs(&msr[i]) & ~(unsigned int)exits;
		if (missing) {
			log_warn("cpu-policy: policy for d%u refused: MSR %#x is the guest's own (its %s do not reach "
				 "the hypervisor): a policy cannot reach it (MSR rule %u)\n", domain, msr[i].msr,
				 directions[missing], i);
			return -EINVAL;
		}
	}
	return 0;
}

bool policy_msr_read(const struct policy_table *t, uint32_t domain, uint32_t msr, uint64_t *value)
{
	struct xl_msr_rule r;

	return !policy_msr_rule(t, domain, msr, &r) || cpu_msr_rule_read(&r, value);
}

bool policy_msr_write(const struct policy_table *t, uint32_t domain, uint32_t msr, uint64_t value)
{
	struct xl_msr_rule r;

	return !policy_msr_rule(t, domain, msr, &r) || cpu_msr_rule_write(&r, value);
}
