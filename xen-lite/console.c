/* Console output and the log ring (see include/xen-lite/console.h). */
#include <xen-lite/arch/time.h>
#include <xen-lite/console.h>
#include <xen-lite/format.h>
#include <xen-lite/spinlock.h>
#include <xen-lite/string.h>

#include <stdarg.h>

/* taken with interrupts off: an interrupt handler on this CPU may log (never an NMI handler) */
static spinlock_t console_lock = SPINLOCK_INIT;
static console_write_fn output;
static enum log_level level_limit = LOG_INFO;

static char ring[LOG_RING_SIZE];
static uint64_t ring_head; /* bytes ever written */

void console_set_output(console_write_fn fn)
{
	output = fn;
}

void console_set_level(enum log_level level)
{
	level_limit = level;
}

enum log_level console_level(void)
{
	return level_limit;
}

void console_force_unlock(void)
{
	console_lock = (spinlock_t)SPINLOCK_INIT;
}

static void ring_append(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		ring[(ring_head + i) % LOG_RING_SIZE] = s[i];
	ring_head += len;
}

static void emit_locked(const char *s, size_t len, bool to_device)
{
	ring_append(s, len);
	if (to_device && output)
		output(s, len);
}

void console_write(const char *s, size_t len)
{
	uint64_t flags = spin_lock_irqsave(&console_lock);

	emit_locked(s, len, true);
	spin_unlock_irqrestore(&console_lock, flags);
}

void printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = xl_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
}

static const char *const level_tag[] = {
	[LOG_ERROR] = "ERROR: ",
	[LOG_WARN] = "WARNING: ",
	[LOG_INFO] = "",
	[LOG_DEBUG] = "debug: ",
};

void xl_log(enum log_level level, const char *fmt, ...)
{
	char buf[600];
	size_t n;
	va_list ap;
	uint64_t flags, us = time_since_boot_us();

	n = (size_t)xl_snprintf(buf, sizeof(buf), "(XL) [%4u.%06u] %s", (unsigned)(us / 1000000),
				(unsigned)(us % 1000000), level_tag[level]);
	va_start(ap, fmt);
	n += (size_t)xl_vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	n = MIN(n, sizeof(buf) - 1);
	flags = spin_lock_irqsave(&console_lock);
	emit_locked(buf, n, level <= level_limit);
	spin_unlock_irqrestore(&console_lock, flags);
}

uint64_t log_ring_head(void)
{
	return ring_head;
}

size_t log_ring_read(uint64_t *pos, char *buf, size_t len)
{
	size_t n = 0;
	uint64_t flags = spin_lock_irqsave(&console_lock);

	if (ring_head - *pos > LOG_RING_SIZE)
		*pos = ring_head - LOG_RING_SIZE;
	while (n < len && *pos < ring_head) {
		buf[n++] = ring[*pos % LOG_RING_SIZE];
		(*pos)++;
	}
	spin_unlock_irqrestore(&console_lock, flags);
	return n;
}
