"""C17 `drori-teboulle-long-steps` (known false): Drori and Teboulle's bound f(x_N) - f* <= L R^2/(4Nh+2) does not
extend from h in (0, 1] to every step h = gamma L in (0, 2) (docs/classics.md, "Known-false claims").

Statement (false). For every convex L-smooth f, every x_0 with R = ||x_0 - x*||, every N >= 1 and every h in (0, 2),
gradient descent x_{k+1} = x_k - (h/L) grad f(x_k) satisfies f(x_N) - f* <= L R^2 / (4Nh + 2).

Drori and Teboulle (Math. Program. 145, 2014, Thm 3.1) prove it for h in (0, 1], where a Huber function attains it
(C2 of the catalogue). Taylor, Hendrickx and Glineur (Math. Program. 161, 2017) show that the worst case for every
h in (0, 2) is (L/2) max{1/(2Nh+1), (1-h)^{2N}} R^2 (C3): for h > 1 the second branch, attained by a quadratic,
can exceed Drori-Teboulle's value.

Refutation (exact). f = L x^2/2 is convex and L-smooth with x* = 0; gradient descent gives x_N = (1-h)^N x_0, so
f(x_N) - f* = (L/2)(1-h)^{2N} R^2. At L = 1, R = 1, h = 19/10, N = 2 this is 6561/20000 = 0.328050 (PEPit's worst
case there, CLASSICS), against L R^2/(4Nh+2) = 5/86 = 0.0581.

Checks. ``quadratic-family`` (symbolic): f = L x^2/2 is convex and L-smooth, GD's iterates on it are (1-h)^N x_0 and
the gap is (L/2)(1-h)^{2N} R^2. ``long-steps`` (bound, exact rationals): the claimed bound on that quadratic for
h in {11/10, 3/2, 19/10}, N in {1, 2, 3}.
"""
from __future__ import annotations

import sympy as sp

from proofcheck import Claim, Symbolic, equal, fact

from proofcheck.pep.methods import gradient_descent

from ._witness import on_the_line, q, refutation, scalars

SOURCE = ("Taylor, Hendrickx, Glineur 2017 (Math. Program. 161), worst case (L/2) max{1/(2Nh+1), (1-h)^{2N}} R^2: "
          "the quadratic L x^2/2 at h = 19/10, N = 2 gives 0.328050 > 5/86")


def gd_gap(L, h, N, R):
    """f(x_N) - f* for gradient descent with step h/L on f = L x^2/2 from x_0 = R: (L/2)(1-h)^{2N} R^2, exact."""
    s = on_the_line(lambda x: L * x, R)  # gradient descent of the worst-case claims (proofcheck.pep.methods)
    x = scalars(gradient_descent(s, s.start(), N, h / L))[-1]
    return L * x * x / 2


def long_steps(inst):
    """(f(x_N) - f*, L R^2/(4Nh+2)) on the quadratic witness."""
    L, h, N, R = q(inst["L"]), q(inst["h"]), int(inst["N"]), q(inst["R"])
    return gd_gap(L, h, N, R), L * R * R / (4 * N * h + 2)


def derivation(ctx):
    x, L, h, R = sp.symbols("x L h R", positive=True)
    N = sp.Symbol("N", integer=True, positive=True)
    f = L * x ** 2 / 2
    return [
        fact("f = L x^2/2 is convex: f'' = L >= 0", sp.Ge(sp.Derivative(f, x, 2), 0, evaluate=False)),
        equal("... and L-smooth: f'' = L", sp.Derivative(f, x, 2), L),
        equal("one GD step with step h/L multiplies x by 1 - h", x - (h / L) * sp.Derivative(f, x), (1 - h) * x),
        equal("so f(x_N) - f* = (L/2)(1-h)^{2N} R^2 from x_0 = R", sp.Subs(f, x, (1 - h) ** N * R),
              L / 2 * (1 - h) ** (2 * N) * R ** 2),
        equal("at L = R = 1, h = 19/10, N = 2 that is 6561/20000 (PEPit's 0.328050)",
              sp.Subs(L / 2 * (1 - h) ** (2 * N) * R ** 2, (L, R, h, N), (1, 1, sp.Rational(19, 10), 2)),
              sp.Rational(6561, 20000)),
    ]


WITNESSES = [{"L": 1, "R": 1, "h": h, "N": N} for h in ("11/10", "3/2", "19/10") for N in (1, 2, 3)]


def build(witnesses=WITNESSES, **overrides):
    fields = dict(
        id="drori-teboulle-long-steps",
        title="GD for every h in (0, 2): f(x_N) - f* <= L R^2/(4Nh+2) (false for h > 1)",
        source="Drori, Teboulle 2014 (Math. Program. 145), Thm 3.1, stated there for h in (0, 1]; the extension to "
               "(0, 2) refuted by Taylor, Hendrickx, Glineur 2017",
        provenance="seed", expect="FAIL", refuted_by=SOURCE,
        statement=r"\forall f \text{ convex, } L\text{-smooth},\ \forall h \in (0, 2),\ N \ge 1:\ "
                  r"f(x_N) - f^* \le \frac{L R^2}{4 N h + 2}",
        hypotheses=["f convex and L-smooth", "x_{k+1} = x_k - (h/L) grad f(x_k), h in (0, 2)", "R = ||x_0 - x*||"],
        checks=[Symbolic("quadratic-family", derivation, "GD on L x^2/2: f(x_N) - f* = (L/2)(1-h)^{2N} R^2"),
                refutation("long-steps", witnesses, long_steps,
                           "L R^2/(4Nh+2) bounds GD's gap on f = L x^2/2 for h in (1, 2) (exact rationals)")],
        notes="Refuted exactly: 6561/20000 = 0.328050 > 5/86 at h = 19/10, N = 2.")
    fields.update(overrides)
    return Claim(**fields)


CLAIM = build()

# Mutant (the counterexample broken): the same quadratics at steps h <= 1, where the quadratic does not beat
# Drori-Teboulle's bound ((1-h)^{2N}(4Nh+2) <= 2 there); the claim must not be REFUTED on them.
SHORT_STEPS = [{"L": 1, "R": 1, "h": h, "N": N} for h in ("1/10", "1/2", "9/10", "1") for N in (1, 2, 3)]
MUTANTS = {"drori-teboulle-long-steps": {"steps-at-most-one": lambda: build(SHORT_STEPS)}}
# Weakening (the corrected statement, expect PASS): Drori-Teboulle's theorem as stated, h in (0, 1], on the same family.
WEAKENINGS = {"drori-teboulle-long-steps": {"h-at-most-one": lambda: build(
    SHORT_STEPS, expect="PASS", refuted_by="",
    title="GD for h in (0, 1]: f(x_N) - f* <= L R^2/(4Nh+2) (Drori-Teboulle's theorem, on the quadratic family)")}}
