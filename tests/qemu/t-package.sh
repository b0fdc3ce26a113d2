#!/bin/bash
# The Debian packages (make deb, Documentation/install.md): the hypervisor image the
# xen-lite-hypervisor package installs - stripped, as packages ship it - boots the
# whole stack from GRUB (multiboot2, SeaBIOS) and from QEMU's multiboot1 loader, with
# Debian's kernel as dom0; and the menu its /etc/grub.d/20_xen_lite writes for a /boot
# with two kernels boots the newest. A stripped image once failed to load: the multiboot
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

# the package's /etc/grub.d/20_xen_lite over a /boot holding the packaged image, the dom0
# kernel with its initrd as Debian names them, and an older kernel without one: two
# entries, newest first, each with the settings of /etc/default/grub.d/xen-lite.cfg;
# GRUB then boots the first
test_package_grub_menu_boots() {
	local image root=$LOGDIR/package-menu dir=$LOGDIR/package-menu-iso iso=$LOGDIR/package-menu.iso f
	local kver=6.1.0-57-amd64
	image=$(packaged_image) || { test_fail "no image in the package"; test_result; return; }
	rm -rf "$root" "$dir" && mkdir -p "$root/boot" "$dir/boot/grub"
	[ -x "$LOGDIR/package-root/etc/grub.d/20_xen_lite" ] || test_fail "no executable /etc/grub.d/20_xen_lite"
	grep -q '^GRUB_CMDLINE_XEN_LITE=.*dom0_mem=' "$LOGDIR/package-root/etc/default/grub.d/xen-lite.cfg" ||
		test_fail "the default settings give no dom0_mem"
	cp "$image" "$root/boot/"
	cp "$BUILD/dom0/vmlinuz" "$root/boot/vmlinuz-$kver"
	cp "$BUILD/dom0/initrd.cpio.gz" "$root/boot/initrd.img-$kver"
	cp "$BUILD/dom0/vmlinuz" "$root/boot/vmlinuz-6.1.0-9-amd64"
	printf '%s\n' 'GRUB_CMDLINE_XEN_LITE="console=com1,115200 dom0_mem=512M"' \
		'GRUB_CMDLINE_LINUX_XEN_LITE_DOM0="console=ttyS0 xl_test=poweroff"' >"$root/xen-lite.cfg"
	printf '%s\n' "set timeout=0" "set default=0" "serial --unit=0 --speed=115200" \
		"terminal_input serial" "terminal_output serial" >"$dir/boot/grub/grub.cfg"
	XEN_LITE_BOOT_DIR=$root/boot XEN_LITE_DEFAULTS=$root/xen-lite.cfg GRUB_DISTRIBUTOR=Debian \
		sh "$LOGDIR/package-root/etc/grub.d/20_xen_lite" >"$root/menu.cfg" 2>"$root/menu.err" ||
		test_fail "20_xen_lite failed: $(cat "$root/menu.err")"
	cat "$root/menu.cfg" >>"$dir/boot/grub/grub.cfg"
	[ "$(grep -c '^menuentry ' "$root/menu.cfg")" -eq 2 ] || test_fail "not two entries: $(cat "$root/menu.cfg")"
	grep '^menuentry ' "$root/menu.cfg" | head -n 1 | grep -q "Linux $kver'" || test_fail "the newest kernel is not first"
	grep -q "module2 --nounzip .*/initrd.img-$kver\$" "$root/menu.cfg" || test_fail "no initrd line"
	[ "$(grep -c 'module2 --nounzip' "$root/menu.cfg")" -eq 1 ] || test_fail "an initrd for the kernel without one"
	grep -q "multiboot2 .*/xen-lite-.*\.elf console=com1,115200 dom0_mem=512M\$" "$root/menu.cfg" ||
		test_fail "the hypervisor's command line is not the settings'"
	# GRUB reads the paths the script wrote (relative to their file system): the same in the ISO
	for f in $(awk '$1 == "multiboot2" || $1 == "module2" { print ($2 == "--nounzip") ? $3 : $2 }' "$root/menu.cfg"); do
		mkdir -p "$dir$(dirname "$f")" && cp "$root/boot/$(basename "$f")" "$dir$f"
	done
	grub-mkrescue -o "$iso" "$dir" >"$LOGDIR/package-menu-iso.log" 2>&1 || test_fail "grub-mkrescue failed"
	qemu_boot package-menu -machine q35 -smp 2 -m 1G -cdrom "$iso"
	expect_log "booted by GRUB" "via multiboot2" "xen-lite-dom0: cpus 1"
	expect_packaged_dom0
	test_result
}
