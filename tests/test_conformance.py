"""Every registered fast path of Algorithm A and GD against the specification (lemmas/adam/_common/methods.py).

One test per fast path, on random problems, with the bound its registration states (methods.FAST_PATHS):
bit-exact where the arithmetic is the same (MPFR and mpmath, the unbounded kernel in float64's range), within a
relative bound and equal counts away from the threshold otherwise. And T(eps) = 0 at a start that satisfies
f_0 <= eps f_0, in every implementation.
"""
from __future__ import annotations

import mpmath
import numpy as np
import pytest

from lemmas.adam._common import algorithms, fast, highprec, methods, tuning
from lemmas.adam._common.certified import certify_run
from proofcheck.numbers import mpfr

TESTED = {("adam", "numba"), ("gd", "numba"), ("adam", "numba-unbounded"), ("adam", "mpfr-resumable"),
          ("gd", "closed-form"), ("adam", "closed-form-beta2-1"), ("adam", "certified"), ("gd", "certified")}


def test_every_fast_path_has_a_conformance_test():
    assert set(methods.FAST_PATHS) == TESTED
    for path in methods.FAST_PATHS.values():
        assert callable(path.load()) and path.agreement


def _problem(rng, b, d, diagonal):
    if diagonal:
        Q = np.exp(rng.uniform(0, np.log(50), (b, d)))
    else:
        A = rng.standard_normal((b, d, d))
        Q = A @ np.swapaxes(A, 1, 2) / d + np.eye(d)
    return Q, rng.standard_normal((b, d))


def _hyper(rng, beta2):
    return dict(alpha=float(rng.uniform(0.005, 0.05)), beta2=beta2, phi=float(rng.uniform(0, 1)),
                delta=float(rng.uniform(0.05, 1)))


@pytest.mark.parametrize("diagonal", [True, False])
@pytest.mark.parametrize("beta2", [1.0, 0.99])
def test_numba_adam_and_gd_against_the_specification(diagonal, beta2):
    if not fast.HAVE_NUMBA:
        pytest.skip("numba not installed")
    rng = np.random.default_rng(11)
    Q, x0 = _problem(rng, 24, 5, diagonal)
    hyp = _hyper(rng, beta2)
    spec = algorithms.adam_f64(Q, x0, iters=400, eps=1e-8, diagonal=diagonal, **hyp)
    got = fast.adam_fast(Q, x0, iters=400, eps=1e-8, diagonal=diagonal, **hyp)
    assert got.backend == fast.BACKEND
    _agree(got, spec, diagonal)
    _agree(fast.gd_fast(Q, x0, eta=0.02, iters=400, eps=1e-8, diagonal=diagonal),
           algorithms.gd_f64(Q, x0, eta=0.02, iters=400, eps=1e-8, diagonal=diagonal), diagonal)


def _agree(got, spec, diagonal):
    """The registered bound: diagonal, the same operations in the same order (bit for bit); dense, Q x summed in
    another order, a few ulps amplified by the iterations. Equal counts (no case here has f_T at eps f_0 to
    rounding)."""
    assert np.array_equal(got.T, spec.T) and got.iters == spec.iters
    if diagonal:
        np.testing.assert_array_equal(got.x, spec.x)
    else:
        np.testing.assert_allclose(got.x, spec.x, rtol=1e-8, atol=1e-11 * max(1.0, float(np.max(np.abs(spec.x)))))


def test_unbounded_kernel_is_bit_exact_with_the_numba_kernel_in_range():
    if not fast.HAVE_NUMBA:
        pytest.skip("numba not installed")
    rng = np.random.default_rng(12)
    for diagonal in (True, False):
        Q, x0 = _problem(rng, 16, 4, diagonal)
        hyp = _hyper(rng, 0.9)
        ref = fast.adam_fast(Q, x0, iters=300, eps=1e-8, diagonal=diagonal, **hyp)
        T, nonfinite, _ = fast.adam_unbounded(Q, x0, iters=300, eps=1e-8, diagonal=diagonal, **hyp)
        ok = ~ref.suspect  # in range: neither underflow nor overflow in the float64 kernel
        assert ok.sum() >= 8 and not nonfinite.any() and np.array_equal(T[ok], ref.T[ok])


@pytest.mark.parametrize("beta2", [1, "0.9"])
def test_resumable_mpfr_state_is_bit_exact_with_the_specification(beta2):
    """AdamState (MPFR) against the specification in the mpmath and in the MPFR context, and resumed runs."""
    rng = np.random.default_rng(13)
    for diagonal in (True, False):
        Q, x0 = _problem(rng, 1, 3, diagonal)
        hyp = dict(_hyper(rng, 1), beta2=beta2)
        spec = algorithms.adam_mp(Q[0], x0[0], iters=150, dps=30, eps=1e-10, diagonal=diagonal, record=True, **hyp)
        n = mpfr(30)
        with n.working():
            in_mpfr = algorithms.run_one(algorithms.adam_context(n, **hyp), n, Q[0], x0[0], 150, 1e-10, diagonal,
                                         False)
            with mpmath.workprec(n.prec):
                in_mpfr_x = [n.to_mpf(v) for v in in_mpfr.state.x]
        state = highprec.AdamState(Q[0], x0[0], dps=30, eps=1e-10, diagonal=diagonal, keep="all", **hyp)
        state.advance(60).advance(150)
        got = state.result()
        assert got.T == spec.T and got.iters == spec.iters and got.x == spec.x and in_mpfr_x == spec.x
        assert [step[0] for step in got.trajectory] == [step[0] for step in spec.trajectory]
        assert [step[2] for step in got.trajectory[:-1]] == [step[2] for step in spec.trajectory[:-1]]


def test_closed_form_counts_equal_the_specification_at_high_precision():
    rng = np.random.default_rng(14)
    Q, x0 = _problem(rng, 6, 4, False)
    eps, cap = 1e-6, 2000
    eigs, coeffs = tuning.gd_coefficients(Q, x0, False)
    step = 1.0 / eigs.max(axis=1)
    T, near = tuning.linear_counts(eigs, coeffs, step, eps, cap)
    for i in np.flatnonzero(~near):
        assert algorithms.gd_mp(Q[i], x0[i], step[i], iters=cap, dps=40, eps=eps, diagonal=False).T == T[i]
    phi, delta = 0.3, 0.2  # Algorithm A with beta2 = 1 is the linear iteration y <- (I - alpha H_0) y
    sigma, W, p = tuning.h0_spectrum(Q, x0, phi, delta, False)
    c = np.einsum("bji,bj->bi", W, x0 / np.sqrt(p)) ** 2
    alpha = 1.0 / sigma.max(axis=1)
    T, near = tuning.linear_counts(sigma, c, alpha, eps, cap)
    for i in np.flatnonzero(~near):
        run = algorithms.adam_mp(Q[i], x0[i], alpha[i], 1, phi, delta, iters=cap, dps=40, eps=eps, diagonal=False)
        assert run.T == T[i]


def test_certified_runs_equal_the_specification():
    pytest.importorskip("flint")
    rng = np.random.default_rng(15)
    for diagonal in (True, False):
        Q, x0 = _problem(rng, 1, 3, diagonal)
        hyp = _hyper(rng, 0.95)
        spec = algorithms.adam_mp(Q[0], x0[0], iters=300, dps=40, eps=1e-4, diagonal=diagonal, **hyp)
        cert = certify_run("adam", Q[0], x0[0], eps=1e-4, iters=300, diagonal=diagonal, **hyp)
        assert cert["certified"] and cert["T"] == spec.T
        spec = algorithms.gd_mp(Q[0], x0[0], 0.02, iters=300, dps=40, eps=1e-4, diagonal=diagonal)
        cert = certify_run("gd", Q[0], x0[0], eps=1e-4, iters=300, diagonal=diagonal, eta=0.02)
        assert cert["certified"] and cert["T"] == spec.T


def test_a_start_that_satisfies_the_test_stops_at_T_zero_everywhere():
    """T(eps) = min{k >= 0 : f(x_k) <= eps f(x_0)}: at x_0 = 0 (f_0 = 0) every implementation counts 0."""
    Q = np.array([[1.0, 2.0], [3.0, 4.0]])
    x0 = np.array([[0.0, 0.0], [1.0, -1.0]])
    hyp = dict(alpha=0.1, beta2=0.9, phi=1.0, delta=0.5)
    assert list(algorithms.adam_f64(Q, x0, iters=50, eps=1e-3, **hyp).T)[0] == 0
    assert list(algorithms.gd_f64(Q, x0, eta=0.1, iters=50, eps=1e-3).T)[0] == 0
    assert algorithms.adam_mp(Q[0], x0[0], iters=50, eps=1e-3, **hyp).T == 0
    assert algorithms.gd_mp(Q[0], x0[0], 0.1, iters=50, eps=1e-3).T == 0
    assert highprec.adam_hp(Q[0], x0[0], iters=50, eps=1e-3, **hyp).T == 0
    assert highprec.gd_hp(Q[0], x0[0], 0.1, iters=50, eps=1e-3).T == 0
    if fast.HAVE_NUMBA:
        assert fast.adam_fast(Q, x0, iters=50, eps=1e-3, **hyp).T[0] == 0
        assert fast.gd_fast(Q, x0, eta=0.1, iters=50, eps=1e-3).T[0] == 0
        assert fast.adam_unbounded(Q, x0, iters=50, eps=1e-3, **hyp)[0][0] == 0
    if pytest.importorskip("flint"):
        assert certify_run("adam", Q[0], x0[0], eps=1e-3, iters=50, **hyp)["T"] == 0
        assert certify_run("gd", Q[0], x0[0], eps=1e-3, iters=50, eta=0.1)["T"] == 0
