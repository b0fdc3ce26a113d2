#!/bin/bash
# A real Debian 12 node (issue 14, Documentation/install.md): a disk made by
# scripts/mk-debian-image.sh - debootstrap's bookworm (cached under build/debian-image/),
# the packages of `make deb` installed by apt-get with DKMS building the xenlite module
# for the image's kernel, GRUB installed on the disk and its menu written by update-grub
# from the package's /etc/grub.d/20_xen_lite - boots in QEMU from that disk: GRUB ->
# xen-lite -> Debian's kernel with its own initramfs -> systemd as dom0. A unit in the
# image (tests/debian/xen-lite-image-test) checks the node from the inside and powers
# it off; each step here has a bound of its own, and a step that overruns is named.
# The disk gets the packages as a previous release (revision 0 of this version): the
# first boot (SeaBIOS) ends by upgrading them to this build's under systemd; a second
# boot of the same disk, by UEFI (OVMF), checks the upgraded node and purges them.

DEBIAN_IMAGE_DIR=$BUILD/debian-image
DEBIAN_DISK=$DEBIAN_IMAGE_DIR/disk.raw
DEBIAN_PREV_PKG=$DEBIAN_IMAGE_DIR/pkg-prev

# debian_overlay DIR: the test's files, copied into the image after the packages
debian_overlay() {
	rm -rf "$1"
	install -D -m 0755 tests/debian/xen-lite-image-test "$1/usr/local/sbin/xen-lite-image-test" &&
		install -D -m 0644 tests/debian/xen-lite-image-test.service \
			"$1/etc/systemd/system/xen-lite-image-test.service" &&
		install -D -m 0644 tests/debian/image-test.cfg "$1/etc/xen-lite/image-test.cfg" &&
		install -D -m 0644 tests/debian/auto-test.cfg "$1/etc/xen-lite/auto/auto-test.cfg" &&
		install -D -m 0644 "$BUILD/guests/obliging.elf" "$1/usr/lib/xen-lite/test-guests/obliging.elf" &&
		install -D -m 0644 "$BUILD/dom0/vmlinuz" "$1/usr/lib/xen-lite/test-guests/vmlinuz" &&
		install -D -m 0644 "$BUILD/guest-linux/linux-initrd.cpio.gz" \
			"$1/usr/lib/xen-lite/test-guests/linux-initrd.cpio.gz" &&
		install -D -m 0644 tests/debian/slurm.conf "$1/etc/slurm/slurm.conf" &&
		install -D -m 0644 tests/debian/cgroup.conf "$1/etc/slurm/cgroup.conf" &&
		install -D -m 0644 tests/debian/hosts "$1/etc/hosts" &&
		install -D -m 0644 tests/debian/xen-lite-test-net.service \
			"$1/etc/systemd/system/xen-lite-test-net.service" &&
		install -D -m 0644 tests/debian/xen-lite-spank.conf "$1/etc/slurm/plugstack.conf.d/xen-lite.conf" &&
		install -D -m 0644 tests/debian/slurm-test.cfg "$1/etc/xen-lite/slurm/test.cfg" &&
		mkdir -p "$1/var/lib/xen-lite-image-test/upgrade" &&
		cp "$BUILD"/pkg/*.deb "$1/var/lib/xen-lite-image-test/upgrade/"
}

# the base (cached) and a fresh disk for this run; here, not in a lane, so that no two
# lanes build at once. A failure names the command that failed (mk-debian-image.sh).
setup_debian() {
	local t0 t1 t2
	t0=$(date +%s)
	make -s BUILD="$BUILD" deb "$BUILD/guests/obliging.elf" "$BUILD/guest-linux/linux-initrd.cpio.gz" >/dev/null ||
		return 1
	# the base: started by run-all.sh while the other tests ran (DEBIAN_BASE_PID), else here
	if [ -n "${DEBIAN_BASE_PID:-}" ]; then
		local rc=0
		wait "$DEBIAN_BASE_PID" || rc=$?
		cat "$DEBIAN_BASE_LOG"
		DEBIAN_BASE_PID=
		[ "$rc" -eq 0 ] || return 1
	else
		BUILD=$BUILD sh scripts/mk-debian-image.sh base || return 1
	fi
	t1=$(date +%s)
	# the "previous release" the disk starts with: this build as revision 0
	env DEB_REVISION=0 PKG_OUT="$DEBIAN_PREV_PKG" make -s BUILD="$BUILD" deb >/dev/null || return 1
	debian_overlay "$DEBIAN_IMAGE_DIR/overlay" || return 1
	env BUILD="$BUILD" IMAGE_UNITS="xen-lite-image-test.service xen-lite-test-net.service munge.service slurmctld.service slurmd.service" \
		IMAGE_XEN_CMDLINE="console=com1,115200 dom0_mem=1024M" \
		IMAGE_DOM0_CMDLINE="console=ttyS0,115200 xen_lite_image_test=1 xl_scale=$TIME_SCALE" \
		sh scripts/mk-debian-image.sh disk "$DEBIAN_DISK" "$DEBIAN_PREV_PKG" "$DEBIAN_IMAGE_DIR/overlay" || return 1
	t2=$(date +%s)
	echo "debian image: base $((t1 - t0)) s (cached unless its package list changed), disk $((t2 - t1)) s"
}

# the node's boot, from GRUB's echo of 20_xen_lite's entry to the image's first checks
await_node_up() {
	await_log grub 60 "Loading xen-lite " &&
		await_log hypervisor 60 "boot complete:" &&
		await_log dom0-kernel 60 "dom0: entering the kernel" &&
		await_log root-fs 180 "systemd[1]: systemd " &&
		await_log multi-user 300 "xen-lite-image: step systemd" &&
		await_log units 180 "xen-lite-image: ok systemd:" &&
		await_log dkms-module 60 "xen-lite-image: ok module:" &&
		await_log xl-lite 60 "xen-lite-image: ok tools:"
}

# the image's last word, then dom0's power off and QEMU's end by itself
await_node_off() {
	await_log checks 10 "xen-lite-image: all checks passed" &&
		await_log poweroff 120 "reboot: Power down" &&
		await_end machine-off 30
}

test_debian_dom0_image() {
	local t0 ver
	# shellcheck disable=SC2034 # read by qemu_start and await_log (dynamic scope)
	local QEMU_TIMEOUT=900 AWAIT_FAILURE="xen-lite-image: FAIL"
	t0=$(date +%s)
	ver=$(sed -n 's/^#define XEN_LITE_VERSION "\(.*\)"/\1/p' include/xen-lite/version.h)
	qemu_start debian -machine q35 -smp 3 -m 2G -drive "file=$DEBIAN_DISK,format=raw,if=virtio"
	# the menu update-grub wrote from 20_xen_lite (its echo lines), then the stack
	await_node_up &&
		await_log guest 90 "xen-lite-image: ok guest:" &&
		await_log supervisor 90 "xen-lite-image: ok supervisor:" &&
		await_log slurm-node 120 "xen-lite-image: step slurm-job" &&
		await_log slurm-job 400 "xen-lite-image: ok slurm-job:" &&
		await_log slurm-drain 180 "xen-lite-image: ok slurm-drain:" &&
		await_log upgrade 600 "xen-lite-image: ok upgrade:" &&
		await_node_off
	qemu_finish
	echo "    boot to power off: $(($(date +%s) - t0)) s"
	expect_rc 0
	# GRUB's default entry was xen-lite's (20_xen_lite), with the image's own initramfs
	expect_log "Loading xen-lite $ver ..." "Loading initial ramdisk ..." "via multiboot2"
	expect_log_regex "xen-lite-image: ok module: xenlite loaded at boot from /lib/modules/[^/]+/updates/dkms/xenlite\.ko"
	expect_log "xen-lite-image: ok systemd: multi-user.target active, failed units: none, init /usr/lib/systemd/systemd"
	expect_log_regex "xen-lite-image: list: dom0 +0 "
	expect_log_regex "xen-lite-image: list: image-test +[0-9]+ .*running"
	# the supervisor (xen-lite.service): the auto guest started at boot, and when dom0 shut
	# down asked to power off - and powered off - before dom0's kernel ended
	expect_log "xen-lite-image: auto-test log: obliging: waiting for a shutdown request" \
		"(auto-test): shutdown requested by dom0" "auto-test) obliging: shutdown requested"
	expect_log_regex "domain d[0-9]+ \(auto-test\) destroyed \(on_poweroff=destroy\)"
	local asked down
	asked=$(grep -n "auto-test) obliging: shutdown requested" "$LOG" | head -1 | cut -d: -f1)
	down=$(grep -n "reboot: Power down" "$LOG" | head -1 | cut -d: -f1)
	if [ -z "$asked" ] || [ -z "$down" ] || [ "$asked" -gt "$down" ]; then
		test_fail "the auto guest did not end before dom0 powered off (lines ${asked:-none}, ${down:-none})"
	fi
	# Slurm: sbatch --hpc-guest=test; its srun step ran in the guest slurm-JOBID (hostname
	# "guest", the profile's command line), which the epilog destroyed; the node idle again
	expect_log_regex "xen-lite-image: slurm-job: ran on guest: console=ttyS0 guest_agent=1"
	# the job of uid 1000: srun -n 2's tasks ran at once (each met the other's file) in the
	# guest as uid and gid 1000, in the step's directory, with their SLURM_* variables
	expect_log_regex "xen-lite-image: slurm-job: task 0 of 2, job 1 step 1 node 0: uid 1000 gid 1000 in /usr/bin, met task 1"
	expect_log_regex "xen-lite-image: slurm-job: task 1 of 2, job 1 step 1 node 0: uid 1000 gid 1000 in /usr/bin, met task 0"
	# the submit directory is dom0's alone: the first step said so and ran in the guest's /
	expect_log "xen-lite-image: slurm-job: xl-run: no directory /srv/slurm-test in the guest: running in /"
	expect_log "xen-lite-image: slurm-job: second step: 3" \
		"xen-lite-image: slurm-drain: drained: xen-lite: job 2: no profile /etc/xen-lite/slurm/missing.cfg"
	# (destroy logs the domain's exits; the image checked that it left the list)
	expect_log_regex "domain d[0-9]+ \(slurm-[0-9]+\) exits: "
	# the upgrade: this build over the disk's revision 0, guests and supervisor untouched
	expect_log_regex "xen-lite-image: ok upgrade: $ver-0 -> $ver-1 by dpkg -i "
	expect_no_log "xen-lite-image: FAIL" "PANIC" "Kernel panic" "dom0 crashed" "did not end in time"
	# (the second boot starts from the first one's upgrade)
	if [ "$TEST_FAILED" -eq 0 ]; then
		debian_second_boot_uefi "$ver"
	else
		echo "    second boot (UEFI, purge) not run: the first boot failed"
	fi
	test_result
}

# The same disk, upgraded by the first boot, started by UEFI firmware (OVMF: GRUB's
# \EFI\BOOT\BOOTX64.EFI from the disk's EFI system partition, the menu update-grub
# rewrote): the upgraded node comes up, then purges the packages and powers off.
debian_second_boot_uefi() {
	local ver=$1 t0 asked purged
	t0=$(date +%s)
	# shellcheck disable=SC2046 # the firmware's arguments
	qemu_start debian-uefi -machine q35 -smp 3 -m 2G $(ovmf_args debian-uefi) \
		-drive "file=$DEBIAN_DISK,format=raw,if=virtio"
	await_log firmware 120 "BdsDxe: starting " &&
		await_node_up &&
		await_log supervisor 90 "xen-lite-image: ok supervisor:" &&
		await_log purge 300 "xen-lite-image: ok purge:" &&
		await_node_off
	qemu_finish
	echo "    second boot (UEFI) to power off: $(($(date +%s) - t0)) s"
	expect_rc 0
	# OVMF started the disk's loader; GRUB's entry for the upgraded packages
	expect_log_regex "BdsDxe: starting Boot[0-9A-F]+ .* from PciRoot"
	expect_log "Loading xen-lite $ver ..." "via multiboot2"
	expect_log_regex "xen-lite-image: ok module: xenlite loaded at boot from /lib/modules/[^/]+/updates/dkms/xenlite\.ko"
	expect_log_regex "xen-lite-image: list: auto-test +[0-9]+ .*running"
	# removing xen-lite-utils stopped the supervisor, which shut the auto guest down
	expect_log "(auto-test): shutdown requested by dom0" "xen-lite-image: ok purge: "
	asked=$(grep -n "(auto-test): shutdown requested by dom0" "$LOG" | head -1 | cut -d: -f1)
	purged=$(grep -n "xen-lite-image: ok purge: " "$LOG" | head -1 | cut -d: -f1)
	if [ -z "$asked" ] || [ -z "$purged" ] || [ "$asked" -gt "$purged" ]; then
		test_fail "the auto guest was not shut down by the purge (lines ${asked:-none}, ${purged:-none})"
	fi
	expect_no_log "xen-lite-image: FAIL" "PANIC" "Kernel panic" "dom0 crashed" "did not end in time"
}
