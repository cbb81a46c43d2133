# The synthetic vmcore kit: fake vmlinux layouts (layouts/) and the generator (gen/).
-include tests/vmcores/layouts/layouts.mk
-include tests/vmcores/gen/gen.mk
-include tests/vmcores/real/module.mk
