/*
 * One vCPU's register snapshot, published by its own CPU's exit hook and
 * read by another CPU's operation without a lock: a sequence counter per
 * snapshot (a seqlock). The writer makes it odd, writes, makes it even; a
 * reader copies between two reads of the counter and keeps the copy only
 * when both are the same even value, retrying a bounded number of times,
 * so it never returns a torn snapshot and never waits on the writer.
 * No hypervisor calls here: the host unit tests link it as it is.
 */
#ifndef INTRO_SNAP_H
#define INTRO_SNAP_H

#include <xen-lite/types.h>

/* The words of a snapshot. */
enum intro_snap_word {
	SNAP_GPR0, /* 16 general registers, enum xl_reg order: RAX RCX RDX RBX RSP RBP RSI RDI R8-R15 */
	SNAP_RIP = SNAP_GPR0 + 16,
	SNAP_CR0,
	SNAP_CR3,
	SNAP_CR4,
	SNAP_EFER,
	SNAP_CPL,
	SNAP_REASON, /* the exit's enum exit_reason */
	SNAP_CODE, /* its raw exit code */
	SNAP_TSC, /* when it was taken */
	SNAP_WORDS,
};

/* Reads that find the snapshot changing this many times in a row give up (-EAGAIN). */
#define INTRO_SNAP_RETRIES 16

struct intro_snap {
	uint64_t seq; /* odd while written; seq / 2 snapshots published so far */
	uint64_t word[SNAP_WORDS];
};

/* Back to "never taken": only while no writer can be at it. */
void intro_snap_reset(struct intro_snap *s);

/* Publish a new snapshot: by the one CPU that writes s (the vCPU's own), never two at once. */
void intro_snap_publish(struct intro_snap *s, const uint64_t word[SNAP_WORDS]);

/*
 * Copy the latest snapshot into word, and how many were published into
 * *count: 0, or -EAGAIN when none has been yet or every retry met a writer.
 */
int intro_snap_read(const struct intro_snap *s, uint64_t word[SNAP_WORDS], uint64_t *count);

/* Whether a snapshot has been published (a hint: it may change at once). */
bool intro_snap_taken(const struct intro_snap *s);

#endif
