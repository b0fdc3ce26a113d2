/*
 * Where behaviour modules' hooks run (xen-lite/module_hooks.c): the
 * registry the loader fills, the calls the exit path and the domain code
 * make, and the quiescence unload waits for. Documentation/modules.md
 * says what each hook may do.
 */
#ifndef XEN_LITE_MODULE_HOOKS_H
#define XEN_LITE_MODULE_HOOKS_H
#include <xen-lite/module.h>
#include <xen-lite/types.h>

struct loaded_module;

/* Non-zero while any module's exit hooks are installed: the exit path's only cost otherwise. */
extern uint32_t module_exit_hooks_installed;

/*
 * The exit path (arch): before the core's handler - true when a module
 * handled the exit and the core's handler must be skipped - and after it.
 */
bool module_exit_before(struct vcpu *v, const struct xl_exit_event *e);
void module_exit_after(struct vcpu *v, const struct xl_exit_event *e);

/* Non-zero while any module's policy hooks are installed. */
extern uint32_t module_policy_hooks_installed;

/* The CPUID and MSR exits (arch): a module's say after the core's policy. false: refuse (#GP). */
void module_policy_cpuid(uint32_t domain_id, uint32_t leaf, uint32_t subleaf, struct xl_cpuid_regs *r);
bool module_policy_msr_read(uint32_t domain_id, uint32_t msr, uint64_t *value);
bool module_policy_msr_write(uint32_t domain_id, uint32_t msr, uint64_t value);
/* How many times a guest's fixed IPI is sent (1 when no module says otherwise). */
unsigned int module_policy_ipi(uint32_t domain_id, uint32_t vcpu_id, uint32_t vector, uint32_t dest);

/* The domain code: lifecycle events. */
void module_domain_created(uint32_t id, const char *name);
void module_domain_started(uint32_t id);
void module_domain_crashed(uint32_t id, const char *why);
void module_domain_destroyed(uint32_t id);
void module_domain_restarted(uint32_t old_id, uint32_t new_id);
void module_vcpu_started(uint32_t domain_id, uint32_t vcpu_id, uint32_t cpu);
void module_vcpu_stopped(uint32_t domain_id, uint32_t vcpu_id, uint32_t cpu);

/*
 * For the loader. While a module's init runs, what it asks to install is
 * kept for it (module_hooks_begin()), and published only when init
 * succeeded (module_hooks_publish()); module_hooks_end() closes the window.
 */
void module_hooks_begin(struct loaded_module *m);
void module_hooks_end(void);
void module_hooks_publish(struct loaded_module *m);
/* XL_MODULE_HOOK_* bits of what m has installed (or asked to, before publish). */
uint32_t module_hooks_of(const struct loaded_module *m);
/*
 * Remove m's hooks, then wait until no CPU can still be inside any hook it
 * had (each CPU marks its way in and out). 0, or -EBUSY when a CPU stayed
 * inside a hook for timeout_us: m's code must then stay where it is.
 */
int module_hooks_remove(struct loaded_module *m, uint64_t timeout_us);
/*
 * Call m's operation handler (XL_MODULE_CALL) as a hook: unload waits for
 * it. -ENOSYS when m took none.
 */
int64_t module_hooks_call(struct loaded_module *m, struct xl_module_call *c);

#endif
