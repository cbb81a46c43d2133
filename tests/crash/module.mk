CHECK_SCRIPTS += tests/crash/check-crash.sh
