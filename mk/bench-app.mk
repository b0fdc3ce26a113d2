# ---- the application benchmark's guest image (Documentation/performance.md) -----
#
# $(BENCH_APP_INITRD)    busybox, /init (tests/bench/app/init), Debian's stress-ng with its
#                        libraries ($(BUILD)/stress-ng/rootfs, scripts/fetch-stress-ng.sh,
#                        shared with mk/workload.mk), Debian's hpcc with what it needs of
#                        Open MPI ($(BUILD)/hpcc/rootfs, scripts/fetch-hpcc.sh) and
#                        /bin/membench; no kernel modules
# $(BENCH_APP_MEMBENCH)  tests/bench/app/membench.c, static, -O2, the host's gcc (every peer
#                        runs the same binary, whatever CC builds the hypervisor)
#
# `make bench-app-image` builds them; tests/bench/bench-app.sh boots Debian's kernel
# ($(BUILD)/dom0/vmlinuz; not DOM0_OUT: mk/dom0.mk is read after this file) with the image on each peer (tests/bench/peer-*.sh).

BENCH_APP_OUT := $(BUILD)/bench-app
BENCH_APP_INITRD := $(BENCH_APP_OUT)/app-initrd.cpio.gz
BENCH_APP_MEMBENCH := $(BENCH_APP_OUT)/membench

.PHONY: bench-app-image
bench-app-image: $(BUILD)/dom0/vmlinuz $(BENCH_APP_INITRD)

$(BENCH_APP_MEMBENCH): tests/bench/app/membench.c mk/bench-app.mk
	@mkdir -p $(dir $@)
	$(Q)gcc -std=c11 -O2 -Wall -Wextra -Werror -static -o $@ tests/bench/app/membench.c

# no prerequisites: what was fetched is kept (rm -rf $(BUILD)/hpcc to fetch again)
$(BUILD)/hpcc/version:
	$(Q)BUILD=$(BUILD) sh scripts/fetch-hpcc.sh

$(BENCH_APP_INITRD): $(BUILD)/stress-ng/version $(BUILD)/hpcc/version $(BUILD)/dom0/vmlinuz $(BENCH_APP_MEMBENCH) \
		tests/bench/app/init scripts/mk-dom0-initrd.sh mk/bench-app.mk
	$(Q)BUILD=$(BUILD) DOM0_INITRD_MODULES="" XENLITE_KO="" XL_LITE="" \
		DOM0_INIT=tests/bench/app/init INITRD_TREES="$(BUILD)/stress-ng/rootfs $(BUILD)/hpcc/rootfs" \
		DOM0_TEST_TOOLS=$(BENCH_APP_MEMBENCH) \
		INITRD_OUT=$@ INITRD_STAGE=$(BENCH_APP_OUT)/initrd-root sh scripts/mk-dom0-initrd.sh
