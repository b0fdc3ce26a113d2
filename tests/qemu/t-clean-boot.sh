#!/bin/bash
# Debian's stock kernel boots clean as dom0 and as a Linux guest: no warning,
# call trace or unchecked MSR access that the same kernel does not also print
# when QEMU boots it natively (the CPU model's own notices, such as the
# speculative-execution ones for an EPYC of this age, appear there too).
# A guest that is shown a CPU feature or an MSR it then cannot use shows it here.

setup_clean_boot() {
	make -s BUILD="$BUILD" dom0-images
}

# the kernel's complaints in a log, for one source ("(d0)" or "(d1 boot)"), without timestamps
kernel_complaints() {
	grep -aF "$2" "$1" | tr -d '\r' | sed -E 's/.*\[ *[0-9]+\.[0-9]+\] //' |
		grep -E 'WARNING|Call Trace|unchecked MSR access|BUG:|Oops|RIP:|cut here' |
		sed -E 's/0x[0-9a-f]{8,}/ADDR/g' | sort -u
}

test_stock_kernel_boots_clean() {
	local native extra
	# natively first: what this kernel says on this CPU model without the hypervisor
	qemu_boot clean-native -machine q35 -smp 2 -m 1G -kernel "$BUILD/dom0/vmlinuz" \
		-initrd "$BUILD/dom0/initrd.cpio.gz" -append "console=ttyS0 xl_test=poweroff"
	expect_rc 0
	native=$(grep -aE '^\[ *[0-9]+\.[0-9]+\] ' "$LOG" | sed 's/^/(d0) /' >"$LOG.d0" &&
		kernel_complaints "$LOG.d0" "(d0) ")
	QEMU_TIMEOUT=120 qemu_boot clean-boot -machine q35 -smp 3 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=guest_boot,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: guest-boot: shell up" "xen-lite-dom0: destroy: exit 0"
	for who in "(d0) " "(d1 boot) "; do
		extra=$(comm -13 <(echo "$native") <(kernel_complaints "$LOG" "$who"))
		[ -z "$extra" ] || test_fail "$who: the kernel complains where it does not natively: $extra"
	done
	test_result
}
