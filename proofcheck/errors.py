"""Exceptions that the command line turns into exit codes (see docs/design.md, Interfaces)."""


class UsageError(Exception):
    """Bad input from the user: exit code 2, one line naming the bad value and the valid choices."""


class InvalidInstance(ValueError):
    """An instance violates a hypothesis of the claim (for example, Q not symmetric positive definite)."""


class ClaimCodeRaised(Exception):
    """Claim code (a Bound's ``sides``, say) raised at an instance: that check's ERROR, naming the instance and the
    exception (issue 22). The engine raises it around the calls into claim code whose exceptions it would otherwise
    confuse with its own numerics; a point outside the claim's domain is marked by raising :class:`InvalidInstance`
    instead, which is never wrapped. The original exception is ``original`` (and ``__cause__``)."""

    def __init__(self, original: Exception, instance=None, where: str = "claim code"):
        self.original, self.instance, self.where = original, instance, where
        super().__init__(self.sentence())

    def sentence(self) -> str:
        from .explain import format_cell

        at = "" if self.instance is None else f" at {format_cell(self.instance, limit=160, digits=6, max_items=4)}"
        return f"claim code raised {type(self.original).__name__}: {self.original} in {self.where}{at}"


def call_claim_code(fn, *args, instance=None, where: str = "claim code"):
    """``fn(*args)``, with any exception it raises (an Exception, not a BaseException such as the user's Ctrl-C) other
    than :class:`InvalidInstance` re-raised as :class:`ClaimCodeRaised` naming ``instance`` and ``where``."""
    try:
        return fn(*args)
    except (InvalidInstance, ClaimCodeRaised):
        raise
    except Exception as exc:  # noqa: BLE001 - whatever claim code raises is its check's ERROR
        raise ClaimCodeRaised(exc, instance, where) from exc
