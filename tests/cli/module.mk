CHECK_SCRIPTS += tests/cli/check-arm64-cli.sh
