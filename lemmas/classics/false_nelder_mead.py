"""C19 `nelder-mead-stationary` (known false): the Nelder-Mead simplex method need not converge to a stationary point,
even on a strictly convex C^1 function of two variables (McKinnon 1998; docs/classics.md, "Known-false claims").

Statement (false). For every strictly convex, continuously differentiable f: R^2 -> R and every nondegenerate initial
simplex, the vertices of the Nelder-Mead method (reflection 1, expansion 2, contraction 1/2, shrink 1/2) converge to
a stationary point of f.

Refutation (K. I. M. McKinnon, "Convergence of the Nelder-Mead simplex method to a nonstationary point", SIAM J.
Optim. 9(1), 1998). With tau = 2, theta = 6, phi = 60,

    f(x, y) = theta phi |x|^tau + y + y^2   (x <= 0),        theta x^tau + y + y^2   (x > 0),

is strictly convex and C^1, with minimum f(0, -1/2) = -1/4. From the simplex (0, 0), (1, 1), (lambda_1, lambda_2),
lambda_{1,2} = (1 +- sqrt 33)/8 (the roots of 4 lambda^2 = lambda + 2), every step is an inside contraction of the
worst vertex v_k = (lambda_1^k, lambda_2^k) towards the centroid v_{k+1}/2 of the other two, which gives
(v_{k+1}/2 + v_k)/2 = v_{k+2}; the best vertex (0, 0) is never replaced. The simplex shrinks onto (0, 0), where
grad f = (0, 1): not a stationary point.

Checks. ``mckinnon-function`` (symbolic): f is C^1 across x = 0 and strictly convex, grad f(0, 0) = (0, 1), the
inside contraction maps (v_k, v_{k+1}) to v_{k+2} exactly because 4 lambda^2 = lambda + 2, and |lambda_{1,2}| < 1.
``limit-is-stationary`` (bound, exact arithmetic in Q(sqrt 33)): K = 30 Nelder-Mead steps replayed exactly, each
checked to be the inside contraction above (otherwise the witness fails and the instance is undecided); the claim
then says that the point the simplex collapses onto, (0, 0), has ||grad f||^2 <= 0. It is 1.
"""
from __future__ import annotations

from fractions import Fraction

import sympy as sp

from proofcheck import Claim, Symbolic, equal, fact

from ._witness import QSqrt, WitnessFails, q, refutation

SOURCE = "McKinnon 1998 (SIAM J. Optim. 9(1)): tau = 2, theta = 6, phi = 60; the simplex collapses onto (0, 0)"
LAM1, LAM2 = QSqrt(Fraction(1, 8), Fraction(1, 8)), QSqrt(Fraction(1, 8), Fraction(-1, 8))  # (1 +- sqrt 33)/8


def mckinnon(theta, phi):
    """f for tau = 2 (a polynomial on each half-plane, so exact in Q(sqrt 33)) and its gradient."""

    def f(p):
        x, y = p
        return (theta * phi if x.sign() <= 0 else theta) * x * x + y + y * y

    def grad(p):
        x, y = p
        return ((theta * phi if x.sign() <= 0 else theta) * 2 * x, 1 + 2 * y)

    return f, grad


def _mid(a, b):
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def nelder_mead_step(simplex, f):
    """One Nelder-Mead step (Lagarias et al.'s rules; ties keep the order); returns (operation, new simplex)."""
    b, n, w = sorted(simplex, key=lambda p: float(f(p)))  # a float order only to sort; checked exactly below
    if not (f(b) <= f(n) <= f(w)):
        raise WitnessFails("the float ordering of the vertices is not the exact one")
    m = _mid(b, n)
    r = (2 * m[0] - w[0], 2 * m[1] - w[1])
    if f(r) < f(b):
        e = (3 * m[0] - 2 * w[0], 3 * m[1] - 2 * w[1])
        return ("expansion", [b, n, e]) if f(e) < f(r) else ("reflection", [b, n, r])
    if f(r) < f(n):
        return "reflection", [b, n, r]
    if f(r) < f(w):
        c = _mid(m, r)
        return ("outside contraction", [b, n, c]) if f(c) <= f(r) else ("shrink", None)
    c = _mid(m, w)
    return ("inside contraction", [b, n, c]) if f(c) < f(w) else ("shrink", None)


def limit_is_stationary(inst):
    """(||grad f(z)||^2, 0) at the point z the simplex collapses onto, after checking K steps of McKinnon's pattern."""
    if q(inst["tau"]) != 2:
        raise WitnessFails("this exact replay covers tau = 2 (f polynomial on each half-plane)")
    f, grad = mckinnon(q(inst["theta"]), q(inst["phi"]))
    zero, one = QSqrt(0), QSqrt(1)
    origin = (zero, zero)
    v = [(one, one), (LAM1, LAM2)]  # v_k = (lambda_1^k, lambda_2^k)
    simplex = [origin, v[0], v[1]]
    for k in range(int(inst["K"])):
        op, new = nelder_mead_step(simplex, f)
        v.append((v[-1][0] * LAM1, v[-1][1] * LAM2))
        expected = [origin, v[k + 1], v[k + 2]]
        if op != "inside contraction" or new is None or not all(a[0] == b[0] and a[1] == b[1]
                                                                for a, b in zip(sorted(new, key=_key),
                                                                                sorted(expected, key=_key))):
            raise WitnessFails(f"step {k + 1} is a {op}, not McKinnon's inside contraction onto v_{k + 2}")
        simplex = new
    gx, gy = grad(origin)  # every step kept (0, 0) and shrank the others by lambda_1, lambda_2: z = (0, 0)
    return gx * gx + gy * gy, QSqrt(0)


def _key(p):
    return (float(p[0]), float(p[1]))


def derivation(ctx):
    x, y = sp.symbols("x y", real=True)
    lam = sp.Symbol("lambda")
    theta, phi = 6, 60
    left, right = theta * phi * x ** 2 + y + y ** 2, theta * x ** 2 + y + y ** 2
    l1, l2 = (1 + sp.sqrt(33)) / 8, (1 - sp.sqrt(33)) / 8
    return [
        equal("f is C^1 across x = 0: both pieces have d/dx = 0 there",
              sp.Subs(sp.Derivative(left, x), x, 0), sp.Subs(sp.Derivative(right, x), x, 0)),
        fact("each piece is strictly convex: its Hessian diag(2 theta phi or 2 theta, 2) has positive entries",
             sp.And(sp.Gt(sp.Derivative(left, x, 2), 0), sp.Gt(sp.Derivative(right, x, 2), 0),
                    sp.Gt(sp.Derivative(right, y, 2), 0))),
        equal("df/dx(0, 0) = 0", sp.Subs(sp.Derivative(right, x), (x, y), (0, 0)), 0),
        equal("df/dy(0, 0) = 1: grad f(0, 0) = (0, 1), so (0, 0) is not stationary",
              sp.Subs(sp.Derivative(right, y), (x, y), (0, 0)), 1),
        equal("lambda_1 = (1 + sqrt 33)/8 solves 4 lambda^2 = lambda + 2", sp.Subs(4 * lam ** 2 - lam - 2, lam, l1), 0),
        equal("... and so does lambda_2 = (1 - sqrt 33)/8", sp.Subs(4 * lam ** 2 - lam - 2, lam, l2), 0),
        equal("so the inside contraction (v_{k+1}/2 + v_k)/2 of the worst vertex is v_{k+2}, coordinatewise",
              sp.Subs((lam ** (sp.Symbol("k") + 1) / 2 + lam ** sp.Symbol("k")) / 2 - lam ** (sp.Symbol("k") + 2), lam,
                      l1), 0),
        fact("|lambda_1|, |lambda_2| < 1: the simplex collapses onto its best vertex (0, 0)",
             sp.And(sp.Lt(sp.Abs(l1), 1), sp.Lt(sp.Abs(l2), 1))),
    ]


WITNESSES = [{"tau": 2, "theta": 6, "phi": 60, "K": 30}]


def build(witnesses=WITNESSES):
    return Claim(
        id="nelder-mead-stationary",
        title="Nelder-Mead converges to a stationary point on strictly convex C^1 functions",
        source="folklore reading of Nelder, Mead 1965; refuted by McKinnon 1998", provenance="seed",
        expect="FAIL", refuted_by=SOURCE,
        statement=r"\forall f \in C^1(\mathbb{R}^2) \text{ strictly convex},\ \forall \text{ simplices } S_0:\ "
                  r"S_k \to \{z\} \Rightarrow \nabla f(z) = 0",
        hypotheses=["f strictly convex and C^1 (McKinnon's f, tau = 2, theta = 6, phi = 60)",
                    "the standard coefficients: reflection 1, expansion 2, contraction 1/2, shrink 1/2"],
        checks=[Symbolic("mckinnon-function", derivation, "f strictly convex and C^1; the repeated inside contraction"),
                refutation("limit-is-stationary", witnesses, limit_is_stationary,
                           "||grad f(z)||^2 <= 0 at the point z the simplex collapses onto, after K exact steps of "
                           "McKinnon's pattern (exact arithmetic in Q(sqrt 33))")],
        notes="Refuted exactly: 30 inside contractions replayed in Q(sqrt 33); grad f(0, 0) = (0, 1).")


CLAIM = build()

# Mutant (the counterexample broken): phi = 1, i.e. f = 6 x^2 + y + y^2, a smooth quadratic on which Nelder-Mead leaves
# McKinnon's pattern (the witness fails); the claim must not be REFUTED.
MUTANTS = {"nelder-mead-stationary": {"phi-equals-1": lambda: build([dict(w, phi=1) for w in WITNESSES])}}
