/* What each kind of injection does to a value (see fi_apply.h). */
#include "fault_injector_abi.h"
#include "fi_apply.h"

uint8_t fi_flip_byte(uint8_t v, uint32_t bit)
{
	return (uint8_t)(v ^ (1u << (bit % 8)));
}

uint64_t fi_flip_bit(uint64_t v, uint32_t bit)
{
	return v ^ (1ull << (bit % 64));
}

uint64_t fi_hypercall_error(uint32_t err)
{
	return (uint64_t)-(int64_t)err;
}

bool fi_io_in(uint64_t info1, uint32_t *port, uint32_t *size)
{
	if (!(info1 & FI_IOIO_IN) || (info1 & (FI_IOIO_STRING | FI_IOIO_REP)))
		return false;
	if (info1 & FI_IOIO_SIZE8)
		*size = 1;
	else if (info1 & FI_IOIO_SIZE16)
		*size = 2;
	else if (info1 & FI_IOIO_SIZE32)
		*size = 4;
	else
		return false;
	*port = (uint32_t)(info1 >> FI_IOIO_PORT_SHIFT) & 0xffff;
	return true;
}

uint64_t fi_io_corrupt(uint64_t rax, uint32_t size, uint32_t mask, uint64_t *was, uint64_t *now)
{
	uint64_t width = size >= 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;

	*was = rax & width;
	*now = (*was ^ mask) & width;
	return (rax & ~width) | *now;
}

unsigned int fi_ipi_copies(uint32_t kind)
{
	return kind == XL_FI_IPI_DROP ? 0 : kind == XL_FI_IPI_DUP ? 2 : 1;
}
