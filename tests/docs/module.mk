# The documents against the code they describe (tests/docs/check-command-docs.py: the man page,
# docs/commands.md and the README's command list against src/cmd/help.c, through the CLI's --help).
CHECK_SCRIPTS += tests/docs/check-command-docs.py
FAST_CHECK_SCRIPTS += tests/docs/check-command-docs.py
# and that every document stands alone (no notes outside the repository, no machine's paths)
CHECK_SCRIPTS += tests/docs/check-docs-standalone.sh
FAST_CHECK_SCRIPTS += tests/docs/check-docs-standalone.sh
