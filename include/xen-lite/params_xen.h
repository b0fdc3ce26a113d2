/*
 * Parameter forms operators bring from Xen's command line, for the parameter
 * table's aliases (include/xen-lite/cmdline.h, xen-lite/params_xen.c): read
 * as xen-lite's where they mean the same, refused - naming xen-lite's form -
 * where they do not. Documentation/boot.md lists them.
 */
#ifndef XEN_LITE_PARAMS_XEN_H
#define XEN_LITE_PARAMS_XEN_H

#include <xen-lite/types.h>

/* dom0_mem=[min:SIZE,][max:SIZE,][SIZE] */
int xen_form_dom0_mem(const char *value, char *canonical, size_t size);
/* dom0_max_vcpus=MIN-MAX */
int xen_form_dom0_max_vcpus(const char *value, char *canonical, size_t size);
/* loglvl=none|error|warning|info|debug|all[/LEVEL] */
int xen_form_loglvl(const char *value, char *canonical, size_t size);

#endif
