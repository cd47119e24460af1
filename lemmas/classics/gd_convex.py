"""C2 `gd-drori-teboulle`: gradient descent on convex L-smooth functions, h = gamma L in (0, 1] (docs/classics.md).

    f(x_N) - f* <= L R^2 / (4 N h + 2),    R = ||x_0 - x*||,

tight: attained by the Huber function with kink at R / (2Nh + 1) (Drori and Teboulle, "Performance of first-order
methods for smooth convex minimization: a novel approach", Math. Program. 145 (2014), Theorem 3.1 and its
worst-case function; PEPit example unconstrained_convex_minimization/gradient_descent.py: 1/42 at L = 1, h = 1,
N = 10). Decided per cell by exact dual certificates; the Huber family is proofcheck's own lower bound.
"""
from __future__ import annotations

from fractions import Fraction

from proofcheck.pep import SmoothStronglyConvex, distance, function_gap

from . import _pep


def tau(c):
    return c["L"] / (4 * c["N"] * c["h"] + 2)


CELLS = {"N": [1, 2, 3, 5], "L": [1], "h": [Fraction(1, 2), 1]}


def build(scale=1):
    check = _pep.worstcase(
        "drori-teboulle", function_class=SmoothStronglyConvex(mu=0, L="L"), method=_pep.gd_normalized_step, initial=distance(0),
        measure=function_gap(-1), tau=tau, cells=CELLS, tight=True, scale=scale,
        description="f(x_N) - f* <= L R^2 / (4Nh + 2) per cell (N = 1, 2, 3, 5; h = 1/2, 1; L = 1), exact certificates")
    return _pep.claim(
        id="gd-drori-teboulle", title="GD with h = gamma L in (0, 1] on convex L-smooth f: f(x_N) - f* <= L R^2/(4Nh+2)",
        source="Drori-Teboulle, Math. Program. 145 (2014), Thm 3.1; PEPit unconstrained_convex_minimization/gradient_descent.py",
        statement=r"f(x_N)-f_*\le\frac{L\|x_0-x_*\|^2}{4Nh+2},\ h=\gamma L\in(0,1]",
        hypotheses=["f convex and L-smooth with a minimizer x*", "fixed step gamma = h / L, 0 < h <= 1"],
        check=check)


CLAIM = build()
MUTANTS, WEAKENINGS = _pep.variants("gd-drori-teboulle", build)
