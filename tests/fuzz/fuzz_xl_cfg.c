/*
 * Fuzz the guest configuration files of `xl-lite create FILE`
 * (dom0-tools/xl-cfg.c): xl_cfg_parse() and, for a file it accepts, the
 * XL_DOMCTL_CREATE request built from it, checked against what the
 * hypervisor's DOMCTL decoder accepts (hypercalls/domctl.c read_request),
 * its cpuid policy against what the cpu-policy module takes, and its shm
 * segments against what XL_SHM_CREATE takes.
 *
 * Input: the file's text up to the first NUL (as xl-lite reads it); each
 * NUL-separated piece after it (at most 4) is a KEY=VALUE setting from the
 * command line (xl_cfg_parse_with()), which must meet the same checks.
 */
#include <stdlib.h>
#include <string.h>

#include "../../dom0-tools/xl-cfg.h"
#include "../../dom0-tools/xl-cpu-policy-wire.h"

#include "support.h"

static void check_string(const char *s, size_t size, const char *what)
{
	FUZZ_CHECK(memchr(s, '\0', size), "%s not terminated", what);
}

#define END_FLAGS                                                                                  \
	(XL_CREATE_DESTROY_ON_CRASH | XL_CREATE_RESTART_ON_CRASH | XL_CREATE_DESTROY_ON_POWEROFF | \
	 XL_CREATE_RESTART_ON_POWEROFF | XL_CREATE_DESTROY_ON_REBOOT | XL_CREATE_RESTART_ON_REBOOT)

static bool both(uint32_t flags, uint32_t a, uint32_t b)
{
	return (flags & a) && (flags & b);
}

static void check_request(const struct xl_domctl_create *r)
{
	check_string(r->name, sizeof(r->name), "the name");
	check_string(r->cmdline, sizeof(r->cmdline), "the command line");
	FUZZ_CHECK(r->name[0], "empty name");
	FUZZ_CHECK(r->type == XL_GUEST_ELF || r->type == XL_GUEST_LINUX, "type %u", r->type);
	FUZZ_CHECK(r->mem_bytes >= 2ULL << 20 && r->mem_bytes % 4096 == 0, "mem_bytes %#llx",
		   (unsigned long long)r->mem_bytes);
	FUZZ_CHECK(r->type != XL_GUEST_LINUX ||
			   (r->mem_bytes >= (64ULL << 20) && r->mem_bytes <= (512ULL << 30)),
		   "Linux guest of %#llx bytes", (unsigned long long)r->mem_bytes);
	FUZZ_CHECK(r->nr_vcpus >= 1 && r->nr_vcpus <= XL_MAX_GUEST_VCPUS, "%u vCPUs", r->nr_vcpus);
	FUZZ_CHECK(r->type != XL_GUEST_ELF || r->nr_vcpus == 1, "ELF guest with %u vCPUs",
		   r->nr_vcpus);
	/* the end actions only (no PAUSED: create -p adds it), never both bits of a pair */
	FUZZ_CHECK(!(r->flags & ~END_FLAGS), "flags %#x", r->flags);
	FUZZ_CHECK(!both(r->flags, XL_CREATE_DESTROY_ON_CRASH, XL_CREATE_RESTART_ON_CRASH) &&
			   !both(r->flags, XL_CREATE_DESTROY_ON_POWEROFF, XL_CREATE_RESTART_ON_POWEROFF) &&
			   !both(r->flags, XL_CREATE_DESTROY_ON_REBOOT, XL_CREATE_RESTART_ON_REBOOT),
		   "flags %#x: destroy and restart on one end", r->flags);
	FUZZ_CHECK(r->cpu == r->cpus[0], "cpu is not cpus[0]");
	for (unsigned int i = 0; i < XL_MAX_GUEST_VCPUS; i++) {
		FUZZ_CHECK(r->cpus[i] >= -1 && r->cpus[i] <= XL_CFG_MAX_CPU, "cpus[%u] = %d", i,
			   r->cpus[i]);
		FUZZ_CHECK(i < r->nr_vcpus || r->cpus[i] == -1, "cpus[%u] set beyond the vCPUs", i);
		for (unsigned int j = 0; j < i; j++)
			FUZZ_CHECK(r->cpus[i] == -1 || r->cpus[i] != r->cpus[j], "CPU %d named twice",
				   r->cpus[i]);
	}
}

/* The cpuid and msr keys' policy is one the cpu-policy module takes, and reads back the same. */
static void check_cpuid(const struct xl_cpuid_policy *p, const struct xl_msr_policy *m)
{
	static unsigned char buf[XL_CPU_POLICY_MAX_SIZE];
	static struct xl_cpuid_policy back;
	static struct xl_msr_policy back_msr;
	const char *why = NULL;
	size_t len;

	if (!p->nr && !m->nr)
		return;
	len = xl_cpu_policy_encode(p, m, buf, sizeof(buf), &why);
	FUZZ_CHECK(len, "a cpuid/msr policy the module would refuse: %s", why);
	FUZZ_CHECK(!xl_cpu_policy_decode(buf, (int64_t)len, sizeof(buf), &back, &back_msr), "not read back");
	FUZZ_CHECK(back.nr == p->nr && !memcmp(back.rule, p->rule, p->nr * sizeof(p->rule[0])),
		   "read back differently");
	FUZZ_CHECK(back_msr.nr == m->nr && !memcmp(back_msr.rule, m->rule, m->nr * sizeof(m->rule[0])),
		   "MSR rules read back differently");
	for (unsigned int i = 0; i < p->nr; i++)
		FUZZ_CHECK(p->rule[i].and_mask != 0xffffffffu || p->rule[i].or_mask,
			   "rule %u changes nothing", i);
}

/* A shm key's segments: names the hypervisor takes, each once, sizes it takes, at most a domain's worth. */
static void check_shm(const struct xl_cfg *c)
{
	FUZZ_CHECK(c->nr_shm <= XL_SHM_MAX_PER_DOMAIN, "%u segments", c->nr_shm);
	for (unsigned int i = 0; i < c->nr_shm; i++) {
		const struct xl_cfg_shm *s = &c->shm[i];

		check_string(s->name, sizeof(s->name), "a segment's name");
		FUZZ_CHECK(s->name[0] && strspn(s->name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
						 "0123456789._-") == strlen(s->name), "segment name '%s'", s->name);
		FUZZ_CHECK(s->size >= 4096 && s->size <= XL_SHM_MAX_SIZE && s->size % 4096 == 0, "segment size %#llx",
			   (unsigned long long)s->size);
		for (unsigned int j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(s->name, c->shm[j].name), "segment '%s' twice", s->name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xl_cfg cfg;
	static struct xl_domctl_create req;
	const char *settings[4];
	unsigned int n = 0;
	char err[256];
	char *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	for (char *p = memchr(text, '\0', size); p && p < text + size && n < 4;
	     p = memchr(p + 1, '\0', (size_t)(text + size - p - 1)))
		settings[n++] = p + 1;
	err[0] = '\0';
	if (xl_cfg_parse_with(text, settings, n, &cfg, err, sizeof(err))) {
		FUZZ_CHECK(err[0], "refused without a message");
	} else {
		check_string(cfg.name, sizeof(cfg.name), "the name");
		check_string(cfg.kernel, sizeof(cfg.kernel), "the kernel");
		check_string(cfg.ramdisk, sizeof(cfg.ramdisk), "the ramdisk");
		FUZZ_CHECK(cfg.kernel[0], "no kernel");
		xl_cfg_to_create(&cfg, &req);
		check_request(&req);
		check_cpuid(&cfg.cpuid, &cfg.msr);
		check_shm(&cfg);
	}
	free(text);
	return 0;
}
