/* A small vsnprintf: enough for the hypervisor's log and dumps, always NUL-terminated. */
#include <xen-lite/format.h>
#include <xen-lite/types.h>

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padding(struct out *o, int n, char c)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, upper, alt;
	int width, precision;
	unsigned int base;
};

static void put_number(struct out *o, uint64_t v, bool negative, const struct spec *s)
{
	const char *digits = s->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, pad;

	do {
		tmp[n++] = digits[v % s->base];
		v /= s->base;
	} while (v);
	bool prefix = s->alt && s->base == 16;

	pad = s->width - n - (negative ? 1 : 0) - (prefix ? 2 : 0);
	if (!s->left && !s->zero)
		put_padding(o, pad, ' ');
	if (negative)
		put(o, '-');
	if (prefix) {
		put(o, '0');
		put(o, s->upper ? 'X' : 'x');
	}
	if (!s->left && s->zero)
		put_padding(o, pad, '0');
	while (n)
		put(o, tmp[--n]);
	if (s->left)
		put_padding(o, pad, ' ');
}

static void put_string(struct out *o, const char *str, const struct spec *s)
{
	int n = 0;

	if (!str)
		str = "(null)";
	while (str[n] && (s->precision < 0 || n < s->precision))
		n++;
	if (!s->left)
		put_padding(o, s->width - n, ' ');
	for (int i = 0; i < n; i++)
		put(o, str[i]);
	if (s->left)
		put_padding(o, s->width - n, ' ');
}

static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
	*s = (struct spec){ .precision = -1, .base = 10 };
	for (;; f++) {
		if (*f == '-')
			s->left = true;
		else if (*f == '#')
			s->alt = true;
		else if (*f == '0')
			s->zero = true;
		else
			break;
	}
	if (*f == '*') {
		s->width = va_arg(*ap, int);
		if (s->width < 0) { /* as in C: a negative width means left-justified */
			s->left = true;
			s->width = -s->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		s->width = s->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		s->precision = 0;
		if (*f == '*') {
			s->precision = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			s->precision = s->precision * 10 + (*f++ - '0');
	}
	return f;
}

int xl_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list args;

	va_copy(args, ap);
	for (const char *f = fmt; *f; f++) {
		struct spec s;
		int longs = 0;
		bool size_t_arg = false;
		uint64_t v;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &s, &args);
		while (*f == 'l' || *f == 'h' || *f == 'z') {
			if (*f == 'l')
				longs++;
			if (*f == 'z')
				size_t_arg = true;
			f++;
		}
		switch (*f) {
		case 'd':
		case 'i': {
			int64_t sv = (longs || size_t_arg) ? va_arg(args, int64_t) : va_arg(args, int);

			put_number(&o, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, sv < 0, &s);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			s.base = *f == 'u' ? 10 : 16;
			s.upper = *f == 'X';
			v = (longs || size_t_arg) ? va_arg(args, uint64_t) : va_arg(args, unsigned int);
			put_number(&o, v, false, &s);
			break;
		case 'p':
			s.alt = true; /* "0x", counted in the width like the digits */
			s.base = 16;
			put_number(&o, (uint64_t)(uintptr_t)va_arg(args, void *), false, &s);
			break;
		case 's':
			put_string(&o, va_arg(args, const char *), &s);
			break;
		case 'c':
			put(&o, (char)va_arg(args, int));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--;
			break;
		default:
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int xl_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = xl_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
