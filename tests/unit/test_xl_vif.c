/*
 * Host tests for the vif key of guest configuration files
 * (dom0-tools/xl-cfg-vif.c, xl-cfg.c): every form, every refusal with its
 * line and column, disks and interfaces counted together, and what create
 * -n makes of it (the plan, the checks on bridges, /dev/net/tun and
 * xl-vnet). The create path itself: test_xl_shm.c, with a stand-in xl-vnet.
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

/* a Linux guest's smallest file: the vif key is on line 5, its first string's text at column 10 */
#define LINUX "name=l\ntype=linux\nkernel=k\nmemory=64\n"

static struct xl_cfg cfg;
static char err[256];

static int parse(const char *text)
{
	err[0] = '\0';
	return xl_cfg_parse(text, &cfg, err, sizeof(err));
}

/* LINUX then vif = [ items ] */
static int parse_vifs(const char *items)
{
	char text[1024];

	snprintf(text, sizeof(text), LINUX "vif = [ %s ]\n", items);
	return parse(text);
}

/* interface i: mac ("" for the default), bridge, vifname */
static void expect_vif(unsigned int i, const char *mac, const char *bridge, const char *vifname)
{
	char text[XL_VIF_MAC_TEXT];

	assert_true(i < cfg.nr_vif);
	assert_int_equal(cfg.vif[i].have_mac, mac[0] != '\0');
	if (mac[0])
		assert_string_equal(xl_mac_text(cfg.vif[i].mac, text), mac);
	assert_string_equal(cfg.vif[i].bridge, bridge);
	assert_string_equal(cfg.vif[i].vifname, vifname);
}

/* Every option, the defaults, blanks, xl's own forms. */
static void test_forms(void **state)
{
	assert_int_equal(parse(LINUX), 0);
	assert_int_equal(cfg.nr_vif, 0); /* without the key, none */
	/* "" means every default */
	assert_int_equal(parse_vifs("\"\""), 0);
	assert_int_equal(cfg.nr_vif, 1);
	expect_vif(0, "", "", "");
	assert_int_equal(parse_vifs("'  '"), 0);
	expect_vif(0, "", "", "");
	assert_int_equal(parse_vifs("\"bridge=br0\""), 0);
	expect_vif(0, "", "br0", "");
	/* xl's 00:16:3e prefix, upper case read; every option, blanks after commas */
	assert_int_equal(parse_vifs("\"mac=00:16:3E:0a:Bc:ff, bridge=xenbr0,vifname=web0 ,type=vif,model=virtio\""), 0);
	expect_vif(0, "00:16:3e:0a:bc:ff", "xenbr0", "web0");
	assert_int_equal(parse_vifs("\"model=virtio-net\", \"vifname=a.b_c-9\", \"mac=02:00:00:00:00:01\", "
				    "\"bridge=my-bridge.10\""), 0);
	assert_int_equal(cfg.nr_vif, 4);
	expect_vif(0, "", "", "");
	expect_vif(1, "", "", "a.b_c-9");
	expect_vif(2, "02:00:00:00:00:01", "", "");
	expect_vif(3, "", "my-bridge.10", "");
	/* 15 characters: the most */
	assert_int_equal(parse_vifs("\"vifname=abcdefghijklmno,bridge=br_0123456789ab\""), 0);
	expect_vif(0, "", "br_0123456789ab", "abcdefghijklmno");
	/* two interfaces on one bridge; a list across lines with a comment */
	assert_int_equal(parse(LINUX "vif = [ \"bridge=br0\",   # the LAN\n"
				     "        \"bridge=br0,mac=00:16:3e:00:00:02\", ]\n"), 0);
	expect_vif(0, "", "br0", "");
	expect_vif(1, "00:16:3e:00:00:02", "br0", "");
	/* a command-line setting replaces the file's list */
	{
		static const char *const set[] = { "vif=[\"bridge=br1\"]" };

		assert_int_equal(xl_cfg_parse_with(LINUX "vif=[\"\",\"\"]\n", set, 1, &cfg, err, sizeof(err)), 0);
		assert_int_equal(cfg.nr_vif, 1);
		expect_vif(0, "", "br1", "");
	}
	/* with disks: 2 + 2 is the most */
	assert_int_equal(parse(LINUX "disk = [ \"/a\", \"/b\" ]\nvif = [ \"\", \"\" ]\n"), 0);
	assert_int_equal(cfg.nr_disk + cfg.nr_vif, 4);
}

/* Every refusal, with the line and column of the option at fault. */
static void test_errors(void **state)
{
	static const struct {
		const char *items, *err;
	} bad[] = {
		{ "", "line 5: vif must be a list of \"KEY=VALUE,...\" (mac, bridge, vifname, type, model) or \"\" "
		      "strings" },
		{ "bridge=br0", "line 5, column 9: vif has an item that is not quoted: each is \"KEY=VALUE,...\"" },
		{ "\"bridge=br0,\"", "line 5, column 21: vif has an empty option (each is KEY=VALUE: mac, bridge, "
				     "vifname, type or model)" },
		{ "\",bridge=br0\"", "line 5, column 10: vif has an empty option" },
		{ "\"bridge=br0,,mac=00:16:3e:00:00:01\"", "line 5, column 21: vif has an empty option" },
		{ "\"br0\"", "line 5, column 10: vif has 'br0', not KEY=VALUE (mac, bridge, vifname, type or model)" },
		{ "\"bridge=\"", "line 5, column 17: vif has an empty bridge" },
		{ "\"colour=red\"", "line 5, column 10: vif has an unknown option 'colour' (mac, bridge, vifname, type "
				    "or model)" },
		{ "\"bridge=a,bridge=b\"", "line 5, column 19: vif gives bridge twice for one interface" },
		/* mac */
		{ "\"mac=00:16:3e:xx:xx:xx\"", "line 5, column 14: vif mac '00:16:3e:xx:xx:xx' must be "
					   "XX:XX:XX:XX:XX:XX (6 bytes in hex)" },
		{ "\"mac=00:16:3e:01:02\"", "line 5, column 14: vif mac '00:16:3e:01:02' must be XX:XX" },
		{ "\"mac=00:16:3e:01:02:03:04\"", "line 5, column 14: vif mac '00:16:3e:01:02:03:04' must be XX:XX" },
		{ "\"mac=00-16-3e-01-02-03\"", "line 5, column 14: vif mac '00-16-3e-01-02-03' must be XX:XX" },
		{ "\"mac=0:16:3e:1:2:3\"", "line 5, column 14: vif mac '0:16:3e:1:2:3' must be XX:XX" },
		{ "\"mac=01:00:5e:00:00:01\"", "line 5, column 14: vif mac '01:00:5e:00:00:01' is a multicast address: "
					   "an interface's must be unicast (its first byte even)" },
		{ "\"mac=ff:ff:ff:ff:ff:ff\"", "line 5, column 14: vif mac 'ff:ff:ff:ff:ff:ff' is a multicast" },
		{ "\"mac=00:00:00:00:00:00\"", "line 5, column 14: vif mac '00:00:00:00:00:00' must not be all zeros" },
		/* names */
		{ "\"bridge=abcdefghijklmnop\"", "line 5, column 17: vif bridge 'abcdefghijklmnop' must be 1 to 15 "
					     "characters (a Linux interface name)" },
		{ "\"bridge=a/b\"", "line 5, column 17: vif bridge 'a/b' may not have '/', ':', blanks or characters "
				    "beyond ASCII" },
		{ "\"bridge=br:0\"", "line 5, column 17: vif bridge 'br:0' may not have" },
		{ "\"bridge=..\"", "line 5, column 17: vif bridge '..' is not an interface name" },
		{ "\"vifname=abcdefghijklmnop\"", "line 5, column 18: vif vifname 'abcdefghijklmnop' must be 1 to 15 "
					      "characters" },
		{ "\"vifname=web@0\"", "line 5, column 18: vif vifname 'web@0' may have only letters, digits, '.', '_' "
				       "and '-'" },
		{ "\"vifname=a b\"", "line 5, column 18: vif vifname 'a b' may have only letters" },
		{ "\"vifname=.\"", "line 5, column 18: vif vifname '.' is not an interface name" },
		/* type and model */
		{ "\"type=ioemu\"", "line 5, column 15: vif type 'ioemu' (a NIC QEMU emulates) is not supported: "
				    "xen-lite's interfaces are virtio-net (type=vif)" },
		{ "\"type=tap\"", "line 5, column 15: vif type 'tap' must be vif" },
		{ "\"model=e1000\"", "line 5, column 16: vif model 'e1000' is not supported: xen-lite's interfaces are "
				     "virtio-net (model=virtio)" },
		{ "\"bridge=br0,model=rtl8139\"", "line 5, column 27: vif model 'rtl8139' is not supported" },
		/* xl's options */
		{ "\"ip=10.0.0.2\"", "line 5, column 10: vif has ip, xl's, which xen-lite does not support (an "
				     "interface is a TAP device of dom0's, served by xl-vnet)" },
		{ "\"bridge=br0,script=vif-bridge\"", "line 5, column 21: vif has script, xl's" },
		{ "\"backend=d1\"", "line 5, column 10: vif has backend, xl's" },
		{ "\"rate=10Mb/s\"", "line 5, column 10: vif has rate, xl's" },
		{ "\"gatewaydev=eth0\"", "line 5, column 10: vif has gatewaydev, xl's" },
		{ "\"forwarddev=eth0\"", "line 5, column 10: vif has forwarddev, xl's" },
		{ "\"devid=2\"", "line 5, column 10: vif has devid, xl's" },
		{ "\"accel=x\"", "line 5, column 10: vif has accel, xl's" },
		{ "\"mtu=9000\"", "line 5, column 10: vif has mtu, xl's" },
		{ "\"bridge=br0,trusted\"", "line 5, column 21: vif has trusted, xl's" },
		{ "\"colo_sock_mirror_id=1\"", "line 5, column 10: vif has colo_sock_mirror_id, xl's" },
		/* one interface against another: the item's column */
		{ "\"mac=00:16:3e:00:00:01\", \"mac=00:16:3E:00:00:01\"", "line 5, column 35: vif gives mac "
									 "00:16:3e:00:00:01 twice" },
		{ "\"vifname=web0\", \"bridge=br0,vifname=web0\"", "line 5, column 26: vif gives vifname web0 twice" },
		{ "\"\", \"\", \"\", \"\",\n  \"\"", "line 6, column 4: vif names more than 4 interfaces (a guest has at "
						 "most 4 virtio devices)" },
		{ "\"\",\n   \"type=ioemu\"", "line 6, column 10: vif type 'ioemu'" },
	};
	char text[1024];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), LINUX "vif = [ %s ]\n", bad[i].items);
		assert_int_equal(parse(text), -1);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)))
			fail_msg("%s: got '%s', want '%s'", bad[i].items, err, bad[i].err);
	}
	/* not a list */
	assert_int_equal(parse(LINUX "vif = \"bridge=br0\"\n"), -1);
	assert_string_equal(err, "line 5: vif must be a list of \"KEY=VALUE,...\" (mac, bridge, vifname, type, model) "
				 "or \"\" strings");
	/* twice in the file */
	assert_int_equal(parse(LINUX "vif = [\"\"]\nvif = [\"\"]\n"), -1);
	assert_string_equal(err, "line 6: vif given twice (first on line 5)");
	/* from the command line: the setting and the column in it */
	{
		static const char *const set[] = { "vif=[\"model=e1000\"]" };

		assert_int_equal(xl_cfg_parse_with(LINUX, set, 1, &cfg, err, sizeof(err)), -1);
		assert_string_equal(err, "setting 'vif=[\"model=e1000\"]', column 13: vif model 'e1000' is not "
					 "supported: xen-lite's interfaces are virtio-net (model=virtio)");
	}
}

/* Disks and interfaces share the 4 virtio devices, whatever the keys' order: the first interface past them. */
static void test_device_limit(void **state)
{
	assert_int_equal(parse(LINUX "disk = [ \"/a\", \"/b\", \"/c\" ]\nvif = [ \"\",\n         \"bridge=br0\" ]\n"),
			 -1);
	assert_string_equal(err, "line 7, column 11: vif has 2 interfaces and disk 3 disks: a guest has at most 4 "
				 "virtio devices, disks and interfaces together");
	assert_int_equal(parse("vif = [ \"\" ]\n" LINUX "disk = [ \"/a\", \"/b\", \"/c\", \"/d\" ]\n"), -1);
	assert_string_equal(err, "line 1, column 10: vif has 1 interface and disk 4 disks: a guest has at most 4 "
				 "virtio devices, disks and interfaces together");
	/* a setting that adds a disk */
	{
		static const char *const set[] = { "disk=[\"/a\",\"/b\"]" };

		assert_int_equal(xl_cfg_parse_with(LINUX "vif = [ \"\", \"\", \"\" ]\n", set, 1, &cfg, err, sizeof(err)),
				 -1);
		assert_string_equal(err, "line 5, column 18: vif has 3 interfaces and disk 2 disks: a guest has at most "
					 "4 virtio devices, disks and interfaces together");
	}
}

/* Linux guests only, whatever the order of the keys. */
static void test_linux_only(void **state)
{
	static const char *const set[] = { "type=elf" };

	assert_int_equal(parse("name=a\nkernel=k\nmemory=64\nvif = [ \"\" ]\n"), -1);
	assert_string_equal(err, "line 4: vif needs type = \"linux\" (an interface is a virtio PCI device, which "
				 "only a Linux guest finds and drives)");
	assert_int_equal(parse("vif = [ \"\" ]\nname=a\nkernel=k\nmemory=64\ntype=linux\n"), 0);
	assert_int_equal(xl_cfg_parse_with(LINUX "vif=[\"\"]\n", set, 1, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "line 5: vif needs type = \"linux\" (an interface is a virtio PCI device, which "
				 "only a Linux guest finds and drives)");
}

/* create -n: the interfaces in the plan, after the disks. */
static void test_plan(void **state)
{
	char out[2048];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	assert_int_equal(parse(LINUX "disk = [ \"/srv/img\" ]\n"
				     "vif = [ \"\", \"mac=00:16:3e:01:02:03,bridge=br0,vifname=web0\", \"bridge=br1\" ]\n"), 0);
	xl_print_create_plan(f, &cfg, 10, 0);
	fclose(f);
	assert_non_null(strstr(out, "disk:         /srv/img as xvda, read-write\n"
				    "vif:          xlvD.0 (MAC default), no bridge\n"
				    "vif:          web0 (MAC 00:16:3e:01:02:03), bridge br0\n"
				    "vif:          xlvD.2 (MAC default), bridge br1\n"));
	f = fmemopen(out, sizeof(out), "w");
	assert_int_equal(parse(LINUX), 0);
	xl_print_create_plan(f, &cfg, 10, 0);
	fclose(f);
	assert_non_null(strstr(out, "disk:         none\nvif:          none\n"));
}

/* create -n: each bridge named exists and is one, /dev/net/tun is there, xl-vnet is found. */
static void test_dry_run_checks(void **state)
{
	char dir[] = "/tmp/test_xl_vif.XXXXXX", path[128], tun[96], msgs[2048], want[1024];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	/* a stand-in /sys/class/net: br0 a bridge, eth0 an interface, no br1; and a /dev/net/tun */
	snprintf(path, sizeof(path), "%s/br0", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/br0/bridge", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/eth0", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(tun, sizeof(tun), "%s/tun", dir);
	f = fopen(tun, "w");
	assert_non_null(f);
	fclose(f);

	assert_int_equal(parse_vifs("\"\", \"bridge=br0\", \"bridge=br0,vifname=x\""), 0);
	f = fmemopen(msgs, sizeof(msgs), "w");
	assert_int_equal(xl_create_check_vifs(f, "g.cfg", &cfg, "/usr/lib/xen-lite/xl-vnet", dir, tun), 0);
	fclose(f);

	/* a bridge missing (said once), an interface that is not a bridge, no tun, no xl-vnet */
	assert_int_equal(parse_vifs("\"bridge=br1\", \"bridge=eth0\", \"bridge=br1,vifname=x\", \"bridge=br0\""), 0);
	f = fmemopen(msgs, sizeof(msgs), "w");
	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(xl_create_check_vifs(f, "g.cfg", &cfg, NULL, dir, path), 4);
	fclose(f);
	snprintf(want, sizeof(want),
		 "xl-lite: g.cfg: vif 0: bridge br1 does not exist (make it first: ip link add br1 type bridge)\n"
		 "xl-lite: g.cfg: vif 1: eth0 is an interface but not a bridge\n"
		 "xl-lite: g.cfg: vif: no %s/none (TAP devices need dom0's tun module: modprobe tun)\n"
		 "xl-lite: g.cfg: vif: no xl-vnet (the interfaces' back-end) next to xl-lite nor in PATH\n",
		 dir);
	assert_string_equal(msgs, want);
	/* no vif key: nothing to check */
	assert_int_equal(parse(LINUX), 0);
	assert_int_equal(xl_create_check_vifs(stderr, "g.cfg", &cfg, NULL, dir, path), 0);

	unlink(tun);
	snprintf(path, sizeof(path), "%s/br0/bridge", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/br0", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/eth0", dir);
	rmdir(path);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_device_limit),
		cmocka_unit_test(test_linux_only),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_dry_run_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
