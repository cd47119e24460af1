"""Algorithm A and GD: the float64 batched and mpmath implementations agree (docs/claims.md, Setting)."""
import mpmath
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lemmas.adam._common.algorithms import adam_f64, adam_mp, gd_f64, gd_mp
from lemmas.adam._common.init import random_init
from lemmas.adam._common.quadratics import rotated, spectrum


@st.composite
def adam_problems(draw):
    d = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    kappa = draw(st.floats(1.0, 1e3))
    diagonal = draw(st.booleans())
    lam = spectrum(d, kappa, "uniform", rng)
    q = lam if diagonal else rotated(lam, rng)
    return dict(q=q, x0=random_init(d, 1.0, rng), diagonal=diagonal,
                alpha=draw(st.floats(1e-3, 0.5)), beta2=draw(st.sampled_from([1.0, 0.999, 0.9, 0.5])),
                phi=draw(st.floats(0.0, 2.0)), delta=draw(st.floats(0.0, 2.0)))


def _close(a, b, tol, x0):
    """Agreement relative to the starting point: iterates near 0 carry absolute, not relative, rounding."""
    scale = max(abs(float(v)) for v in x0)
    return max(abs(float(u) - float(v)) for u, v in zip(a, b)) <= tol * scale


@given(adam_problems())
def test_adam_float64_matches_mpmath(p):
    iters = 30
    run = adam_f64(p["q"][None], p["x0"][None], p["alpha"], p["beta2"], p["phi"], p["delta"], iters=iters,
                   diagonal=p["diagonal"])
    ref = adam_mp(p["q"], p["x0"], p["alpha"], p["beta2"], p["phi"], p["delta"], iters=iters, dps=40,
                  diagonal=p["diagonal"])
    # 30 steps of a contraction-or-mild-expansion map: float64 rounding stays far below 1e-8 relative.
    assert _close(run.x[0], ref.x, 1e-8, p["x0"])


@given(adam_problems())
def test_gd_float64_matches_mpmath(p):
    lam = np.linalg.eigvalsh(np.diag(p["q"]) if p["diagonal"] else p["q"])
    eta = 2 / (lam[0] + lam[-1])
    run = gd_f64(p["q"][None], p["x0"][None], eta, iters=40, eps=1e-4, diagonal=p["diagonal"])
    ref = gd_mp(p["q"], p["x0"], eta, iters=40, dps=40, eps=1e-4, diagonal=p["diagonal"])
    assert _close(run.x[0], ref.x, 1e-9, p["x0"])
    assert (run.T[0] if run.T[0] >= 0 else None) == ref.T or abs(float(ref.f / ref.f0) - 1e-4) < 1e-9


def test_batched_equals_one_at_a_time():
    rng = np.random.default_rng(3)
    q = np.stack([spectrum(4, 100.0, "uniform", rng) for _ in range(5)])
    x0 = random_init(4, 1.0, rng, batch=5)
    batch = adam_f64(q, x0, 0.05, 0.99, 0.1, 0.5, iters=50)
    for i in range(5):
        single = adam_f64(q[i:i + 1], x0[i:i + 1], 0.05, 0.99, 0.1, 0.5, iters=50)
        np.testing.assert_array_equal(batch.x[i], single.x[0])


def test_beta2_one_freezes_preconditioner():
    q, x0 = np.array([1.0, 50.0]), np.array([0.7, -1.3])
    run = adam_mp(q, x0, 0.1, 1, 0.0, 0.3, iters=5, dps=30, record=True)
    with mpmath.workdps(30):
        r = [abs(mpmath.mpf(qi) * mpmath.mpf(xi)) for qi, xi in zip(q, x0)]
        for _, _, p in run.trajectory[:-1]:
            assert all(abs(pi - 1 / ((1 + mpmath.mpf(0.3)) * ri)) < mpmath.mpf(10) ** -25 for pi, ri in zip(p, r))


def test_underflow_is_flagged():
    run = gd_f64(np.array([[1.0]]), np.array([[1e-200]]), 1.0 - 1e-150, iters=3)
    assert run.underflow[0]
