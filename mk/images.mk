# ---- GRUB ISO images (grub-mkrescue: one hybrid image for SeaBIOS and UEFI) ----
#
# $(BUILD)/xen-lite.iso       what `make run` boots (tests/qemu/grub-run.cfg)
# $(BUILD)/xen-lite-test.iso  what the integration tests boot (tests/qemu/grub-test.cfg)

# $(call mkiso,GRUB_CFG,EXTRA_FILES)
define mkiso
	@rm -rf $@.d && mkdir -p $@.d/boot/grub
	$(Q)cp $(BUILD)/xen-lite.elf $@.d/boot/
	$(Q)cp $(1) $@.d/boot/grub/grub.cfg
	$(Q)$(if $(2),cp $(2) $@.d/boot/,true)
	$(Q)grub-mkrescue -o $@.tmp $@.d >$@.log 2>&1 || { cat $@.log; exit 1; }
	$(Q)mv $@.tmp $@ && rm -rf $@.d
endef

iso: $(BUILD)/xen-lite.iso

$(BUILD)/xen-lite.iso: $(BUILD)/xen-lite.elf tests/qemu/grub-run.cfg
	$(call mkiso,tests/qemu/grub-run.cfg,)

$(BUILD)/xen-lite-test.iso: $(BUILD)/xen-lite.elf tests/qemu/grub-test.cfg \
		tests/qemu/test-mod-a.txt tests/qemu/test-mod-b.txt
	$(call mkiso,tests/qemu/grub-test.cfg,tests/qemu/test-mod-a.txt tests/qemu/test-mod-b.txt)
