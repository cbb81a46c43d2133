CHECK_SCRIPTS += tests/crash/check-crash.sh
CHECK_SCRIPTS += tests/crash/check-crash-scenarios.sh
CHECK_SCRIPTS += tests/crash/check-host-build.sh
CHECK_SCRIPTS += tests/crash/check-crash-versions.sh
