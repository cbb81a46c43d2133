CHECK_SCRIPTS += tests/cli/check-arm64-cli.sh
CHECK_SCRIPTS += tests/cli/check-bad-args.sh
CHECK_SCRIPTS += tests/cli/check-truncated.sh
CHECK_SCRIPTS += tests/cli/check-libkdumpfile-versions.sh
