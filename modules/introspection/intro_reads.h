/*
 * The read operations of the introspection module - REGS, READ_PHYS,
 * READ_VIRT, EXITS - once intro_ops.c has checked the request's shape and
 * the caller's right: the operation's own fields, then the answer written
 * after the request (room bytes, 8-byte aligned).
 */
#ifndef INTRO_READS_H
#define INTRO_READS_H

#include "intro_ops.h"
#include "introspection_abi.h"

int64_t intro_op_regs(struct intro_state *s, const struct xl_intro_request *r, void *answer, uint64_t room);
int64_t intro_op_read_phys(struct intro_state *s, const struct xl_intro_request *r, void *answer,
			   uint64_t room);
int64_t intro_op_read_virt(struct intro_state *s, const struct xl_intro_request *r, void *answer,
			   uint64_t room);
int64_t intro_op_exits(struct intro_state *s, const struct xl_intro_request *r, void *answer, uint64_t room);

#endif
