#!/bin/bash
# The GRUB2 ISO (multiboot2 with module2 lines, as a site writes them)
# under SeaBIOS and under OVMF (UEFI).

ISO=$BUILD/xen-lite-test.iso

grub_expect_common() {
	expect_rc 1
	expect_log "booted by GRUB" "via multiboot2" \
		"'first module args=1'" "'second'" \
		"command line: 'console=com1,115200 debug_exit=0xf4 after_boot=halt'"
	expect_no_fault
}

test_grub_bios_1cpu() {
	qemu_boot grub-bios-1cpu -machine q35 -smp 1 -m 512 -cdrom "$ISO"
	grub_expect_common
	expect_boot 1 500 512 2
	test_result
}

test_grub_bios_2cpu_4g() {
	qemu_boot grub-bios-2cpu-4g -machine q35 -smp 2 -m 4G -cdrom "$ISO"
	grub_expect_common
	expect_boot 2 4080 4096 2
	test_result
}

test_grub_bios_4cpu_pc() {
	qemu_boot grub-bios-4cpu-pc -machine pc -smp 4 -m 1G -cdrom "$ISO"
	grub_expect_common
	expect_boot 4 1000 1024 2
	test_result
}

test_grub_uefi_1cpu() {
	# shellcheck disable=SC2046
	qemu_boot grub-uefi-1cpu -machine q35 -smp 1 -m 512 $(ovmf_args grub-uefi-1cpu) -cdrom "$ISO"
	grub_expect_common
	expect_log "acpi: RSDP revision 2"
	expect_boot 1 400 512 2
	test_result
}

test_grub_uefi_4cpu_4g() {
	# shellcheck disable=SC2046
	qemu_boot grub-uefi-4cpu-4g -machine q35 -smp 4 -m 4G $(ovmf_args grub-uefi-4cpu-4g) -cdrom "$ISO"
	grub_expect_common
	expect_boot 4 4000 4096 2
	test_result
}
