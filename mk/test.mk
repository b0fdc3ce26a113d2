# ---- the two commands, and the rest ----------------------------------------
# make run    build everything, boot the GRUB ISO in QEMU on this terminal
# make check  build everything, run every test, end with "N passed, N failed"

RUN_SMP ?= 4
RUN_MEM ?= 1G
TESTS ?=

deps:
	@sh scripts/deps.sh

# QEMU 10 (fetched, never installed, as for the tests): a workload in a guest was seen to
# lose dom0's state on Debian's QEMU 7.2 (Documentation/testing.md), never on QEMU 10
QEMU10_ROOT = $(BUILD)/qemu10/root
RUN_QEMU = $(QEMU10_ROOT)/usr/bin/qemu-system-x86_64 -L $(QEMU10_ROOT)/usr/share/qemu \
	-L $(QEMU10_ROOT)/usr/share/seabios
RUN_CPU ?= EPYC,+svm,+npt,+x2apic

# deps first: on a fresh machine nothing else can build before it has run
run: deps
	@$(MAKE) --no-print-directory all $(BUILD)/xen-lite.iso $(BUILD)/qemu10/version
	@echo "xen-lite: booting GRUB -> xen-lite -> Debian's kernel as dom0 in QEMU 10 (TCG);"
	@echo "          a busybox shell follows on this console. Quit with Ctrl-A X."
	@echo "          In dom0: xl-lite create -c /etc/xen-lite/linux-io.cfg - a Linux guest with a NIC"
	@echo "          on dom0's bridge br0 and a disk, both made ready by dom0's init; Ctrl-] detaches -"
	@echo "          then ping 10.0.0.2; xl-lite list, xl-lite console ID, xl-lite destroy ID;"
	@echo "          more examples in /etc/xen-lite/ (Documentation/virtio.md, \"make run\")."
	$(RUN_QEMU) -machine q35 -accel tcg -cpu $(RUN_CPU) -smp $(RUN_SMP) -m $(RUN_MEM) \
		-cdrom $(BUILD)/xen-lite.iso -nographic -no-reboot

TEST_IMAGES := $(BUILD)/xen-lite-test.iso dom0-images $(BUILD)/xen-lite-dom0-test.iso \
	$(BUILD)/xen-lite-dom0-smp-test.iso $(BUILD)/qemu10/version workload-images

# QEMU 10 from bookworm-backports, unpacked under $(BUILD)/qemu10, never installed: the
# x2APIC tests' emulator (scripts/fetch-qemu10.sh); fetched once
$(BUILD)/qemu10/version:
	$(Q)BUILD=$(BUILD) sh scripts/fetch-qemu10.sh

check: deps
	@$(MAKE) --no-print-directory all unit-tests $(TEST_IMAGES)
	@bash tests/run-all.sh $(TESTS)
