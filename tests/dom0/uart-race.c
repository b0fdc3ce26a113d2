/*
 * Two threads of dom0 write its serial port's transmit register at once
 * (root may: ioperm), as two CPUs of a busy dom0 can. Every byte exits to
 * the hypervisor's virtual 16550 (arch/x86_64/dom0/dom0_console.c), whose
 * state all of dom0's vCPUs share. Prints "uart-race: N bytes from 2
 * threads" and exits 0, or says what failed.
 *
 *   uart-race [SECONDS]   (default 5)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <time.h>
#include <unistd.h>

#define COM1 0x3f8

static volatile int stop;
static unsigned long written[2];

static void *writer(void *arg)
{
	unsigned long *count = arg;
	/* printable, no newline: the hypervisor's line buffer fills up and is flushed at its end */
	unsigned char c = count == &written[0] ? 'a' : 'b';

	while (!stop) {
		outb(c, COM1);
		(*count)++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 5;
	pthread_t t[2];

	if (ioperm(COM1, 8, 1)) {
		perror("uart-race: ioperm");
		return 1;
	}
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, writer, &written[i])) {
			fprintf(stderr, "uart-race: cannot start a thread\n");
			return 1;
		}
	sleep(seconds);
	stop = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	outb('\n', COM1);
	printf("uart-race: %lu bytes from 2 threads\n", written[0] + written[1]);
	return 0;
}
