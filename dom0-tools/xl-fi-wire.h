/*
 * xl-lite inject's calls to the fault-injector module (modules/
 * fault-injector/fault_injector_abi.h): each request built, sent through a
 * call function (XL_MODULE_CALL in xl-inject.c, the module's own code in
 * the unit tests), and its answer checked before use - a module's answer is
 * trusted no more than any other reply. No device access: the host unit
 * tests link it. Documentation/modules/fault-injector.md.
 */
#ifndef XL_FI_WIRE_H
#define XL_FI_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../modules/fault-injector/fault_injector_abi.h"
#include "xl-fi-plan.h"

/*
 * Operation op with buf (size bytes: the request, then room for the
 * answer): the module's answer (>= 0), its refusal (-errno), or
 * XL_FI_NO_ANSWER when the call failed before anything answered (the
 * caller keeps the cause).
 */
typedef int64_t (*xl_fi_call_fn)(void *ctx, uint32_t op, void *buf, size_t size);
#define XL_FI_NO_ANSWER INT64_MIN

struct xl_fi_conn {
	xl_fi_call_fn call;
	void *ctx;
};

enum xl_fi_result {
	XL_FI_OK,
	XL_FI_REFUSED, /* err: the module's -errno, or XL_FI_NO_ANSWER */
	XL_FI_MALFORMED, /* why says what makes no sense */
};

struct xl_fi_outcome {
	enum xl_fi_result result;
	int64_t err;
	char why[128];
};

/* The INJECT request for shot s against domain (unsafe: XL_FI_UNSAFE, for dom0). */
void xl_fi_request_for(const struct xl_fi_shot *s, uint32_t domain, bool unsafe, struct xl_fi_request *r);

/* INJECT r: the answer into *a, checked against r (MEM_FLIP done with its byte flipped, others armed). */
void xl_fi_inject(const struct xl_fi_conn *c, const struct xl_fi_request *r, struct xl_fi_injected *a,
		  struct xl_fi_outcome *o);

/* DISARM id (XL_FI_DISARM_ALL: every one): how many were armed into *n. */
void xl_fi_disarm(const struct xl_fi_conn *c, uint64_t id, uint32_t *n, struct xl_fi_outcome *o);

/* STATUS into *s: the module's limits as this xl-lite knows them, the armed within them. */
void xl_fi_status(const struct xl_fi_conn *c, struct xl_fi_status *s, struct xl_fi_outcome *o);

/*
 * EVENTS after from_seq: the header into *h, at most max events into out,
 * checked: nr within max, next_seq == from_seq + lost + nr <= head_seq,
 * the events in order within (from_seq, next_seq], kinds known.
 */
void xl_fi_events(const struct xl_fi_conn *c, uint64_t from_seq, struct xl_fi_events *h, struct xl_fi_event *out,
		  uint32_t max, struct xl_fi_outcome *o);

#endif
