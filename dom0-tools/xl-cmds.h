/*
 * xl-lite's commands that live outside xl-lite.c, one concern per file:
 * create and create-elf (xl-create.c), console (xl-console.c). Each
 * returns the exit status (XL_EXIT_*).
 */
#ifndef XL_CMDS_H
#define XL_CMDS_H

#include "libxl-lite.h"
#include "xl-args.h"

/* domains asked for per XL_SYSCTL_DOMAIN_LIST (64 bytes each: 16 KiB) */
#define XL_LIST_MAX 256

/* "xl-lite: CAUSE" on stderr; returns XL_EXIT_ERROR. */
int xl_report(const struct xl_error *e);

int xl_cmd_create(struct xl_handle *h, const struct xl_args *a);
int xl_cmd_create_elf(struct xl_handle *h, const struct xl_args *a);
/* Attach to domain domid's console (named as the user named it, for messages). */
int xl_cmd_console(struct xl_handle *h, uint32_t domid, const char *named);

#endif
