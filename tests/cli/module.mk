CHECK_SCRIPTS += tests/cli/check-arm64-cli.sh
CHECK_SCRIPTS += tests/cli/check-bad-args.sh
CHECK_SCRIPTS += tests/cli/check-truncated.sh
CHECK_SCRIPTS += tests/cli/check-libkdumpfile-versions.sh
# the arm64 CLI needs `make cross`, the libkdumpfile versions the tools cache: not in check-fast
FAST_CHECK_SCRIPTS += tests/cli/check-bad-args.sh tests/cli/check-truncated.sh
