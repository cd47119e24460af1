"""Algorithm A and gradient descent, each written ONCE, against a number context (docs/claims.md, Setting).

Algorithm A (Adam without momentum, beta1 = 0), elementwise, with g_k = grad f(x_k):
    r = max(|g_0|, phi),  v_0 = r * r,
    v_k = beta2 v_{k-1} + (1 - beta2) g_k g_k                          (k >= 1),
    x_{k+1} = x_k - alpha g_k / (sqrt(v_k) + delta_k r),  delta_k = delta * schedule(k).
GD: x_{k+1} = x_k - eta g_k.
T(eps) = min{k >= 0 : f(x_k) <= eps f(x_0)}: the test is made before each step, so T = 0 when the start
already satisfies it (f_0 <= eps f_0, i.e. f_0 = 0 for eps < 1).

The order of operations is the paper's float64 one, ``x - (alpha * g) / (sqrt(v) + delta_k * r)``, in every
context, so a run in float64, mpmath, MPFR or longdouble rounds the same expression tree: the contexts differ
only in their rounding and in how they sum (``n.dot``; numpy's pairwise sum in float64, exact sums rounded once
in mpmath and MPFR).

:func:`iterate` is the one loop (stop test, batch semantics, recording). A *problem* supplies ``grad(n, x)``
and ``value(n, x, g)``: :class:`Quadratic` (f = x^T Q x / 2, diagonal or dense, batched in float64) and
:class:`Callback` (a gradient and a value function, e.g. S5's test functions). Vectors are the context's
(numpy arrays: float64, or objects holding mpf / mpfr); in float64 a (b, d) array is a batch of b instances and
every instance has its own T, the batch continuing until every instance stopped (or the cap).

Fast paths. The compiled float64 kernels (fast.py), the unbounded-exponent kernel, the resumable MPFR state
(highprec.py), the closed-form counts of linear iterations (tuning.py: GD, and Algorithm A with beta2 = 1) and
the certified ball runs (certified.py) compute the same T(eps) faster, or certified. Each is registered here
under the specification it implements (:func:`register`, by dotted name, imported only when asked for) with
the bound it keeps against the specification, and tests/test_conformance.py checks each on random problems.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


# ---------------------------------------------------------------------------------------------
# problems
# ---------------------------------------------------------------------------------------------

class Quadratic:
    """f(x) = x^T Q x / 2 (x* = 0). ``Q``: the diagonal (``diagonal=True``) or the matrix, in the context's numbers;
    in float64 a batch: (b, d) diagonals or (b, d, d) matrices."""

    def __init__(self, Q, diagonal: bool):
        self.Q, self.diagonal = Q, diagonal

    def grad(self, n, x):
        return self.Q * x if self.diagonal else n.matvec(self.Q, x)

    def value(self, n, x, g):
        return n.dot(x, g) / 2


class Callback:
    """f and grad f given as functions of a list of the context's numbers (one instance)."""

    def __init__(self, grad_fn: Callable, value_fn: Callable | None = None):
        self.grad_fn, self.value_fn = grad_fn, value_fn

    def grad(self, n, x):
        return np.array(self.grad_fn(list(x)), dtype=object)

    def value(self, n, x, g):
        return None if self.value_fn is None else self.value_fn(list(x))


# ---------------------------------------------------------------------------------------------
# the specifications
# ---------------------------------------------------------------------------------------------

@dataclass
class State:
    """The iteration's whole memory at step k: x_k, g_k = grad f(x_k), and for Algorithm A r and v_{k-1}."""

    x: object
    g: object
    r: object = None
    v: object = None


@dataclass
class AlgorithmA:
    """Algorithm A's hyperparameters, in the context's numbers (scalars, or (b, 1) columns for a float64 batch).
    ``schedule(k)`` multiplies delta at step k (a context number); None is the constant 1."""

    alpha: object
    beta2: object
    phi: object
    delta: object
    schedule: Callable | None = None
    name = "adam"

    def start(self, n, problem, x0) -> State:
        g = problem.grad(n, x0)
        r = n.vmax(n.vabs(g), self.phi)
        return State(x=x0, g=g, r=r, v=r * r)

    def scale(self, k: int):
        return self.delta if self.schedule is None else self.delta * self.schedule(k)

    def step(self, n, problem, s: State, k: int, extras: list | None = None) -> State:
        """x_{k+1} from x_k; appends (v_k, P_k) to ``extras`` when asked (P_k = 1 / (sqrt(v_k) + delta_k r))."""
        # Vectors stand left of scalars: a product or sum of two numbers is the same rounded number either way
        # round, and mpmath's mpf * array would first try (slowly) to convert the array. So this is
        # v = beta2 v + ((1 - beta2) g) g and x - (alpha g) / (sqrt(v) + delta_k r), as written above.
        v = s.v if k == 0 else s.v * self.beta2 + s.g * (1 - self.beta2) * s.g
        den = n.vsqrt(v) + s.r * self.scale(k)
        if extras is not None:
            extras.append((v, 1 / den))
        x = s.x - s.g * self.alpha / den
        return State(x=x, g=problem.grad(n, x), r=s.r, v=v)


@dataclass
class GD:
    """Gradient descent with step ``eta`` (a context number, or a (b, 1) column for a float64 batch)."""

    eta: object
    name = "gd"

    def start(self, n, problem, x0) -> State:
        return State(x=x0, g=problem.grad(n, x0))

    def step(self, n, problem, s: State, k: int, extras: list | None = None) -> State:
        x = s.x - s.g * self.eta  # eta g (vector left of scalar, as in AlgorithmA.step)
        return State(x=x, g=problem.grad(n, x))


# ---------------------------------------------------------------------------------------------
# the loop
# ---------------------------------------------------------------------------------------------

@dataclass
class Iterated:
    """What :func:`iterate` returns. ``T``: per instance (an array, length 1 for one instance), -1 when capped;
    ``iters`` the steps taken; ``xs`` the iterates x_0 .. x_iters and ``extras`` the method's per-step records
    (when ``record``); ``f`` the values f(x_k) at the end."""

    state: State
    f0: object
    f: object
    T: np.ndarray
    iters: int
    xs: list = field(default_factory=list)
    extras: list = field(default_factory=list)
    values: list = field(default_factory=list)


def iterate(method, n, problem, x0, iters: int, eps=None, record: bool = False, values: bool = False,
            on_stop: Callable | None = None) -> Iterated:
    """Run ``method`` on ``problem`` from ``x0`` in context ``n`` for at most ``iters`` steps.

    With ``eps`` an instance stops at its first k with f(x_k) <= eps f(x_0), tested before each step (T = 0 at
    a start that satisfies it); a batch steps on until every instance stopped, ``on_stop(mask, x)`` seeing each
    instance at its own stop (float64's flags are taken there). ``values`` keeps f(x_k) for every k."""
    s = method.start(n, problem, x0)
    f0 = problem.value(n, s.x, s.g)
    f, k = f0, 0
    batch = np.ndim(f0) > 0
    T = np.full(np.shape(f0) if batch else (1,), -1, dtype=np.int64)
    target = None if eps is None else eps * f0
    out = Iterated(state=s, f0=f0, f=f0, T=T, iters=0)
    if record:
        out.xs.append(s.x.copy())
    if values:
        out.values.append(f0)
    extras = out.extras if record else None
    while True:
        if target is None:
            pass
        elif not batch:  # one instance: a plain comparison (this loop is the high-precision runs' hot path)
            if f <= target:
                if on_stop is not None:
                    on_stop(np.ones(1, bool), s.x)
                T[0] = k
                break
        else:
            newly = (T < 0) & np.asarray(f <= target, dtype=bool)
            if newly.any():
                if on_stop is not None:
                    on_stop(newly, s.x)
                T[newly] = k
            if (T >= 0).all():
                break
        if k >= iters:
            break
        s = method.step(n, problem, s, k, extras)
        k += 1
        if target is not None or values:
            f = problem.value(n, s.x, s.g)
        if record:
            out.xs.append(s.x.copy())
        if values:
            out.values.append(f)
    out.state, out.iters = s, k
    out.f = f if (target is not None or values) and k > 0 else problem.value(n, s.x, s.g)
    return out


def count(method, n, problem, x0, iters: int, eps) -> int:
    """T(eps) of one instance in context ``n`` (call inside ``n.working()``), -1 when capped at ``iters``."""
    return int(iterate(method, n, problem, x0, iters, eps).T[0])


# ---------------------------------------------------------------------------------------------
# fast paths of the specifications
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FastPath:
    """An implementation of ``spec`` that is not :func:`iterate`: where it lives and what it keeps."""

    spec: str
    name: str
    target: str  # "module:attribute", imported on first use
    agreement: str  # the conformance bound against the specification

    def load(self) -> Callable:
        module, attr = self.target.split(":")
        return getattr(importlib.import_module(module), attr)


FAST_PATHS: dict[tuple[str, str], FastPath] = {}


def register(spec: str, name: str, target: str, agreement: str) -> None:
    FAST_PATHS[(spec, name)] = FastPath(spec, name, target, agreement)


def fast_path(spec: str, name: str) -> Callable:
    """The registered fast path ``name`` of ``spec`` ("adam" or "gd"), imported now."""
    return FAST_PATHS[(spec, name)].load()


_HERE = __name__.rsplit(".", 1)[0]
register("adam", "numba", f"{_HERE}.fast:adam_fast",
         "float64, the same expression tree: diagonal Q bit for bit; dense Q sums Q x in another order, so x "
         "within 1e-8 relative (1e-11 absolute at the scale of x); T equal except where f_T is at eps f_0 to rounding")
register("gd", "numba", f"{_HERE}.fast:gd_fast", "as adam/numba")
register("adam", "numba-unbounded", f"{_HERE}.fast:adam_unbounded",
         "bit-exact with adam/numba wherever that stays in float64's normal range (T and x)")
register("adam", "mpfr-resumable", f"{_HERE}.highprec:AdamState",
         "bit-exact with the specification in the MPFR and mpmath contexts (advance(n) then advance(m) = m steps)")
register("gd", "closed-form", f"{_HERE}.tuning:linear_counts",
         "T of the linear iteration from its eigen-decomposition: equal to the specification's T at 50 digits "
         "except within NEAR of the threshold (flagged)")
register("adam", "closed-form-beta2-1", f"{_HERE}.tuning:linear_counts",
         "beta2 = 1 freezes P_0, a linear iteration in y = P_0^{-1/2} x: as gd/closed-form")
register("adam", "certified", f"{_HERE}.certified:certify_run",
         "ball arithmetic (arb) on the factored update x (1 - alpha lambda / (sqrt(v) + delta_k r)), which equals "
         "the specification's in exact arithmetic: its certified T equals the specification's T at 50 digits")
register("gd", "certified", f"{_HERE}.certified:certify_run", "as adam/certified")
