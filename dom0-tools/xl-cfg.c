/*
 * Guest configuration files (see xl-cfg.h and Documentation/config.md): the
 * keys and what each accepts, then the checks that need the whole file. The
 * syntax they are written in is xl-cfg-syntax.c's.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xl-cfg-syntax.h"
#include "xl-cfg.h"
#include "xl-shm-args.h"

/* the keys, in the order of the table in set_value() */
enum key { KEY_NAME, KEY_TYPE, KEY_KERNEL, KEY_RAMDISK, KEY_CMDLINE, KEY_MEMORY, KEY_VCPUS,
	   KEY_CPUS, KEY_PCI, KEY_ON_DMA_FAULT, KEY_ON_POWEROFF, KEY_ON_REBOOT, KEY_ON_CRASH,
	   KEY_CPUID, KEY_MSR, KEY_SHM, KEY_DISK, KEY_VIF, KEY_COUNT };

struct parser {
	struct cfg_reader r;
	struct xl_cfg *c;
	unsigned int at[KEY_COUNT]; /* the line of each key; 0: not given */
	const char *set_by[KEY_COUNT]; /* the command-line setting that gave each key, or NULL */
	unsigned int value_column; /* where the value being set starts on its line */
	/* where a refusal points: the line (the key's, unless a list item's) and column (0: none) */
	unsigned int why_line, why_column;
	char why[160]; /* the reason a value is refused */
	/* where each vif item starts (its text, past the quote): check_file's refusal points there */
	unsigned int vif_line[XL_VIRTIO_MAX_DEVICES], vif_column[XL_VIRTIO_MAX_DEVICES];
};

/* Where key k was given (the last time). */
static const char *key_place(const struct parser *p, int k, char *buf)
{
	return cfg_place(p->set_by[k], p->at[k], buf);
}

static bool parse_hex(const char *s, size_t len, unsigned int max, unsigned int *out)
{
	unsigned int v = 0;

	if (!len || len > 4)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned int d = c >= '0' && c <= '9' ? (unsigned int)(c - '0')
				 : c >= 'a' && c <= 'f' ? (unsigned int)(c - 'a' + 10)
				 : c >= 'A' && c <= 'F' ? (unsigned int)(c - 'A' + 10)
							: 16;

		if (d == 16)
			return false;
		v = v * 16 + d;
	}
	*out = v;
	return v <= max;
}

bool xl_parse_bdf(const char *s, uint16_t *segment, uint16_t *bdf)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL, *dot;
	unsigned int seg = 0, bus, dev, fn;

	if (c2) {
		if (!parse_hex(s, (size_t)(c1 - s), 0xffff, &seg))
			return false;
		s = c1 + 1;
		c1 = c2;
	}
	dot = c1 ? strchr(c1 + 1, '.') : NULL;
	if (!c1 || !dot || !parse_hex(s, (size_t)(c1 - s), 0xff, &bus) ||
	    !parse_hex(c1 + 1, (size_t)(dot - c1 - 1), 0x1f, &dev) || !parse_hex(dot + 1, strlen(dot + 1), 7, &fn))
		return false;
	*segment = (uint16_t)seg;
	*bdf = (uint16_t)(bus << 8 | dev << 3 | fn);
	return true;
}

/* ---- the keys ---- */

/* A whole value that is a number of at most max. */
static int number(const char *v, unsigned long long max, unsigned long long *out)
{
	const char *end;

	return cfg_read_number(v, &end, out) || *end || *out > max ? -1 : 0;
}

static int copy_string(char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size)
		return -1;
	strcpy(dst, v);
	return 0;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

const char *xl_domain_name_problem(const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= XL_DOMAIN_NAME_MAX)
		return "must be 1 to 31 characters";
	for (const char *s = name; *s; s++)
		if (*s <= ' ' || *s > '~')
			return "must be visible ASCII characters, without spaces";
	if (strspn(name, "0123456789") == len)
		return "must not be a number: xl-lite takes a number as a domain id";
	return NULL;
}

static int set_name(struct parser *p, const struct value *v)
{
	const char *problem = xl_domain_name_problem(v->text);

	if (problem) {
		snprintf(p->why, sizeof(p->why), "%s", problem);
		return -1;
	}
	strcpy(p->c->name, v->text);
	return 0;
}

static int set_path(struct parser *p, char *dst, size_t size, const char *v)
{
	snprintf(p->why, sizeof(p->why), "must be a path of at most %zu characters", size - 1);
	return !*v ? -1 : copy_string(dst, size, v);
}

static int set_kernel(struct parser *p, const struct value *v)
{
	return set_path(p, p->c->kernel, sizeof(p->c->kernel), v->text);
}

static int set_ramdisk(struct parser *p, const struct value *v)
{
	return set_path(p, p->c->ramdisk, sizeof(p->c->ramdisk), v->text);
}

static int set_cmdline(struct parser *p, const struct value *v)
{
	snprintf(p->why, sizeof(p->why), "must be at most %d characters", XL_CMDLINE_MAX - 1);
	p->c->have_cmdline = true;
	return copy_string(p->c->cmdline, sizeof(p->c->cmdline), v->text);
}

/*
 * memory: MiB, or KiB to TiB with a k, m, g or t suffix (either case) when
 * that is a whole number of MiB: 2g is 2048, 1536k is refused.
 */
static int set_memory(struct parser *p, const struct value *v)
{
	static const char units[] = "kmgt";
	unsigned long long n, max = 1ULL << 20;
	const char *end, *unit;

	snprintf(p->why, sizeof(p->why), "must be a size in MiB, 2 to %llu (or with a k, m, g "
		 "or t suffix)", max);
	if (cfg_read_number(v->text, &end, &n))
		return -1;
	unit = *end ? strchr(units, tolower((unsigned char)*end)) : units + 1;
	if (!unit || (*end && end[1]) || n > max << 10)
		return -1;
	if (unit == units && n % 1024) {
		snprintf(p->why, sizeof(p->why), "must be a whole number of MiB (%.20s is not)",
			 v->text);
		return -1;
	}
	n = unit == units ? n >> 10 : n << (10 * (unit - units - 1));
	if (n < 2 || n > max)
		return -1;
	p->c->memory_mib = n;
	return 0;
}

static int set_vcpus(struct parser *p, const struct value *v)
{
	unsigned long long n;

	snprintf(p->why, sizeof(p->why), "must be a number from 1 to %d", XL_MAX_GUEST_VCPUS);
	if (number(v->text, XL_MAX_GUEST_VCPUS, &n) || n < 1)
		return -1;
	p->c->vcpus = (unsigned int)n;
	return 0;
}

/* One CPU or a range of them ("2", "2-3") for the next vCPUs, in order. */
static int add_cpus(struct parser *p, char *item)
{
	struct xl_cfg *c = p->c;
	char *dash = strchr(item, '-');
	unsigned long long lo, hi;

	if (dash)
		*dash = '\0';
	if (number(trim(item), XL_CFG_MAX_CPU, &lo) ||
	    number(dash ? trim(dash + 1) : trim(item), XL_CFG_MAX_CPU, &hi))
		return -1;
	if (lo > hi) {
		snprintf(p->why, sizeof(p->why), "has a range running backwards (%llu-%llu)", lo, hi);
		return -1;
	}
	for (unsigned long long cpu = lo; cpu <= hi; cpu++) {
		if (c->nr_cpus == XL_MAX_GUEST_VCPUS) {
			snprintf(p->why, sizeof(p->why),
				 "names more than %d CPUs (one per vCPU, at most %d vCPUs)",
				 XL_MAX_GUEST_VCPUS, XL_MAX_GUEST_VCPUS);
			return -1;
		}
		for (unsigned int i = 0; i < c->nr_cpus; i++) {
			if (c->cpus[i] == (int)cpu) {
				snprintf(p->why, sizeof(p->why),
					 "names CPU %llu twice (one CPU per vCPU)", cpu);
				return -1;
			}
		}
		c->cpus[c->nr_cpus++] = (int)cpu;
	}
	return 0;
}

/*
 * cpus: "any", or physical CPUs one per vCPU in order: "2", "2,3", "2-3",
 * "0,2-3", or the list [2, 3] (items quoted or not, each a CPU or a range).
 * Fills c->cpus[0..nr_cpus).
 */
static int set_cpus(struct parser *p, const struct value *v)
{
	char buf[VALUE_MAX], *item, *comma;

	p->c->nr_cpus = 0;
	snprintf(p->why, sizeof(p->why), "must be a physical CPU number, CPUs like \"2,3\" or "
		 "\"2-3\" (one per vCPU), or \"any\"");
	if (v->kind == VALUE_LIST) {
		for (unsigned int i = 0; i < v->nr_items; i++)
			if (copy_string(buf, sizeof(buf), v->item[i]) || add_cpus(p, buf))
				return -1;
		return v->nr_items ? 0 : -1;
	}
	if (!strcmp(v->text, "any"))
		return 0;
	snprintf(buf, sizeof(buf), "%s", v->text);
	for (item = buf;; item = comma + 1) {
		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		if (add_cpus(p, item))
			return -1;
		if (!comma)
			return 0;
	}
}

/* pci = [ "0000:00:02.0", "00:03.0" ]: one to XL_MAX_GUEST_PCI functions, none twice */
static int set_pci(struct parser *p, const struct value *v)
{
	struct xl_cfg *c = p->c;

	snprintf(p->why, sizeof(p->why), "must be a list of PCI functions like [ \"0000:00:02.0\" ]");
	if (v->kind != VALUE_LIST || !v->nr_items)
		return -1;
	c->nr_pci = 0;
	for (unsigned int i = 0; i < v->nr_items; i++) {
		const char *s = v->item[i];
		uint16_t seg, bdf;

		if (!v->item_quoted[i])
			return -1;
		if (!xl_parse_bdf(s, &seg, &bdf)) {
			snprintf(p->why, sizeof(p->why), "has '%.20s', not a PCI function (SSSS:BB:DD.F)", s);
			return -1;
		}
		if (c->nr_pci == XL_MAX_GUEST_PCI) {
			snprintf(p->why, sizeof(p->why), "names more than %d functions", XL_MAX_GUEST_PCI);
			return -1;
		}
		for (unsigned int j = 0; j < c->nr_pci; j++) {
			if (c->pci[j] == ((uint32_t)seg << 16 | bdf)) {
				snprintf(p->why, sizeof(p->why), "names %.20s twice", s);
				return -1;
			}
		}
		c->pci[c->nr_pci++] = (uint32_t)seg << 16 | bdf;
	}
	return 0;
}

struct word {
	const char *name;
	uint32_t value;
};

#define NR_WORDS(w) (sizeof(w) / sizeof((w)[0]))

/* One of a few words: its value in *out, or -1 with why "must be "a", "b" or "c"". */
static int choose(struct parser *p, const char *v, const struct word *words, unsigned int n,
		  uint32_t *out)
{
	size_t len = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (!strcmp(v, words[i].name)) {
			*out = words[i].value;
			return 0;
		}
	}
	len += (size_t)snprintf(p->why, sizeof(p->why), "must be");
	for (unsigned int i = 0; i < n && len < sizeof(p->why); i++)
		len += (size_t)snprintf(p->why + len, sizeof(p->why) - len, "%s\"%s\"",
					!i ? " " : i + 1 < n ? ", " : " or ", words[i].name);
	return -1;
}

static int set_type(struct parser *p, const struct value *v)
{
	static const struct word types[] = { { "elf", XL_GUEST_ELF }, { "linux", XL_GUEST_LINUX } };

	return choose(p, v->text, types, NR_WORDS(types), &p->c->type);
}

static int set_on_dma_fault(struct parser *p, const struct value *v)
{
	static const struct word modes[] = { { "crash", XL_DMA_FAULT_CRASH },
					     { "log", XL_DMA_FAULT_LOG } };

	return choose(p, v->text, modes, NR_WORDS(modes), &p->c->on_dma_fault);
}

/*
 * What happens when the guest ends, for on_poweroff, on_reboot and on_crash:
 * destroy, restart or preserve. xl's other actions are named as such, with
 * the value's column, and refused.
 */
static int set_action(struct parser *p, const struct value *v, enum xl_end_action *out)
{
	static const struct word actions[] = { { "destroy", XL_ACTION_DESTROY },
					       { "restart", XL_ACTION_RESTART },
					       { "preserve", XL_ACTION_PRESERVE } };
	static const char *const xl_only[] = { "rename-restart", "coredump-destroy",
					       "coredump-restart", "soft-reset" };
	uint32_t action;

	for (unsigned int i = 0; i < NR_WORDS(xl_only); i++) {
		if (!strcmp(v->text, xl_only[i])) {
			snprintf(p->why, sizeof(p->why), "\"%s\" is xl's, not supported by xen-lite: "
				 "use \"destroy\", \"restart\" or \"preserve\"", xl_only[i]);
			p->why_column = p->value_column;
			return -1;
		}
	}
	if (choose(p, v->text, actions, NR_WORDS(actions), &action))
		return -1;
	*out = (enum xl_end_action)action;
	return 0;
}

static int set_on_poweroff(struct parser *p, const struct value *v)
{
	return set_action(p, v, &p->c->on_poweroff);
}

static int set_on_reboot(struct parser *p, const struct value *v)
{
	return set_action(p, v, &p->c->on_reboot);
}

static int set_on_crash(struct parser *p, const struct value *v)
{
	return set_action(p, v, &p->c->on_crash);
}

/* A cpuid or msr string refused: the reason, at its byte's column (string starting at line, column). */
static int cpuid_refused(struct parser *p, const struct xl_cpuid_error *e, unsigned int line,
			 unsigned int column)
{
	snprintf(p->why, sizeof(p->why), "%s", e->why);
	p->why_line = line;
	p->why_column = column + (unsigned int)e->at;
	return -1;
}

/*
 * cpuid: Xen's libxl form, one string ("host,sse4_2=0,avx=0"), or its xend
 * form, a list of strings ("LEAF[,SUBLEAF]:REG=BITS,..."); rules that change
 * nothing are dropped. A refusal's column is the character at fault's
 * (exact in a string without escapes).
 */
static int set_cpuid(struct parser *p, const struct value *v)
{
	struct xl_cpuid_policy *c = &p->c->cpuid;
	struct xl_cpuid_error e;

	memset(c, 0, sizeof(*c));
	if (v->kind != VALUE_LIST) {
		if (xl_cpuid_parse_libxl(v->text, c, &e))
			return cpuid_refused(p, &e, p->why_line, p->value_column + (v->kind == VALUE_STRING));
	} else if (!v->nr_items) {
		snprintf(p->why, sizeof(p->why), "must be \"host,FEATURE=0|1|x,...\" or a list of "
			 "\"LEAF[,SUBLEAF]:REG=BITS,...\" strings");
		return -1;
	}
	for (unsigned int i = 0; v->kind == VALUE_LIST && i < v->nr_items; i++) {
		if (!v->item_quoted[i]) {
			e = (struct xl_cpuid_error){ .at = 0, .why = "has an item that is not quoted: each "
								"xend string is, \"LEAF:REG=BITS,...\"" };
			return cpuid_refused(p, &e, v->item_line[i], v->item_column[i]);
		}
		if (xl_cpuid_parse_xend(v->item[i], c, &e))
			return cpuid_refused(p, &e, v->item_line[i], v->item_column[i] + 1);
	}
	xl_cpuid_policy_trim(c);
	return 0;
}

/*
 * msr: xen-lite's own (xl.cfg has none), a list of "MSR:deny", "MSR:ro" or
 * "MSR:and=HEX,or=HEX" strings. A refusal's column is as cpuid's.
 */
static int set_msr(struct parser *p, const struct value *v)
{
	struct xl_msr_policy *m = &p->c->msr;
	struct xl_cpuid_error e;

	memset(m, 0, sizeof(*m));
	if (v->kind != VALUE_LIST || !v->nr_items) {
		snprintf(p->why, sizeof(p->why), "must be a list of \"MSR:deny\", \"MSR:ro\" or "
			 "\"MSR:and=HEX,or=HEX\" strings");
		return -1;
	}
	for (unsigned int i = 0; i < v->nr_items; i++) {
		if (!v->item_quoted[i]) {
			e = (struct xl_cpuid_error){ .at = 0, .why = "has an item that is not quoted: each rule "
								"is, \"MSR:deny\"" };
			return cpuid_refused(p, &e, v->item_line[i], v->item_column[i]);
		}
		if (xl_msr_parse(v->item[i], m, &e))
			return cpuid_refused(p, &e, v->item_line[i], v->item_column[i] + 1);
	}
	return 0;
}

#define SHM_FORM "\"name=NAME,size=SIZE[,mode=rw|ro]\""

/* A refusal inside a list item (shm, disk): the reason, at the column of the item's byte at (item i of v). */
static int item_refused(struct parser *p, const struct value *v, unsigned int i, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int item_refused(struct parser *p, const struct value *v, unsigned int i, size_t at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	p->why_line = v->item_line[i];
	/* past the opening quote: exact in a string without escapes, as for cpuid */
	p->why_column = v->item_column[i] + (v->item_quoted[i] ? 1u : 0u) + (unsigned int)at;
	return -1;
}

/* One item, "name=NAME,size=SIZE[,mode=rw|ro]": its fields in any order, each once. */
static int shm_item(struct parser *p, const struct value *v, unsigned int i, struct xl_cfg_shm *seg)
{
	static const char *const fields[] = { "name", "size", "mode" };
	const char *item = v->item[i];
	bool given[3] = { false, false, false };
	char text[64];

	memset(seg, 0, sizeof(*seg));
	for (size_t at = 0;;) {
		size_t len = strcspn(item + at, ","), key_len;
		const char *eq = memchr(item + at, '=', len), *problem;
		unsigned int f;

		snprintf(text, sizeof(text), "%.*s", (int)(len < 40 ? len : 40), item + at);
		if (!eq)
			return item_refused(p, v, i, at, "has '%s', not FIELD=VALUE (name, size or mode)", text);
		key_len = (size_t)(eq - (item + at));
		for (f = 0; f < 3 && (strlen(fields[f]) != key_len || memcmp(fields[f], item + at, key_len)); f++)
			;
		if (f == 3)
			return item_refused(p, v, i, at, "has an unknown field '%.*s' (name, size or mode)",
					   (int)(key_len < 20 ? key_len : 20), item + at);
		if (given[f])
			return item_refused(p, v, i, at, "gives %s twice for one segment", fields[f]);
		given[f] = true;
		/* the value alone, NUL-terminated, in text (longer ones are refused whole) */
		snprintf(text, sizeof(text), "%.*s", (int)(len - key_len - 1 < 40 ? len - key_len - 1 : 40), eq + 1);
		if (f == 0 && ((problem = xl_shm_name_problem(text)) || len - key_len - 1 >= XL_SHM_NAME_MAX))
			return item_refused(p, v, i, at + key_len + 1, "name '%s' %s", text,
					   problem ? problem : "must be 1 to 31 characters");
		if (f == 0)
			memcpy(seg->name, text, strlen(text) + 1);
		if (f == 1 && ((problem = xl_shm_size_problem(text, &seg->size)) || len - key_len - 1 > 40))
			return item_refused(p, v, i, at + key_len + 1, "size '%s' %s", text,
					   problem ? problem : "must be 4 KiB to 16 GiB");
		if (f == 2 && strcmp(text, "rw") && strcmp(text, "ro"))
			return item_refused(p, v, i, at + key_len + 1, "mode '%s' must be \"rw\" or \"ro\"", text);
		if (f == 2)
			seg->read_only = !strcmp(text, "ro");
		at += len;
		if (!item[at])
			break;
		at++;
	}
	if (!given[0] || !given[1])
		return item_refused(p, v, i, 0, "has a segment without %s= (each is " SHM_FORM ")",
				   !given[0] ? "name" : "size");
	return 0;
}

/*
 * shm = [ "name=NAME,size=SIZE[,mode=rw|ro]", ... ]: the segments the
 * guest is given at create, at most XL_SHM_MAX_PER_DOMAIN, each named once.
 * A refusal points at the field at fault.
 */
static int set_shm(struct parser *p, const struct value *v)
{
	struct xl_cfg *c = p->c;

	c->nr_shm = 0;
	snprintf(p->why, sizeof(p->why), "must be a list of " SHM_FORM " strings");
	if (v->kind != VALUE_LIST || !v->nr_items)
		return -1;
	for (unsigned int i = 0; i < v->nr_items; i++) {
		struct xl_cfg_shm seg;

		if (!v->item_quoted[i])
			return item_refused(p, v, i, 0, "has an item that is not quoted: each is " SHM_FORM);
		if (c->nr_shm == XL_SHM_MAX_PER_DOMAIN)
			return item_refused(p, v, i, 0, "names more than %d segments (a domain has at most %d)",
					   XL_SHM_MAX_PER_DOMAIN, XL_SHM_MAX_PER_DOMAIN);
		if (shm_item(p, v, i, &seg))
			return -1;
		for (unsigned int j = 0; j < c->nr_shm; j++)
			if (!strcmp(c->shm[j].name, seg.name))
				return item_refused(p, v, i, 0, "names segment '%s' twice", seg.name);
		c->shm[c->nr_shm++] = seg;
	}
	return 0;
}

#define DISK_FORM "\"TARGET[,VDEV[,ACCESS]]\""

/*
 * disk = [ "TARGET[,VDEV[,ACCESS]]", "vdev=VDEV,access=ro,target=TARGET", ... ]:
 * at most XL_VIRTIO_MAX_DEVICES, each vdev once, a target twice only when
 * every disk of it is read-only; a disk without a vdev gets the first xvdX no
 * other names. A refusal points at the field at fault (the item, for one
 * against another).
 */
static int set_disk(struct parser *p, const struct value *v)
{
	struct xl_cfg *c = p->c;
	struct xl_cpuid_error e;

	c->nr_disk = 0;
	snprintf(p->why, sizeof(p->why), "must be a list of " DISK_FORM " strings");
	if (v->kind != VALUE_LIST || !v->nr_items)
		return -1;
	for (unsigned int i = 0; i < v->nr_items; i++) {
		struct xl_cfg_disk d;

		if (!v->item_quoted[i])
			return item_refused(p, v, i, 0, "has an item that is not quoted: each is " DISK_FORM);
		if (c->nr_disk == XL_VIRTIO_MAX_DEVICES)
			return item_refused(p, v, i, 0, "names more than %d disks (a guest has at most %d virtio "
					   "devices)", XL_VIRTIO_MAX_DEVICES, XL_VIRTIO_MAX_DEVICES);
		if (xl_disk_parse(v->item[i], &d, &e))
			return item_refused(p, v, i, e.at, "%s", e.why);
		for (unsigned int j = 0; j < c->nr_disk; j++) {
			if (d.vdev[0] && !strcmp(c->disk[j].vdev, d.vdev))
				return item_refused(p, v, i, 0, "names %s twice", d.vdev);
			if (!strcmp(c->disk[j].target, d.target) && !(d.read_only && c->disk[j].read_only))
				return item_refused(p, v, i, 0, "gives %.60s twice, not read-only: two back-ends "
						   "would write it", d.target);
		}
		c->disk[c->nr_disk++] = d;
	}
	/* the disks without a vdev: the first xvdX nobody names, in order */
	for (unsigned int i = 0, letter = 0; i < c->nr_disk; i++) {
		while (!c->disk[i].vdev[0]) {
			bool taken = false;
			char name[XL_DISK_VDEV_MAX];

			snprintf(name, sizeof(name), "xvd%c", 'a' + letter++);
			for (unsigned int j = 0; j < c->nr_disk; j++)
				taken |= !strcmp(c->disk[j].vdev, name);
			if (!taken)
				memcpy(c->disk[i].vdev, name, sizeof(name));
		}
	}
	return 0;
}

#define VIF_FORM "\"KEY=VALUE,...\" (mac, bridge, vifname, type, model) or \"\""

/*
 * vif = [ "mac=..,bridge=..,vifname=..", "", ... ]: at most
 * XL_VIRTIO_MAX_DEVICES (disks and interfaces together: check_file), each
 * MAC and each vifname once. A refusal points at the option at fault (the
 * item, for one against another).
 */
static int set_vif(struct parser *p, const struct value *v)
{
	struct xl_cfg *c = p->c;
	struct xl_cpuid_error e;

	c->nr_vif = 0;
	snprintf(p->why, sizeof(p->why), "must be a list of " VIF_FORM " strings");
	if (v->kind != VALUE_LIST || !v->nr_items)
		return -1;
	for (unsigned int i = 0; i < v->nr_items; i++) {
		struct xl_cfg_vif n;
		char mac[XL_VIF_MAC_TEXT];

		if (!v->item_quoted[i])
			return item_refused(p, v, i, 0, "has an item that is not quoted: each is " VIF_FORM);
		if (c->nr_vif == XL_VIRTIO_MAX_DEVICES)
			return item_refused(p, v, i, 0, "names more than %d interfaces (a guest has at most %d virtio "
					   "devices)", XL_VIRTIO_MAX_DEVICES, XL_VIRTIO_MAX_DEVICES);
		if (xl_vif_parse(v->item[i], &n, &e))
			return item_refused(p, v, i, e.at, "%s", e.why);
		for (unsigned int j = 0; j < c->nr_vif; j++) {
			if (n.have_mac && c->vif[j].have_mac && !memcmp(n.mac, c->vif[j].mac, 6))
				return item_refused(p, v, i, 0, "gives mac %s twice", xl_mac_text(n.mac, mac));
			if (n.vifname[0] && !strcmp(n.vifname, c->vif[j].vifname))
				return item_refused(p, v, i, 0, "gives vifname %s twice", n.vifname);
		}
		p->vif_line[c->nr_vif] = v->item_line[i];
		p->vif_column[c->nr_vif] = v->item_column[i] + 1;
		c->vif[c->nr_vif++] = n;
	}
	return 0;
}

static const struct key_rule {
	const char *name;
	bool takes_list; /* cpus, pci, cpuid, msr, shm, disk and vif; every other key takes one value */
	int (*set)(struct parser *p, const struct value *v); /* -1 with the reason in p->why */
} keys[KEY_COUNT] = {
	[KEY_NAME] = { "name", false, set_name },
	[KEY_TYPE] = { "type", false, set_type },
	[KEY_KERNEL] = { "kernel", false, set_kernel },
	[KEY_RAMDISK] = { "ramdisk", false, set_ramdisk },
	[KEY_CMDLINE] = { "cmdline", false, set_cmdline },
	[KEY_MEMORY] = { "memory", false, set_memory },
	[KEY_VCPUS] = { "vcpus", false, set_vcpus },
	[KEY_CPUS] = { "cpus", true, set_cpus },
	[KEY_PCI] = { "pci", true, set_pci },
	[KEY_ON_DMA_FAULT] = { "on_dma_fault", false, set_on_dma_fault },
	[KEY_ON_POWEROFF] = { "on_poweroff", false, set_on_poweroff },
	[KEY_ON_REBOOT] = { "on_reboot", false, set_on_reboot },
	[KEY_ON_CRASH] = { "on_crash", false, set_on_crash },
	[KEY_CPUID] = { "cpuid", true, set_cpuid },
	[KEY_MSR] = { "msr", true, set_msr },
	[KEY_SHM] = { "shm", true, set_shm },
	[KEY_DISK] = { "disk", true, set_disk },
	[KEY_VIF] = { "vif", true, set_vif },
};

static int find_key(const char *key, size_t len)
{
	for (int k = 0; k < KEY_COUNT; k++)
		if (strlen(keys[k].name) == len && !memcmp(keys[k].name, key, len))
			return k;
	return -1;
}

/* Give the key of line `line` its value: each key once, and a value it takes. */
static int set_value(struct parser *p, const char *key, size_t len, unsigned int line,
		     const struct value *v)
{
	int k = find_key(key, len);
	char where[PLACE_MAX];

	cfg_place(p->r.setting, line, where);
	if (k < 0) {
		snprintf(p->r.err, p->r.err_size, "%s: unknown key '%.*s'", where,
			 (int)(len < 40 ? len : 40), key);
		return -1;
	}
	/* in the file each key once; a command-line setting replaces what came before */
	if (p->at[k] && !p->r.setting) {
		snprintf(p->r.err, p->r.err_size, "%s: %s given twice (first on line %u)", where,
			 keys[k].name, p->at[k]);
		return -1;
	}
	p->at[k] = line;
	p->set_by[k] = p->r.setting;
	if (v->kind == VALUE_LIST && !keys[k].takes_list) {
		snprintf(p->r.err, p->r.err_size, "%s: %s takes one value, not a list", where,
			 keys[k].name);
		return -1;
	}
	p->why_line = line;
	p->why_column = 0;
	if (keys[k].set(p, v)) {
		if (p->why_column)
			snprintf(p->r.err, p->r.err_size, "%s, column %u: %s %s",
				 cfg_place(p->r.setting, p->why_line, where), p->why_column, keys[k].name, p->why);
		else
			snprintf(p->r.err, p->r.err_size, "%s: %s %s", where, keys[k].name, p->why);
		return -1;
	}
	return 0;
}

/* key = value, then the end of the line or a ';'; an empty line or a comment alone is nothing */
static int read_setting(struct parser *p)
{
	struct cfg_setting set;
	struct value v;
	int got = cfg_read_setting(&p->r, &set, &v);

	if (got <= 0)
		return got;
	p->value_column = set.value_column;
	return set_value(p, set.key, set.key_len, set.line, &v);
}

/* What only the whole file can tell: the keys that must agree with each other. */
static int check_file(const struct parser *p, char *err, size_t err_size)
{
	const struct xl_cfg *c = p->c;
	char where[PLACE_MAX];

	if (!c->name[0] || !c->kernel[0] || !c->memory_mib) {
		snprintf(err, err_size, "%s is required", !c->name[0] ? "name" :
							 !c->kernel[0] ? "kernel" : "memory");
		return -1;
	}
	if (c->type == XL_GUEST_ELF && c->ramdisk[0]) {
		snprintf(err, err_size,
			 "%s: ramdisk needs type = \"linux\" (ELF guests take no ramdisk)",
			 key_place(p, KEY_RAMDISK, where));
		return -1;
	}
	if (c->type == XL_GUEST_ELF && c->vcpus > 1) {
		snprintf(err, err_size,
			 "%s: vcpus must be 1 for type = \"elf\" (ELF guests have one vCPU)",
			 key_place(p, KEY_VCPUS, where));
		return -1;
	}
	if (c->nr_disk || c->nr_vif || c->nr_shm) {
		/* dom0's back-ends and the segments stay with the domain that ends: none follows a restart */
		static const struct { enum key key; const char *name; } ends[] = {
			{ KEY_ON_POWEROFF, "on_poweroff" }, { KEY_ON_REBOOT, "on_reboot" }, { KEY_ON_CRASH, "on_crash" } };
		const enum xl_end_action set[] = { c->on_poweroff, c->on_reboot, c->on_crash };

		for (unsigned int i = 0; i < 3; i++)
			if (set[i] == XL_ACTION_RESTART && p->at[ends[i].key]) {
				snprintf(err, err_size,
					 "%s: %s = \"restart\" with %s: a restarted guest would come back without "
					 "its disks, interfaces and segments (they do not follow a restart yet); "
					 "use \"destroy\" or \"preserve\"", key_place(p, ends[i].key, where),
					 ends[i].name, c->nr_disk ? "a disk" : c->nr_vif ? "a vif" : "a shm segment");
				return -1;
			}
	}
	if (c->type == XL_GUEST_ELF && c->nr_disk) {
		snprintf(err, err_size,
			 "%s: disk needs type = \"linux\" (a disk is a virtio PCI device, which only a "
			 "Linux guest finds and drives)", key_place(p, KEY_DISK, where));
		return -1;
	}
	if (c->type == XL_GUEST_ELF && c->nr_vif) {
		snprintf(err, err_size,
			 "%s: vif needs type = \"linux\" (an interface is a virtio PCI device, which only a "
			 "Linux guest finds and drives)", key_place(p, KEY_VIF, where));
		return -1;
	}
	/* disks and interfaces share the guest's virtio devices: the first interface with no room */
	if (c->nr_disk + c->nr_vif > XL_VIRTIO_MAX_DEVICES) {
		unsigned int i = XL_VIRTIO_MAX_DEVICES - c->nr_disk;

		snprintf(err, err_size,
			 "%s, column %u: vif has %u interface%s and disk %u disk%s: a guest has at most %d virtio "
			 "devices, disks and interfaces together", cfg_place(p->set_by[KEY_VIF], p->vif_line[i], where),
			 p->vif_column[i], c->nr_vif, c->nr_vif == 1 ? "" : "s", c->nr_disk, c->nr_disk == 1 ? "" : "s",
			 XL_VIRTIO_MAX_DEVICES);
		return -1;
	}
	if (c->nr_cpus && c->nr_cpus != c->vcpus) {
		snprintf(err, err_size, "%s: vcpus = %u%s but cpus names %u CPU%s (one per vCPU)",
			 key_place(p, KEY_CPUS, where), c->vcpus, p->at[KEY_VCPUS] ? "" : " (the default)",
			 c->nr_cpus, c->nr_cpus == 1 ? "" : "s");
		return -1;
	}
	if (c->type == XL_GUEST_LINUX && (c->memory_mib < XL_LINUX_MIN_MEMORY_MIB ||
					  c->memory_mib > XL_LINUX_MAX_MEMORY_MIB)) {
		snprintf(err, err_size,
			 "%s: memory must be %d to %d (MiB) for type = \"linux\", not %llu",
			 key_place(p, KEY_MEMORY, where), XL_LINUX_MIN_MEMORY_MIB, XL_LINUX_MAX_MEMORY_MIB,
			 (unsigned long long)c->memory_mib);
		return -1;
	}
	return 0;
}

/* All the settings of text: the file's, or one command-line setting's (p->r.setting). */
static int read_settings(struct parser *p, const char *text)
{
	p->r.p = text;
	p->r.line_start = text;
	p->r.line = 1;
	while (*p->r.p)
		if (read_setting(p))
			return -1;
	return 0;
}

int xl_cfg_parse(const char *text, struct xl_cfg *c, char *err, size_t err_size)
{
	return xl_cfg_parse_with(text, NULL, 0, c, err, err_size);
}

int xl_cfg_parse_with(const char *text, const char *const *settings, unsigned int n,
		      struct xl_cfg *c, char *err, size_t err_size)
{
	struct parser p = { .r = { .err = err, .err_size = err_size }, .c = c };

	memset(c, 0, sizeof(*c));
	c->type = XL_GUEST_ELF;
	c->vcpus = 1;
	c->on_poweroff = XL_ACTION_DESTROY;
	c->on_reboot = XL_ACTION_RESTART;
	c->on_crash = XL_ACTION_DESTROY;
	if (read_settings(&p, text))
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		p.r.setting = settings[i];
		if (read_settings(&p, settings[i]))
			return -1;
	}
	if (check_file(&p, err, err_size))
		return -1;
	if ((c->nr_disk || c->nr_vif || c->nr_shm) && !p.at[KEY_ON_REBOOT])
		c->on_reboot = XL_ACTION_DESTROY; /* the default restart would lose them (check_file) */
	for (unsigned int i = c->nr_cpus; i < XL_MAX_GUEST_VCPUS; i++)
		c->cpus[i] = -1;
	c->cpu = c->cpus[0];
	return 0;
}

/* An end action as the create request's flag for it: preserve is neither. */
static uint32_t action_flag(enum xl_end_action a, uint32_t destroy, uint32_t restart)
{
	return a == XL_ACTION_DESTROY ? destroy : a == XL_ACTION_RESTART ? restart : 0;
}

void xl_cfg_to_create(const struct xl_cfg *c, struct xl_domctl_create *req)
{
	memset(req, 0, sizeof(*req));
	snprintf(req->name, sizeof(req->name), "%s", c->name);
	if (c->have_cmdline)
		snprintf(req->cmdline, sizeof(req->cmdline), "%s", c->cmdline);
	else if (c->type == XL_GUEST_ELF)
		snprintf(req->cmdline, sizeof(req->cmdline), "xl-guest name=%s", c->name);
	req->mem_bytes = c->memory_mib << 20;
	req->type = c->type;
	req->nr_vcpus = c->vcpus;
	for (unsigned int i = 0; i < XL_MAX_GUEST_VCPUS; i++)
		req->cpus[i] = i < c->vcpus ? c->cpus[i] : -1;
	req->cpu = req->cpus[0];
	req->flags = action_flag(c->on_poweroff, XL_CREATE_DESTROY_ON_POWEROFF, XL_CREATE_RESTART_ON_POWEROFF) |
		     action_flag(c->on_reboot, XL_CREATE_DESTROY_ON_REBOOT, XL_CREATE_RESTART_ON_REBOOT) |
		     action_flag(c->on_crash, XL_CREATE_DESTROY_ON_CRASH, XL_CREATE_RESTART_ON_CRASH);
	req->nr_pci = c->nr_pci;
	req->on_dma_fault = c->on_dma_fault;
	memcpy(req->pci, c->pci, sizeof(req->pci));
}
