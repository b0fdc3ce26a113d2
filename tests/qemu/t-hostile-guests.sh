#!/bin/bash
# A guest can crash only itself: Linux guests whose kernel does its worst on
# purpose (the tests' module xenlite-hostile, tests/kmod/README.md) - the
# hypervisor, dom0 and the node's resources must come out unharmed. Each test
# boots dom0 with xl_test=guest_hostile (dom0-tools/initrd/init), which starts
# the guest, lists the node while the guest acts, then destroys it and
# compares the node's free memory and CPUs with what they were before.

setup_hostile_guests() {
	make -s BUILD="$BUILD" dom0-images
}

# hostile_boot NAME ACTION VCPUS [QEMU ARGS...]: dom0 plus a guest doing ACTION
hostile_boot() {
	local name=$1 action=$2 vcpus=$3
	shift 3
	qemu_boot "$name" -machine q35 -smp $((vcpus + 1)) -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=guest_hostile xl_hostile=$action:$vcpus,$BUILD/dom0/initrd.cpio.gz" \
		"$@"
}

# what every hostile guest must leave behind: a running dom0, a destroyed guest, the node as before
expect_unharmed() {
	expect_rc 0
	expect_log "xen-lite-dom0: hostile: created 1" "xen-lite-hostile: $1 start" \
		"xen-lite-dom0: destroy: exit 0" "xen-lite-dom0: hostile: node unchanged"
	expect_no_log "PANIC" "Kernel panic" "node changed"
	expect_no_log_regex "dom0\) crashed|hostile: list during [0-9]+: exit [1-9]"
}

# A guest's interrupt with vector 18 (where #MC is) left pending when it leaves its CPU:
# an IPI to itself with interrupts off, then a power off. xAPIC: the ICR refuses it.
test_hostile_reserved_vector_self_ipi() {
	hostile_boot hostile-selfipi selfipi 1
	expect_unharmed selfipi
	expect_log "IPI refused (ICR 0x00000000:00040012, destination APIC id 0): vectors 0-31 are the exceptions'"
	test_result
}

# x2APIC: the SELF_IPI register is written natively (no exit), so the interrupt is
# really pending when the guest leaves: the hypervisor takes it as the interrupt it is
test_hostile_reserved_vector_self_ipi_x2apic() {
	local -a QEMU_SYSTEM
	local QEMU_CPU
	use_qemu10 || return 1
	hostile_boot hostile-selfipi-x2apic selfipi 1
	expect_unharmed selfipi
	test_result
}

# The APIC timer armed with vector 18 and let fire with interrupts off: written masked
test_hostile_reserved_vector_timer() {
	hostile_boot hostile-lvt lvt 1
	expect_unharmed lvt
	test_result
}

test_hostile_reserved_vector_timer_x2apic() {
	local -a QEMU_SYSTEM
	local QEMU_CPU
	use_qemu10 || return 1
	hostile_boot hostile-lvt-x2apic lvt 1
	expect_unharmed lvt
	test_result
}

# dom0's NMIs to its own vCPUs become virtual NMIs, each with a kick NMI to the target's
# CPU, which is often inside the hypervisor's console then (the target prints long
# lines): no NMI may make the hypervisor take a lock there, none may enter dom0's NMI
# handler before the last one has returned
test_hostile_dom0_nmi_storm() {
	QEMU_TIMEOUT=120 qemu_boot dom0-nmistorm -machine q35 -smp 3 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M dom0_max_vcpus=3" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=nmi_storm,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-hostile: nmistorm start" "xen-lite-dom0: nmi-storm: module returned"
	expect_log_regex "xen-lite-hostile: nmistorm done: [1-9][0-9]* NMIs taken"
	expect_no_log "PANIC" "Kernel panic" "dom0) crashed"
	test_result
}

# A guest whose NMI handler never returns would keep NMIs - and the hypervisor's kicks -
# blocked on its CPU: guests get no virtual NMIs, so the NMI never arrives, the domain is
# destroyed and its CPUs and memory come back
test_hostile_nmi_never_returns() {
	QEMU_TIMEOUT=120 hostile_boot hostile-nmihang nmihang 2
	expect_unharmed nmihang
	expect_log "xen-lite-hostile: nmihang done" \
		"NMIs are not delivered to guests (they could make a CPU unreachable)"
	test_result
}

# dom0's Linux writes back the MTRRs and machine-check registers it read: those are the
# whole node's (the hypervisor's memory types too), so the writes are dropped, not refused
test_hostile_dom0_node_msrs() {
	qemu_boot dom0-msrs -machine q35 -smp 1 -m 1G -kernel "$BUILD/xen-lite.elf" -append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=dom0_msrs,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-hostile: dom0msrs: 4 of 4 unchanged" "xen-lite-dom0: dom0-msrs: modprobe exit 0"
	expect_no_log "the write faulted" "PANIC" "Kernel panic"
	test_result
}

# Two threads of dom0 (on its two vCPUs) write the serial port at once: the virtual UART
# and its line buffer are shared by dom0's vCPUs, and must stay whole (every line the
# hypervisor prints for dom0 at most 1024 characters, made of what dom0 wrote)
test_hostile_dom0_uart_race() {
	local bad
	QEMU_TIMEOUT=90 qemu_boot dom0-uart-race -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M dom0_max_vcpus=2" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=uart_race,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log_regex "uart-race: [1-9][0-9]* bytes from 2 threads"
	expect_log "xen-lite-dom0: uart-race: exit 0"
	bad=$(grep -a '^(d0) [ab]' "$LOG" | tr -d '\r' | awk 'length($0) > 1029 || /[^ab]$/ { n++ } END { print n + 0 }')
	[ "$bad" -eq 0 ] || test_fail "$bad line(s) of the race longer than 1024 or not made of what dom0 wrote"
	expect_no_log "PANIC" "Kernel panic"
	test_result
}

# dom0 exits as fast as it can (CPUID) while a 1 ms timer runs, for 20 s: every exit is a
# chance for QEMU's TCG (7.2 to 10.0) to lose the poll request of a local APIC interrupt
# that arrives at that moment (Documentation/testing.md): dom0's timer interrupt must be
# taken all the same, and no gap between its expirations reach a second
test_hostile_dom0_timer_under_exits() {
	local gap
	QEMU_TIMEOUT=120 qemu_boot dom0-timer-gap -machine q35 -smp 1 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 xl_test=timer_gap,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: timer-gap: exit 0"
	expect_log_regex "timer-gap: [1-9][0-9]{5,} exits, [1-9][0-9]* expirations, longest gap [0-9]+ ms"
	gap=$(grep -ao 'longest gap [0-9]*' "$LOG" | tail -1 | tr -dc 0-9)
	[ -n "$gap" ] && [ "$gap" -lt $((1000 * TIME_SCALE)) ] ||
		test_fail "dom0's timer stopped for ${gap:-?} ms (bound $((1000 * TIME_SCALE)) ms)"
	grep -a "timer-gap: [0-9]" "$LOG" | tail -1 | tr -d '\r' | sed 's/^/    /'
	expect_no_log "PANIC" "Kernel panic"
	test_result
}

# A guest writes its console as fast as it can (4096 newlines a call) on a console slowed
# down (console_delay_us=10 a byte; a real 115200-baud line is 87, too slow to use up the
# budget within the test): the hypervisor prints no more of it than its budget, holds no
# lock across the serial line, answers dom0, and destroys the guest at once
test_hostile_console_flood() {
	local lines ms limit
	QEMU_TIMEOUT=150 qemu_boot dom0-flood -machine q35 -smp 2 -m 1G -kernel "$BUILD/xen-lite.elf" \
		-append "dom0_mem=512M console_delay_us=10" \
		-initrd "$BUILD/dom0/vmlinuz console=ttyS0 quiet xl_test=flood,$BUILD/dom0/initrd.cpio.gz"
	expect_rc 0
	expect_log "xen-lite-dom0: flood: created 1" "(d1 flood) flood: flooding the console" \
		"xen-lite-dom0: destroy: exit 0" "xen-lite-dom0: flood: node unchanged"
	expect_log_regex "\(d1 flood\) \[[0-9]+ line\(s\) not shown here: over its console rate"
	# 1 s on the reference machine (measured: 20-400 ms), scaled like every bound
	limit=$(($(scaled_seconds 1) * 1000))
	ms=$(sed -nE 's/.*xen-lite-dom0: flood: destroy took ([0-9]+) ms.*/\1/p' "$LOG" | head -1)
	[ "${ms:-99999}" -le "$limit" ] ||
		test_fail "destroying the flooding guest took ${ms:-?} ms (at most $limit)"
	for ms in $(sed -nE 's/.*xen-lite-dom0: flood: list took ([0-9]+) ms.*/\1/p' "$LOG"); do
		[ "$ms" -le "$limit" ] || test_fail "xl-lite list took $ms ms during the flood (at most $limit)"
	done
	# the budget: 64 KiB at once, 4 KiB a second after, about 40 bytes a line
	lines=$(grep -ac '(d1 flood) ' "$LOG")
	[ "$lines" -le 4000 ] || test_fail "$lines flood lines on the serial console, over its budget"
	# quiet until 16 KiB came back: a notice every 4 s, not one per line let through
	lines=$(grep -ac '(d1 flood) \[[0-9]* line(s) not shown' "$LOG")
	[ "$lines" -le 5 ] || test_fail "$lines 'not shown' notices for a 10 s flood (at most 5)"
	expect_no_log "PANIC" "Kernel panic"
	test_result
}
