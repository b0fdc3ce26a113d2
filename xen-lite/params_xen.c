/*
 * Xen's forms of three parameters (include/xen-lite/params_xen.h). Xen reads
 * a size without a suffix as KiB; so do these forms (a plain dom0_mem=N
 * without Xen's syntax stays xen-lite's bytes).
 */
#include <xen-lite/cmdline.h>
#include <xen-lite/errno.h>
#include <xen-lite/format.h>
#include <xen-lite/log.h>
#include <xen-lite/params_xen.h>
#include <xen-lite/string.h>

#define XEN_ITEM_MAX 64

/* A size the way Xen writes it: a number with K/M/G/T, or KiB without. */
static int xen_size(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	bool suffixed = n && ((s[n - 1] | 0x20) == 'k' || (s[n - 1] | 0x20) == 'm' ||
			      (s[n - 1] | 0x20) == 'g' || (s[n - 1] | 0x20) == 't');
	int err = parse_uint(s, true, out);

	if (err)
		return err;
	if (!suffixed) {
		if (*out > UINT64_MAX >> 10)
			return -ERANGE;
		*out <<= 10;
	}
	return 0;
}

/* The next comma-separated item of *s into item; false at the end or when it does not fit. */
static bool next_item(const char **s, char *item, size_t size)
{
	const char *comma = strchr(*s, ',');
	size_t n = comma ? (size_t)(comma - *s) : strlen(*s);

	if (!**s || n >= size)
		return false;
	memcpy(item, *s, n);
	item[n] = '\0';
	*s += n + (comma ? 1 : 0);
	return true;
}

/*
 * Xen: dom0 gets SIZE, at least min:, at most max:; with max: alone, as much
 * as there is up to it. xen-lite gives dom0 one size (less, with a warning,
 * when there is not that much): SIZE bounded by min: and max:, or max:.
 */
int xen_form_dom0_mem(const char *value, char *canonical, size_t size)
{
	uint64_t amount = 0, min = 0, max = 0, *slot;
	char item[XEN_ITEM_MAX];
	const char *s = value;

	if (!strchr(value, ',') && !strchr(value, ':') && value[0] != '-')
		return 0; /* xen-lite's own form */
	while (next_item(&s, item, sizeof(item))) {
		const char *v = item;

		slot = &amount;
		if (!strncmp(item, "min:", 4) || !strncmp(item, "max:", 4)) {
			slot = item[1] == 'i' ? &min : &max;
			v = item + 4;
		}
		if (v[0] == '-') {
			log_warn("cmdline: dom0_mem=%s: Xen's 'all but' form is not supported; give dom0's size, "
				 "e.g. dom0_mem=4G\n", value);
			return -EINVAL;
		}
		if (xen_size(v, slot)) {
			log_warn("cmdline: dom0_mem=%s: '%s' is not a size; xen-lite's form is dom0_mem=SIZE\n",
				 value, item);
			return -EINVAL;
		}
	}
	if (*s) {
		log_warn("cmdline: dom0_mem=%s: not understood; xen-lite's form is dom0_mem=SIZE\n", value);
		return -EINVAL;
	}
	if (!amount && !max) {
		log_warn("cmdline: dom0_mem=%s: no size for dom0; xen-lite's form is dom0_mem=SIZE\n", value);
		return -EINVAL;
	}
	if (!amount)
		amount = max;
	if (max && amount > max)
		amount = max;
	if (amount < min)
		amount = min;
	xl_snprintf(canonical, size, "%llu", (unsigned long long)amount);
	return 1;
}

/* Xen: between MIN and MAX vCPUs, as many as there are CPUs; xen-lite: MAX, each on its own CPU. */
int xen_form_dom0_max_vcpus(const char *value, char *canonical, size_t size)
{
	const char *dash = strchr(value, '-');
	char low[XEN_ITEM_MAX];
	uint64_t lo, hi;

	if (!dash)
		return 0;
	if ((size_t)(dash - value) >= sizeof(low)) {
		log_warn("cmdline: dom0_max_vcpus=%s: not understood; xen-lite's form is dom0_max_vcpus=N\n", value);
		return -EINVAL;
	}
	memcpy(low, value, (size_t)(dash - value));
	low[dash - value] = '\0';
	if (parse_uint(low, false, &lo) || parse_uint(dash + 1, false, &hi) || lo > hi) {
		log_warn("cmdline: dom0_max_vcpus=%s: not a range MIN-MAX; xen-lite's form is dom0_max_vcpus=N\n",
			 value);
		return -EINVAL;
	}
	xl_snprintf(canonical, size, "%llu", (unsigned long long)hi);
	return 1;
}

/* Xen's level names; its second level (for rate-limited messages) has no counterpart here. */
int xen_form_loglvl(const char *value, char *canonical, size_t size)
{
	static const struct {
		const char *xen, *ours;
	} names[] = { { "warning", "warn" }, { "all", "debug" } };
	const char *slash = strchr(value, '/');

	if (slash) {
		log_warn("cmdline: loglvl=%s: xen-lite has no level for rate-limited messages; give one level, "
			 "e.g. loglvl=debug\n", value);
		return -EINVAL;
	}
	if (!strcmp(value, "none")) {
		log_warn("cmdline: loglvl=none: xen-lite always prints errors; the quietest is loglvl=error\n");
		return -EINVAL;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(value, names[i].xen)) {
			xl_snprintf(canonical, size, "%s", names[i].ours);
			return 1;
		}
	return 0;
}
