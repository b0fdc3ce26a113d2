/* Parsing "xl-guest" module command lines (see include/xen-lite/guest_launch.h). */
#include <xen-lite/cmdline.h>
#include <xen-lite/errno.h>
#include <xen-lite/guest_launch.h>
#include <xen-lite/log.h>
#include <xen-lite/string.h>

#define KEYWORD "xl-guest"

static int set_field(struct guest_spec *s, const char *key, const char *value)
{
	uint64_t v;

	if (!strcmp(key, "name")) {
		if (!*value || strlen(value) >= sizeof(s->name))
			return -EINVAL;
		memcpy(s->name, value, strlen(value) + 1);
		return 0;
	}
	if (!strcmp(key, "expect"))
		return strcmp(value, "pass") && strcmp(value, "crash") && strcmp(value, "timeout") ?
			       -EINVAL : 0;
	if (parse_uint(value, !strcmp(key, "mem"), &v))
		return -EINVAL;
	if (!strcmp(key, "cpu") && v < 4096)
		s->cpu = (int)v;
	else if (!strcmp(key, "mem") && v && !(v & (PAGE_SIZE - 1)))
		s->mem = v;
	else if (!strcmp(key, "timeout") && v)
		s->timeout_ms = v;
	else if (!strcmp(key, "pause_at") && v)
		s->pause_at_ms = v;
	else if (!strcmp(key, "readonly") && !(v & (PAGE_SIZE - 1)))
		s->readonly_gpa = v;
	else if (!strcmp(key, "noexec") && !(v & (PAGE_SIZE - 1)))
		s->noexec_gpa = v;
	else if (!strcmp(key, "unmap") && !(v & (PAGE_SIZE - 1)))
		s->unmap_gpa = v;
	else
		return -EINVAL;
	return 0;
}

int guest_spec_parse(const char *cmdline, struct guest_spec *s)
{
	const char *p = cmdline;
	size_t kw = strlen(KEYWORD);

	if (strncmp(p, KEYWORD, kw) || (p[kw] != ' ' && p[kw] != '\0'))
		return -ENOENT;
	*s = (struct guest_spec){ .cpu = -1,
				  .mem = 2ULL << 20,
				  .timeout_ms = 10000,
				  .readonly_gpa = GUEST_NO_GPA,
				  .noexec_gpa = GUEST_NO_GPA,
				  .unmap_gpa = GUEST_NO_GPA };
	p += kw;
	while (*p) {
		char tok[64], *eq;
		size_t n = 0;

		while (*p == ' ')
			p++;
		while (p[n] && p[n] != ' ')
			n++;
		if (!n)
			break;
		if (n >= sizeof(tok)) {
			log_err("xl-guest: '%.20s...' is too long\n", p);
			return -EINVAL;
		}
		memcpy(tok, p, n);
		tok[n] = '\0';
		p += n;
		if (!strcmp(tok, "--"))
			break; /* the rest is the guest's own: key=value settings it reads itself */
		eq = strchr(tok, '=');
		if (!eq)
			continue; /* an argument for the guest itself */
		*eq = '\0';
		if (set_field(s, tok, eq + 1)) {
			log_err("xl-guest: bad or unknown setting '%s=%s'\n", tok, eq + 1);
			return -EINVAL;
		}
	}
	if (!s->name[0]) {
		log_err("xl-guest: a name= is required\n");
		return -EINVAL;
	}
	return 0;
}
