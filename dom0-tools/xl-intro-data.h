/*
 * xl-lite introspect's calls to the introspection module
 * (modules/introspection/introspection_abi.h): each request built, sent
 * through a call function (XL_MODULE_CALL in xl-introspect.c, a fake in
 * the unit tests), and its answer checked before use - the module is
 * trusted no more than any other reply. No device access: the host unit
 * tests link it. Documentation/modules/introspection.md.
 */
#ifndef XL_INTRO_DATA_H
#define XL_INTRO_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../modules/introspection/introspection_abi.h"

/*
 * Operation op with buf (size bytes: the request, then room for the
 * answer): the module's answer (>= 0), its refusal (-errno), or
 * XL_INTRO_NO_ANSWER when the call failed before anything answered (the
 * caller keeps the cause).
 */
typedef int64_t (*xl_intro_call_fn)(void *ctx, uint32_t op, void *buf, size_t size);
#define XL_INTRO_NO_ANSWER INT64_MIN

struct xl_intro_conn {
	xl_intro_call_fn call;
	void *ctx;
	size_t max_size; /* the largest buffer one call takes */
};

enum xl_intro_result {
	XL_INTRO_OK,
	XL_INTRO_REFUSED, /* the call failed: err is the module's -errno, or XL_INTRO_NO_ANSWER */
	XL_INTRO_MALFORMED, /* an answer that makes no sense: why says what */
};

struct xl_intro_outcome {
	enum xl_intro_result result;
	int64_t err; /* REFUSED: the call's result */
	char why[128]; /* MALFORMED */
};

/* A request of this format for domain, every other field 0. */
struct xl_intro_request xl_intro_request(uint32_t domain);

/* A call with no answer (WATCH, UNWATCH, GRANT, REVOKE): it must return 0. */
void xl_intro_simple(const struct xl_intro_conn *c, uint32_t op, const struct xl_intro_request *r,
		     struct xl_intro_outcome *o);

/* STATUS into *s; names NUL-terminated, counts within their tables. */
void xl_intro_status(const struct xl_intro_conn *c, struct xl_intro_status *s, struct xl_intro_outcome *o);

/* REGS of domain's vcpu (flags: XL_INTRO_REGS_KICK) into *regs, checked against the status's reasons. */
void xl_intro_regs(const struct xl_intro_conn *c, uint32_t domain, uint32_t vcpu, uint32_t flags,
		   uint32_t nr_reasons, struct xl_intro_regs *regs, struct xl_intro_outcome *o);

/*
 * READ_PHYS or READ_VIRT (op) of len bytes at addr into out, in as many
 * calls as c->max_size needs, into *got. Stops at the first call that
 * fails or reads short: OK with *got < len when some bytes came (*stop_err
 * then says why the rest did not: the failing call's result, or -EFAULT
 * for a short read), REFUSED when none did.
 */
void xl_intro_read(const struct xl_intro_conn *c, uint32_t op, uint32_t domain, uint32_t vcpu, uint64_t addr,
		   uint64_t len, uint8_t *out, uint64_t *got, int64_t *stop_err, struct xl_intro_outcome *o);

/*
 * EXITS after from_seq: the header into *h, the entries into out (room for
 * max), checked: nr within max and what the answer holds, next_seq ==
 * from_seq + lost + nr <= head_seq, the entries in order within
 * (from_seq, next_seq], their reasons known.
 */
void xl_intro_exits(const struct xl_intro_conn *c, uint32_t domain, uint64_t from_seq, uint32_t nr_reasons,
		    struct xl_intro_exits *h, struct xl_intro_exit *out, uint32_t max, struct xl_intro_outcome *o);

#endif
