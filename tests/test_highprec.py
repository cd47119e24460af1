"""The MPFR engine (lemmas/adam/_common/highprec.py) against the mpmath reference: equal to the last bit."""
import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lemmas.adam._common import algorithms as ref
from lemmas.adam._common import highprec as hp


def _instance(seed: int, d: int, kappa: float, diagonal: bool):
    rng = np.random.default_rng(seed)
    lam = np.exp(rng.uniform(0.0, np.log(kappa), d))
    x0 = rng.uniform(-1.0, 1.0, d)
    if diagonal:
        return lam, x0
    U, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return (U * lam) @ U.T, x0


def _same(a, b):
    assert (a.T, a.iters, a.dps) == (b.T, b.iters, b.dps)
    assert all(isinstance(v, mpmath.mpf) for v in b.x) and isinstance(b.f, mpmath.mpf)
    assert a.x == b.x and a.f0 == b.f0 and a.f == b.f  # mpf equality: identical values


@given(seed=st.integers(0, 2**31), d=st.integers(1, 6), kappa=st.sampled_from([1.0, 10.0, 1e4]),
       beta2=st.sampled_from([1, 0.999, "0.9", 0.5]), phi=st.sampled_from([0, 0.1]),
       delta=st.sampled_from([0, "0.3"]), diagonal=st.booleans(), eps=st.sampled_from([None, "1e-3"]),
       dps=st.sampled_from([20, 50, 100]))
def test_adam_hp_equals_mpmath(seed, d, kappa, beta2, phi, delta, diagonal, eps, dps):
    Q, x0 = _instance(seed, d, kappa, diagonal)
    args = dict(alpha="0.02", beta2=beta2, phi=phi, delta=delta, iters=25, dps=dps, eps=eps, diagonal=diagonal)
    _same(ref.adam_mp(Q, x0, **args), hp.adam_hp(Q, x0, **args))


@given(seed=st.integers(0, 2**31), d=st.integers(1, 6), kappa=st.sampled_from([1.0, 10.0, 1e4]),
       diagonal=st.booleans(), eps=st.sampled_from([None, 1e-4]), dps=st.sampled_from([15, 50]))
def test_gd_hp_equals_mpmath(seed, d, kappa, diagonal, eps, dps):
    Q, x0 = _instance(seed, d, kappa, diagonal)
    eta = 2.0 / (1.0 + kappa)
    _same(ref.gd_mp(Q, x0, eta, iters=40, dps=dps, eps=eps, diagonal=diagonal),
          hp.gd_hp(Q, x0, eta, iters=40, dps=dps, eps=eps, diagonal=diagonal))


def test_record_schedule_and_mpf_inputs():
    Q, x0 = _instance(7, 3, 100.0, False)
    with mpmath.workdps(60):
        alpha = mpmath.mpf(1) / 30  # an mpf hyperparameter is taken exactly
    sched = lambda k: 1 + 1 / (k + 2)  # noqa: E731
    a = ref.adam_mp(Q, x0, alpha, 0.99, 0, 0.5, iters=12, dps=60, diagonal=False, delta_schedule=sched, record=True)
    b = hp.adam_hp(Q, x0, alpha, 0.99, 0, 0.5, iters=12, dps=60, diagonal=False, delta_schedule=sched, record=True)
    _same(a, b)
    assert len(b.trajectory) == len(a.trajectory) == 13
    for (xa, va, pa), (xb, vb, pb) in zip(a.trajectory, b.trajectory):
        assert xa == xb and va == vb and pa == pb
    assert b.prec_bits == mpmath.libmp.dps_to_prec(60) and "gmpy2" in b.backend
    g1 = ref.gd_mp(Q, x0, 0.01, iters=5, dps=30, diagonal=False, record=True)
    g2 = hp.gd_hp(Q, x0, 0.01, iters=5, dps=30, diagonal=False, record=True)
    assert g1.trajectory == g2.trajectory


def test_underflow_free_where_float64_underflows():
    """A run whose float64 iterates underflow to 0 stays exact and nonzero at high precision."""
    lam = np.array([1.0, 1.0])
    run = hp.gd_hp(lam, [1.0, 1e-300], 0.999999, iters=120, dps=30)
    assert all(v != 0 for v in run.x) and run.x[1] < mpmath.mpf("1e-600")
    f64 = ref.gd_f64(lam[None, :], np.array([[1.0, 1e-300]]), 0.999999, iters=120)
    assert f64.underflow.all()


def test_fallback_names_itself(monkeypatch):
    Q, x0 = _instance(1, 3, 10.0, True)
    monkeypatch.setattr(hp, "HAVE_GMPY2", False)
    monkeypatch.setattr(hp, "BACKEND", "mpmath (gmpy2 unavailable)")
    run = hp.adam_hp(Q, x0, 0.02, 0.9, iters=10, dps=30)
    assert "gmpy2 unavailable" in run.backend
    _same(ref.adam_mp(Q, x0, 0.02, 0.9, iters=10, dps=30), run)


# --- certified runs (lemmas/adam/_common/certified.certify_run) ------------------------------------

from lemmas.adam._common.certified import certify_run  # noqa: E402


@pytest.mark.parametrize("diagonal", [True, False])
def test_certified_T_matches_high_precision(diagonal):
    Q, x0 = _instance(11, 5, 100.0, diagonal)
    adam = certify_run("adam", Q, x0, eps=1e-6, iters=2000, diagonal=diagonal, alpha=0.05, beta2=0.999, phi=0.1,
                       delta=0.1)
    assert adam["certified"] and adam["T"] == hp.adam_hp(Q, x0, 0.05, 0.999, 0.1, 0.1, iters=2000, eps=1e-6,
                                                         diagonal=diagonal).T
    assert adam["width"] < 1e-20 and adam["prec_bits"] >= 128 and "arb" in adam["backend"]
    gd = certify_run("gd", Q, x0, eps=1e-6, iters=2000, diagonal=diagonal, eta=2 / 101)
    assert gd["certified"] and gd["T"] == hp.gd_hp(Q, x0, 2 / 101, iters=2000, eps=1e-6, diagonal=diagonal).T


def test_certified_exact_boundary_and_undecidable_case():
    # f_k = f_0 / 4^k exactly (dyadic): f_3 = eps f_0 with equality, and T = 3 is certified
    exact = certify_run("gd", [1.0, 1.0], [1.0, -2.0], eps=0.015625, iters=10, eta=0.5)
    assert exact["certified"] and exact["T"] == 3 and exact["width"] == 0.0
    # f_1 = 0.81 f_0 exactly, but 0.9 and 0.81 are decimal enclosures: the balls never separate
    tie = certify_run("gd", [1.0], [1.0], eps="0.81", iters=3, eta="0.1", max_prec_bits=512)
    assert not tie["certified"] and "undecided" in tie["reason"] and tie["attempts"] == 3
    capped = certify_run("gd", [1.0, 100.0], [1.0, 1.0], eps=1e-12, iters=5, eta=0.001)
    assert capped["certified"] and capped["T"] is None and "T(eps) > 5" in capped["statement"]


def test_factored_update_keeps_balls_tight_where_the_literal_one_blows_up():
    rng = np.random.default_rng(0)
    lam, x0 = np.exp(rng.uniform(0, np.log(1000), 8)), rng.uniform(-1, 1, 8)
    args = dict(eps=1e-8, iters=3000, alpha=0.9, beta2=1, phi=1.0, delta=0.0, max_prec_bits=8192)
    factored = certify_run("adam", lam, x0, update="factored", **args)
    naive = certify_run("adam", lam, x0, update="naive", **args)
    assert factored["certified"] and naive["certified"] and factored["T"] == naive["T"]
    assert naive["prec_bits"] >= 4 * factored["prec_bits"]


# --- the resumable state (highprec.AdamState) ------------------------------------------------------


@pytest.mark.parametrize("beta2, diagonal, schedule", [("0.9", True, None), (1, True, None), (0.99, False, None),
                                                       ("0.5", True, lambda k: 1 + 1 / (k + 2))])
@pytest.mark.parametrize("mpfr", [True, False])
def test_resumed_state_equals_one_reference_run(monkeypatch, beta2, diagonal, schedule, mpfr):
    """advance(7), advance(13), advance(30) is bit for bit adam_mp's 30-step run, and the kept window is the
    reference trajectory's first step and last four (on MPFR, and on mpmath numbers without gmpy2)."""
    if not mpfr:
        monkeypatch.setattr(hp, "HAVE_GMPY2", False)
    Q, x0 = _instance(3, 3, 100.0, diagonal)
    args = (Q, x0, "0.05", beta2, 0.1, "0.3")
    full = ref.adam_mp(*args, iters=30, dps=40, diagonal=diagonal, delta_schedule=schedule, record=True)
    state = hp.AdamState(*args, dps=40, diagonal=diagonal, delta_schedule=schedule, keep=4)
    for stop in (7, 13, 30):
        run = state.advance(stop).result()
    _same(full, run)
    assert len(run.trajectory) == 31 and run.trajectory[0] == full.trajectory[0]
    assert [run.trajectory[k] for k in range(27, 31)] == full.trajectory[27:] and run.trajectory[-1] == full.trajectory[-1]
    with pytest.raises(IndexError):
        run.trajectory[26]
    again = hp.AdamState(*args, dps=40, diagonal=diagonal, delta_schedule=schedule, keep="all").advance(30).result()
    assert again.trajectory == full.trajectory


def test_resumed_state_stops_at_T_like_the_reference():
    Q, x0 = _instance(5, 4, 10.0, True)
    args = (Q, x0, "0.1", "0.9", 0.1, "0.3")
    full = ref.adam_mp(*args, iters=500, dps=30, eps="1e-4")
    state = hp.AdamState(*args, dps=30, eps="1e-4")
    for stop in (10, 40, 500, 1000):
        run = state.advance(stop).result()
    assert full.T is not None and full.T < 500
    _same(full, run)
