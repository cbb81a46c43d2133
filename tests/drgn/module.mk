CHECK_SCRIPTS += tests/drgn/check-drgn.sh
CHECK_SCRIPTS += tests/drgn/check-synthetic.sh
CHECK_SCRIPTS += tests/drgn/check-install.sh
CHECK_SCRIPTS += tests/drgn/check-arm64.sh
