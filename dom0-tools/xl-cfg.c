/* Guest configuration files (see xl-cfg.h and Documentation/config.md). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-cfg.h"

#define LINE_MAX_LEN 512

/* the keys checked again once the whole file is read, by the line that set them */
enum { AT_RAMDISK, AT_MEMORY, AT_VCPUS, AT_CPUS, AT_PCI, AT_COUNT };

struct parser {
	struct xl_cfg *c;
	unsigned int at[AT_COUNT]; /* line of the last assignment; 0: not in the file */
	char why[128]; /* a reason built for one value */
};

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

/* A value is bare or in double quotes; a '#' outside quotes starts a comment. */
static int unquote(char *v, char *err, size_t err_size, unsigned int line)
{
	size_t n;

	if (v[0] != '"') {
		char *hash = strchr(v, '#');

		char *t;

		if (hash)
			*hash = '\0';
		t = trim(v);
		memmove(v, t, strlen(t) + 1); /* trim() may return a pointer into v */
		return 0;
	}
	n = strlen(v);
	if (n < 2 || !strchr(v + 1, '"')) {
		snprintf(err, err_size, "line %u: unterminated string", line);
		return -1;
	}
	*strchr(v + 1, '"') = '\0';
	memmove(v, v + 1, strlen(v + 1) + 1);
	return 0;
}

static int number(const char *v, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (!*v || !isdigit((unsigned char)*v))
		return -1;
	*out = strtoull(v, &end, 10);
	return *end || *out > max ? -1 : 0;
}

static int copy_string(char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size)
		return -1;
	strcpy(dst, v);
	return 0;
}

/*
 * cpus: "any", or physical CPUs one per vCPU in order: "2", "2,3", "2-3",
 * "0,2-3", or the xl.cfg list [2, 3] (elements may be quoted: ["2", "3"]).
 * Fills c->cpus[0..nr_cpus); -1 with the reason in p->why.
 */
static int parse_cpus(struct parser *p, const char *v)
{
	static const char *const syntax =
		"must be a physical CPU number, CPUs like \"2,3\" or \"2-3\" (one per vCPU), "
		"or \"any\"";
	struct xl_cfg *c = p->c;
	char buf[LINE_MAX_LEN], *s, *item, *comma;
	size_t len;

	c->nr_cpus = 0;
	snprintf(p->why, sizeof(p->why), "%s", syntax);
	if (!strcmp(v, "any"))
		return 0;
	if (copy_string(buf, sizeof(buf), v))
		return -1;
	s = trim(buf);
	len = strlen(s);
	if (s[0] == '[') {
		if (len < 2 || s[len - 1] != ']') {
			snprintf(p->why, sizeof(p->why), "is a list without its closing ']'");
			return -1;
		}
		s[len - 1] = '\0';
		s++;
	}
	for (item = s;; item = comma + 1) {
		unsigned long long lo, hi;
		char *t, *dash;

		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		t = trim(item);
		len = strlen(t);
		if (len >= 2 && t[0] == '"' && t[len - 1] == '"') {
			t[len - 1] = '\0';
			t = trim(t + 1);
		}
		dash = strchr(t, '-');
		if (dash)
			*dash = '\0';
		if (number(trim(t), XL_CFG_MAX_CPU, &lo) ||
		    number(dash ? trim(dash + 1) : trim(t), XL_CFG_MAX_CPU, &hi))
			return -1;
		if (lo > hi) {
			snprintf(p->why, sizeof(p->why), "has a range running backwards (%llu-%llu)",
				 lo, hi);
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
		if (!comma)
			return 0;
	}
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

/* pci = [ "0000:00:02.0", "00:03.0" ]: one to XL_MAX_GUEST_PCI functions, none twice */
static int parse_pci(struct parser *p, const char *v)
{
	struct xl_cfg *c = p->c;
	char buf[LINE_MAX_LEN], *s, *item, *comma;
	size_t len;

	snprintf(p->why, sizeof(p->why), "must be a list of PCI functions like [ \"0000:00:02.0\" ]");
	if (copy_string(buf, sizeof(buf), v))
		return -1;
	s = trim(buf);
	len = strlen(s);
	if (len < 2 || s[0] != '[' || s[len - 1] != ']')
		return -1;
	s[len - 1] = '\0';
	c->nr_pci = 0;
	for (item = s + 1;; item = comma + 1) {
		uint16_t seg, bdf;
		char *t;

		comma = strchr(item, ',');
		if (comma)
			*comma = '\0';
		t = trim(item);
		len = strlen(t);
		if (len < 2 || t[0] != '"' || t[len - 1] != '"')
			return -1;
		t[len - 1] = '\0';
		if (!xl_parse_bdf(t + 1, &seg, &bdf)) {
			snprintf(p->why, sizeof(p->why), "has '%.20s', not a PCI function (SSSS:BB:DD.F)", t + 1);
			return -1;
		}
		if (c->nr_pci == XL_MAX_GUEST_PCI) {
			snprintf(p->why, sizeof(p->why), "names more than %d functions", XL_MAX_GUEST_PCI);
			return -1;
		}
		for (unsigned int i = 0; i < c->nr_pci; i++)
			if (c->pci[i] == ((uint32_t)seg << 16 | bdf)) {
				snprintf(p->why, sizeof(p->why), "names %s twice", t + 1);
				return -1;
			}
		c->pci[c->nr_pci++] = (uint32_t)seg << 16 | bdf;
		if (!comma)
			return 0;
	}
}

/* Set one key; -1 with the reason in *why (NULL: an unknown key). */
static int set_key(struct parser *p, const char *key, const char *v, unsigned int line,
		   const char **why)
{
	struct xl_cfg *c = p->c;
	unsigned long long n;

	if (!strcmp(key, "name")) {
		*why = "must be 1 to 31 characters";
		return !*v ? -1 : copy_string(c->name, sizeof(c->name), v);
	}
	if (!strcmp(key, "kernel")) {
		*why = "must be a path of at most 255 characters";
		return !*v ? -1 : copy_string(c->kernel, sizeof(c->kernel), v);
	}
	if (!strcmp(key, "ramdisk")) {
		*why = "must be a path of at most 255 characters";
		p->at[AT_RAMDISK] = line;
		return !*v ? -1 : copy_string(c->ramdisk, sizeof(c->ramdisk), v);
	}
	if (!strcmp(key, "cmdline")) {
		*why = "must be at most 255 characters";
		c->have_cmdline = true;
		return copy_string(c->cmdline, sizeof(c->cmdline), v);
	}
	if (!strcmp(key, "memory")) {
		*why = "must be a size in MiB, 2 to 1048576";
		if (number(v, 1ULL << 20, &n) || n < 2)
			return -1;
		c->memory_mib = n;
		p->at[AT_MEMORY] = line;
		return 0;
	}
	if (!strcmp(key, "vcpus")) {
		snprintf(p->why, sizeof(p->why), "must be a number from 1 to %d", XL_MAX_GUEST_VCPUS);
		*why = p->why;
		if (number(v, XL_MAX_GUEST_VCPUS, &n) || n < 1)
			return -1;
		c->vcpus = (unsigned int)n;
		p->at[AT_VCPUS] = line;
		return 0;
	}
	if (!strcmp(key, "cpus")) {
		*why = p->why;
		p->at[AT_CPUS] = line;
		return parse_cpus(p, v);
	}
	if (!strcmp(key, "type")) {
		*why = "must be \"elf\" or \"linux\"";
		if (!strcmp(v, "elf"))
			c->type = XL_GUEST_ELF;
		else if (!strcmp(v, "linux"))
			c->type = XL_GUEST_LINUX;
		else
			return -1;
		return 0;
	}
	if (!strcmp(key, "pci")) {
		*why = p->why;
		p->at[AT_PCI] = line;
		return parse_pci(p, v);
	}
	if (!strcmp(key, "on_dma_fault")) {
		*why = "must be \"crash\" or \"log\"";
		if (!strcmp(v, "crash"))
			c->on_dma_fault = XL_DMA_FAULT_CRASH;
		else if (!strcmp(v, "log"))
			c->on_dma_fault = XL_DMA_FAULT_LOG;
		else
			return -1;
		return 0;
	}
	if (!strcmp(key, "on_crash")) {
		*why = "must be \"preserve\", \"destroy\" or \"restart\"";
		if (!strcmp(v, "preserve"))
			c->on_crash = XL_ON_CRASH_PRESERVE;
		else if (!strcmp(v, "destroy"))
			c->on_crash = XL_ON_CRASH_DESTROY;
		else if (!strcmp(v, "restart"))
			c->on_crash = XL_ON_CRASH_RESTART;
		else
			return -1;
		return 0;
	}
	*why = NULL;
	return -1;
}

static int parse_line(struct parser *p, char *s, unsigned int line, char *err, size_t err_size)
{
	char *eq, *key, *value;
	const char *why;

	s = trim(s);
	if (!*s || *s == '#')
		return 0;
	eq = strchr(s, '=');
	if (!eq) {
		snprintf(err, err_size, "line %u: expected 'key = value'", line);
		return -1;
	}
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (unquote(value, err, err_size, line))
		return -1;
	if (set_key(p, key, value, line, &why)) {
		if (why)
			snprintf(err, err_size, "line %u: %s %s", line, key, why);
		else
			snprintf(err, err_size, "line %u: unknown key '%s'", line, key);
		return -1;
	}
	return 0;
}

/* What only the whole file can tell: the keys that must agree with each other. */
static int check_file(const struct parser *p, char *err, size_t err_size)
{
	const struct xl_cfg *c = p->c;

	if (!c->name[0] || !c->kernel[0] || !c->memory_mib) {
		snprintf(err, err_size, "%s is required", !c->name[0] ? "name" :
							 !c->kernel[0] ? "kernel" : "memory");
		return -1;
	}
	if (c->type == XL_GUEST_ELF && c->ramdisk[0]) {
		snprintf(err, err_size,
			 "line %u: ramdisk needs type = \"linux\" (ELF guests take no ramdisk)",
			 p->at[AT_RAMDISK]);
		return -1;
	}
	if (c->nr_pci && c->on_crash == XL_ON_CRASH_RESTART) {
		snprintf(err, err_size, "line %u: pci needs no on_crash = \"restart\" "
			 "(a guest with devices is not rebuilt on a crash)", p->at[AT_PCI]);
		return -1;
	}
	if (c->type == XL_GUEST_ELF && c->vcpus > 1) {
		snprintf(err, err_size,
			 "line %u: vcpus must be 1 for type = \"elf\" (ELF guests have one vCPU)",
			 p->at[AT_VCPUS]);
		return -1;
	}
	if (c->nr_cpus && c->nr_cpus != c->vcpus) {
		snprintf(err, err_size, "line %u: vcpus = %u%s but cpus names %u CPU%s (one per vCPU)",
			 p->at[AT_CPUS], c->vcpus, p->at[AT_VCPUS] ? "" : " (the default)",
			 c->nr_cpus, c->nr_cpus == 1 ? "" : "s");
		return -1;
	}
	if (c->type == XL_GUEST_LINUX && (c->memory_mib < XL_LINUX_MIN_MEMORY_MIB ||
					  c->memory_mib > XL_LINUX_MAX_MEMORY_MIB)) {
		snprintf(err, err_size,
			 "line %u: memory must be %d to %d (MiB) for type = \"linux\", not %llu",
			 p->at[AT_MEMORY], XL_LINUX_MIN_MEMORY_MIB, XL_LINUX_MAX_MEMORY_MIB,
			 (unsigned long long)c->memory_mib);
		return -1;
	}
	return 0;
}

int xl_cfg_parse(const char *text, struct xl_cfg *c, char *err, size_t err_size)
{
	struct parser p = { .c = c };
	char buf[LINE_MAX_LEN];
	unsigned int line = 0;

	memset(c, 0, sizeof(*c));
	c->type = XL_GUEST_ELF;
	c->vcpus = 1;
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		line++;
		if (len >= sizeof(buf)) {
			snprintf(err, err_size, "line %u: longer than %d characters", line,
				 LINE_MAX_LEN - 1);
			return -1;
		}
		memcpy(buf, text, len);
		buf[len] = '\0';
		if (parse_line(&p, buf, line, err, err_size))
			return -1;
		text += len + (nl ? 1 : 0);
	}
	if (check_file(&p, err, err_size))
		return -1;
	for (unsigned int i = c->nr_cpus; i < XL_MAX_GUEST_VCPUS; i++)
		c->cpus[i] = -1;
	c->cpu = c->cpus[0];
	return 0;
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
	req->flags = c->on_crash == XL_ON_CRASH_DESTROY ? XL_CREATE_DESTROY_ON_CRASH :
		     c->on_crash == XL_ON_CRASH_RESTART ? XL_CREATE_RESTART_ON_CRASH :
							  0;
	req->nr_pci = c->nr_pci;
	req->on_dma_fault = c->on_dma_fault;
	memcpy(req->pci, c->pci, sizeof(req->pci));
}
