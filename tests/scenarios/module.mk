CHECK_SCRIPTS += tests/scenarios/check-cli.sh
