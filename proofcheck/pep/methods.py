"""First-order methods, written once in the paper's notation (see :mod:`proofcheck.pep.spaces`).

A method takes the space ``s`` first, then its starting point(s) and parameters, and returns its iterates. It uses
only vector arithmetic and the space's calls, so it runs exactly (Fractions, to build the certificate's data and
to replay a witness), in float64 (screening) and on PEPit's objects (to solve the worst case).
"""
from __future__ import annotations


def gradient_descent(s, x0, steps: int, gamma):
    """Gradient descent with a fixed step: x_{k+1} = x_k - gamma * grad f(x_k), k = 0..steps-1.

    Returns [x_0, ..., x_steps]. ``gamma`` is a number of the space (the check converts the cell's exact values)."""
    x = [x0]
    for _ in range(int(steps)):
        x.append(x[-1] - gamma * s.gradient(x[-1]))
    return x
