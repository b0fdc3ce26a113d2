/* Guest configuration files (see xl-cfg.h and Documentation/config.md). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xl-cfg.h"

#define LINE_MAX_LEN 512

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

static int set_key(struct xl_cfg *c, const char *key, const char *v, const char **why)
{
	unsigned long long n;

	if (!strcmp(key, "name")) {
		*why = "must be 1 to 31 characters";
		return !*v ? -1 : copy_string(c->name, sizeof(c->name), v);
	}
	if (!strcmp(key, "kernel")) {
		*why = "must be a path of at most 255 characters";
		return !*v ? -1 : copy_string(c->kernel, sizeof(c->kernel), v);
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
		return 0;
	}
	if (!strcmp(key, "vcpus")) {
		*why = "must be 1 (ELF guests have one vCPU so far)";
		if (number(v, 1, &n) || n != 1)
			return -1;
		c->vcpus = 1;
		return 0;
	}
	if (!strcmp(key, "cpus")) {
		*why = "must be one physical CPU number, or \"any\"";
		if (!strcmp(v, "any")) {
			c->cpu = -1;
			return 0;
		}
		if (number(v, 4095, &n))
			return -1;
		c->cpu = (int)n;
		return 0;
	}
	if (!strcmp(key, "type")) {
		*why = "must be \"elf\" (Linux guests are not supported yet)";
		return strcmp(v, "elf") ? -1 : 0;
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

static int parse_line(struct xl_cfg *c, char *s, unsigned int line, char *err, size_t err_size)
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
	if (set_key(c, key, value, &why)) {
		if (why)
			snprintf(err, err_size, "line %u: %s %s", line, key, why);
		else
			snprintf(err, err_size, "line %u: unknown key '%s'", line, key);
		return -1;
	}
	return 0;
}

int xl_cfg_parse(const char *text, struct xl_cfg *c, char *err, size_t err_size)
{
	char buf[LINE_MAX_LEN];
	unsigned int line = 0;

	memset(c, 0, sizeof(*c));
	c->vcpus = 1;
	c->cpu = -1;
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
		if (parse_line(c, buf, line, err, err_size))
			return -1;
		text += len + (nl ? 1 : 0);
	}
	if (!c->name[0] || !c->kernel[0] || !c->memory_mib) {
		snprintf(err, err_size, "%s is required", !c->name[0] ? "name" :
							 !c->kernel[0] ? "kernel" : "memory");
		return -1;
	}
	return 0;
}
