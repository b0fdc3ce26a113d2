/*
 * Fuzz fault campaign files of `xl-lite inject CAMPAIGN`
 * (dom0-tools/xl-fi-campaign.c) and the plan drawn from one it accepts
 * (dom0-tools/xl-fi-plan.c): every value within the range its key
 * promises, and every injection the plan draws - within the campaign's
 * range and the target's vCPUs - a request the fault-injector module's own
 * checker (modules/fault-injector/fi_request.c) takes; a refusal always
 * says why.
 *
 * Input: the file's text up to the first NUL; after it, the target's
 * memory size (8 bytes) and vCPUs (1 byte) for the plan.
 */
#include <stdlib.h>
#include <string.h>

#include "../../dom0-tools/xl-fi-plan.h"
#include "../../dom0-tools/xl-fi-wire.h"
#include "../../modules/fault-injector/fi_request.h"

#include "support.h"

#define SHOTS 64

static void check_patterns(const struct xl_fi_patterns *p, const char *what)
{
	FUZZ_CHECK(p->n <= XL_FI_PATTERNS_MAX, "%u %s patterns", p->n, what);
	for (unsigned int i = 0; i < p->n; i++) {
		size_t len = strnlen(p->text[i], XL_FI_PATTERN_LEN);

		FUZZ_CHECK(len && len < XL_FI_PATTERN_LEN, "%s pattern %u of %zu characters", what, i, len);
	}
}

static void check_campaign(const struct xl_fi_campaign *c)
{
	uint64_t total = 0;
	size_t len = strnlen(c->target, sizeof(c->target));

	FUZZ_CHECK(len && len < sizeof(c->target), "a target of %zu characters", len);
	FUZZ_CHECK(c->injections >= 1 && c->injections <= XL_FI_INJECTIONS_MAX, "%u injections", c->injections);
	FUZZ_CHECK(c->window_ms >= XL_FI_WINDOW_MS_MIN && c->window_ms <= XL_FI_WINDOW_MS_MAX, "window %u",
		   c->window_ms);
	FUZZ_CHECK(c->restart_ms >= 1 && c->restart_ms <= XL_FI_WAIT_MS_MAX, "restart %u", c->restart_ms);
	FUZZ_CHECK(c->hang_ms <= XL_FI_WAIT_MS_MAX, "hang %u", c->hang_ms);
	FUZZ_CHECK(!c->have_mem || c->mem_start < c->mem_end, "an empty memory range");
	for (uint32_t k = 0; k < XL_FI_NR_KINDS; k++) {
		FUZZ_CHECK(c->weight[k] <= XL_FI_WEIGHT_MAX, "weight %u", c->weight[k]);
		total += c->weight[k];
	}
	FUZZ_CHECK(total, "no weight");
	FUZZ_CHECK(c->count >= 1 && c->count <= XL_FI_MAX_COUNT, "count %u", c->count);
	FUZZ_CHECK(c->error >= 1 && c->error <= XL_FI_MAX_ERRNO, "errno %u", c->error);
	FUZZ_CHECK(c->port <= 0xffff || c->port == XL_FI_ANY, "port %#x", c->port);
	check_patterns(&c->ok, "ok");
	check_patterns(&c->corrupt, "corrupt");
	check_patterns(&c->user_crash, "user_crash");
	check_patterns(&c->kernel_crash, "kernel_crash");
}

static void check_shot(const struct xl_fi_plan *p, const struct xl_fi_shot *s)
{
	struct xl_fi_request r;
	int err;

	FUZZ_CHECK(s->kind < XL_FI_NR_KINDS && p->c->weight[s->kind], "kind %u drawn", s->kind);
	if (s->kind == XL_FI_MEM_FLIP)
		FUZZ_CHECK(s->addr >= p->mem_start && s->addr < p->mem_end, "address %#llx outside the range",
			   (unsigned long long)s->addr);
	if (s->kind == XL_FI_REG_FLIP)
		FUZZ_CHECK(s->vcpu < p->nr_vcpus, "vcpu %u of %u", s->vcpu, p->nr_vcpus);
	xl_fi_request_for(s, 1, false, &r);
	err = fi_check_request(XL_FI_OP_INJECT, &r);
	FUZZ_CHECK(!err, "the module refuses the request of a %u shot: %d", s->kind, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xl_fi_campaign c;
	struct xl_fi_target_facts t = { 0 };
	const uint8_t *nul = memchr(data, '\0', size);
	struct fuzz_in in = { nul ? nul + 1 : data + size, nul ? (size_t)(data + size - nul - 1) : 0 };
	char err[256], *text = malloc(size + 1);
	struct xl_fi_plan p;
	struct xl_fi_shot s;

	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	if (xl_fi_campaign_parse(text, &c, err, sizeof(err))) {
		FUZZ_CHECK(err[0] && memchr(err, '\0', sizeof(err)), "refused without a message");
	} else {
		check_campaign(&c);
		t.mem_bytes = fuzz_u64(&in);
		t.nr_vcpus = fuzz_u8(&in);
		if (!xl_fi_plan_start(&p, &c, &t))
			for (int i = 0; i < SHOTS; i++) {
				xl_fi_plan_next(&p, &s);
				check_shot(&p, &s);
			}
	}
	free(text);
	return 0;
}
