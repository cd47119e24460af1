"""Sweeps over dense quadratics made from a cell (T4's nu-DD Q, T5's Q with controlled kappa_bar and kappa_diag):
one Q per cell drawn from the run seed, the seeds vary the initialisation; Algorithm A and GD tuned as in
lemmas.adam._common.tuning, counted in float64 and re-counted at high precision. Shared by the claims that sweep dense Q,
so that no claim module imports another (docs/design.md, 'Rooms')."""
from __future__ import annotations

import math

import numpy as np

from proofcheck.checks.scaling import Measurement, Sweep

from .init import random_init
from .quadratics import conditions
from .tuning import ADAM, GD, beta2_schedule, confirm_adam_run, confirm_gd_count, measure_batch

# The protocol of the dense sweeps (T4 and T5 state the same hypotheses): B of x_0 ~ Unif[-2B, 2B]^d, eps, the
# offset delta = 0 of the beta2 = 1 regime, the sweeps' probability level 1/e, the caps (Algorithm A at ADAM_CAP x
# the claimed bound's scale log(1/eps) + 50; GD at GD_CAP kappa log(1/eps)) and the share of converged seeds at which
# beta2 < 1 runs stop.
B, EPS, DELTA = 1.0, 1e-12, 0.0
PROBABILITY = 1 / math.e
ADAM_CAP, GD_CAP, SETTLE = 8.0, 10.0, 0.75


def lambda_min_phi(cell: dict, q: np.ndarray) -> float:
    """phi = 2B lambda_min(Q), the floor of T2's and T4's hypotheses."""
    return 2 * B * float(np.linalg.eigvalsh(q)[0])


def dense_measure(make_q, bound_cap, phi_of=lambda_min_phi):
    """``measure(cell, seeds)`` for dense Q = make_q(cell) (one Q per cell), methods of lemmas.adam._common.tuning.

    ``bound_cap(cell)`` is the scale of Algorithm A's cap (the claimed bound without constants); ``phi_of(cell, q)``
    the floor phi.
    """

    def measure(cell: dict, seeds: list) -> Measurement:
        q = make_q(cell)
        d, eps = len(q), cell.get("eps", EPS)
        phi = phi_of(cell, q)
        X0 = np.stack([random_init(d, B, np.random.default_rng(s)) for s in seeds])
        Q = np.repeat(q[None], len(seeds), 0)
        kappa = cell["_kappa"]
        if cell["method"] == GD:
            cap = int(math.ceil(GD_CAP * kappa * math.log(1 / eps)))
        else:
            cap = int(math.ceil(ADAM_CAP * bound_cap(cell) * math.log(1 / eps))) + 50
        tuned, how = measure_batch(cell["method"], Q, X0, eps=eps, phi=phi, delta=DELTA, cap=cap,
                                   diagonal=False, beta2=beta2_schedule(d, kappa, eps), settle=SETTLE)
        per_seed = [{"step": float(s), "T": None if c else int(t)} for s, t, c in zip(tuned.step, tuned.T, tuned.capped)]
        return Measurement(T=[0 if c else t for t, c in zip(tuned.T, tuned.capped)], capped=tuned.capped.tolist(),
                           cap=tuned.cap, per_seed=per_seed, info=how, backend=how["backend"])

    return measure


def dense_confirm(make_q, phi_of=lambda_min_phi):
    def confirm(cell: dict, seed: int, record: dict) -> dict:
        q = make_q(cell)
        d, eps = len(q), cell.get("eps", EPS)
        x0 = random_init(d, B, np.random.default_rng(seed))
        if cell["method"] == GD:
            return confirm_gd_count(q, x0, record["step"], eps, record["T"], diagonal=False)
        b2 = 1.0 if cell["method"] == ADAM else beta2_schedule(d, cell["_kappa"], eps)
        return confirm_adam_run(q, x0, record["step"], b2, phi_of(cell, q), DELTA, eps, record["T"], diagonal=False)

    return confirm


def confirm_cost(cell: dict, T: float) -> float:
    """GD's closed form costs an mpmath eigendecomposition (~d^3): largest T / d^3 first; Algorithm A runs literally:
    work T d^2 nearest 2e4 first."""
    if cell["method"] == GD:
        return -math.log(T + 1) + 3 * math.log(cell["d"])
    return abs(math.log((T + 1) * cell["d"] ** 2 / 2e4))


def with_conditions_fields(make_q):
    """A ``derive`` hook recording the instance's actual kappa, kappa_bar, kappa_diag (underscore: not grid keys)."""

    def derive(cell: dict, ctx) -> dict:
        cell["_qseed"] = ctx.subseed("Q", *(f"{k}={v}" for k, v in sorted(cell.items()) if k != "method"))
        c = conditions(make_q(cell))
        cell.update(_kappa=c["kappa"], _kappa_bar=c["kappa_bar"], _kappa_diag=c["kappa_diag"])
        return cell

    return derive


is_adam = lambda c: c["method"] != GD


class DenseSweep(Sweep):
    """A sweep over dense Q = ``make_q(cell)``: the measure, confirm, cost and derive hooks of T4's and T5's sweeps.

    A subclass defines ``make_q(cell)`` and ``bound_cap(cell)`` (the scale of Algorithm A's cap: the claimed bound
    without constants), and may redefine ``phi_of(cell, q)`` (the floor phi; default 2B lambda_min(Q))."""

    probability = PROBABILITY
    confirm_per = "method"

    def make_q(self, cell: dict) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def bound_cap(self, cell: dict) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def phi_of(self, cell: dict, q: np.ndarray) -> float:
        return lambda_min_phi(cell, q)

    def derive(self, cell: dict, ctx) -> dict:
        return with_conditions_fields(self.make_q)(cell, ctx)

    def measure(self, cell: dict, seeds: list) -> Measurement:
        return dense_measure(self.make_q, self.bound_cap, self.phi_of)(cell, seeds)

    def confirm(self, cell: dict, seed: int, record: dict) -> dict:
        return dense_confirm(self.make_q, self.phi_of)(cell, seed, record)

    def cost(self, cell: dict, T: float) -> float:
        return confirm_cost(cell, T)
