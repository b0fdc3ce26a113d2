#!/bin/sh
# Fetch Debian's stock kernel for dom0 without installing it on this machine:
# the versioned image package that linux-image-amd64 depends on is downloaded
# with `apt-get download` and unpacked with `dpkg-deb -x` under $BUILD/dom0/.
#
#   $BUILD/dom0/debs/            the downloaded .deb
#   $BUILD/dom0/kernel-root/     its contents (boot/, lib/modules/VERSION/, ...),
#                                plus modules.dep written by busybox depmod
#   $BUILD/dom0/vmlinuz          the kernel image (bzImage)
#   $BUILD/dom0/kernel-version   its release string (uname -r), e.g. 6.1.0-56-amd64
#   $BUILD/dom0/kernel-package   "PACKAGE DEBIAN-VERSION" of what was fetched
#
# Does nothing when $BUILD/dom0/vmlinuz and kernel-version exist (rm -rf
# $BUILD/dom0 to fetch again). Called by `make dom0-images` (mk/dom0.mk).
# Needs only Debian's package archive; runs `apt-get update` (as root) only
# when the package lists are missing or too old for the download.
set -eu

BUILD=${BUILD:-build}
OUT=$BUILD/dom0
META=${DOM0_KERNEL_META:-linux-image-amd64}

if [ -s "$OUT/vmlinuz" ] && [ -s "$OUT/kernel-version" ]; then
	exit 0
fi

say() { echo "fetch-kernel: $*"; }
die() { echo "fetch-kernel: $*" >&2; exit 1; }

apt_update() {
	if [ "$(id -u)" -ne 0 ]; then
		die "the package lists are missing or stale; run as root:  apt-get update"
	fi
	say "apt-get update"
	apt-get update -q >"$OUT/apt-update.log" 2>&1 || { cat "$OUT/apt-update.log" >&2; exit 1; }
}

# the versioned package the meta package depends on, e.g. linux-image-6.1.0-56-amd64
image_package() {
	apt-cache depends "$META" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1
}

mkdir -p "$OUT/debs"
pkg=$(image_package)
if [ -z "$pkg" ]; then
	apt_update
	pkg=$(image_package)
	[ -n "$pkg" ] || die "apt-cache knows no versioned image package behind $META"
fi

say "downloading $pkg"
deb=$(sh scripts/apt-download.sh "$pkg" "$OUT/debs") || die "could not download $pkg"
debver=$(dpkg-deb -f "$deb" Version)
say "unpacking $(basename "$deb")"
rm -rf "$OUT/kernel-root"
dpkg-deb -x "$deb" "$OUT/kernel-root"

set -- "$OUT"/kernel-root/boot/vmlinuz-*
if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then
	die "expected exactly one boot/vmlinuz-* in $deb"
fi
ver=${1##*/vmlinuz-}
[ -d "$OUT/kernel-root/lib/modules/$ver" ] || die "no lib/modules/$ver in $deb"
# the package has no modules.dep (its postinst runs depmod): busybox's depmod
# writes one for the initramfs builder (scripts/mk-dom0-initrd.sh)
if [ -x "${BUSYBOX:-/bin/busybox}" ]; then
	"${BUSYBOX:-/bin/busybox}" depmod -b "$OUT/kernel-root" "$ver"
fi

echo "$pkg $debver" >"$OUT/kernel-package"
echo "$ver" >"$OUT/kernel-version"
cp "$1" "$OUT/vmlinuz.tmp"
mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
say "$OUT/vmlinuz: Linux $ver (Debian $pkg $debver)"
