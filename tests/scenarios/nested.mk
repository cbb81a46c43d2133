# The nested-virtualization scenario test (included from tests/nested/module.mk; fronts owns
# tests/scenarios/module.mk).
CHECK_SCRIPTS += tests/scenarios/check-nested.sh
# Its comparator (check-nested.sh runs it; built by the generic test-program rule, not run by itself)
ALL_TARGETS += $(BUILD)/tests/scenarios/nested-check
