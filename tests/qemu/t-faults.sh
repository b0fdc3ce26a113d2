#!/bin/bash
# Provoked failures: every one must print a dump naming the CPU, stop all
# CPUs and end the machine cleanly (debug-exit code 1 -> QEMU status 3),
# never a triple fault or a silent hang.

fault_boot() { # NAME CPUS APPEND
	qemu_boot "$1" -machine q35 -smp "$2" -m 512 -kernel "$BUILD/xen-lite.elf" \
		-append "debug_exit=0xf4 $3"
}

expect_dump() { # EXCEPTION-NAME CPU
	expect_log "$1 on CPU $2 (APIC id $2)" "RIP 0008:" "RSP 0010:" "RAX " "CR0 " "EFER " \
		"backtrace:" "PANIC: unhandled exception $1 in the hypervisor on CPU $2" \
		"system halted"
}

test_fault_invalid_opcode() {
	fault_boot fault-ud 2 "selftest=ud"
	expect_rc 3
	expect_dump "#UD invalid opcode" 0
	expect_log "PANIC on CPU 0" "stopped 1 other CPU(s)"
	test_result
}

test_fault_low_identity_unmapped() {
	# the hypervisor's own load address was identity-mapped during boot; after
	# the switch to the final page tables it must not be reachable any more
	fault_boot fault-pf 1 "selftest=pf"
	expect_rc 3
	expect_dump "#PF page fault" 0
	expect_log "CR2 0000000000200000"
	test_result
}

test_fault_on_ap() {
	fault_boot fault-ap-pf 4 "selftest=ap-pf"
	expect_rc 3
	expect_dump "#PF page fault" 3
	expect_log "PANIC on CPU 3" "stopped 3 other CPU(s)"
	test_result
}

test_fault_panic() {
	fault_boot fault-panic 2 "selftest=panic"
	expect_rc 3
	expect_log "PANIC on CPU 0" "PANIC: selftest: explicit panic" "backtrace:" "system halted"
	test_result
}

test_fault_assert() {
	fault_boot fault-assert 1 "selftest=assert"
	expect_rc 3
	expect_log_regex "PANIC: arch/x86_64/setup.c:[0-9]+: assertion 'which == SELFTEST_NONE' failed"
	test_result
}

test_fault_reboot() {
	# on_panic=reboot without a debug-exit port: QEMU (-no-reboot) exits 0 on the reset
	qemu_boot fault-reboot -machine q35 -m 512 -kernel "$BUILD/xen-lite.elf" \
		-append "selftest=panic on_panic=reboot"
	expect_rc 0
	expect_log "PANIC: selftest: explicit panic" "system halted, rebooting"
	test_result
}
