"""The error every subcommand raises for a request it cannot carry out (exit status 2)."""


class UsageError(Exception):
    """The command was asked for something it cannot do (exit 2)."""
