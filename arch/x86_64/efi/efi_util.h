/*
 * Tiny freestanding helpers shared by the pure parts of xen-lite.efi
 * (efi_config.c, efi_image.c, efi_mb2.c). They use no libc and no EFI
 * headers so that the same sources build into the UEFI application and into
 * the host unit tests.
 */
#ifndef XL_EFI_UTIL_H
#define XL_EFI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline void xl_memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
}

static inline void xl_memzero(void *dst, size_t n)
{
	volatile uint8_t *d = dst; /* volatile: keep the compiler from emitting a memset call */

	while (n--)
		*d++ = 0;
}

static inline size_t xl_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static inline uint32_t xl_rd32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint16_t xl_rd16(const void *p)
{
	const uint8_t *b = p;

	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint64_t xl_rd64(const void *p)
{
	return (uint64_t)xl_rd32(p) | (uint64_t)xl_rd32((const uint8_t *)p + 4) << 32;
}

static inline void xl_wr32(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static inline void xl_wr64(void *p, uint64_t v)
{
	xl_wr32(p, (uint32_t)v);
	xl_wr32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

/* A bounded message buffer: appends never overflow and always keep a NUL. */
struct xl_msg {
	char *buf;
	size_t cap; /* including the NUL */
	size_t len;
};

static inline void xl_msg_init(struct xl_msg *m, char *buf, size_t cap)
{
	m->buf = buf;
	m->cap = cap;
	m->len = 0;
	if (cap)
		buf[0] = '\0';
}

static inline void xl_msg_putc(struct xl_msg *m, char c)
{
	if (m->len + 1 < m->cap) {
		m->buf[m->len++] = c;
		m->buf[m->len] = '\0';
	}
}

static inline void xl_msg_str(struct xl_msg *m, const char *s)
{
	while (*s)
		xl_msg_putc(m, *s++);
}

/* Append at most n characters of s, replacing non-printable bytes by '?'. */
static inline void xl_msg_strn(struct xl_msg *m, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++)
		xl_msg_putc(m, (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?');
}

static inline void xl_msg_dec(struct xl_msg *m, uint64_t v)
{
	char d[21];
	int n = 0;

	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		xl_msg_putc(m, d[--n]);
}

static inline void xl_msg_hex(struct xl_msg *m, uint64_t v)
{
	int shift = 60;

	xl_msg_str(m, "0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		xl_msg_putc(m, "0123456789abcdef"[(v >> shift) & 0xf]);
}

#endif
