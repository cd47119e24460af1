"""Budgets, seeds and the context a check runs in (docs/design.md, 'Budgets, seeds and execution')."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

BUDGETS = ("quick", "standard", "deep")


@dataclass(frozen=True)
class Budget:
    """A named effort profile. It scales grids, seeds and search effort, never the statement."""

    name: str

    def __post_init__(self) -> None:
        if self.name not in BUDGETS:
            from .errors import UsageError

            raise UsageError(f"unknown budget {self.name!r}; valid budgets: {', '.join(BUDGETS)}")

    def pick(self, quick: Any, standard: Any, deep: Any | None = None) -> Any:
        """The value for this budget; ``deep`` defaults to ``standard`` when not given."""
        if self.name == "quick":
            return quick
        if self.name == "standard":
            return standard
        return standard if deep is None else deep


def derive_seed(seed: int, *labels: Any) -> int:
    """A 63-bit seed derived from the run seed and labels, independent of execution order and workers."""
    text = "\x1f".join([str(int(seed))] + [str(x) for x in labels])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


@dataclass
class Context:
    """Everything a check may depend on. Checks draw all randomness from :meth:`rng`."""

    seed: int
    budget: Budget
    claim_id: str = ""
    check_name: str = ""
    instance: dict | None = None  # reproduce one instance (``--instance``) instead of searching
    selection: dict = field(default_factory=dict)  # narrowed grid keys (``claim[key=value]``)
    progress: Callable[[float, str], None] | None = None
    options: dict = field(default_factory=dict)  # engine options (jobs, cache...) that checks may read
    mutant: str | None = None  # name of the false variant being run, if any (for reproducers)
    parts: list | None = None  # a split check's part outputs, in part order (Check.run_part), when they ran apart

    def rng(self, *labels: Any) -> np.random.Generator:
        return np.random.default_rng(derive_seed(self.seed, self.claim_id, self.check_name, *labels))

    def subseed(self, *labels: Any) -> int:
        return derive_seed(self.seed, self.claim_id, self.check_name, *labels)

    def pick(self, quick: Any, standard: Any, deep: Any | None = None) -> Any:
        return self.budget.pick(quick, standard, deep)

    def wants_plots(self, default: bool) -> bool:
        """Whether to render figures: ``options["plots"]`` when the run decided (the CLI does, from the report
        formats that show figures: html, md), else the check's ``default``. Figures never change a verdict."""
        return bool(self.options.get("plots", default))

    def report(self, fraction: float, message: str = "") -> None:
        if self.progress is not None:
            self.progress(min(max(fraction, 0.0), 1.0), message)
