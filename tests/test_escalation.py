"""Numerical honesty: float64 runs that underflowed or overflowed are escalated, never trusted."""
import math

import mpmath
import numpy as np

from lemmas.adam._common import fast
from lemmas.adam._common.highprec import adam_screened, gd_screened
from proofcheck import Bound, Claim, Space, Verdict
from proofcheck.testing import run_claim


def test_gd_batch_escalates_underflow_and_overflow_and_trusts_the_rest():
    lam = np.array([[1.0, 3.0], [2.0, 2.0], [1.0, 4.0]])
    x0 = np.array([[1.0, -1.0], [1.0, -3.0], [1.0, 1.0]])
    eta = np.array([0.2, 0.5, 10.0])  # ordinary; lands on exactly 0 in one step; diverges (|1 - 40|^k)
    screen = fast.gd_fast(lam, x0, eta, iters=400, eps=1e-8)
    assert list(screen.underflow) == [False, True, False] and list(screen.overflow) == [False, False, True]
    out = gd_screened(lam, x0, eta, iters=400, eps=1e-8)
    assert list(out.escalated) == [False, True, True] and not out.undecided.any()
    assert out.decided_by[0].startswith("float64") and "bits" in out.decided_by[1] and "bits" in out.decided_by[2]
    assert out.T[0] == screen.T[0] > 0  # trusted where float64 was sound
    assert out.T[1] == 1  # exact: f(x_1) = 0 <= eps f(x_0), now decided at high precision
    assert out.T[2] == -1  # diverges at high precision too: capped, decided at 50 digits
    assert out.evidence_json()["escalated"] == 2


def test_adam_underflowing_run_is_escalated():
    """phi = 1 makes P_0 = 1 and each step multiplies x by 1 - 0.99: the 1e-300 coordinate underflows."""
    lam = np.array([[1.0, 1.0]])
    x0 = np.array([[1.0, 1e-300]])
    run = fast.adam_fast(lam, x0, 0.99, 1.0, 1.0, 0.0, iters=30)
    assert run.underflow.all() and run.suspect.all() and not run.nonfinite.any()
    out = adam_screened(lam, x0, 0.99, 1.0, 1.0, 0.0, iters=30, eps=1e-6)
    assert out.escalated.all() and "bits" in out.decided_by[0]
    assert out.T[0] == 2 and not out.undecided.any()  # f_k = 1e-4^k f_0 (to rounding), at 50 digits


def test_zero_over_zero_at_high_precision_stays_undecided():
    out = adam_screened(np.array([[1.0, 1.0]]), np.array([[0.0, 1.0]]), 0.1, iters=5, eps=1e-6)
    assert out.escalated.all() and out.undecided.all()  # delta = 0 and g_0 = 0: 0/0 in any precision


class _Scale(Space):
    def sample(self, rng):
        return {"t": float(rng.uniform(1.0, 2.0))}

    def perturb(self, inst, rng, scale):
        return {"t": float(np.clip(inst["t"] + scale * rng.standard_normal(), 1.0, 2.0))}


def _claim(sign: int, exponent: int) -> Claim:
    """lhs = e^(exponent t) (1 + sign 1e-10) <= rhs = e^(exponent t). Float64 gives 0 <= 0 (underflow,
    exponent -800) or inf <= inf (overflow, +800): a float64 margin of 0 or NaN that must be escalated."""

    def sides(inst, dps):
        if dps is None:
            with np.errstate(all="ignore"):
                e = float(np.exp(exponent * inst["t"]))
            return e * (1 + sign * 1e-10), e
        e = mpmath.exp(exponent * mpmath.mpf(inst["t"]))
        return e * (1 + sign * mpmath.mpf("1e-10")), e

    check = Bound("scaled", _Scale(), sides, random=(20, 20, 20), climbs=(1, 1, 1), climb_steps=(5, 5, 5),
                  hypothesis_examples=(0, 0, 0))
    return Claim(id=f"scaled-{sign}-{exponent}", title="t", source="tests", provenance="user", statement="t",
                 hypotheses=[], checks=[check])


def test_bound_check_escalates_underflowing_and_overflowing_margins():
    for exponent in (-800, 800):
        lhs, rhs = _claim(1, exponent).checks[0].sides({"t": 1.5}, None)
        assert (lhs, rhs) in ((0.0, 0.0), (math.inf, math.inf))  # float64 cannot tell
        false = run_claim(_claim(1, exponent)).evidence[0]
        assert false.verdict is Verdict.FAIL and false.dps >= 50 and false.backend.startswith("mpmath")
        assert 0 < false.worst_margin < 2e-10  # the 1e-10 excess, found at high precision
        true = run_claim(_claim(-1, exponent)).evidence[0]
        assert true.verdict is Verdict.PASS and true.dps >= 50 and "mpmath" in true.backend
        assert sum(true.details["decided"].values()) > 0 and true.worst_margin < 0


def test_flagged_chosen_adam_runs_are_recounted_at_high_precision():
    """A tuned beta2 < 1 run whose float64 iterates underflowed before its own stop is recounted in float64 with an
    unbounded exponent (or, if that meets 0/0, by the MPFR engine), and the cell's count is the recounted one
    (T2 cell d = 32, kappa = 1e4, seeds 0-7)."""
    from lemmas.adam import t2_adam_diagonal as t2
    from lemmas.adam._common.tuning import ADAM_B2

    m = t2.measure({"d": 32, "kappa": 1e4, "spectrum": "logspaced", "eps": t2.EPS, "method": ADAM_B2}, list(range(8)))
    records = m.info["escalated_chosen_runs"]
    assert records and m.info["flagged_chosen_runs"] == len(records)
    for rec in records:
        i = rec["seed_index"]
        assert (rec["dps"] == 30 and "mpfr" in rec["backend"]) or (rec["dps"] == 15 and "unbounded" in rec["backend"])
        assert m.capped[i] == (rec["T_high"] is None)
        if rec["T_high"] is not None:
            assert m.T[i] == rec["T_high"]
    assert "recounted" in m.backend


def test_longdouble_runs_flag_underflow_at_their_own_range():
    """The extended-precision escalation flags only what underflows in its own range."""
    import numpy as np

    from lemmas.adam._common.algorithms import adam_f64, underflow_threshold

    q, x0 = np.array([[1.0, 4.0]]), np.array([[1e-300, 1.0]])
    f64 = adam_f64(q, x0, 0.5, 0.9, 1.0, 0.0, iters=3)
    ext = adam_f64(q, x0, 0.5, 0.9, 1.0, 0.0, iters=3, dtype=np.longdouble)
    assert f64.underflow[0] and not ext.underflow[0]
    assert underflow_threshold(np.float64) == 1e-290 and underflow_threshold(np.longdouble) < np.longdouble("1e-4000")
