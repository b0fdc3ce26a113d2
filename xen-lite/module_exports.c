/*
 * Everything a behaviour module may call: the export list its undefined
 * symbols are resolved against (and nothing else), and the small wrappers
 * that give modules the core's facts without its structures.
 */
#include <xen-lite/arch/cpu.h>
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/format.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/heap.h>
#include <xen-lite/module_exports.h>
#include <xen-lite/module_hooks.h>
#include <xen-lite/string.h>

uint32_t xl_cpu_index(void)
{
	return arch_cpu_index();
}

uint64_t xl_tsc_khz(void)
{
	return arch_tsc_khz();
}

const char *xl_exit_reason_name(uint32_t reason)
{
	return reason < EXIT_REASON_COUNT ? exit_reason_name(reason) : "unknown";
}

struct exit_sum {
	uint32_t id, reason;
	uint64_t sum;
};

static void add_exits(const struct domain *d, void *ctx)
{
	struct exit_sum *s = ctx;

	if (d->id == s->id)
		s->sum = domain_exits(d, s->reason);
}

uint64_t xl_domain_exits(uint32_t domain_id, uint32_t reason)
{
	struct exit_sum s = { .id = domain_id, .reason = reason };

	/* under the domain list's lock: the domain cannot be freed while its vCPUs are read */
	if (reason < EXIT_REASON_COUNT)
		domain_for_each(add_exits, &s);
	return s.sum;
}

uint64_t xl_vcpu_reg(struct vcpu *v, uint32_t reg)
{
	return reg <= XL_REG_RIP ? arch_vcpu_reg(v, reg) : 0;
}

void xl_vcpu_set_reg(struct vcpu *v, uint32_t reg, uint64_t value)
{
	if (reg < XL_REG_RIP)
		arch_vcpu_set_reg(v, reg, value);
}

void xl_vcpu_advance_rip(struct vcpu *v, uint32_t bytes)
{
	if (bytes <= 15) /* an instruction's length at most */
		arch_vcpu_advance_rip(v, bytes);
}

uint64_t xl_vcpu_control(struct vcpu *v, uint32_t which)
{
	return which <= XL_CTL_CPL ? arch_vcpu_control(v, which) : 0;
}

#define MAX_DOMAIN_READ (64 * 1024)

/* One request on another domain, run under the domain list's lock: it cannot go away meanwhile. */
struct domain_access {
	uint32_t id;
	int err;
	uint64_t gpa, gva, cr3, len;
	uint32_t flags, msr;
	void *buf;
	int (*fn)(struct domain *d, struct domain_access *a);
};

static void access_domain(const struct domain *d, void *ctx)
{
	struct domain_access *a = ctx;

	if (d->id == a->id)
		a->err = a->fn((struct domain *)d, a);
}

static int with_domain(struct domain_access *a)
{
	a->err = -ENOENT;
	domain_for_each(access_domain, a);
	return a->err;
}

static int read_memory(struct domain *d, struct domain_access *a)
{
	return copy_from_guest(d, a->buf, gpa_init(a->gpa), a->len);
}

int xl_domain_read(uint32_t domain_id, uint64_t gpa, void *buf, uint64_t len)
{
	struct domain_access a = { .id = domain_id, .gpa = gpa, .buf = buf, .len = len, .fn = read_memory };

	if (!buf || len > MAX_DOMAIN_READ)
		return -EINVAL;
	return len ? with_domain(&a) : 0;
}

static int write_memory(struct domain *d, struct domain_access *a)
{
	if (d->privileged && !(a->flags & XL_WRITE_DOM0))
		return -EPERM;
	return copy_to_guest(d, gpa_init(a->gpa), a->buf, a->len);
}

int xl_domain_write(uint32_t domain_id, uint64_t gpa, const void *buf, uint64_t len, uint32_t flags)
{
	struct domain_access a = { .id = domain_id, .gpa = gpa, .buf = (void *)buf, .len = len,
				   .flags = flags, .fn = write_memory };

	if (!buf || len > MAX_DOMAIN_READ)
		return -EINVAL;
	return len ? with_domain(&a) : 0;
}

static int translate(struct domain *d, struct domain_access *a)
{
	gpa_t gpa;
	int err = arch_domain_translate(d, a->cr3, a->gva, &gpa);

	a->gpa = gpa_addr(gpa);
	return err;
}

int xl_domain_translate(uint32_t domain_id, uint64_t cr3, uint64_t gva, uint64_t *gpa)
{
	struct domain_access a = { .id = domain_id, .cr3 = cr3, .gva = gva, .fn = translate };
	int err = with_domain(&a);

	if (!err)
		*gpa = a.gpa;
	return err;
}

static int kick(struct domain *d, struct domain_access *a)
{
	domain_kick_vcpus(d);
	return 0;
}

int xl_domain_kick(uint32_t domain_id)
{
	struct domain_access a = { .id = domain_id, .fn = kick };

	return with_domain(&a);
}

static int msr_exits(struct domain *d, struct domain_access *a)
{
	return (int)arch_domain_msr_exits(d, a->msr);
}

_Static_assert(XL_MSR_EXITS_READ == ARCH_MSR_EXITS_READ && XL_MSR_EXITS_WRITE == ARCH_MSR_EXITS_WRITE,
	       "module.h's MSR exit bits are the arch's");

int xl_domain_msr_exits(uint32_t domain_id, uint32_t msr)
{
	struct domain_access a = { .id = domain_id, .msr = msr, .fn = msr_exits };

	return with_domain(&a);
}

#define EXPORT(fn) { #fn, (uint64_t)(uintptr_t)&(fn) }

static const struct module_symbol exports[] = {
	EXPORT(xl_log),
	EXPORT(xl_snprintf),
	EXPORT(memcpy),
	EXPORT(memset),
	EXPORT(memmove),
	EXPORT(memcmp),
	EXPORT(strlen),
	EXPORT(strcmp),
	EXPORT(strncmp),
	EXPORT(strlcpy),
	EXPORT(xl_zalloc),
	EXPORT(xl_free),
	EXPORT(xl_cpu_index),
	EXPORT(xl_tsc_khz),
	EXPORT(xl_exit_reason_name),
	EXPORT(xl_domain_exits),
	EXPORT(xl_vcpu_reg),
	EXPORT(xl_vcpu_set_reg),
	EXPORT(xl_vcpu_advance_rip),
	EXPORT(xl_vcpu_control),
	EXPORT(xl_domain_read),
	EXPORT(xl_domain_write),
	EXPORT(xl_domain_translate),
	EXPORT(xl_domain_kick),
	EXPORT(xl_domain_msr_exits),
	EXPORT(xl_hook_exits),
	EXPORT(xl_hook_policy),
	EXPORT(xl_hook_tick),
	EXPORT(xl_hook_domains),
	EXPORT(xl_module_ops),
};

const struct module_symbol *module_exports(size_t *count)
{
	*count = ARRAY_SIZE(exports);
	return exports;
}
