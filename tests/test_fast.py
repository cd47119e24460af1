"""The compiled screening engine (lemmas/adam/_common/fast.py) against the numpy batched reference."""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lemmas.adam._common import algorithms as ref
from lemmas.adam._common import fast


def _batch(seed: int, b: int, d: int, kappa: float, diagonal: bool):
    rng = np.random.default_rng(seed)
    lam = np.exp(rng.uniform(0.0, np.log(kappa), (b, d)))
    x0 = rng.uniform(-1.0, 1.0, (b, d))
    if diagonal:
        return lam, x0
    Q = np.empty((b, d, d))
    for i in range(b):
        U, _ = np.linalg.qr(rng.standard_normal((d, d)))
        Q[i] = (U * lam[i]) @ U.T
        Q[i] = (Q[i] + Q[i].T) / 2
    return Q, x0


def _agree(a, b, diagonal: bool):
    assert a.iters == b.iters
    assert np.array_equal(a.underflow, b.underflow)
    assert np.array_equal(a.nonfinite, b.nonfinite)
    ok = np.all(np.isfinite(a.x), axis=1)
    scale = max(1.0, float(np.max(np.abs(a.x[ok]), initial=0.0)))
    if diagonal:  # same operations in the same order: bit for bit (f's summation order aside)
        np.testing.assert_array_equal(a.x[ok], b.x[ok])
    else:  # Q x sums in another order: agreement to a few ulps amplified by the iterations
        np.testing.assert_allclose(a.x[ok], b.x[ok], rtol=1e-8, atol=1e-11 * scale)
    # T may differ only where f(x_T) sits at eps f0 to rounding; none of the cases below does.
    np.testing.assert_array_equal(a.T, b.T)


@given(seed=st.integers(0, 2**31), b=st.integers(1, 9), d=st.integers(1, 12),
       kappa=st.sampled_from([1.0, 10.0, 1e3]), beta2=st.sampled_from([1.0, 0.999, 0.9, 0.5]),
       phi=st.sampled_from([0.0, 0.1]), delta=st.sampled_from([0.0, 0.3]),
       diagonal=st.booleans(), eps=st.sampled_from([None, 1e-3]), per_instance=st.booleans())
def test_adam_fast_matches_reference(seed, b, d, kappa, beta2, phi, delta, diagonal, eps, per_instance):
    Q, x0 = _batch(seed, b, d, kappa, diagonal)
    alpha = 0.02 if not per_instance else np.linspace(0.005, 0.03, b)
    if per_instance:
        beta2 = np.full(b, beta2)
    # dense runs sum Q x in another order; Adam's sign-like steps near the optimum amplify those ulps
    # chaotically, so dense runs are compared over a short horizon
    iters = 60 if diagonal else 15
    want = ref.adam_f64(Q, x0, alpha, beta2, phi, delta, iters=iters, eps=eps, diagonal=diagonal)
    got = fast.adam_fast(Q, x0, alpha, beta2, phi, delta, iters=iters, eps=eps, diagonal=diagonal)
    _agree(want, got, diagonal)


@given(seed=st.integers(0, 2**31), b=st.integers(1, 9), d=st.integers(1, 12),
       kappa=st.sampled_from([1.0, 10.0, 1e3]), diagonal=st.booleans(), eps=st.sampled_from([None, 1e-4]))
def test_gd_fast_matches_reference(seed, b, d, kappa, diagonal, eps):
    # dense with kappa = 1 and eta = 1 lands on 0 up to rounding: which coordinates round to exactly 0
    # depends on the summation order (both engines flag *some* underflow there; not compared)
    assume(diagonal or kappa > 1)
    Q, x0 = _batch(seed, b, d, kappa, diagonal)
    eta = 2.0 / (1.0 + kappa)
    want = ref.gd_f64(Q, x0, eta, iters=80, eps=eps, diagonal=diagonal)
    got = fast.gd_fast(Q, x0, eta, iters=80, eps=eps, diagonal=diagonal)
    _agree(want, got, diagonal)


def test_delta_schedule_and_early_stop_semantics():
    Q, x0 = _batch(3, 5, 6, 100.0, True)
    sched = lambda k: 1.0 + 1.0 / (k + 1)  # noqa: E731
    want = ref.adam_f64(Q, x0, 0.05, 0.99, 0.0, 0.5, iters=400, eps=1e-6, delta_schedule=sched)
    got = fast.adam_fast(Q, x0, 0.05, 0.99, 0.0, 0.5, iters=400, eps=1e-6, delta_schedule=sched)
    assert np.all(want.T > 0) and want.iters == int(want.T.max()) < 400  # the batch stopped early
    _agree(want, got, True)
    assert got.backend == fast.BACKEND


def test_flags_overflow_nonfinite_and_underflow():
    lam = np.array([[1.0, 4.0], [1.0, 4.0]])
    x0 = np.array([[1.0, 1.0], [0.0, 1.0]])
    blown = fast.gd_fast(lam, x0, 10.0, iters=600)  # |1 - 40| ^ 600 overflows
    assert blown.nonfinite.all() and blown.overflow.all() and blown.suspect.all()
    exact = fast.gd_fast(np.array([[2.0, 2.0]]), np.array([[1.0, -3.0]]), 0.5, iters=3)  # lands on 0 exactly
    assert exact.underflow.all() and not exact.nonfinite.any() and exact.suspect.all()
    np.testing.assert_array_equal(exact.underflow, ref.gd_f64(np.array([[2.0, 2.0]]), np.array([[1.0, -3.0]]), 0.5,
                                                              iters=3).underflow)
    calm = fast.adam_fast(lam, x0 + 1.0, 0.01, 0.999, iters=50)
    assert not calm.suspect.any()
    # delta = 0 and a coordinate with g_0 = 0 and phi = 0: 0/0 in the first step, flagged as non-finite
    nan = fast.adam_fast(np.array([[1.0, 1.0]]), np.array([[0.0, 1.0]]), 0.1, iters=3)
    assert nan.nonfinite.all() and nan.suspect.all()


def test_numpy_fallback_names_itself(monkeypatch):
    Q, x0 = _batch(1, 3, 4, 10.0, True)
    monkeypatch.setattr(fast, "HAVE_NUMBA", False)
    monkeypatch.setattr(fast, "BACKEND", "numpy (numba unavailable)")
    run = fast.adam_fast(Q, x0, 0.02, 0.9, iters=20)
    assert "numba unavailable" in run.backend
    np.testing.assert_array_equal(run.x, ref.adam_f64(Q, x0, 0.02, 0.9, iters=20).x)


def test_record_uses_the_reference_and_says_so():
    Q, x0 = _batch(2, 2, 3, 10.0, True)
    run = fast.adam_fast(Q, x0, 0.02, 0.9, iters=5, record=True)
    assert len(run.trajectory) == 6 and run.backend in ("numpy", fast.BACKEND)


# --- float64 with an unbounded exponent (fast.adam_unbounded, the recount of flagged runs) ---------------


@given(seed=st.integers(0, 2**31), b=st.integers(1, 6), d=st.integers(1, 9), kappa=st.sampled_from([1.0, 10.0, 1e3]),
       beta2=st.sampled_from([1.0, 0.999, 0.9]), delta=st.sampled_from([0.0, 0.3]), diagonal=st.booleans(),
       schedule=st.booleans())
def test_unbounded_exponent_run_equals_compiled_float64_bit_for_bit(seed, b, d, kappa, beta2, delta, diagonal,
                                                                    schedule):
    """Where float64 stays in its normal range, the pair arithmetic is float64 to the last bit: same x, same T."""
    Q, x0 = _batch(seed, b, d, kappa, diagonal)
    sched = (lambda k: 1.0 + 1.0 / (k + 1)) if schedule else None
    for eps, iters in ((1e-300, 40), (1e-3, 400)):  # never converging (x compared), then converging (T compared)
        want = fast.adam_fast(Q, x0, 0.02, beta2, 0.1, delta, iters=iters, eps=eps, diagonal=diagonal,
                              delta_schedule=sched)
        assume(not want.suspect.any())
        T, nonfinite, x = fast.adam_unbounded(Q, x0, 0.02, beta2, 0.1, delta, iters=iters, eps=eps, diagonal=diagonal,
                                              delta_schedule=sched)
        np.testing.assert_array_equal(T, want.T)
        assert not nonfinite.any()
        if eps < 1e-100:
            np.testing.assert_array_equal(x, want.x)


@pytest.mark.parametrize("scale_exponent", [-5000, -1100, 3000])
def test_unbounded_exponent_run_is_scale_invariant_far_outside_float64s_range(scale_exponent):
    """delta = 0: x_0, phi and alpha scaled by 2^s (s = -5000 is below even longdouble's range) give the same T and
    the same x, scaled (alpha must scale too: Adam's step alpha g / sqrt(v) is scale-free)."""
    Q, x0 = _batch(4, 3, 6, 1e3, True)
    T, _, x = fast.adam_unbounded(Q, x0, 0.05, 0.99, 2.0, 0.0, iters=3000, eps=1e-10)
    Ts, _, xs = fast.adam_unbounded(Q, x0, 0.05, 0.99, 2.0, 0.0, iters=3000, eps=1e-10, scale_exponent=scale_exponent)
    assert np.all(T > 0)
    np.testing.assert_array_equal(Ts, T)
    np.testing.assert_array_equal(xs, x)


@pytest.mark.parametrize("x_small, beta2", [(1e-300, 0.99), (1e-200, 0.999), (1e-310, 0.9)])
def test_unbounded_exponent_counts_equal_mpfr_where_float64_underflows(x_small, beta2):
    """Runs that float64 flags (a coordinate below 1e-290, or subnormal from the start): the recount equals
    the count of the MPFR reference at 30 digits."""
    from lemmas.adam._common.highprec import adam_hp

    Q, x0 = np.array([[1.0, 100.0]]), np.array([[1.0, x_small]])
    assert fast.adam_fast(Q, x0, 0.02, beta2, 2.0, 0.0, iters=5000, eps=1e-12).suspect.all()
    T, nonfinite, _ = fast.adam_unbounded(Q, x0, 0.02, beta2, 2.0, 0.0, iters=5000, eps=1e-12)
    high = adam_hp([1.0, 100.0], [1.0, x_small], "0.02", repr(beta2), "2.0", "0.0", iters=5000, dps=30, eps="1e-12")
    assert high.T is not None and T[0] == high.T and not nonfinite[0]
