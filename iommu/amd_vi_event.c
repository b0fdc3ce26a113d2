/*
 * AMD-Vi event log entries: 16 bytes, the event code in the top four bits
 * of the second word, the requester id in the first, the address in the
 * last two. Every code is reported; only an IO page fault says whether it
 * was a write.
 */
#include "amd_vi_event.h"

#define EVENT_IO_PAGE_FAULT 2u
#define EVENT_FLAG_WRITE (1u << 5) /* in the flags, bits 16-27 of the second word */

static const char *event_name(unsigned int code)
{
	static const char *const names[] = {
		[1] = "illegal device table entry", [2] = "IO page fault",
		[3] = "device table hardware error", [4] = "page table hardware error",
		[5] = "illegal command", [6] = "command hardware error",
		[7] = "IOTLB invalidation timeout", [8] = "invalid device request",
	};

	return code < ARRAY_SIZE(names) && names[code] ? names[code] : "AMD-Vi event";
}

bool amd_vi_event_decode(const uint32_t e[4], struct iommu_fault *f)
{
	unsigned int code = e[1] >> 28;

	if (!code)
		return false;
	f->bdf = (uint16_t)e[0];
	f->addr = e[2] | (uint64_t)e[3] << 32;
	f->write = code == EVENT_IO_PAGE_FAULT && ((e[1] >> 16) & EVENT_FLAG_WRITE);
	f->what = event_name(code);
	return true;
}
