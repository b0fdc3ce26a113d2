/*
 * Host tests for xl-lite inject's run (dom0-tools/xl-inject.c, xl-fi-node.c)
 * over a simulated node: the calls of libxl-lite it makes are answered
 * here - a domain list with a clock, a target whose console prints a
 * workload's verdicts (a mismatch, a kernel panic and silence, as scripted),
 * restarts under a new id, resets, a hypervisor log - and the module's calls
 * by the fault-injector module's own code over a fake node. What it prints
 * and returns is checked: the zones, the target followed by name, the
 * recovery after a crash and after a hang, the refusals before any injection.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../dom0-tools/xl-cmds.h"
#include "../../dom0-tools/xl-module-fmt.h"
#include "../../modules/fault-injector/fi_ops.h"
#include "fi_fake_node.h"
#include "output_check.h"

/* ---- the simulated node ---- */

#define TICK_US 250000 /* the hypervisor's clock moves on this much at each domain list */

static struct sim {
	const char *campaign;
	struct xl_domain_info doms[4];
	unsigned int nr;
	uint64_t now_us;
	uint32_t target; /* the target's id now */
	unsigned int verdicts; /* "checksum: ok N" printed */
	unsigned int injects; /* INJECT calls answered */
	unsigned int mismatch_at, crash_at, panic_at, bystander_crash_at, alarm_at, destroy_at; /* after that INJECT */
	bool panicked, said_panic, mismatch_due;
	bool module_missing, sysinfo_fails;
	unsigned int resets;
	char log[256];
	size_t log_len;
	struct fi_state *module;
} sim;

static void sim_domain(unsigned int i, uint32_t id, const char *name, uint32_t state)
{
	memset(&sim.doms[i], 0, sizeof(sim.doms[i]));
	sim.doms[i].domid = id;
	sim.doms[i].state = state;
	sim.doms[i].mem_bytes = NODE_RAM;
	sim.doms[i].nr_vcpus = 1;
	snprintf(sim.doms[i].name, sizeof(sim.doms[i].name), "%s", name);
}

static void sim_reset(const char *campaign)
{
	free(sim.module);
	memset(&sim, 0, sizeof(sim));
	sim.campaign = campaign;
	sim.nr = 3;
	sim_domain(0, 0, "dom0", XL_DOMAIN_RUNNING);
	sim_domain(1, 1, "hpc", XL_DOMAIN_RUNNING);
	sim_domain(2, 2, "bystander", XL_DOMAIN_RUNNING);
	sim.target = 1;
	sim.now_us = 1000000;
	sim.module = malloc(sizeof(*sim.module));
	fi_state_reset(sim.module);
	node_reset();
	node[3].exists = true; /* the target's restart */
}

/* The target restarted under the next id, its workload checking again. */
static void sim_restart(void)
{
	sim.target++;
	sim_domain(1, sim.target, "hpc", XL_DOMAIN_RUNNING);
	sim.panicked = false;
}

static void sim_log(const char *line)
{
	size_t len = strlen(line);

	if (sim.log_len + len <= sizeof(sim.log)) {
		memcpy(sim.log + sim.log_len, line, len);
		sim.log_len += len;
	}
}

/* What happens on the node once INJECT number sim.injects was answered. */
static void sim_after_inject(void)
{
	if (sim.injects == sim.mismatch_at)
		sim.mismatch_due = true;
	if (sim.injects == sim.crash_at)
		sim_restart();
	if (sim.injects == sim.panic_at)
		sim.panicked = true;
	if (sim.injects == sim.bystander_crash_at)
		sim.doms[2].state = XL_DOMAIN_CRASHED;
	if (sim.injects == sim.alarm_at)
		sim_log("(XL) [  99.000000] PANIC: a test's\n");
	if (sim.injects == sim.destroy_at) {
		sim.doms[1] = sim.doms[2]; /* the target destroyed: the bystander moves up */
		sim.nr = 2;
	}
}

int xl_domain_list(struct xl_handle *h, struct xl_domain_info *doms, unsigned int max)
{
	(void)h;
	sim.now_us += TICK_US;
	sim.doms[0].uptime_us = sim.now_us;
	memcpy(doms, sim.doms, sizeof(doms[0]) * (sim.nr < max ? sim.nr : max));
	return (int)sim.nr;
}

int xl_sysinfo(struct xl_handle *h, struct xl_sysinfo *si)
{
	memset(si, 0, sizeof(*si));
	h->err = (struct xl_error){ .source = XL_ERR_HYPERVISOR, .err = EIO, .call = "XL_SYSCTL_INFO" };
	return sim.sysinfo_fails ? -1 : 0;
}

int64_t xl_console_read(struct xl_handle *h, uint32_t domid, struct xl_console_chunk *chunk, size_t size)
{
	static uint32_t last_read = UINT32_MAX;
	char line[96] = "";

	(void)h;
	if (domid != sim.target)
		return -1; /* gone */
	/* one line a read of something new: the workload's verdict, or what its kernel said */
	if (sim.panicked && !sim.said_panic) {
		snprintf(line, sizeof(line), "[  50.000000] Kernel panic - not syncing: Fatal exception\r\n");
		sim.said_panic = true;
	} else if (!sim.panicked && sim.mismatch_due) {
		snprintf(line, sizeof(line), "[  40.0] xen-lite-guest: checksum: MISMATCH %u (got a, want b)\r\n",
			 ++sim.verdicts);
		sim.mismatch_due = false;
	} else if (!sim.panicked && last_read != domid + sim.injects * 8) {
		snprintf(line, sizeof(line), "[  30.0] xen-lite-guest: checksum: ok %u\r\n", ++sim.verdicts);
	}
	last_read = domid + sim.injects * 8;
	chunk->dropped = 0;
	chunk->len = (uint32_t)strlen(line);
	assert_true(sizeof(*chunk) + chunk->len <= size);
	memcpy(chunk->data, line, chunk->len);
	return chunk->len;
}

int64_t xl_log_read(struct xl_handle *h, uint64_t pos, struct xl_log_chunk *chunk, size_t size)
{
	size_t room = size - sizeof(*chunk), at = pos < sim.log_len ? (size_t)pos : sim.log_len;
	size_t n = sim.log_len - at < room ? sim.log_len - at : room;

	(void)h;
	chunk->pos = at;
	chunk->head = sim.log_len;
	chunk->len = (uint32_t)n;
	chunk->next = at + n;
	memcpy(chunk->data, sim.log + at, n);
	return (int64_t)n;
}

int64_t xl_shutdown(struct xl_handle *h, uint32_t domid, uint64_t flags)
{
	(void)h;
	assert_int_equal(domid, sim.target);
	assert_true(flags & XL_SHUTDOWN_HARD_FLAG);
	assert_true(flags & XL_SHUTDOWN_REBOOT_FLAG);
	sim.resets++;
	sim_restart();
	return 0;
}

int64_t xl_module_call(struct xl_handle *h, const char *name, uint32_t op, uint64_t arg, void *data, size_t len)
{
	struct xl_module_call c = { .caller_privileged = true, .op = op, .arg = arg, .buf = data, .size = len };
	int64_t n;

	assert_string_equal(name, XL_FI_MODULE);
	n = sim.module_missing ? -ENOENT : fi_call(sim.module, &c);
	if (n < 0) {
		h->err = (struct xl_error){ .source = XL_ERR_HYPERVISOR, .err = (int)-n, .call = "XL_MODULE_CALL" };
		return -1;
	}
	if (op == XL_FI_OP_INJECT) {
		sim.injects++;
		sim_after_inject();
	}
	return n;
}

int xl_module_lookup(struct xl_handle *h, const char *name, uint32_t id, struct xl_module_entry *found)
{
	(void)h, (void)name, (void)id, (void)found;
	return sim.module_missing ? 0 : 1;
}

bool xl_file_exists(const char *path)
{
	(void)path;
	return false;
}

char *xl_read_file(const char *path, const char *what, size_t max, size_t *size)
{
	(void)path, (void)what, (void)max;
	*size = strlen(sim.campaign);
	return strdup(sim.campaign);
}

int xl_report(const struct xl_error *e)
{
	fprintf(stderr, "xl-lite: %s failed: %d\n", e->call ? e->call : "?", e->err);
	return XL_EXIT_ERROR;
}

/* ---- running the command ---- */

static char out[1 << 16], err_text[4096];

static int inject(void *ctx)
{
	struct xl_handle h = { .fd = -1 };

	return xl_cmd_inject(&h, ctx);
}

/* xl-lite inject [-u] [-n] CAMPAIGN over the simulation: its exit status; stdout and stderr kept. */
static int run(bool unsafe, bool dry_run)
{
	struct xl_args a = { .cmd = XL_CMD_INJECT, .unsafe = unsafe, .dry_run = dry_run, .nargs = 1 };

	a.args[0] = "c.cfg";
	return run_captured(inject, &a, out, sizeof(out), err_text, sizeof(err_text));
}

static void expect_out(const char *want)
{
	if (!strstr(out, want))
		fail_msg("not in the output: '%s'\n---\n%s---\n%s", want, out, err_text);
}

#define CAMPAIGN(extra)                                                                                     \
	"target = hpc\ninjections = 12\nseed = 7\nwindow_ms = 10\nrestart_ms = 5000\nhang_ms = 2000\n"    \
	"mem = 0-4096\nmem_flip = 4\nreg_flip = 1\nhypercall_fail = 1\nipi_drop = 1\n"                      \
	"ok = \"checksum: ok\"\ncorrupt = \"checksum: MISMATCH\"\n" extra

/* The injections' lines: one each, numbered in order. */
static void expect_lines(unsigned int n)
{
	char want[16];

	for (unsigned int i = 1; i <= n; i++) {
		snprintf(want, sizeof(want), "\n#%u id ", i);
		if (i == 1 ? strncmp(out, want + 1, strlen(want) - 1) : !strstr(out, want))
			fail_msg("no line of injection %u\n%s", i, out);
	}
}

static void test_run_quiet_campaign(void **state)
{
	sim_reset(CAMPAIGN(""));
	assert_int_equal(run(false, false), XL_EXIT_OK);
	expect_lines(12);
	expect_out("zones: masked 12, guest-user 0, guest-kernel 0, dom0 0, hypervisor 0\n");
	expect_out("campaign c.cfg: target hpc (domain 1), seed 7: 12 of 12 injections done\n");
	expect_out(": masked (its workload checked ok");
	expect_out("target restarted 0 time(s), reset 0 time(s); dom0's buffer checked after 12 window(s)\n");
	assert_int_equal(sim.injects, 12);
	assert_int_equal(fi_armed_count(&sim.module->armed), 0); /* nothing left armed */
}

/* A mismatch, a crash with a restart under a new id, a panic that leaves it silent (reset). */
static void test_run_follows_and_recovers(void **state)
{
	sim_reset(CAMPAIGN(""));
	sim.mismatch_at = 2;
	sim.crash_at = 5;
	sim.panic_at = 8;
	assert_int_equal(run(false, false), XL_EXIT_OK);
	expect_lines(12);
	expect_out("\n#2 id 2 d1 ");
	expect_out(": guest-user (its console: '[  40.0] xen-lite-guest: checksum: MISMATCH");
	expect_out(": guest-kernel (the target was restarted as domain 2");
	expect_out("\n#6 id 6 d2 "); /* followed by name */
	expect_out(": guest-kernel (its console: '[  50.000000] Kernel panic - not syncing: Fatal exception'");
	expect_out("\n#9 id 9 d3 "); /* reset, restarted once more */
	expect_out("zones: masked 9, guest-user 1, guest-kernel 2, dom0 0, hypervisor 0\n");
	expect_out("target hpc (domain 1, at the end 3)");
	expect_out("target restarted 2 time(s), reset 1 time(s)");
	assert_int_equal(sim.resets, 1);
}

/* After the last injection nothing waits for the target: the campaign is done. */
static void test_run_last_crash(void **state)
{
	sim_reset(CAMPAIGN(""));
	sim.destroy_at = 12;
	assert_int_equal(run(false, false), XL_EXIT_OK);
	expect_out("\n#12 id 12 d1 ");
	expect_out("zones: masked 11, guest-user 0, guest-kernel 1, dom0 0, hypervisor 0\n");
	assert_null(strstr(out, "stopped:"));
}

static void test_run_bystander_and_alarm(void **state)
{
	sim_reset(CAMPAIGN(""));
	sim.bystander_crash_at = 3;
	assert_int_equal(run(false, false), XL_EXIT_ERROR);
	expect_out("\n#3 id 3 d1 ");
	expect_out(": hypervisor (domain 2, not the target, crashed or was restarted");
	expect_out("zones: masked 11, guest-user 0, guest-kernel 0, dom0 0, hypervisor 1\n");
	expect_out("12 of 12 injections done");
	sim_reset(CAMPAIGN(""));
	sim.alarm_at = 4;
	assert_int_equal(run(false, false), XL_EXIT_ERROR);
	expect_out(": hypervisor (the hypervisor's log: '(XL) [  99.000000] PANIC: a test's'");
	expect_out("hypervisor 1\n"); /* the next windows are judged on their own */
}

static void test_run_stops(void **state)
{
	/* the hypervisor stops answering: the campaign ends there */
	sim_reset(CAMPAIGN(""));
	sim.sysinfo_fails = true;
	assert_int_equal(run(false, false), XL_EXIT_ERROR);
	expect_out("#1 id 1 ");
	expect_out(": hypervisor (the hypervisor stopped answering");
	expect_out("1 of 12 injections done");
	expect_out("stopped: the hypervisor stopped answering\n");
	/* a target that is gone (destroyed): stopped with the reason */
	sim_reset(CAMPAIGN(""));
	sim.destroy_at = 2;
	assert_int_equal(run(false, false), XL_EXIT_ERROR);
	expect_out("\n#2 id 2 d1 ");
	expect_out(": guest-kernel (the target is gone");
	expect_out("2 of 12 injections done");
	expect_out("stopped: the target (hpc) is gone within restart_ms (5000 ms)\n");
}

static void test_run_refusals(void **state)
{
	/* dom0 needs both unsafe settings */
	sim_reset("target = dom0\ninjections = 1\nmem_flip = 1\n");
	assert_int_equal(run(true, false), XL_EXIT_USAGE);
	assert_non_null(strstr(err_text, "the target is dom0: injections aimed at dom0 need unsafe = 1"));
	sim_reset("target = dom0\ninjections = 1\nmem_flip = 1\nunsafe = 1\n");
	assert_int_equal(run(false, false), XL_EXIT_USAGE);
	/* with both: flips in dom0's memory, written with XL_WRITE_DOM0 */
	sim_reset("target = dom0\ninjections = 3\nmem_flip = 1\nunsafe = 1\nmem = 0-4096\nwindow_ms = 10\n");
	assert_int_equal(run(true, false), XL_EXIT_OK);
	expect_out("zones: masked 3, guest-user 0, guest-kernel 0, dom0 0, hypervisor 0\n");
	expect_out("#1 id 1 d0 mem_flip gpa ");
	/* a bad file: its line and column, exit 2 */
	sim_reset("target = hpc\ninjections = 1\nmem_flip = 1\nwindw_ms = 5\n");
	assert_int_equal(run(false, false), XL_EXIT_USAGE);
	assert_non_null(strstr(err_text, "xl-lite: c.cfg: line 4, column 1: unknown key 'windw_ms'"));
	/* no such target */
	sim_reset("target = web\ninjections = 1\nmem_flip = 1\n");
	assert_int_equal(run(false, false), XL_EXIT_ERROR);
	assert_non_null(strstr(err_text, "no domain named 'web'"));
	/* the module not loaded */
	sim_reset(CAMPAIGN(""));
	sim.module_missing = true;
	assert_int_equal(run(false, false), XL_EXIT_ERROR);
	assert_non_null(strstr(err_text, "the fault-injector module is not loaded (xl-lite module load"));
	assert_int_equal(sim.injects, 0);
}

static void test_run_dry(void **state)
{
	sim_reset(CAMPAIGN(""));
	assert_int_equal(run(false, true), XL_EXIT_OK);
	assert_true(!strncmp(out, "#1 d1 ", 6));
	expect_out("\n#12 d1 ");
	assert_null(strstr(out, "zones:"));
	assert_int_equal(sim.injects, 0);
}

static int cleanup(void **state)
{
	free(sim.module);
	sim.module = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_quiet_campaign),
		cmocka_unit_test(test_run_follows_and_recovers),
		cmocka_unit_test(test_run_last_crash),
		cmocka_unit_test(test_run_bystander_and_alarm),
		cmocka_unit_test(test_run_stops),
		cmocka_unit_test(test_run_refusals),
		cmocka_unit_test(test_run_dry),
	};

	return cmocka_run_group_tests(tests, NULL, cleanup);
}
