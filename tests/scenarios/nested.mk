# The nested-virtualization scenario test (included from tests/nested/module.mk; fronts owns
# tests/scenarios/module.mk).
CHECK_SCRIPTS += tests/scenarios/check-nested.sh
