/*
 * xen-lite's SPANK plugin for Slurm (Documentation/slurm.md). A job submitted
 * with --hpc-guest=PROFILE runs its tasks inside an HPC guest on each of its
 * nodes:
 *   - in sbatch, srun or salloc, the profile goes into the job's control
 *     environment (SPANK_XEN_LITE_GUEST), which the node's prolog
 *     (dom0-tools/slurm/prolog) reads to create the guest slurm-JOBID from
 *     /etc/xen-lite/slurm/PROFILE.cfg, and the epilog to destroy it;
 *   - on the node, each task of a job step becomes, before it would become
 *     the user, `xl-lite run slurm-JOBID -- ARGV`: the command runs in the
 *     guest (as the guest's root: the guest is the job's alone), its output
 *     and exit status are the task's. The batch script itself stays in dom0
 *     (it is a file there); its srun steps go to the guest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/spank.h>

SPANK_PLUGIN(xen_lite, 1);

#define XL_LITE "/usr/sbin/xl-lite"
#define PROFILE_MAX 64

static char profile[PROFILE_MAX];

/* A profile names a file under /etc/xen-lite/slurm: letters, digits, '-', '_' */
static int take_profile(int val, const char *optarg, int remote)
{
	size_t n = optarg ? strlen(optarg) : 0;

	(void)val;
	(void)remote;
	if (!n || n >= sizeof(profile) || strspn(optarg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != n) {
		slurm_error("xen-lite: --hpc-guest=%s: a profile is 1 to %d letters, digits, '-' or '_'",
			    optarg ? optarg : "", PROFILE_MAX - 1);
		return -1;
	}
	memcpy(profile, optarg, n + 1);
	return 0;
}

static struct spank_option hpc_guest_option = {
	"hpc-guest", "PROFILE",
	"run the job's tasks inside an HPC guest made from /etc/xen-lite/slurm/PROFILE.cfg on each node", 1, 0,
	take_profile
};

/* registered, not exported as spank_options: sbatch and salloc see only registered options */
int slurm_spank_init(spank_t sp, int ac, char **av)
{
	(void)ac;
	(void)av;
	if (spank_option_register(sp, &hpc_guest_option) != ESPANK_SUCCESS) {
		slurm_error("xen-lite: --hpc-guest could not be registered");
		return -1;
	}
	return 0;
}

/* sbatch, srun, salloc: the profile for the node's prolog and epilog */
int slurm_spank_init_post_opt(spank_t sp, int ac, char **av)
{
	(void)ac;
	(void)av;
	if (!profile[0] || (spank_context() != S_CTX_LOCAL && spank_context() != S_CTX_ALLOCATOR))
		return 0;
	if (spank_job_control_setenv(sp, "XEN_LITE_GUEST", profile, 1) != ESPANK_SUCCESS) {
		slurm_error("xen-lite: --hpc-guest: the profile could not be passed to the nodes");
		return -1;
	}
	return 0;
}

/* On the node, in the task still privileged: the task becomes xl-lite run in the job's guest. */
int slurm_spank_task_init_privileged(spank_t sp, int ac, char **av)
{
	uint32_t job = 0, step = 0;
	int argc = 0;
	char **argv = NULL, **run;
	char guest[32];

	(void)ac;
	(void)av;
	if (!profile[0])
		return 0;
	if (spank_get_item(sp, S_JOB_ID, &job) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_JOB_STEPID, &step) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_JOB_ARGV, &argc, &argv) != ESPANK_SUCCESS || argc < 1) {
		slurm_error("xen-lite: --hpc-guest: the task's job, step or command is unknown");
		return -1;
	}
	if (step == SLURM_BATCH_SCRIPT)
		return 0;
	snprintf(guest, sizeof(guest), "slurm-%u", job);
	run = calloc((size_t)argc + 5, sizeof(*run));
	if (!run) {
		slurm_error("xen-lite: --hpc-guest: out of memory");
		return -1;
	}
	run[0] = "xl-lite";
	run[1] = "run";
	run[2] = guest;
	run[3] = "--";
	memcpy(run + 4, argv, (size_t)argc * sizeof(*run));
	execv(XL_LITE, run);
	slurm_error("xen-lite: --hpc-guest: %s: %s", XL_LITE, strerror(errno));
	free(run);
	return -1;
}
