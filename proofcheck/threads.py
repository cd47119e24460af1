"""Thread limits for BLAS / OpenMP libraries (OpenBLAS, MKL, BLIS, libgomp), applied in this process.

Environment variables such as ``OPENBLAS_NUM_THREADS`` are read once, when a library loads: setting them
in a pool worker that already imported numpy (a forked worker, or a forkserver that preloaded the claims)
has no effect, and every worker then runs BLAS on all cores. On a 2-core machine with 2 workers, or with
another process holding a core, that oversubscription made T4's crossover check take 27-38 s instead of
2.8 s. :func:`limit_threads` caps the libraries already loaded, through threadpoolctl, and sets the
variables for those loaded later; numba's own pool is narrowed by the caller (see
``proofcheck.execution._worker_init``).
"""
from __future__ import annotations

import os

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")

_limiter = None  # the active threadpoolctl limit (kept referenced so that it stays in force)


def limit_threads(threads: int) -> dict:
    """Cap BLAS and OpenMP thread pools of this process at ``threads``; returns {library: threads} as applied.

    Libraries loaded later read the environment variables set here. Without threadpoolctl only the
    variables are set (effective only for libraries not loaded yet), and the result is empty.
    """
    global _limiter
    threads = max(1, int(threads))
    os.environ.update({name: str(threads) for name in THREAD_VARIABLES})
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency; kept optional for odd installs
        return {}
    _limiter = threadpool_limits(limits=threads)
    return {info["internal_api"]: info["num_threads"] for info in current_threads()}


def current_threads() -> list[dict]:
    """threadpoolctl's view of this process's thread pools ([] without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover
        return []
    return threadpool_info()


def in_process_threads(jobs: int) -> int:
    """BLAS threads for a run with ``jobs`` processes on this machine's cores: max(1, cores // jobs)."""
    from .execution import default_jobs

    return max(1, default_jobs() // max(1, jobs))
