/*
 * introspection: an authorised domain - dom0, or a domain dom0 names -
 * reads another guest's memory (guest-physical, or guest-virtual through
 * its page tables), its vCPUs' registers and a stream of its exits, with
 * no cooperation from the guest (Documentation/modules/introspection.md).
 * The `after` exit hook records watched domains' exits; dom0 and granted
 * observers ask with XL_MODULE_CALL, in the format of introspection_abi.h.
 */
#include <xen-lite/errno.h>
#include <xen-lite/module.h>

#include "intro_ops.h"

static struct intro_state *state;

/* The registers the vCPU resumes with, as a snapshot's words; on its own CPU. */
static void gather(void *vcpu, uint64_t word[SNAP_WORDS])
{
	static const uint32_t controls[] = { XL_CTL_CR0, XL_CTL_CR3, XL_CTL_CR4, XL_CTL_EFER, XL_CTL_CPL };
	struct vcpu *v = vcpu;

	for (uint32_t r = XL_REG_RAX; r <= XL_REG_R15; r++)
		word[SNAP_GPR0 + r] = xl_vcpu_reg(v, r);
	word[SNAP_RIP] = xl_vcpu_reg(v, XL_REG_RIP);
	for (unsigned int i = 0; i < sizeof(controls) / sizeof(controls[0]); i++)
		word[SNAP_CR0 + i] = xl_vcpu_control(v, controls[i]);
}

static void exit_after(struct vcpu *v, const struct xl_exit_event *e)
{
	intro_watch_record(&state->watches, e, gather, v);
}

/* A destroyed domain is neither watched nor granted any more, nor granted to anyone. */
static void domain_destroyed(uint32_t domain_id)
{
	intro_watch_drop(&state->watches, domain_id);
	intro_grant_drop_domain(&state->grants, domain_id);
}

static int64_t call(struct xl_module_call *c)
{
	return intro_call(state, c);
}

/* Unloading would end the watches silently: the operator unwatches first. */
static const char *busy(void)
{
	static char why[96];
	uint32_t n = intro_watch_count(&state->watches);

	if (!n)
		return NULL;
	xl_snprintf(why, sizeof(why), "watching %u domain(s): xl-lite introspect unwatch DOMAIN first", n);
	return why;
}

static const struct xl_domain_hooks domain_hooks = { .destroyed = domain_destroyed };
static const struct xl_exit_hooks exit_hooks = { .after = exit_after };

static int init(const char *args)
{
	int err;

	if (args && args[0]) {
		log_warn("introspection: '%s' refused: the module takes no argument\n", args);
		return -EINVAL;
	}
	state = xl_zalloc(sizeof(*state));
	if (!state)
		return -ENOMEM;
	err = xl_hook_exits(&exit_hooks);
	if (!err)
		err = xl_hook_domains(&domain_hooks);
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
	intro_watch_free(&state->watches);
	xl_free(state);
	state = NULL;
}

XL_MODULE("introspection", "1.0", init, fini, busy);
