/* Whether xl-lited runs (xl-lited-pid.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "xl-lited-pid.h"
#include "xl-lited-rules.h"

long xl_lited_pid(void)
{
	char buf[32] = "";
	int fd = open(XL_LITED_PID_FILE, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	long pid = n > 0 ? strtol(buf, NULL, 10) : 0;

	if (fd >= 0)
		close(fd);
	/* EPERM: it exists, as another user's */
	if (pid <= 0 || (kill((pid_t)pid, 0) && errno != EPERM))
		return 0;
	return pid;
}
