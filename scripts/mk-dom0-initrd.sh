#!/bin/sh
# Build the dom0 initramfs $BUILD/dom0/initrd.cpio.gz (dom0-tools/initrd/README.md):
# busybox-static with its applet symlinks, /init (dom0-tools/initrd/init), the
# control driver $XENLITE_KO (as lib/modules/VERSION/extra/xenlite.ko) and tool
# $XL_LITE (as /bin/xl-lite), built by mk/dom0.mk (set either to "" to leave it
# out), and the kernel modules named in DOM0_INITRD_MODULES with everything
# they depend on, taken from the kernel fetched by scripts/fetch-kernel.sh. Staging tree:
# $BUILD/dom0/initrd-root/. No root needed: the archive records every file as
# owned by root, and /dev/console comes from the kernel's built-in initramfs.
# XL_MODULES: the hypervisor's behaviour modules ($BUILD/modules/*.xlm), put at
# /lib/xen-lite/modules/ without their debug information (xl-lite module load NAME).
# Called by `make dom0-images` (mk/dom0.mk), which also builds the Linux guests'
# initramfs with it (INITRD_OUT, INITRD_STAGE: where the archive and its staging
# tree go; DOM0_GUEST_FILES: files copied as they are to /guests/), and the
# workload variants of both (mk/workload.mk; INITRD_TREES: directories whose
# contents are copied into the root as they are, e.g. stress-ng and its libraries).
set -eu

BUILD=${BUILD:-build}
OUT=$BUILD/dom0
STAGE=${INITRD_STAGE:-$OUT/initrd-root}
TARGET=${INITRD_OUT:-$OUT/initrd.cpio.gz}
BUSYBOX=${BUSYBOX:-/bin/busybox}
INIT=${DOM0_INIT:-dom0-tools/initrd/init}
MODULES=${DOM0_INITRD_MODULES-ahci sd_mod virtio_blk virtio_pci}
GZIP_LEVEL=${DOM0_INITRD_GZIP:-9}
XENLITE_KO=${XENLITE_KO-$OUT/xenlite.ko}
XL_LITE=${XL_LITE-$OUT/xl-lite}

die() { echo "mk-dom0-initrd: $*" >&2; exit 1; }

[ -s "$OUT/kernel-version" ] || die "no $OUT/kernel-version: run scripts/fetch-kernel.sh first"
ver=$(cat "$OUT/kernel-version")
kmod=$OUT/kernel-root/lib/modules/$ver
[ -x "$BUSYBOX" ] || die "no $BUSYBOX: install busybox-static"
[ -z "$XENLITE_KO" ] || [ -s "$XENLITE_KO" ] || die "no $XENLITE_KO: run make dom0-images"
[ -z "$XL_LITE" ] || [ -x "$XL_LITE" ] || die "no $XL_LITE: run make dom0-images"
# a dynamically linked busybox (package busybox) has a program interpreter
if LC_ALL=C readelf -lW "$BUSYBOX" | grep -q 'INTERP'; then
	die "$BUSYBOX is dynamically linked: install busybox-static"
fi

rm -rf "$STAGE"
mkdir -p "$STAGE"
for d in bin sbin usr/bin usr/sbin dev proc sys tmp run root etc lib/modules; do
	mkdir -p "$STAGE/$d"
done

# busybox and one symlink per applet (bin/sh, sbin/poweroff, usr/bin/nproc, ...)
cp "$BUSYBOX" "$STAGE/bin/busybox"
for a in $("$BUSYBOX" --list-full); do
	case "$a" in
	bin/busybox | linuxrc) continue ;;
	esac
	[ -e "$STAGE/$a" ] || ln -s /bin/busybox "$STAGE/$a"
done

cp "$INIT" "$STAGE/init"
chmod 755 "$STAGE/init"
[ -z "$XL_LITE" ] || cp "$XL_LITE" "$STAGE/bin/xl-lite"
# test programs (DOM0_TEST_TOOLS: static binaries, copied to /bin by their names)
for t in ${DOM0_TEST_TOOLS:-}; do
	cp "$t" "$STAGE/bin/$(basename "$t")"
done
# test guests dom0 can start with xl-lite create-elf (DOM0_GUESTS: ELF files)
if [ -n "${DOM0_GUESTS:-}" ]; then
	mkdir -p "$STAGE/guests"
	for g in $DOM0_GUESTS; do
		# without symbols: an image must fit the driver's 64 KiB transfer
		strip -o "$STAGE/guests/$(basename "$g")" "$g"
	done
fi
# Linux guest images (a kernel, its initramfs): copied unchanged
for f in ${DOM0_GUEST_FILES:-}; do
	mkdir -p "$STAGE/guests"
	cp "$f" "$STAGE/guests/$(basename "$f")"
done
# behaviour modules (XL_MODULES), for xl-lite module load; built for the hypervisor of
# this build, whose build id each carries
for m in ${XL_MODULES:-}; do
	mkdir -p "$STAGE/lib/xen-lite/modules"
	strip --strip-debug -o "$STAGE/lib/xen-lite/modules/$(basename "$m")" "$m"
done
# the tests' modules (XL_TEST_MODULES: valid and refused ones) at /lib/xen-lite/test-modules/
for m in ${XL_TEST_MODULES:-}; do
	mkdir -p "$STAGE/lib/xen-lite/test-modules"
	cp "$m" "$STAGE/lib/xen-lite/test-modules/$(basename "$m")"
done
# example guest configurations (DOM0_CONFIGS), for xl-lite create
for c in ${DOM0_CONFIGS:-}; do
	mkdir -p "$STAGE/etc/xen-lite"
	cp "$c" "$STAGE/etc/xen-lite/$(basename "$c")"
done
# whole trees (INITRD_TREES): programs with their libraries, laid out as in their root
for t in ${INITRD_TREES:-}; do
	[ -d "$t" ] || die "no directory $t"
	cp -a "$t/." "$STAGE/"
done
echo "root:x:0:0:root:/root:/bin/sh" >"$STAGE/etc/passwd"
echo "root:x:0:" >"$STAGE/etc/group"

# modules: the named ones and their dependencies (modules.dep of the whole
# kernel, written by busybox depmod in fetch-kernel.sh), then a modules.dep
# for just these
if [ -n "$MODULES" ]; then
	[ -s "$kmod/modules.dep" ] || "$BUSYBOX" depmod -b "$OUT/kernel-root" "$ver"
	mkdir -p "$STAGE/lib/modules/$ver"
	for m in $MODULES; do
		m=$(echo "$m" | tr - _)
		line=$(sed -n "s,^\(.*/$m\.ko\): *,\1 ,p" "$kmod/modules.dep" | head -1)
		[ -n "$line" ] || line=$(sed -n "s,^\(.*/$(echo "$m" | tr _ -)\.ko\): *,\1 ,p" \
			"$kmod/modules.dep" | head -1)
		[ -n "$line" ] || die "module $m is not in $kmod/modules.dep"
		for f in $line; do
			mkdir -p "$STAGE/lib/modules/$ver/$(dirname "$f")"
			cp "$kmod/$f" "$STAGE/lib/modules/$ver/$f"
		done
	done
	cp "$kmod/modules.builtin" "$kmod/modules.order" "$STAGE/lib/modules/$ver/"
fi
# the control driver, loaded by /init (modprobe xenlite; for a guest's initramfs
# its module, modprobe xenlite-guest): kept under its own name
# EXTRA_KOS: more out-of-tree modules the same way (a Linux guest's test module)
for ko in $XENLITE_KO ${EXTRA_KOS:-}; do
	mkdir -p "$STAGE/lib/modules/$ver/extra"
	cp "$ko" "$STAGE/lib/modules/$ver/extra/$(basename "$ko")"
done
if [ -d "$STAGE/lib/modules/$ver" ]; then
	"$BUSYBOX" depmod -b "$STAGE" "$ver"
fi

# the archive: sorted names, everything owned by root, then gzip
mkdir -p "$(dirname "$TARGET")"
(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) \
	>"$TARGET.cpio.tmp"
gzip -n -"$GZIP_LEVEL" -c "$TARGET.cpio.tmp" >"$TARGET.tmp"
rm -f "$TARGET.cpio.tmp"
mv "$TARGET.tmp" "$TARGET"
echo "mk-dom0-initrd: $TARGET: $(wc -c <"$TARGET") bytes, busybox," \
	"init,${XL_LITE:+ xl-lite,}${XL_MODULES:+ $(echo "$XL_MODULES" | wc -w) hypervisor module(s),}" \
	"$(find "$STAGE/lib/modules" -name '*.ko' | wc -l) module(s) for Linux $ver"
