/* Character classes for the parsers of text from outside (the command line, digests dom0 names). */
#ifndef XEN_LITE_CTYPE_H
#define XEN_LITE_CTYPE_H

/* The value of a hex digit, either case (a decimal digit is one too), or -1. */
static inline int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
