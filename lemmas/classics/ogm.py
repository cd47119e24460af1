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

import sympy as sp

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


def build(scale=1):
    check = _pep.worstcase(
        "ogm", function_class=SmoothStronglyConvex(mu=0, L="L"), method=method, initial=distance(0),
        measure=function_gap(-1), tau=tau if scale == 1 else (lambda c: tau(c) * sp.Rational(scale)), cells=CELLS,
        tight=True, coefficients="balls",
        description="f(y_N) - f* <= L R^2 / (2 theta_N^2) per cell (N = 1, 3; L = 3), certified (balls) certificates")
    return _pep.claim(
        id="ogm", title="OGM: f(y_N) - f* <= L R^2 / (2 theta_N^2) (certified in balls: theta_N is irrational)",
        source="Kim-Fessler, Math. Program. 159 (2016); Drori, J. Complexity 39 (2017); PEPit optimized_gradient.py",
        statement=r"f(y_N)-f_*\le\frac{L\|x_0-x_*\|^2}{2\theta_N^2}",
        hypotheses=["f convex and L-smooth with a minimizer x*", "OGM's theta sequence (last step with 8 theta^2)"],
        check=check)


CLAIM = build()
MUTANTS, WEAKENINGS = _pep.variants("ogm", build)
