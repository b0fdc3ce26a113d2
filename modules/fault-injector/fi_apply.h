/*
 * What each kind of injection does to the value it hits: pure functions
 * over bytes, registers and an IN's result, so that the host unit tests
 * check them on plain values.
 */
#ifndef FI_APPLY_H
#define FI_APPLY_H

#include <xen-lite/types.h>

/* SVM's IOIO exit information (EXITINFO1; AMD APM vol. 2, "IOIO Intercepts") */
#define FI_IOIO_IN (1u << 0)
#define FI_IOIO_STRING (1u << 2)
#define FI_IOIO_REP (1u << 3)
#define FI_IOIO_SIZE8 (1u << 4)
#define FI_IOIO_SIZE16 (1u << 5)
#define FI_IOIO_SIZE32 (1u << 6)
#define FI_IOIO_PORT_SHIFT 16

/* VMMCALL (0F 01 D9): what a hypercall made to fail is stepped over by */
#define FI_VMMCALL_LEN 3

/* v with bit `bit` (taken modulo the width) flipped. */
uint8_t fi_flip_byte(uint8_t v, uint32_t bit);
uint64_t fi_flip_bit(uint64_t v, uint32_t bit);

/* What a failed hypercall returns in RAX: -err. */
uint64_t fi_hypercall_error(uint32_t err);

/* An IN (not string I/O) from its exit information: true with its port and size (1, 2 or 4 bytes). */
bool fi_io_in(uint64_t info1, uint32_t *port, uint32_t *size);

/*
 * RAX once an IN of size bytes that left rax has its value XORed with mask
 * (the bits beyond the access are not touched); *was and *now are the
 * value read and the one given, size bytes wide.
 */
uint64_t fi_io_corrupt(uint64_t rax, uint32_t size, uint32_t mask, uint64_t *was, uint64_t *now);

/* How many times an IPI hit by kind is sent: 0 (IPI_DROP), 2 (IPI_DUP), else 1. */
unsigned int fi_ipi_copies(uint32_t kind);

#endif
