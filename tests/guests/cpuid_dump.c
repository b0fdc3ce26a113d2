/*
 * cpuid_dump: the CPUID answers this guest gets, for dom0 to compare with
 * a cpu-policy policy (Documentation/modules/cpu-policy.md). Its command
 * line names the leaves:
 *
 *   leaves=1,7.0,0x80000001    LEAF or LEAF.SUBLEAF, decimal or 0x hex (at most 8)
 *
 * and it prints one line per leaf,
 *
 *   cpuid-dump: 0x00000001.0: eax 0x... ebx 0x... ecx 0x... edx 0x...
 *
 * With msrs=0xc0000080,0xc001001f (at most 8, decimal or 0x hex) it reads
 * each MSR, then writes back what it read (0 after a #GP):
 *
 *   cpuid-dump: msr 0xc0000080: 0x0000000000000501     or: #GP
 *   cpuid-dump: msr 0xc0000080 write: ok               or: #GP
 *
 * then tries to set its own policy through the cpu-policy module - which
 * only dom0 may: "cpuid-dump: SET from the guest: -1" (-EPERM; -2 when no
 * such module is loaded) - and passes.
 */
#include "guest.h"

#include "../../modules/cpu-policy/cpu_policy_abi.h"

#define MAX_LEAVES 8
#define MAX_MSRS 8
#define VECTOR_GP 13

static uint8_t buffer[256];

/* A number at *p, decimal or 0x hex; *p moves past it. */
static uint32_t number(const char **p)
{
	uint32_t v = 0;

	if ((*p)[0] == '0' && (*p)[1] == 'x') {
		for (*p += 2; (**p >= '0' && **p <= '9') || ((**p | 0x20) >= 'a' && (**p | 0x20) <= 'f'); (*p)++)
			v = v * 16 + (uint32_t)(**p <= '9' ? **p - '0' : (**p | 0x20) - 'a' + 10);
		return v;
	}
	for (; **p >= '0' && **p <= '9'; (*p)++)
		v = v * 10 + (uint32_t)(**p - '0');
	return v;
}

static void dump(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r = cpuid(leaf, subleaf);

	gprintf("cpuid-dump: 0x%08x.%u: eax 0x%08x ebx 0x%08x ecx 0x%08x edx 0x%08x\n", leaf, subleaf, r.eax,
		r.ebx, r.ecx, r.edx);
}

/* An MSR read, then written back: what the domain's MSR policy lets through. */
static void dump_msr(uint32_t msr)
{
	uint64_t value = 0;
	int vec = rdmsr_safe(msr, &value);

	if (vec < 0)
		gprintf("cpuid-dump: msr 0x%x: 0x%016llx\n", msr, (unsigned long long)value);
	else
		gprintf("cpuid-dump: msr 0x%x: %s\n", msr, vec == VECTOR_GP ? "#GP" : "an exception");
	vec = wrmsr_safe(msr, vec < 0 ? value : 0);
	gprintf("cpuid-dump: msr 0x%x write: %s\n", msr, vec < 0 ? "ok" : vec == VECTOR_GP ? "#GP" : "an exception");
}

/* A policy of one rule (leaf 1 ECX, every bit cleared) for this very guest, sent as dom0 would. */
static long set_own_policy(uint32_t domain_id)
{
	struct xl_module_call_header *h = (void *)buffer;
	struct xl_cpu_policy_header p = { XL_CPU_POLICY_MAGIC, XL_CPU_POLICY_VERSION, 1, 0 };
	struct xl_cpuid_rule r = { 1, XL_CPUID_ANY_SUBLEAF, XL_CPUID_ECX, 0, 0 };
	uint64_t size = sizeof(*h) + sizeof(p) + sizeof(r);

	memset(buffer, 0, sizeof(buffer));
	memcpy(h->name, XL_CPU_POLICY_MODULE, sizeof(XL_CPU_POLICY_MODULE));
	h->op = XL_CPU_POLICY_OP_SET;
	memcpy(buffer + sizeof(*h), &p, sizeof(p));
	memcpy(buffer + sizeof(*h) + sizeof(p), &r, sizeof(r));
	return xl_hypercall6(XL_HC_MODULE, XL_MODULE_CALL, (uint64_t)(uintptr_t)buffer, size, domain_id, 0, 0);
}

void guest_main(const struct xl_start_info *si)
{
	char list[128];
	const char *p = list;
	unsigned int n = 0, leaves;

	CHECK(cmdline_get("leaves", list, sizeof(list)), "no leaves= on the command line");
	while (*p && n++ < MAX_LEAVES) {
		uint32_t leaf = number(&p), subleaf = 0;

		if (*p == '.') {
			p++;
			subleaf = number(&p);
		}
		dump(leaf, subleaf);
		CHECK(!*p || *p == ',', "leaves=%s: '%c' where a ',' is", list, *p);
		p += *p == ',';
	}
	leaves = n;
	n = 0;
	if (cmdline_get("msrs", list, sizeof(list))) {
		for (p = list; *p && n++ < MAX_MSRS;) {
			dump_msr(number(&p));
			CHECK(!*p || *p == ',', "msrs=%s: '%c' where a ',' is", list, *p);
			p += *p == ',';
		}
	}
	gprintf("cpuid-dump: SET from the guest: %ld\n", set_own_policy(si->domain_id));
	/* still what it was: a refused SET changed nothing */
	dump(1, 0);
	pass("cpuid-dump: %u leaves", leaves);
}
