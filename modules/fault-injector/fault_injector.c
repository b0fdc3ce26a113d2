/*
 * fault-injector: faults put into a chosen domain on purpose, for
 * error-zone experiments (Documentation/modules/fault-injector.md): a bit
 * flipped in its memory or in a vCPU's register, its hypercalls made to
 * fail, the values of its port reads corrupted, its IPIs dropped or sent
 * twice. dom0 asks with XL_MODULE_CALL (xl-lite inject, in the format of
 * fault_injector_abi.h); memory is flipped at once, the rest armed and
 * applied by the hooks here, each injection done logged and kept for dom0.
 * dom0 itself is a target only when the operator said so; the hypervisor
 * never is.
 */
#include <xen-lite/errno.h>
#include <xen-lite/module.h>

#include "fi_hooks.h"
#include "fi_ops.h"

static struct fi_state *state;

static uint64_t vcpu_reg(void *v, uint32_t reg)
{
	return xl_vcpu_reg(v, reg);
}

static void vcpu_set_reg(void *v, uint32_t reg, uint64_t value)
{
	xl_vcpu_set_reg(v, reg, value);
}

static void vcpu_advance_rip(void *v, uint32_t bytes)
{
	xl_vcpu_advance_rip(v, bytes);
}

static struct fi_vcpu vcpu_of(struct vcpu *v)
{
	return (struct fi_vcpu){ .v = v, .reg = vcpu_reg, .set_reg = vcpu_set_reg,
				 .advance_rip = vcpu_advance_rip };
}

static int exit_before(struct vcpu *v, const struct xl_exit_event *e)
{
	struct fi_vcpu c = vcpu_of(v);

	return fi_hook_before(state, &c, e);
}

static void exit_after(struct vcpu *v, const struct xl_exit_event *e)
{
	struct fi_vcpu c = vcpu_of(v);

	fi_hook_after(state, &c, e);
}

static unsigned int ipi(uint32_t domain_id, uint32_t vcpu_id, uint32_t vector, uint32_t dest)
{
	return fi_hook_ipi(state, domain_id, vcpu_id, vector, dest);
}

/* A destroyed domain's armed injections could never apply: they go with it. */
static void domain_destroyed(uint32_t domain_id)
{
	fi_disarm_domain(&state->armed, domain_id);
}

static int64_t call(struct xl_module_call *c)
{
	return fi_call(state, c);
}

/* Unloading would drop armed injections silently: they are disarmed, or applied, first. */
static const char *busy(void)
{
	static char why[128];
	uint32_t n = fi_armed_count(&state->armed);

	if (!n)
		return NULL;
	xl_snprintf(why, sizeof(why), "%u injection(s) armed: they apply at their target's next occasions, "
		    "or are disarmed (xl-lite inject does at each window's end)", n);
	return why;
}

/* every exit: a register is flipped at whatever exit its vCPU takes next */
static const struct xl_exit_hooks exit_hooks = { .before = exit_before, .after = exit_after };
static const struct xl_domain_hooks domain_hooks = { .destroyed = domain_destroyed };
static const struct xl_policy_hooks policy_hooks = { .ipi = ipi };

static int init(const char *args)
{
	int err;

	if (args && args[0]) {
		log_warn("fault-injector: '%s' refused: the module takes no argument\n", args);
		return -EINVAL;
	}
	state = xl_zalloc(sizeof(*state));
	if (!state)
		return -ENOMEM;
	fi_state_reset(state);
	err = xl_hook_exits(&exit_hooks);
	if (!err)
		err = xl_hook_domains(&domain_hooks);
	if (!err)
		err = xl_hook_policy(&policy_hooks);
	if (!err)
		err = xl_module_ops(call);
	if (err) {
		/* a failed init's hooks never become visible, and exit() is not called */
		xl_free(state);
		state = NULL;
	}
	return err;
}

static void fini(void)
{
	xl_free(state);
	state = NULL;
}

XL_MODULE("fault-injector", "1.0", init, fini, busy);
