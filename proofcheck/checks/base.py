"""The check interface: every verification strategy is a Check that returns Evidence."""
from __future__ import annotations

import json
import shlex
import time

from ..context import Context
from ..model import Evidence, Verdict


class Check:
    """A verification strategy instantiated for one claim.

    Subclasses set ``kind`` and implement :meth:`evaluate`, which returns an Evidence; ``run``
    adds timing. ``basis`` is ``"symbolic"`` or ``"numeric"``.
    """

    kind = "base"
    basis = "numeric"

    def __init__(self, name: str, description: str = "") -> None:
        self.name = name
        self.description = description

    def describe(self) -> str:
        return f"{self.kind} [{self.basis}] {self.name}: {self.description}".rstrip(": ")

    def evaluate(self, ctx: Context) -> Evidence:  # pragma: no cover - abstract
        raise NotImplementedError

    def run(self, ctx: Context) -> Evidence:
        start = time.perf_counter()
        evidence = self.evaluate(ctx)
        evidence.seconds = round(time.perf_counter() - start, 4)
        return evidence

    def evidence(self, verdict: Verdict, **kw) -> Evidence:
        return Evidence(check=self.name, kind=self.kind, basis=self.basis, verdict=verdict, **kw)


def reproducer(ctx: Context, instance) -> str:
    """The one-line command that replays a witness of one check (DESIGN.md), mutant included.

    Every argument is shell-quoted, so the line can be pasted into a POSIX shell whatever the id,
    check name, mutant name or witness contains."""
    text = json.dumps(instance, sort_keys=True, separators=(",", ":"))
    mutant = f" --mutant {shlex.quote(ctx.mutant)}" if ctx.mutant else ""
    return (f"python -m proofcheck run {shlex.quote(ctx.claim_id)}{mutant} --check {shlex.quote(ctx.check_name)} "
            f"--instance {shlex.quote(text)}")
