/*
 * xl-lite inject's output: one line per injection (what, where, what it
 * changed, its zone and why) and the campaign's report (the count per
 * zone), in text or as JSON objects one a line; and the exit status the
 * report comes to. No device access: the host unit tests link it.
 */
#ifndef XL_FI_FMT_H
#define XL_FI_FMT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xl-fi-classify.h"
#include "xl-fi-plan.h"

/* One injection as done and judged. */
struct xl_fi_record {
	struct xl_fi_shot shot;
	uint32_t domain; /* the target's id when it was injected */
	uint64_t id; /* the module's, 0 when it refused the injection */
	int64_t refused; /* the module's -errno when it did */
	unsigned int applied; /* the times it applied (the events read) */
	struct xl_fi_event first; /* the first time it did (applied > 0) */
	struct xl_fi_verdict verdict;
};

struct xl_fi_report {
	char campaign[128]; /* the file */
	char target[XL_DOMAIN_NAME_MAX];
	uint32_t first_domain, last_domain; /* the target's id at the start and at the end */
	uint64_t seed;
	bool guest_target; /* not dom0: dom0 and the hypervisor zones must stay empty */
	unsigned int planned, done;
	unsigned int kind[XL_FI_NR_KINDS];
	unsigned int zone[XL_FI_NR_ZONES];
	unsigned int not_applied, refused;
	unsigned int restarts; /* the target came back as a new domain */
	unsigned int resets; /* the tool reset a target that did not come back */
	unsigned int dom0_checks; /* windows after which dom0's buffer was checked */
	bool completed;
	char stopped[160]; /* why the campaign ended early ("" when it did not) */
};

/* The kind's name ("mem_flip"), or "?". */
const char *xl_fi_kind_name(uint32_t kind);

/* r counted into the report. */
void xl_fi_report_add(struct xl_fi_report *rep, const struct xl_fi_record *r);

/* "#17 id 23 d1 mem_flip gpa 0x3456789 bit 3 (0x12 -> 0x1a): masked (nothing seen)", or its JSON. */
void xl_fi_print_record(FILE *f, const struct xl_fi_record *r, bool json);

/* The dry run's line for a shot: what would be injected. */
void xl_fi_print_shot(FILE *f, const struct xl_fi_shot *s, uint32_t domain, bool json);

/* The report: the campaign, the kinds, "zones: masked N, guest-user N, ...", the rest. */
void xl_fi_print_report(FILE *f, const struct xl_fi_report *rep, bool json);

/*
 * 0 (XL_EXIT_OK) when the campaign completed and, aimed at a guest, left
 * dom0 and the hypervisor zones empty; 1 (XL_EXIT_ERROR) otherwise.
 */
int xl_fi_exit_status(const struct xl_fi_report *rep);

#endif
