#!/bin/bash
# Test guests (tests/guests, Documentation/guests.md) run by the hypervisor
# from xl-guest boot modules. QEMU boots once per group of guests - the
# first test of a group that runs boots it, the others read the same log -
# and each test checks one guest's lines:
#   (dN NAME) PASS: ...              the guest's own verdict (exactly one)
#   domain dN (NAME) powered off | crashed: REASON | destroyed: timeout after MS ms
# plus one summary test per group (QEMU exit status, "test guests: ..." line,
# resources given back, no panic).

GUEST_KERNEL=$BUILD/xen-lite.elf
GUEST_APPEND="debug_exit=0xf4 after_boot=halt"
GUEST_ELF=$BUILD/guests

# group -> "QEMU memory|-initrd list" (entries: "ELF-NAME xl-guest ARGS", comma-separated)
declare -gA GUEST_GROUP GUEST_GROUP_LOG GUEST_GROUP_RC
gmod() { # ELF-NAME ARGS...
	local elf=$1
	shift
	printf '%s/%s.elf xl-guest %s' "$GUEST_ELF" "$elf" "$*"
}
GUEST_GROUP[basic]="2G|$(gmod hello name=hello expect=pass),$(gmod cpuid name=cpuid expect=pass),\
$(gmod msr name=msr expect=pass),$(gmod ioport name=ioport expect=pass),\
$(gmod svm_insns name=svm_insns expect=pass),\
$(gmod hypercall_fuzz name=hypercall_fuzz mem=4M timeout=60000 expect=pass),\
$(gmod bench name=bench expect=pass),$(gmod spin name=spin timeout=2000 expect=timeout),\
$(gmod compute name=compute expect=pass),\
$(gmod leftovers name=leftovers_set cpu=3 expect=pass),$(gmod leftovers name=leftovers_check cpu=3 expect=pass)"
# the bystander first, so that it is running when the other two are ended (they wait 500 ms)
GUEST_GROUP[contain]="2G|$(gmod bystander name=bystander mem=8M timeout=30000 expect=pass),\
$(gmod wild_access name=wild_access expect=crash),$(gmod triple_fault name=triple_fault expect=crash),\
$(gmod pause_probe name=pause_probe pause_at=500 timeout=30000 expect=pass)"
# nested-paging permissions: one page of a 2 MiB page changed, each guest ended by its forbidden access
GUEST_GROUP[npt]="1G|$(gmod npt_perms name=npt_readonly mem=4M readonly=0x201000 expect=crash),\
$(gmod npt_perms name=npt_noexec mem=4M noexec=0x202000 expect=crash),\
$(gmod npt_perms name=npt_unmap mem=4M unmap=0x203000 expect=crash)"
GUEST_GROUP[large]="4G|$(gmod large_pages name=large_pages mem=1G timeout=60000 expect=pass),\
$(gmod large_pages name=large_pages_64m mem=64M timeout=60000 expect=pass)"
# event channels between boot guests (no dom0, so no segments): ids by start order, d1 to d5;
# 20000 round trips, because one in a few thousand went to sleep for good (STI; HLT resumed
# by QEMU without its interrupt shadow: complete_hlt_in_ignored_shadow() in svm_vcpu.c)
GUEST_GROUP[events]="1G|$(gmod shm_peer name=ev_ping timeout=120000 expect=pass -- role=ping rounds=20000 peer=2),\
$(gmod shm_peer name=ev_pong timeout=120000 expect=pass -- role=pong rounds=20000 peer=1),\
$(gmod shm_peer name=ev_hostile expect=pass -- role=hostile peer=1),\
$(gmod shm_peer name=ev_flood timeout=120000 expect=pass -- role=flood count=20000 peer=5),\
$(gmod shm_peer name=ev_sink timeout=120000 expect=pass -- role=sink count=20000 peer=4)"

setup_guests() {
	make -s BUILD="$BUILD" guests "$GUEST_KERNEL" "$BUILD/test-modules/example.xlm" \
		"$BUILD/test-modules/other-build.xlm"
}

# guest_group GROUP: boot the group once (QEMU status in GUEST_GROUP_RC), point LOG at its log
guest_group() {
	local group=$1 spec mem initrd
	# shellcheck disable=SC2034 # read by qemu_boot (dynamic scope)
	local QEMU_TIMEOUT=${GUEST_QEMU_TIMEOUT:-180}

	if [ -z "${GUEST_GROUP_LOG[$group]:-}" ]; then
		spec=${GUEST_GROUP[$group]}
		mem=${spec%%|*}
		initrd=${spec#*|}
		qemu_boot "guests-$group" -machine q35 -smp 4 -m "$mem" -kernel "$GUEST_KERNEL" \
			-append "$GUEST_APPEND" -initrd "$initrd"
		GUEST_GROUP_LOG[$group]=$LOG
		GUEST_GROUP_RC[$group]=$QEMU_RC
	fi
	LOG=${GUEST_GROUP_LOG[$group]}
	QEMU_RC=${GUEST_GROUP_RC[$group]}
}

# guest_id NAME: the domain id the hypervisor gave guest NAME (empty if it never started)
guest_id() {
	grep -aoE "domain d[0-9]+ \($1\) starting on CPU [0-9]+" "$LOG" | head -1 |
		sed -E 's/^domain d([0-9]+) .*/\1/'
}

# guest_line_no REGEX: number of the first log line matching REGEX (empty if none)
guest_line_no() {
	grep -anE -- "$1" "$LOG" | head -1 | cut -d: -f1
}

# expect_guest_started NAME: sets GID; false if the guest never started
expect_guest_started() {
	GID=$(guest_id "$1")
	if [ -z "$GID" ]; then
		test_fail "guest $1 never started (no 'domain dN ($1) starting on CPU' line)"
		return 1
	fi
}

# expect_guest_pass NAME: exactly one PASS line, no FAIL line, powered off
expect_guest_pass() {
	local name=$1 n
	expect_guest_started "$name" || return
	n=$(grep -acE "\(d$GID $name\) PASS: " "$LOG")
	[ "$n" = 1 ] || test_fail "guest $name (d$GID): $n PASS lines, expected 1"
	! grep -aqE "\(d$GID $name\) FAIL" "$LOG" ||
		test_fail "guest $name (d$GID): $(grep -aoE "\(d$GID $name\) FAIL.*" "$LOG" | head -1)"
	expect_log "domain d$GID ($name) powered off"
	expect_no_log "domain d$GID ($name) crashed" "domain d$GID ($name) destroyed"
}

# expect_guest_crash NAME REASON-REGEX: ended by the hypervisor (not by its own crash report)
expect_guest_crash() {
	local name=$1 reason=$2
	expect_guest_started "$name" || return
	expect_log_regex "domain d$GID \($name\) crashed: $reason"
	expect_no_log "domain d$GID ($name) crashed: the guest reported a crash" \
		"domain d$GID ($name) powered off" "domain d$GID ($name) destroyed"
	! grep -aqE "\(d$GID $name\) (PASS|FAIL)" "$LOG" ||
		test_fail "guest $name (d$GID) went on: $(grep -aoE "\(d$GID $name\) (PASS|FAIL).*" "$LOG" | head -1)"
}

# expect_group_summary RUN OFF CRASHED TIMED_OUT: the hypervisor's last word on a group
expect_group_summary() {
	local line
	expect_rc 1
	expect_log "test guests: $1 run, $2 powered off, $3 crashed, $4 timed out"
	# every page and CPU given back: "N pages free (N before), M CPUs free (M before)"
	line=$(grep -aoE 'resources after the guests: .*' "$LOG" | tail -1)
	if [ -z "$line" ]; then
		test_fail "no 'resources after the guests' line"
	elif ! echo "$line" | grep -qE ': ([0-9]+) pages free \(\1 before\), ([0-9]+) CPUs free \(\2 before\)'; then
		test_fail "resources not all given back: $line"
	fi
	expect_no_log "PANIC" "unexpected exception" "some failed to start" "not started"
	expect_log "halting: nothing left to run"
}

# ---- group basic: one boot, eight guests on CPUs 1-3 ----

test_guest_boot_behaviour_modules() {
	# behaviour modules given by the boot loader (xl-module): a valid one (the example
	# of Documentation/modules.md) is loaded before the guests start and its exit hook
	# runs while they take exits; one built for another hypervisor build and random
	# bytes are refused with their reasons; the guests are unaffected
	local rnd=$LOGDIR/random.xlm
	head -c 4096 /dev/urandom >"$rnd"
	qemu_boot guests-behaviour-modules -machine q35 -smp 2 -m 512M -kernel "$GUEST_KERNEL" \
		-append "$GUEST_APPEND" \
		-initrd "$BUILD/test-modules/example.xlm xl-module,$BUILD/test-modules/other-build.xlm xl-module,$rnd xl-module unused=1,$(gmod cpuid name=cpuid expect=pass),$(gmod hello name=hello expect=pass)"
	expect_log "module: behaviour modules: dom0" "boot complete"
	expect_log_regex "module: loaded 'cpuid-count' 1\.0 \(id 1, sha256 [0-9a-f]{64}\) at 0xffffffffc0000000"
	expect_log_regex "boot module 1: behaviour module not loaded: built for another hypervisor build"
	expect_log_regex "boot module 2: behaviour module not loaded: .+"
	expect_guest_pass cpuid
	expect_guest_pass hello
	expect_log "test guests: 2 run, 2 powered off, 0 crashed, 0 timed out"
	expect_no_log "PANIC" "unexpected exception" "is not a Linux bzImage"
	test_result
}

test_guests_basic_run() {
	guest_group basic
	expect_group_summary 11 10 0 1
	# ioport wrote "IOLEAK" to COM1 directly: it must not have reached the serial port
	expect_no_log "IOLEAK"
	test_result
}

test_guest_hello() {
	guest_group basic
	expect_guest_pass hello
	[ -z "$GID" ] && return 1
	expect_log "(d$GID hello) hello: console ok" \
		"(d$GID hello) hello: a console write returns its length"
	# the 8192-byte write was cut at 4096: lines 1-64 printed, 65 not
	expect_log "(d$GID hello) hello: long write, line 064 of 128"
	expect_no_log "(d$GID hello) hello: long write, line 065 of 128"
	test_result
}

test_guest_cpuid() {
	guest_group basic
	expect_guest_pass cpuid
	test_result
}

test_guest_msr() {
	guest_group basic
	expect_guest_pass msr
	test_result
}

test_guest_ioport() {
	guest_group basic
	expect_guest_pass ioport
	expect_no_log "IOLEAK"
	test_result
}

test_guest_svm_insns() {
	guest_group basic
	expect_guest_pass svm_insns
	test_result
}

# One guest sets DR0-DR3 and TSC_AUX (not switched by VMRUN), the next on the same CPU
# must find them 0; INVD, WBINVD and RDPMC are intercepted (three "other" exits; QEMU
# 7.2 has no RDPRU and raises #UD itself), INVD and WBINVD complete, RDPMC raises #GP
# (#UD from QEMU itself when it is not intercepted), RDPRU #UD
test_guest_leftovers() {
	guest_group basic
	expect_guest_pass leftovers_set
	expect_log_regex "domain d$GID \\(leftovers_set\\) exits: .*other 3\\b"
	expect_log_regex "domain d$GID \\(leftovers_set\\) starting on CPU 3"
	expect_guest_pass leftovers_check
	expect_log_regex "domain d$GID \\(leftovers_check\\) starting on CPU 3"
	test_result
}

test_guest_hypercall_fuzz() {
	guest_group basic
	expect_guest_pass hypercall_fuzz
	[ -z "$GID" ] && return 1
	expect_log "(d$GID hypercall_fuzz) hypercall_fuzz: 20000 calls:"
	test_result
}

test_guest_bench() {
	guest_group basic
	expect_guest_pass bench
	[ -z "$GID" ] && return 1
	expect_log_regex "\(d$GID bench\) bench: loop [0-9]+ cycles, null hypercall [0-9]+ cycles, cpuid exit [0-9]+ cycles \(tsc [0-9]+ kHz\)"
	grep -aoE "bench: loop .*" "$LOG" | head -1 | sed 's/^/    /'
	test_result
}

test_guest_compute_no_exits() {
	# two seconds of computation: only the console and shutdown hypercalls (and the
	# runtime's one MSR read) may show in its exit counters - no timer ticks, no HLT
	local line
	guest_group basic
	expect_guest_pass compute
	[ -z "$GID" ] && return 1
	line=$(grep -aoE "domain d$GID \(compute\) exits:.*" "$LOG" | head -1)
	if [ -z "$line" ]; then
		test_fail "no exits line for compute"
	elif echo "$line" | grep -qE ' (intr|nmi|hlt|npf|io|cpuid|other|exception)( |$)'; then
		test_fail "compute took exits while computing: $line"
	elif [ "$(echo "$line" | sed -nE 's/.* hypercall ([0-9]+).*/\1/p')" -gt 4 ]; then
		test_fail "more hypercalls than the console and shutdown need: $line"
	fi
	test_result
}

test_guest_spin_timeout() {
	guest_group basic
	expect_guest_started spin || return 1
	expect_log "(d$GID spin) spin: spinning with interrupts off" \
		"domain d$GID (spin) destroyed: timeout after 2000 ms"
	expect_no_log "domain d$GID (spin) crashed" "domain d$GID (spin) powered off"
	test_result
}

# ---- group contain: two guests killed while a third runs on ----

test_guests_contain_run() {
	guest_group contain
	expect_group_summary 4 2 2 0
	test_result
}

test_guest_wild_access() {
	guest_group contain
	expect_guest_started wild_access || return 1
	expect_log "(d$GID wild_access) wild_access: mem_size 0x200000; about to access outside memory"
	# 2 MiB of memory: the read goes to guest-physical 2 GiB + 0x1238
	expect_guest_crash wild_access "read at guest-physical 0x80001238 outside its memory"
	test_result
}

test_guest_triple_fault() {
	guest_group contain
	expect_guest_started triple_fault || return 1
	expect_log "(d$GID triple_fault) triple_fault: loading an empty IDT"
	expect_guest_crash triple_fault "triple fault"
	test_result
}

test_guest_bystander() {
	local by wild triple pass
	guest_group contain
	expect_guest_pass bystander
	[ -z "$GID" ] && return 1
	expect_log "(d$GID bystander) bystander: still running, "
	# the others were ended while the bystander ran, and it went on to PASS
	by=$(guest_line_no "domain d$GID \(bystander\) starting on CPU")
	wild=$(guest_line_no "domain d[0-9]+ \(wild_access\) crashed")
	triple=$(guest_line_no "domain d[0-9]+ \(triple_fault\) crashed")
	pass=$(guest_line_no "\(d$GID bystander\) PASS: ")
	if [ -n "$by" ] && [ -n "$wild" ] && [ -n "$triple" ] && [ -n "$pass" ]; then
		if [ "$by" -gt "$wild" ] || [ "$by" -gt "$triple" ] || [ "$wild" -gt "$pass" ] || [ "$triple" -gt "$pass" ]; then
			test_fail "bystander did not run across the crashes (lines: start $by, wild $wild, triple $triple, PASS $pass)"
		fi
	else
		test_fail "cannot order the bystander against the crashes (lines: start $by, wild $wild, triple $triple, PASS $pass)"
	fi
	test_result
}

test_guest_pause() {
	local gap
	guest_group contain
	expect_guest_pass pause_probe
	[ -z "$GID" ] && return 1
	# running -> paused -> running: the hypervisor says so, and the guest saw its CPU stop
	expect_log "domain d$GID (pause_probe) paused" "domain d$GID (pause_probe) unpaused after"
	gap=$(grep -aoE "\(d$GID pause_probe\) PASS: pause_probe: longest gap [0-9]+ ms" "$LOG" |
		grep -oE '[0-9]+ ms' | grep -oE '[0-9]+')
	if [ -z "$gap" ] || [ "$gap" -lt 900 ]; then
		test_fail "the guest's longest TSC gap was '${gap:-none}' ms, expected >= 900 (paused for 1000 ms)"
	fi
	test_result
}

# The contain group again with the hypervisor's APICs in x2APIC mode (x2apic=on), on
# QEMU 10, whose TCG has it: starting the CPUs, the NMI kicks that pause and end the
# guests, and the cross-CPU calls all go through the x2APIC interrupt command MSR
test_guests_contain_x2apic() {
	local -a QEMU_SYSTEM
	local QEMU_CPU QEMU_TIMEOUT=180 spec=${GUEST_GROUP[contain]}
	use_qemu10 || return 1
	qemu_boot guests-contain-x2apic -machine q35 -smp 4 -m "${spec%%|*}" -kernel "$GUEST_KERNEL" \
		-append "$GUEST_APPEND x2apic=on" -initrd "${spec#*|}"
	expect_log "lapic: x2APIC mode" "smp: CPU 3 (APIC id 3) online"
	expect_group_summary 4 2 2 0
	expect_guest_pass bystander
	expect_guest_pass pause_probe
	expect_guest_crash wild_access "read at guest-physical 0x80001238 outside its memory"
	expect_guest_crash triple_fault "triple fault"
	test_result
}

# ---- group npt: permissions and unmapping in the nested page tables ----

test_guests_npt_run() {
	guest_group npt
	expect_group_summary 3 0 3 0
	test_result
}

npt_case() { # NAME EXPECTED-CRASH-REASON
	guest_group npt
	expect_guest_started "$1" || return 1
	expect_log "(d$GID $1) npt_perms: the neighbouring page"
	expect_guest_crash "$1" "$2"
	expect_no_log "(d$GID $1) FAIL"
	test_result
}

test_guest_npt_readonly() {
	npt_case npt_readonly "write at guest-physical 0x201000 not permitted there"
}

test_guest_npt_noexec() {
	npt_case npt_noexec "instruction fetch at guest-physical 0x202000 not permitted there"
}

test_guest_npt_unmap() {
	npt_case npt_unmap "read at guest-physical 0x203000 to an unmapped page"
}

# ---- group large: 1 GiB and 64 MiB guests, memory backed by large pages ----

test_guests_large_run() {
	guest_group large
	expect_group_summary 2 2 0 0
	test_result
}

test_guest_large_pages_1g() {
	guest_group large
	expect_guest_pass large_pages
	[ -z "$GID" ] && return 1
	expect_log "domain d$GID (large_pages) memory: 1024 MiB in 1 x 1 GiB, 0 x 2 MiB, 0 x 4 KiB pages"
	test_result
}

test_guest_large_pages_64m() {
	guest_group large
	expect_guest_pass large_pages_64m
	[ -z "$GID" ] && return 1
	expect_log "domain d$GID (large_pages_64m) memory: 64 MiB in 0 x 1 GiB, 32 x 2 MiB, 0 x 4 KiB pages"
	test_result
}

# ---- group events: event channels between ELF guests (Documentation/composition.md) ----

test_guests_events_run() {
	guest_group events
	expect_group_summary 5 5 0 0
	test_result
}

# 200 notifications each way, strictly alternating: every one raised an interrupt in the other
test_guest_event_ping_pong() {
	local ping pong
	guest_group events
	expect_guest_pass ev_ping
	ping=$GID
	expect_guest_pass ev_pong
	pong=$GID
	expect_log "(d$ping ev_ping) shm-peer: port 0 connected to d$pong port 0, vector 0x40" \
		"(d$pong ev_pong) shm-peer: port 0 connected to d$ping port 0, vector 0x40" \
		"(d$ping ev_ping) PASS: shm-peer: ping: 20000 notifications answered" \
		"(d$pong ev_pong) PASS: shm-peer: pong: 20000 notifications answered"
	expect_log_regex "\(d$ping ev_ping\) shm-peer: 20000 round trips, one-way latency [0-9]+ cycles"
	test_result
}

test_guest_event_hostile() {
	guest_group events
	expect_guest_pass ev_hostile
	expect_log_regex "\(d$GID ev_hostile\) PASS: shm-peer: hostile: [0-9]+ misuses refused"
	test_result
}

# 20000 notifications while the receiver keeps interrupts off: one interrupt, nothing lost
test_guest_event_flood() {
	guest_group events
	expect_guest_pass ev_flood
	expect_guest_pass ev_sink
	expect_log "(d$GID ev_sink) PASS: shm-peer: sink: 20000 notifications coalesced into one interrupt"
	# the flood's sender ended first: its port was closed and the sink told
	expect_log_regex "domain d[0-9]+: 1 event channel\(s\) closed"
	test_result
}
