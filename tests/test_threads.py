"""BLAS thread limits (proofcheck.threads): in pool workers, where numpy is loaded before any variable is read,
and in-process."""
import concurrent.futures as cf
import multiprocessing

import numpy as np
import pytest

from proofcheck.execution import pool as pool_executor
from proofcheck.threads import BLAS_THREADS, current_threads, limited_threads

threadpoolctl = pytest.importorskip("threadpoolctl")


def _blas_threads() -> dict:
    np.dot(np.ones((4, 4)), np.ones((4, 4)))
    return {lib: n for lib, n in current_threads().items() if lib in ("openblas", "mkl", "blis")}


def test_pool_workers_run_blas_on_one_thread_although_numpy_was_loaded_first():
    assert _blas_threads(), "numpy's BLAS is not visible to threadpoolctl"
    # spawn: the worker imports proofcheck.execution.pool (and numpy with it) before its initializer runs, as a forked
    # or forkserver worker has numpy loaded already (without touching the session's forkserver)
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(1, mp_context=context, initializer=pool_executor._worker_init, initargs=(2,)) as pool:
        seen = pool.submit(_blas_threads).result()
    assert seen and set(seen.values()) == {BLAS_THREADS}


def test_in_process_limit_applies_inside_the_block_and_is_restored_after():
    before = _blas_threads()
    with limited_threads():
        assert set(_blas_threads().values()) == {BLAS_THREADS}
    assert _blas_threads() == before
