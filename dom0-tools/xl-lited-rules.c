/*
 * xl-lited's pure decisions (xl-lited-rules.h): names, the auto list, the
 * hypervisor's domain lines, a log's tail.
 */
#include <stdio.h>
#include <string.h>

#include "xl-lited-rules.h"

static bool plain_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '_' || c == '-';
}

int xl_lited_log_name(const char *name, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strnlen(name, XL_DOMAIN_NAME_MAX), o;

	if (!len || len >= XL_DOMAIN_NAME_MAX)
		return -1;
	o = (size_t)snprintf(out, size, "guest-");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (o + 3 >= size)
			return -1;
		if (plain_byte(c)) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (o + sizeof(".log") > size)
		return -1;
	memcpy(out + o, ".log", sizeof(".log"));
	return (int)(o + sizeof(".log") - 1);
}

bool xl_lited_is_auto_cfg(const char *file)
{
	size_t len = strlen(file);

	return file[0] != '.' && len > 4 && !strcmp(file + len - 4, ".cfg");
}

int xl_lited_auto_order(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool xl_lited_auto_wanted(const char *name, const struct xl_domain_info *doms, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		/* the hypervisor's name field: NUL-terminated within its size, or cut there */
		if (doms[i].state != XL_DOMAIN_DYING &&
		    !strncmp(doms[i].name, name, sizeof(doms[i].name)) &&
		    strlen(name) < sizeof(doms[i].name))
			return false;
	}
	return true;
}

/* Where a hypervisor log line's text starts: after "(XL) " and the "[   1.234567] " time. */
static size_t hv_text_start(const char *line, size_t len)
{
	size_t i = 0;

	if (len >= 5 && !memcmp(line, "(XL) ", 5))
		i = 5;
	if (i < len && line[i] == '[') {
		const char *close = memchr(line + i, ']', len - i);

		if (close && (size_t)(close - line) + 1 < len && close[1] == ' ')
			i = (size_t)(close - line) + 2;
	}
	return i;
}

/* "dN (NAME)" or "dN NAME)" at line[i]: the id, the name (in name), the index after ')' */
static bool id_and_name(const char *line, size_t len, size_t i, bool paren, uint32_t *domid, char *name,
			size_t name_size, size_t *after)
{
	uint64_t id = 0;
	size_t n0;

	if (i >= len || line[i] != 'd')
		return false;
	for (n0 = ++i; i < len && line[i] >= '0' && line[i] <= '9' && i - n0 < 10; i++)
		id = id * 10 + (uint64_t)(line[i] - '0');
	if (i == n0 || id > UINT32_MAX || i + 1 >= len || line[i] != ' ')
		return false;
	i++;
	if (paren && line[i++] != '(')
		return false;
	for (n0 = i; i < len && line[i] != ')' && i - n0 < XL_DOMAIN_NAME_MAX; i++)
		if (line[i] == ' ')
			return false; /* names have no spaces */
	if (i == n0 || i >= len || line[i] != ')' || i - n0 >= name_size)
		return false;
	memcpy(name, line + n0, i - n0);
	name[i - n0] = '\0';
	*domid = (uint32_t)id;
	*after = i + 1;
	return true;
}

bool xl_lited_hv_line_domain(const char *line, size_t len, uint32_t *domid, char *name,
			     size_t name_size)
{
	static const char word[] = "domain ";
	size_t start = hv_text_start(line, len), after;

	/* a guest's console line: its text is the guest's, never the hypervisor's word */
	if (start < len && line[start] == '(')
		return false;
	for (size_t at = start; at + sizeof(word) - 1 < len; at++) {
		if (memcmp(line + at, word, sizeof(word) - 1) || (at > start && line[at - 1] != ' '))
			continue;
		if (id_and_name(line, len, at + sizeof(word) - 1, true, domid, name, name_size, &after))
			return true;
	}
	return false;
}

bool xl_lited_hv_console_line(const char *line, size_t len, uint32_t *domid, char *name,
			      size_t name_size, size_t *text_at)
{
	size_t start = hv_text_start(line, len), after;

	if (start >= len || line[start] != '(' ||
	    !id_and_name(line, len, start + 1, false, domid, name, name_size, &after) ||
	    after >= len || line[after] != ' ')
		return false;
	*text_at = after + 1;
	return true;
}

/* Whether tail[at, len) starts with the daemon's start line for domid: its prefix, then ") started". */
static bool started_mark_at(const char *tail, size_t len, size_t at, uint32_t domid)
{
	static const char started[] = ") started";
	char mark[64];
	int n = snprintf(mark, sizeof(mark), "[xl-lited] domain %u (", domid);

	if (n <= 0 || len - at < (size_t)n || memcmp(tail + at, mark, (size_t)n))
		return false;
	for (size_t i = at + (size_t)n; i + sizeof(started) - 1 <= len && tail[i] != '\n'; i++)
		if (!memcmp(tail + i, started, sizeof(started) - 1))
			return true;
	return false;
}

size_t xl_lited_tail_start(const char *tail, size_t len, bool at_file_start, uint32_t domid)
{
	size_t first = len;

	for (size_t at = 0; at < len; at++) {
		bool line_start = at ? tail[at - 1] == '\n' : at_file_start;

		if (!line_start)
			continue;
		if (first == len)
			first = at;
		if (started_mark_at(tail, len, at, domid))
			first = at; /* a later one wins: the newest domain with this id */
	}
	return first;
}

int xl_lited_backend_format(const struct xl_lited_backend *b, char *buf, size_t size)
{
	const char *text[4 + XL_LITED_BACKEND_MAX_ARGS];
	char pid[24], dev[16];
	unsigned int n = 0;
	size_t o = 0;

	if (b->nargs > XL_LITED_BACKEND_MAX_ARGS)
		return -1;
	snprintf(pid, sizeof(pid), "%ld", b->pid);
	snprintf(dev, sizeof(dev), "%u", b->device);
	text[n++] = pid;
	text[n++] = dev;
	text[n++] = b->log;
	text[n++] = b->path;
	text[n++] = b->name;
	for (unsigned int i = 0; i < b->nargs; i++)
		text[n++] = b->args[i];
	for (unsigned int i = 0; i < n; i++) {
		size_t len = text[i] ? strlen(text[i]) : 0;

		if (!len || o + len + 1 > size)
			return -1;
		memcpy(buf + o, text[i], len + 1);
		o += len + 1;
	}
	return (int)o;
}

/* a decimal number of at most max, the whole field */
static bool decimal(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned long long d = (unsigned long long)(*s - '0');

		if (*s < '0' || *s > '9' || v > max / 10 || (v == max / 10 && d > max % 10))
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

int xl_lited_backend_parse(const char *buf, size_t len, struct xl_lited_backend *b)
{
	const char *field[5 + XL_LITED_BACKEND_MAX_ARGS];
	unsigned long long pid, dev;
	unsigned int n = 0;
	size_t at = 0;

	if (!len || buf[len - 1] != '\0')
		return -1;
	while (at < len) {
		size_t flen = strlen(buf + at);

		if (!flen || n == sizeof(field) / sizeof(field[0]))
			return -1;
		field[n++] = buf + at;
		at += flen + 1;
	}
	if (n < 5 || !decimal(field[0], 4194304, &pid) || pid < 2 ||
	    !decimal(field[1], XL_VIRTIO_MAX_DEVICES - 1, &dev) || field[2][0] != '/' || field[3][0] != '/')
		return -1;
	memset(b, 0, sizeof(*b));
	b->pid = (long)pid;
	b->device = (unsigned int)dev;
	b->log = field[2];
	b->path = field[3];
	b->name = field[4];
	for (unsigned int i = 5; i < n; i++)
		b->args[b->nargs++] = field[i];
	b->args[b->nargs] = NULL;
	return 0;
}

bool xl_lited_backend_may_restart(const double *times, unsigned int n, double now)
{
	unsigned int recent = 0;

	for (unsigned int i = 0; i < n; i++)
		if (now - times[i] < XL_LITED_BACKEND_WINDOW_S)
			recent++;
	return recent < XL_LITED_BACKEND_RESTARTS;
}
