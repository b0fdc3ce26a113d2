#!/bin/sh
# Fetch Debian's stress-ng and the shared libraries it needs without installing
# anything on this machine: the package and its dependency closure
# (scripts/apt-unpack.sh) are downloaded with `apt-get download` and
# unpacked with `dpkg-deb -x`; the downloaded loader then lists what the binary
# really links (scripts/copy-linked.sh), and just those files are copied into a
# small tree a guest initramfs carries as it is.
#
#   $BUILD/stress-ng/debs/      the downloaded .debs
#   $BUILD/stress-ng/unpacked/  all of them unpacked
#   $BUILD/stress-ng/rootfs/    usr/bin/stress-ng, lib64/ld-linux-x86-64.so.2 and
#                               lib/x86_64-linux-gnu/ with each library ld.so listed
#   $BUILD/stress-ng/version    "stress-ng DEBIAN-VERSION"
#
# Does nothing when version exists (rm -rf $BUILD/stress-ng to fetch again).
# Used by mk/workload.mk for the workload guest's initramfs (tests/qemu/t-workload.sh,
# make soak). Runs `apt-get update` (as root) only when the lists lack the package.
set -eu

BUILD=${BUILD:-build}
OUT=$BUILD/stress-ng
PKG=stress-ng
SCRIPTS=$(cd "$(dirname "$0")" && pwd)

[ -s "$OUT/version" ] && exit 0

say() { echo "fetch-stress-ng: $*"; }
die() { echo "fetch-stress-ng: $*" >&2; exit 1; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -rf "$OUT/rootfs"
sh "$SCRIPTS/apt-unpack.sh" "$OUT" "$PKG" || die "could not fetch $PKG and what it needs"

R=$OUT/rootfs
# the binary with the libraries it links (copy-linked.sh)
n=$(sh "$SCRIPTS/copy-linked.sh" "$OUT/unpacked" "$R" usr/bin/stress-ng) || exit 1

# shellcheck disable=SC2012 # Debian's file names are plain; the newest download wins
ver=$(dpkg-deb -f "$(ls -t "$OUT/debs/${PKG}_"*.deb | head -1)" Version)
echo "$PKG $ver" >"$OUT/version"
say "$PKG $ver with $n libraries: $(du -sk "$R" | cut -f1) KiB in $R"
