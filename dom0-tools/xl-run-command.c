/* The shell command of xl-lite run (see xl-run-command.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "xl-run-command.h"
#include "xl-run-proto.h"

/* Text appended as far as it fits; len counts all of it, so a caller learns what it needed. */
struct text {
	char *out;
	size_t size, len;
};

static void put(struct text *t, const char *s, size_t n)
{
	if (t->len + n < t->size)
		memcpy(t->out + t->len, s, n);
	t->len += n;
}

static void put_str(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* s in single quotes: a quote ends the quoted text, is itself escaped, and quoting starts again */
static void put_quoted(struct text *t, const char *s)
{
	put(t, "'", 1);
	for (const char *c = s; *c; c++)
		put(t, *c == '\'' ? "'\\''" : c, *c == '\'' ? 4 : 1);
	put(t, "'", 1);
}

/* a decimal id, 0 to XL_RUN_MAX_ID, no sign nor leading zero: the whole of s up to end */
static bool parse_id(const char *s, const char *end, uint32_t *id)
{
	unsigned long long v = 0;

	if (s == end || end - s > 10 || (*s == '0' && end - s > 1))
		return false;
	for (; s < end; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v = v * 10 + (unsigned long long)(*s - '0');
	}
	if (v > XL_RUN_MAX_ID)
		return false;
	*id = (uint32_t)v;
	return true;
}

const char *xl_run_parse_user(const char *s, uint32_t *uid, uint32_t *gid)
{
	const char *colon = strchr(s, ':'), *end = s + strlen(s);

	if (!parse_id(s, colon ? colon : end, uid) || (colon && !parse_id(colon + 1, end, gid)))
		return "must be UID or UID:GID, decimal ids 0 to 4294967294";
	if (!colon)
		*gid = *uid;
	return NULL;
}

const char *xl_run_check_env(const char *s)
{
	size_t name = strcspn(s, "=");

	if (!s[name])
		return "must be NAME=VALUE";
	if (!name || isdigit((unsigned char)s[0]))
		return "NAME must start with a letter or '_'";
	for (size_t i = 0; i < name; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return "NAME must be letters, digits and '_'";
	return NULL;
}

const char *xl_run_check_cwd(const char *s)
{
	return s[0] == '/' ? NULL : "must be an absolute path (starting with '/')";
}

size_t xl_run_command(char *out, size_t size, const struct xl_run_spec *spec, size_t *need)
{
	struct text t = { out, size < XL_RUN_MAX_COMMAND + 1 ? size : XL_RUN_MAX_COMMAND + 1, 0 };
	char ids[32];

	*need = 0;
	if (!spec->nwords)
		return 0;
	if (spec->cwd) {
		/* as Slurm does with a task's missing directory: say so, and run elsewhere */
		put_str(&t, "cd ");
		put_quoted(&t, spec->cwd);
		put_str(&t, " 2>/dev/null || { printf 'xl-run: no directory %s in the guest: running in /\\n' ");
		put_quoted(&t, spec->cwd);
		put_str(&t, " >&2; cd /; }; ");
	}
	if (spec->nenv) {
		put_str(&t, "export");
		for (unsigned int i = 0; i < spec->nenv; i++) {
			size_t name = strcspn(spec->env[i], "=");

			put(&t, " ", 1);
			put(&t, spec->env[i], name + 1);
			put_quoted(&t, spec->env[i] + name + 1);
		}
		put_str(&t, "; ");
	}
	if (spec->as_user) {
		snprintf(ids, sizeof(ids), " %u %u ", spec->uid, spec->gid);
		put_str(&t, "exec " XL_RUN_AS);
		put_str(&t, ids);
	}
	for (unsigned int w = 0; w < spec->nwords; w++) {
		if (w)
			put(&t, " ", 1);
		put_quoted(&t, spec->words[w]);
	}
	*need = t.len;
	if (t.len >= t.size)
		return 0;
	out[t.len] = '\0';
	return t.len;
}
