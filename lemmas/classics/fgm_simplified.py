"""C14 `fgm-simplified`: the fast gradient method with momentum k/(k+3) and step 1/L on convex L-smooth f
(docs/classics.md, "Rates in N").

    x_{k+1} = y_k - grad f(y_k) / L,   y_{k+1} = x_{k+1} + k/(k+3) (x_{k+1} - x_k),   y_0 = x_0;

    f(x_n) - f* <= 2 L R^2 / ((n + 2)(n + 3)) = 2 L R^2 / (n^2 + 5n + 6).

For all n this is a **numerical conjecture** (Taylor-Hendrickx-Glineur observed it on the PEP solutions; PEPit
example unconstrained_convex_minimization/accelerated_gradient_convex_simplified.py: 0.0039525692 at n = 20); for
each fixed n of the grid proofcheck proves it by an exact dual certificate, and the exact witnesses show it is
tight there to the solver's accuracy. A PASS is a proof for these n only, and the catalogue says so.
"""
from __future__ import annotations

from proofcheck.pep import SmoothStronglyConvex, distance, function_gap
from proofcheck.pep.methods import fast_gradient, simplified_fgm_momentum

from . import _pep


def tau(c):
    n = int(c["n"])
    return 2 * c["L"] / ((n + 2) * (n + 3))


def fgm(s, c):
    return fast_gradient(s, s.start(), c["n"], c["L"], simplified_fgm_momentum)


CELLS = {"n": [1, 2, 3, 4, 5], "L": [1]}


def build(scale=1):
    check = _pep.worstcase(
        "fgm-k-over-k-plus-3", function_class=SmoothStronglyConvex(mu=0, L="L"), method=fgm, initial=distance(0),
        measure=function_gap(-1), tau=tau, cells=CELLS, tight=True, scale=scale,
        description="f(x_n) - f* <= 2 L R^2 / ((n+2)(n+3)) per cell (n = 1..5, L = 1), exact certificates")
    return _pep.claim(
        id="fgm-simplified", title="FGM with momentum k/(k+3): f(x_n) - f* <= 2 L R^2/((n+2)(n+3)) (a numerical "
                                   "conjecture for all n, proved per n)",
        source="numerical conjecture (Taylor-Hendrickx-Glineur 2017); PEPit accelerated_gradient_convex_simplified.py",
        statement=r"f(x_n)-f_*\le\frac{2L\|x_0-x_*\|^2}{(n+2)(n+3)}",
        hypotheses=["f convex and L-smooth with a minimizer x*", "step 1/L, momentum k/(k+3), y_0 = x_0",
                    "proved for the grid's n only; for all n a numerical conjecture"],
        check=check, notes="For all n this is a numerical conjecture; the PASS covers the grid's n.")


CLAIM = build()
MUTANTS, WEAKENINGS = _pep.variants("fgm-simplified", build)
