"""Exceptions that the command line turns into exit codes (see docs/design.md, Interfaces)."""


class UsageError(Exception):
    """Bad input from the user: exit code 2, one line naming the bad value and the valid choices."""


class InvalidInstance(ValueError):
    """An instance violates a hypothesis of the claim (for example, Q not symmetric positive definite)."""
