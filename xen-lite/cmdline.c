/* Command-line tokenizer and typed parameter parsing (see include/xen-lite/cmdline.h). */
#include <xen-lite/cmdline.h>
#include <xen-lite/ctype.h>
#include <xen-lite/errno.h>
#include <xen-lite/log.h>
#include <xen-lite/string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int suffix_shift(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	case 't': case 'T': return 40;
	default: return -1;
	}
}

int parse_uint(const char *s, bool allow_suffix, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	int d, shift;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (hex_digit_value(*s) < 0 || (unsigned int)hex_digit_value(*s) >= base)
		return -EINVAL;
	for (; (d = hex_digit_value(*s)) >= 0 && (unsigned int)d < base; s++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -ERANGE;
		v = v * base + (uint64_t)d;
	}
	if (*s && allow_suffix && (shift = suffix_shift(*s)) >= 0) {
		if (v > (UINT64_MAX >> shift))
			return -ERANGE;
		v <<= shift;
		s++;
	}
	if (*s)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "on", "yes", "true", "enable" };
	static const char *const no[] = { "0", "off", "no", "false", "disable" };

	for (unsigned int i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_enum(const char *s, const char *const *choices, unsigned int *out)
{
	for (unsigned int i = 0; choices[i]; i++) {
		if (!strcmp(s, choices[i])) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

static const struct param_desc *find_param(const char *name, const struct param_desc *table,
					   unsigned int count)
{
	for (unsigned int i = 0; i < count; i++)
		if (!strcmp(name, table[i].name))
			return &table[i];
	return NULL;
}

static int set_string(const struct param_desc *p, const char *value)
{
	size_t len = strlen(value);

	if (len >= p->string_size)
		return -ERANGE;
	memcpy(p->value, value, len + 1);
	return 0;
}

static int set_number(const struct param_desc *p, const char *value)
{
	uint64_t v;
	int err = parse_uint(value, p->type == PARAM_SIZE, &v);

	if (err)
		return err;
	if (v < p->min || v > p->max)
		return -ERANGE;
	*(uint64_t *)p->value = v;
	return 0;
}

/* value is NULL for a bare "name". */
static int apply_param(const struct param_desc *p, const char *value)
{
	switch (p->type) {
	case PARAM_BOOL:
		if (!value) {
			*(bool *)p->value = true;
			return 0;
		}
		return parse_bool(value, p->value);
	case PARAM_UINT:
	case PARAM_SIZE:
		return value ? set_number(p, value) : -EINVAL;
	case PARAM_STRING:
		return value ? set_string(p, value) : -EINVAL;
	case PARAM_ENUM:
		return value ? parse_enum(value, p->choices, p->value) : -EINVAL;
	}
	return -EINVAL;
}

static void report_bad_value(const struct param_desc *p, const char *value, int err)
{
	if (!value) {
		log_warn("cmdline: parameter '%s' needs a value, keeping its default\n", p->name);
	} else if (p->type == PARAM_ENUM) {
		char choices[128];
		size_t n = 0;

		choices[0] = '\0';
		for (unsigned int i = 0; p->choices[i] && n + 1 < sizeof(choices); i++) {
			size_t len = strlen(p->choices[i]);

			if (n + len + 2 >= sizeof(choices))
				break;
			if (n)
				choices[n++] = '|';
			memcpy(choices + n, p->choices[i], len + 1);
			n += len;
		}
		log_warn("cmdline: bad value '%s' for '%s' (expected %s), keeping its default\n", value,
			 p->name, choices);
	} else if (err == -ERANGE && (p->type == PARAM_UINT || p->type == PARAM_SIZE)) {
		log_warn("cmdline: value '%s' for '%s' out of range [%llu, %llu], keeping its default\n",
			 value, p->name, (unsigned long long)p->min, (unsigned long long)p->max);
	} else if (err == -ERANGE) {
		log_warn("cmdline: value for '%s' is too long (max %zu characters), keeping its default\n",
			 p->name, p->string_size - 1);
	} else {
		log_warn("cmdline: bad value '%s' for '%s', keeping its default\n", value, p->name);
	}
}

/*
 * Copy the next token (a run of non-space characters; double quotes group
 * spaces and are removed) into tok. Returns the position after it, or NULL
 * at the end. *overlong is set when the token did not fit.
 */
static const char *next_token(const char *s, char *tok, size_t size, bool *overlong)
{
	size_t n = 0;
	bool quoted = false;

	while (is_space(*s))
		s++;
	if (!*s)
		return NULL;
	*overlong = false;
	for (; *s && (quoted || !is_space(*s)); s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (n + 1 < size)
			tok[n++] = *s;
		else
			*overlong = true;
	}
	tok[n] = '\0';
	return s;
}

static int parse_one(char *tok, const struct param_desc *table, unsigned int count)
{
	char *eq = strchr(tok, '=');
	const char *value = NULL;
	const struct param_desc *p;
	char canonical[CMDLINE_MAX_TOKEN];
	int err;

	if (eq) {
		*eq = '\0';
		value = eq + 1;
	}
	if (!tok[0]) {
		log_warn("cmdline: '=%s' has no parameter name, ignored\n", value ? value : "");
		return 1;
	}
	p = find_param(tok, table, count);
	if (!p) {
		log_warn("cmdline: unknown parameter '%s' ignored\n", tok);
		return 1;
	}
	err = value && p->alias ? p->alias(value, canonical, sizeof(canonical)) : 0;
	if (err < 0)
		return 1; /* refused, and said why */
	if (err > 0) {
		log_info("cmdline: %s=%s read as %s=%s\n", tok, value, tok, canonical);
		value = canonical;
	}
	err = apply_param(p, value);
	if (err) {
		report_bad_value(p, value, err);
		return 1;
	}
	return 0;
}

int cmdline_parse(const char *cmdline, const struct param_desc *table, unsigned int count)
{
	char tok[CMDLINE_MAX_TOKEN];
	bool overlong;
	int problems = 0;

	if (!cmdline)
		return 0;
	while ((cmdline = next_token(cmdline, tok, sizeof(tok), &overlong))) {
		if (overlong) {
			log_warn("cmdline: parameter '%.32s...' is longer than %d characters, ignored\n", tok,
				 CMDLINE_MAX_TOKEN - 1);
			problems++;
			continue;
		}
		problems += parse_one(tok, table, count);
	}
	return problems;
}
