/*
 * Split virtqueues, the device's side (see virtq.h): the guest's chains
 * taken, checked and returned, and the notification suppression both ways.
 *
 * Ordering (virtio 1.x, 2.7.13 and 2.7.7-2.7.10): the driver ring's idx is
 * read, then an acquire fence, then its entries and the descriptors; a used
 * element is written, then a release fence, then the used idx; between
 * writing what tells the other side about notifications (used idx,
 * avail_event, NO_NOTIFY) and reading the other side's (used_event, the
 * driver ring's idx) a full fence. The guest's memory is touched only with
 * __atomic loads and stores of the field's own size, each field once per
 * use: what was checked is what is used.
 */
#include <stddef.h>

#include "virtq.h"

/* The layout of the three parts (2.7.5, 2.7.6, 2.7.8) */
#define DESC_BYTES 16u      /* le64 addr, le32 len, le16 flags, le16 next */
#define AVAIL_RING_OFF 4u   /* le16 flags, le16 idx, then le16 ring[size] */
#define USED_ELEM_BYTES 8u  /* le32 id, le32 len */
#define USED_RING_OFF 4u    /* le16 flags, le16 idx, then the elements */

/* ---- little-endian fields of the guest's memory, one access each ---- */

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LE16(v) (v)
#define LE32(v) (v)
#define LE64(v) (v)
#else
#define LE16(v) __builtin_bswap16(v)
#define LE32(v) __builtin_bswap32(v)
#define LE64(v) __builtin_bswap64(v)
#endif

static uint16_t load16(const void *p)
{
	return LE16(__atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED));
}

static uint32_t load32(const void *p)
{
	return LE32(__atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED));
}

static uint64_t load64(const void *p)
{
	return LE64(__atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED));
}

static void store16(void *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, LE16(v), __ATOMIC_RELAXED);
}

static void store32(void *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)p, LE32(v), __ATOMIC_RELAXED);
}

/* ---- the queue's state ---- */

static int mark_broken(struct virtq *q, const char *why)
{
	if (!q->broken) {
		q->broken = true;
		q->broken_reason = why;
	}
	return -1;
}

static bool is_power_of_two(unsigned int n)
{
	return n && !(n & (n - 1));
}

/* Why the configured layout cannot be used, or NULL */
static const char *layout_problem(const struct virtq *q)
{
	if (!is_power_of_two(q->size) || q->size > VIRTQ_MAX_SIZE)
		return "queue size not a power of two up to 32768";
	if (q->desc % 16 || q->avail % 2 || q->used % 4)
		return "queue part misaligned";
	return NULL;
}

void virtq_reset(struct virtq *q)
{
	*q = (struct virtq){ 0 };
}

int virtq_setup(struct virtq *q, unsigned int size, uint64_t desc, uint64_t avail, uint64_t used,
		bool event_idx)
{
	const char *why;

	virtq_reset(q);
	q->size = size;
	q->desc = desc;
	q->avail = avail;
	q->used = used;
	q->event_idx = event_idx;
	why = layout_problem(q);
	return why ? mark_broken(q, why) : 0;
}

/* ---- reaching the guest's memory ---- */

/*
 * [gpa, gpa + len) of the guest's RAM, aligned to `align` in the mapping
 * too (the __atomic accesses need it), or NULL.
 */
static void *guest_at(const struct guest_mem *m, uint64_t gpa, uint64_t len, unsigned int align)
{
	void *p;

	if (!len || gpa > UINT64_MAX - len)
		return NULL;
	p = m->at(m->ctx, gpa, len);
	if (p && (uintptr_t)p % align)
		return NULL;
	return p;
}

/* The queue's part [gpa, gpa + len), or NULL with the queue broken */
static void *ring_at(struct virtq *q, const struct guest_mem *m, uint64_t gpa, uint64_t len,
		     unsigned int align)
{
	const char *why;
	void *p;

	if (q->broken)
		return NULL;
	why = layout_problem(q);
	if (why) {
		mark_broken(q, why);
		return NULL;
	}
	p = guest_at(m, gpa, len, align);
	if (!p)
		mark_broken(q, "queue part not in guest RAM");
	return p;
}

/* The driver ring: flags, idx, ring[size], used_event */
static uint8_t *avail_ring(struct virtq *q, const struct guest_mem *m)
{
	return ring_at(q, m, q->avail, AVAIL_RING_OFF + 2ull * q->size + 2, 2);
}

/* The device ring: flags, idx, ring[size], avail_event */
static uint8_t *used_ring(struct virtq *q, const struct guest_mem *m)
{
	return ring_at(q, m, q->used, USED_RING_OFF + (uint64_t)USED_ELEM_BYTES * q->size + 2, 4);
}

static uint8_t *desc_table(struct virtq *q, const struct guest_mem *m)
{
	return ring_at(q, m, q->desc, (uint64_t)DESC_BYTES * q->size, 16);
}

/* ---- taking a chain ---- */

/* One descriptor as read, once, from the guest */
struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

static struct desc read_desc(const uint8_t *table, uint16_t i)
{
	const uint8_t *p = table + (size_t)i * DESC_BYTES;

	return (struct desc){ .addr = load64(p), .len = load32(p + 8), .flags = load16(p + 12),
			      .next = load16(p + 14) };
}

/*
 * How many chains the driver ring holds beyond last_avail, read with the
 * acquire that orders the entries' reads after it; -1 with the queue
 * broken (a jump past size).
 */
static int avail_pending(struct virtq *q, const uint8_t *avail)
{
	uint16_t idx = load16(avail + 2);
	uint16_t pending = (uint16_t)(idx - q->last_avail);

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (pending > q->size)
		return mark_broken(q, "driver ring idx moved more than the queue size");
	return pending;
}

/* Adds descriptor d to r: 0, or -1 with the queue broken */
/* A buffer that may cross from one piece of the guest's memory to another: one iov per piece. */
static int add_pieces(struct virtq *q, const struct guest_mem *m, struct virtq_req *r, const struct desc *d,
		      bool writable)
{
	uint64_t gpa = d->addr, left = d->len, got = 0;

	if (gpa > UINT64_MAX - left)
		return mark_broken(q, "buffer not in guest RAM");
	while (left) {
		void *base = m->span(m->ctx, gpa, left, &got);

		if (!base || !got || got > left)
			return mark_broken(q, "buffer not in guest RAM");
		if (r->n == VIRTQ_MAX_IOV)
			return mark_broken(q, "chain in too many pieces");
		r->iov[r->n++] = (struct virtq_iov){ .base = base, .len = (uint32_t)got, .writable = writable };
		gpa += got;
		left -= got;
	}
	return 0;
}

static int add_buffer(struct virtq *q, const struct guest_mem *m, struct virtq_req *r,
		      const struct desc *d)
{
	bool writable = d->flags & VIRTQ_DESC_F_WRITE;
	uint32_t *total = writable ? &r->writable_bytes : &r->readable_bytes;
	void *base;

	if (d->flags & VIRTQ_DESC_F_INDIRECT)
		return mark_broken(q, "indirect descriptor (not offered)");
	if (!writable && r->writable_bytes)
		return mark_broken(q, "device-readable buffer after a writable one");
	if (!d->len)
		return 0;
	if (*total > UINT32_MAX - d->len)
		return mark_broken(q, "chain's buffers add up to 4 GiB or more");
	if (!m->span) {
		base = guest_at(m, d->addr, d->len, 1);
		if (!base)
			return mark_broken(q, "buffer not in guest RAM");
		r->iov[r->n++] = (struct virtq_iov){ .base = base, .len = d->len, .writable = writable };
	} else if (add_pieces(q, m, r, d, writable)) {
		return -1;
	}
	*total += d->len;
	return 0;
}

/* Walks the chain from head into r: 0, or -1 with the queue broken */
static int walk_chain(struct virtq *q, const struct guest_mem *m, const uint8_t *table,
		      uint16_t head, struct virtq_req *r)
{
	unsigned int limit = q->size < VIRTQ_MAX_IOV ? q->size : VIRTQ_MAX_IOV;
	unsigned int count = 0;
	uint16_t i = head;
	struct desc d;

	r->head = head;
	r->n = 0;
	r->readable_bytes = r->writable_bytes = 0;
	for (;;) {
		if (i >= q->size)
			return mark_broken(q, "descriptor index beyond the queue");
		if (++count > limit) /* longer than size: it loops */
			return mark_broken(q, "chain too long or looping");
		d = read_desc(table, i);
		if (add_buffer(q, m, r, &d))
			return -1;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

int virtq_pop(struct virtq *q, const struct guest_mem *m, struct virtq_req *r)
{
	uint8_t *avail = avail_ring(q, m);
	uint8_t *table = desc_table(q, m);
	uint16_t head;
	int pending;

	if (!avail || !table)
		return -1;
	pending = avail_pending(q, avail);
	if (pending <= 0)
		return pending;
	head = load16(avail + AVAIL_RING_OFF + 2u * (q->last_avail & (q->size - 1)));
	if (walk_chain(q, m, table, head, r))
		return -1;
	q->last_avail++;
	return 1;
}

/* ---- returning a chain ---- */

int virtq_push(struct virtq *q, const struct guest_mem *m, uint16_t head, uint32_t written)
{
	uint8_t *used = used_ring(q, m);
	uint8_t *elem;

	if (!used)
		return -1;
	if (head >= q->size)
		return mark_broken(q, "pushed a head beyond the queue");
	elem = used + USED_RING_OFF + USED_ELEM_BYTES * (q->used_idx & (q->size - 1));
	store32(elem, head);
	store32(elem + 4, written);
	q->used_idx++;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	store16(used + 2, q->used_idx);
	return 0;
}

int virtq_resume(struct virtq *q, const struct guest_mem *m)
{
	uint8_t *used = used_ring(q, m);

	if (!used)
		return -1;
	/* what the device ring says was done is done; everything after it is taken again */
	q->used_idx = load16(used + 2);
	q->last_avail = q->used_idx;
	q->signalled = q->used_idx;
	q->used_flags = 0;
	return 0;
}

/* ---- notifications ---- */

/* 2.7.10: the driver asked for an interrupt when the device ring passes event */
static bool passed_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

bool virtq_should_interrupt(struct virtq *q, const struct guest_mem *m)
{
	uint8_t *avail = avail_ring(q, m);
	uint16_t old = q->signalled;

	if (!avail)
		return false;
	/* the used idx written before the driver's wish is read */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	q->signalled = q->used_idx;
	if (q->event_idx)
		return passed_event(load16(avail + AVAIL_RING_OFF + 2u * q->size), q->used_idx, old);
	return old != q->used_idx && !(load16(avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void virtq_set_avail_event(struct virtq *q, const struct guest_mem *m)
{
	uint8_t *used;

	if (!q->event_idx)
		return;
	used = used_ring(q, m);
	if (used)
		store16(used + USED_RING_OFF + (size_t)USED_ELEM_BYTES * q->size, q->last_avail);
}

static void set_used_flags(struct virtq *q, const struct guest_mem *m, uint16_t flags)
{
	uint8_t *used = used_ring(q, m);

	q->used_flags = flags;
	if (used)
		store16(used, flags);
}

/* Whether the driver ring holds chains beyond last_avail (none if broken) */
static bool has_work(struct virtq *q, const struct guest_mem *m)
{
	uint8_t *avail = avail_ring(q, m);

	return avail && avail_pending(q, avail) > 0;
}

bool virtq_disable_notify(struct virtq *q, const struct guest_mem *m)
{
	if (!q->event_idx)
		set_used_flags(q, m, q->used_flags | VIRTQ_USED_F_NO_NOTIFY);
	return has_work(q, m);
}

bool virtq_enable_notify(struct virtq *q, const struct guest_mem *m)
{
	if (q->event_idx)
		virtq_set_avail_event(q, m);
	else
		set_used_flags(q, m, q->used_flags & ~VIRTQ_USED_F_NO_NOTIFY);
	/* the wish written before the driver ring is read again */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return has_work(q, m);
}
