"""First-order methods, written once in the paper's notation (see :mod:`proofcheck.pep.spaces`).

A method takes the space ``s`` first, then its starting point(s) and parameters, and returns its iterates. It uses
only vector arithmetic and the space's calls, so it runs exactly (Fractions, to build the certificate's data and
to replay a witness), in float64 (screening) and on PEPit's objects (to solve the worst case).

Scalar parameters are numbers of the space (the check converts the cell's exact values; ``s.number`` converts a
literal, ``s.sqrt`` a square root, exact only when it is rational). A coefficient sequence (a momentum rule) is a
callable of the iteration index returning an exact number, converted with ``s.number``.
"""
from __future__ import annotations

from fractions import Fraction


def gradient_descent(s, x0, steps: int, gamma):
    """Gradient descent with a fixed step: x_{k+1} = x_k - gamma * grad f(x_k), k = 0..steps-1.

    Returns [x_0, ..., x_steps]. ``gamma`` is a number of the space (the check converts the cell's exact values)."""
    x = [x0]
    for _ in range(int(steps)):
        x.append(x[-1] - gamma * s.gradient(x[-1]))
    return x


def heavy_ball(s, x0, steps: int, alpha, beta, previous=None):
    """Polyak's heavy-ball method from (x_{-1}, x_0), with x_{-1} = ``previous`` (x_0 when not given: the method as
    PEPit states it): x_{k+1} = x_k - alpha * grad f(x_k) + beta * (x_k - x_{k-1}). Returns [x_0, ..., x_steps]."""
    x = [x0]
    previous = x0 if previous is None else previous
    for _ in range(int(steps)):
        current = x[-1]
        x.append(current - alpha * s.gradient(current) + beta * (current - previous))
        previous = current
    return x


def fast_gradient(s, x0, steps: int, L, momentum):
    """Nesterov's fast gradient method with step 1/L: y_0 = x_0,

        x_{k+1} = y_k - grad f(y_k) / L,    y_{k+1} = x_{k+1} + m_k (x_{k+1} - x_k),

    with the momentum m_k = ``momentum(k)`` (an exact number: Fraction(k, k + 3) for the simplified FGM, or a
    constant (1 - sqrt(mu/L)) / (1 + sqrt(mu/L)) for the strongly convex one). Returns [x_0, x_1, ..., x_steps]
    (the x-sequence, whose last entry the classical bounds are about)."""
    x = [x0]
    y = x0
    for k in range(int(steps)):
        x.append(y - s.gradient(y) / L)
        if k + 1 < int(steps):  # the last y is never queried
            m = momentum(k)
            m = s.number(m) if isinstance(m, (int, Fraction)) else m  # an exact rule, or a number of the space
            y = x[-1] + m * (x[-1] - x[-2])
    return x


def simplified_fgm_momentum(k: int) -> Fraction:
    """k / (k + 3): the momentum of the simplified fast gradient method (PEPit's accelerated_gradient_convex_simplified)."""
    return Fraction(k, k + 3)


def inexact_gradient_descent(s, x0, steps: int, gamma, epsilon):
    """Gradient descent with a relatively inexact gradient: x_{k+1} = x_k - gamma d_k, where the direction d_k is
    any vector with ||d_k - grad f(x_k)||^2 <= epsilon^2 ||grad f(x_k)||^2 (chosen by an adversary: a free vector of
    the space, constrained). Returns [x_0, ..., x_steps]."""
    x = [x0]
    for _ in range(int(steps)):
        g = s.gradient(x[-1])
        d = s.free()
        s.constrain(s.sq(g) * (epsilon * epsilon) - s.sq(d - g), ">=")
        x.append(x[-1] - gamma * d)
    return x


def gradient_exact_line_search(s, x0, steps: int):
    """Steepest descent with exact line search: x_{k+1} = argmin over the line x_k - t grad f(x_k)
    (:meth:`Space.line_search`). Returns [x_0, ..., x_steps]."""
    x = [x0]
    for _ in range(int(steps)):
        x.append(s.line_search(x[-1], s.gradient(x[-1])))
    return x


def optimized_gradient(s, x0, steps: int, L):
    """Kim and Fessler's optimized gradient method (OGM), step 1/L, theta_0 = 1:

        x_{i+1} = y_i - grad f(y_i) / L,
        theta_{i+1} = (1 + sqrt(1 + 4 theta_i^2)) / 2   (i < N - 1),   theta_N = (1 + sqrt(1 + 8 theta_{N-1}^2)) / 2,
        y_{i+1} = x_{i+1} + (theta_i - 1)/theta_{i+1} (x_{i+1} - x_i) + theta_i/theta_{i+1} (x_{i+1} - y_i).

    The thetas are irrational: the exact space needs balls (``s.sqrt`` returns a certified enclosure there).
    Returns [y_0 = x_0, y_1, ..., y_N] (the bound is about f(y_N))."""
    theta = s.number(1)
    x, y = x0, x0
    ys = [x0]
    for i in range(int(steps)):
        x_old, x = x, y - s.gradient(y) / L
        factor = 4 if i < int(steps) - 1 else 8
        theta_old, theta = theta, (1 + s.sqrt(factor * theta * theta + 1)) / 2
        y = x + (theta_old - 1) / theta * (x - x_old) + theta_old / theta * (x - y)
        ys.append(y)
    return ys


def fast_gradient_lambda(s, x0, steps: int, L):
    """Nesterov's fast gradient method with the lambda sequence, step 1/L: lambda_0 = 1,
    lambda_{k+1} = (1 + sqrt(4 lambda_k^2 + 1)) / 2, x_{k+1} = y_k - grad f(y_k) / L,
    y_{k+1} = x_{k+1} + (lambda_k - 1) / lambda_{k+1} (x_{k+1} - x_k), y_0 = x_0 (PEPit's accelerated_gradient_convex).
    The lambdas are irrational: the exact space needs balls. Returns [x_0, x_1, ..., x_steps]."""
    lam = s.number(1)
    x, y = [x0], x0
    for _ in range(int(steps)):
        lam_old, lam = lam, (1 + s.sqrt(4 * lam * lam + 1)) / 2
        x.append(y - s.gradient(y) / L)
        y = x[-1] + (lam_old - 1) / lam * (x[-1] - x[-2])
    return x


def ogm_g_thetas(s, steps: int) -> list:
    """OGM-G's theta-tilde_0..N (theta-tilde_N = 1, computed backwards; the first with 8 theta^2)."""
    t = [s.number(1)]
    for i in range(int(steps)):
        t.append((1 + s.sqrt((4 if i < int(steps) - 1 else 8) * t[i] * t[i] + 1)) / 2)
    return t[::-1]


def optimized_gradient_for_gradient(s, x0, steps: int, L):
    """Kim and Fessler's OGM-G (step 1/L), which minimizes the final gradient norm:
    y_{i+1} = x_i - grad f(x_i) / L,
    x_{i+1} = y_{i+1} + (t_i - 1)(2 t_{i+1} - 1) / (t_i (2 t_i - 1)) (y_{i+1} - y_i) + (2 t_{i+1} - 1)/(2 t_i - 1) (y_{i+1} - x_i),
    t = theta-tilde (:func:`ogm_g_thetas`, irrational: balls in the exact space). Returns [x_0, ..., x_N]."""
    t = ogm_g_thetas(s, steps)
    x, y = x0, x0
    xs = [x0]
    for i in range(int(steps)):
        y_old, y = y, x - s.gradient(x) / L
        x = y + (t[i] - 1) * (2 * t[i + 1] - 1) / t[i] / (2 * t[i] - 1) * (y - y_old) \
            + (2 * t[i + 1] - 1) / (2 * t[i] - 1) * (y - x)
        xs.append(x)
    return xs
