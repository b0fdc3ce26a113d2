# ---- GRUB ISO images (grub-mkrescue: one hybrid image for SeaBIOS and UEFI) ----
#
# $(BUILD)/xen-lite.iso       what `make run` boots (tests/qemu/grub-run.cfg)
# $(BUILD)/xen-lite-test.iso  what the integration tests boot (tests/qemu/grub-test.cfg)
# $(BUILD)/xen-lite-dom0-test.iso  the same with dom0 (tests/qemu/grub-dom0-test.cfg)
# $(BUILD)/xen-lite-dom0-smp-test.iso  with a 2-vCPU dom0 (tests/qemu/grub-dom0-smp-test.cfg)
# $(BUILD)/xen-lite-dom0-disk-test.iso  dom0 reading a virtio disk (tests/qemu/grub-dom0-disk-test.cfg)

# $(call mkiso,GRUB_CFG,EXTRA_FILES[,DOM0])  DOM0 non-empty: add vmlinuz and initrd.img
define mkiso
	@rm -rf $@.d && mkdir -p $@.d/boot/grub
	$(Q)cp $(BUILD)/xen-lite.elf $@.d/boot/
	$(Q)cp $(1) $@.d/boot/grub/grub.cfg
	$(Q)$(if $(2),cp $(2) $@.d/boot/,true)
	$(Q)$(if $(3),cp $(BUILD)/dom0/vmlinuz $@.d/boot/vmlinuz && cp $(BUILD)/dom0/initrd.cpio.gz $@.d/boot/initrd.img,true)
	$(Q)grub-mkrescue -o $@.tmp $@.d >$@.log 2>&1 || { cat $@.log; exit 1; }
	$(Q)mv $@.tmp $@ && rm -rf $@.d
endef

iso: $(BUILD)/xen-lite.iso

$(BUILD)/xen-lite.iso: $(BUILD)/xen-lite.elf tests/qemu/grub-run.cfg $(BUILD)/dom0/vmlinuz \
		$(BUILD)/dom0/initrd.cpio.gz
	$(call mkiso,tests/qemu/grub-run.cfg,,dom0)

$(BUILD)/xen-lite-dom0-test.iso: $(BUILD)/xen-lite.elf tests/qemu/grub-dom0-test.cfg \
		$(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.cpio.gz
	$(call mkiso,tests/qemu/grub-dom0-test.cfg,,dom0)

$(BUILD)/xen-lite-dom0-smp-test.iso: $(BUILD)/xen-lite.elf tests/qemu/grub-dom0-smp-test.cfg \
		$(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.cpio.gz
	$(call mkiso,tests/qemu/grub-dom0-smp-test.cfg,,dom0)

$(BUILD)/xen-lite-dom0-disk-test.iso: $(BUILD)/xen-lite.elf tests/qemu/grub-dom0-disk-test.cfg \
		$(BUILD)/dom0/vmlinuz $(BUILD)/dom0/initrd.cpio.gz
	$(call mkiso,tests/qemu/grub-dom0-disk-test.cfg,,dom0)

$(BUILD)/xen-lite-test.iso: $(BUILD)/xen-lite.elf tests/qemu/grub-test.cfg \
		tests/qemu/test-mod-a.txt tests/qemu/test-mod-b.txt
	$(call mkiso,tests/qemu/grub-test.cfg,tests/qemu/test-mod-a.txt tests/qemu/test-mod-b.txt)
