/*
 * xl-vnet: the back-end of a guest's virtio-net interface, a dom0 process
 * (Documentation/virtio.md). It opens a TAP device in dom0 (tap.c), adds a
 * virtio network device to a guest that has not run yet (XL_DOMCTL_VIRTIO),
 * then moves frames: those the guest's driver transmits, from its memory
 * (XL_IOCTL_GUEST_MAP) to the TAP device, and those the TAP device gives,
 * into the buffers the driver made available to receive (virtio-net.c),
 * interrupting the guest through each queue's event channel. It ends when
 * the guest does. It runs as a supervisor, which holds the TAP device, and a
 * worker it forks (supervise.c): a worker that dies is followed by another
 * that takes both queues over, at most --restarts times a minute; then the
 * device is failed (frames sent are dropped, none received).
 *
 *   xl-vnet [--ready-fd N] [--mac XX:XX:XX:XX:XX:XX] [--bridge BR] [--tap NAME] [--index N]
 *           [--resume DEVICE] [--restarts N] DOMID
 *
 * --ready-fd: a byte is written there, and the descriptor closed, once the
 * device is added. --index: the guest's network device N (0 by default),
 * for the default TAP name xlvDOMID.N and MAC 02:58:4c:DOMID_hi:DOMID_lo:N.
 * --resume: take over device DEVICE of a guest whose back-end ended (a new
 * TAP device: the old one went with the process that held it).
 *
 * Waiting. XL_IOCTL_EVENT_WAIT sleeps on one port, and the TAP device is a
 * descriptor: so one thread per queue's dom0 port waits there and, at each
 * notification, writes a byte into a pipe; the main thread poll()s the
 * pipe and, while it holds a receive buffer, the TAP device, and does all
 * the work (the threads only wait: no lock is needed). Nothing is lost: a
 * notification that comes while nobody waits is kept by dom0's driver for
 * the next EVENT_WAIT on its port, a byte in the pipe stays until read, and
 * the main thread reads the pipe before it looks at the queues. (A single
 * loop taking turns with short timeouts would be simpler but would add
 * those timeouts to the latency of one direction or the other, or spin.)
 *
 * Flow control: frames are read from the TAP device only into a receive
 * buffer already taken from the guest; while the guest has none, the TAP
 * device is not read and its frames wait in dom0's kernel, which drops
 * them beyond its queue's length. Nothing is buffered here.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../libxl-lite.h"
#include "tap.h"
#include "virtio-net.h"
#include "guest-view.h"
#include "supervise.h"
#include "virtq.h"

#define QUEUE_MAX 256
#define WAIT_MS 1000
#define STATUS_DRIVER_OK 4u
#define BUDGET QUEUE_MAX        /* requests served per queue before the other's turn */
#define TAP_READ_BYTES 65536u   /* a frame longer than any TAP gives: none is cut short unseen */

struct queue {
	struct virtq q;
	uint32_t dom0_port, guest_port;
	bool broken_told;
	uint64_t interrupts;
};

/* A thread waiting on one of dom0's ports */
struct waiter {
	pthread_t thread;
	int fd;       /* /dev/xenlite */
	uint32_t port;
	int wake;     /* the pipe's write end */
	int error;    /* the errno that ended it */
};

struct backend {
	struct xl_handle h;
	uint32_t domid;
	unsigned int index;
	int device;
	struct guest_view view;
	struct vnet net;
	struct queue qs[VNET_NR_QUEUES]; /* VNET_RXQ, VNET_TXQ */
	uint32_t reset_seen;
	int tap;
	char tap_name[TAP_NAME_MAX];
	const char *bridge;
	/* a receive request taken from the guest and not yet filled */
	bool rx_held;
	struct virtq_req rx_req;
	bool tap_failed; /* a read failed other than for want of frames: it is read no more */
	bool resuming;   /* both queues taken over from a back-end that ended */
	bool failed;     /* the failed state: frames sent are dropped, none received (supervise.h) */
	int wake[2];   /* the waiters' pipe: read end, write end */
	struct waiter waiters[VNET_NR_QUEUES];
};

static int fail(struct backend *b, const char *what)
{
	char msg[256];

	fprintf(stderr, "xl-vnet: d%u: %s: %s\n", b->domid, what, xl_error_message(&b->h.err, msg, sizeof(msg)));
	return 1;
}

static int map_guest(struct backend *b)
{
	return guest_view_map(&b->view, &b->h, b->domid, "xl-vnet");
}

/* The device added to the guest, its queues' channels connected first: receiveq 0, transmitq 1. */
static int add_device(struct backend *b)
{
	struct xl_virtio_op op = { .op = XL_VIRTIO_ADD, .device_id = 1, .nr_queues = VNET_NR_QUEUES,
				   .queue_max = QUEUE_MAX };
	int64_t dev;

	for (unsigned int i = 0; i < VNET_NR_QUEUES; i++) {
		struct queue *q = &b->qs[i];

		if (xl_event_connect(&b->h, 0, b->domid, &q->dom0_port, &q->guest_port))
			return fail(b, i == VNET_RXQ ? "connecting the receive queue's channel"
						     : "connecting the transmit queue's channel");
		op.ports[i] = q->guest_port;
	}
	op.device_features = vnet_features();
	op.config_len = (uint32_t)vnet_config(b->net.mac, op.config, sizeof(op.config));
	dev = xl_virtio_add(&b->h, b->domid, &op);
	if (dev < 0)
		return fail(b, "adding the device");
	b->device = (int)dev;
	return 0;
}

/* Device dev of the guest again, and dom0's ends of its queues' channels. */
static int take_over(struct backend *b, int dev)
{
	struct xl_virtio_op st;

	if (xl_virtio_state(&b->h, b->domid, (uint32_t)dev, &st))
		return fail(b, "finding the device");
	b->device = dev;
	for (unsigned int i = 0; i < VNET_NR_QUEUES; i++) {
		struct queue *q = &b->qs[i];

		q->guest_port = st.ports[i];
		if (xl_event_find_peer(&b->h, b->domid, q->guest_port, &q->dom0_port)) {
			fprintf(stderr, "xl-vnet: d%u: no channel of dom0's joined to the device's port %u\n",
				b->domid, q->guest_port);
			return 1;
		}
	}
	b->resuming = true;
	return 0;
}

/* The driver's side, as the hypervisor has it; -1 once the guest is gone. */
static int read_state(struct backend *b, struct xl_virtio_op *st)
{
	return xl_virtio_state(&b->h, b->domid, (uint32_t)b->device, st);
}

/*
 * A reset by the driver: both queues forgotten, and the receive request
 * held (the driver takes its buffers back), then the hypervisor told.
 */
static void follow_resets(struct backend *b, const struct xl_virtio_op *st)
{
	if (st->reset_count == b->reset_seen && !b->resuming)
		return;
	for (unsigned int i = 0; i < VNET_NR_QUEUES; i++) {
		virtq_reset(&b->qs[i].q);
		b->qs[i].broken_told = false;
	}
	b->rx_held = false;
	b->reset_seen = st->reset_count;
	if (xl_virtio_reset_done(&b->h, b->domid, (uint32_t)b->device, st->reset_count))
		fail(b, "answering a reset");
}

static const char *queue_name(unsigned int i)
{
	return i == VNET_RXQ ? "receive" : "transmit";
}

/* Queue i set up once the driver is ready and has enabled it; whether it can be served. */
static bool queue_ready(struct backend *b, const struct xl_virtio_op *st, unsigned int i)
{
	const struct xl_virtio_queue *sq = &st->queues[i];
	const struct guest_mem mem = guest_view_mem(&b->view);
	struct queue *q = &b->qs[i];

	if (q->q.size)
		return !q->q.broken;
	if (!(st->status & STATUS_DRIVER_OK) || !sq->enabled)
		return false;
	/* taken over: a receive request the last worker held is simply taken again */
	if (virtq_setup(&q->q, sq->size, sq->desc, sq->driver, sq->device,
			st->driver_features & (1ULL << VIRTIO_RING_F_EVENT_IDX)) ||
	    (b->resuming && virtq_resume(&q->q, &mem))) {
		fprintf(stderr, "xl-vnet: d%u: the driver's %s queue: %s\n", b->domid, queue_name(i),
			q->q.broken_reason);
		q->broken_told = true;
		return false;
	}
	if (b->resuming)
		printf("xl-vnet: d%u: %s queue taken over at request %u\n", b->domid, queue_name(i), q->q.last_avail);
	printf("xl-vnet: d%u: %s queue of %u entries at %#" PRIx64 ", event index %s\n", b->domid, queue_name(i),
	       sq->size, sq->desc, q->q.event_idx ? "on" : "off");
	fflush(stdout);
	return true;
}

static bool serving(const struct queue *q)
{
	return q->q.size && !q->q.broken;
}

/* After pushes: a broken queue said once, and an interrupt if the driver wants one. */
static void after_pushes(struct backend *b, unsigned int i, const struct guest_mem *mem)
{
	struct queue *q = &b->qs[i];

	if (q->q.broken && !q->broken_told) {
		fprintf(stderr, "xl-vnet: d%u: the %s queue is broken (%s): no more requests taken\n", b->domid,
			queue_name(i), q->q.broken_reason);
		q->broken_told = true;
	}
	if (virtq_should_interrupt(&q->q, mem)) {
		q->interrupts++;
		if (xl_event_send(&b->h, q->dom0_port))
			fail(b, "interrupting the guest");
	}
}

/* The sink of transmitted frames: one write() to the TAP device each */
static int tap_write(void *ctx, const uint8_t *frame, size_t len)
{
	const struct backend *b = ctx;
	ssize_t n;

	do
		n = write(b->tap, frame, len);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

/* The sink of the failed state: every frame dropped (counted as tx_dropped) */
static int tap_drop(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx;
	(void)frame;
	(void)len;
	return -1;
}

/*
 * The guest's transmit queue: every request there is, at most BUDGET; each
 * frame to the TAP device, each request returned with 0 bytes written.
 * Whether it stopped for the budget (requests may remain).
 */
static bool serve_tx(struct backend *b, const struct guest_mem *mem)
{
	struct queue *q = &b->qs[VNET_TXQ];
	static struct virtq_req r;
	unsigned int budget = BUDGET;
	bool more = true, stopped = false;

	if (!serving(q))
		return false;
	while (more && !stopped) {
		virtq_disable_notify(&q->q, mem);
		while (virtq_pop(&q->q, mem, &r) > 0) {
			vnet_tx_one(&b->net, &r, b->failed ? tap_drop : tap_write, b);
			virtq_push(&q->q, mem, r.head, 0);
			if (!--budget) {
				stopped = true; /* notifications stay off: the main loop comes back at once */
				break;
			}
		}
		if (!stopped)
			more = virtq_enable_notify(&q->q, mem);
	}
	after_pushes(b, VNET_TXQ, mem);
	return stopped;
}

/*
 * Frames from the TAP device into the guest's receive queue while both
 * have some, at most BUDGET. A request is taken first and held until a
 * frame comes; with none left, notifications are asked for and the TAP
 * device is not read. Whether it stopped for the budget.
 */
static bool serve_rx(struct backend *b, const struct guest_mem *mem)
{
	static uint8_t frame[TAP_READ_BYTES];
	struct queue *q = &b->qs[VNET_RXQ];
	unsigned int budget = BUDGET;
	bool pushed = false, stopped = false;

	if (!serving(q) || b->tap_failed || b->failed)
		return false; /* failed: the guest's receive buffers wait, and the TAP device's frames in dom0 */
	virtq_disable_notify(&q->q, mem); /* buffers the guest adds meanwhile are found without */
	for (;;) {
		ssize_t n;
		int w;

		if (!b->rx_held) {
			int rc = virtq_pop(&q->q, mem, &b->rx_req);

			if (rc == 0 && virtq_enable_notify(&q->q, mem))
				continue; /* some came while notifications were off */
			if (rc <= 0)
				break; /* none (the driver notifies when it adds some), or broken */
			b->rx_held = true;
		}
		if (!budget) {
			stopped = true;
			break;
		}
		n = read(b->tap, frame, sizeof(frame));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN) { /* e.g. EBADFD: the interface was deleted */
				fprintf(stderr, "xl-vnet: d%u: reading %s: %s: no more frames for the guest\n", b->domid,
					b->tap_name, strerror(errno));
				b->tap_failed = true;
			}
			break; /* nothing more for now: the TAP device is polled */
		}
		budget--;
		w = vnet_rx_one(&b->net, &b->rx_req, frame, (size_t)n);
		if (w < 0)
			continue; /* the frame refused: the request kept for the next */
		virtq_push(&q->q, mem, b->rx_req.head, (uint32_t)w);
		b->rx_held = false;
		pushed = true;
	}
	if (pushed || q->q.broken)
		after_pushes(b, VNET_RXQ, mem);
	return stopped;
}

/* A waiter thread: a byte into the pipe per notification of its port; 'g' and out when waiting fails. */
static void *wait_port(void *arg)
{
	struct waiter *w = arg;
	char c;

	for (;;) {
		struct xl_ioctl_event_wait ew = { .port = w->port, .timeout_ms = WAIT_MS };

		c = 'n';
		if (ioctl(w->fd, XL_IOCTL_EVENT_WAIT, &ew) < 0) {
			if (errno == ETIMEDOUT || errno == EINTR)
				continue;
			__atomic_store_n(&w->error, errno, __ATOMIC_RELAXED);
			c = 'g';
		}
		/* EAGAIN: the pipe is full of bytes not read yet, which wake the main loop as well */
		while (write(w->wake, &c, 1) < 0 && errno == EINTR)
			;
		if (c == 'g')
			return NULL;
	}
}

static int start_waiters(struct backend *b)
{
	sigset_t all, old;
	int err = 0;

	if (pipe(b->wake) || fcntl(b->wake[0], F_SETFL, O_NONBLOCK) || fcntl(b->wake[1], F_SETFL, O_NONBLOCK) ||
	    fcntl(b->wake[0], F_SETFD, FD_CLOEXEC) || fcntl(b->wake[1], F_SETFD, FD_CLOEXEC)) {
		fprintf(stderr, "xl-vnet: d%u: a pipe: %s\n", b->domid, strerror(errno));
		return -1;
	}
	/* the threads take no signal: the main thread's poll() does */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (unsigned int i = 0; i < VNET_NR_QUEUES && !err; i++) {
		b->waiters[i] = (struct waiter){ .fd = b->h.fd, .port = b->qs[i].dom0_port, .wake = b->wake[1] };
		err = pthread_create(&b->waiters[i].thread, NULL, wait_port, &b->waiters[i]);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		fprintf(stderr, "xl-vnet: d%u: a thread: %s\n", b->domid, strerror(err));
		return -1;
	}
	return 0;
}

/* The pipe emptied: -1 if a waiter ended (the guest's channel is gone) */
static int drain_wakes(struct backend *b)
{
	char buf[64];
	ssize_t n;
	int rc = 0;

	while ((n = read(b->wake[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == 'g')
				rc = -1;
	return rc;
}

static int run(struct backend *b)
{
	const struct guest_mem mem = guest_view_mem(&b->view);
	struct xl_virtio_op st;
	bool check = true, busy = false;

	for (;;) {
		struct pollfd p[2];
		int n;

		if (sv_stopping())
			break;
		if (check) {
			if (read_state(b, &st))
				break; /* the guest is gone */
			follow_resets(b, &st);
			queue_ready(b, &st, VNET_RXQ);
			queue_ready(b, &st, VNET_TXQ);
			b->resuming = false;
			check = false;
		}
		busy = serve_tx(b, &mem);
		busy |= serve_rx(b, &mem);
		/* the TAP device only while a receive request waits for a frame */
		p[0] = (struct pollfd){ .fd = b->wake[0], .events = POLLIN };
		p[1] = (struct pollfd){ .fd = b->rx_held && !b->tap_failed ? b->tap : -1, .events = POLLIN };
		n = poll(p, 2, busy ? 0 : WAIT_MS);
		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "xl-vnet: d%u: poll: %s\n", b->domid, strerror(errno));
			break;
		}
		if (n == 0 && !busy)
			check = true; /* a second without a notification: is the guest still there? */
		if (n > 0 && p[0].revents) {
			if (drain_wakes(b))
				break; /* a channel is gone: so is the guest */
			check = true;
		}
	}
	for (unsigned int i = 0; i < VNET_NR_QUEUES; i++) {
		int e = __atomic_load_n(&b->waiters[i].error, __ATOMIC_RELAXED);

		if (e && e != ENOENT)
			fprintf(stderr, "xl-vnet: d%u: waiting on port %u: %s\n", b->domid, b->waiters[i].port,
				strerror(e));
		/* dom0's ends of the channels: freed, or every guest's NIC would keep two of dom0's 64 ports */
		if (xl_event_close(&b->h, b->qs[i].dom0_port))
			fail(b, "closing dom0's end of a channel");
	}
	printf("xl-vnet: d%u: %s: received %" PRIu64 " frames, %" PRIu64 " bytes (%" PRIu64
	       " dropped, %" PRIu64 " bad buffers); sent %" PRIu64 " frames, %" PRIu64 " bytes (%" PRIu64
	       " dropped, %" PRIu64 " bad requests); %" PRIu64 " + %" PRIu64 " interrupts\n",
	       b->domid, sv_stopping() ? "told to stop" : "the guest is gone", b->net.rx_packets, b->net.rx_bytes, b->net.rx_dropped, b->net.rx_errors, b->net.tx_packets,
	       b->net.tx_bytes, b->net.tx_dropped, b->net.tx_errors, b->qs[VNET_RXQ].interrupts,
	       b->qs[VNET_TXQ].interrupts);
	fflush(stdout);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: xl-vnet [--ready-fd N] [--mac XX:XX:XX:XX:XX:XX] [--bridge BR] [--tap NAME] "
			"[--index N] [--resume DEVICE] [--restarts N] DOMID\n");
	return 2;
}

/* A decimal number up to max into *v: 0, or -1 */
static int number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

/*
 * A worker (supervise.h), with a /dev/xenlite of its own: the device and the
 * TAP device the supervisor set up, the device taken over after a worker
 * that died, or failed. Its exit status: 0 once it has closed dom0's ports.
 */
static int worker(void *ctx, enum sv_mode mode)
{
	struct backend *b = ctx;

	if (mode == SV_TAKE_OVER && take_over(b, b->device))
		return 1;
	b->failed = mode == SV_FAILED;
	b->resuming |= b->failed; /* the requests left pending are failed too */
	if (map_guest(b) || start_waiters(b))
		return 1;
	if (mode == SV_FIRST)
		printf("xl-vnet: d%u: %s%s%s, MAC %02x:%02x:%02x:%02x:%02x:%02x: virtio device %d, dom0 ports %u "
		       "(receive) and %u (transmit)\n",
		       b->domid, b->tap_name, b->bridge ? " on bridge " : "", b->bridge ? b->bridge : "", b->net.mac[0],
		       b->net.mac[1], b->net.mac[2], b->net.mac[3], b->net.mac[4], b->net.mac[5], b->device,
		       b->qs[VNET_RXQ].dom0_port, b->qs[VNET_TXQ].dom0_port);
	fflush(stdout);
	sv_worker_ready();
	return run(b);
}

int main(int argc, char **argv)
{
	static struct backend b;
	struct sv_backend sv = { .name = "xl-vnet", .restarts = SV_RESTARTS_DEFAULT, .nr_ports = VNET_NR_QUEUES,
				 .worker = worker, .ctx = &b, .h = &b.h };
	const char *mac = NULL, *tap = NULL;
	unsigned long v;
	int ready_fd = -1, resume = -1, i = 1;
	char err[256];

	while (i + 1 < argc && !strncmp(argv[i], "--", 2)) {
		if (!strcmp(argv[i], "--ready-fd") && !number(argv[i + 1], INT32_MAX, &v))
			ready_fd = (int)v;
		else if (!strcmp(argv[i], "--mac"))
			mac = argv[i + 1];
		else if (!strcmp(argv[i], "--bridge"))
			b.bridge = argv[i + 1];
		else if (!strcmp(argv[i], "--tap"))
			tap = argv[i + 1];
		else if (!strcmp(argv[i], "--index") && !number(argv[i + 1], 255, &v))
			b.index = (unsigned int)v;
		else if (!strcmp(argv[i], "--resume") && !number(argv[i + 1], XL_VIRTIO_MAX_DEVICES - 1, &v))
			resume = (int)v;
		else if (!strcmp(argv[i], "--restarts") && !number(argv[i + 1], SV_RESTARTS_MAX, &v))
			sv.restarts = (unsigned int)v;
		else
			return usage();
		i += 2;
	}
	if (argc - i != 1 || number(argv[i], UINT32_MAX, &v) || !v)
		return usage();
	b.domid = (uint32_t)v;
	if (mac && vnet_parse_mac(mac, b.net.mac)) {
		fprintf(stderr, "xl-vnet: %s: not a unicast MAC address XX:XX:XX:XX:XX:XX\n", mac);
		return 2;
	}
	if (!mac)
		vnet_default_mac(b.domid, b.index, b.net.mac);
	if (tap)
		snprintf(b.tap_name, sizeof(b.tap_name), "%s", tap);
	else
		tap_default_name(b.domid, b.index, b.tap_name);
	signal(SIGPIPE, SIG_IGN);
	b.tap = tap_open(tap ? tap : b.tap_name, b.bridge, err, sizeof(err));
	if (b.tap < 0) {
		fprintf(stderr, "xl-vnet: d%u: %s\n", b.domid, err);
		return 1;
	}
	if (xl_open(&b.h))
		return fail(&b, "/dev/xenlite");
	/* the device, dom0's ends of its channels and the TAP device are the supervisor's: they outlive every worker */
	if (resume >= 0 ? take_over(&b, resume) : add_device(&b))
		return 1;
	sv.domid = b.domid;
	sv.device = b.device;
	for (unsigned int q = 0; q < VNET_NR_QUEUES; q++)
		sv.ports[q] = b.qs[q].dom0_port;
	sv.ready_fd = ready_fd;
	return sv_run(&sv);
}
