/*
 * The snapshot seqlock (see intro_snap.h), after Boehm's "Can seqlocks get
 * along with programming language memory models?": every word is an atomic
 * access (relaxed), the fences order them against the counter, so a racing
 * read is not undefined behaviour in C11, only a copy that is thrown away.
 */
#include <xen-lite/errno.h>
#include <xen-lite/string.h>

#include "intro_snap.h"

void intro_snap_reset(struct intro_snap *s)
{
	memset(s, 0, sizeof(*s));
}

void intro_snap_publish(struct intro_snap *s, const uint64_t word[SNAP_WORDS])
{
	uint64_t seq = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);

	__atomic_store_n(&s->seq, seq + 1, __ATOMIC_RELAXED);
	/* the odd count is seen by any reader that sees one of the words below */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (unsigned int i = 0; i < SNAP_WORDS; i++)
		__atomic_store_n(&s->word[i], word[i], __ATOMIC_RELAXED);
	__atomic_store_n(&s->seq, seq + 2, __ATOMIC_RELEASE);
}

/* One attempt: true when the copy is whole (the counter even and unchanged around it). */
static bool try_copy(const struct intro_snap *s, uint64_t word[SNAP_WORDS], uint64_t *seq)
{
	uint64_t before = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE), after;

	if (before & 1)
		return false;
	for (unsigned int i = 0; i < SNAP_WORDS; i++)
		word[i] = __atomic_load_n(&s->word[i], __ATOMIC_RELAXED);
	/* the words are read before the counter is read again */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	after = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
	*seq = before;
	return before == after;
}

int intro_snap_read(const struct intro_snap *s, uint64_t word[SNAP_WORDS], uint64_t *count)
{
	uint64_t seq = 0;

	for (unsigned int tries = 0; tries < INTRO_SNAP_RETRIES; tries++) {
		if (!try_copy(s, word, &seq))
			continue;
		if (!seq)
			return -EAGAIN; /* never published */
		*count = seq / 2;
		return 0;
	}
	return -EAGAIN;
}

bool intro_snap_taken(const struct intro_snap *s)
{
	return __atomic_load_n(&s->seq, __ATOMIC_RELAXED) >= 2;
}
