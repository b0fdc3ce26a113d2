# ---- make soak: guests and stress-ng in a loop for SOAK_MINUTES ------------
#
# tests/soak/soak.sh boots the workload images (mk/workload.mk) under QEMU 10
# (SOAK_QEMU=7.2 for Debian's) and lets dom0 create and destroy a Linux guest running
# stress-ng groups and ELF guests, round after round, for SOAK_MINUTES (default 60);
# it prints the node's free pages and CPUs before and after and the counts, and fails
# on any failed run, crash or change to the node. Not part of make check.

SOAK_MINUTES ?= 60
SOAK_QEMU ?= 10

.PHONY: soak
soak: deps
	@$(MAKE) --no-print-directory all workload-images $(BUILD)/qemu10/version
	@BUILD=$(BUILD) SOAK_MINUTES=$(SOAK_MINUTES) SOAK_QEMU=$(SOAK_QEMU) bash tests/soak/soak.sh
