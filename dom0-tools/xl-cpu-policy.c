/*
 * The cpu-policy module from dom0 (Documentation/modules/cpu-policy.md):
 * xl-lite cpu-policy [-j] [-r] DOMAIN, which prints (and -r removes) a
 * domain's policy, and what xl-lite create does with `cpuid` and `msr` keys - the
 * module checked for before anything is created, the policy sent with SET
 * while the new domain waits paused. The calls are XL_MODULE_CALLs in the
 * format of modules/cpu-policy/cpu_policy_abi.h, checked and shown by
 * xl-cpu-policy-wire.c and xl-cpu-policy-fmt.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xl-cmds.h"
#include "xl-cpu-policy-fmt.h"
#include "xl-cpu-policy-wire.h"
#include "xl-lite-fmt.h"

#define LOAD_HINT "xl-lite module load " XL_CPU_POLICY_MODULE

int xl_cpu_policy_module_ready(struct xl_handle *h, const char *file, const char *key)
{
	struct xl_module_entry m;

	switch (xl_module_lookup(h, XL_CPU_POLICY_MODULE, 0, &m)) {
	case 1:
		return XL_EXIT_OK;
	case 0:
		fprintf(stderr, "xl-lite: %s: %s needs the %s module, which is not loaded: %s\n", file, key,
			XL_CPU_POLICY_MODULE, LOAD_HINT);
		return XL_EXIT_ERROR;
	default:
		return xl_report(&h->err);
	}
}

/* Where the hypervisor's log ends now; false when it cannot be read. */
static bool log_end(struct xl_handle *h, uint64_t *pos)
{
	static union {
		struct xl_log_chunk chunk;
		char bytes[sizeof(struct xl_log_chunk) + 16];
	} buf;

	/* a position past the end reads nothing, and says where the end is */
	if (xl_log_read(h, UINT64_MAX, &buf.chunk, sizeof(buf)) < 0)
		return false;
	*pos = buf.chunk.head;
	return true;
}

#define REFUSAL_TEXT_MAX 16384 /* what a refusal logs is a line or two; the rest is not looked at */

/*
 * The module's reason for refusing domid's policy, from what the log got
 * since pos: each "cpu-policy: policy for dN refused: ..." line on stderr.
 * Whether there was one.
 */
static bool print_refusal(struct xl_handle *h, uint32_t domid, uint64_t pos)
{
	static union {
		struct xl_log_chunk chunk;
		char bytes[4096];
	} buf;
	static char text[REFUSAL_TEXT_MAX + 1];
	char needle[64];
	size_t len = 0;
	bool found = false;

	while (len < REFUSAL_TEXT_MAX) {
		int64_t n = xl_log_read(h, pos, &buf.chunk, sizeof(buf));

		if (n <= 0)
			break;
		if ((size_t)n > REFUSAL_TEXT_MAX - len)
			n = (int64_t)(REFUSAL_TEXT_MAX - len);
		memcpy(text + len, buf.chunk.data, (size_t)n);
		len += (size_t)n;
		pos = buf.chunk.next;
	}
	text[len] = '\0';
	snprintf(needle, sizeof(needle), "cpu-policy: policy for d%u refused: ", domid);
	for (char *line = text; line && *line;) {
		char *end = strchr(line, '\n'), *at;

		if (end)
			*end = '\0';
		at = strstr(line, needle);
		if (at) {
			fputs("xl-lite: hypervisor: ", stderr);
			xl_print_field(stderr, at, strlen(at));
			fputc('\n', stderr);
			found = true;
		}
		line = end ? end + 1 : NULL;
	}
	return found;
}

int xl_cpu_policy_set(struct xl_handle *h, uint32_t domid, const struct xl_cpuid_policy *p,
		      const struct xl_msr_policy *m)
{
	unsigned char buf[XL_CPU_POLICY_MAX_SIZE];
	const char *why;
	size_t len = xl_cpu_policy_encode(p, m, buf, sizeof(buf), &why);
	bool have_log;
	uint64_t pos = 0;

	if (!len) { /* the parser makes only policies the module takes: a bug if seen */
		fprintf(stderr, "xl-lite: cpuid, msr: not a policy the %s module takes: %s\n",
			XL_CPU_POLICY_MODULE, why);
		return XL_EXIT_ERROR;
	}
	have_log = log_end(h, &pos);
	if (xl_module_call(h, XL_CPU_POLICY_MODULE, XL_CPU_POLICY_OP_SET, domid, buf, len) < 0) {
		struct xl_error cause = h->err;

		xl_report(&cause);
		if (cause.source == XL_ERR_HYPERVISOR && cause.err == EINVAL &&
		    !(have_log && print_refusal(h, domid, pos)))
			fprintf(stderr, "xl-lite: the hypervisor's log says why (xl-lite dmesg)\n");
		return XL_EXIT_ERROR;
	}
	return XL_EXIT_OK;
}

/* The domain's name from the domain list into name (NUL-terminated); false when it is not listed. */
static bool domain_name(struct xl_handle *h, uint32_t domid, char *name, size_t size)
{
	static struct xl_domain_info doms[XL_LIST_MAX];
	int n = xl_domain_list(h, doms, XL_LIST_MAX);

	for (int i = 0; i < n && i < XL_LIST_MAX; i++) {
		if (doms[i].domid == domid) {
			snprintf(name, size, "%.*s", (int)strnlen(doms[i].name, sizeof(doms[i].name)),
				 doms[i].name);
			return true;
		}
	}
	return false;
}

/* GET refused: no module, no such domain, or (-ENOENT with both there) no policy. */
static int get_failed(struct xl_handle *h, const struct xl_args *a, const char *name, bool listed)
{
	struct xl_error cause = h->err;
	struct xl_module_entry m;

	if (cause.source != XL_ERR_HYPERVISOR || cause.err != ENOENT)
		return xl_report(&cause);
	if (xl_module_lookup(h, XL_CPU_POLICY_MODULE, 0, &m) == 0) {
		fprintf(stderr, "xl-lite: the %s module is not loaded (%s)\n", XL_CPU_POLICY_MODULE, LOAD_HINT);
		return XL_EXIT_ERROR;
	}
	if (!listed) {
		fprintf(stderr, "xl-lite: no domain %u\n", a->domid);
		return XL_EXIT_ERROR;
	}
	xl_print_cpu_policy(stdout, a->domid, name, NULL, NULL, a->json);
	return XL_EXIT_OK;
}

int xl_cmd_cpu_policy(struct xl_handle *h, const struct xl_args *a)
{
	unsigned char buf[XL_CPU_POLICY_MAX_SIZE];
	char name[XL_DOMAIN_NAME_MAX + 1];
	bool listed = domain_name(h, a->domid, name, sizeof(name));
	struct xl_cpuid_policy p;
	struct xl_msr_policy m;
	const char *why;
	int64_t n;

	if (!a->domid) { /* the module keeps none for dom0: its answers are the core's */
		xl_print_cpu_policy(stdout, 0, listed ? name : NULL, NULL, NULL, a->json);
		return XL_EXIT_OK;
	}
	n = xl_module_call(h, XL_CPU_POLICY_MODULE, XL_CPU_POLICY_OP_GET, a->domid, buf, sizeof(buf));
	if (n < 0)
		return get_failed(h, a, listed ? name : NULL, listed);
	why = xl_cpu_policy_decode(buf, n, sizeof(buf), &p, &m);
	if (why) {
		fprintf(stderr, "xl-lite: hypervisor: XL_MODULE_CALL: malformed %s answer: %s\n",
			XL_CPU_POLICY_MODULE, why);
		return XL_EXIT_ERROR;
	}
	xl_print_cpu_policy(stdout, a->domid, listed ? name : NULL, &p, &m, a->json);
	if (a->reset &&
	    xl_module_call(h, XL_CPU_POLICY_MODULE, XL_CPU_POLICY_OP_CLEAR, a->domid, NULL, 0) < 0)
		return xl_report(&h->err);
	return XL_EXIT_OK;
}
