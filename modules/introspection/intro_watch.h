/*
 * Which domains are watched, and their records (intro_domain.h). Changed
 * by dom0's WATCH and UNWATCH (serialised with each other), by the
 * `destroyed` hook (any CPU, any time), and read by every exit hook, with
 * no lock:
 *   - a slot's owner (the domain's id + 1) is claimed and cleared by
 *     compare-and-swap;
 *   - an exit hook counts itself into the slot's `writers`, then checks the
 *     owner again: a slot is only reused (and its records reset) by WATCH
 *     when no writer is inside, so a late hook of an unwatched domain can
 *     never write into another domain's records;
 *   - a slot's records are allocated on its first watch and kept, reused,
 *     until the module is unloaded, so no hook can reach freed memory;
 *   - `may_watch` is the hooks' first, cheap test: one bit per domain id
 *     modulo 64, set for every watched domain (a superset: it is only
 *     made exact by WATCH and UNWATCH).
 * Allocates with xl_zalloc (the host unit tests give their own).
 */
#ifndef INTRO_WATCH_H
#define INTRO_WATCH_H

#include <xen-lite/types.h>

#include "intro_domain.h"
#include "introspection_abi.h"

struct intro_watch_slot {
	uint64_t owner; /* the domain's id + 1; 0: free */
	uint64_t writers; /* exit hooks inside its records now */
	struct intro_domain *data; /* allocated on the slot's first watch, freed by intro_watch_free */
};

struct intro_watches {
	uint64_t may_watch; /* bit (id % 64) set for each watched domain id */
	struct intro_watch_slot slot[XL_INTRO_MAX_WATCHED];
};

/* Start recording the domain, from nothing: 0, -EEXIST, -ENOSPC (all slots in use), -ENOMEM. */
int intro_watch_add(struct intro_watches *w, uint32_t domain);

/* Stop: 0, or -ENXIO when it is not watched. */
int intro_watch_remove(struct intro_watches *w, uint32_t domain);

/* The domain is gone (the destroyed hook): its watch, if any, ends. */
void intro_watch_drop(struct intro_watches *w, uint32_t domain);

/* An operation's view of a watched domain's records, or NULL. */
const struct intro_domain *intro_watch_find(const struct intro_watches *w, uint32_t domain);

/*
 * An exit hook's way in: the domain's records, counted in (*slot), or NULL
 * when it is not watched; intro_watch_leave(*slot) when done writing.
 */
struct intro_domain *intro_watch_enter(struct intro_watches *w, uint32_t domain,
				       struct intro_watch_slot **slot);
void intro_watch_leave(struct intro_watch_slot *slot);

/*
 * The exit hook: an exit of e's domain recorded when it is watched, with
 * the registers gather(ctx, word) fills in (GPRs, RIP, control registers:
 * the words before SNAP_REASON) - asked for only then, on the exiting CPU.
 */
typedef void (*intro_gather_fn)(void *ctx, uint64_t word[SNAP_WORDS]);
void intro_watch_record(struct intro_watches *w, const struct xl_exit_event *e, intro_gather_fn gather,
			void *ctx);

/* Domains watched now. */
uint32_t intro_watch_count(const struct intro_watches *w);

/* The watched domains into out[0, max); returns how many were written. */
uint32_t intro_watch_list(const struct intro_watches *w, struct xl_intro_watched *out, uint32_t max);

/* Every slot's records freed: at unload, when no hook can run. */
void intro_watch_free(struct intro_watches *w);

#endif
