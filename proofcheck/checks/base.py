"""The check interface: every verification strategy is a Check that returns Evidence."""
from __future__ import annotations

import json
import shlex
import time

from ..context import Context
from ..explain import format_cell, format_value  # noqa: F401 (format_value: re-exported for the kinds)
from ..model import Evidence, Verdict


class Check:
    """A verification strategy instantiated for one claim.

    Subclasses set ``kind`` and implement :meth:`evaluate`, which returns an Evidence; ``run``
    adds timing. ``basis`` is ``"symbolic"`` or ``"numeric"``.
    """

    kind = "base"
    basis = "numeric"

    supporting = False  # see :func:`supporting`
    covers: tuple = ()  # the regimes of its claim this check decides (see :func:`covering`)

    def __init__(self, name: str, description: str = "") -> None:
        self.name = name
        self.description = description

    def describe(self) -> str:
        return f"{self.kind} [{self.basis}] {self.name}: {self.description}".rstrip(": ")

    def evaluate(self, ctx: Context) -> Evidence:  # pragma: no cover - abstract
        raise NotImplementedError

    # A check whose work splits into independent parts (the cells of a sweep) sets this; the executor then runs
    # ``run_part(ctx, i, n)`` for i < n on any workers and hands their outputs, in order, to ``evaluate`` as
    # ``ctx.parts``. ``evaluate`` must give the same evidence with or without ``ctx.parts`` (without: it does all
    # the work itself, as with one job), so that no result depends on how the work was spread.
    splits_into_parts = False

    def run_part(self, ctx: Context, index: int, of: int):
        """The output of part ``index`` of ``of`` (picklable); only for checks that split into parts."""
        raise NotImplementedError(f"check {self.name!r} does not split into parts")

    def run(self, ctx: Context) -> Evidence:
        start = time.perf_counter()
        evidence = self.evaluate(ctx)
        evidence.seconds = round(time.perf_counter() - start, 4)
        return evidence

    def evidence(self, verdict: Verdict, **kw) -> Evidence:
        kw.setdefault("role", "supports" if self.supporting else "decides")
        kw.setdefault("covers", list(self.covers))
        return Evidence(check=self.name, kind=self.kind, basis=self.basis, verdict=verdict, **kw)


def supporting(check: Check) -> Check:
    """Mark ``check`` as supporting evidence: its FAIL still FAILs the claim, but an INCONCLUSIVE one does not hold
    back the PASS that the claim's deciding checks earn (a sweep over the asymptotic shape of an O(.) claim whose
    explicit finite form another check decides). The claim's reason names every unsettled supporting check."""
    check.supporting = True
    return check


def covering(check: Check, *regimes: str) -> Check:
    """Declare the regimes of its claim that ``check`` decides (names of ``Claim.regimes``): the part of the claim's
    hypotheses or parameter space its verdict is about. A claim that states regimes PASSes only when every regime
    is covered by deciding checks that PASSed, with symbolic and numeric evidence among them; the PASS then states
    its scope in the claim's words (proofcheck.model.decide). A supporting check may declare regimes too (shown in
    its evidence), but it never stands in for a deciding check. Returns ``check``."""
    if not regimes or not all(isinstance(r, str) and r for r in regimes):
        raise ValueError(f"covering({getattr(check, 'name', check)!r}, ...) needs one or more regime names")
    check.covers = tuple(dict.fromkeys((*getattr(check, "covers", ()), *regimes)))
    return check


def format_instance(instance, limit: int = 160, digits: int = 6) -> str:
    """An instance inside a sentence: ``key = value, ...``, internal ``_`` keys left out, lists shortened, cut at
    ``limit`` characters (the same formatting as every report: :func:`proofcheck.explain.format_cell`)."""
    return format_cell(instance, limit=limit, digits=digits, max_items=4)


def reproducer(ctx: Context, instance) -> str:
    """The one-line command that replays a witness of one check, mutant included; with ``instance`` None (a
    universal statement, e.g. an exhaustive refutation) it replays the whole check.

    Every argument is shell-quoted, so the line can be pasted into a POSIX shell whatever the id,
    check name, mutant name or witness contains."""
    mutant = f" --mutant {shlex.quote(ctx.mutant)}" if ctx.mutant else ""
    line = f"python -m proofcheck run {shlex.quote(ctx.claim_id)}{mutant} --check {shlex.quote(ctx.check_name)}"
    if instance is None:
        return line
    return f"{line} --instance {shlex.quote(json.dumps(instance, sort_keys=True, separators=(',', ':')))}"
