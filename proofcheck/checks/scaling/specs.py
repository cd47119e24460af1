"""The specifications a sweep is made of: what a cell's measurement returns, and the tests and figures a claim
declares (Slope, Ratio, Crossover, Plot). Plain data: no numerics, no imports from the rest of the package."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

RELATIONS = ("<=", ">=", "==")


@dataclass
class Measurement:
    """What ``measure`` returns for one cell: T per seed, capped flags, optional per-seed records and info."""

    T: Sequence[float]
    capped: Sequence[bool]
    cap: float | None = None  # the iteration cap (a lower bound for every capped T)
    per_seed: list = field(default_factory=list)  # JSON-ready, e.g. the tuned step of each seed
    info: dict = field(default_factory=dict)  # JSON-ready cell facts (actual kappa, tuning grid, flags...)
    dps: int = 15
    backend: str = "numpy float64"


@dataclass
class Slope:
    """d log T_q / d log(vary) = claimed (relation), judged on local exponents at the large end of each line.

    ``logs``: the power k of the log factors (ln x)^k the claim allows (0: none). ``window``: how many consecutive
    pairs at the large end decide."""

    name: str
    vary: str
    claimed: float
    relation: str = "<="
    tolerance: float = 0.1
    where: Callable[[dict], bool] | None = None
    min_points: int = 2
    description: str = ""
    logs: int = 0
    window: int = 2

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}")


@dataclass
class Ratio:
    """T_q / g(cell) bounded: its local exponent along each axis in ``along`` (default: every numeric grid axis
    with two or more values, but ``group_by``) is <= 0 + tolerance + log allowance. ``fit``/``growth``: the constant
    fitted on small cells and the growth over it on held-out cells, reported as findings only."""

    bound: Callable[[dict], float]
    fit: Callable[[dict], bool]
    growth: float = 2.0
    where: Callable[[dict], bool] | None = None
    group_by: Sequence[str] = ()
    label: str = "g"
    tolerance: float = 0.1
    logs: int = 0
    window: int = 2
    along: Sequence[str] | None = None
    name: str = "ratio"


@dataclass
class Crossover:
    """Per value of ``over``: the smallest ``along`` at which series a stops beating series b; d* ~ over^p."""

    name: str
    over: str
    along: str
    series: str
    a: Any
    b: Any
    claimed: float
    relation: str = ">="
    tolerance: float = 0.1
    factor: float = 1.0
    where: Callable[[dict], bool] | None = None
    description: str = ""

    def __post_init__(self):
        if self.relation not in RELATIONS:
            raise ValueError(f"relation must be one of {RELATIONS}")


@dataclass
class Plot:
    """Log-log T_q against ``x``, one line per value of ``line``, one panel per value of ``panel``."""

    name: str
    x: str
    line: str | None = None
    panel: str | None = None
    where: Callable[[dict], bool] | None = None
    caption: str = ""
    reference: Callable[[dict], float] | None = None  # a claimed bound drawn dotted beside each line
    reference_label: str = "claimed bound"
