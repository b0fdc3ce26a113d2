/* errstr(): negative errno -> short description. */
#include <xen-lite/errno.h>
#include <xen-lite/errstr.h>

const char *errstr(int err)
{
	switch (-err) {
	case 0: return "success";
	case EPERM: return "not permitted";
	case ENOENT: return "not found";
	case EIO: return "I/O error";
	case ENXIO: return "no such device or address";
	case E2BIG: return "too large";
	case ENOEXEC: return "not a valid executable";
	case EAGAIN: return "try again";
	case ENOMEM: return "not enough memory";
	case EFAULT: return "bad address";
	case EBUSY: return "busy";
	case EEXIST: return "already exists";
	case EXDEV: return "cross-device";
	case ENODEV: return "no such device";
	case EINVAL: return "invalid argument";
	case ENOSPC: return "no space left (too many pieces)";
	case ERANGE: return "out of range";
	case ENOSYS: return "not implemented";
	case EPROTO: return "protocol mismatch";
	case EOVERFLOW: return "overflow";
	case EOPNOTSUPP: return "not supported";
	case ENOTCONN: return "not connected";
	case ETIMEDOUT: return "timed out";
	default: return "unknown error";
	}
}
