"""Thread limits for BLAS libraries (OpenBLAS, MKL, BLIS), in pool workers and in-process, via threadpoolctl.

Environment variables such as ``OPENBLAS_NUM_THREADS`` are read once, when a library loads: setting them
in a pool worker that already imported numpy (a forked worker, or a forkserver that preloaded the claims)
has no effect, and every worker then ran BLAS on all cores. The checks' linear algebra is small (matrices
of order <= 1024, mostly far less), where BLAS threads gain little and lose much as soon as another process
holds a core: OpenBLAS threads wait for each other actively. Measured on this project's 2-core machine with
a busy neighbour, T4 at the standard budget took 24 s with 2 BLAS threads and 4.9 s with one (its crossover
check 10.7 s against 1.2 s). So every run uses ``BLAS_THREADS`` = 1, set through threadpoolctl on the
libraries already loaded and through the variables for those loaded later. numba's own pool (the screening
kernels, which do scale with cores) is sized separately by ``proofcheck.execution``.
"""
from __future__ import annotations

import contextlib
import os

BLAS_THREADS = 1
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")

_worker_limit = None  # the limit applied for a worker's lifetime (kept referenced so that it stays in force)


def _limits(threads: int):
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency; kept optional for odd installs
        return None
    # BLAS only: numba's parallel kernels may run on the OpenMP layer, and their thread count is numba's business
    return threadpool_limits(limits=threads, user_api="blas")


def limit_worker_threads(threads: int = BLAS_THREADS) -> None:
    """In a pool worker: cap BLAS pools at ``threads`` for the rest of the process's life (and set the BLAS variables
    for libraries loaded later)."""
    global _worker_limit
    os.environ.update({name: str(threads) for name in THREAD_VARIABLES})
    _worker_limit = _limits(threads)


@contextlib.contextmanager
def limited_threads(threads: int = BLAS_THREADS):
    """In this process, for the duration of the block: BLAS pools capped at ``threads``, restored after.

    The BLAS variables are set for the block too, so that a library first loaded inside it (scipy's own
    OpenBLAS, say) starts capped; such a library keeps that cap afterwards."""
    saved = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    os.environ.update({name: str(threads) for name in THREAD_VARIABLES})
    limits = _limits(threads)
    try:
        yield
    finally:
        if limits is not None:
            limits.restore_original_limits()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def current_threads() -> dict:
    """{library: threads} of this process's BLAS / OpenMP pools, as threadpoolctl sees them ({} without it)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover
        return {}
    return {info["internal_api"]: info["num_threads"] for info in threadpool_info()}
