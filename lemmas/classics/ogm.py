"""C8 `ogm`: Kim and Fessler's optimized gradient method on convex L-smooth functions (docs/classics.md).

    f(y_N) - f* <= L R^2 / (2 theta_N^2),   theta_0 = 1, theta_{i+1} = (1 + sqrt(1 + 4 theta_i^2))/2 (i < N - 1),
                                            theta_N = (1 + sqrt(1 + 8 theta_{N-1}^2))/2,

tight (Kim, Fessler, "Optimized first-order methods for smooth convex minimization", Math. Program. 159 (2016);
Drori, "The exact information-based complexity of smooth convex minimization", J. Complexity 39 (2017); PEPit
example unconstrained_convex_minimization/optimized_gradient.py: 0.0767518 at L = 3, N = 4). The thetas are
irrational, so the certificates are **certified (balls)**, not exact: the method's coefficients are Arb balls at 256
bits, the multipliers and the function-value part stay exact rationals, and the LDL^T pivots of the residual
matrix must be certainly positive (the eta slack makes the residual definite). tau itself is compared exactly
(sympy). Since theta_N^2 >= (N + 1)^2 / 2, this is also at most L R^2 / (N + 1)^2 (docs/classics.md, rates in N).
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from proofcheck import Bound, InvalidInstance, Space
from proofcheck.pep import SmoothStronglyConvex, distance, function_gap
from proofcheck.pep.methods import optimized_gradient

from . import _pep


def theta(N: int):
    """theta_N exactly (sympy nested radicals)."""
    t = sp.Integer(1)
    for i in range(N):
        t = (1 + sp.sqrt((4 if i < N - 1 else 8) * t ** 2 + 1)) / 2
    return t


def tau(c):
    return sp.Rational(c["L"].numerator, c["L"].denominator) / (2 * theta(int(c["N"])) ** 2)


def method(s, c):
    return optimized_gradient(s, s.start(), c["N"], c["L"])


# N = 2 and N = 4 are not certified yet: the solver's multipliers leave a residual direction orthogonal to x_0 with a
# pivot of about -1e-12 at every bound (docs/classics.md, "What is left"); the grid holds the cells that certify.
CELLS = {"N": [1, 3], "L": [3]}


# -- rates in N: L R^2 / (2 theta_N^2) <= L R^2 / (N + 1)^2, and the ratio tends to 1 ---------------------------
N_MAX = 2000  # the Bound's range of N (theta_N costs N steps at high precision)


class Steps(Space):
    """N in [1, N_MAX], log-uniform."""

    def sample(self, rng):
        return {"N": int(round(10 ** rng.uniform(0, math.log10(N_MAX))))}

    def perturb(self, instance, rng, scale):
        return {"N": int(np.clip(round(instance["N"] * math.exp(scale * rng.normal())), 1, N_MAX))}

    def validate(self, instance):
        if not (isinstance(instance["N"], int) and 1 <= instance["N"] <= N_MAX):
            raise InvalidInstance(f"needs an integer 1 <= N <= {N_MAX}")


def ratio(N: int, dps):
    """(N + 1)^2 / (2 theta_N^2): OGM's bound over L R^2 / (N + 1)^2, in floats or at dps digits."""
    if dps is None:
        t = 1.0
        for i in range(N):
            t = (1 + math.sqrt((4 if i < N - 1 else 8) * t * t + 1)) / 2
        return (N + 1) ** 2 / (2 * t * t)
    import mpmath as mp

    with mp.workdps(dps):
        t = mp.mpf(1)
        for i in range(N):
            t = (1 + mp.sqrt((4 if i < N - 1 else 8) * t * t + 1)) / 2
        return +((N + 1) ** 2 / (2 * t * t))


def at_most_one(inst, dps):
    return ratio(inst["N"], dps), 1.0 if dps is None else __import__("mpmath").mpf(1)


def tends_to_one(inst, dps):
    """1 - ratio <= (3/2) log(N + 1) / (N + 1): the ratio tends to 1 (the constant 3/2 read off theta's expansion,
    theta_i = i/2 + O(log i); the Bound checks it)."""
    N = inst["N"]
    if dps is None:
        return 1 - ratio(N, None), 1.5 * math.log(N + 1) / (N + 1)
    import mpmath as mp

    with mp.workdps(dps):
        return 1 - ratio(N, dps), mp.mpf(3) / 2 * mp.log(N + 1) / (N + 1)


def rate_checks():
    effort = dict(random=(30, 120, 400), climbs=(1, 2, 4), climb_steps=(5, 20, 40), hypothesis_examples=(0, 0, 0),
                  escalations=(20, 100, 400), near_escalations=(5, 20, 50))
    return [Bound("at-most-1-over-(N+1)^2", Steps(), at_most_one,
                  "L R^2 / (2 theta_N^2) <= L R^2 / (N + 1)^2, i.e. (N + 1)^2 / (2 theta_N^2) <= 1, for N <= 2000",
                  **effort),
            Bound("ratio-tends-to-1", Steps(), tends_to_one,
                  "1 - (N + 1)^2 / (2 theta_N^2) <= (3/2) log(N + 1)/(N + 1), for N <= 2000 (the ratio tends to 1)",
                  **effort)]


def build(scale=1):
    check = _pep.worstcase(
        "ogm", function_class=SmoothStronglyConvex(mu=0, L="L"), method=method, initial=distance(0),
        measure=function_gap(-1), tau=tau if scale == 1 else (lambda c: tau(c) * sp.Rational(scale)), cells=CELLS,
        tight=True, coefficients="balls",
        description="f(y_N) - f* <= L R^2 / (2 theta_N^2) per cell (N = 1, 3; L = 3), certified (balls) certificates")
    claim = _pep.claim(
        id="ogm", title="OGM: f(y_N) - f* <= L R^2 / (2 theta_N^2) (certified in balls: theta_N is irrational)",
        source="Kim-Fessler, Math. Program. 159 (2016); Drori, J. Complexity 39 (2017); PEPit optimized_gradient.py",
        statement=r"f(y_N)-f_*\le\frac{L\|x_0-x_*\|^2}{2\theta_N^2}\le\frac{L\|x_0-x_*\|^2}{(N+1)^2},\ "
                  r"\frac{(N+1)^2}{2\theta_N^2}\to1",
        hypotheses=["f convex and L-smooth with a minimizer x*", "OGM's theta sequence (last step with 8 theta^2)"],
        check=check)
    claim.checks.extend(rate_checks())  # rates in N: at most L R^2 / (N + 1)^2, with ratio tending to 1
    return claim


CLAIM = build()
MUTANTS, WEAKENINGS = _pep.variants("ogm", build)
