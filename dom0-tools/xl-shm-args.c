/* Shared memory segments' names and sizes (see xl-shm-args.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xl-shm-args.h"

const char *xl_shm_name_problem(const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= XL_SHM_NAME_MAX)
		return "must be 1 to 31 characters";
	if (strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != len)
		return "may have only letters, digits, '.', '_' and '-'";
	return NULL;
}

int xl_parse_bytes(const char *s, uint64_t *out)
{
	static const char units[] = "kmg";
	unsigned long long n;
	const char *unit = NULL;
	char *end;
	int base = 10;

	/* digits first: strtoull would take a sign or blanks */
	if (!isdigit((unsigned char)s[0]))
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		if (!isxdigit((unsigned char)s[2]))
			return -1;
	}
	errno = 0;
	n = strtoull(s, &end, base);
	if (errno)
		return -1;
	/* K, M and G are not hex digits: "0x2M" is 0x2 MiB */
	if (*end) {
		unit = strchr(units, tolower((unsigned char)*end));
		if (!unit || end[1])
			return -1;
	}
	if (unit) {
		unsigned int shift = 10 * (unsigned int)(unit - units + 1);

		if (n > UINT64_MAX >> shift)
			return -1;
		n <<= shift;
	}
	*out = n;
	return 0;
}

const char *xl_shm_size_problem(const char *s, uint64_t *size)
{
	uint64_t n;

	if (xl_parse_bytes(s, &n))
		return "must be a number of bytes, or with a K, M or G suffix (KiB-based: 2M is 2097152)";
	if (n % 4096)
		return "must be a multiple of 4 KiB";
	if (n < 4096 || n > XL_SHM_MAX_SIZE)
		return "must be 4 KiB to 16 GiB";
	*size = n;
	return NULL;
}
