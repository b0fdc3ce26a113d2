/*
 * Host tests for the back-ends' supervisor (dom0-tools/backends/
 * supervise.c): the restart decision, case by case and over the 60-second
 * window, and sv_run itself with stand-in workers that die, fail to take
 * over, end cleanly or are told to stop (the hypervisor's XL_VIRTIO_STATE
 * and XL_EVENT_CLOSE stand in here). Each sv_run runs in a child process of
 * its own: the supervisor's signal state is per process.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../dom0-tools/backends/supervise.h"

/* ---- the hypervisor's stand-in: the device exists until *device_gone; closes written to a pipe ---- */

static volatile bool *device_gone; /* shared by the supervisor and its workers */
static int report_fd = -1; /* each worker's mode ('F', 'T', 'X') and each close ('c') go here */

int xl_virtio_state(struct xl_handle *h, uint32_t domid, uint32_t dev, struct xl_virtio_op *st)
{
	(void)h;
	(void)domid;
	(void)dev;
	memset(st, 0, sizeof(*st));
	return *device_gone ? -1 : 0;
}

int xl_event_close(struct xl_handle *h, uint32_t port)
{
	(void)h;
	(void)port;
	return write(report_fd, "c", 1) == 1 ? 0 : -1;
}

int xl_open(struct xl_handle *h)
{
	h->fd = -1;
	return 0;
}

void xl_close(struct xl_handle *h)
{
	h->fd = -1;
}

char *xl_error_message(const struct xl_error *e, char *buf, size_t size)
{
	(void)e;
	snprintf(buf, size, "the stand-in's error");
	return buf;
}

/* ---- the decision ---- */

static const struct sv_history none = { .max = 3 };

static struct sv_death died(enum sv_mode mode)
{
	return (struct sv_death){ .mode = mode, .was_ready = true, .device_exists = true };
}

static void test_decide_cases(void **state)
{
	struct sv_death d = died(SV_FIRST);

	assert_int_equal(sv_decide(&none, &d, 100), SV_RESTART);
	d.exited_0 = true; /* the guest is gone, or it was told to stop */
	assert_int_equal(sv_decide(&none, &d, 100), SV_END);
	d = died(SV_TAKE_OVER);
	d.stop_requested = true;
	assert_int_equal(sv_decide(&none, &d, 100), SV_END);
	d = died(SV_TAKE_OVER);
	d.device_exists = false;
	assert_int_equal(sv_decide(&none, &d, 100), SV_END);
	/* a first worker that never served: the device is not resumed, create is told */
	d = died(SV_FIRST);
	d.was_ready = false;
	assert_int_equal(sv_decide(&none, &d, 100), SV_END_ERROR);
	/* a take-over that failed: the failed state at once, whatever the count */
	d = died(SV_TAKE_OVER);
	d.was_ready = false;
	assert_int_equal(sv_decide(&none, &d, 100), SV_GO_FAILED);
	/* the failed-state worker is the last */
	d = died(SV_FAILED);
	assert_int_equal(sv_decide(&none, &d, 100), SV_END_ERROR);
	d.exited_0 = true;
	assert_int_equal(sv_decide(&none, &d, 100), SV_END);
}

static void test_decide_window(void **state)
{
	struct sv_history h = { .max = 3 };
	struct sv_death d = died(SV_TAKE_OVER);

	sv_note_restart(&h, 1000);
	sv_note_restart(&h, 1010);
	assert_int_equal(sv_decide(&h, &d, 1020), SV_RESTART);
	sv_note_restart(&h, 1020);
	assert_int_equal(sv_recent_restarts(&h, 1030), 3);
	assert_int_equal(sv_decide(&h, &d, 1030), SV_GO_FAILED);
	/* 60 s after the first it no longer counts */
	assert_int_equal(sv_recent_restarts(&h, 1059), 3);
	assert_int_equal(sv_recent_restarts(&h, 1060), 2);
	assert_int_equal(sv_decide(&h, &d, 1060), SV_RESTART);
	/* no restart at all */
	h = (struct sv_history){ .max = 0 };
	assert_int_equal(sv_decide(&h, &d, 5), SV_GO_FAILED);
}

static void test_history_full(void **state)
{
	struct sv_history h = { .max = SV_RESTARTS_MAX };

	for (uint64_t t = 0; t < SV_RESTARTS_MAX + 10; t++)
		sv_note_restart(&h, 5000 + t / 4);
	assert_int_equal(h.n, SV_RESTARTS_MAX);
	assert_true(h.at[h.n - 1] == 5000 + (SV_RESTARTS_MAX + 9) / 4); /* the newest kept */
	assert_int_equal(sv_recent_restarts(&h, 5000 + (SV_RESTARTS_MAX + 9) / 4), SV_RESTARTS_MAX);
}

/* ---- sv_run with stand-in workers ---- */

enum behaviour { DIE, FAIL_FIRST, FAIL_TAKE_OVER, STOP_SELF, DEVICE_GOES };
static enum behaviour behaviour;

static int stand_in(void *ctx, enum sv_mode mode)
{
	const char c = mode == SV_FIRST ? 'F' : mode == SV_TAKE_OVER ? 'T' : 'X';

	(void)ctx;
	if (write(report_fd, &c, 1) != 1)
		return 9;
	if ((behaviour == FAIL_FIRST && mode == SV_FIRST) || (behaviour == FAIL_TAKE_OVER && mode == SV_TAKE_OVER))
		return 1; /* before sv_worker_ready: it never served */
	sv_worker_ready();
	if (mode == SV_FAILED)
		return 0; /* the guest is gone: it closed its ports */
	if (behaviour == STOP_SELF) {
		/* the supervisor told to end: it must forward the signal here */
		kill(getppid(), SIGTERM);
		for (int i = 0; i < 500 && !sv_stopping(); i++)
			usleep(10000);
		return sv_stopping() ? 0 : 7;
	}
	if (behaviour == DEVICE_GOES && mode == SV_TAKE_OVER)
		*device_gone = true; /* stands for the guest's end: the next death is not followed */
	raise(SIGKILL);
	return 8;
}

/* sv_run in a child: its exit status; what the workers and closes reported, in *out */
static int run_supervisor(enum behaviour how, unsigned int restarts, int ready_fd, char *out, size_t max)
{
	struct xl_handle h = { .fd = -1 };
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	behaviour = how;
	*device_gone = false;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct sv_backend s = { .name = "test", .domid = 5, .device = 0, .ports = { 7, 8 }, .nr_ports = 2,
					.restarts = restarts, .ready_fd = ready_fd, .h = &h, .worker = stand_in };

		close(fds[0]);
		report_fd = fds[1];
		/* the supervisor's logs on the test's stderr would look like failures: into /dev/null */
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		_exit(sv_run(&s));
	}
	close(fds[1]);
	if (ready_fd >= 0)
		close(ready_fd);
	n = read(fds[0], out, max - 1);
	for (ssize_t more; n >= 0 && (size_t)n < max - 1 && (more = read(fds[0], out + n, max - 1 - (size_t)n)) > 0;)
		n += more;
	out[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_run_restarts_then_failed(void **state)
{
	char seen[64];

	/* three take-overs, then the failed state, whose worker ends with the guest: nothing to close */
	assert_int_equal(run_supervisor(DIE, 3, -1, seen, sizeof(seen)), 0);
	assert_string_equal(seen, "FTTTX");
	assert_int_equal(run_supervisor(DIE, 0, -1, seen, sizeof(seen)), 0);
	assert_string_equal(seen, "FX");
}

static void test_run_first_fails(void **state)
{
	int ready[2];
	char seen[64], c;

	/* create is not told the device is there; dom0's ports are closed for the worker */
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(run_supervisor(FAIL_FIRST, 3, ready[1], seen, sizeof(seen)), 1);
	assert_string_equal(seen, "Fcc");
	assert_int_equal(read(ready[0], &c, 1), 0);
	close(ready[0]);
}

static void test_run_ready_told(void **state)
{
	int ready[2];
	char seen[64], c;

	assert_int_equal(pipe(ready), 0);
	assert_int_equal(run_supervisor(DIE, 1, ready[1], seen, sizeof(seen)), 0);
	assert_string_equal(seen, "FTX");
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(c, 'r');
	close(ready[0]);
}

static void test_run_take_over_fails(void **state)
{
	char seen[64];

	assert_int_equal(run_supervisor(FAIL_TAKE_OVER, 3, -1, seen, sizeof(seen)), 0);
	assert_string_equal(seen, "FTX");
}

static void test_run_stop_forwarded(void **state)
{
	char seen[64];

	/* the worker stopped and closed its ports itself: the supervisor closes nothing */
	assert_int_equal(run_supervisor(STOP_SELF, 3, -1, seen, sizeof(seen)), 0);
	assert_string_equal(seen, "F");
}

static void test_run_device_gone(void **state)
{
	char seen[64];

	/* a worker killed after its guest's device went: not restarted, its ports closed by the supervisor */
	assert_int_equal(run_supervisor(DEVICE_GOES, 3, -1, seen, sizeof(seen)), 0);
	assert_string_equal(seen, "FTcc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decide_cases),
		cmocka_unit_test(test_decide_window),
		cmocka_unit_test(test_history_full),
		cmocka_unit_test(test_run_restarts_then_failed),
		cmocka_unit_test(test_run_first_fails),
		cmocka_unit_test(test_run_ready_told),
		cmocka_unit_test(test_run_take_over_fails),
		cmocka_unit_test(test_run_stop_forwarded),
		cmocka_unit_test(test_run_device_gone),
	};

	device_gone = mmap(NULL, sizeof(*device_gone), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (device_gone == MAP_FAILED)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
