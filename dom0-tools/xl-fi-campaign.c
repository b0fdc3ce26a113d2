/*
 * Fault campaigns (see xl-fi-campaign.h): the keys and what each accepts,
 * then what the whole file must have. The syntax is xl-cfg-syntax.c's.
 */
#include <stdio.h>
#include <string.h>

#include "xl-cfg-syntax.h"
#include "xl-fi-campaign.h"

#define EIO_DEFAULT 5 /* hypercall_fail's default error: EIO */

enum key {
	KEY_TARGET, KEY_SEED, KEY_INJECTIONS, KEY_WINDOW_MS, KEY_RESTART_MS, KEY_HANG_MS, KEY_MEM,
	KEY_MEM_FLIP, KEY_REG_FLIP, KEY_HYPERCALL_FAIL, KEY_IO_CORRUPT, KEY_IPI_DROP, KEY_IPI_DUP,
	KEY_COUNT_, KEY_ERRNO, KEY_HYPERCALL, KEY_PORT, KEY_OK, KEY_CORRUPT, KEY_USER_CRASH,
	KEY_KERNEL_CRASH, KEY_UNSAFE, NR_KEYS,
};

struct parser {
	struct cfg_reader r;
	struct xl_fi_campaign *c;
	unsigned int at[NR_KEYS]; /* the line of each key; 0: not given */
	const struct value *v;
	unsigned int value_column;
	unsigned int why_line, why_column; /* where the refusal points: the value, or a list item */
	char why[128]; /* the reason a value is refused, after the key's name */
};

/* ---- values ---- */

/* The value as one piece of text: bare or quoted, not a list. */
static const char *single(struct parser *p)
{
	if (p->v->kind == VALUE_LIST) {
		snprintf(p->why, sizeof(p->why), "takes one value, not a list");
		return NULL;
	}
	return p->v->text;
}

static int number_in(struct parser *p, unsigned long long min, unsigned long long max, unsigned long long *out)
{
	const char *s = single(p), *end;

	if (!s)
		return -1;
	if (cfg_read_number(s, &end, out) || *end || *out < min || *out > max) {
		snprintf(p->why, sizeof(p->why), "must be a number from %llu to %llu, not '%.32s'", min, max, s);
		return -1;
	}
	return 0;
}

static int set_uint(struct parser *p, unsigned long long min, unsigned long long max, unsigned int *out)
{
	unsigned long long n;

	if (number_in(p, min, max, &n))
		return -1;
	*out = (unsigned int)n;
	return 0;
}

/* A number up to max, or "any" (XL_FI_ANY). */
static int set_number_or_any(struct parser *p, unsigned long long max, uint32_t *out)
{
	const char *s = single(p);
	unsigned long long n;

	if (s && !strcmp(s, "any")) {
		*out = XL_FI_ANY;
		return 0;
	}
	if (!s || number_in(p, 0, max, &n)) {
		if (s)
			snprintf(p->why, sizeof(p->why), "must be \"any\" or a number from 0 to %llu, not '%.32s'",
				 max, s);
		return -1;
	}
	*out = (uint32_t)n;
	return 0;
}

/* "0" or "dom0" is dom0; digits are an id, without leading zeros; else a name. */
static int set_target(struct parser *p)
{
	const char *s = single(p);
	size_t len = s ? strlen(s) : 0, digits = s ? strspn(s, "0123456789") : 0;
	unsigned long long id;
	const char *end;

	if (!s)
		return -1;
	if (!len || len >= XL_DOMAIN_NAME_MAX) {
		snprintf(p->why, sizeof(p->why), "must be a domain's name or id (1 to %d characters)",
			 XL_DOMAIN_NAME_MAX - 1);
		return -1;
	}
	for (const char *c = s; *c; c++)
		if (*c <= ' ' || *c > '~') {
			snprintf(p->why, sizeof(p->why), "must be visible ASCII characters, without spaces");
			return -1;
		}
	if (digits == len && ((len > 1 && s[0] == '0') || cfg_read_number(s, &end, &id) || id > UINT32_MAX)) {
		snprintf(p->why, sizeof(p->why), "'%s' is not a domain id (decimal, no leading zeros, 32 bits)", s);
		return -1;
	}
	strcpy(p->c->target, s);
	p->c->target_is_dom0 = !strcmp(s, "0") || !strcmp(s, "dom0");
	return 0;
}

/* "START-END": guest-physical, START below END (END not included). */
static int set_mem(struct parser *p)
{
	const char *s = single(p), *end;
	unsigned long long start, stop;

	if (!s)
		return -1;
	if (cfg_read_number(s, &end, &start) || *end != '-' || cfg_read_number(end + 1, &end, &stop) || *end ||
	    start >= stop) {
		snprintf(p->why, sizeof(p->why), "must be \"START-END\", guest-physical, START below END "
			 "(\"0x1000000-0x6000000\"), not '%.32s'", s);
		return -1;
	}
	p->c->have_mem = true;
	p->c->mem_start = start;
	p->c->mem_end = stop;
	return 0;
}

static int add_pattern(struct parser *p, struct xl_fi_patterns *pat, const char *s, unsigned int line,
		       unsigned int column)
{
	size_t len = strlen(s);

	p->why_line = line;
	p->why_column = column;
	if (!len || len >= XL_FI_PATTERN_LEN) {
		snprintf(p->why, sizeof(p->why), "has a pattern of %zu characters: 1 to %d", len, XL_FI_PATTERN_LEN - 1);
		return -1;
	}
	if (pat->n == XL_FI_PATTERNS_MAX) {
		snprintf(p->why, sizeof(p->why), "has more than %d patterns", XL_FI_PATTERNS_MAX);
		return -1;
	}
	memcpy(pat->text[pat->n++], s, len + 1);
	return 0;
}

/* A string, or a list of strings: each a substring a line of the target's console may hold. */
static int set_patterns(struct parser *p, struct xl_fi_patterns *pat)
{
	const struct value *v = p->v;

	pat->n = 0;
	if (v->kind != VALUE_LIST)
		return add_pattern(p, pat, v->text, p->why_line, p->value_column);
	if (!v->nr_items) {
		snprintf(p->why, sizeof(p->why), "must name at least one pattern");
		return -1;
	}
	for (unsigned int i = 0; i < v->nr_items; i++)
		if (add_pattern(p, pat, v->item[i], v->item_line[i], v->item_column[i]))
			return -1;
	return 0;
}

/* ---- the keys ---- */

static int set_seed(struct parser *p)
{
	unsigned long long n;

	if (number_in(p, 0, UINT64_MAX, &n))
		return -1;
	p->c->seed = n;
	return 0;
}

static int set_injections(struct parser *p) { return set_uint(p, 1, XL_FI_INJECTIONS_MAX, &p->c->injections); }
static int set_window(struct parser *p) { return set_uint(p, XL_FI_WINDOW_MS_MIN, XL_FI_WINDOW_MS_MAX, &p->c->window_ms); }
static int set_restart(struct parser *p) { return set_uint(p, 1, XL_FI_WAIT_MS_MAX, &p->c->restart_ms); }
static int set_hang(struct parser *p) { return set_uint(p, 0, XL_FI_WAIT_MS_MAX, &p->c->hang_ms); }
static int set_count(struct parser *p) { return set_uint(p, 1, XL_FI_MAX_COUNT, &p->c->count); }
static int set_errno(struct parser *p) { return set_uint(p, 1, XL_FI_MAX_ERRNO, &p->c->error); }
static int set_hypercall(struct parser *p) { return set_number_or_any(p, XL_FI_ANY - 1, &p->c->hypercall); }
static int set_port(struct parser *p) { return set_number_or_any(p, 0xffff, &p->c->port); }
static int set_ok(struct parser *p) { return set_patterns(p, &p->c->ok); }
static int set_corrupt(struct parser *p) { return set_patterns(p, &p->c->corrupt); }
static int set_user_crash(struct parser *p) { return set_patterns(p, &p->c->user_crash); }
static int set_kernel_crash(struct parser *p) { return set_patterns(p, &p->c->kernel_crash); }

static int set_unsafe(struct parser *p)
{
	unsigned int n;

	if (set_uint(p, 0, 1, &n))
		return -1;
	p->c->unsafe = n;
	return 0;
}

static int set_weight(struct parser *p, uint32_t kind)
{
	return set_uint(p, 0, XL_FI_WEIGHT_MAX, &p->c->weight[kind]);
}

static int set_mem_flip(struct parser *p) { return set_weight(p, XL_FI_MEM_FLIP); }
static int set_reg_flip(struct parser *p) { return set_weight(p, XL_FI_REG_FLIP); }
static int set_hc_fail(struct parser *p) { return set_weight(p, XL_FI_HC_FAIL); }
static int set_io_corrupt(struct parser *p) { return set_weight(p, XL_FI_IO_CORRUPT); }
static int set_ipi_drop(struct parser *p) { return set_weight(p, XL_FI_IPI_DROP); }
static int set_ipi_dup(struct parser *p) { return set_weight(p, XL_FI_IPI_DUP); }

static const struct key_rule {
	const char *name;
	int (*set)(struct parser *p); /* -1 with the reason in p->why */
} keys[NR_KEYS] = {
	[KEY_TARGET] = { "target", set_target },
	[KEY_SEED] = { "seed", set_seed },
	[KEY_INJECTIONS] = { "injections", set_injections },
	[KEY_WINDOW_MS] = { "window_ms", set_window },
	[KEY_RESTART_MS] = { "restart_ms", set_restart },
	[KEY_HANG_MS] = { "hang_ms", set_hang },
	[KEY_MEM] = { "mem", set_mem },
	[KEY_MEM_FLIP] = { "mem_flip", set_mem_flip },
	[KEY_REG_FLIP] = { "reg_flip", set_reg_flip },
	[KEY_HYPERCALL_FAIL] = { "hypercall_fail", set_hc_fail },
	[KEY_IO_CORRUPT] = { "io_corrupt", set_io_corrupt },
	[KEY_IPI_DROP] = { "ipi_drop", set_ipi_drop },
	[KEY_IPI_DUP] = { "ipi_dup", set_ipi_dup },
	[KEY_COUNT_] = { "count", set_count },
	[KEY_ERRNO] = { "errno", set_errno },
	[KEY_HYPERCALL] = { "hypercall", set_hypercall },
	[KEY_PORT] = { "port", set_port },
	[KEY_OK] = { "ok", set_ok },
	[KEY_CORRUPT] = { "corrupt", set_corrupt },
	[KEY_USER_CRASH] = { "user_crash", set_user_crash },
	[KEY_KERNEL_CRASH] = { "kernel_crash", set_kernel_crash },
	[KEY_UNSAFE] = { "unsafe", set_unsafe },
};

static int find_key(const char *key, size_t len)
{
	for (int k = 0; k < NR_KEYS; k++)
		if (strlen(keys[k].name) == len && !memcmp(keys[k].name, key, len))
			return k;
	return -1;
}

static int refuse_at(struct parser *p, unsigned int line, unsigned int column, const char *fmt, const char *a,
		     const char *b)
{
	int n = snprintf(p->r.err, p->r.err_size, "line %u, column %u: ", line, column);

	if (n >= 0 && (size_t)n < p->r.err_size)
		snprintf(p->r.err + n, p->r.err_size - (size_t)n, fmt, a, b);
	return -1;
}

/* The setting s: a key we have, given once, and a value it takes. */
static int apply(struct parser *p, const struct cfg_setting *s, const struct value *v)
{
	int k = find_key(s->key, s->key_len);
	char key[48], first[32];

	snprintf(key, sizeof(key), "%.*s", (int)(s->key_len < 40 ? s->key_len : 40), s->key);
	if (k < 0)
		return refuse_at(p, s->line, s->key_column, "unknown key '%s'%s", key, "");
	if (p->at[k]) {
		snprintf(first, sizeof(first), " (first on line %u)", p->at[k]);
		return refuse_at(p, s->line, s->key_column, "%s given twice%s", key, first);
	}
	p->at[k] = s->line;
	p->v = v;
	p->value_column = s->value_column;
	p->why_line = s->line;
	p->why_column = s->value_column;
	if (keys[k].set(p))
		return refuse_at(p, p->why_line, p->why_column, "%s %s", keys[k].name, p->why);
	return 0;
}

/* What only the whole file can tell. */
static int check_file(const struct parser *p, char *err, size_t err_size)
{
	const struct xl_fi_campaign *c = p->c;
	unsigned long long total = 0;

	if (!p->at[KEY_TARGET] || !p->at[KEY_INJECTIONS]) {
		snprintf(err, err_size, "%s is required", !p->at[KEY_TARGET] ? "target" : "injections");
		return -1;
	}
	for (uint32_t k = 0; k < XL_FI_NR_KINDS; k++)
		total += c->weight[k];
	if (!total) {
		snprintf(err, err_size, "no kind of injection has a weight: give one or more of mem_flip, "
			 "reg_flip, hypercall_fail, io_corrupt, ipi_drop, ipi_dup (e.g. mem_flip = 8)");
		return -1;
	}
	return 0;
}

static void defaults(struct xl_fi_campaign *c)
{
	static const char *const user[] = { "segfault at", "traps: ", "Segmentation fault",
					    "Illegal instruction", "Bus error" };
	static const char *const kernel[] = { "Kernel panic", "Oops", "BUG: ", " [#" };

	memset(c, 0, sizeof(*c));
	c->seed = 1;
	c->window_ms = 300;
	c->restart_ms = 120000;
	c->hang_ms = 60000;
	c->count = 1;
	c->error = EIO_DEFAULT;
	c->hypercall = XL_FI_ANY;
	c->port = XL_FI_ANY;
	for (unsigned int i = 0; i < sizeof(user) / sizeof(user[0]); i++)
		strcpy(c->user_crash.text[c->user_crash.n++], user[i]);
	for (unsigned int i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++)
		strcpy(c->kernel_crash.text[c->kernel_crash.n++], kernel[i]);
}

int xl_fi_campaign_parse(const char *text, struct xl_fi_campaign *c, char *err, size_t err_size)
{
	struct value v;
	struct parser p = { .r = { .p = text, .line_start = text, .line = 1, .err = err, .err_size = err_size },
			    .c = c };
	struct cfg_setting s;

	defaults(c);
	while (*p.r.p) {
		int got = cfg_read_setting(&p.r, &s, &v);

		if (got < 0 || (got > 0 && apply(&p, &s, &v)))
			return -1;
	}
	return check_file(&p, err, err_size);
}
