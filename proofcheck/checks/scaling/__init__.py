"""The ``scaling`` check kind: T = O(g(params)) (or Theta) over a parameter grid (docs/design.md, 'Check kinds').

What a scaling verdict means (README, "What a scaling verdict means"). An O(.) statement hides a constant and,
when the claim says so, logarithmic factors; a finite sweep can neither prove it nor refute it by extrapolating a
constant. So every test here is judged on **local exponents at the large end** of a line of cells (the other axes
fixed): the slope of log T_q between consecutive values of one axis, over the last ``window`` pairs.

- A claim declares the log factors it allows (``logs = k``: a factor (ln x)^k, whose local exponent at x is
  k/ln x). The limit of a pair at geometric midpoint x is claimed + tolerance + k/ln x.
- **FAIL** needs a trend no allowed log factor explains: every pair of the window is above its limit at the
  family-wise level, and the local exponent does not decay significantly across the window (a transient that
  decays towards the claimed exponent is not a counterexample). The deciding counts are re-counted at high
  precision first (the ``confirm`` hook); a FAIL has a one-line reproducer that replays exactly that test.
- **PASS** needs every test's window within its limit (per-test level: an intersection-union test) *and* the check
  must be able to see the claim's own false variants on the same measurements: every declared ``alternatives``
  mutant must FAIL there; a claim that allows no log factor must also exclude one (its PASS limit is at most
  claimed + 1/(2 ln x), halfway to the x ln x variant). Otherwise INCONCLUSIVE, "insufficient range at this budget".
  A PASS states its scope (every axis's range, seeds, budget).
- Everything else, e.g. a ratio T/g that exceeds the constant fitted on small cells, is a reported finding and
  the verdict is INCONCLUSIVE.

Per cell, the seed quantile matching the claimed probability p is the order statistic T_(ceil(p n)); capped runs
enter as T = +inf (and as the cap where a lower bound is wanted). Uncertainty comes from a seeded bootstrap over
seeds (one resampling of the seed indices shared by all cells, which keeps paired comparisons paired); intervals
are percentile intervals. FAIL is decided at the Bonferroni level over every test the check makes (counted in one
place: the tests that were made, alternatives' tests included); PASS at each test's own level.

Test specs (each makes its own tests, one per line):

- :class:`Slope`: the local exponent of T_q along ``vary`` against a claimed exponent (``<=`` an O bound, ``==``
  Theta, ``>=`` a lower bound).
- :class:`Ratio`: T_q / g(cell) bounded: the local exponent of the ratio along each axis is <= 0 (+ tolerance and
  log allowance). The constant C = max T_q/g on the ``fit`` cells and each held-out cell's growth over it are
  reported as findings, never decisive.
- :class:`Crossover`: along one axis, the first value at which series ``a`` stops beating series ``b``
  (quantile_a > quantile_b / factor), per value of another axis; the fitted exponent p-hat of that crossover
  against the claimed p. One test per line that has two or more crossovers.

Narrowing (``ctx.selection``) only restricts: each selected key keeps the intersection of the check's own values
with the selection; nothing is replaced. A replayed ``ctx.instance`` names cells of a failing test and that test.

Everything (grid, seeds, per-cell quantiles, local exponents with intervals, constants, crossovers) goes into
Evidence.details; plots (matplotlib SVG) into Evidence.artifacts.

The package, one room per concern (each imports only the rooms above it in this list):

- ``specs``: Measurement, Slope, Ratio, Crossover, Plot (plain data);
- ``statistics``: seed quantiles, the seeded bootstrap, percentile intervals, OLS slopes, log allowances;
- ``grid``: cells from the axes, narrowing, lines of cells, ranges in words;
- ``sentences``: every sentence a test or the verdict says, and the one-line backend summary;
- ``rules``: the decision rules (an interval against a claim; line tests with their log signature; crossovers);
- ``lines``: the tests a sweep makes from its specs on the measured cells;
- ``confirm``: high-precision re-counts (sample, escalation, deciding counts before a FAIL);
- ``parts``: cells measured apart on other workers, and their reduction;
- ``plots``: the figures;
- ``check``: :class:`Sweep` (a claim's sweep subclasses it) and :class:`Scaling` (the keyword constructor).
"""
from .check import Scaling, Sweep
from .rules import LOG_SIGNATURE_BAND, _CrossoverTest, _decide, _LineTest
from .specs import RELATIONS, Crossover, Measurement, Plot, Ratio, Slope
from .statistics import log_allowance

__all__ = ["Sweep", "Scaling", "Measurement", "Slope", "Ratio", "Crossover", "Plot", "RELATIONS", "log_allowance",
           "LOG_SIGNATURE_BAND"]
