# The gdb front end (gdb/s2dump-gdb.py on hostprog/'s adapter): synthetic ELF vmcores against the CLI.
CHECK_SCRIPTS += tests/gdb/check-gdb-synthetic.sh
CHECK_SCRIPTS += tests/gdb/check-gdb-real.sh
CHECK_SCRIPTS += tests/gdb/check-gdb-arm64.sh
CHECK_SCRIPTS += tests/gdb/check-host-adapter.sh
