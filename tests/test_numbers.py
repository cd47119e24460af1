"""Number contexts (proofcheck/numbers.py): one formula, four arithmetics (float64, mpmath, MPFR, arb balls)."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

from proofcheck import numbers
from proofcheck.numbers import ball, fp, mp, mpfr, uses_context, call_with_precision


def _contexts():
    return [fp, mp(40), mpfr(40), ball(160)]


def rayleigh(n, A, x):
    """x^T A x / x^T x and the spectrum of A, written once against the context."""
    A, x = n.mat(A), n.vec(x)
    y = n.matvec(A, x)
    return n.dot(x, y) / n.dot(x, x), n.eigvalsh(A), n.norm2(A), n.vsqrt(n.vabs(x - 1))


@pytest.mark.parametrize("seed", [0, 1])
def test_one_formula_in_every_context(seed):
    rng = np.random.default_rng(seed)
    d = 4
    B = rng.standard_normal((d, d))
    A = (B @ B.T + np.eye(d)).tolist()
    x = rng.standard_normal(d).tolist()
    with mpmath.workdps(60):
        ref_q, ref_ev, ref_norm, ref_s = rayleigh(mp(60), A, x)
    for n in _contexts():
        with n.working():
            q, ev, norm, s = rayleigh(n, A, x)
            assert len(ev) == d and len(s) == d
            if isinstance(n, numbers.BallContext):  # enclosures contain the exact values
                assert q.contains(n.num(ref_q)) or abs(float(q.mid()) - float(ref_q)) < 1e-30
                for e, r in zip(ev, ref_ev):
                    assert abs(float(e.mid()) - float(r)) <= float(e.rad()) + 1e-30
                continue
            tol = 1e-13 if n is fp else 1e-35
            with mpmath.workdps(60):
                assert abs(mpmath.mpf(float(q) if n is fp else n.to_mpf(q)) - ref_q) <= tol * abs(ref_q)
                for e, r in zip(ev, ref_ev):
                    e = mpmath.mpf(float(e)) if n is fp else n.to_mpf(e)
                    assert abs(e - r) <= tol * abs(ref_ev[-1])
                got = mpmath.mpf(float(norm)) if n is fp else n.to_mpf(norm)
                assert abs(got - ref_norm) <= tol * ref_norm


def test_mpmath_and_mpfr_agree_to_the_last_bit():
    """Both round every operation to nearest at the same precision and sum exactly: the same bits."""
    rng = np.random.default_rng(3)
    A, x = rng.standard_normal((5, 5)).tolist(), rng.standard_normal(5).tolist()
    a, b = mp(30), mpfr(30)
    with a.working():
        ya = a.matvec(a.mat(A), a.vec(x))
        za = a.vsqrt(a.vabs(ya)) / (a.num(1) + ya * ya)
    with b.working():
        yb = b.matvec(b.mat(A), b.vec(x))
        zb = b.vsqrt(b.vabs(yb)) / (b.num(1) + yb * yb)
    with mpmath.workprec(a.prec):
        assert [b.to_mpf(v) for v in zb] == list(za)


def test_eps_and_tiny():
    assert fp.eps == 2.0 ** -52 and fp.tiny == 2.0 ** -1022
    assert mp(15).eps == mpmath.mpf(2) ** (1 - mp(15).prec) and mp(15).tiny == 0
    n = mpfr(15)
    assert n.prec == mp(15).prec and float(n.eps) == 2.0 ** (1 - n.prec) and 0 < n.tiny < 1e-300
    assert ball(100).tiny == 0 and float(ball(100).eps) == 2.0 ** -99
    with mp(15).working():  # 1 + eps is the next number after 1, 1 + eps/4 rounds back to 1
        m = mp(15)
        assert 1 + m.eps != 1 and 1 + m.eps / 4 == 1


def test_float64_vectors_batch_over_leading_axes():
    Q = np.arange(8.0).reshape(2, 2, 2) + 1
    x = np.ones((2, 2))
    assert np.array_equal(fp.matvec(Q, x), np.einsum("bij,bj->bi", Q, x))
    assert np.array_equal(fp.dot(x, x), np.array([2.0, 2.0]))


def test_ball_max_of_overlapping_balls_is_their_union():
    n = ball(64)
    with n.working():
        a = n.num(1) + n.num("[0 +/- 0.5]")
        m = n.max(a, n.num(1))
        assert m.contains(a) and m.contains(1)


def test_screen_dps_screens_in_mpmath_and_caches():
    calls = []

    @uses_context(screen_dps=30)
    def sides(inst, n):
        calls.append(n.dps)
        return n.exp(n.num(inst["x"])), n.num(2)

    lhs, rhs = call_with_precision(sides, {"x": 0.5}, None)
    assert isinstance(lhs, float) and lhs == float(mpmath.exp(mpmath.mpf(0.5))) and rhs == 2.0
    with mpmath.workdps(30):
        exact, _ = call_with_precision(sides, {"x": 0.5}, 30)
    assert isinstance(exact, mpmath.mpf) and calls == [30]  # the screening's value is the 30-digit one
    call_with_precision(sides, {"x": 0.5}, 60)
    assert calls == [30, 60]


def test_plain_context_formula_screens_in_float64():
    @uses_context
    def sides(inst, n):
        return n.sqrt(n.num(inst["x"])), n.num(1)

    assert call_with_precision(sides, {"x": 4}, None) == (2.0, 1.0)
    assert math.isclose(float(call_with_precision(sides, {"x": 2}, 20)[0]), math.sqrt(2))
