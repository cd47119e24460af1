"""C16 `nesterov-monotone` (known false): Nesterov's accelerated gradient method does not decrease f monotonically
(docs/classics.md, "Known-false claims").

Statement (false). For every convex L-smooth f and every x_0, the fast gradient method with step 1/L and momentum
k/(k+3),

    x_{k+1} = y_k - (1/L) grad f(y_k),   y_{k+1} = x_{k+1} + k/(k+3) (x_{k+1} - x_k),   y_0 = x_0,

satisfies f(x_{k+1}) <= f(x_k) for every k (and likewise the strongly convex version with a constant momentum
beta = (sqrt L - sqrt mu)/(sqrt L + sqrt mu)).

Refutation. Accelerated methods are not descent methods; this is why Beck and Teboulle introduced the monotone variant
MFISTA (IEEE Trans. Image Process. 18(11), 2009) and O'Donoghue and Candes adaptive restarts (Found. Comput. Math.
15, 2015). An exact witness: L = 1, f = x^2/4 (convex and 1/2-smooth, hence 1-smooth), x_0 = 1. The iterates are
1, 1/2, 1/4, 3/32, 1/64, -3/256, -7/512, ... and f(x_5) = 9/262144 < f(x_6) = 49/1048576. With the constant momentum
9/11 (mu = 1/100, L = 1) on the same f: f(x_2) = 1/1936 < f(x_3) = 6241/937024.

Checks. ``f-class`` (symbolic): f = c x^2/2 with 0 <= c <= L is convex and L-smooth, and the two exact values
compare as stated. ``monotone`` (bound, exact rationals): f(x_{k+1}) <= f(x_k) on the witness for k = 0..9.
"""
from __future__ import annotations

from fractions import Fraction

import sympy as sp

from proofcheck import Claim, Symbolic, fact

from proofcheck.pep.methods import fast_gradient

from ._witness import on_the_line, q, refutation, scalars

SOURCE = ("Beck, Teboulle 2009 (MFISTA: FISTA is not monotone); exact witness f = x^2/4, x_0 = 1, L = 1: "
          "f(x_5) = 9/262144 < f(x_6) = 49/1048576")


def momentum(rule, k: int) -> Fraction:
    """k/(k+3) (the convex method) or a constant beta (the strongly convex one), exactly."""
    return Fraction(k, k + 3) if rule == "k/(k+3)" else q(rule)


def monotone(inst):
    """(f(x_{k+1}), f(x_k)) for f = c x^2/2: the claim says the first is at most the second."""
    c, k = q(inst["c"]), int(inst["k"])
    s = on_the_line(lambda x: c * x, q(inst["x0"]))  # the fast gradient method of the worst-case claims, replayed
    xs = scalars(fast_gradient(s, s.start(), k + 1, q(inst["L"]), lambda j: momentum(inst["momentum"], j)))
    f = lambda x: c * x * x / 2  # noqa: E731
    return f(xs[k + 1]), f(xs[k])


def derivation(ctx):
    x, c, L = sp.symbols("x c L", positive=True)
    f = c * x ** 2 / 2
    return [
        fact("f = c x^2/2 is convex: f'' = c >= 0", sp.Ge(sp.Derivative(f, x, 2), 0, evaluate=False)),
        fact("... and L-smooth when c <= L: L - f'' >= 0 (the witness: c = 1/2, L = 1)",
             sp.Ge(sp.Subs(L - sp.Derivative(f, x, 2), (c, L), (sp.Rational(1, 2), 1)), 0, evaluate=False)),
        fact("k/(k+3) momentum, f = x^2/4, x_0 = 1: f(x_6) = (-7/512)^2/4 exceeds f(x_5) = (-3/256)^2/4",
             sp.Gt(sp.Rational(-7, 512) ** 2 / 4, sp.Rational(-3, 256) ** 2 / 4)),
        fact("momentum 9/11 on the same f: f(x_3) = 6241/937024 exceeds f(x_2) = 1/1936",
             sp.Gt(sp.Rational(6241, 937024), sp.Rational(1, 1936))),
    ]


WITNESSES = ([{"c": "1/2", "L": 1, "x0": 1, "momentum": "k/(k+3)", "k": k} for k in range(10)]
             + [{"c": "1/2", "L": 1, "x0": 1, "momentum": "9/11", "k": k} for k in range(6)])


def build(witnesses=WITNESSES, **overrides):
    fields = dict(
        id="nesterov-monotone", title="Nesterov's fast gradient method decreases f at every step",
        source="folklore reading of Nesterov 1983; refuted by Beck, Teboulle 2009 and others", provenance="seed",
        expect="FAIL", refuted_by=SOURCE,
        statement=r"\forall f \text{ convex, } L\text{-smooth},\ \forall k:\ f(x_{k+1}) \le f(x_k) \text{ for } "
                  r"x_{k+1} = y_k - \tfrac{1}{L}\nabla f(y_k),\ y_{k+1} = x_{k+1} + \tfrac{k}{k+3}(x_{k+1} - x_k)",
        hypotheses=["f convex and L-smooth (here f = x^2/4, L = 1)", "x_0 = 1, momentum k/(k+3) (or 9/11)"],
        checks=[Symbolic("f-class", derivation, "the witness is convex and L-smooth; the exact values compare"),
                refutation("monotone", witnesses, monotone,
                           "f(x_{k+1}) <= f(x_k) on f = c x^2/2, k = 0..9 (exact rationals)")],
        notes="Refuted exactly: f(x_5) = 9/262144 < f(x_6) = 49/1048576.")
    fields.update(overrides)
    return Claim(**fields)


CLAIM = build()

# Mutant (the counterexample broken): momentum 0, i.e. gradient descent with step 1/L, which does decrease f; the
# claim must not be REFUTED on it.
MUTANTS = {"nesterov-monotone": {"momentum-zero": lambda: build([dict(w, momentum="0") for w in WITNESSES])}}
# Weakening (the true counterpart, expect PASS): gradient descent with step 1/L decreases f on the same quadratics.
WEAKENINGS = {"nesterov-monotone": {"gradient-descent-is-monotone": lambda: build(
    [dict(w, momentum="0", c=c) for w in WITNESSES[:10] for c in ("1/2", "1", "1/10")], expect="PASS", refuted_by="",
    title="Gradient descent with step 1/L decreases f at every step on c x^2/2, 0 < c <= L")}}
