"""certify_linear_count: T(eps) of GD and of Algorithm A with beta2 = 1, certified by ball matrix powers."""
import numpy as np
import pytest

from lemmas.adam._common.algorithms import adam_mp, gd_mp
from lemmas.adam._common.certified import certify_linear_count
from lemmas.adam._common.init import random_init
from lemmas.adam._common.quadratics import rotated, spectrum


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gd_and_adam_counts_match_mpmath_and_are_certified(seed):
    rng = np.random.default_rng(seed)
    lam = spectrum(3, 50.0, "uniform", rng)
    q, x0 = rotated(lam, rng), random_init(3, 1.0, rng)
    eta, eps = 2 / (lam[0] + lam[-1]), 1e-6
    t_gd = gd_mp(q, x0, eta, iters=5000, dps=50, eps=eps, diagonal=False).T
    cert = certify_linear_count(q, x0, step=eta, eps=eps, T=t_gd)
    assert cert["certified"] and cert["relation"] == "equals" and cert["monotone"]
    # Asking about one iteration fewer is certified as 'exceeds'; one more as 'below' (and not certified).
    assert certify_linear_count(q, x0, step=eta, eps=eps, T=t_gd - 1)["relation"] == "exceeds"
    below = certify_linear_count(q, x0, step=eta, eps=eps, T=t_gd + 1)
    assert below["relation"] == "below" and not below["certified"]

    phi = 2 * float(lam[0])
    s = 1 / np.sqrt(np.maximum(np.abs(q @ x0), phi))
    sigma = np.linalg.eigvalsh(q * np.outer(s, s))  # H_0 = P_0^{1/2} Q P_0^{1/2}
    alpha = 2 / (sigma[0] + sigma[-1])
    t_adam = adam_mp(q, x0, alpha, 1, phi, 0, iters=5000, dps=50, eps=eps, diagonal=False).T
    cert = certify_linear_count(q, x0, step=alpha, eps=eps, T=t_adam, precond="adam", phi=phi)
    assert cert["certified"] and cert["relation"] == "equals", cert


def test_long_dense_run_is_certified_where_stepwise_balls_fail():
    # 40,000 GD steps on a dense kappa = 1e4 matrix: the step-by-step ball iteration is undecided even at
    # 16384 bits (wrapping effect), while O(log k) squarings decide it at 128 bits.
    rng = np.random.default_rng(5)
    lam = spectrum(4, 1e4, "logspaced")
    q, x0 = rotated(lam, rng), random_init(4, 1.0, rng)
    cert = certify_linear_count(q, x0, step=2 / (lam[0] + lam[-1]), eps=1e-10, T=40000)
    assert cert["certified"] and cert["prec_bits"] <= 256


def test_a_step_beyond_the_monotone_range_is_not_certified():
    q, x0 = np.diag([1.0, 10.0]), np.array([1.0, 1.0])
    cert = certify_linear_count(q, x0, step=0.25, eps=1e-3, T=3)  # 0.25 * 10 > 2: f need not decrease
    assert not cert["certified"]
