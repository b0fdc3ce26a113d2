/*
 * xl-vblk: the back-end of a guest's virtio-blk disk, a dom0 process
 * (Documentation/virtio.md). It adds the device to a guest that has not run
 * yet (XL_DOMCTL_VIRTIO), then serves the guest's driver: it reads the
 * queue's requests in the guest's memory through dom0's view of it
 * (XL_IOCTL_GUEST_MAP), carries them out on a file or block device of
 * dom0's (virtio-blk.c) and interrupts the guest through the queue's event
 * channel. It ends when the guest does.
 *
 *   xl-vblk [--ready-fd N] [--serial S] [--resume DEVICE] DOMID FILE [ro|rw]
 *
 * --ready-fd: a byte is written there, and the descriptor closed, once the
 * device is added (xl-lite create waits for it before it starts the guest).
 * --resume: take over device DEVICE of a guest whose back-end ended (killed,
 * crashed): its channel is found again, and the requests the driver made
 * since the last one completed are carried out.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../libxl-lite.h"
#include "virtio-blk.h"
#include "guest-view.h"
#include "supervise.h"
#include "virtq.h"

#define QUEUE_MAX 256
#define WAIT_MS 1000
#define STATUS_DRIVER_OK 4u

struct backend {
	struct xl_handle h;
	uint32_t domid, dom0_port, guest_port;
	int device;
	struct guest_view view;
	struct vblk blk;
	struct virtq q;
	uint32_t reset_seen;
	bool resuming; /* the queue is taken over from a back-end that ended */
	bool failed;   /* the failed state: every request an I/O error (supervise.h) */
	const char *file;
	uint64_t requests, interrupts;
};

static int fail(struct backend *b, const char *what)
{
	char msg[256];

	fprintf(stderr, "xl-vblk: d%u: %s: %s\n", b->domid, what, xl_error_message(&b->h.err, msg, sizeof(msg)));
	return 1;
}

static int map_guest(struct backend *b)
{
	return guest_view_map(&b->view, &b->h, b->domid, "xl-vblk");
}

/* The device added to the guest, its queue's channel connected first. */
static int add_device(struct backend *b)
{
	struct xl_virtio_op op = { .op = XL_VIRTIO_ADD, .device_id = 2, .nr_queues = 1, .queue_max = QUEUE_MAX };
	int64_t dev;

	if (xl_event_connect(&b->h, 0, b->domid, &b->dom0_port, &b->guest_port))
		return fail(b, "connecting the queue's channel");
	op.ports[0] = b->guest_port;
	op.device_features = vblk_features(&b->blk);
	op.config_len = (uint32_t)vblk_config(&b->blk, op.config, sizeof(op.config));
	dev = xl_virtio_add(&b->h, b->domid, &op);
	if (dev < 0)
		return fail(b, "adding the device");
	b->device = (int)dev;
	return 0;
}

/* Device dev of the guest again, and dom0's end of its queue's channel. */
static int take_over(struct backend *b, int dev)
{
	struct xl_virtio_op st;

	if (xl_virtio_state(&b->h, b->domid, (uint32_t)dev, &st))
		return fail(b, "finding the device");
	b->device = dev;
	b->guest_port = st.ports[0];
	if (xl_event_find_peer(&b->h, b->domid, b->guest_port, &b->dom0_port)) {
		fprintf(stderr, "xl-vblk: d%u: no channel of dom0's joined to the device's port %u\n", b->domid,
			b->guest_port);
		return 1;
	}
	b->resuming = true;
	return 0;
}

/* The driver's side, as the hypervisor has it; -1 once the guest is gone. */
static int read_state(struct backend *b, struct xl_virtio_op *st)
{
	return xl_virtio_state(&b->h, b->domid, (uint32_t)b->device, st);
}

/* A reset by the driver: the queue forgotten, then the hypervisor told (the driver waits for that). */
static void follow_resets(struct backend *b, const struct xl_virtio_op *st)
{
	if (st->reset_count == b->reset_seen && !b->resuming)
		return;
	virtq_reset(&b->q);
	b->reset_seen = st->reset_count;
	if (xl_virtio_reset_done(&b->h, b->domid, (uint32_t)b->device, st->reset_count))
		fail(b, "answering a reset");
}

static bool queue_ready(struct backend *b, const struct xl_virtio_op *st)
{
	const struct xl_virtio_queue *q = &st->queues[0];
	const struct guest_mem mem = guest_view_mem(&b->view);

	if (b->q.size)
		return !b->q.broken;
	if (!(st->status & STATUS_DRIVER_OK) || !q->enabled)
		return false;

	if (virtq_setup(&b->q, q->size, q->desc, q->driver, q->device,
			st->driver_features & (1ULL << VIRTIO_RING_F_EVENT_IDX)) ||
	    (b->resuming && virtq_resume(&b->q, &mem))) {
		fprintf(stderr, "xl-vblk: d%u: the driver's queue: %s\n", b->domid, b->q.broken_reason);
		return false;
	}
	if (b->resuming)
		printf("xl-vblk: d%u: taken over at request %u\n", b->domid, b->q.last_avail);
	printf("xl-vblk: d%u: queue of %u entries at %#" PRIx64 ", event index %s\n", b->domid, q->size, q->desc,
	       b->q.event_idx ? "on" : "off");
	fflush(stdout);
	return true;
}

/* Every request there is, then an interrupt if the driver wants one. */
static void serve(struct backend *b)
{
	const struct guest_mem mem = guest_view_mem(&b->view);
	struct virtq_req r;
	bool more = true;

	while (more) {
		virtq_disable_notify(&b->q, &mem);
		while (virtq_pop(&b->q, &mem, &r) > 0) {
			virtq_push(&b->q, &mem, r.head, b->failed ? vblk_fail(&b->blk, &r) : vblk_handle(&b->blk, &r));
			b->requests++;
		}
		more = virtq_enable_notify(&b->q, &mem);
	}
	if (b->q.broken)
		fprintf(stderr, "xl-vblk: d%u: the queue is broken (%s): no more requests taken\n", b->domid,
			b->q.broken_reason);
	if (virtq_should_interrupt(&b->q, &mem)) {
		b->interrupts++;
		if (xl_event_send(&b->h, b->dom0_port))
			fail(b, "interrupting the guest");
	}
}

static int run(struct backend *b)
{
	struct xl_virtio_op st;

	/* a back-end that takes over looks at once: the notifications it missed may be long gone */
	for (bool look = b->resuming;; look = false) {
		if (!look && xl_event_wait(&b->h, b->dom0_port, WAIT_MS) && b->h.err.err != ETIMEDOUT &&
		    b->h.err.err != EINTR)
			break; /* the channel is gone: so is the guest */
		if (sv_stopping() || read_state(b, &st))
			break;
		follow_resets(b, &st);
		if (queue_ready(b, &st))
			serve(b);
		b->resuming = false;
	}
	/* dom0's end of the channel: freed, or every guest's disk would keep one of dom0's 64 ports */
	if (xl_event_close(&b->h, b->dom0_port))
		fail(b, "closing dom0's end of the channel");
	printf("xl-vblk: d%u: %s: %" PRIu64 " requests (%" PRIu64 " read, %" PRIu64 " written, %" PRIu64
	       " flushes, %" PRIu64 " errors", b->domid, sv_stopping() ? "told to stop" : "the guest is gone",
	       b->requests, b->blk.reads, b->blk.writes, b->blk.flushes, b->blk.errors);
	if (b->failed)
		printf(", %" PRIu64 " refused in the failed state", b->blk.failed);
	printf("), %" PRIu64 " interrupts\n", b->interrupts);
	return 0;
}

static int open_disk(struct backend *b, const char *file, bool ro)
{
	struct stat sb;

	b->blk.fd = open(file, ro ? O_RDONLY : O_RDWR);
	if (b->blk.fd < 0 || fstat(b->blk.fd, &sb)) {
		fprintf(stderr, "xl-vblk: %s: %s\n", file, strerror(errno));
		return -1;
	}
	if (S_ISBLK(sb.st_mode)) {
		uint64_t bytes = 0;

		if (ioctl(b->blk.fd, _IOR(0x12, 114, size_t), &bytes)) /* BLKGETSIZE64 */
			bytes = 0;
		sb.st_size = (off_t)bytes;
	}
	b->blk.capacity = (uint64_t)sb.st_size / 512;
	b->blk.read_only = ro;
	if (!b->blk.capacity) {
		fprintf(stderr, "xl-vblk: %s: smaller than a sector\n", file);
		return -1;
	}
	return 0;
}

/*
 * A worker (supervise.h), with a /dev/xenlite of its own: the device the
 * supervisor set up, taken over after a worker that died, or failed. Its
 * exit status: 0 once it has closed dom0's port.
 */
static int worker(void *ctx, enum sv_mode mode)
{
	struct backend *b = ctx;

	if (mode == SV_TAKE_OVER && take_over(b, b->device))
		return 1;
	b->failed = mode == SV_FAILED;
	b->resuming |= b->failed; /* the requests left pending are failed too */
	if (map_guest(b))
		return 1;
	if (mode == SV_FIRST)
		printf("xl-vblk: d%u: %s, %" PRIu64 " sectors%s: virtio device %d, dom0 port %u\n", b->domid, b->file,
		       b->blk.capacity, b->blk.read_only ? ", read-only" : "", b->device, b->dom0_port);
	fflush(stdout);
	sv_worker_ready();
	return run(b);
}

static int usage(void)
{
	fprintf(stderr, "usage: xl-vblk [--ready-fd N] [--serial S] [--resume DEVICE] [--restarts N] DOMID FILE "
			"[ro|rw]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct backend b;
	struct sv_backend sv = { .name = "xl-vblk", .restarts = SV_RESTARTS_DEFAULT, .nr_ports = 1,
				 .worker = worker, .ctx = &b, .h = &b.h };
	int ready_fd = -1, resume = -1, i = 1;
	const char *serial = "xen-lite";
	char *end;

	while (i + 1 < argc && !strncmp(argv[i], "--", 2)) {
		if (!strcmp(argv[i], "--ready-fd"))
			ready_fd = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--serial"))
			serial = argv[i + 1];
		else if (!strcmp(argv[i], "--resume") && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9')
			resume = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--restarts") && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9' &&
			 strtoul(argv[i + 1], &end, 10) <= SV_RESTARTS_MAX && !*end)
			sv.restarts = (unsigned int)strtoul(argv[i + 1], NULL, 10);
		else
			return usage();
		i += 2;
	}
	if (argc - i < 2 || argc - i > 3 || (argc - i == 3 && strcmp(argv[i + 2], "ro") && strcmp(argv[i + 2], "rw")))
		return usage();
	errno = 0;
	b.domid = (uint32_t)strtoul(argv[i], &end, 10);
	if (errno || *end || !b.domid || argv[i][0] < '0' || argv[i][0] > '9')
		return usage();
	snprintf(b.blk.serial, sizeof(b.blk.serial), "%s", serial);
	signal(SIGPIPE, SIG_IGN);
	if (open_disk(&b, argv[i + 1], argc - i == 3 && !strcmp(argv[i + 2], "ro")))
		return 1;
	if (xl_open(&b.h))
		return fail(&b, "/dev/xenlite");
	b.file = argv[i + 1];
	/* the device and dom0's end of its channel are the supervisor's: they outlive every worker */
	if (resume >= 0 ? take_over(&b, resume) : add_device(&b))
		return 1;
	sv.domid = b.domid;
	sv.device = b.device;
	sv.ports[0] = b.dom0_port;
	sv.ready_fd = ready_fd;
	return sv_run(&sv);
}
