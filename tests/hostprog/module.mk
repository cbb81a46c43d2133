# The VMCOREINFO parser the Python hosts of the adapter share (hostprog/s2dump_vmcoreinfo.py).
CHECK_SCRIPTS += tests/hostprog/check-vmcoreinfo.py
FAST_CHECK_SCRIPTS += tests/hostprog/check-vmcoreinfo.py
