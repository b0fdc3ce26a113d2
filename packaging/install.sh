#!/bin/sh
# Install xen-lite's parts under DESTDIR (make install, and each Debian package's
# tree for make deb: packaging/mk-debs.sh). Usage:
#   install.sh PART DESTDIR     PART: hypervisor | utils | dkms | all
# Environment: BUILD (the build directory), PREFIX (default /usr), VERSION,
# SYSTEMD_UNIT_DIR (default /lib/systemd/system: xen-lite.service),
# DOCDIR (default PREFIX/share/doc/xen-lite), XL_MODULES (the behaviour modules
# built, $BUILD/modules/*.xlm: mk/modules.mk).
set -eu
part=$1
dest=$2
: "${BUILD:?}" "${VERSION:?}"
PREFIX=${PREFIX:-/usr}
DOCDIR=${DOCDIR:-$PREFIX/share/doc/xen-lite}
SYSTEMD_UNIT_DIR=${SYSTEMD_UNIT_DIR:-/lib/systemd/system}

# install_man PAGE SECTION: man/PAGE under PREFIX/share/man/manSECTION, compressed as Debian wants
install_man() {
	install -d "$dest$PREFIX/share/man/man$2"
	gzip -9n <"man/$1" >"$dest$PREFIX/share/man/man$2/$1.gz"
	chmod 0644 "$dest$PREFIX/share/man/man$2/$1.gz"
}

hypervisor() {
	# the image GRUB loads (multiboot2, ELF) and the one UEFI starts, versioned as Xen's are;
	# the ELF without its symbols ($BUILD/xen-lite.elf keeps them for debugging)
	install -d "$dest/boot"
	strip -o "$dest/boot/xen-lite-$VERSION.elf" "$BUILD/xen-lite.elf"
	chmod 0644 "$dest/boot/xen-lite-$VERSION.elf"
	install -D -m 0644 "$BUILD/xen-lite.efi" "$dest/boot/xen-lite-$VERSION.efi"
	# update-grub's entries for it, and their settings
	install -D -m 0755 packaging/20_xen_lite "$dest/etc/grub.d/20_xen_lite"
	install -D -m 0644 packaging/xen-lite.cfg "$dest/etc/default/grub.d/xen-lite.cfg"
	# its behaviour modules (built for this image: each carries its build id), without
	# their debug information; xl-lite module load NAME finds them there
	for m in ${XL_MODULES:-}; do
		install -d "$dest$PREFIX/lib/xen-lite/modules"
		strip --strip-debug -o "$dest$PREFIX/lib/xen-lite/modules/$(basename "$m")" "$m"
		chmod 0644 "$dest$PREFIX/lib/xen-lite/modules/$(basename "$m")"
	done
	install -D -m 0644 Documentation/boot.md "$dest$DOCDIR/boot.md"
	install -D -m 0644 Documentation/grub.cfg.example "$dest$DOCDIR/examples/grub.cfg"
	install_man xen-lite.7 7
}

utils() {
	install -D -m 0755 "$BUILD/pkg/xl-lite" "$dest$PREFIX/sbin/xl-lite"
	install -D -m 0755 "$BUILD/pkg/xl-vblk" "$dest$PREFIX/sbin/xl-vblk"
	install -D -m 0755 "$BUILD/pkg/xl-vnet" "$dest$PREFIX/sbin/xl-vnet"
	install -D -m 0755 "$BUILD/pkg/xl-lited" "$dest$PREFIX/sbin/xl-lited"
	# Slurm: the SPANK plugin (--hpc-guest) and the prolog and epilog it needs
	install -D -m 0644 "$BUILD/pkg/xen-lite-spank.so" "$dest$PREFIX/lib/xen-lite/slurm/xen-lite-spank.so"
	install -D -m 0755 dom0-tools/slurm/prolog "$dest$PREFIX/lib/xen-lite/slurm/prolog"
	install -D -m 0755 dom0-tools/slurm/epilog "$dest$PREFIX/lib/xen-lite/slurm/epilog"
	install -D -m 0755 dom0-tools/slurm/relay "$dest$PREFIX/lib/xen-lite/slurm/relay"
	# the supervisor's unit where systemd looks for a package's (Debian 12: /lib), naming
	# xl-lited where it is installed; its auto guests' directory, empty, and its logs'
	install -d "$dest$SYSTEMD_UNIT_DIR"
	sed "s|/usr/sbin/xl-lited|$PREFIX/sbin/xl-lited|g" packaging/xen-lite.service \
		>"$dest$SYSTEMD_UNIT_DIR/xen-lite.service"
	chmod 0644 "$dest$SYSTEMD_UNIT_DIR/xen-lite.service"
	install -d -m 0755 "$dest/etc/xen-lite/auto"
	install -d -m 0755 "$dest/var/log/xen-lite"
	for cfg in dom0-tools/examples/*.cfg; do
		install -D -m 0644 "$cfg" "$dest$DOCDIR/examples/$(basename "$cfg")"
	done
	for doc in config.md tools.md iommu.md linux-guests.md virtio.md; do
		install -D -m 0644 "Documentation/$doc" "$dest$DOCDIR/$doc"
	done
	install_man xl-lite.1 1
	install_man xl-lite.cfg.5 5
	install_man xl-vblk.8 8
	install_man xl-vnet.8 8
	install_man xl-lited.8 8
	# bash-completion's directory, where it looks a command's completion up when first asked
	install -D -m 0644 dom0-tools/xl-lite.bash-completion \
		"$dest$PREFIX/share/bash-completion/completions/xl-lite"
}

# dom0's control device as DKMS source: rebuilt for every kernel dom0 boots
dkms() {
	src=$dest$PREFIX/src/xenlite-$VERSION
	install -D -m 0644 pv-drivers/xenlite/Kbuild "$src/pv-drivers/xenlite/Kbuild"
	install -D -m 0644 pv-drivers/xenlite/xenlite.c "$src/pv-drivers/xenlite/xenlite.c"
	install -D -m 0644 pv-drivers/xenlite/xenlite-ioctl.h "$src/pv-drivers/xenlite/xenlite-ioctl.h"
	install -D -m 0644 hypercalls/xen-lite-abi.h "$src/hypercalls/xen-lite-abi.h"
	sed "s/@VERSION@/$VERSION/" packaging/dkms.conf >"$src/dkms.conf"
	chmod 0644 "$src/dkms.conf"
}

case "$part" in
hypervisor | utils | dkms) "$part" ;;
all)
	hypervisor
	utils
	dkms
	install -D -m 0644 README.md "$dest$DOCDIR/README.md"
	# installed on this system (not into a staging tree): the supervisor enabled for the next boot
	if [ "$(cd "$dest" && pwd -P)" = / ] && [ -d /run/systemd/system ]; then
		systemctl daemon-reload && systemctl enable xen-lite.service
	else
		echo "install.sh: enable the supervisor on the node with: systemctl enable xen-lite.service"
	fi
	;;
*)
	echo "install.sh: unknown part '$part'" >&2
	exit 2
	;;
esac
