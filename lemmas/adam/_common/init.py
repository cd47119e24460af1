"""The random initialisation: the coordinates of x_0 - x* are i.i.d. Unif[-2B, 2B] (docs/claims.md)."""
from __future__ import annotations

import numpy as np


def random_init(d: int, B: float, rng: np.random.Generator, batch: int | None = None) -> np.ndarray:
    """x_0 - x*: shape (d,) or (batch, d), i.i.d. uniform on [-2B, 2B]."""
    shape = (d,) if batch is None else (batch, d)
    return rng.uniform(-2.0 * B, 2.0 * B, size=shape)
