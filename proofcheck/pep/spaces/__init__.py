"""The arithmetics a method runs in: written once, a method runs on exact Gram forms, numbers or PEPit objects.

A *method* is a Python function in the paper's notation that uses only vector arithmetic (``+``, ``-``, scalar
``*`` and ``/``) and the calls of a :class:`Space`: ``s.gradient(x)``, ``s.value(x)``, ``s.dot(u, v)``,
``s.sq(u)``, ``s.start()``, ``s.x_star``, ``s.f_star``, and ``s.number(q)`` for a literal constant. For example::

    def gradient_descent(s, x0, steps, gamma):
        x = [x0]
        for _ in range(steps):
            x.append(x[-1] - gamma * s.gradient(x[-1]))
        return x

The same code runs in three spaces:

- :class:`SymbolicSpace` (exact, Fractions): vectors are linear forms over *leaf* vectors (the starting points
  and every gradient), scalars are quadratic forms in the leaves plus linear forms in the function values.
  Running the method here gives the performance-estimation problem exactly (the Gram representation, with
  x* = 0, g* = 0, f* = 0): the interpolation inequalities, the initial condition and the measure as exact data.
- :class:`VectorSpace` (exact Fractions or float64): vectors are numpy arrays and the oracle is a function, or a
  finite table of (x_i, g_i, f_i) (:class:`TableOracle`): replaying a witness, or screening a family of
  functions.
- ``PepitSpace`` (:mod:`proofcheck.pep.pepit_backend`): vectors are PEPit Points, to build PEPit's problem.

Scalar parameters reach the method already converted to the space's numbers (Fraction, or float for PEPit and
float screening). A method must query points in an order that does not depend on the arithmetic (every method
in the field does: no branching on values), which the engine checks: PEPit's problem must have the points of
the exact one.
"""
from .base import IrrationalCoefficient, Space
from .gram import NotTranslationInvariant, Quad, SymbolicSpace, Vec
from .vectors import ConstraintViolated, TableOracle, VectorSpace, WitnessMiss, canonical
