/*
 * Whether xl-lited runs: the pid in its pid file (XL_LITED_PID_FILE), if
 * that process is alive. Read by the daemon (one at a time) and by
 * `xl-lite console` (the log, or the console ring).
 */
#ifndef XL_LITED_PID_H
#define XL_LITED_PID_H

/* The live daemon's pid, or 0 (no file, no number in it, or no such process). */
long xl_lited_pid(void);

#endif
