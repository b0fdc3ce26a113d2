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

mkdir -p "$OUT/debs"
say "downloading $PKG"
deb=$(sh scripts/apt-download.sh "$PKG" "$OUT/debs") || die "could not download $PKG"
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
