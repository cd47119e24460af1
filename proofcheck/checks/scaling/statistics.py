"""The statistics of a sweep: seed quantiles and their seeded bootstrap, percentile intervals, OLS slopes, the
local exponent of a log factor. Depends on numpy only."""
from __future__ import annotations

import math

import numpy as np


def _interval(samples: np.ndarray, conf: float) -> tuple[float | None, float | None]:
    """Percentile interval of bootstrap samples; None ends when too many samples are not finite."""
    s = np.asarray(samples, dtype=float)
    a = (1 - conf) / 2
    finite = np.isfinite(s)
    if s.size == 0:
        return None, None
    lo = float(np.percentile(np.where(np.isnan(s), np.inf, s), 100 * a, method="lower"))
    hi = float(np.percentile(np.where(np.isnan(s), np.inf, s), 100 * (1 - a), method="higher"))
    if (~finite).mean() > a:  # the upper end is unbounded
        hi = math.inf
    return lo, hi


def _ols_slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Slopes of y (n_points, n_reps) on x (n_points,), vectorised over replicates; non-finite -> nan."""
    xc = x - x.mean()
    with np.errstate(invalid="ignore"):
        out = (xc[:, None] * (y - y.mean(axis=0))).sum(axis=0) / (xc**2).sum()
    out[~np.all(np.isfinite(y), axis=0)] = np.nan
    return out


def log_allowance(logs: int, x_mid: float) -> float:
    """The local exponent of a factor (ln x)^logs at x: logs / ln x (ln x floored at 1 near x = 1)."""
    return logs / max(math.log(x_mid), 1.0) if logs else 0.0



def _safe_log(a) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(np.asarray(a, dtype=float))


def order_statistic(probability: float, n: int) -> int:
    """k (1-based) of the seed quantile T_(k) matching probability p over n seeds: the smallest t with empirical
    P(T <= t) >= p."""
    return max(1, math.ceil(probability * n - 1e-12))


def bootstrap(records: list, k: int, idx: np.ndarray) -> None:
    """Each record's quantile ``q`` and its bootstrap replicates: ``idx`` (replicates x seeds) resamples the seed
    indices once for all cells, which keeps paired comparisons paired. ``boot_lower`` replaces a capped replicate
    quantile (+inf) by the cap: a lower bound."""
    for r in records:
        T = r["T"]
        r["q"] = float(np.sort(T)[k - 1])
        boot = np.sort(T[idx], axis=1)[:, k - 1]
        r["boot"] = boot
        r["boot_lower"] = np.where(np.isinf(boot), r["cap"] if r["cap"] is not None else np.inf, boot)
