#!/bin/sh
# Fetch Debian's stock Xen hypervisor (the third point of comparison of
# `make bench`) without installing it on this machine: the package is
# downloaded with `apt-get download` and unpacked with `dpkg-deb -x`.
#
#   $BUILD/xen/debs/         the downloaded .deb
#   $BUILD/xen/root/         its contents (boot/xen-*.gz, usr/lib/debug, ...)
#   $BUILD/xen/xen.gz        the hypervisor image (multiboot2, gzip-compressed)
#   $BUILD/xen/xen-package   "PACKAGE DEBIAN-VERSION" of what was fetched
#
# Does nothing when $BUILD/xen/xen.gz and xen-package exist (rm -rf
# $BUILD/xen to fetch again). Called by `make bench` (mk/xen-bench.mk).
# Needs only Debian's package archive; runs `apt-get update` (as root) only
# when the download fails because the package lists are missing or stale.
#
#   XEN_PACKAGE=...   the package (default xen-hypervisor-4.17-amd64)
set -eu

BUILD=${BUILD:-build}
OUT=$BUILD/xen
PKG=${XEN_PACKAGE:-xen-hypervisor-4.17-amd64}

if [ -s "$OUT/xen.gz" ] && [ -s "$OUT/xen-package" ]; then
	exit 0
fi

say() { echo "fetch-xen: $*"; }
die() { echo "fetch-xen: $*" >&2; exit 1; }

apt_update() {
	if [ "$(id -u)" -ne 0 ]; then
		die "the package lists are missing or stale; run as root:  apt-get update"
	fi
	say "apt-get update"
	apt-get update -q >"$OUT/apt-update.log" 2>&1 || { cat "$OUT/apt-update.log" >&2; exit 1; }
}

mkdir -p "$OUT/debs"
# as root apt-get would complain that its sandbox user cannot write here
sandbox=
[ "$(id -u)" -eq 0 ] && sandbox="-o APT::Sandbox::User=root"
say "downloading $PKG"
# shellcheck disable=SC2086
if ! (cd "$OUT/debs" && apt-get download -q $sandbox "$PKG") >"$OUT/apt-download.log" 2>&1; then
	apt_update
	# shellcheck disable=SC2086
	(cd "$OUT/debs" && apt-get download -q $sandbox "$PKG") >"$OUT/apt-download.log" 2>&1 ||
		{ cat "$OUT/apt-download.log" >&2; die "could not download $PKG"; }
fi

# shellcheck disable=SC2012 # Debian's file names are plain; the newest download wins
deb=$(ls -t "$OUT/debs/${PKG}_"*.deb | head -1)
debver=$(dpkg-deb -f "$deb" Version)
say "unpacking $(basename "$deb")"
rm -rf "$OUT/root"
dpkg-deb -x "$deb" "$OUT/root"

# the image is boot/xen-4.17-amd64.gz (next to xen-4.17-amd64.efi and .config);
# take the first regular file, should a release add symlinks
img=
for f in "$OUT"/root/boot/xen-*.gz "$OUT"/root/boot/xen.gz; do
	if [ -f "$f" ] && [ ! -L "$f" ]; then
		img=$f
		break
	fi
done
[ -n "$img" ] || die "no boot/xen-*.gz in $deb"

cp "$img" "$OUT/xen.gz.tmp"
mv "$OUT/xen.gz.tmp" "$OUT/xen.gz"
echo "$PKG $debver" >"$OUT/xen-package"
say "$OUT/xen.gz: $(basename "$img") (Debian $PKG $debver)"
