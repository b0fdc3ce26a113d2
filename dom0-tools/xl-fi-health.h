/*
 * dom0's own health during a campaign: a buffer in xl-lite's memory,
 * filled from the campaign's seed and checksummed once, checked again
 * after every window - an injection that reached dom0's memory where the
 * tool lives would show here. No device access: the host unit tests link it.
 */
#ifndef XL_FI_HEALTH_H
#define XL_FI_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XL_FI_HEALTH_BYTES (8u << 20)

struct xl_fi_health {
	uint64_t *words;
	size_t nr;
	uint64_t sum;
};

/* Fill bytes (rounded down to words, at least one) from seed and take their checksum. 0, or -1 (no memory). */
int xl_fi_health_start(struct xl_fi_health *h, size_t bytes, uint64_t seed);

/* Whether the buffer still has its checksum. */
bool xl_fi_health_intact(const struct xl_fi_health *h);

void xl_fi_health_end(struct xl_fi_health *h);

#endif
