"""C3 `gd-all-steps`: the Taylor-Hendrickx-Glineur form of GD's worst case for every step h = gamma L in (0, 2)
(docs/classics.md).

    f(x_N) - f* <= (L/2) max{1 / (2Nh + 1), (1 - h)^{2N}} R^2,

conjectured tight by Taylor, Hendrickx and Glineur ("Smooth strongly convex interpolation and exact worst-case
performance of first-order methods", Math. Program. 161 (2017), Section 4.1.2; a proof is claimed in arXiv
2412.04427): the first branch is the Huber worst case of C2, the second the quadratic f = L x^2 / 2. For h > 1 the
second branch can win, which is why Drori-Teboulle's L R^2/(4Nh+2) fails there (a known-false claim of the
catalogue). PEPit: 0.405 at h = 19/10, N = 1. Per cell exact dual certificates.
"""
from __future__ import annotations

from fractions import Fraction

from proofcheck.pep import SmoothStronglyConvex, distance, function_gap

from . import _pep


def tau(c):
    h, N = c["h"], int(c["N"])
    return c["L"] / 2 * max(1 / (2 * N * h + 1), (1 - h) ** (2 * N))


CELLS = {"N": [1, 2, 3], "L": [1], "h": [Fraction(1, 2), Fraction(7, 5), Fraction(19, 10)]}


def build(scale=1):
    check = _pep.worstcase(
        "all-steps", function_class=SmoothStronglyConvex(mu=0, L="L"), method=_pep.gd_normalized_step, initial=distance(0),
        measure=function_gap(-1), tau=tau, cells=CELLS, tight=True, scale=scale,
        description="f(x_N) - f* <= (L/2) max{1/(2Nh+1), (1-h)^(2N)} R^2 per cell (N = 1..3; h = 1/2, 7/5, 19/10)")
    return _pep.claim(
        id="gd-all-steps", title="GD for every h in (0, 2): f(x_N) - f* <= (L/2) max{1/(2Nh+1), (1-h)^{2N}} R^2",
        source="Taylor-Hendrickx-Glineur, Math. Program. 161 (2017), Sec. 4.1.2 (conjecture; proof claimed in arXiv 2412.04427)",
        statement=r"f(x_N)-f_*\le\frac L2\max\Big\{\frac1{2Nh+1},(1-h)^{2N}\Big\}\|x_0-x_*\|^2,\ h\in(0,2)",
        hypotheses=["f convex and L-smooth with a minimizer x*", "fixed step gamma = h / L, 0 < h < 2"],
        check=check)


CLAIM = build()
MUTANTS, WEAKENINGS = _pep.variants("gd-all-steps", build)
