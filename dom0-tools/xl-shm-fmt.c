/* Shared memory segments, the pure part (see xl-shm-fmt.h). */
#include <string.h>

#include "xl-lite-fmt.h"
#include "xl-shm-fmt.h"

const char *xl_shm_size_text(uint64_t size, char *buf, size_t buf_size)
{
	static const char units[] = "GMK";

	for (int i = 0; i < 3; i++) {
		unsigned int shift = 10 * (unsigned int)(3 - i);

		if (size && size % (1ULL << shift) == 0) {
			snprintf(buf, buf_size, "%llu%c", (unsigned long long)(size >> shift), units[i]);
			return buf;
		}
	}
	snprintf(buf, buf_size, "%llu", (unsigned long long)size);
	return buf;
}

/* The flags column: "destroyed", "auto", both, or "-". */
static const char *flags_text(uint32_t flags)
{
	bool destroyed = flags & XL_SHM_DESTROYED, automatic = flags & XL_SHM_AUTO;

	return destroyed && automatic ? "destroyed,auto" : destroyed ? "destroyed" : automatic ? "auto" : "-";
}

static void print_json(FILE *f, const struct xl_shm_info *s, unsigned int n)
{
	fputs("{\"segments\":[", f);
	for (unsigned int i = 0; i < n; i++) {
		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		xl_json_string(f, s[i].name, strnlen(s[i].name, sizeof(s[i].name)));
		fprintf(f, ",\"size\":%llu,\"destroyed\":%s,\"auto\":%s,\"attached\":[",
			(unsigned long long)s[i].size, s[i].flags & XL_SHM_DESTROYED ? "true" : "false",
			s[i].flags & XL_SHM_AUTO ? "true" : "false");
		for (uint32_t j = 0; j < s[i].nr_attached && j < XL_SHM_MAX_ATTACH; j++)
			fprintf(f, "%s{\"domid\":%u,\"mode\":\"%s\",\"gpa\":%llu}", j ? "," : "",
				s[i].attached[j].domid,
				s[i].attached[j].flags & XL_SHM_READ_ONLY ? "ro" : "rw",
				(unsigned long long)s[i].attached[j].gpa);
		fputs("]}", f);
	}
	fputs("]}\n", f);
}

void xl_print_shm_list(FILE *f, const struct xl_shm_info *s, unsigned int n, bool json)
{
	char size[24];

	if (json) {
		print_json(f, s, n);
		return;
	}
	fprintf(f, "%-31s %6s %-14s %s\n", "NAME", "SIZE", "FLAGS", "ATTACHED");
	for (unsigned int i = 0; i < n; i++) {
		/* the name field may be unterminated in a reply: printed within its size */
		xl_print_field(f, s[i].name, sizeof(s[i].name));
		fprintf(f, "%*s %6s %-14s", 31 - (int)strnlen(s[i].name, sizeof(s[i].name)), "",
			xl_shm_size_text(s[i].size, size, sizeof(size)), flags_text(s[i].flags));
		if (!s[i].nr_attached)
			fputs(" -", f);
		for (uint32_t j = 0; j < s[i].nr_attached && j < XL_SHM_MAX_ATTACH; j++)
			fprintf(f, " %u:%s@0x%llx", s[i].attached[j].domid,
				s[i].attached[j].flags & XL_SHM_READ_ONLY ? "ro" : "rw",
				(unsigned long long)s[i].attached[j].gpa);
		fputc('\n', f);
	}
}

void xl_print_shm_destroyed(FILE *f, const char *name, const struct xl_shm_info *info)
{
	fprintf(f, "shm '%s' destroyed", name);
	if (info && info->nr_attached) {
		fputs("; its memory goes when ", f);
		for (uint32_t j = 0; j < info->nr_attached && j < XL_SHM_MAX_ATTACH; j++)
			fprintf(f, "%sd%u", j ? ", " : "", info->attached[j].domid);
		fputs(" detach", f);
	}
	fputc('\n', f);
}

void xl_print_shm_text(FILE *f, const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len && p[i]; i++) {
		unsigned char c = p[i];

		if (c == '\\')
			fputs("\\\\", f);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c >= ' ' && c <= '~')
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
	fputc('\n', f);
}
