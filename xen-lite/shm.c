/*
 * Shared memory segments (include/xen-lite/shm.h). A segment is one piece
 * of the guest pool, aligned to the largest page that fits in it, zeroed
 * when created, mapped into each domain it is attached to at a slot of
 * XL_SHM_MAX_SIZE bytes above everything the domain has, so that its large
 * pages stay large - dom0, identity-mapped, at its host-physical address.
 * Never executable; read-only where so attached, from the first moment it
 * is mapped.
 */
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/event_channel.h>
#include <xen-lite/guest_memory.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>
#include <xen-lite/shm.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

#define SLOTS (2 * XL_SHM_MAX_PER_DOMAIN) /* places tried in a domain: some may be taken by its devices */

struct shm_attachment {
	struct domain *d;
	uint32_t flags;
	uint64_t gpa; /* its slot, taken while it is being mapped */
	bool mapped; /* all of it mapped: only then listed, queried, detached */
};

struct shm_segment {
	bool used;
	char name[XL_SHM_NAME_MAX];
	uint64_t size;
	uint32_t flags; /* XL_SHM_AUTO, XL_SHM_DESTROYED */
	hpa_t hpa; /* its memory: size bytes in one piece */
	struct shm_attachment att[XL_SHM_MAX_ATTACH]; /* d NULL: a free entry; entries never move */
	unsigned int nr_att;
};

static struct shm_segment segments[XL_SHM_MAX_SEGMENTS];
static struct shm_attachment *attachment_of(struct domain *d, const char *name, struct shm_segment **seg);
static spinlock_t shm_lock = SPINLOCK_INIT; /* the table; memory and mappings change outside it */

static bool name_valid(const char *name)
{
	size_t n = strlen(name); /* callers copied it with its NUL in XL_SHM_NAME_MAX bytes */

	if (!n || n == XL_SHM_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* The live (not destroyed) segment of that name. shm_lock held. */
static struct shm_segment *find(const char *name)
{
	for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++)
		if (segments[i].used && !(segments[i].flags & XL_SHM_DESTROYED) &&
		    !strncmp(segments[i].name, name, XL_SHM_NAME_MAX))
			return &segments[i];
	return NULL;
}

/*
 * size bytes in one piece, aligned to the largest page that fits in it (so
 * every domain maps it with large pages), zeroed; hpa 0 when there is none
 * (-ENOMEM). One piece, because dom0 - identity-mapped - sees a segment at
 * its host-physical address; no heap memory, so nothing of the hypervisor's
 * grows with segments.
 */
static hpa_t alloc_memory(uint64_t size)
{
	uint64_t align = size >= SIZE_1G ? SIZE_1G : size >= SIZE_2M ? SIZE_2M : PAGE_SIZE;
	hpa_t hpa = hpa_init(0);

	/* a large alignment may not be had where memory is fragmented: smaller ones then */
	for (; align && !hpa_addr(hpa); align = align == SIZE_1G ? SIZE_2M : align == SIZE_2M ? PAGE_SIZE : 0)
		hpa = phys_alloc_contiguous(size, align);
	if (hpa_addr(hpa))
		memset(hpa_to_virt(hpa), 0, size); /* nothing of an earlier owner is ever seen */
	return hpa;
}

int shm_create(const char *name, uint64_t size, uint32_t flags)
{
	struct shm_segment *s = NULL;
	hpa_t hpa;
	int err = 0;

	if (!name_valid(name) || !size || size > XL_SHM_MAX_SIZE || !IS_ALIGNED(size, PAGE_SIZE) ||
	    (flags & ~XL_SHM_AUTO))
		return -EINVAL;
	hpa = alloc_memory(size);
	if (!hpa_addr(hpa))
		return -ENOMEM;
	spin_lock(&shm_lock);
	if (find(name))
		err = -EEXIST;
	for (unsigned int i = 0; !err && !s && i < XL_SHM_MAX_SEGMENTS; i++)
		if (!segments[i].used)
			s = &segments[i];
	if (!err && !s)
		err = -ENOSPC;
	if (!err) {
		*s = (struct shm_segment){ .used = true, .size = size, .flags = flags, .hpa = hpa };
		strlcpy(s->name, name, sizeof(s->name));
	}
	spin_unlock(&shm_lock);
	if (err)
		phys_free(hpa, size);
	else
		log_info("shm: '%s' created, %llu KiB at %#llx%s\n", name, (unsigned long long)(size >> 10),
			 (unsigned long long)hpa_addr(hpa), flags & XL_SHM_AUTO ? " (goes with its last domain)" : "");
	return err;
}

/* Memory to give back once the table's lock is dropped. */
struct shm_memory {
	hpa_t hpa;
	uint64_t size;
};

/* Whether the segment's memory should go now: destroyed (or auto) and attached nowhere. shm_lock held. */
static bool release_if_unused(struct shm_segment *s, struct shm_memory *gone)
{
	if (s->nr_att || !(s->flags & (XL_SHM_DESTROYED | XL_SHM_AUTO)))
		return false;
	*gone = (struct shm_memory){ s->hpa, s->size };
	log_info("shm: '%s' freed (%llu KiB)\n", s->name, (unsigned long long)(s->size >> 10));
	*s = (struct shm_segment){ .used = false };
	return true;
}

int shm_destroy(const char *name)
{
	struct shm_memory gone = { hpa_init(0), 0 };
	struct shm_segment *s;
	int err = 0;

	spin_lock(&shm_lock);
	s = find(name);
	if (!s) {
		err = -ENOENT;
	} else {
		s->flags |= XL_SHM_DESTROYED;
		if (!release_if_unused(s, &gone))
			log_info("shm: '%s' destroyed; its memory goes when its %u domain(s) detach\n", s->name,
				 s->nr_att);
	}
	spin_unlock(&shm_lock);
	if (gone.size)
		phys_free(gone.hpa, gone.size);
	return err;
}

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

/* Slot i's address in d is free of its devices' BARs and of its other segments. shm_lock held. */
static bool slot_free(struct domain *d, uint64_t gpa)
{
	for (unsigned int p = 0; p < d->nr_pci; p++)
		for (unsigned int b = 0; b < 6; b++)
			if (d->pci[p].bar_size[b] &&
			    overlaps(gpa, XL_SHM_MAX_SIZE, d->pci[p].bar[b], d->pci[p].bar_size[b]))
				return false;
	for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++)
		for (unsigned int a = 0; segments[i].used && a < XL_SHM_MAX_ATTACH; a++)
			if (segments[i].att[a].d == d && segments[i].att[a].gpa == gpa)
				return false;
	return true;
}

static int map_segment(struct domain *d, const struct shm_segment *s, uint64_t gpa, uint32_t flags)
{
	unsigned int perms = GUEST_PERM_READ | (flags & XL_SHM_READ_ONLY ? 0 : GUEST_PERM_WRITE);

	return arch_domain_map_perms(d, gpa_init(gpa), s->hpa, s->size, perms);
}

/* The slot's address for d: above all it has (RAM, holes, dom0's identity map), a slot aligned. */
static uint64_t slot_base(const struct domain *d)
{
	uint64_t top = MAX(d->gpa_top, d->mem_end);

	return MAX(XL_SHM_GPA_BASE, ALIGN_UP(top, XL_SHM_MAX_SIZE));
}

bool shm_guest_pci_layout(const struct domain *d, uint64_t *regs, uint64_t *slots, uint64_t *slots_size)
{
	uint64_t base = slot_base(d), top = MAX(d->gpa_top, d->mem_end);

	*regs = base - SHM_PCI_REGS_SIZE;
	*slots = base;
	*slots_size = SLOTS * XL_SHM_MAX_SIZE;
	if (d->privileged || *regs - GUEST_VIRTIO_BARS_SIZE < top)
		return false;
	for (unsigned int p = 0; p < d->nr_pci; p++)
		for (unsigned int b = 0; b < 6; b++)
			if (d->pci[p].bar_size[b] &&
			    overlaps(*regs - GUEST_VIRTIO_BARS_SIZE, GUEST_VIRTIO_BARS_SIZE + SHM_PCI_REGS_SIZE + *slots_size,
				     d->pci[p].bar[b], d->pci[p].bar_size[b]))
				return false;
	return true;
}

static bool attached_at(struct domain *d, const char *name, uint64_t gpa)
{
	struct shm_segment *s;
	struct shm_attachment *at;
	bool yes;

	spin_lock(&shm_lock);
	at = attachment_of(d, name, &s);
	yes = at && at->gpa == gpa;
	spin_unlock(&shm_lock);
	return yes;
}

static int bind_by_apic_id(struct domain *d, uint32_t port, uint32_t apic_id, uint32_t vector)
{
	return event_bind(d, port, apic_id, vector | XL_EVENT_BIND_APIC_ID);
}

static const struct shm_device_ops device_ops = {
	.send = event_send,
	.bind = bind_by_apic_id,
	.set_event_page = event_set_page,
	.attached = attached_at,
};

void shm_domain_first_run(struct domain *d)
{
	struct xl_shm_mapping m[XL_SHM_MAX_PER_DOMAIN];
	uint64_t regs, slots, slots_size;
	unsigned int n = shm_domain_mappings(d, m, XL_SHM_MAX_PER_DOMAIN);

	if (!n || d->privileged)
		return;
	if (!shm_guest_pci_layout(d, &regs, &slots, &slots_size)) {
		log_warn("d%u (%s): no room below %#llx for its segments' registers: they are not shown as devices\n",
			 d->id, d->name, (unsigned long long)slots);
		return;
	}
	arch_domain_show_segments(d, m, MIN(n, XL_SHM_MAX_PER_DOMAIN), regs, &device_ops);
}

/* Write its attachments into an ELF guest's start info while the guest has not read it yet (attach, detach). */
static void refresh_start_info(struct domain *d)
{
	struct xl_shm_mapping m[XL_SHM_MAX_PER_DOMAIN];
	uint32_t n;

	if (!d->start_info_gpa || d->ran)
		return;
	memset(m, 0, sizeof(m)); /* all of it goes to the guest: the entries past n too */
	n = shm_domain_mappings(d, m, XL_SHM_MAX_PER_DOMAIN);
	copy_to_guest(d, gpa_init(d->start_info_gpa + offsetof(struct xl_start_info, nr_shm)), &n, sizeof(n));
	copy_to_guest(d, gpa_init(d->start_info_gpa + offsetof(struct xl_start_info, shm)), m, sizeof(m));
}

int shm_attach(const char *name, uint32_t domid, uint32_t flags, uint64_t *gpa)
{
	struct domain *d = domain_find(domid);
	struct shm_segment *s;
	struct shm_attachment *at = NULL;
	int err = 0;

	if (flags & ~XL_SHM_READ_ONLY)
		return -EINVAL;
	if (!d || d->state == DOMAIN_DYING || domain_has_ended(d))
		return -ENOENT;
	spin_lock(&shm_lock);
	s = find(name);
	if (!s)
		err = -ENOENT;
	else if (d->nr_shm == XL_SHM_MAX_PER_DOMAIN || s->nr_att == XL_SHM_MAX_ATTACH)
		err = -ENOSPC;
	for (unsigned int a = 0; !err && a < XL_SHM_MAX_ATTACH; a++) {
		if (s->att[a].d == d)
			err = -EEXIST;
		if (!s->att[a].d && !at)
			at = &s->att[a];
	}
	if (!err) {
		/* reserved under the lock, mapped outside it */
		*at = (struct shm_attachment){ d, flags, 0, false };
		s->nr_att++;
		d->nr_shm++;
	}
	spin_unlock(&shm_lock);
	if (err)
		return err;
	err = -ENOSPC;
	for (unsigned int slot = 0; slot < SLOTS && err; slot++) {
		/* dom0 is identity-mapped: its segments too (pool memory its e820 reserves) */
		uint64_t where = d->privileged ? hpa_addr(s->hpa) : slot_base(d) + slot * XL_SHM_MAX_SIZE;
		bool free_slot;

		spin_lock(&shm_lock);
		free_slot = slot_free(d, where);
		if (free_slot)
			at->gpa = where;
		spin_unlock(&shm_lock);
		if (free_slot && (err = map_segment(d, s, where, flags)) == -EEXIST)
			err = -ENOSPC; /* something of the domain is there: the next slot */
		if (d->privileged)
			break; /* its one place */
	}
	spin_lock(&shm_lock);
	if (err) {
		*at = (struct shm_attachment){ NULL, 0, 0, false };
		s->nr_att--;
		d->nr_shm--;
	} else {
		at->mapped = true; /* its QUERY tells it from here on, not before */
		*gpa = at->gpa;
	}
	spin_unlock(&shm_lock);
	if (!err) {
		log_info("shm: '%s' attached to d%u %s at %#llx\n", s->name, d->id,
			 flags & XL_SHM_READ_ONLY ? "read-only" : "read-write", (unsigned long long)*gpa);
		refresh_start_info(d);
	}
	return err;
}

/*
 * d's attachment to a segment of that name: the live segment's, else a
 * destroyed one's - which is still attached until detached, and whose
 * memory goes only then. shm_lock held.
 */
static struct shm_attachment *attachment_of(struct domain *d, const char *name, struct shm_segment **seg)
{
	struct shm_attachment *found = NULL;

	for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++) {
		struct shm_segment *s = &segments[i];

		if (!s->used || strncmp(s->name, name, XL_SHM_NAME_MAX))
			continue;
		for (unsigned int a = 0; a < XL_SHM_MAX_ATTACH; a++) {
			if (s->att[a].d != d || !s->att[a].mapped || (found && (s->flags & XL_SHM_DESTROYED)))
				continue;
			found = &s->att[a];
			*seg = s;
		}
	}
	return found;
}

int shm_detach(const char *name, uint32_t domid)
{
	struct domain *d = domain_find(domid);
	struct shm_memory gone = { hpa_init(0), 0 };
	struct shm_segment *s = NULL;
	struct shm_attachment *at;
	uint64_t gpa = 0, size = 0;

	if (!d)
		return -ENOENT;
	spin_lock(&shm_lock);
	at = attachment_of(d, name, &s);
	if (at) {
		gpa = at->gpa;
		size = s->size;
		at->mapped = false; /* still counted, its slot taken: its memory stays until the unmapping is done */
	}
	spin_unlock(&shm_lock);
	if (!at)
		return -ENOENT;
	arch_domain_unmap(d, gpa_init(gpa), size); /* returns once no vCPU can reach it */
	spin_lock(&shm_lock);
	*at = (struct shm_attachment){ NULL, 0, 0, false };
	s->nr_att--;
	d->nr_shm--;
	release_if_unused(s, &gone);
	spin_unlock(&shm_lock);
	if (gone.size)
		phys_free(gone.hpa, gone.size);
	log_info("shm: '%s' detached from d%u\n", name, domid);
	refresh_start_info(d); /* a guest that has not run must not find it there */
	return 0;
}

unsigned int shm_list(struct xl_shm_info *out, unsigned int max)
{
	unsigned int n = 0;

	spin_lock(&shm_lock);
	for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++) {
		const struct shm_segment *s = &segments[i];
		struct xl_shm_info *o = n < max ? &out[n] : NULL;
		unsigned int k = 0;

		if (!s->used)
			continue;
		n++;
		if (!o)
			continue;
		memset(o, 0, sizeof(*o));
		memcpy(o->name, s->name, sizeof(o->name));
		o->size = s->size;
		o->flags = s->flags;
		for (unsigned int a = 0; a < XL_SHM_MAX_ATTACH; a++) {
			if (!s->att[a].d || !s->att[a].mapped)
				continue;
			o->attached[k].domid = s->att[a].d->id;
			o->attached[k].flags = s->att[a].flags;
			o->attached[k].gpa = s->att[a].gpa;
			k++;
		}
		o->nr_attached = k;
	}
	spin_unlock(&shm_lock);
	return n;
}

/* shm_lock held. */
static unsigned int mappings_locked(struct domain *d, struct xl_shm_mapping *out, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++) {
		const struct shm_segment *s = &segments[i];

		for (unsigned int a = 0; s->used && a < XL_SHM_MAX_ATTACH; a++) {
			if (s->att[a].d != d || !s->att[a].mapped)
				continue;
			if (n < max) {
				memset(&out[n], 0, sizeof(out[n]));
				memcpy(out[n].name, s->name, sizeof(out[n].name));
				out[n].gpa = s->att[a].gpa;
				out[n].size = s->size;
				out[n].flags = s->att[a].flags;
			}
			n++;
		}
	}
	return n;
}

unsigned int shm_domain_mappings(struct domain *d, struct xl_shm_mapping *out, unsigned int max)
{
	unsigned int n;

	spin_lock(&shm_lock);
	n = mappings_locked(d, out, max);
	spin_unlock(&shm_lock);
	return n;
}

void shm_domain_destroyed(struct domain *d)
{
	struct shm_memory gone[XL_SHM_MAX_PER_DOMAIN];
	unsigned int nr_gone = 0, detached = 0;

	spin_lock(&shm_lock);
	for (unsigned int i = 0; i < XL_SHM_MAX_SEGMENTS; i++) {
		struct shm_segment *s = &segments[i];

		for (unsigned int a = 0; s->used && a < XL_SHM_MAX_ATTACH; a++) {
			if (s->att[a].d != d)
				continue;
			s->att[a] = (struct shm_attachment){ NULL, 0, 0, false };
			s->nr_att--;
			d->nr_shm--;
			detached++;
			/* a domain has at most XL_SHM_MAX_PER_DOMAIN: gone[] has room */
			if (release_if_unused(s, &gone[nr_gone]))
				nr_gone++;
		}
	}
	spin_unlock(&shm_lock);
	/* its nested page tables go with it: nothing to unmap */
	for (unsigned int i = 0; i < nr_gone; i++)
		phys_free(gone[i].hpa, gone[i].size);
	if (detached)
		log_info("domain d%u: detached from %u shared segment(s)\n", d->id, detached);
}
