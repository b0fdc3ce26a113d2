/*
 * dom0's view of a guest's RAM (include/xen-lite/guest_view.h). The back-end
 * of a virtio device reads and writes the guest's queues and buffers through
 * it; it is dom0's only way into a guest's memory, and only dom0 has it.
 *
 * The view keeps its own copy of the guest's block list: the memory goes
 * back to the pool only when the view is gone and the guest too, in either
 * order - dom0 never keeps a mapping of memory another domain may get.
 */
#include <xen-lite/arch/vm.h>
#include <xen-lite/domain.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_view.h>
#include <xen-lite/log.h>
#include <xen-lite/mm.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

struct guest_view {
	uint32_t domid;
	unsigned int refs; /* 0: a free entry */
	struct domain *d; /* NULL once destroyed: the view holds its memory */
	struct mem_block *blocks;
	unsigned int nr_blocks;
};

static struct guest_view views[XL_GUEST_VIEWS_MAX];
/* the table; dom0's requests hold the lifecycle lock, but a guest may be destroyed by its own CPU */
static spinlock_t views_lock = SPINLOCK_INIT;

static uint64_t blocks_bytes(unsigned int n)
{
	return ALIGN_UP((uint64_t)n * sizeof(struct mem_block), PAGE_SIZE);
}

static struct guest_view *view_of(uint32_t domid)
{
	for (unsigned int i = 0; i < XL_GUEST_VIEWS_MAX; i++)
		if (views[i].refs && views[i].domid == domid)
			return &views[i];
	return NULL;
}

static void unmap_blocks(struct domain *dom0, const struct mem_block *b, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		arch_domain_unmap(dom0, gpa_init(hpa_addr(b[i].hpa)), b[i].size);
}

/* The guest's blocks into dom0 at their host-physical addresses: all, or none. */
static int map_blocks(struct domain *dom0, const struct mem_block *b, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		int err = arch_domain_map_perms(dom0, gpa_init(hpa_addr(b[i].hpa)), b[i].hpa, b[i].size,
						GUEST_PERM_READ | GUEST_PERM_WRITE);

		if (err) {
			unmap_blocks(dom0, b, i);
			return err;
		}
	}
	return 0;
}

static int new_view(struct domain *dom0, struct domain *d, struct guest_view **out)
{
	struct guest_view *v = NULL;
	int err;

	for (unsigned int i = 0; i < XL_GUEST_VIEWS_MAX && !v; i++)
		if (!views[i].refs)
			v = &views[i];
	if (!v)
		return -ENOSPC;
	*v = (struct guest_view){ .domid = d->id, .d = d, .nr_blocks = d->nr_blocks };
	v->blocks = alloc_pages(blocks_bytes(d->nr_blocks));
	if (!v->blocks)
		return -ENOMEM;
	memcpy(v->blocks, d->blocks, (size_t)d->nr_blocks * sizeof(struct mem_block));
	err = map_blocks(dom0, v->blocks, v->nr_blocks);
	if (err) {
		free_pages(v->blocks, blocks_bytes(v->nr_blocks));
		return err;
	}
	v->refs = 1;
	log_info("guest view: dom0 maps d%u's %llu MiB\n", d->id, (unsigned long long)(d->mem_size >> 20));
	*out = v;
	return 0;
}

int guest_view_map(struct domain *dom0, struct domain *d, struct xl_mem_extent *out, unsigned int max)
{
	struct guest_view *v;
	int err = 0;

	if (d->privileged || !d->nr_blocks || domain_has_ended(d) || d->state == DOMAIN_DYING)
		return -EINVAL;
	spin_lock(&views_lock);
	v = view_of(d->id);
	if (v && v->d != d)
		err = -EBUSY; /* a destroyed guest's, held: its id is not free for a view yet */
	else if (v)
		v->refs++;
	else
		err = new_view(dom0, d, &v);
	for (unsigned int i = 0; !err && i < v->nr_blocks && i < max; i++)
		out[i] = (struct xl_mem_extent){ gpa_addr(v->blocks[i].gpa), hpa_addr(v->blocks[i].hpa),
						 v->blocks[i].size };
	if (!err)
		err = (int)v->nr_blocks;
	spin_unlock(&views_lock);
	return err;
}

int guest_view_unmap(struct domain *dom0, uint32_t domid)
{
	struct guest_view *v;
	int err = 0;

	spin_lock(&views_lock);
	v = view_of(domid);
	if (!v)
		err = -ENOENT;
	else if (!--v->refs) {
		unmap_blocks(dom0, v->blocks, v->nr_blocks);
		if (!v->d) {
			/* its guest went: what it held goes back now */
			for (unsigned int i = 0; i < v->nr_blocks; i++)
				phys_free(v->blocks[i].hpa, v->blocks[i].size);
			log_info("guest view: d%u's memory freed with dom0's view of it\n", domid);
		}
		free_pages(v->blocks, blocks_bytes(v->nr_blocks));
		*v = (struct guest_view){ 0 };
	}
	spin_unlock(&views_lock);
	return err;
}

bool guest_view_domain_destroyed(struct domain *d)
{
	struct guest_view *v;
	bool held = false;

	spin_lock(&views_lock);
	v = view_of(d->id);
	if (v && v->d == d) {
		v->d = NULL;
		held = true;
	}
	spin_unlock(&views_lock);
	if (held)
		log_info("guest view: d%u's memory held until dom0 lets go of its view\n", d->id);
	return held;
}
