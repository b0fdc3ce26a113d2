/*
 * The behaviour-module loader as XL_HC_MODULE's decoder sees it
 * (include/xen-lite/module_loader.h), for the hypercall fuzzer: every
 * buffer the decoder hands over is read (and written, where the loader
 * may write) in full, so that AddressSanitizer finds a length that does
 * not match its buffer, and strings must be terminated where they should.
 */
#include <string.h>

#include <xen-lite/errno.h>
#include <xen-lite/module_loader.h>

#include "support.h"

static uint64_t staged_total, staged;
static volatile uint8_t sink;

static void read_all(const void *p, uint64_t n)
{
	const volatile uint8_t *b = p;

	for (uint64_t i = 0; i < n; i++)
		sink ^= b[i];
}

int module_stage(uint64_t total, uint64_t offset, const void *chunk, uint32_t length, char *why)
{
	read_all(chunk, length);
	if (offset == 0)
		staged_total = total, staged = 0;
	if (offset != staged || total != staged_total || length > total - staged) {
		strcpy(why, "chunk out of order");
		return -EINVAL;
	}
	staged += length;
	return staged == total;
}

int module_load_staged(const char *args, char *why)
{
	FUZZ_CHECK(strlen(args) < 128, "init arguments not cut");
	memset(why, 'w', XL_MODULE_WHY_LEN - 1);
	why[XL_MODULE_WHY_LEN - 1] = '\0';
	return args[0] == 'o' ? 1 : -ENOEXEC;
}

int module_unload(const char *name, char *why)
{
	FUZZ_CHECK(strlen(name) < XL_MODULE_NAME_LEN, "name not cut");
	memset(why, 'u', XL_MODULE_WHY_LEN - 1);
	why[XL_MODULE_WHY_LEN - 1] = '\0';
	return -ENOENT;
}

int module_list(struct xl_module_entry *out, unsigned int max)
{
	memset(out, 0x5a, (size_t)max * sizeof(*out));
	return 20;
}

int64_t module_call(const char *name, struct xl_module_call *c, bool *answered)
{
	*answered = true;
	FUZZ_CHECK(strlen(name) < XL_MODULE_NAME_LEN, "name not cut");
	FUZZ_CHECK(c->size <= XL_MODULE_MAX_CALL, "call data of %llu bytes", (unsigned long long)c->size);
	read_all(c->buf, c->size);
	if (c->size)
		memset(c->buf, 0xc5, c->size);
	return (int64_t)c->size;
}
