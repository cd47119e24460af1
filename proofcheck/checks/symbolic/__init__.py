"""Symbolic check kinds: ``identity`` (A = B) and ``symbolic`` (a derivation of sympy steps).

Steps are evidence only when they could have failed (docs/design.md, 'Verdicts and evidence'):

- a step records its two sides **as written**, before any simplification. Write them unevaluated
  (``sp.Limit``, ``sp.Derivative``, ``sp.Integral``, ``sp.Subs``, ``sp.UnevaluatedExpr``, or build them under
  ``with sp.evaluate(False):``) so that the reader sees ``Limit(T/kappa, kappa, oo) = log(1/eps)/4`` and not
  ``log(1/eps)/4 = log(1/eps)/4``;
- it records how it was decided (``doit`` + ``simplify``, the sign under the symbols' assumptions, a numeric
  disproof at high precision) and the residual;
- a step whose two sides are identical as written proves nothing and is **not counted**; a bare Python ``bool``
  given to :func:`fact` is not proof (``True`` is not counted, ``False`` leaves the step undecided); a relation
  that sympy had already decided when :func:`fact` received it (exact rationals compared, say) counts, and the
  step shows the expression that was decided, recovered from the caller's source;
- a step that is not counted is a warning (``details["warnings"]``, with the line where it was written), and a
  derivation with no counted step is INCONCLUSIVE;
- "sympy could not decide" is undecided (INCONCLUSIVE), never DISPROVED. DISPROVED needs an exact nonzero
  residual, a sign proved from the assumptions, or (labelled numeric, with its points) a nonzero residual
  confirmed at two precisions at a point of the step's domain (:class:`Domain`: ranges, assumptions, validate; a
  symbol with none of them has an unknown domain and nothing numeric is decided about it).

An identity is proved when sympy simplifies A - B to 0; high-precision spot checks at random points of its domain
are numeric evidence, so a true identity PASSes on its own; a nonzero residual decided at two precisions is a FAIL with the
point as witness (``--instance`` replays a point).
"""
from .checks import Identity, Symbolic
from .deciding import (DISPROVED, NOT_EVIDENCE, NOT_REACHED, NUMERIC_SCHEDULE, PROVED, UNDECIDED, Domain, ZeroDecision,
                       decide_zero, decide_zero_on)
from .steps import Step, equal, fact, reaches
