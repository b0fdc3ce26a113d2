#!/bin/sh
# Fetch QEMU 10 from Debian's bookworm-backports suite without installing it
# or touching this machine's apt configuration: a private sources list and
# package lists under $BUILD/qemu10/apt, `apt-get download` of the
# packages, `dpkg-deb -x` into $BUILD/qemu10/root. Its TCG emulates x2APIC,
# which Debian's QEMU 7.2 (the suite's default) does not: the x2APIC tests
# (tests/qemu/t-x2apic.sh) run on it through tests/qemu/qemu10.
#
#   $BUILD/qemu10/root/usr/bin/qemu-system-x86_64   the emulator
#   $BUILD/qemu10/root/usr/share/{qemu,seabios}     its firmware and option ROMs
#   $BUILD/qemu10/version                           "QEMU emulator version 10..."
#
# Its libraries are bookworm's, the same as QEMU 7.2's (scripts/deps.sh installs
# those). Does nothing when version exists (rm -rf $BUILD/qemu10 to fetch again).
set -eu

BUILD=${BUILD:-build}
OUT=$BUILD/qemu10
SUITE=bookworm-backports
PACKAGES="qemu-system-x86 qemu-system-data seabios"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

[ -s "$OUT/version" ] && exit 0

say() { echo "fetch-qemu10: $*"; }
die() { echo "fetch-qemu10: $*" >&2; exit 1; }

[ -r "$KEYRING" ] || die "no $KEYRING: apt-get install debian-archive-keyring"
mkdir -p "$OUT/apt/lists/partial" "$OUT/apt/cache/archives/partial" "$OUT/apt/sources.list.d" \
	"$OUT/debs"
APT_DIR=$(cd "$OUT/apt" && pwd)
echo "deb [signed-by=$KEYRING] http://deb.debian.org/debian $SUITE main" >"$OUT/apt/sources.list"
# as root apt would hand the downloads to its sandbox user, who cannot write here
sandbox=
[ "$(id -u)" -eq 0 ] && sandbox="-o APT::Sandbox::User=root"
apt() {
	# shellcheck disable=SC2086
	apt-get -q $sandbox -o Dir::Etc::sourcelist="$APT_DIR/sources.list" \
		-o Dir::Etc::sourceparts="$APT_DIR/sources.list.d" -o Dir::State::Lists="$APT_DIR/lists" \
		-o Dir::Cache="$APT_DIR/cache" "$@"
}

say "reading $SUITE's package list"
apt update >"$OUT/apt/update.log" 2>&1 || { cat "$OUT/apt/update.log" >&2; die "apt-get update failed"; }
rm -f "$OUT"/debs/*.deb
for p in $PACKAGES; do
	say "downloading $p from $SUITE"
	(cd "$OUT/debs" && apt download "$p/$SUITE") >"$OUT/apt/download.log" 2>&1 ||
		{ cat "$OUT/apt/download.log" >&2; die "could not download $p"; }
done
rm -rf "$OUT/root"
for deb in "$OUT"/debs/*.deb; do
	dpkg-deb -x "$deb" "$OUT/root"
done
"$OUT/root/usr/bin/qemu-system-x86_64" --version | head -1 >"$OUT/version.tmp" ||
	die "the downloaded QEMU does not run (a library missing? see scripts/deps.sh)"
mv "$OUT/version.tmp" "$OUT/version"
say "$(cat "$OUT/version")"
