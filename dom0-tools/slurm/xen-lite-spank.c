/*
 * xen-lite's SPANK plugin for Slurm (Documentation/slurm.md). A job submitted
 * with --hpc-guest=PROFILE runs its tasks inside an HPC guest on each of its
 * nodes:
 *   - in sbatch, srun or salloc, the profile goes into the job's control
 *     environment (SPANK_XEN_LITE_GUEST), which the node's prolog
 *     (dom0-tools/slurm/prolog) reads to create the guest slurm-JOBID from
 *     /etc/xen-lite/slurm/PROFILE.cfg, and the epilog to destroy it;
 *   - on the node, each task of a job step runs `xl-lite run slurm-JOBID --
 *     ARGV` (root, forked before the task becomes the user); the task itself
 *     becomes a relay of that run's output and exit status: the command runs
 *     in the guest (as the guest's root: the guest is the job's alone). The
 *     batch script itself stays in dom0 (it is a file there); its srun steps
 *     go to the guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <slurm/slurm.h>
#include <slurm/spank.h>

SPANK_PLUGIN(xen_lite, 1);

#define XL_LITE "/usr/sbin/xl-lite"
#define RELAY "/usr/lib/xen-lite/slurm/relay"
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

/*
 * The runner, root, forked from the task before it drops privileges:
 * xl-lite run's output into out_fd, then its exit status as text into
 * status_fd. Never returns.
 */
static void run_in_guest(const char *guest, int argc, char **argv, int out_fd, int status_fd)
{
	char **run = calloc((size_t)argc + 5, sizeof(*run));
	char text[16];
	int status = 255;
	pid_t pid;

	if (run) {
		run[0] = "xl-lite";
		run[1] = "run";
		run[2] = (char *)guest;
		run[3] = "--";
		memcpy(run + 4, argv, (size_t)argc * sizeof(*run));
		pid = fork();
		if (pid == 0) {
			int null = open("/dev/null", O_RDONLY);

			dup2(null, STDIN_FILENO);
			dup2(out_fd, STDOUT_FILENO);
			dup2(out_fd, STDERR_FILENO);
			closefrom(3);
			execv(XL_LITE, run);
			dprintf(STDERR_FILENO, "xen-lite: --hpc-guest: %s: %s\n", XL_LITE, strerror(errno));
			_exit(255);
		}
		close(out_fd);
		if (pid > 0 && waitpid(pid, &status, 0) == pid)
			status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	snprintf(text, sizeof(text), "%d\n", status);
	if (write(status_fd, text, strlen(text)) < 0)
		_exit(255);
	_exit(0);
}

/*
 * On the node, in a task of a step, still privileged (dom0's control device
 * is root's) but before slurmstepd gives the task its standard output: a
 * runner (root) runs the command in the job's guest, and the task, once it
 * is the user with its output connected, becomes the relay
 * (/usr/lib/xen-lite/slurm/relay), which copies the runner's output to it
 * and exits with the command's status. The task's own command is replaced
 * in place (its argv[0]; the words after it go unused to the relay).
 */
int slurm_spank_task_init_privileged(spank_t sp, int ac, char **av)
{
	uint32_t job = 0, step = 0;
	int argc = 0, out[2], st[2];
	char **argv = NULL;
	char guest[32], fd_text[16];
	pid_t pid;

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
		return 0; /* the batch script is dom0's file: it runs there, its steps in the guest */
	snprintf(guest, sizeof(guest), "slurm-%u", job);
	if (pipe(out) < 0 || pipe(st) < 0) {
		slurm_error("xen-lite: --hpc-guest: pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		slurm_error("xen-lite: --hpc-guest: fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(out[0]);
		close(st[0]);
		run_in_guest(guest, argc, argv, out[1], st[1]);
	}
	close(out[1]);
	close(st[1]);
	snprintf(fd_text, sizeof(fd_text), "%d", out[0]);
	spank_setenv(sp, "XEN_LITE_TASK_OUTPUT_FD", fd_text, 1);
	snprintf(fd_text, sizeof(fd_text), "%d", st[0]);
	spank_setenv(sp, "XEN_LITE_TASK_STATUS_FD", fd_text, 1);
	argv[0] = RELAY;
	return 0;
}
