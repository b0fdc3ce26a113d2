/*
 * The shell command xl-lite run sends to a guest's agent (Documentation/tools.md,
 * "run"): the words, quoted, and what --user, --cwd and --env ask, as shell text
 * the agent's sh -c runs:
 *
 *   cd 'DIR' 2>/dev/null || { printf ... >&2; cd /; };    --cwd: a missing one falls back to /
 *   export NAME='VALUE' ...;                               --env
 *   exec /bin/xl-run-as UID GID 'WORD' ...                 --user: the guest's helper drops to them
 *
 * So the agent's protocol is unchanged. Pure functions: the host unit tests
 * (tests/unit/test_xl_run.c) check them and run the text through sh.
 */
#ifndef XL_RUN_COMMAND_H
#define XL_RUN_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* the guest's helper that drops to a numeric uid and gid (dom0-tools/guest-initrd/xl-run-as.c) */
#define XL_RUN_AS "/bin/xl-run-as"
/* ids the kernel takes: 0 to 2^32 - 2 ((uid_t)-1 means "unchanged" to setresuid) */
#define XL_RUN_MAX_ID 4294967294u

struct xl_run_spec {
	const char *const *words; /* the command and its arguments */
	unsigned int nwords;
	bool as_user; /* uid, gid below */
	uint32_t uid, gid;
	const char *cwd; /* NULL: the agent's */
	const char *const *env; /* NAME=VALUE each, checked */
	unsigned int nenv;
};

/* UID or UID:GID (decimal, 0 to XL_RUN_MAX_ID; GID defaults to UID): NULL, or why not */
const char *xl_run_parse_user(const char *s, uint32_t *uid, uint32_t *gid);
/* NAME=VALUE with NAME a shell variable's name: NULL, or why not */
const char *xl_run_check_env(const char *s);
/* an absolute path: NULL, or why not */
const char *xl_run_check_cwd(const char *s);

/*
 * The command text into out (NUL-terminated) and its length; 0 when it is
 * longer than XL_RUN_MAX_COMMAND or size allows (*need: the bytes it needs,
 * its NUL not counted), or there are no words. Nothing is ever cut short.
 */
size_t xl_run_command(char *out, size_t size, const struct xl_run_spec *spec, size_t *need);

#endif
