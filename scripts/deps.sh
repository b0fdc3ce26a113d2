#!/bin/sh
# Install the Debian packages the build and the tests need, or say exactly
# how to. Called by `make run`, `make check` and `make deps`.
set -e

PACKAGES="make gcc clang lld binutils mtools xorriso grub-common grub-pc-bin
grub-efi-amd64-bin ovmf gnu-efi libcmocka-dev qemu-system-x86
busybox-static cpio libc6-dev python3 libclang-rt-14-dev lintian gnuplot-nox
debootstrap fdisk"

missing=
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: missing Debian packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root:  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
