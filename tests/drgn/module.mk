CHECK_SCRIPTS += tests/drgn/check-drgn.sh
