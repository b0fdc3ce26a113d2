/*
 * xen-lite's SPANK plugin for Slurm (Documentation/slurm.md). A job submitted
 * with --hpc-guest=PROFILE runs its tasks inside an HPC guest on each of its
 * nodes:
 *   - in sbatch, srun or salloc, the profile goes into the job's control
 *     environment (SPANK_XEN_LITE_GUEST), which the node's prolog
 *     (dom0-tools/slurm/prolog) reads to create the guest slurm-JOBID from
 *     /etc/xen-lite/slurm/PROFILE.cfg, and the epilog to destroy it;
 *   - on the node, each task of a job step runs `xl-lite run slurm-JOBID
 *     --user UID:GID --cwd DIR --env SLURM_...=... -- ARGV` (root, forked
 *     before the task becomes the user); the task itself becomes a relay of
 *     that run's output and exit status: the command runs in the guest as the
 *     job's uid and gid, in the task's directory, with the task's SLURM_*
 *     variables. Tasks of a step run at once (xl-lite run overlaps beside
 *     xl-lited). The batch script itself stays in dom0 (it is a file there);
 *     its srun steps go to the guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
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
/*
 * The job-wide SLURM_* variables passed from the step's environment as they
 * are, while they fit ENV_OPTIONAL_BYTES in all (a request holds 2048 bytes:
 * the command needs room too); the per-task ones are made from the task's
 * items (task_env()), as slurmstepd sets them only after this plugin ran.
 */
#define ENV_OPTIONAL_BYTES 900
static const char *const job_wide_env[] = {
	"SLURM_JOB_NAME", "SLURM_JOB_NUM_NODES", "SLURM_JOB_NODELIST", "SLURM_JOB_PARTITION",
	"SLURM_JOB_CPUS_PER_NODE", "SLURM_CLUSTER_NAME", "SLURM_SUBMIT_DIR", "SLURM_SUBMIT_HOST",
	"SLURM_TASKS_PER_NODE", "SLURM_STEP_NUM_TASKS", "SLURM_STEP_NUM_NODES", "SLURM_STEP_NODELIST",
	"SLURM_STEP_TASKS_PER_NODE", "SLURM_CPUS_PER_TASK", "SLURM_JOB_ACCOUNT", "SLURM_JOB_QOS",
	"SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_MEM_PER_NODE", "SLURM_MEM_PER_CPU",
};
#define ENV_MAX (12 + sizeof(job_wide_env) / sizeof(job_wide_env[0]))

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

/* What a task's command runs as, where and with what, in the guest. */
struct task_context {
	char user[32]; /* UID:GID */
	char cwd[PATH_MAX]; /* "" when unknown: the agent's */
	char *env[ENV_MAX]; /* NAME=VALUE, allocated */
	unsigned int nenv;
};

static void add_env(struct task_context *t, const char *name, const char *value)
{
	size_t size = strlen(name) + strlen(value) + 2;
	char *text = malloc(size);

	if (!text || t->nenv == ENV_MAX) {
		free(text);
		return;
	}
	snprintf(text, size, "%s=%s", name, value);
	t->env[t->nenv++] = text;
}

static void add_env_number(struct task_context *t, const char *name, unsigned long value)
{
	char text[24];

	snprintf(text, sizeof(text), "%lu", value);
	add_env(t, name, text);
}

/* The job's ids, the task's directory, its SLURM_* variables; -1 when the ids are unknown. */
static int task_context(spank_t sp, uint32_t job, uint32_t step, struct task_context *t)
{
	uint32_t nnodes = 0, nodeid = 0, ntasks = 0, global_id = 0;
	uint16_t ncpus = 0;
	int local_id = 0;
	size_t optional = 0;
	uid_t uid;
	gid_t gid;
	char value[1024];

	if (spank_get_item(sp, S_JOB_UID, &uid) != ESPANK_SUCCESS ||
	    spank_get_item(sp, S_JOB_GID, &gid) != ESPANK_SUCCESS)
		return -1;
	snprintf(t->user, sizeof(t->user), "%lu:%lu", (unsigned long)uid, (unsigned long)gid);
	/* slurmstepd is in the step's directory when it forks the tasks */
	if (!getcwd(t->cwd, sizeof(t->cwd)) || t->cwd[0] != '/')
		t->cwd[0] = '\0';
	add_env_number(t, "SLURM_JOB_ID", job);
	add_env_number(t, "SLURM_STEP_ID", step);
	add_env_number(t, "SLURM_JOB_UID", (unsigned long)uid);
	add_env_number(t, "SLURM_JOB_GID", (unsigned long)gid);
	if (spank_get_item(sp, S_TASK_GLOBAL_ID, &global_id) == ESPANK_SUCCESS)
		add_env_number(t, "SLURM_PROCID", global_id);
	if (spank_get_item(sp, S_TASK_ID, &local_id) == ESPANK_SUCCESS && local_id >= 0)
		add_env_number(t, "SLURM_LOCALID", (unsigned long)local_id);
	if (spank_get_item(sp, S_JOB_NODEID, &nodeid) == ESPANK_SUCCESS)
		add_env_number(t, "SLURM_NODEID", nodeid);
	if (spank_get_item(sp, S_JOB_TOTAL_TASK_COUNT, &ntasks) == ESPANK_SUCCESS)
		add_env_number(t, "SLURM_NTASKS", ntasks);
	if (spank_get_item(sp, S_JOB_NNODES, &nnodes) == ESPANK_SUCCESS)
		add_env_number(t, "SLURM_NNODES", nnodes);
	if (spank_get_item(sp, S_JOB_NCPUS, &ncpus) == ESPANK_SUCCESS)
		add_env_number(t, "SLURM_CPUS_ON_NODE", ncpus);
	for (size_t i = 0; i < sizeof(job_wide_env) / sizeof(job_wide_env[0]); i++) {
		if (spank_getenv(sp, job_wide_env[i], value, sizeof(value)) != ESPANK_SUCCESS)
			continue;
		optional += strlen(job_wide_env[i]) + strlen(value) + 12; /* " export X='...'" and more */
		if (optional > ENV_OPTIONAL_BYTES) {
			slurm_info("xen-lite: --hpc-guest: %s not passed to the guest: no room", job_wide_env[i]);
			continue;
		}
		add_env(t, job_wide_env[i], value);
	}
	return 0;
}

/*
 * The runner, root, forked from the task before it drops privileges:
 * xl-lite run's output into out_fd, then its exit status as text into
 * status_fd. Never returns.
 */
static void run_in_guest(const char *guest, const struct task_context *t, int argc, char **argv, int out_fd,
			 int status_fd)
{
	char **run = calloc((size_t)argc + 10 + 2 * t->nenv, sizeof(*run));
	char text[16];
	int status = 255, n = 0;
	pid_t pid;

	if (run) {
		run[n++] = "xl-lite";
		run[n++] = "run";
		run[n++] = (char *)guest;
		run[n++] = "--user";
		run[n++] = (char *)t->user;
		if (t->cwd[0]) {
			run[n++] = "--cwd";
			run[n++] = (char *)t->cwd;
		}
		for (unsigned int i = 0; i < t->nenv; i++) {
			run[n++] = "--env";
			run[n++] = t->env[i];
		}
		run[n++] = "--";
		memcpy(run + n, argv, (size_t)argc * sizeof(*run));
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
	static struct task_context context;
	uint32_t job = 0, step = 0;
	int argc = 0, out[2], st[2];
	char **argv = NULL;
	char guest[32], out_text[16], st_text[16];
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
	if (task_context(sp, job, step, &context) < 0) {
		slurm_error("xen-lite: --hpc-guest: the job's uid or gid is unknown");
		return -1;
	}
	if (pipe(out) < 0) {
		slurm_error("xen-lite: --hpc-guest: pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe(st) < 0) {
		slurm_error("xen-lite: --hpc-guest: pipe: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		return -1;
	}
	snprintf(out_text, sizeof(out_text), "%d", out[0]);
	snprintf(st_text, sizeof(st_text), "%d", st[0]);
	/* before the runner starts: a task that cannot be made the relay runs nothing */
	if (spank_setenv(sp, "XEN_LITE_TASK_OUTPUT_FD", out_text, 1) != ESPANK_SUCCESS ||
	    spank_setenv(sp, "XEN_LITE_TASK_STATUS_FD", st_text, 1) != ESPANK_SUCCESS) {
		slurm_error("xen-lite: --hpc-guest: the relay's descriptors could not be set in the task's environment");
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		slurm_error("xen-lite: --hpc-guest: fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		close(out[0]);
		close(st[0]);
		run_in_guest(guest, &context, argc, argv, out[1], st[1]);
	}
	close(out[1]);
	close(st[1]);
	argv[0] = RELAY;
	return 0;
fail:
	close(out[0]);
	close(out[1]);
	close(st[0]);
	close(st[1]);
	return -1;
}
