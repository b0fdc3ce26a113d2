/*
 * The hypervisor console: formatted log lines go to the output devices
 * (the serial port) when their level is at or below the console level, and
 * always into an in-memory ring that later capabilities expose to dom0.
 */
#ifndef XEN_LITE_CONSOLE_H
#define XEN_LITE_CONSOLE_H

#include <xen-lite/log.h>
#include <xen-lite/types.h>

#define LOG_RING_SIZE (64 * 1024)

typedef void (*console_write_fn)(const char *s, size_t len);

/* Replace the output device (NULL: ring only). */
void console_set_output(console_write_fn fn);
void console_set_level(enum log_level level);
enum log_level console_level(void);

/* Write raw text (no prefix) to the output device and the ring. */
void console_write(const char *s, size_t len);
__attribute__((format(printf, 1, 2))) void printk(const char *fmt, ...);

/*
 * Copy ring contents starting at byte offset *pos (a running count since
 * boot) into buf; returns the number of bytes copied and advances *pos.
 * If *pos is older than what the ring still holds, it skips ahead.
 */
size_t log_ring_read(uint64_t *pos, char *buf, size_t len);
uint64_t log_ring_head(void);

/* A key typed at the hypervisor (xen-lite/console_keys.c): 'h' lists them. */
void console_hypervisor_key(int c);

/* The panic path takes the console even if another CPU died holding it. */
void console_force_unlock(void);

#endif
