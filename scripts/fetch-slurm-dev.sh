#!/bin/sh
# fetch-slurm-dev.sh: Slurm's SPANK header (Debian's libslurm-dev, the Slurm that bookworm's
# slurmd runs) downloaded and unpacked under $BUILD/slurm-dev/, never installed, for
# building xen-lite's SPANK plugin (dom0-tools/slurm/xen-lite-spank.c). Prints nothing
# and does nothing when it is there already (rm -rf $BUILD/slurm-dev to fetch again).
set -eu
BUILD=${BUILD:-build}
OUT=$BUILD/slurm-dev
[ ! -s "$OUT/root/usr/include/slurm/spank.h" ] || exit 0
mkdir -p "$OUT"
deb=$(sh scripts/apt-download.sh libslurm-dev "$OUT") || {
	echo "fetch-slurm-dev: apt-get download libslurm-dev failed (log: $OUT/apt-download.log)" >&2
	exit 1
}
rm -rf "$OUT/root"
dpkg-deb -x "$deb" "$OUT/root"
[ -s "$OUT/root/usr/include/slurm/spank.h" ] || {
	echo "fetch-slurm-dev: $deb has no usr/include/slurm/spank.h" >&2
	exit 1
}
