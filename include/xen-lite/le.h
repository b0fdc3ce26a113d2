/*
 * Little-endian fields at any alignment: what boot protocols, firmware
 * tables and images hold. Byte by byte, so an unaligned field never faults
 * and the code reads the same on any host (the unit tests).
 */
#ifndef XEN_LITE_LE_H
#define XEN_LITE_LE_H

#include <stdint.h>

static inline uint16_t le16_get(const void *at)
{
	const uint8_t *p = at;

	return (uint16_t)(p[0] | (uint16_t)(p[1] << 8));
}

static inline uint32_t le32_get(const void *at)
{
	const uint8_t *p = at;

	return (uint32_t)le16_get(p) | (uint32_t)le16_get(p + 2) << 16;
}

static inline uint64_t le64_get(const void *at)
{
	const uint8_t *p = at;

	return (uint64_t)le32_get(p) | (uint64_t)le32_get(p + 4) << 32;
}

static inline void le16_put(void *at, uint16_t v)
{
	uint8_t *p = at;

	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void le32_put(void *at, uint32_t v)
{
	uint8_t *p = at;

	le16_put(p, (uint16_t)v);
	le16_put(p + 2, (uint16_t)(v >> 16));
}

static inline void le64_put(void *at, uint64_t v)
{
	uint8_t *p = at;

	le32_put(p, (uint32_t)v);
	le32_put(p + 4, (uint32_t)(v >> 32));
}

#endif
