"""Worst cases of first-order methods, with exact certificates (the engine part of the ``worstcase`` check kind).

- :mod:`.spaces`: the arithmetics a method runs in (exact Gram forms, exact or float vectors, PEPit objects);
- :mod:`.classes`: function classes as exact interpolation conditions (:class:`SmoothStronglyConvex`);
- :mod:`.methods`: methods written once (:func:`gradient_descent`);
- :mod:`.problem`: a method + class + initial condition + measure (:class:`Problem`; :func:`distance`,
  :func:`function_gap`, :func:`gradient_norm`);
- :mod:`.certificates`: exact dual certificates and exact witnesses, proposed from PEPit's solution, decided in
  rationals, stored as JSON;
- :mod:`.pepit_backend`: solving with PEPit (the optional ``pep`` extra).

The check kind itself is :class:`proofcheck.WorstCase` (:mod:`proofcheck.checks.worstcase`).
"""
from .classes import FunctionClass, SmoothStronglyConvex
from .methods import gradient_descent
from .problem import Problem, Quantity, distance, function_gap, gradient_norm
from .spaces import Space, SymbolicSpace, VectorSpace

__all__ = ["FunctionClass", "SmoothStronglyConvex", "gradient_descent", "Problem", "Quantity", "distance",
           "function_gap", "gradient_norm", "Space", "SymbolicSpace", "VectorSpace"]
