#!/bin/bash
# The dom0 images (`make dom0-images`: Debian's kernel and the busybox
# initramfs, dom0-tools/initrd/README.md) booted directly by QEMU, without
# the hypervisor: proves the images work on their own, so that a failing
# dom0 boot under xen-lite is the hypervisor's fault.

DOM0_KERNEL=$BUILD/dom0/vmlinuz
DOM0_INITRD=$BUILD/dom0/initrd.cpio.gz

setup_dom0_native() {
	make -s BUILD="$BUILD" dom0-images
}

test_dom0_images_boot_natively() {
	# the init prints its facts, loads two of the modules it carries, powers
	# off (ACPI S5), and QEMU exits with status 0
	qemu_boot dom0-native -machine q35 -smp 1 -m 1G \
		-kernel "$DOM0_KERNEL" -initrd "$DOM0_INITRD" \
		-append "console=ttyS0 xl_test=poweroff xl_modules=ahci,virtio_blk"
	expect_rc 0
	expect_log "xen-lite-dom0: init reached" "xen-lite-dom0: cpus 1" \
		"xen-lite-dom0: modprobe ahci ok" "xen-lite-dom0: modprobe virtio_blk ok" \
		"xen-lite-dom0: powering off"
	expect_log_regex "^xen-lite-dom0: memtotal [0-9]+ kB"
	expect_no_log "Kernel panic" "unable to open an initial console"
	test_result
}
