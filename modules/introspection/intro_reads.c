/* REGS, READ_PHYS, READ_VIRT and EXITS (see intro_reads.h). */
#include <xen-lite/errno.h>
#include <xen-lite/string.h>

#include "intro_mem.h"
#include "intro_reads.h"

#define CR4_LA57 (1ull << 12) /* 5-level paging: the 4-level walk would read the wrong tables */

/* The latest snapshot of a watched domain's vCPU: 0, -ENXIO (not watched), -EAGAIN. */
static int snapshot_of(struct intro_state *s, const struct xl_intro_request *r,
		       uint64_t word[SNAP_WORDS], uint64_t *count)
{
	const struct intro_domain *d = intro_watch_find(&s->watches, r->domain);

	if (!d)
		return -ENXIO;
	return intro_snap_read(&d->vcpu[r->vcpu], word, count);
}

static void fill_regs(struct xl_intro_regs *out, const uint64_t word[SNAP_WORDS], uint64_t count)
{
	uint64_t now = xl_rdtsc();

	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < 16; i++)
		out->gpr[i] = word[SNAP_GPR0 + i];
	out->rip = word[SNAP_RIP];
	out->cr0 = word[SNAP_CR0];
	out->cr3 = word[SNAP_CR3];
	out->cr4 = word[SNAP_CR4];
	out->efer = word[SNAP_EFER];
	out->cpl = (uint32_t)word[SNAP_CPL];
	out->exit_reason = (uint32_t)word[SNAP_REASON];
	out->exit_code = word[SNAP_CODE];
	out->exit_tsc = word[SNAP_TSC];
	out->age_cycles = now > word[SNAP_TSC] ? now - word[SNAP_TSC] : 0;
	out->tsc_khz = xl_tsc_khz();
	out->snapshots = count;
}

int64_t intro_op_regs(struct intro_state *s, const struct xl_intro_request *r, void *answer, uint64_t room)
{
	uint64_t word[SNAP_WORDS], count = 0;
	int err;

	if (r->vcpu >= XL_INTRO_MAX_VCPUS || (r->flags & ~XL_INTRO_REGS_KICK))
		return -EINVAL;
	if (room < sizeof(struct xl_intro_regs))
		return -ENOSPC;
	if (!intro_watch_find(&s->watches, r->domain))
		return -ENXIO;
	/* never waits for the kick: this answer is the last snapshot, the next REGS sees the kick's */
	if (r->flags & XL_INTRO_REGS_KICK)
		xl_domain_kick(r->domain);
	err = snapshot_of(s, r, word, &count);
	if (err)
		return err;
	fill_regs(answer, word, count);
	return sizeof(struct xl_intro_regs);
}

/* len within the answer's room, and the range not wrapping. */
static int check_range(const struct xl_intro_request *r, uint64_t room)
{
	if (!r->len || r->len > room || r->addr + r->len - 1 < r->addr)
		return -EINVAL;
	return 0;
}

int64_t intro_op_read_phys(struct intro_state *s, const struct xl_intro_request *r, void *answer,
			   uint64_t room)
{
	struct intro_mem_range range = { .domain = r->domain, .addr = r->addr, .len = r->len };
	int err = check_range(r, room);

	(void)s;
	return err ? err : intro_mem_read(&range, answer);
}

/* Paging the 4-level walk can follow: long mode (EFER.LMA), paging on, not 5-level. */
static bool walkable(const uint64_t word[SNAP_WORDS])
{
	return (word[SNAP_EFER] & XL_INTRO_EFER_LMA) && (word[SNAP_CR0] & XL_INTRO_CR0_PG) &&
	       !(word[SNAP_CR4] & CR4_LA57);
}

int64_t intro_op_read_virt(struct intro_state *s, const struct xl_intro_request *r, void *answer,
			   uint64_t room)
{
	struct intro_mem_range range = { .domain = r->domain, .virt = true, .addr = r->addr, .len = r->len };
	uint64_t word[SNAP_WORDS], count;
	int err = r->vcpu < XL_INTRO_MAX_VCPUS ? check_range(r, room) : -EINVAL;

	if (!err)
		err = snapshot_of(s, r, word, &count);
	if (err)
		return err;
	if (!walkable(word))
		return -EOPNOTSUPP;
	range.cr3 = word[SNAP_CR3];
	return intro_mem_read(&range, answer);
}

int64_t intro_op_exits(struct intro_state *s, const struct xl_intro_request *r, void *answer, uint64_t room)
{
	const struct intro_domain *d;
	struct xl_intro_exits *h = answer;
	uint64_t fit;

	if (room < sizeof(*h))
		return -ENOSPC;
	d = intro_watch_find(&s->watches, r->domain);
	if (!d)
		return -ENXIO;
	fit = (room - sizeof(*h)) / sizeof(struct xl_intro_exit);
	return intro_ring_read(&d->ring, r->from_seq, (struct xl_intro_exit *)(h + 1),
			       fit > XL_INTRO_RING_ENTRIES ? XL_INTRO_RING_ENTRIES : (uint32_t)fit, h);
}
