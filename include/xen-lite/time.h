/* Time since boot, from the TSC once its frequency is known (0 before that). */
#ifndef XEN_LITE_TIME_H
#define XEN_LITE_TIME_H

#include <xen-lite/types.h>

uint64_t time_since_boot_us(void);
void udelay(uint64_t us);

#endif
