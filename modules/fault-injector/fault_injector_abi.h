/*
 * The fault injector's wire format (Documentation/modules/fault-injector.md):
 * what its XL_MODULE_CALL operations take and answer. Shared by the module
 * (modules/fault-injector/) and dom0's xl-lite (dom0-tools/xl-fi-wire.c);
 * must compile alone in both. Fixed-size structures, naturally aligned,
 * uint64_t/uint32_t only: the same layout for every compiler.
 *
 * Every call's buffer starts with a struct xl_fi_request; the answer, when
 * there is one, follows it at XL_FI_ANSWER_OFFSET. The call's arg is 0.
 * Fields an operation (or an injection's kind) does not use must be 0.
 * Only dom0 may call; any other domain gets -EPERM.
 */
#ifndef FAULT_INJECTOR_ABI_H
#define FAULT_INJECTOR_ABI_H

#include <stdint.h>

#define XL_FI_MODULE "fault-injector" /* the name XL_MODULE_CALL takes */
#define XL_FI_FORMAT_VERSION 1

/*
 * The operations (request fields used; what the call returns). Refusals:
 * -EPERM (not dom0; dom0 as the target without XL_FI_UNSAFE), -EPROTO
 * (another format version), -EINVAL (a malformed request), -ENOENT (no
 * such domain), -EFAULT (MEM_FLIP: not the domain's RAM), -ENOSPC (every
 * slot armed), -EOPNOTSUPP (IPI kinds aimed at dom0: its IPIs are never
 * filtered).
 *
 *   INJECT  kind domain ...   MEM_FLIP is done at once, the others armed:
 *                             answer struct xl_fi_injected; returns its size
 *   DISARM  id                the armed injection id (XL_FI_DISARM_ALL:
 *                             every one) disarmed: returns how many were
 *   STATUS  -                 answer struct xl_fi_status; returns its size
 *   EVENTS  from_seq          answer struct xl_fi_events, then its nr
 *                             struct xl_fi_event (as many as fit); returns nr
 */
#define XL_FI_OP_INJECT 0
#define XL_FI_OP_DISARM 1
#define XL_FI_OP_STATUS 2
#define XL_FI_OP_EVENTS 3
#define XL_FI_NR_OPS 4

/*
 * The kinds of injection, and the request fields each uses besides kind,
 * domain and flags:
 *   MEM_FLIP    addr bit       bit `bit` (0-7) of the byte at guest-physical addr, now
 *   REG_FLIP    vcpu reg bit count   bit `bit` (0-63) of general register reg
 *                              (0-15: RAX RCX RDX RBX RSP RBP RSI RDI R8-R15) of
 *                              vCPU vcpu, at its next `count` exits (it is kicked)
 *   HC_FAIL     match value count    its next `count` hypercalls numbered match
 *                              (XL_FI_ANY: any) return -value (an errno, 1-4095)
 *   IO_CORRUPT  match value count    its next `count` port reads (IN) the
 *                              hypervisor emulates, of port match (XL_FI_ANY: any),
 *                              get their value XORed with value (not 0)
 *   IPI_DROP    count          its next `count` fixed IPIs are not sent
 *   IPI_DUP     count          ... are sent twice
 */
#define XL_FI_MEM_FLIP 0
#define XL_FI_REG_FLIP 1
#define XL_FI_HC_FAIL 2
#define XL_FI_IO_CORRUPT 3
#define XL_FI_IPI_DROP 4
#define XL_FI_IPI_DUP 5
#define XL_FI_NR_KINDS 6
/* their names, by number, as the log, xl-lite and campaign files say them */
#define XL_FI_KIND_NAMES { "mem_flip", "reg_flip", "hypercall_fail", "io_corrupt", "ipi_drop", "ipi_dup" }

#define XL_FI_UNSAFE 1u /* flags: the target may be dom0 (the operator said so) */
#define XL_FI_ANY 0xffffffffu /* match: any hypercall, any port */
#define XL_FI_DISARM_ALL 0 /* DISARM's id: every armed injection */

#define XL_FI_MAX_ARMED 16 /* injections armed at once */
#define XL_FI_MAX_COUNT 1000 /* an armed injection's count */
#define XL_FI_MAX_ERRNO 4095
#define XL_FI_MAX_VCPU 255
#define XL_FI_NR_GPRS 16
/* their names, by number, as the log and xl-lite say them */
#define XL_FI_GPR_NAMES                                                                          \
	{ "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", \
	  "r13", "r14", "r15" }
#define XL_FI_RING_ENTRIES 512 /* injections done, kept for EVENTS */

struct xl_fi_request {
	uint32_t version; /* XL_FI_FORMAT_VERSION */
	uint32_t kind; /* INJECT: XL_FI_* */
	uint32_t domain; /* INJECT: the target */
	uint32_t vcpu; /* REG_FLIP */
	uint64_t addr; /* MEM_FLIP: guest-physical */
	uint32_t bit; /* MEM_FLIP 0-7, REG_FLIP 0-63 */
	uint32_t reg; /* REG_FLIP: 0-15 */
	uint32_t count; /* REG_FLIP, HC_FAIL, IO_CORRUPT, IPI_*: 1 to XL_FI_MAX_COUNT */
	uint32_t match; /* HC_FAIL: hypercall number; IO_CORRUPT: port (0-65535); or XL_FI_ANY */
	uint32_t value; /* HC_FAIL: the errno; IO_CORRUPT: the XOR mask */
	uint32_t flags; /* XL_FI_UNSAFE */
	uint64_t id; /* DISARM */
	uint64_t from_seq; /* EVENTS: the events after this one (0: the oldest kept) */
};

#define XL_FI_ANSWER_OFFSET sizeof(struct xl_fi_request)

#define XL_FI_APPLIED 1 /* INJECT's state: done (MEM_FLIP) */
#define XL_FI_ARMED 2 /* ... armed: the target's next occasions apply it */

struct xl_fi_injected {
	uint64_t id; /* the injection's number (from 1), in the log and the events */
	uint32_t state; /* XL_FI_APPLIED or XL_FI_ARMED */
	uint32_t reserved;
	uint64_t old_value, new_value; /* APPLIED: the byte before and after */
};

/*
 * One injection done (an armed one: each time it applied). What `where`,
 * old_value and new_value hold depends on the kind:
 *   MEM_FLIP    the guest-physical address; the byte before and after
 *   REG_FLIP    the register (0-15); its value before and after
 *   HC_FAIL     the hypercall number; RAX before (the number) and after (-errno)
 *   IO_CORRUPT  port | size << 16 (1, 2 or 4 bytes); the value read and the one given
 *   IPI_*       vector | destination << 32; 1 and the copies sent (0 or 2)
 */
struct xl_fi_event {
	uint64_t seq; /* 1 for the first injection done since the module was loaded */
	uint64_t id;
	uint32_t kind, domain;
	uint32_t vcpu; /* the vCPU it applied on (MEM_FLIP: 0) */
	uint32_t bit; /* the bit flipped (MEM_FLIP, REG_FLIP), else 0 */
	uint64_t where;
	uint64_t old_value, new_value;
	uint64_t tsc; /* when it applied */
};

/* EVENTS: next_seq == from_seq + lost + nr, always. */
struct xl_fi_events {
	uint64_t next_seq; /* from_seq of the next EVENTS: the last entry returned or lost */
	uint64_t head_seq; /* the newest event recorded */
	uint64_t lost; /* events after from_seq overwritten before this read */
	uint32_t nr; /* struct xl_fi_event that follow, in seq order */
	uint32_t reserved;
};

struct xl_fi_armed {
	uint64_t id;
	uint32_t kind, domain;
	uint32_t vcpu, left; /* left: the times it applies still (its count, less those done) */
	uint32_t reg, bit;
	uint32_t match, value;
};

struct xl_fi_status {
	uint32_t max_armed, ring_entries, max_count;
	uint32_t nr_armed; /* records in armed[] */
	uint64_t events; /* injections done since the module was loaded (the newest event's seq) */
	uint64_t next_id; /* the id the next INJECT gets */
	uint64_t tsc_khz;
	struct xl_fi_armed armed[XL_FI_MAX_ARMED];
};

#endif
