"""TEMPLATE: the shape of a claim module (copy it to start a new claim; it is a working claim file).

    python -m proofcheck run --claims lemmas/_template.py bernoulli --budget quick
    python -m proofcheck selftest --claims lemmas/_template.py

Where a claim module goes: in its catalogue's package, beside the catalogue's ``__init__.py``
(``lemmas/adam/`` for the paper, ``lemmas/classics/`` for the classics, or a package of your own), named in that
catalogue's ``CATALOGUE`` (and its label in ``LABELS``), with its entry in the catalogue's docs page. It imports the
public API and its own catalogue's shared helpers (``from ._common.quadratics import ...``), never another claim
module and never another catalogue. This file sits outside every catalogue so that it stays a template.

A claim module reads like the paper it checks, in this order:

1. **Statement**: the result in one sentence, with its source (paper, section, equation) in the docstring.
2. **Hypotheses**: every assumption the statement makes; the checks' spaces and ``validate`` enforce exactly these.
3. **Derivation**: the proof's steps as ``Symbolic`` steps: ``equal(description, lhs, rhs)`` for an identity sympy
   must prove (and can disprove: a false step FAILs the check), ``fact(description, relation)`` for an inequality
   it must decide. Write each step so that its two sides differ as written (sympy's automatic evaluation must not
   make them identical), or it proves nothing.
4. **Checks**: numeric evidence that could fail: here a ``Bound`` searched adversarially over the stated domain,
   with one formula (``@uses_context``) evaluated in float64 to screen and in mpmath to confirm.
5. **MUTANTS**: false variants proofcheck must FAIL; each should break a symbolic step *and* a numeric check.
6. **WEAKENINGS**: true variants (a looser constant, a smaller range) proofcheck must not FAIL.

The claim here is Bernoulli's inequality: (1 + x)^n >= 1 + n x for every integer n >= 1 and real x >= -1
(Hardy, Littlewood, Polya, *Inequalities*, 1934, Thm. 42). ``slope`` scales the right side's n x and
``floor`` subtracts floor x^2 from it: slope 2 is false (near x = 0+), floor 1 is a true weakening.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from proofcheck import Bound, Claim, InvalidInstance, Space, Symbolic, equal, fact
from proofcheck.numbers import uses_context

x = sp.Symbol("x", real=True)
n = sp.Symbol("n", positive=True, integer=True)


class BernoulliDomain(Space):
    """The hypotheses as a space: an integer n in [1, 40] and a real x in [-1, 10]."""

    def sample(self, rng):
        return {"n": int(rng.integers(1, 41)), "x": float(rng.uniform(-1, 10))}

    def perturb(self, inst, rng, scale):
        return {"n": int(np.clip(inst["n"] + rng.integers(-2, 3), 1, 40)),
                "x": float(np.clip(inst["x"] + scale * rng.standard_normal(), -1, 10))}

    def validate(self, inst):
        if not isinstance(inst.get("n"), int) or not 1 <= inst["n"] <= 40:
            raise InvalidInstance(f"n must be an integer in [1, 40], got {inst.get('n')!r}")
        if not isinstance(inst.get("x"), (int, float)) or not -1 <= inst["x"] <= 10:
            raise InvalidInstance(f"x must be a number in [-1, 10], got {inst.get('x')!r}")


def bernoulli(slope: int = 1, floor: int = 0) -> Claim:
    """(1 + x)^n >= 1 + slope n x - floor x^2: Bernoulli's inequality for slope 1, floor 0."""

    @uses_context
    def sides(inst, c):
        """(lhs, rhs) of lhs <= rhs, the same formula in float64 and in mpmath."""
        xv, nv = c.num(inst["x"]), inst["n"]
        return 1 + slope * nv * xv - floor * xv**2, (1 + xv) ** nv

    def derivation(ctx):
        # The induction step: if (1 + x)^n >= 1 + n x then (1 + x)^(n+1) >= (1 + n x)(1 + x) (as 1 + x >= 0), and
        # (1 + n x)(1 + x) - (1 + (n + 1) x) = n x^2 >= 0. With slope != 1 the residual is not n x^2 and the step
        # is false as written, so sympy disproves it.
        residual = sp.expand((1 + slope * n * x) * (1 + x) - (1 + slope * (n + 1) * x))
        return [
            equal("the base case n = 1: (1 + x)^1 = 1 + slope x", (1 + x) ** 1, 1 + slope * x),
            equal("the induction step's residual: (1 + n x)(1 + x) - (1 + (n + 1) x) = n x^2", residual, n * x**2),
            fact("n x^2 >= 0 for n >= 1", n * x**2 >= 0),
        ]

    return Claim(
        id="bernoulli",
        title="Bernoulli's inequality",
        source="Hardy, Littlewood, Polya, Inequalities (1934), Thm. 42 (template example)",
        provenance="user",
        statement=rf"(1 + x)^n \ge 1 + {slope} n x - {floor} x^2 \text{{ for integers }} n \ge 1, x \ge -1",
        hypotheses=["n integer, 1 <= n <= 40", "x real, -1 <= x <= 10"],
        checks=[
            Symbolic("induction", derivation, "the base case and the induction step, in sympy"),
            Bound("bernoulli-bound", BernoulliDomain(), sides,
                  "1 + slope n x - floor x^2 <= (1 + x)^n over random, hill-climbed and hypothesis-generated (n, x)"),
        ],
    )


CLAIMS = [bernoulli()]
# False: slope 2 fails for small x > 0 (1 + 2nx > (1 + x)^n near 0), and breaks the induction step.
MUTANTS = {"bernoulli": {"slope-2": lambda: bernoulli(slope=2)}}
# True and weaker: subtracting floor x^2 >= 0 lowers the right side. Its derivation is the theorem's (the
# symbolic steps are about slope 1), and the Bound checks the weaker statement itself.
WEAKENINGS = {"bernoulli": {"minus-x-squared": lambda: bernoulli(floor=1)}}
