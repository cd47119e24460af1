"""C20 `pure-newton-global` (known false): Newton's method without a line search does not converge on every smooth
strictly convex function (docs/classics.md, "Known-false claims").

Statement (false). For every smooth strictly convex f: R -> R with a minimiser x* and every x_0, the pure Newton
iterates x_{k+1} = x_k - f'(x_k)/f''(x_k) converge to x*.

Refutation (a textbook example; e.g. Boyd and Vandenberghe, Convex Optimization, 2004, Sec. 9.5, and Nesterov,
Lectures on Convex Optimization, 2018, Example 1.2.4 style). f(x) = sqrt(1 + x^2) is smooth and strictly convex
(f'' = (1 + x^2)^{-3/2} > 0) with x* = 0. Its Newton step is x - f'/f'' = x - x (1 + x^2) = -x^3, so
|x_{k+1}| = |x_k|^3: from |x_0| > 1 the iterates diverge (|x_k| = |x_0|^{3^k}), from |x_0| < 1 they converge
(cubically), and x_0 = +-1 cycles.

Checks. ``newton-step`` (symbolic): f is strictly convex, the Newton map is -x^3, and |x| > 1 implies |-x^3| > |x|
(so the distance to x* grows at every step, by induction). ``moves-away`` (bound, exact rationals): convergence from
x_0 needs some k with |x_k - x*| <= |x_0 - x*|; on the witness x_0 = 2 (and 11/10, -3/2) min_{1<=k<=K} |x_k - x*| >
|x_0 - x*| for K = 4 steps, exactly (x_4 = 2^81).
"""
from __future__ import annotations

import sympy as sp

from proofcheck import Claim, Symbolic, equal, fact

from ._witness import q, refutation

SOURCE = "textbook (e.g. Boyd, Vandenberghe 2004, Sec. 9.5): f = sqrt(1 + x^2) gives x_{k+1} = -x_k^3"


def newton_step(x):
    """x - f'(x)/f''(x) for f = sqrt(1 + x^2): -x^3 (the derivation proves it), exact for rationals."""
    return -x ** 3


def moves_away(inst):
    """(min over 1 <= k <= K of |x_k - x*|, |x_0 - x*|): convergence needs the first to come down to the second at
    some K; the symbolic step shows that for |x_0| > 1 it never does, so a violation at K steps is one at every K."""
    x = q(inst["x0"])
    start, closest = abs(x), None
    for _ in range(int(inst["K"])):
        x = newton_step(x)
        closest = abs(x) if closest is None else min(closest, abs(x))
    return closest, start


def derivation(ctx):
    x = sp.Symbol("x", real=True)
    t = sp.Symbol("t", positive=True)  # t = |x| - 1 > 0
    f = sp.sqrt(1 + x ** 2)
    return [
        fact("f = sqrt(1 + x^2) is strictly convex: f'' > 0", sp.Gt(sp.Derivative(f, x, 2), 0, evaluate=False)),
        equal("the minimiser is x* = 0: f'(0) = 0", sp.Subs(sp.Derivative(f, x), x, 0), 0),
        equal("the Newton step x - f'(x)/f''(x) is -x^3", x - sp.Derivative(f, x) / sp.Derivative(f, x, 2), -x ** 3),
        fact("for |x| = 1 + t > 1 the next distance |x|^3 exceeds |x|: the iterates move away from x* forever",
             sp.Gt((1 + t) ** 3, 1 + t)),
    ]


WITNESSES = [{"x0": x0, "K": 4} for x0 in (2, "11/10", "-3/2")]


def build(witnesses=WITNESSES, **overrides):
    fields = dict(
        id="pure-newton-global", title="Pure Newton converges on every smooth strictly convex function",
        source="folklore; refuted by the textbook example f = sqrt(1 + x^2)", provenance="seed",
        expect="FAIL", refuted_by=SOURCE,
        statement=r"\forall f \in C^\infty \text{ strictly convex},\ \forall x_0:\ x_k \to x^* \text{ for } "
                  r"x_{k+1} = x_k - f'(x_k)/f''(x_k)",
        hypotheses=["f smooth and strictly convex with a minimiser (here f = sqrt(1 + x^2), x* = 0)",
                    "no line search or damping (step 1)"],
        checks=[Symbolic("newton-step", derivation, "f strictly convex, Newton map -x^3, distance grows for |x| > 1"),
                refutation("moves-away", witnesses, moves_away,
                           "convergence needs an iterate at least as close to x* as x_0: min_{1<=k<=K} |x_k - x*| <= "
                           "|x_0 - x*| (exact rationals)")],
        notes="Refuted exactly: from x_0 = 2 the iterates are -8, 512, -2^27, 2^81.")
    fields.update(overrides)
    return Claim(**fields)


CLAIM = build()

# Mutant (the counterexample broken): starts inside (-1, 1), where pure Newton converges cubically on this f.
MUTANTS = {"pure-newton-global": {"starts-inside-unit-interval": lambda: build([{"x0": x0, "K": 4}
                                                                               for x0 in ("1/2", "-9/10", "1/3")])}}
# Weakening (the corrected statement, expect PASS): local convergence, from |x_0| < 1 on this f.
WEAKENINGS = {"pure-newton-global": {"local-convergence": lambda: build(
    [{"x0": x0, "K": 4} for x0 in ("1/2", "-9/10", "1/3", "99/100")], expect="PASS", refuted_by="",
    title="Pure Newton on sqrt(1 + x^2) converges from |x_0| < 1 (local convergence)")}}
