# ---- stock Xen, the third point of comparison of `make bench` ---------------
#
# $(BUILD)/xen/xen.gz          Debian's Xen 4.17 hypervisor (xen-hypervisor-4.17-amd64),
#                              fetched with apt-get download and unpacked under
#                              $(BUILD)/xen/root/, never installed (scripts/fetch-xen.sh)
# $(BUILD)/xen/xen-bench.iso   GRUB ISO: xen.gz with the dom0 images of `make bench`
#                              (tests/bench/grub-xen.cfg: PVH or PV dom0, chosen by
#                              QEMU's SMBIOS product name)
#
# Xen is fetched once: rm -rf $(BUILD)/xen to fetch the current one again.
# `make xen-bench-iso` builds the ISO; tests/bench/bench-linux-boot.sh xen-pvh|xen-pv
# boots it.

XEN_BENCH_OUT := $(BUILD)/xen

.PHONY: xen-bench-iso
xen-bench-iso: $(XEN_BENCH_OUT)/xen-bench.iso

# no prerequisites: an existing image is kept (the script would skip anyway)
$(XEN_BENCH_OUT)/xen.gz:
	$(Q)BUILD=$(BUILD) sh scripts/fetch-xen.sh

# laid out like mk/images.mk's mkiso, without xen-lite
$(XEN_BENCH_OUT)/xen-bench.iso: $(XEN_BENCH_OUT)/xen.gz tests/bench/grub-xen.cfg \
		$(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.cpio.gz
	@rm -rf $@.d && mkdir -p $@.d/boot/grub
	$(Q)cp tests/bench/grub-xen.cfg $@.d/boot/grub/grub.cfg
	$(Q)cp $(XEN_BENCH_OUT)/xen.gz $@.d/boot/xen.gz
	$(Q)cp $(BUILD)/dom0/vmlinuz $@.d/boot/vmlinuz
	$(Q)cp $(BUILD)/dom0/initrd.cpio.gz $@.d/boot/initrd.img
	$(Q)grub-mkrescue -o $@.tmp $@.d >$@.log 2>&1 || { cat $@.log; exit 1; }
	$(Q)mv $@.tmp $@ && rm -rf $@.d
