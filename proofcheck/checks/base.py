"""The check interface: every verification strategy is a Check that returns Evidence."""
from __future__ import annotations

import json
import re
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
        evidence = one_line_backend(self.evaluate(ctx))
        evidence.seconds = round(time.perf_counter() - start, 4)
        return evidence

    def evidence(self, verdict: Verdict, **kw) -> Evidence:
        kw.setdefault("role", "supports" if self.supporting else "decides")
        kw.setdefault("covers", list(self.covers))
        return one_line_backend(Evidence(check=self.name, kind=self.kind, basis=self.basis, verdict=verdict, **kw))


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


def reproducer(ctx: Context, instance, *, budget_and_seed: bool = False) -> str:
    """The one-line command that replays a witness of one check, mutant included; with ``instance`` None (a
    universal statement, e.g. an exhaustive refutation) it replays the whole check. The one builder of every kind.

    Every argument is shell-quoted, so the line can be pasted into a POSIX shell whatever the id,
    check name, mutant name or witness contains. ``budget_and_seed``: the witness is only a witness at the run's
    budget and seed (a sweep's failing test: its seeds and its Bonferroni family), so the line names them."""
    mutant = f" --mutant {shlex.quote(ctx.mutant)}" if ctx.mutant else ""
    line = f"python -m proofcheck run {shlex.quote(ctx.claim_id)}{mutant} --check {shlex.quote(ctx.check_name)}"
    if instance is not None:
        line += f" --instance {shlex.quote(json.dumps(instance, sort_keys=True, separators=(',', ':')))}"
    if budget_and_seed:
        line += f" --budget {shlex.quote(ctx.budget.name)} --seed {int(ctx.seed)}"
    return line


# A check's backend is one line in every format (the terminal, report.md's tables, the HTML page): at most this many
# characters; the full description is kept in ``details["backends"]`` (moved to the report's side file).
BACKEND_LINE = 160
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def one_line_backend(evidence: Evidence) -> Evidence:
    """``evidence`` with its backend in one line (:func:`backend_line`), the whole text kept in
    ``details["backends"]``; applied to every check's evidence (here and by the runner), whatever set the backend."""
    full = getattr(evidence, "backend", None)
    if isinstance(full, str) and len(full) > BACKEND_LINE:
        evidence.backend = backend_line(full)
        if not isinstance(evidence.details, dict):
            evidence.details = {}
        evidence.details.setdefault("backends", [full])  # in place: a kind may still add to its details
    return evidence


def backend_line(text: str, limit: int = BACKEND_LINE) -> str:
    """``text`` (a backend description) in at most ``limit`` characters, whatever the kind that wrote it.

    Its '; '-separated parts that differ only in their numbers are merged, each varying number written as its range
    ('MPFR at 30 digits for 1 count(s); MPFR at 30 digits for 4 count(s)' -> 'MPFR at 30 digits for 1-4 count(s)');
    then, if still too long, parenthesised notes are dropped; then the line is cut at a word."""
    if len(text) <= limit:
        return text
    shapes: dict[str, list] = {}
    for part in (p.strip() for p in text.split("; ")):
        shapes.setdefault(_NUMBER.sub("#", part), []).append(_NUMBER.findall(part))
    merged = []
    for shape, rows in shapes.items():
        slots = []
        for column in zip(*rows):
            values = sorted(set(column), key=float)
            slots.append(values[0] if len(values) == 1 else f"{values[0]}-{values[-1]}")
        slot = iter(slots)
        merged.append(re.sub("#", lambda _: next(slot), shape))
    line = "; ".join(merged)
    while len(line) > limit and " (" in line:  # the longest parenthesised note first, nested ones with it
        line = _without_longest_note(line)
    if len(line) > limit:
        line = line[:limit - 1].rsplit(" ", 1)[0].rstrip(" ;,+") + "…"
    return line


def _without_longest_note(line: str) -> str:
    """``line`` without its longest top-level ' (...)' note (or without its first unbalanced ' (' tail)."""
    notes, depth, start = [], 0, None
    for i, ch in enumerate(line):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0 and start and line[start - 1] == " ":
                notes.append((start - 1, i + 1))
    if not notes:
        return line[:line.index(" (")]
    a, b = max(notes, key=lambda ab: ab[1] - ab[0])
    return line[:a] + line[b:]
