#!/bin/sh
# make deb: three Debian packages from the build (Documentation/install.md):
#   xen-lite-hypervisor  the images GRUB and UEFI start, under /boot, and their behaviour
#                        modules under /usr/lib/xen-lite/modules
#   xen-lite-utils       xl-lite, the back-ends, the supervisor xl-lited and its systemd unit,
#                        example guest configurations, the documentation
#   xen-lite-dkms        dom0's control device as DKMS source, rebuilt for every kernel
# Built with dpkg-deb from trees packaging/install.sh fills; written to $BUILD/pkg/.
# Environment: BUILD, VERSION (the hypervisor's), DEB_REVISION (default 1), XL_MODULES
# (the behaviour modules built, passed on to packaging/install.sh), PKG_OUT (another
# directory for the packages: the Debian image test's "previous release" to upgrade from).
set -eu
: "${BUILD:?}" "${VERSION:?}"
REV=${DEB_REVISION:-1}
OUT=${PKG_OUT:-$BUILD/pkg}
MAINTAINER="xen-lite developers <xen-lite@example.org>"

# the glibc version xl-lite needs: the newest GLIBC_x.y symbol version it references
libc_version() {
	objdump -T "$1" | sed -n 's/.*GLIBC_\([0-9.]*\).*/\1/p' | sort -t. -k1,1n -k2,2n | tail -n 1
}

# package NAME ARCH SECTION "Depends: ...\n..." SUMMARY DESCRIPTION-LINES
package() {
	name=$1 arch=$2 section=$3 relations=$4 summary=$5 description=$6
	root=$OUT/$name
	rm -rf "$root"
	mkdir -p "$root/DEBIAN"
	part=${name#xen-lite-}
	BUILD=$BUILD VERSION=$VERSION PREFIX=/usr DOCDIR=/usr/share/doc/$name sh packaging/install.sh "$part" "$root"
	install -D -m 0644 packaging/copyright "$root/usr/share/doc/$name/copyright"
	if [ -f "packaging/$name.lintian-overrides" ]; then
		install -D -m 0644 "packaging/$name.lintian-overrides" "$root/usr/share/lintian/overrides/$name"
	fi
	sed "s/@VERSION@/$VERSION-$REV/" packaging/changelog | gzip -9n >"$root/usr/share/doc/$name/changelog.Debian.gz"
	chmod 0644 "$root/usr/share/doc/$name/changelog.Debian.gz"
	for script in postinst prerm postrm; do
		if [ -f "packaging/$name.$script" ]; then
			sed "s/@VERSION@/$VERSION/" "packaging/$name.$script" >"$root/DEBIAN/$script"
			chmod 0755 "$root/DEBIAN/$script"
		fi
	done
	{
		echo "Package: $name"
		echo "Version: $VERSION-$REV"
		echo "Architecture: $arch"
		echo "Maintainer: $MAINTAINER"
		echo "Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)"
		[ -z "$relations" ] || printf '%b\n' "$relations"
		echo "Section: $section"
		echo "Priority: optional"
		echo "Homepage: https://example.org/xen-lite"
		echo "Description: $summary"
		printf '%s\n' "$description"
	} >"$root/DEBIAN/control"
	(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) \
		>"$root/DEBIAN/md5sums"
	# what is under /etc is the site's once installed: dpkg keeps its changes
	# (xen-lite-utils' /etc/xen-lite/auto is an empty directory: no conffiles file then)
	if [ -d "$root/etc" ] && [ -n "$(cd "$root" && find etc -type f)" ]; then
		(cd "$root" && find etc -type f -printf '/%p\n' | sort) >"$root/DEBIAN/conffiles"
		chmod 0644 "$root/DEBIAN/conffiles"
	fi
	chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
	find "$root" -type d -exec chmod 0755 {} +
	dpkg-deb --root-owner-group -Zxz --build "$root" "$OUT/${name}_$VERSION-${REV}_$arch.deb" >/dev/null
	echo "$OUT/${name}_$VERSION-${REV}_$arch.deb"
}

mkdir -p "$OUT"
rm -f "$OUT"/*.deb
package xen-lite-hypervisor amd64 kernel \
	"Recommends: xen-lite-utils, xen-lite-dkms, grub-pc-bin | grub-efi-amd64-bin" \
	"small type-1 hypervisor for HPC nodes" \
" xen-lite boots from GRUB2 (multiboot2) or UEFI, gives the node's devices to
 a stock Linux kernel running as dom0, and runs HPC guests on dedicated
 cores with large-page memory and devices assigned through the IOMMU.
 .
 This package holds the hypervisor images under /boot, the behaviour modules
 built with them (/usr/lib/xen-lite/modules, loaded with xl-lite module load)
 and the script that gives update-grub an entry per dom0 kernel
 (/etc/grub.d/20_xen_lite, settings in /etc/default/grub.d/xen-lite.cfg)."
package xen-lite-utils amd64 admin \
	"Depends: libc6 (>= $(libc_version "$BUILD/pkg/xl-lite"))\nRecommends: xen-lite-dkms" \
	"xen-lite's management tool for dom0" \
" xl-lite creates, lists, pauses and destroys xen-lite guests, shows their
 consoles, and takes PCI devices from dom0 for them, from dom0 of a node
 booted into the xen-lite hypervisor. Example guest configurations are in
 /usr/share/doc/xen-lite-utils/examples.
 .
 The supervisor xl-lited (xen-lite.service, enabled at install) keeps each
 guest's console in /var/log/xen-lite, starts the guests of
 /etc/xen-lite/auto at boot and shuts the guests down with dom0."
package xen-lite-dkms all kernel \
	"Depends: dkms (>= 2.1.0.0)" \
	"xen-lite's dom0 control device, as DKMS source" \
" The kernel module behind /dev/xenlite, through which xl-lite reaches the
 xen-lite hypervisor from dom0. DKMS builds it for every kernel installed
 on the node."
