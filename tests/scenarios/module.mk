CHECK_SCRIPTS += tests/scenarios/check-cli.sh
CHECK_SCRIPTS += tests/scenarios/check-ptdump-rules.sh
CHECK_SCRIPTS += tests/scenarios/check-field.sh
