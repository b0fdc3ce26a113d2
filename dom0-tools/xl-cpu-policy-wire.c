/* A cpu-policy policy on the wire (see xl-cpu-policy-wire.h). */
#include <string.h>

#include "../modules/cpu-policy/policy_rules.h"
#include "xl-cpu-policy-wire.h"

size_t xl_cpu_policy_encode(const struct xl_cpuid_policy *p, const struct xl_msr_policy *m, void *buf,
			    size_t size, const char **why)
{
	/* without MSR rules, version 1: what a module of that version takes too */
	struct xl_cpu_policy_header h = { XL_CPU_POLICY_MAGIC, m->nr ? XL_CPU_POLICY_VERSION : XL_CPU_POLICY_VERSION_1,
					  p->nr, m->nr };
	struct xl_cpuid_rule check[XL_CPU_POLICY_MAX_RULES];
	struct xl_msr_rule msr[XL_CPU_POLICY_MAX_MSR_RULES];
	size_t len = XL_CPU_POLICY_SIZE2((size_t)p->nr, (size_t)m->nr);
	enum cpu_policy_problem problem;
	uint32_t nr, nr_msr, bad;

	*why = "the buffer is too small";
	if (p->nr > XL_CPU_POLICY_MAX_RULES || m->nr > XL_CPU_POLICY_MAX_MSR_RULES || len > size)
		return 0;
	memcpy(buf, &h, sizeof(h));
	memcpy((char *)buf + sizeof(h), p->rule, p->nr * sizeof(p->rule[0]));
	memcpy((char *)buf + XL_CPU_POLICY_SIZE(p->nr), m->rule, m->nr * sizeof(m->rule[0]));
	problem = cpu_policy_check(buf, len, check, &nr, msr, &nr_msr, &bad);
	*why = cpu_policy_problem_text(problem);
	return problem == CPU_POLICY_OK ? len : 0;
}

const char *xl_cpu_policy_decode(const void *buf, int64_t n, size_t size, struct xl_cpuid_policy *p,
				 struct xl_msr_policy *m)
{
	enum cpu_policy_problem problem;
	uint32_t nr, nr_msr, bad;

	memset(p, 0, sizeof(*p));
	memset(m, 0, sizeof(*m));
	if (n < 0 || (uint64_t)n > size)
		return "more bytes than the buffer holds";
	problem = cpu_policy_check(buf, (uint64_t)n, p->rule, &nr, m->rule, &nr_msr, &bad);
	if (problem != CPU_POLICY_OK)
		return cpu_policy_problem_text(problem);
	p->nr = nr;
	m->nr = nr_msr;
	for (uint32_t i = 0; i < nr; i++)
		p->named[i] = 0xffffffffu;
	return NULL;
}
