/*
 * SHA-256 (FIPS 180-4): what a loaded module's file is identified by
 * (struct xl_module_entry.sha256), so an operator can tell which build runs.
 */
#ifndef XEN_LITE_SHA256_H
#define XEN_LITE_SHA256_H

#include <xen-lite/types.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE 64

struct sha256_ctx {
	uint32_t state[8];
	uint64_t bytes; /* fed so far */
	uint8_t block[SHA256_BLOCK_SIZE]; /* the partial block not yet compressed */
	size_t used; /* bytes of block in use, < SHA256_BLOCK_SIZE */
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
/* Pad, write the digest and wipe ctx (init it again before reuse). */
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE]);
/* The digest of one buffer. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

/*
 * A digest written as exactly 64 hex digits (either case, nothing else, not
 * even white space). 0, or -EINVAL with out untouched.
 */
int sha256_parse_hex(const char *hex, uint8_t out[SHA256_DIGEST_SIZE]);

#endif
