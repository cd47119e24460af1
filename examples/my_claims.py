"""Your own claims, checked by proofcheck: a complete small example.

Run them with::

    python -m proofcheck run examples/my_claims.py --budget quick          # all claims of this file
    python -m proofcheck run --claims examples/my_claims.py 'birthday[n=[23,30]]'   # one, narrowed
    python -m proofcheck run --claims examples/my_claims.py birthday --mutant n-22  # its false variant
    python -m proofcheck selftest --claims examples/my_claims.py birthday

The file uses only the public API that the built-in ``lemmas/`` use: a module defines ``CLAIMS``
(or ``CLAIM``) and, optionally, ``MUTANTS`` (false variants that proofcheck must report as FAIL).

- ``am-gm`` is true: sqrt(xy) <= (x + y)/2. A sympy derivation and an adversarial numeric search
  (random restarts, hill climbing, and a hypothesis strategy guided by ``target()``) back it.
- ``gm-below-hm`` is false on purpose: sqrt(xy) <= 2xy/(x + y) fails whenever x != y. proofcheck
  finds a violation, confirms it at 50 and 100 digits, shrinks it, and prints a reproducer.
- ``birthday`` is a probability claim with a selectable parameter ``n`` (``birthday[n=30]``).
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp
from hypothesis import strategies as st

from proofcheck import Bound, Claim, InvalidInstance, Probability, Space, Symbolic, equal, fact
from proofcheck.numbers import uses_context
from proofcheck.selection import narrow


class PositivePairs(Space):
    """Instances ``{"x": x, "y": y}`` with 1e-3 <= x, y <= 1e3."""

    LO, HI = 1e-3, 1e3

    def sample(self, rng):
        return {"x": float(10 ** rng.uniform(-3, 3)), "y": float(10 ** rng.uniform(-3, 3))}

    def perturb(self, inst, rng, scale):
        clip = lambda v: float(np.clip(v * math.exp(scale * rng.standard_normal()), self.LO, self.HI))
        return {"x": clip(inst["x"]), "y": clip(inst["y"])}

    def shrink(self, inst):
        """Rounder numbers first: proofcheck keeps the simplest instance that still fails."""
        for digits in (0, 1, 2):
            cand = {k: round(v, digits) for k, v in inst.items()}
            if cand != inst and all(self.LO <= v <= self.HI for v in cand.values()):
                yield cand

    def validate(self, inst):
        for key in ("x", "y"):
            value = inst.get(key)
            if not isinstance(value, (int, float)) or not self.LO <= value <= self.HI:
                raise InvalidInstance(f"{key} must be a number in [{self.LO}, {self.HI}], got {value!r}")

    def strategy(self):
        """The hypothesis strategy the bound check searches with (and steers with ``target()``)."""
        positive = st.floats(min_value=self.LO, max_value=self.HI, allow_nan=False, allow_infinity=False)
        return st.fixed_dictionaries({"x": positive, "y": positive})


# Each formula is written once against a number context n (proofcheck.numbers): float64 when screening,
# mpmath at the confirmation's digits otherwise (n.num converts an input exactly).
def geometric_mean(x, y, n):
    return n.sqrt(x * y)


def arithmetic_mean(x, y, n):
    return (x + y) / 2


def harmonic_mean(x, y, n):
    return 2 * x * y / (x + y)


def mean_sides(lower, upper):
    """(lower(x, y), upper(x, y)) as the sides of a bound."""
    @uses_context
    def sides(inst, n):
        x, y = n.num(inst["x"]), n.num(inst["y"])
        return lower(x, y, n), upper(x, y, n)
    return sides


a, b = sp.symbols("a b", positive=True)  # a = sqrt(x), b = sqrt(y)

def am_gm(divisor: int = 2) -> Claim:
    """sqrt(xy) <= (x + y)/divisor: the AM-GM inequality for ``divisor`` 2 (false for 4: x = y breaks it)."""
    return Claim(
        id="am-gm",
        title="The geometric mean is at most the arithmetic mean",
        source="folklore (user example)",
        provenance="user",
        statement=rf"\sqrt{{xy}} \le \frac{{x+y}}{{{divisor}}}\ \text{{for}}\ x, y > 0",
        hypotheses=["x > 0", "y > 0"],
        checks=[
            Symbolic("square-completion", lambda ctx: [
                equal(f"(x + y)/{divisor} - sqrt(xy) = (sqrt(x) - sqrt(y))^2 / {divisor}, with x = a^2, y = b^2",
                      (a**2 + b**2) / divisor - a * b, (a - b) ** 2 / divisor),
                fact("a square is non-negative", (a - b) ** 2 / divisor >= 0),
            ], "completing the square"),
            Bound("gm-below-am", PositivePairs(),
                  mean_sides(geometric_mean, lambda x, y, n: 2 * arithmetic_mean(x, y, n) / divisor),
                  f"sqrt(xy) <= (x + y)/{divisor} over random, hill-climbed and hypothesis-generated (x, y)"),
        ],
    )


AM_GM = am_gm()

GM_BELOW_HM = Claim(
    id="gm-below-hm",
    title="(false on purpose) the geometric mean is at most the harmonic mean",
    source="a deliberate mistake (user example)",
    provenance="user",
    statement=r"\sqrt{xy} \le \frac{2xy}{x+y}",
    hypotheses=["x > 0", "y > 0"],
    checks=[Bound("gm-below-hm", PositivePairs(), mean_sides(geometric_mean, harmonic_mean))],
)


def shared_birthday(n: int, dps: int):
    """P(two of n people share a birthday), 365 equally likely days, exactly (mpmath at ``dps``)."""
    with mpmath.workdps(dps):
        none = mpmath.fprod((365 - mpmath.mpf(k)) / 365 for k in range(n))
        return 1 - none


def count_shared(case, rng, trials):
    days = np.sort(rng.integers(0, 365, size=(trials, case["n"])), axis=1)
    return int(np.any(days[:, 1:] == days[:, :-1], axis=1).sum())


def birthday(threshold: int = 23) -> Claim:
    """'Among n >= threshold people, a shared birthday has probability >= 1/2' (true for 23, false for 22)."""
    grid = [threshold, 30, 40, 57]
    n = sp.Integer(threshold)
    exact = 1 - sp.prod([sp.Rational(365 - k, 365) for k in range(threshold)])
    return Claim(
        id="birthday",
        title=f"{threshold} people share a birthday with probability at least 1/2",
        source="the birthday problem (user example)",
        provenance="user",
        statement=rf"P(\text{{shared birthday among }} n \ge {threshold}) \ge 1/2",
        hypotheses=["365 equally likely days, independent people"],
        parameters={"n": grid},  # selectable: birthday[n=30] or birthday[n=[23,57]]
        checks=[
            Symbolic("exact-rational", lambda ctx: [
                fact(f"1 - prod_(k<{n}) (365-k)/365 >= 1/2, in exact rational arithmetic", exact >= sp.Rational(1, 2)),
                fact("the probability grows with n (each extra person adds a factor < 1 to P(no match))",
                     sp.Rational(365 - threshold, 365) < 1),
            ]),
            Probability("at-least-half", cases=lambda ctx: [{"n": m} for m in narrow(grid, ctx.selection, "n")],
                        # the claimed 1/2 written exactly (README, "Exact values": a float is a rounding)
                        count_events=count_shared, claimed=sp.Rational(1, 2),
                        exact=lambda case, dps: shared_birthday(case["n"], dps), samples=(2000, 20000, 200000),
                        description="exact product formula, checked against Monte Carlo (Clopper-Pearson interval)"),
        ],
    )


CLAIMS = [AM_GM, GM_BELOW_HM, birthday()]
MUTANTS = {"am-gm": {"quarter-sum": lambda: am_gm(divisor=4)},  # breaks the derivation step and the bound
           "birthday": {"n-22": lambda: birthday(threshold=22)}}
