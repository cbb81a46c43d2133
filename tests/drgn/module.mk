CHECK_SCRIPTS += tests/drgn/check-drgn.sh
CHECK_SCRIPTS += tests/drgn/check-synthetic.sh
CHECK_SCRIPTS += tests/drgn/check-install.sh
CHECK_SCRIPTS += tests/drgn/check-arm64.sh

# sid's drgn 0.3.0 on every synthetic dump and kdump copy (make check runs it on a subset: about
# 13 minutes on the shared 2-core machine for all of them) and on the real dumps
# (tests/drgn/check-synthetic.sh, tests/drgn/check-drgn.sh; make check runs a subset of each).
.PHONY: check-drgn-030
check-drgn-030:
	$(MAKE) SANITIZE=0 all
	S2_TOP=$(CURDIR) S2_BUILD=$(CURDIR)/build DRGN_ONLY=0.3.0 DRGN030_ALL=1 tests/drgn/check-synthetic.sh
	S2_TOP=$(CURDIR) S2_BUILD=$(CURDIR)/build DRGN_ONLY=0.3.0 DRGN030_ALL=1 tests/drgn/check-drgn.sh
