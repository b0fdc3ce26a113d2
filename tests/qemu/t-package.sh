#!/bin/bash
# The Debian packages (make deb, Documentation/install.md): the hypervisor image the
# xen-lite-hypervisor package installs - stripped, as packages ship it - boots the
# whole stack from GRUB (multiboot2, SeaBIOS) and from QEMU's multiboot1 loader, with
# Debian's kernel as dom0. A stripped image once failed to load: the multiboot
# headers named an end of data past the end of the file (arch/x86_64/xen-lite.ld).

setup_package() {
	make -s BUILD="$BUILD" deb dom0-images >/dev/null
}

# packaged_image: the ELF image out of the hypervisor package, on stdout its path
packaged_image() {
	local ver root=$LOGDIR/package-root
	ver=$(sed -n 's/^#define XEN_LITE_VERSION "\(.*\)"/\1/p' include/xen-lite/version.h)
	rm -rf "$root"
	dpkg-deb -x "$BUILD/pkg/xen-lite-hypervisor_$ver-1_amd64.deb" "$root" || return 1
	echo "$root/boot/xen-lite-$ver.elf"
}

expect_packaged_dom0() {
	expect_rc 0
	expect_log "dom0: entering the kernel on CPU 0" "xen-lite-dom0: init reached" \
		"xen-lite-dom0: powering off"
	expect_no_log "PANIC" "Kernel panic" "crashed"
}

test_package_image_boots_from_grub() {
	local image iso=$LOGDIR/package.iso dir=$LOGDIR/package-iso
	image=$(packaged_image) || { test_fail "no image in the package"; test_result; return; }
	! readelf -SW "$image" | grep -q '\.symtab' || test_fail "the packaged image is not stripped"
	rm -rf "$dir" && mkdir -p "$dir/boot/grub"
	cp "$image" "$dir/boot/xen-lite.elf"
	cp "$BUILD/dom0/vmlinuz" "$dir/boot/vmlinuz"
	cp "$BUILD/dom0/initrd.cpio.gz" "$dir/boot/initrd.img"
	cp tests/qemu/grub-dom0-test.cfg "$dir/boot/grub/grub.cfg"
	grub-mkrescue -o "$iso" "$dir" >"$LOGDIR/package-iso.log" 2>&1 || test_fail "grub-mkrescue failed"
	qemu_boot package-grub -machine q35 -smp 2 -m 1G -cdrom "$iso"
	expect_log "booted by GRUB" "via multiboot2"
	expect_packaged_dom0
	test_result
}

test_package_image_boots_multiboot1() {
	local image
	image=$(packaged_image) || { test_fail "no image in the package"; test_result; return; }
	qemu_boot package-mb1 -machine q35 -smp 2 -m 1G -kernel "$image" -append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=poweroff,$BUILD/dom0/initrd.cpio.gz"
	expect_log "via multiboot1"
	expect_packaged_dom0
	test_result
}
