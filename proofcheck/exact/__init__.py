"""Exact rational arithmetic for certificates: rationalization, PSD tests, linear solves, difference constraints.

Floating-point solvers (an SDP solver behind PEPit, numpy's eigensolver) propose; the functions here decide, in
Python's :class:`fractions.Fraction`, whether a proposal is a proof. Nothing here rounds silently: every function
takes exact inputs and returns exact outputs, except :func:`rationalize` and :func:`psd_rounding`, which *make*
exact objects out of floats (their outputs are then checked exactly by whoever uses them).

- :func:`to_fraction` / :func:`fraction_text` / :func:`parse_fraction`: exact numbers in and out ("p/q" strings
  in JSON; a float is never accepted where an exact value is meant).
- :func:`rationalize`: a nearby rational with a bounded denominator (continued fractions); :func:`on_grid`: a
  vector of rationals with one common denominator.
- :func:`ldl_psd`: an exact LDL^T test of positive semidefiniteness.
- :func:`solve_linear`, :func:`basic_correction`, :func:`weighted_least_norm_correction`: exact Gaussian
  elimination.
- :func:`difference_bounds`: exact shortest paths for systems ``f_v - f_u <= w`` (a negative cycle = infeasible).
- :func:`psd_rounding`: a rational factor ``F`` of a float PSD matrix, so that ``F F^T`` is PSD by construction.

The linear algebra is written for any ordered field whose elements support ``+ - * /`` and comparisons with 0
(Fraction by default), so that exact algebraic numbers could be used later without changing it.
"""
from .rationals import ONE, ZERO, NotExact, fraction_text, on_grid, parse_fraction, rationalize, rationalize_all, to_fraction
from .linear import (DifferenceBounds, PsdResult, basic_correction, difference_bounds, gram, ldl_psd, psd_rounding,
                     solve_linear, weighted_least_norm_correction)
from .balls import BALL_BITS, Ball, Undecided, exact_text
