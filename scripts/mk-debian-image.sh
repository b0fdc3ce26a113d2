#!/bin/sh
# A Debian 12 node on a disk image, for tests/qemu/t-debian.sh (Documentation/testing.md):
#
#   mk-debian-image.sh base
#       $BUILD/debian-image/base/: debootstrap bookworm (minbase) from the archive this
#       machine's apt uses, with what a node needs (BASE_PACKAGES: systemd, the kernel and
#       its headers, initramfs-tools, GRUB, DKMS; slurmd, slurmctld and munge installed but
#       disabled). Cached: rebuilt only when the package list or this base part of the
#       script changes ($BUILD/debian-image/base.stamp holds their hash).
#   mk-debian-image.sh disk DISK PKGDIR [OVERLAY]
#       DISK: a raw disk (MBR: an ext4 root partition and a 64 MiB EFI system partition,
#       for /boot/efi) holding a copy of the base with the packages of `make deb`
#       (PKGDIR/*.deb) installed by apt-get in a chroot - DKMS must have built the xenlite
#       module for the image's kernel - then OVERLAY's files copied in, GRUB installed
#       for both firmwares (grub-install --target=i386-pc in the MBR and its gap; for
#       x86_64-efi the same by hand: the removable-media loader \EFI\BOOT\BOOTX64.EFI,
#       no NVRAM entry) and its one menu written by update-grub, from the hypervisor
#       package's /etc/grub.d/20_xen_lite.
#
# Settings of the disk's boot (environment):
#   IMAGE_XEN_CMDLINE    GRUB_CMDLINE_XEN_LITE   (default: console=com1,115200 dom0_mem=1024M)
#   IMAGE_DOM0_CMDLINE   GRUB_CMDLINE_LINUX_XEN_LITE_DOM0 (default: console=ttyS0,115200)
#   IMAGE_UNITS          systemd units of OVERLAY to enable
#   IMAGE_SIZE_MB        the disk's size (default: the base's size + 1024, at least 3072)
# and of the base: IMAGE_MIRROR, the archive debootstrap reads (default: this machine's).
# Needs root (debootstrap, chroot, losetup, mount). Every mount and loop device is
# undone on every way out.
set -eu

BUILD=${BUILD:-build}
OUT=$BUILD/debian-image
SUITE=bookworm
ESP_MB=64

say() { echo "mk-debian-image: $*"; }
die() {
	echo "mk-debian-image: $*" >&2
	exit 1
}
# run CMD...: run it, and name it when it fails
run() {
	"$@" || die "failed ($?): $*"
}

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, losetup, mount)"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

# ---- cleanup: mounts (innermost first) and loop devices, on every exit path ----
MOUNTS=
LOOPS=
cleanup() {
	for m in $MOUNTS; do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
	for l in $LOOPS; do
		losetup -d "$l" 2>/dev/null || true
	done
	MOUNTS=
	LOOPS=
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mounted() { # DIR: remember DIR for cleanup (innermost first)
	MOUNTS="$1 $MOUNTS"
}

# chroot_mounts ROOT: /proc, /sys, /dev and /dev/pts of this machine inside ROOT
chroot_mounts() {
	for d in proc sys dev dev/pts; do
		mkdir -p "$1/$d"
		run mount --bind "/$d" "$1/$d"
		mounted "$1/$d"
	done
}

has_mounts() { # DIR: something is mounted on DIR or under it
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 { found = 1 } END { exit !found }' /proc/mounts
}

in_root() { # ROOT CMD...: CMD in a chroot, non-interactive, with a sane PATH
	root=$1
	shift
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

# ---- base begin (its text is part of the cache key) ----
BASE_PACKAGES="systemd-sysv udev kmod linux-image-amd64 linux-headers-amd64 initramfs-tools
grub-pc grub-efi-amd64-bin dosfstools dkms e2fsprogs procps iproute2 slurmd slurmctld munge"
# installed but not started: a later test configures and starts them
BASE_DISABLED_UNITS="slurmd.service slurmctld.service munge.service"

# the archive this machine's apt uses for SUITE: the first URI of a deb822 stanza (or a
# sources.list line) naming the suite itself
apt_mirror() {
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk -v suite="$SUITE" '
			/^[ \t]*$/ { if (uri != "" && found) { print uri; exit } uri = ""; found = 0; next }
			tolower($1) == "uris:" { uri = $2 }
			tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) found = 1 }
			END { if (uri != "" && found) print uri }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2 }
			$1 == "deb" && $2 ~ /^\[/ && $4 == suite { print $3 }' "$f"
	done
}

# IMAGE_MIRROR, else the machine's
base_mirror() {
	if [ -n "${IMAGE_MIRROR:-}" ]; then
		echo "$IMAGE_MIRROR"
	else
		apt_mirror | head -n 1
	fi
}

# the machine's apt sources and its date checks (a snapshot archive's Release files
# are older than their Valid-Until) in ROOT
copy_apt_config() {
	rm -f "$1/etc/apt/sources.list"
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] && cp "$f" "$1$f"
	done
	: >"$1/etc/apt/apt.conf.d/90xen-lite-image"
	for opt in Acquire::Check-Valid-Until Acquire::Check-Date; do
		if [ "$(apt-config dump "$opt" --format '%v')" = false ]; then
			echo "$opt \"false\";" >>"$1/etc/apt/apt.conf.d/90xen-lite-image"
		fi
	done
}

build_base() {
	tmp=$OUT/base.tmp
	mirror=$(base_mirror)
	[ -n "$mirror" ] || die "no apt source for $SUITE in /etc/apt/sources.list{,.d}"
	command -v debootstrap >/dev/null || die "no debootstrap (scripts/deps.sh installs it)"
	# a killed run may have left /dev or /proc bound inside: never remove through them
	! has_mounts "$tmp" || die "$tmp still has mounts (an earlier run was killed): umount -R $tmp"
	rm -rf --one-file-system "$tmp" "$OUT/base"
	say "debootstrap $SUITE from $mirror (log: $OUT/debootstrap.log)"
	debootstrap --variant=minbase "$SUITE" "$tmp" "$mirror" >"$OUT/debootstrap.log" 2>&1 || {
		tail -n 20 "$OUT/debootstrap.log" >&2
		die "failed: debootstrap --variant=minbase $SUITE $tmp $mirror"
	}
	copy_apt_config "$tmp"
	# no daemon starts inside the chroot
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod 0755 "$tmp/usr/sbin/policy-rc.d"
	# grub-pc is installed on a disk per run, by mk-debian-image.sh disk
	echo "grub-pc grub-pc/install_devices_empty boolean true" | in_root "$tmp" debconf-set-selections
	chroot_mounts "$tmp"
	say "apt-get install $(echo "$BASE_PACKAGES" | tr '\n' ' ')(log: $OUT/base-apt.log)"
	# shellcheck disable=SC2086 # the package names
	{ in_root "$tmp" apt-get update -q && in_root "$tmp" apt-get install -y -q --no-install-recommends $BASE_PACKAGES; } \
		>"$OUT/base-apt.log" 2>&1 || {
		tail -n 20 "$OUT/base-apt.log" >&2
		die "failed: apt-get install $BASE_PACKAGES (in the chroot $tmp)"
	}
	# shellcheck disable=SC2086
	run in_root "$tmp" systemctl disable $BASE_DISABLED_UNITS
	run in_root "$tmp" apt-get clean
	cleanup
	rm -f "$tmp/usr/sbin/policy-rc.d"
	echo xen-lite-node >"$tmp/etc/hostname"
	ls "$tmp"/boot/vmlinuz-* >/dev/null 2>&1 || die "the base has no kernel under /boot"
	ls "$tmp"/boot/initrd.img-* >/dev/null 2>&1 || die "the base has no initramfs under /boot"
	mv "$tmp" "$OUT/base"
}
# ---- base end ----

base_key() {
	{
		sed -n '/^# ---- base begin/,/^# ---- base end/p' "$SELF"
		base_mirror
	} | sha256sum | cut -d' ' -f1
}

cmd_base() {
	key=$(base_key)
	if [ -d "$OUT/base" ] && [ "$(cat "$OUT/base.stamp" 2>/dev/null)" = "$key" ]; then
		say "base: cached ($OUT/base; rm $OUT/base.stamp to rebuild)"
		return 0
	fi
	t0=$(date +%s)
	rm -f "$OUT/base.stamp"
	build_base
	echo "$key" >"$OUT/base.stamp"
	say "base: built in $(($(date +%s) - t0)) s, $(du -sm "$OUT/base" | cut -f1) MiB"
}

cmd_disk() {
	disk=$1 pkgdir=$2 overlay=${3:-}
	[ -f "$OUT/base.stamp" ] || die "no base: run mk-debian-image.sh base first"
	ls "$pkgdir"/*.deb >/dev/null 2>&1 || die "no packages in $pkgdir (make deb)"
	t0=$(date +%s)
	base_mb=$(du -sm "$OUT/base" | cut -f1)
	size=${IMAGE_SIZE_MB:-$((base_mb + 1024))}
	[ "$size" -ge 3072 ] || size=3072
	rm -f "$disk"
	run truncate -s "${size}M" "$disk"
	# the root partition from 1 MiB (GRUB's core image for BIOS goes in the gap before
	# it), the EFI system partition in the last ESP_MB (the firmware finds it by type ef)
	root_sectors=$(((size - 1 - ESP_MB) * 2048))
	esp_start=$((2048 + root_sectors))
	printf 'label: dos\nstart=2048, size=%d, type=83, bootable\nstart=%d, size=%d, type=ef\n' \
		"$root_sectors" "$esp_start" $((ESP_MB * 2048)) | sfdisk -q "$disk" ||
		die "failed: sfdisk $disk"
	# the whole disk (for grub-install) and each partition, as loop devices
	whole=$(losetup --find --show "$disk") || die "failed: losetup --find --show $disk"
	LOOPS="$whole $LOOPS"
	part=$(losetup --find --show --offset $((2048 * 512)) --sizelimit $((root_sectors * 512)) "$disk") ||
		die "failed: losetup --offset 1MiB $disk"
	LOOPS="$part $LOOPS"
	esp=$(losetup --find --show --offset $((esp_start * 512)) --sizelimit $((ESP_MB * 1024 * 1024)) "$disk") ||
		die "failed: losetup --offset $((esp_start * 512)) $disk"
	LOOPS="$esp $LOOPS"
	run mkfs.ext4 -q -L xen-lite-root "$part"
	uuid=$(blkid -s UUID -o value "$part")
	root=$OUT/mnt
	mkdir -p "$root"
	! has_mounts "$root" || die "$root is still mounted (an earlier run was killed): umount -R $root"
	run mount "$part" "$root"
	mounted "$root"
	run cp -a "$OUT/base/." "$root/"
	chroot_mounts "$root"
	# (the EFI system partition is filled with mtools, below: this machine's kernel may
	# have no vfat to mount it)
	run in_root "$root" mkfs.vfat -n EFI "$esp"
	esp_uuid=$(blkid -s UUID -o value "$esp")
	mkdir -p "$root/boot/efi"
	{
		echo "UUID=$uuid / ext4 errors=remount-ro 0 1"
		echo "UUID=$esp_uuid /boot/efi vfat umask=0077,nofail 0 1"
	} >"$root/etc/fstab"

	# the packages of make deb, as a site installs them
	mkdir -p "$root/tmp/xen-lite-debs"
	cp "$pkgdir"/*.deb "$root/tmp/xen-lite-debs/"
	say "apt-get install ./*.deb in the image (log: $OUT/disk-apt.log)"
	in_root "$root" sh -c 'cd /tmp/xen-lite-debs && apt-get install -y -q --no-install-recommends ./*.deb' \
		>"$OUT/disk-apt.log" 2>&1 || {
		tail -n 30 "$OUT/disk-apt.log" >&2
		die "failed: apt-get install ./*.deb (in the image)"
	}
	rm -rf "$root/tmp/xen-lite-debs"
	kver=$(basename "$(find "$root/lib/modules" -mindepth 1 -maxdepth 1 -type d | sort -V | tail -n 1)")
	[ -f "$root/lib/modules/$kver/updates/dkms/xenlite.ko" ] ||
		die "DKMS did not build xenlite.ko for $kver ($OUT/disk-apt.log)"
	say "DKMS built /lib/modules/$kver/updates/dkms/xenlite.ko"

	if [ -n "$overlay" ]; then
		run cp -a "$overlay/." "$root/"
	fi
	for unit in ${IMAGE_UNITS:-}; do
		in_root "$root" systemctl enable --quiet "$unit" || die "failed: systemctl enable $unit (in the image)"
	done

	# the boot: settings through the files a site edits, the menu by update-grub
	cfg=$root/etc/default/grub.d/xen-lite.cfg
	[ -f "$cfg" ] || die "the hypervisor package installed no $cfg"
	set_var "$cfg" GRUB_CMDLINE_XEN_LITE "${IMAGE_XEN_CMDLINE:-console=com1,115200 dom0_mem=1024M}"
	set_var "$cfg" GRUB_CMDLINE_LINUX_XEN_LITE_DOM0 "${IMAGE_DOM0_CMDLINE:-console=ttyS0,115200}"
	xver=$(basename "$(find "$root/boot" -name 'xen-lite-*.elf' | sort -V | tail -n 1)" .elf)
	xver=${xver#xen-lite-}
	[ -n "$xver" ] || die "the hypervisor package installed no /boot/xen-lite-*.elf"
	grub=$root/etc/default/grub
	set_var "$grub" GRUB_DEFAULT "Debian GNU/Linux, with xen-lite $xver and Linux $kver"
	set_var "$grub" GRUB_TIMEOUT 1
	set_var "$grub" GRUB_TERMINAL serial
	set_var "$grub" GRUB_SERIAL_COMMAND "serial --unit=0 --speed=115200"
	# GRUB cannot tell that the partition's loop device is part of the disk's: its core
	# image then finds /boot by the file system's UUID, and needs the modules to read the
	# partition table and ext4 built in
	in_root "$root" grub-install --target=i386-pc --boot-directory=/boot \
		--modules="part_msdos ext2" "$whole" >"$OUT/grub-install.log" 2>&1 || {
		cat "$OUT/grub-install.log" >&2
		die "failed: grub-install --target=i386-pc $whole (in the image)"
	}
	# For UEFI, what `grub-install --target=x86_64-efi --removable` would do, by hand:
	# grub-install insists on the EFI directory being mounted FAT, which this machine
	# cannot mount. GRUB's modules go to /boot/grub/x86_64-efi, and its core image - the
	# same modules built in, finding /boot by the root file system's UUID - becomes
	# the removable-media loader \EFI\BOOT\BOOTX64.EFI that every UEFI firmware tries
	# (a node's NVRAM is not this machine's), copied into the partition with mtools.
	run mkdir -p "$root/boot/grub/x86_64-efi" "$root/tmp/esp/EFI/BOOT"
	run cp "$root"/usr/lib/grub/x86_64-efi/*.mod "$root"/usr/lib/grub/x86_64-efi/*.lst "$root/boot/grub/x86_64-efi/"
	# shellcheck disable=SC2016 # $root is GRUB's
	printf 'search.fs_uuid %s root\nset prefix=($root)/boot/grub\n' "$uuid" >"$root/tmp/esp/load.cfg"
	run in_root "$root" grub-mkimage -O x86_64-efi -o /tmp/esp/EFI/BOOT/BOOTX64.EFI -c /tmp/esp/load.cfg \
		-p /boot/grub part_msdos ext2 search_fs_uuid
	# (mtools says it cannot get a loop device's geometry: harmless, kept out of the output)
	mcopy -s -i "$esp" "$root/tmp/esp/EFI" ::/ 2>"$OUT/mcopy.log" || {
		cat "$OUT/mcopy.log" >&2
		die "failed: mcopy -s -i $esp EFI ::/"
	}
	mdir -i "$esp" ::/EFI/BOOT/BOOTX64.EFI >/dev/null 2>&1 || die "no \\EFI\\BOOT\\BOOTX64.EFI on the EFI system partition"
	rm -rf "$root/tmp/esp"
	in_root "$root" update-grub >"$OUT/update-grub.log" 2>&1 || {
		cat "$OUT/update-grub.log" >&2
		die "failed: update-grub (in the image)"
	}
	grep -q '^### BEGIN /etc/grub.d/20_xen_lite ###' "$root/boot/grub/grub.cfg" ||
		die "update-grub wrote no 20_xen_lite section"
	grep -qF "menuentry 'Debian GNU/Linux, with xen-lite $xver and Linux $kver'" "$root/boot/grub/grub.cfg" ||
		die "no menu entry for xen-lite $xver and Linux $kver in grub.cfg"
	cleanup
	say "disk: $disk (${size} MiB, root UUID=$uuid, Linux $kver, xen-lite $xver) in $(($(date +%s) - t0)) s"
}

# set_var FILE NAME VALUE: NAME="VALUE" in a shell settings file, replacing NAME's line
set_var() {
	grep -v "^$2=" "$1" >"$1.new" || true
	printf '%s="%s"\n' "$2" "$3" >>"$1.new"
	mv "$1.new" "$1"
}

case "${1:-}" in
base) cmd_base ;;
disk)
	[ $# -ge 3 ] || die "usage: mk-debian-image.sh disk DISK PKGDIR [OVERLAY]"
	cmd_disk "$2" "$3" "${4:-}"
	;;
*) die "usage: mk-debian-image.sh base | disk DISK PKGDIR [OVERLAY]" ;;
esac
