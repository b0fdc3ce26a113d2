/*
 * The behaviour-module API: the one header a module is built against
 * (Documentation/modules.md). A module is a relocatable ELF object that
 * dom0 loads into the running hypervisor; it may call only the functions
 * declared here (the export list, xen-lite/module_exports.c) and changes
 * behaviour through the hooks it installs from its init function.
 *
 * Rules for every hook and operation: it runs on the CPU that took the
 * exit or the call, with interrupts disabled; it must not sleep, spin on
 * a lock another hook may hold, or touch another CPU's state; it returns
 * promptly (unload waits for it).
 */
#ifndef XEN_LITE_MODULE_H
#define XEN_LITE_MODULE_H
#include <xen-lite/format.h> /* xl_snprintf */
#include <xen-lite/log.h> /* xl_log, log_info ... */
#include <xen-lite/string.h> /* memcpy, memset, memcmp, strlen, strcmp, strlcpy */
#include <xen-lite/types.h>

#define XL_MODULE_API_VERSION 1
#define XL_MODULE_MAGIC 0x444d4c58u /* "XLMD" */
#define XL_MODULE_BUILD_ID_SIZE 20 /* the hypervisor's GNU build id (SHA-1) */
#define XL_MODULE_NAME_MAX 32 /* with the NUL */
#define XL_MODULE_VERSION_MAX 16
#define XL_MODULE_ARGS_MAX 128

struct vcpu;

/*
 * The module's description, in a section of its own (".xl_module"), exactly
 * one per module. The loader checks magic, api_version and build_id before
 * it runs anything, and that init and exit point into the module's text.
 */
struct xl_module_info {
	uint32_t magic; /* XL_MODULE_MAGIC */
	uint32_t api_version; /* XL_MODULE_API_VERSION */
	uint8_t build_id[XL_MODULE_BUILD_ID_SIZE];
	char name[XL_MODULE_NAME_MAX]; /* [a-z0-9_-], NUL terminated, unique on the node */
	char version[XL_MODULE_VERSION_MAX];
	/* Install hooks; 0 or a negative errno (the module is then unloaded, its hooks removed). */
	int (*init)(const char *args);
	/* Called after every hook is gone and no CPU can be in the module; frees what init took. */
	void (*exit)(void);
	/* Optional: NULL when the module may be unloaded now, else why not (shown to the operator). */
	const char *(*busy)(void);
};

/*
 * XL_MODULE(name, version, init, exit, busy) in one source file of the
 * module. XL_BUILD_ID_BYTES is defined by the build (the hypervisor image's
 * build id, build/hv/build-id.h) for every module built with it.
 */
#ifdef XL_BUILD_ID_BYTES
#define XL_MODULE(name_, version_, init_, exit_, busy_)                                       \
	__attribute__((section(".xl_module"), used)) const struct xl_module_info xl_module_info = { \
		.magic = XL_MODULE_MAGIC,                                                      \
		.api_version = XL_MODULE_API_VERSION,                                          \
		.build_id = XL_BUILD_ID_BYTES,                                                 \
		.name = name_,                                                                 \
		.version = version_,                                                           \
		.init = init_,                                                                 \
		.exit = exit_,                                                                 \
		.busy = busy_,                                                                 \
	}
#endif

/* ---- VM exits --------------------------------------------------------- */

/* What a VM exit hook is told (the reasons are enum exit_reason, domain.h). */
struct xl_exit_event {
	uint32_t domain_id;
	uint32_t vcpu_id; /* the vCPU's index in its domain */
	uint32_t cpu; /* the physical CPU */
	uint32_t reason; /* enum exit_reason: what the core counts the exit as */
	uint64_t arch_code; /* the raw exit code (SVM's EXITCODE) */
	uint64_t exit_tsc; /* TSC when the hypervisor took the exit */
	uint64_t info1, info2; /* the exit's raw information (SVM's EXITINFO1 and EXITINFO2) */
};

#define XL_EXIT_CONTINUE 0 /* the core handles the exit (and later hooks see it) */
#define XL_EXIT_HANDLED 1 /* the hook handled it: the core's handler is skipped */

struct xl_exit_hooks {
	/*
	 * Before the core's handler. A hook that returns XL_EXIT_HANDLED has done
	 * what the exit needs (set registers, advanced RIP: xl_vcpu_*) itself.
	 * Optional.
	 */
	int (*before)(struct vcpu *v, const struct xl_exit_event *e);
	/* After the core's handler (or the hook that handled it), before the guest runs again. Optional. */
	void (*after)(struct vcpu *v, const struct xl_exit_event *e);
	/* One bit per enum exit_reason the hooks want; 0 means every exit. */
	uint32_t reasons;
};

/* Install the module's exit hooks (one set per module). 0, -EEXIST, -ENOSPC, -EINVAL. */
int xl_hook_exits(const struct xl_exit_hooks *h);

/* ---- domain lifecycle -------------------------------------------------- */

struct xl_domain_hooks {
	void (*created)(uint32_t domain_id, const char *name); /* created, before its memory and images */
	void (*started)(uint32_t domain_id);
	void (*crashed)(uint32_t domain_id, const char *why);
	void (*destroyed)(uint32_t domain_id); /* its memory and CPUs are back */
	/*
	 * The hypervisor built new_id in old_id's place (its on_poweroff,
	 * on_reboot or on_crash is restart): after new_id's created, before it
	 * first runs, and before old_id's destroyed - what a module kept for
	 * old_id can go to new_id.
	 */
	void (*restarted)(uint32_t old_id, uint32_t new_id);
	/*
	 * A guest's vCPU entering its run loop on its CPU (it then runs, or waits
	 * while its domain is paused or for its start-up IPI), and leaving it
	 * for good (its domain ended). On that CPU. dom0's vCPUs start at boot,
	 * before any module can be loaded.
	 */
	void (*vcpu_started)(uint32_t domain_id, uint32_t vcpu_id, uint32_t cpu);
	void (*vcpu_stopped)(uint32_t domain_id, uint32_t vcpu_id, uint32_t cpu);
};

/* Install the module's lifecycle hooks (one set per module). 0, -EEXIST, -ENOSPC, -EINVAL. */
int xl_hook_domains(const struct xl_domain_hooks *h);

/* ---- a periodic per-CPU tick ------------------------------------------- */

/*
 * tick(cpu, tsc) runs on each CPU at most once every period_us (1 ms to
 * 10 s), when that CPU is in the hypervisor for an exit of the guest it
 * runs, after the exit hooks. Nothing makes a guest exit for it: a CPU
 * whose guest takes no exits does not tick, and idle CPUs do not tick.
 * One per module. 0, -EEXIST, -ENOSPC, -EINVAL.
 */
int xl_hook_tick(void (*tick)(uint32_t cpu, uint64_t tsc), uint32_t period_us);

/* ---- CPUID and MSR policy ---------------------------------------------- */

struct xl_cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/*
 * On the CPU of the vCPU that executed the instruction, after the core's
 * own policy decided: each hook may change the answer or refuse. Only MSRs
 * the domain's accesses exit for are seen (Documentation/exits.md).
 */
struct xl_policy_hooks {
	/* What CPUID answers a domain's vCPU; change *r. Optional. */
	void (*cpuid)(uint32_t domain_id, uint32_t leaf, uint32_t subleaf, struct xl_cpuid_regs *r);
	/* An RDMSR the core answered with *value: change it, or return false for #GP. Optional. */
	bool (*msr_read)(uint32_t domain_id, uint32_t msr, uint64_t *value);
	/* A WRMSR, before the core acts on it: return false for #GP (the core never sees it). Optional. */
	bool (*msr_write)(uint32_t domain_id, uint32_t msr, uint64_t value);
	/*
	 * A fixed IPI a vCPU sends another of its domain's through the interrupt
	 * command register the core filters (xAPIC mode): how many times to send
	 * it - 0 drops it, 2 sends it twice (the target's APIC may merge the two).
	 * Optional; with several modules, the smallest answer counts.
	 */
	unsigned int (*ipi)(uint32_t domain_id, uint32_t vcpu_id, uint32_t vector, uint32_t dest);
};

/* Install the module's policy hooks (one set per module). 0, -EEXIST, -ENOSPC, -EINVAL. */
int xl_hook_policy(const struct xl_policy_hooks *h);

/* ---- the module's own operations (XL_HC_MODULE, XL_MODULE_CALL) -------- */

struct xl_module_call {
	uint32_t caller_domain; /* who asked */
	bool caller_privileged; /* dom0 */
	uint32_t op; /* the module's own operation number */
	uint64_t arg;
	/* The caller's data, copied into the hypervisor: read it, write the answer in place. */
	void *buf;
	uint64_t size;
};

/*
 * Take XL_MODULE_CALL requests naming this module; call returns what the
 * caller gets (>= 0, or a negative errno). The module decides who may call.
 */
int xl_module_ops(int64_t (*call)(struct xl_module_call *c));

/*
 * ---- what a module may use ---------------------------------------------
 * Besides the hooks above: xl_log (log.h), xl_snprintf (format.h), memcpy,
 * memset, memmove, memcmp, strlen, strcmp, strncmp, strlcpy (string.h), and:
 */
void *xl_zalloc(size_t size); /* zeroed heap memory; NULL when out of memory */
void xl_free(void *ptr);
uint32_t xl_cpu_index(void);
uint64_t xl_tsc_khz(void);
const char *xl_exit_reason_name(uint32_t reason);
/* The core's own exit count of a domain for one reason (what `xl-lite list` shows), or 0. */
uint64_t xl_domain_exits(uint32_t domain_id, uint32_t reason);
/* A vCPU's general register (enum xl_reg), from its own CPU's hooks only. */
enum xl_reg { XL_REG_RAX, XL_REG_RCX, XL_REG_RDX, XL_REG_RBX, XL_REG_RSP, XL_REG_RBP,
	      XL_REG_RSI, XL_REG_RDI, XL_REG_R8, XL_REG_R9, XL_REG_R10, XL_REG_R11,
	      XL_REG_R12, XL_REG_R13, XL_REG_R14, XL_REG_R15, XL_REG_RIP };
uint64_t xl_vcpu_reg(struct vcpu *v, uint32_t reg);
void xl_vcpu_set_reg(struct vcpu *v, uint32_t reg, uint64_t value);
void xl_vcpu_advance_rip(struct vcpu *v, uint32_t bytes);
/* A vCPU's control state (enum xl_ctl), from its own CPU's exit hooks only. */
enum xl_ctl { XL_CTL_CR0, XL_CTL_CR3, XL_CTL_CR4, XL_CTL_EFER, XL_CTL_CPL };
uint64_t xl_vcpu_control(struct vcpu *v, uint32_t which);

/*
 * Another domain, observed (an introspection module; the module decides
 * who may ask). Nothing here needs the domain's cooperation, nor tells it.
 */
/* Copy [gpa, gpa + len) of its RAM (at most 64 KiB): 0, -ENOENT (no such domain), -EFAULT, -EINVAL. */
int xl_domain_read(uint32_t domain_id, uint64_t gpa, void *buf, uint64_t len);
/*
 * Write [gpa, gpa + len) of its RAM (at most 64 KiB; a fault injector's
 * flips): 0, -ENOENT, -EFAULT, -EINVAL. dom0's memory is written only when
 * the module asks with XL_WRITE_DOM0 in flags - what the operator allowed -
 * else -EPERM.
 */
#define XL_WRITE_DOM0 1u
int xl_domain_write(uint32_t domain_id, uint64_t gpa, const void *buf, uint64_t len, uint32_t flags);
/* A guest-virtual address through 4-level page tables at cr3: 0, -ENOENT, -EFAULT (not mapped). */
int xl_domain_translate(uint32_t domain_id, uint64_t cr3, uint64_t gva, uint64_t *gpa);
/* Make every running vCPU of the domain take an exit soon (its exit hooks see its state). 0 or -ENOENT. */
int xl_domain_kick(uint32_t domain_id);
/*
 * Whether the domain's RDMSRs (XL_MSR_EXITS_READ) and WRMSRs
 * (XL_MSR_EXITS_WRITE) of msr reach the hypervisor, where the policy hooks
 * see them: the bits, 0 when the MSR is the domain's own both ways, or
 * -ENOENT (no such domain).
 */
#define XL_MSR_EXITS_READ 1
#define XL_MSR_EXITS_WRITE 2
int xl_domain_msr_exits(uint32_t domain_id, uint32_t msr);

static inline uint64_t xl_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif
