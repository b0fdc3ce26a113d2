/*
 * The introspection module's wire format (Documentation/modules/
 * introspection.md): what its XL_MODULE_CALL operations take and answer.
 * Shared by the module (modules/introspection/) and dom0's xl-lite
 * (dom0-tools/xl-intro-data.c); must compile alone in both. Fixed-size
 * structures, naturally aligned, uint64_t/uint32_t/char only: the same
 * layout for every compiler.
 *
 * Every call's buffer starts with a struct xl_intro_request; the answer,
 * when there is one, follows it at XL_INTRO_ANSWER_OFFSET. The call's arg
 * is 0. Fields an operation does not use must be 0.
 */
#ifndef INTROSPECTION_ABI_H
#define INTROSPECTION_ABI_H

#include <stdint.h>

#define XL_INTRO_MODULE "introspection" /* the name XL_MODULE_CALL takes */
#define XL_INTRO_FORMAT_VERSION 1

/*
 * The operations (request fields used; what the call returns). Refusals:
 * -EPERM (not allowed: below), -EPROTO (another format version), -EINVAL
 * (a malformed request), -ENOENT (no such domain), -ENXIO (the domain is
 * not watched), -EAGAIN (no registers of that vCPU yet, or they changed
 * under every retry of the read).
 *
 * Admin operations, dom0 only:
 *   WATCH   domain          record its registers and exits from now on: 0, -EEXIST, -ENOSPC, -ENOMEM
 *   UNWATCH domain          stop; its records go: 0, -ENXIO
 *   GRANT   observer domain the observer may read domain: 0, -EEXIST, -ENOSPC
 *   REVOKE  observer domain 0, -ENOENT
 *   STATUS  -               answer: struct xl_intro_status; returns its size
 * Reads, by dom0 or by an observer granted the domain (never of dom0):
 *   REGS      domain vcpu flags  answer: struct xl_intro_regs; returns its size
 *   READ_PHYS domain addr len    answer: the bytes at guest-physical addr
 *   READ_VIRT domain vcpu addr len  the bytes at guest-virtual addr, through the
 *                            page tables at the vCPU's snapshot's CR3 (long mode
 *                            only: -EOPNOTSUPP otherwise)
 *             Both return the bytes read: len, or fewer when a page past the first
 *             is not there (-EFAULT when the first is not)
 *   EXITS     domain from_seq    answer: struct xl_intro_exits, then its nr struct
 *                            xl_intro_exit (as many as fit); returns nr
 */
#define XL_INTRO_OP_WATCH 0
#define XL_INTRO_OP_UNWATCH 1
#define XL_INTRO_OP_GRANT 2
#define XL_INTRO_OP_REVOKE 3
#define XL_INTRO_OP_STATUS 4
#define XL_INTRO_OP_REGS 5
#define XL_INTRO_OP_READ_PHYS 6
#define XL_INTRO_OP_READ_VIRT 7
#define XL_INTRO_OP_EXITS 8
#define XL_INTRO_NR_OPS 9

#define XL_INTRO_MAX_WATCHED 64 /* domains watched at once */
#define XL_INTRO_MAX_VCPUS 16 /* vCPUs whose registers are kept, per domain */
#define XL_INTRO_MAX_GRANTS 64
#define XL_INTRO_RING_ENTRIES 1024 /* exits kept per watched domain */
#define XL_INTRO_MAX_REASONS 32
#define XL_INTRO_NAME_LEN 16 /* an exit reason's name, NUL-terminated */

/* REGS flags: kick the domain's running vCPUs, so that the next REGS is fresh */
#define XL_INTRO_REGS_KICK 1u

/* EFER.LMA and CR0.PG: READ_VIRT walks the page tables of long mode only */
#define XL_INTRO_EFER_LMA (1ull << 10)
#define XL_INTRO_CR0_PG (1ull << 31)

struct xl_intro_request {
	uint32_t version; /* XL_INTRO_FORMAT_VERSION */
	uint32_t domain; /* the domain read, watched, or (GRANT, REVOKE) granted */
	uint32_t vcpu; /* REGS, READ_VIRT: < XL_INTRO_MAX_VCPUS */
	uint32_t observer; /* GRANT, REVOKE: the domain that may read */
	uint64_t addr; /* READ_PHYS, READ_VIRT */
	uint64_t len; /* READ_PHYS, READ_VIRT: bytes, 1 to the buffer's room after the request */
	uint64_t from_seq; /* EXITS: the entries after this one (0: the oldest kept) */
	uint32_t flags; /* REGS: XL_INTRO_REGS_KICK */
	uint32_t reserved; /* 0 */
};

#define XL_INTRO_ANSWER_OFFSET sizeof(struct xl_intro_request)

/* REGS: the registers of the vCPU's latest exit (the state it resumed with). */
struct xl_intro_regs {
	uint64_t gpr[16]; /* RAX RCX RDX RBX RSP RBP RSI RDI R8 ... R15 */
	uint64_t rip;
	uint64_t cr0, cr3, cr4, efer;
	uint32_t cpl;
	uint32_t exit_reason; /* the hypervisor's exit reason, < status.nr_reasons */
	uint64_t exit_code; /* the raw exit code (SVM's EXITCODE) */
	uint64_t exit_tsc; /* TSC when the exit was taken */
	uint64_t age_cycles; /* TSC at the read less exit_tsc */
	uint64_t tsc_khz;
	uint64_t snapshots; /* snapshots of this vCPU since the watch began (>= 1) */
};

/* EXITS: next_seq == from_seq + lost + nr, always. */
struct xl_intro_exits {
	uint64_t next_seq; /* from_seq of the next EXITS: the last entry returned or lost */
	uint64_t head_seq; /* the newest exit recorded (exits recorded since the watch began) */
	uint64_t lost; /* exits after from_seq overwritten before this read */
	uint32_t nr; /* struct xl_intro_exit that follow, in seq order */
	uint32_t reserved;
};

struct xl_intro_exit {
	uint64_t seq; /* 1 for the first exit recorded after WATCH */
	uint32_t vcpu;
	uint32_t reason;
	uint64_t exit_code;
	uint64_t rip; /* after the exit's handling: where the vCPU resumed */
	uint64_t tsc; /* when the exit was taken */
};

struct xl_intro_watched {
	uint32_t domain;
	uint32_t vcpus_seen; /* bit i: vCPU i has registers kept */
	uint64_t exits; /* exits recorded since the watch began */
};

struct xl_intro_grant {
	uint32_t observer, target;
};

struct xl_intro_status {
	uint32_t max_watched, max_grants, max_vcpus, ring_entries;
	uint32_t nr_watched; /* records in watched[] */
	uint32_t nr_grants; /* records in grants[] */
	uint32_t nr_reasons; /* names in reason_names[] */
	uint32_t reserved;
	uint64_t tsc_khz;
	char reason_names[XL_INTRO_MAX_REASONS][XL_INTRO_NAME_LEN];
	struct xl_intro_watched watched[XL_INTRO_MAX_WATCHED];
	struct xl_intro_grant grants[XL_INTRO_MAX_GRANTS];
};

#endif
