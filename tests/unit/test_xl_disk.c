/*
 * Host tests for the disk key of guest configuration files
 * (dom0-tools/xl-cfg-disk.c, xl-cfg.c): every form, every refusal with its
 * line and column, and what create -n makes of it (the plan, the checks on
 * the targets and on xl-vblk).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../dom0-tools/xl-cfg.h"
#include "../../dom0-tools/xl-create-check.h"

/* a Linux guest's smallest file: the disk key is on line 5, its first string's text at column 11 */
#define LINUX "name=l\ntype=linux\nkernel=k\nmemory=64\n"

static struct xl_cfg cfg;
static char err[256];

static int parse(const char *text)
{
	err[0] = '\0';
	return xl_cfg_parse(text, &cfg, err, sizeof(err));
}

/* LINUX then disk = [ items ] */
static int parse_disks(const char *items)
{
	char text[1024];

	snprintf(text, sizeof(text), LINUX "disk = [ %s ]\n", items);
	return parse(text);
}

static void expect_disk(unsigned int i, const char *target, const char *vdev, bool ro)
{
	assert_true(i < cfg.nr_disk);
	assert_string_equal(cfg.disk[i].target, target);
	assert_string_equal(cfg.disk[i].vdev, vdev);
	assert_int_equal(cfg.disk[i].read_only, ro);
}

/* The positional form, TARGET[,VDEV[,ACCESS]], and the defaults. */
static void test_positional(void **state)
{
	assert_int_equal(parse(LINUX), 0);
	assert_int_equal(cfg.nr_disk, 0); /* without the key, none */
	assert_int_equal(parse_disks("\"/srv/img,xvda,rw\""), 0);
	assert_int_equal(cfg.nr_disk, 1);
	expect_disk(0, "/srv/img", "xvda", false);
	/* ro, r, w; hd, sd, vd; blanks after a comma and before one */
	assert_int_equal(parse_disks("\"/a,hdb,ro\", '/b, sdc , r', \"/c,vdd,w\", \"/d,xvdaa\""), 0);
	assert_int_equal(cfg.nr_disk, 4);
	expect_disk(0, "/a", "hdb", true);
	expect_disk(1, "/b", "sdc", true);
	expect_disk(2, "/c", "vdd", false);
	expect_disk(3, "/d", "xvdaa", false); /* access: rw by default */
	/* no VDEV: the first xvdX no disk names, whatever its place in the list */
	assert_int_equal(parse_disks("\"/a\", \"/b,xvda\", \"/c\""), 0);
	expect_disk(0, "/a", "xvdb", false);
	expect_disk(1, "/b", "xvda", false);
	expect_disk(2, "/c", "xvdc", false);
	/* a path with blanks, a relative one; a list across lines with a comment */
	assert_int_equal(parse(LINUX "disk = [ \"/srv/my disk.img,xvda\",   # the root\n"
				     "         \"images/data.img,xvdb,ro\", ]\n"), 0);
	expect_disk(0, "/srv/my disk.img", "xvda", false);
	expect_disk(1, "images/data.img", "xvdb", true);
}

/* The key=value form: target= last, with commas; mixed with positional fields. */
static void test_key_value(void **state)
{
	assert_int_equal(parse_disks("\"vdev=xvdb,access=ro,target=/srv/a,b.img\""), 0);
	expect_disk(0, "/srv/a,b.img", "xvdb", true);
	/* xl's own example's spacing, format=raw accepted */
	assert_int_equal(parse_disks("'format=raw, vdev=hdc, access=w, target=/root/image.iso'"), 0);
	expect_disk(0, "/root/image.iso", "hdc", false);
	/* target= alone; a target's '=' and blanks kept as they are */
	assert_int_equal(parse_disks("\"target=/srv/x=y.img\""), 0);
	expect_disk(0, "/srv/x=y.img", "xvda", false);
	/* mixed: positional fields are TARGET, VDEV, ACCESS in turn */
	assert_int_equal(parse_disks("\"/srv/img,access=ro,xvdc\""), 0);
	expect_disk(0, "/srv/img", "xvdc", true);
	assert_int_equal(parse_disks("\"access=r,vdev=sda,target=/x\", \"/y,sdb\""), 0);
	expect_disk(0, "/x", "sda", true);
	expect_disk(1, "/y", "sdb", false);
	/* the same target twice, read-only both times */
	assert_int_equal(parse_disks("\"/x,xvda,ro\", \"/x,xvdb,ro\""), 0);
	assert_int_equal(cfg.nr_disk, 2);
	/* a command-line setting replaces the file's list */
	{
		static const char *const set[] = { "disk=[\"/other,xvdb\"]" };

		assert_int_equal(xl_cfg_parse_with(LINUX "disk=[\"/x\",\"/y\"]\n", set, 1, &cfg, err, sizeof(err)), 0);
		assert_int_equal(cfg.nr_disk, 1);
		expect_disk(0, "/other", "xvdb", false);
	}
}

/* Every refusal, with the line and column of the field at fault. */
static void test_errors(void **state)
{
	static const struct {
		const char *items, *err;
	} bad[] = {
		{ "", "line 5: disk must be a list of \"TARGET[,VDEV[,ACCESS]]\" strings" },
		{ "/x", "line 5, column 10: disk has an item that is not quoted: each is \"TARGET[,VDEV[,ACCESS]]\"" },
		{ "\"\"", "line 5, column 11: disk has an empty field (each disk is TARGET[,VDEV[,ACCESS]] or "
			  "vdev=VDEV,access=ACCESS,target=TARGET)" },
		{ "\"/x,,ro\"", "line 5, column 14: disk has an empty field" },
		{ "\"/x,xvda,\"", "line 5, column 19: disk has an empty field" },
		{ "\"/x,xvda,rw,xvdb\"", "line 5, column 22: disk has more than 3 positional fields" },
		{ "\"vdev=xvda\"", "line 5, column 11: disk has a disk without a target (each is TARGET[,VDEV[,ACCESS]] "
			       "or vdev=VDEV,access=ACCESS,target=TARGET)" },
		{ "\"vdev=xvda,target=\"", "line 5, column 28: disk has an empty target" },
		{ "\"/x,vdev=\"", "line 5, column 19: disk has an empty vdev" },
		{ "\"/x,xvda1\"", "line 5, column 14: disk vdev 'xvda1' names a partition: a disk is given whole (xvda, "
			      "not xvda1)" },
		{ "\"/x,xvdq2\"", "line 5, column 14: disk vdev 'xvdq2' names a partition" },
		{ "\"/x,nvme0n1\"", "line 5, column 14: disk vdev 'nvme0n1' must be xvdX, hdX, sdX or vdX (X: a to z, "
				"or up to three letters: xvdaa)" },
		{ "\"/x,xvd\"", "line 5, column 14: disk vdev 'xvd' must be xvdX" },
		{ "\"/x,xvdabcd\"", "line 5, column 14: disk vdev 'xvdabcd' must be xvdX" },
		{ "\"/x,XVDA\"", "line 5, column 14: disk vdev 'XVDA' must be xvdX" },
		{ "\"/x,d0p0\"", "line 5, column 14: disk vdev 'd0p0' must be xvdX" },
		{ "\"/x,xvda,rx\"", "line 5, column 19: disk access 'rx' must be rw, ro, w or r" },
		{ "\"/x,access=readonly\"", "line 5, column 21: disk access 'readonly' must be rw, ro, w or r" },
		{ "\"/x,vdev=xvda,xvdb\"", "line 5, column 24: disk gives vdev twice for one disk" },
		{ "\"/x,target=/y\"", "line 5, column 14: disk gives target twice for one disk" },
		{ "\"access=ro,access=rw,target=/x\"", "line 5, column 21: disk gives access twice for one disk" },
		{ "\"colour=red,target=/x\"", "line 5, column 11: disk has an unknown field 'colour' (vdev, access, "
					  "format or target, the last)" },
		/* xl's options */
		{ "\"devtype=cdrom,vdev=hdc,target=/x.iso\"",
		  "line 5, column 11: disk has devtype=cdrom, xl's, which xen-lite does not support (a disk is a raw "
		  "file or block device of dom0's, served by xl-vblk)" },
		{ "\"format=qcow2,target=/x\"",
		  "line 5, column 18: disk has format=qcow2, which xen-lite does not support: only format=raw" },
		{ "\"vdev=xvda,backendtype=qdisk,target=/x\"", "line 5, column 21: disk has backendtype=qdisk, xl's" },
		{ "\"/x,xvda,rw,script=block-iscsi\"", "line 5, column 22: disk has script=block-iscsi, xl's" },
		{ "\"backend=d1,target=/x\"", "line 5, column 11: disk has backend=d1, xl's" },
		{ "\"/x.iso,hdc,ro,cdrom\"", "line 5, column 25: disk has cdrom, xl's" },
		{ "\"/x,xvda,discard\"", "line 5, column 19: disk has discard, xl's" },
		{ "\"phy:/dev/sdb,xvda,w\"", "line 5, column 11: disk target 'phy:/dev/sdb' has xl's deprecated prefix "
					  "'phy:', which xen-lite does not take: give the path alone" },
		{ "\"vdev=xvda,target=file:/x\"", "line 5, column 28: disk target 'file:/x' has xl's deprecated prefix" },
		/* one disk against another: the item's column */
		{ "\"/x,xvda\", \"/y,xvda\"", "line 5, column 22: disk names xvda twice" },
		{ "\"/x,xvda\", \"/x,xvdb,ro\"", "line 5, column 22: disk gives /x twice, not read-only: two back-ends "
					      "would write it" },
		{ "\"/a\", \"/b\", \"/c\", \"/d\",\n  \"/e\"", "line 6, column 4: disk names more than 4 disks (a guest "
							  "has at most 4 virtio devices)" },
		{ "\"/a\",\n   \"/b,xvda,rx\"", "line 6, column 13: disk access 'rx' must be rw, ro, w or r" },
	};
	char text[1024];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), LINUX "disk = [ %s ]\n", bad[i].items);
		assert_int_equal(parse(text), -1);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)))
			fail_msg("%s: got '%s', want '%s'", bad[i].items, err, bad[i].err);
	}
	/* a target longer than a path may be */
	{
		char item[400];

		memset(item, 'a', sizeof(item));
		item[0] = '"';
		item[1] = '/';
		snprintf(item + 300, sizeof(item) - 300, "\"");
		assert_int_equal(parse_disks(item), -1);
		assert_string_equal(err, "line 5, column 11: disk target must be a path of at most 255 characters");
	}
	/* not a list */
	assert_int_equal(parse(LINUX "disk = \"/x,xvda\"\n"), -1);
	assert_string_equal(err, "line 5: disk must be a list of \"TARGET[,VDEV[,ACCESS]]\" strings");
	/* twice in the file */
	assert_int_equal(parse(LINUX "disk = [\"/x\"]\ndisk = [\"/y\"]\n"), -1);
	assert_string_equal(err, "line 6: disk given twice (first on line 5)");
	/* from the command line: the setting and the column in it */
	{
		static const char *const set[] = { "disk=[\"/x,xvda,rx\"]" };

		assert_int_equal(xl_cfg_parse_with(LINUX, set, 1, &cfg, err, sizeof(err)), -1);
		assert_string_equal(err, "setting 'disk=[\"/x,xvda,rx\"]', column 16: disk access 'rx' must be rw, ro, "
					 "w or r");
	}
}

/* Linux guests only, whatever the order of the keys. */
static void test_linux_only(void **state)
{
	static const char *const set[] = { "type=elf" };

	assert_int_equal(parse("name=a\nkernel=k\nmemory=64\ndisk = [ \"/x\" ]\n"), -1);
	assert_string_equal(err, "line 4: disk needs type = \"linux\" (a disk is a virtio PCI device, which only "
				 "a Linux guest finds and drives)");
	assert_int_equal(parse("disk = [ \"/x\" ]\nname=a\nkernel=k\nmemory=64\ntype=linux\n"), 0);
	assert_int_equal(xl_cfg_parse_with(LINUX "disk=[\"/x\"]\n", set, 1, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "line 5: disk needs type = \"linux\" (a disk is a virtio PCI device, which only "
				 "a Linux guest finds and drives)");
}

/* create -n: the disks in the plan, after the segments. */
static void test_plan(void **state)
{
	char out[2048];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	assert_int_equal(parse_disks("\"/srv/img,xvda,rw\", \"vdev=xvdb,access=ro,target=/srv/b\""), 0);
	xl_print_create_plan(f, &cfg, 10, 0);
	fclose(f);
	assert_non_null(strstr(out, "shm:          none\n"
				    "disk:         /srv/img as xvda, read-write\n"
				    "disk:         /srv/b as xvdb, read-only\n"));
	f = fmemopen(out, sizeof(out), "w");
	assert_int_equal(parse(LINUX), 0);
	xl_print_create_plan(f, &cfg, 10, 0);
	fclose(f);
	assert_non_null(strstr(out, "shm:          none\ndisk:         none\n"));
}

/* create -n: each target is there, a file or a block device, of a sector at least, usable; xl-vblk found. */
static void test_dry_run_checks(void **state)
{
	char dir[] = "/tmp/test_xl_disk.XXXXXX", good[64], small[64], text[512], msgs[2048];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(good, sizeof(good), "%s/good.img", dir);
	snprintf(small, sizeof(small), "%s/small.img", dir);
	f = fopen(good, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), 1 << 20), 0);
	fclose(f);
	f = fopen(small, "w");
	assert_non_null(f);
	fputs("tiny", f);
	fclose(f);

	snprintf(text, sizeof(text), LINUX "disk = [ \"%s,xvda\", \"%s,xvdb,ro\" ]\n", good, good);
	assert_int_equal(parse(text), -1); /* the same file twice, one read-write */
	snprintf(text, sizeof(text), LINUX "disk = [ \"%s,xvda,ro\", \"%s,xvdb,ro\" ]\n", good, good);
	assert_int_equal(parse(text), 0);
	f = fmemopen(msgs, sizeof(msgs), "w");
	assert_int_equal(xl_create_check_disks(f, "g.cfg", &cfg, "/usr/lib/xen-lite/xl-vblk"), 0);
	fclose(f);

	snprintf(text, sizeof(text), LINUX "disk = [ \"%s\", \"%s/none.img,xvdc\", \"%s,xvdd,ro\", \"%s,xvde\" ]\n",
		 good, dir, small, dir);
	assert_int_equal(parse(text), 0);
	f = fmemopen(msgs, sizeof(msgs), "w");
	assert_int_equal(xl_create_check_disks(f, "g.cfg", &cfg, NULL), 4);
	fclose(f);
	snprintf(text, sizeof(text),
		 "xl-lite: g.cfg: disk xvdc: %s/none.img: No such file or directory\n"
		 "xl-lite: g.cfg: disk xvdd: %s: smaller than a sector (512 bytes)\n"
		 "xl-lite: g.cfg: disk xvde: %s: neither a file nor a block device\n"
		 "xl-lite: g.cfg: disk: no xl-vblk (the disks' back-end) next to xl-lite nor in PATH\n",
		 dir, small, dir);
	assert_string_equal(msgs, text);
	/* without write permission (root may write anyway: then nothing to see) */
	assert_int_equal(chmod(good, 0444), 0);
	if (access(good, W_OK)) {
		snprintf(text, sizeof(text), LINUX "disk = [ \"%s,xvda,rw\" ]\n", good);
		assert_int_equal(parse(text), 0);
		f = fmemopen(msgs, sizeof(msgs), "w");
		assert_int_equal(xl_create_check_disks(f, "g.cfg", &cfg, "/bin/xl-vblk"), 1);
		fclose(f);
		assert_non_null(strstr(msgs, "good.img: cannot be read and written (access=ro for a read-only disk)\n"));
	}
	unlink(good);
	unlink(small);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positional),
		cmocka_unit_test(test_key_value),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_linux_only),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_dry_run_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
