/*
 * xen-lite.cfg parser (see efi_config.h and Documentation/efi-boot.md).
 *
 * The file is untrusted text from the ESP: every length is bounded, the
 * first problem stops parsing with a message naming the line, and nothing is
 * silently ignored except comments and blank lines.
 */
#include "efi_config.h"

#include "efi_util.h"

struct line {
	const char *p;
	size_t len;
	unsigned int no;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int fail(struct efi_cfg_error *err, enum efi_cfg_err code, unsigned int line)
{
	err->code = code;
	err->line = line;
	return (int)code;
}

/* Start a message in err->msg; the caller appends to *m and then calls fail(). */
static void msg_start(struct efi_cfg_error *err, struct xl_msg *m, const char *text)
{
	xl_msg_init(m, err->msg, sizeof(err->msg));
	xl_msg_str(m, text);
}

static void trim(const char **p, size_t *len)
{
	while (*len && is_space(**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len && is_space((*p)[*len - 1]))
		(*len)--;
}

static bool key_is(const char *k, size_t klen, const char *name)
{
	size_t n = xl_strlen(name);

	if (n != klen)
		return false;
	for (size_t i = 0; i < n; i++)
		if (k[i] != name[i])
			return false;
	return true;
}

static void copy_str(char *dst, const char *src, size_t len)
{
	xl_memcpy(dst, src, len);
	dst[len] = '\0';
}

static int parse_module(struct line *ln, const char *v, size_t vlen, struct efi_config *cfg,
			struct efi_cfg_error *err)
{
	struct xl_msg m;
	struct efi_cfg_module *mod;
	size_t plen = 0;
	const char *args;
	size_t alen;

	if (cfg->module_count >= EFI_CFG_MAX_MODULES) {
		msg_start(err, &m, "too many modules (at most ");
		xl_msg_dec(&m, EFI_CFG_MAX_MODULES);
		xl_msg_str(&m, ")");
		return fail(err, EFI_CFG_E_TOO_MANY_MODULES, ln->no);
	}
	if (!vlen) {
		msg_start(err, &m, "'module' needs a file name: module = PATH [command line]");
		return fail(err, EFI_CFG_E_MODULE_NO_PATH, ln->no);
	}
	while (plen < vlen && !is_space(v[plen]))
		plen++;
	for (size_t i = 0; i < plen; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c >= 0x7f) {
			msg_start(err, &m, "module path '");
			xl_msg_strn(&m, v, plen < 64 ? plen : 64);
			xl_msg_str(&m, "' has a non-ASCII character (only printable ASCII is supported)");
			return fail(err, EFI_CFG_E_PATH_BAD_CHAR, ln->no);
		}
	}
	if (plen >= EFI_CFG_PATH_MAX) {
		msg_start(err, &m, "module path is ");
		xl_msg_dec(&m, plen);
		xl_msg_str(&m, " characters long (at most ");
		xl_msg_dec(&m, EFI_CFG_PATH_MAX - 1);
		xl_msg_str(&m, ")");
		return fail(err, EFI_CFG_E_PATH_TOO_LONG, ln->no);
	}
	args = v + plen;
	alen = vlen - plen;
	trim(&args, &alen);
	if (alen >= EFI_CFG_MODULE_CMDLINE_MAX) {
		msg_start(err, &m, "module command line is ");
		xl_msg_dec(&m, alen);
		xl_msg_str(&m, " characters long (at most ");
		xl_msg_dec(&m, EFI_CFG_MODULE_CMDLINE_MAX - 1);
		xl_msg_str(&m, ")");
		return fail(err, EFI_CFG_E_MODULE_CMDLINE_TOO_LONG, ln->no);
	}
	mod = &cfg->modules[cfg->module_count++];
	copy_str(mod->path, v, plen);
	copy_str(mod->cmdline, args, alen);
	mod->line = ln->no;
	return 0;
}

static int parse_line(struct line *ln, struct efi_config *cfg, struct efi_cfg_error *err)
{
	struct xl_msg m;
	const char *p = ln->p;
	size_t len = ln->len;
	const char *key, *v;
	size_t klen = 0, vlen;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\0') {
			msg_start(err, &m, "NUL byte in the file (not a text file?)");
			return fail(err, EFI_CFG_E_NUL, ln->no);
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			msg_start(err, &m, "control character ");
			xl_msg_hex(&m, c);
			xl_msg_str(&m, " in column ");
			xl_msg_dec(&m, i + 1);
			return fail(err, EFI_CFG_E_CONTROL_CHAR, ln->no);
		}
	}
	if (len > EFI_CFG_LINE_MAX) {
		msg_start(err, &m, "line is longer than ");
		xl_msg_dec(&m, EFI_CFG_LINE_MAX);
		xl_msg_str(&m, " characters");
		return fail(err, EFI_CFG_E_LINE_TOO_LONG, ln->no);
	}

	trim(&p, &len);
	if (!len || p[0] == '#')
		return 0;

	key = p;
	while (klen < len && !is_space(key[klen]) && key[klen] != '=')
		klen++;
	v = key + klen;
	vlen = len - klen;
	trim(&v, &vlen);
	if (!klen) {
		msg_start(err, &m, "missing key before '=' (expected 'cmdline = ...' or 'module = ...')");
		return fail(err, EFI_CFG_E_NO_KEY, ln->no);
	}
	if (!vlen || v[0] != '=') {
		msg_start(err, &m, "expected 'key = value', found no '=' after '");
		xl_msg_strn(&m, key, klen < 40 ? klen : 40);
		xl_msg_str(&m, "'");
		return fail(err, EFI_CFG_E_NO_EQUALS, ln->no);
	}
	v++;
	vlen--;
	trim(&v, &vlen);

	if (key_is(key, klen, "cmdline")) {
		if (cfg->have_cmdline) {
			msg_start(err, &m, "duplicate 'cmdline' (already set on line ");
			xl_msg_dec(&m, cfg->cmdline_line);
			xl_msg_str(&m, "; put all options on one line)");
			return fail(err, EFI_CFG_E_DUP_CMDLINE, ln->no);
		}
		if (vlen >= EFI_CFG_CMDLINE_MAX) {
			msg_start(err, &m, "command line is ");
			xl_msg_dec(&m, vlen);
			xl_msg_str(&m, " characters long (at most ");
			xl_msg_dec(&m, EFI_CFG_CMDLINE_MAX - 1);
			xl_msg_str(&m, ")");
			return fail(err, EFI_CFG_E_CMDLINE_TOO_LONG, ln->no);
		}
		copy_str(cfg->cmdline, v, vlen);
		cfg->have_cmdline = true;
		cfg->cmdline_line = ln->no;
		return 0;
	}
	if (key_is(key, klen, "module"))
		return parse_module(ln, v, vlen, cfg, err);

	msg_start(err, &m, "unknown key '");
	xl_msg_strn(&m, key, klen < 40 ? klen : 40);
	xl_msg_str(&m, "' (known keys: cmdline, module)");
	return fail(err, EFI_CFG_E_UNKNOWN_KEY, ln->no);
}

int efi_config_parse(const char *text, size_t len, struct efi_config *cfg, struct efi_cfg_error *err)
{
	struct line ln = { 0 };
	size_t pos = 0;

	xl_memzero(cfg, sizeof(*cfg));
	xl_memzero(err, sizeof(*err));

	if (len > EFI_CFG_FILE_MAX) {
		struct xl_msg m;

		msg_start(err, &m, "file is ");
		xl_msg_dec(&m, len);
		xl_msg_str(&m, " bytes (at most ");
		xl_msg_dec(&m, EFI_CFG_FILE_MAX);
		xl_msg_str(&m, ")");
		return fail(err, EFI_CFG_E_TOO_LARGE, 0);
	}
	if (len >= 3 && (unsigned char)text[0] == 0xef && (unsigned char)text[1] == 0xbb &&
	    (unsigned char)text[2] == 0xbf)
		pos = 3;

	while (pos < len) {
		size_t end = pos;
		int rc;

		while (end < len && text[end] != '\n' && text[end] != '\r')
			end++;
		ln.p = text + pos;
		ln.len = end - pos;
		ln.no++;
		rc = parse_line(&ln, cfg, err);
		if (rc)
			return rc;
		if (end < len && text[end] == '\r' && end + 1 < len && text[end + 1] == '\n')
			end++;
		pos = end + 1;
	}
	return 0;
}

static bool is_sep(uint16_t c)
{
	return c == '\\' || c == '/';
}

int efi_cfg_make_path(const uint16_t *dir, const char *path, uint16_t *out, size_t out_len)
{
	size_t n = 0;
	bool last_sep = false;

	if (!out_len)
		return -1;

/* Append one character, collapsing separators. */
#define PUT(ch)                                                  \
	do {                                                     \
		uint16_t c_ = (ch);                              \
		if (is_sep(c_)) {                                \
			if (last_sep)                            \
				break;                           \
			c_ = '\\';                               \
			last_sep = true;                         \
		} else {                                         \
			last_sep = false;                        \
		}                                                \
		if (n + 1 >= out_len)                            \
			return -1;                               \
		out[n++] = c_;                                   \
	} while (0)

	PUT('\\');
	if (!is_sep((unsigned char)path[0]) && dir) {
		for (size_t i = 0; dir[i]; i++) {
			if (dir[i] < 0x20 || dir[i] == 0x7f)
				return -1;
			PUT(dir[i]);
		}
		PUT('\\');
	}
	for (size_t i = 0; path[i]; i++) {
		unsigned char c = (unsigned char)path[i];

		if (c < 0x20 || c >= 0x7f)
			return -1;
		PUT(c);
	}
#undef PUT
	out[n] = 0;
	return 0;
}

void efi_cfg_dirname(uint16_t *path)
{
	size_t n = 0, last = 0;
	bool have_sep = false;

	for (; path[n]; n++) {
		if (is_sep(path[n])) {
			path[n] = '\\';
			last = n;
			have_sep = true;
		}
	}
	if (!have_sep) {
		path[0] = 0; /* a bare file name: it is in the root */
		return;
	}
	path[last] = 0;
	/* drop trailing separators ("\EFI\\BOOT\\x" -> "\EFI\\BOOT" -> "\EFI\BOOT") */
	while (last && path[last - 1] == '\\')
		path[--last] = 0;
}
