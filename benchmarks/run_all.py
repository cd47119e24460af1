"""proofcheck benchmarks: every figure measured in ONE run, each against a baseline measured in the same run.

    python benchmarks/run_all.py                 # everything (the CLI parts take several minutes)
    python benchmarks/run_all.py --only engines  # screening, high precision, certified (about a minute)
    python benchmarks/run_all.py --only cli      # `all` quick/standard, --jobs 1 vs 2
    python benchmarks/run_all.py --only cli --baseline DIR   # ... and the same commands from an earlier tree
    python benchmarks/run_all.py --only growth   # standard-run time against grid size
    python benchmarks/run_all.py --only rows     # issue 13's profile rows: replaced path vs current (a few minutes)
    python benchmarks/run_all.py --only dask     # T2's deep sweep, narrowed: --jobs 1, --jobs 2, 2-worker Dask (a few minutes)
    python benchmarks/run_all.py --only worstcase  # worstcase cells: PEPit solve vs exact rationalize/verify (seconds)
    python benchmarks/run_all.py --only suite --baseline DIR  # the test files of both trees, each tree's own version

Sections (each prints a table; ``--json FILE`` also writes all figures):

* ``rows``        the four rows of issue 13's profile (T6 classification, T2's recount of flagged runs, plots,
                  BLAS threads), each timed against the path it replaced, kept here as the baseline, with a check
                  that both give the same results;
* ``screening``   compiled float64 (lemmas/adam/_common/fast.py) vs the numpy batched reference
                  (algorithms.adam_f64 / gd_f64): ns per coordinate-iteration and the speed-up;
* ``highprec``    MPFR engine (highprec.py) vs plain mpmath loops (adam_mp / gd_mp), same precision;
* ``certified``   certify_run (arb balls) vs the MPFR run of the same instance: cost and precision;
* ``cli``         ``python -m proofcheck all`` at the quick and standard budgets, each with
                  ``--jobs 1`` and ``--jobs 2`` (the parallel speed-up);
* ``growth``      the growth of a standard run's time with the grid size, for the claims that
                  have selectable grids (``claim[key=[first n values]]``, n = 1, 2, 4, 8);
* ``dask``        T2's scaling sweep at the deep budget on a narrowed grid reaching d = 512 (``--dask-grid``),
                  with ``--jobs 1``, ``--jobs 2`` and ``--scheduler`` on a 2-worker ``distributed.LocalCluster``
                  (one thread per worker, worker processes importing this tree): wall and CPU seconds (the
                  Dask workers' CPU measured with psutil, as the children's rusage never sees them), the ratios,
                  and whether the three reports share every verdict and deciding number (compare_reports.py).
                  Skipped, with the reason, when ``distributed`` is not importable (or with ``--skip-dask``).
* ``suite``       the test suite: with ``--baseline DIR``, the test files that both trees have (each tree running its
                  own version of them), then each tree's whole default suite, baseline right before current
                  (``--suite-files`` narrows the first figure to some of those files); without it, the current
                  suite alone. Wall and CPU seconds, and the pytest summary line of each run.
* ``worstcase``   the worstcase check kind per cell (benchmarks/worstcase.py): PEPit + Clarabel solve (the baseline)
                  against the exact rationalization of its solution and the exact verification, and the decision
                  from a stored certificate alone. Skipped, with the reason, without the pep extra.

Timings take the best of ``--repeat`` runs (the engines) or one run (the CLI: ``--rerun`` on a private
cache directory, so nothing is read from a cache).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import warnings

import numpy as np

warnings.filterwarnings("ignore", category=RuntimeWarning)  # the diverging reference runs overflow, by design

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from lemmas.adam._common import algorithms as ref  # noqa: E402
from lemmas.adam._common import fast, highprec  # noqa: E402


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def table(title: str, header: list[str], rows: list[list]) -> None:
    print(f"\n## {title}\n")
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))


def diagonal_batch(rng, b, d, kappa=1e3):
    return np.exp(rng.uniform(0, np.log(kappa), (b, d))), rng.uniform(-1, 1, (b, d))


def dense_batch(rng, b, d, kappa=1e3):
    lam, x0 = diagonal_batch(rng, b, d, kappa)
    Q = np.empty((b, d, d))
    for i in range(b):
        U, _ = np.linalg.qr(rng.standard_normal((d, d)))
        Q[i] = (U * lam[i]) @ U.T
    return Q, x0


# ---------------------------------------------------------------------------------------------

def bench_screening(repeat: int) -> list[dict]:
    rng = np.random.default_rng(0)
    cases = []
    lam, x0 = diagonal_batch(rng, 256, 64)
    Q, xd = dense_batch(rng, 64, 32)
    for name, algo, args, kw, units in [
        ("adam diag b=256 d=64 beta2=0.999", "adam", (lam, x0, 1e-3, 0.999, 0.0, 0.1), dict(iters=1000), 256 * 64 * 1000),
        ("adam diag b=256 d=64 beta2=1", "adam", (lam, x0, 1e-3, 1.0, 0.0, 0.1), dict(iters=1000), 256 * 64 * 1000),
        ("adam diag, eps stop", "adam", (lam, x0, 1e-2, 0.999, 0.0, 0.1), dict(iters=1000, eps=1e-6), None),
        ("adam dense b=64 d=32 beta2=0.999", "adam", (Q, xd, 1e-3, 0.999, 0.0, 0.1),
         dict(iters=300, diagonal=False), 64 * 32 * 300),
        ("gd diag b=256 d=64", "gd", (lam, x0, 1e-3), dict(iters=1000), 256 * 64 * 1000),
        ("gd dense b=64 d=32", "gd", (Q, xd, 1e-3), dict(iters=300, diagonal=False), 64 * 32 * 300),
    ]:
        slow = ref.adam_f64 if algo == "adam" else ref.gd_f64
        quick = fast.adam_fast if algo == "adam" else fast.gd_fast
        quick(*args, **kw)  # compile (or load the cached machine code)
        t_ref = best_of(lambda: slow(*args, **kw), repeat)
        t_fast = best_of(lambda: quick(*args, **kw), repeat)
        t_one = math.nan
        if fast.HAVE_NUMBA:  # the same kernels on one thread: per-core efficiency, independent of free cores
            import numba

            threads = numba.get_num_threads()
            numba.set_num_threads(1)
            try:
                t_one = best_of(lambda: quick(*args, **kw), repeat)
            finally:
                numba.set_num_threads(threads)
        if units is None:  # early stop: count the iterations actually run
            units = x0.size * slow(*args, **kw).iters
        cases.append({"case": name, "numpy_ns": 1e9 * t_ref / units, "fast_ns": 1e9 * t_fast / units,
                      "speedup": t_ref / t_fast, "fast_1thread_ns": 1e9 * t_one / units, "speedup_1thread": t_ref / t_one})
    table(f"Screening: {fast.BACKEND} vs numpy batched reference (ns per coordinate-iteration; dense: per row "
          f"of Q x)", ["case", "numpy ns", "fast ns", "speed-up", "fast 1 thread ns", "speed-up 1 thread"],
          [[c["case"], f"{c['numpy_ns']:.2f}", f"{c['fast_ns']:.3f}", f"{c['speedup']:.1f}x",
            f"{c['fast_1thread_ns']:.3f}", f"{c['speedup_1thread']:.1f}x"] for c in cases])
    return cases


def bench_highprec(repeat: int) -> list[dict]:
    rng = np.random.default_rng(1)
    d = 16
    lam = np.exp(rng.uniform(0, np.log(100), d))
    x0 = rng.uniform(-1, 1, d)
    U, _ = np.linalg.qr(rng.standard_normal((d, d)))
    Q = (U * lam) @ U.T
    cases = []
    for name, algo, args, kw in [
        ("adam diag d=16 beta2=0.99", "adam", (lam, x0, 0.01, 0.99, 0.1, 0.1), dict(iters=200, diagonal=True)),
        ("adam diag d=16 beta2=1", "adam", (lam, x0, 0.01, 1, 0.1, 0.1), dict(iters=200, diagonal=True)),
        ("adam dense d=16 beta2=0.99", "adam", (Q, x0, 0.01, 0.99, 0.1, 0.1), dict(iters=100, diagonal=False)),
        ("gd diag d=16", "gd", (lam, x0, 0.01), dict(iters=200, diagonal=True)),
        ("gd dense d=16", "gd", (Q, x0, 0.01), dict(iters=100, diagonal=False)),
    ]:
        for dps in (50, 100):
            slow = ref.adam_mp if algo == "adam" else ref.gd_mp
            quick = highprec.adam_hp if algo == "adam" else highprec.gd_hp
            t_ref = best_of(lambda: slow(*args, dps=dps, **kw), max(1, repeat // 2))
            t_hp = best_of(lambda: quick(*args, dps=dps, **kw), repeat)
            units = d * kw["iters"]
            cases.append({"case": name, "dps": dps, "bits": highprec.dps_to_prec(dps), "mpmath_us": 1e6 * t_ref / units,
                          "hp_us": 1e6 * t_hp / units, "speedup": t_ref / t_hp})
    table(f"High precision: {highprec.BACKEND} vs plain mpmath loops (us per coordinate-iteration)",
          ["case", "dps", "bits", "mpmath us", "mpfr us", "speed-up"],
          [[c["case"], c["dps"], c["bits"], f"{c['mpmath_us']:.2f}", f"{c['hp_us']:.3f}", f"{c['speedup']:.1f}x"]
           for c in cases])
    return cases


def bench_certified(repeat: int) -> list[dict]:
    from lemmas.adam._common.certified import certify_run

    rng = np.random.default_rng(2)
    cases = []
    for d, diagonal in ((16, True), (8, False)):
        lam = np.exp(rng.uniform(0, np.log(100), d))
        x0 = rng.uniform(-1, 1, d)
        if diagonal:
            Q = lam
        else:
            U, _ = np.linalg.qr(rng.standard_normal((d, d)))
            Q = (U * lam) @ U.T
        hyper = dict(alpha=0.05, beta2=0.999, phi=0.1, delta=0.1)
        for method, update in (("adam", "factored"), ("adam", "naive"), ("gd", "-")):
            if update == "naive" and not diagonal:
                continue
            kw = dict(eps=1e-6, iters=5000, diagonal=diagonal)
            if method == "adam":
                cert = lambda: certify_run("adam", Q, x0, update=update, max_prec_bits=1 << 15, **hyper, **kw)  # noqa: E731
                high = lambda: highprec.adam_hp(Q, x0, iters=5000, eps=1e-6, diagonal=diagonal,  # noqa: E731
                                                **{k: v for k, v in hyper.items()})
            else:
                cert = lambda: certify_run("gd", Q, x0, eta=2 / 101, **kw)  # noqa: E731
                high = lambda: highprec.gd_hp(Q, x0, 2 / 101, iters=5000, eps=1e-6, diagonal=diagonal)  # noqa: E731
            result = cert()
            t_cert = best_of(cert, max(1, repeat // 2))
            t_hp = best_of(high, max(1, repeat // 2))
            T = result.get("T") or 5000
            cases.append({"case": f"{method} {'diag' if diagonal else 'dense'} d={d} {update}", "T": result.get("T"),
                          "certified": result["certified"], "prec_bits": result["prec_bits"],
                          "width": result.get("width"), "seconds": t_cert, "us_per_coord_iter": 1e6 * t_cert / (d * T),
                          "vs_mpfr_50dps": t_cert / t_hp})
    table("Certified runs (python-flint arb balls): cost, precision that decided, relative width of f(x_T)",
          ["case", "T", "certified", "bits", "width", "seconds", "us/coord-iter", "x MPFR 50 dps"],
          [[c["case"], c["T"], c["certified"], c["prec_bits"], f"{c['width']:.1e}", f"{c['seconds']:.3f}",
            f"{c['us_per_coord_iter']:.2f}", f"{c['vs_mpfr_50dps']:.1f}"] for c in cases])
    return cases


# ---------------------------------------------------------------------------------------------
# The profile rows of issue 13, each against the implementation it replaced (kept here as the baseline path)
# ---------------------------------------------------------------------------------------------

def timed(fn):
    """(result, wall seconds, CPU seconds of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def load() -> float:
    return os.getloadavg()[0]


def classify_by_restarting(inst, delta, dps, start=400, cap=25600):
    """Baseline of T6's classifier: a fresh mpmath run with every step recorded, restarted at each doubling."""
    from lemmas.adam._common import orbits

    n = start
    while True:
        label, info = orbits.judge_run(inst, delta, orbits.run_adam(inst, delta, dps, n))
        if label != "undecided" or n >= cap:
            return label, info
        n = min(2 * n, cap)


def escalate_by_longdouble_then_mpfr(tuned, Q, X0, *, beta2, phi, delta, eps, dps=30) -> list:
    """Baseline of tuning.escalate_flagged: numpy longdouble from x_0, then MPFR where that underflows too."""
    rows = np.nonzero(tuned.flagged)[0]
    ext = ref.adam_f64(Q[rows], X0[rows], tuned.step[rows], beta2=beta2, phi=phi, delta=delta, iters=int(tuned.cap),
                       eps=eps, dtype=np.longdouble)
    counts = []
    for n, i in enumerate(rows):
        if not (ext.underflow[n] or ext.nonfinite[n]):
            counts.append(None if ext.T[n] < 0 else int(ext.T[n]))
        else:
            run = highprec.adam_hp(Q[i].tolist(), X0[i].tolist(), repr(float(tuned.step[i])), beta2=repr(float(beta2)),
                                   phi=repr(float(phi)), delta=repr(float(delta)), iters=int(tuned.cap), dps=dps,
                                   eps=repr(float(eps)))
            counts.append(run.T)
    return counts


def bench_profile_rows() -> list[dict]:
    """Each row of the issue's profile table, old path against new, in this process (CPU seconds decide)."""
    rows = []

    # T6 fixed-point: the threshold classifications of the standard beta2 sweep (bisection-like deltas)
    from lemmas.adam import t6_fixed_point as t6
    from proofcheck.context import Budget, Context

    ctx = Context(seed=0, budget=Budget("standard"), claim_id="fixed-point", check_name="threshold-delta-vs-beta2")
    work = [(case, t6.case_formula()(case) * k, dps) for case in t6.beta2_cases(ctx)
            for k, dps in [(0.5, 50), (0.9, 50), (0.99, 50), (0.995, 100), (1.005, 50), (1.01, 100), (1.1, 50), (2, 50)]]
    t6.classify(*work[0])  # first imports outside the timings
    old, old_wall, old_cpu = timed(lambda: [classify_by_restarting(c, d, p) for c, d, p in work])
    new, new_wall, new_cpu = timed(lambda: [t6.classify(c, d, p, start=400, cap=25600)[0] for c, d, p in work])
    same = all((a[0], a[1]) == (b.label, b.info) for a, b in zip(old, new))
    rows.append({"row": "T6 fixed-point", "work": f"{len(work)} threshold classifications (4 beta2 cases)",
                 "old": "mpmath, every step recorded, restart per doubling", "new": "MPFR AdamState, resumed, last 4 steps",
                 "old_cpu": old_cpu, "new_cpu": new_cpu, "old_wall": old_wall, "new_wall": new_wall, "identical": same,
                 "load": load()})

    # T2 adam-diagonal: recounting the flagged chosen runs of beta2 < 1 cells
    from lemmas.adam import t2_adam_diagonal as t2
    from lemmas.adam._common import tuning
    from lemmas.adam._common.init import random_init
    from lemmas.adam._common.quadratics import spectrum

    if fast.HAVE_NUMBA:  # compile (or load) the recount kernel outside the timings
        fast.adam_unbounded(np.ones((1, 2)), np.ones((1, 2)), 0.1, 0.9, 2.0, iters=2, eps=1e-3)
    old_cpu = new_cpu = old_wall = new_wall = 0.0
    flagged, same = 0, True
    sweep_ctx = Context(seed=0, budget=Budget("standard"), claim_id="adam-diagonal", check_name="scaling-sweep")
    seeds = [sweep_ctx.subseed("seed", i) for i in range(16)]  # the standard run's seeds
    # the standard run's beta2 < 1 cells whose flagged runs needed MPFR in the replaced path (the costly ones)
    for d, kappa, kind in ((128, 1e4, "logspaced"), (128, 1e4, "two-cluster"), (128, 1e6, "logspaced"),
                           (128, 1e6, "two-cluster"), (256, 1e6, "logspaced")):
        lam = spectrum(d, kappa, kind)
        X0 = np.stack([random_init(d, t2.B, np.random.default_rng(s)) for s in seeds])
        Q = np.tile(lam, (len(seeds), 1))
        b2 = tuning.beta2_schedule(d, kappa, t2.EPS)
        tuned = tuning.tune_adam(Q, X0, beta2=b2, phi=2 * t2.B, delta=t2.DELTA, eps=t2.EPS,
                                 cap=t2.adam_cap(d, kappa, t2.EPS), settle=t2.SETTLE)
        flagged += int(tuned.flagged.sum())
        kw = dict(beta2=b2, phi=2 * t2.B, delta=t2.DELTA, eps=t2.EPS)
        old, w, c = timed(lambda: escalate_by_longdouble_then_mpfr(tuned, Q, X0, **kw))
        old_wall, old_cpu = old_wall + w, old_cpu + c
        new, w, c = timed(lambda: tuning.escalate_flagged(tuned, Q, X0, diagonal=True, **kw))
        new_wall, new_cpu = new_wall + w, new_cpu + c
        same = same and old == [rec["T_high"] for rec in new]
    rows.append({"row": "T2 adam-diagonal", "work": f"recount of {flagged} flagged runs (5 standard cells, d = 128, 256)",
                 "old": "numpy longdouble from x0, then MPFR", "new": "compiled float64, unbounded exponent",
                 "old_cpu": old_cpu, "new_cpu": new_cpu, "old_wall": old_wall, "new_wall": new_wall, "identical": same,
                 "load": load()})

    # plots: T2's sweep at the standard budget for a run whose formats show no figure (--format json): before, its
    # figures were rendered whatever the formats; now the CLI asks for none (--plots auto), and nothing else changes
    from proofcheck.runner import run_check

    claim = t2.CLAIM
    sweep = next(c for c in claim.checks if c.name == "scaling-sweep")
    run_check(claim, sweep, 0, Budget("quick"), options={"plots": True})  # imports matplotlib, outside the timings
    old, with_wall, with_cpu = timed(lambda: run_check(claim, sweep, 0, Budget("standard"), options={"plots": True}))
    new, wo_wall, wo_cpu = timed(lambda: run_check(claim, sweep, 0, Budget("standard"), options={"plots": False}))

    def without_figures(evidence):
        data = evidence.to_json()
        data["details"] = {k: v for k, v in data["details"].items() if k != "plots"}
        return {k: v for k, v in data.items() if k not in ("artifacts", "seconds")}

    rows.append({"row": "plots", "work": "T2 scaling-sweep at standard, for --format json",
                 "old": "rendered whatever the formats", "new": "not rendered (--plots auto: only html, md show them)",
                 "old_cpu": with_cpu, "new_cpu": wo_cpu, "old_wall": with_wall, "new_wall": wo_wall,
                 "identical": without_figures(old) == without_figures(new), "load": load()})

    # BLAS threads: T4 at the standard budget in this process, BLAS on every core vs proofcheck.threads' limit
    from lemmas.adam import t4_adam_diag_dominant as t4
    from proofcheck.threads import limited_threads
    from threadpoolctl import threadpool_limits

    def t4_run():
        return [run_check(t4.CLAIM, check, 0, Budget("standard")).to_json()["worst_margin"] for check in t4.CLAIM.checks]

    for check in t4.CLAIM.checks:  # first imports and compilations, outside the timings
        run_check(t4.CLAIM, check, 0, Budget("quick"))
    with threadpool_limits(limits=os.cpu_count(), user_api="blas"):
        old, old_wall, old_cpu = timed(t4_run)
    with limited_threads():
        new, new_wall, new_cpu = timed(t4_run)
    rows.append({"row": "BLAS threads", "work": "T4 adam-diag-dominant at standard, in-process",
                 "old": f"{os.cpu_count()} BLAS threads", "new": "1 BLAS thread (threadpoolctl)", "old_cpu": old_cpu,
                 "new_cpu": new_cpu, "old_wall": old_wall, "new_wall": new_wall, "identical": old == new, "load": load()})

    table("Issue 13's profile rows: the replaced path against the current one, same process (CPU s decide; wall s "
          "swing with the machine's load, given beside)",
          ["row", "work", "old", "new", "old CPU s", "new CPU s", "CPU ratio", "old wall s", "new wall s", "wall ratio",
           "same results", "load"],
          [[r["row"], r["work"], r["old"], r["new"], f"{r['old_cpu']:.2f}", f"{r['new_cpu']:.2f}",
            f"{r['old_cpu'] / max(r['new_cpu'], 1e-9):.1f}x", f"{r['old_wall']:.2f}", f"{r['new_wall']:.2f}",
            f"{r['old_wall'] / max(r['new_wall'], 1e-9):.1f}x", "-" if r["identical"] is None else r["identical"],
            f"{r['load']:.1f}"] for r in rows])
    return rows


def children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def proofcheck_cli(args: list[str], out: str, root: Path = ROOT) -> tuple[float, int, dict]:
    """Run the CLI in a fresh process, from the source tree ``root``. ``--rerun`` with a private cache directory:
    no result is read from a cache, but each run records its checks' times, which later pool runs use to submit
    the longest checks first (as a user's second run would)."""
    env = dict(os.environ, PROOFCHECK_CACHE_DIR=str(Path(out).parent / f"bench-cache-{Path(root).name}"),
               PYTHONPATH=str(root))
    load_before = os.getloadavg()[0]
    cpu, start = children_cpu(), time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "proofcheck", *args, "--rerun", "--out", out, "--format", "json",
                           "--quiet"], cwd=root, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    from proofcheck.sidecar import attach

    try:  # with the per-cell measurements of the side file (report.cells.json), as compare_reports.py reads them
        report = attach(json.loads((Path(out) / "report.json").read_text()), out)
    except (OSError, ValueError):
        report = {}
    report["_cpu_seconds"] = children_cpu() - cpu  # the run and its workers (forkserver workers included)
    report["_load"] = max(load_before, os.getloadavg()[0])
    if proc.returncode not in (0, 1, 3):
        print(proc.stderr[-2000:], file=sys.stderr)
    return seconds, proc.returncode, report


def verdict_line(report: dict) -> str:
    counts = {}
    for claim in report.get("claims", []):
        counts[claim["verdict"]] = counts.get(claim["verdict"], 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def bench_cli(skip_standard: bool, baseline: str | None = None, only_runs: list | None = None) -> dict:
    """``all`` at quick and standard, --jobs 1 and 2; with ``baseline`` (a source tree of an earlier commit, e.g.
    ``git archive REV | tar -x -C DIR``) each command also runs there, right before the current tree, for ratios
    within one session. The standard run's deciding numbers are compared with the committed report."""
    from compare_reports import differences
    from proofcheck.sidecar import attach

    results: dict = {"claims": []}
    trees = ([("baseline", Path(baseline).resolve())] if baseline else []) + [("current", ROOT)]
    with tempfile.TemporaryDirectory() as tmp:
        from proofcheck.registry import Registry

        reg = Registry.builtin()
        results["claims"] = reg.ids()
        rows = []
        runs = [("quick", 1), ("quick", 2)] + ([] if skip_standard else [("standard", 2), ("standard", 1)])
        runs = only_runs or runs  # --cli-runs: e.g. only the standard run on two workers
        if baseline:  # warm the baseline tree's numba cache, so that neither side pays compilation in the figures
            proofcheck_cli(["all", "--budget", "quick", "--jobs", "1"], f"{tmp}/warm", trees[0][1])
        for budget, jobs in runs:
            for name, root in trees:
                out = f"{tmp}/{name}-{budget}{jobs}"
                seconds, code, report = proofcheck_cli(["all", "--budget", budget, "--jobs", str(jobs)], out, root)
                key = f"all_{budget}_jobs{jobs}" + ("" if name == "current" else "_baseline")
                results[key] = {"seconds": seconds, "cpu_seconds": report["_cpu_seconds"], "load": report["_load"],
                                "exit": code, "verdicts": verdict_line(report)}
                rows.append([name, f"all --budget {budget} --jobs {jobs}", f"{seconds:.1f}",
                             f"{report['_cpu_seconds']:.1f}", f"{report['_load']:.1f}", code, verdict_line(report)])
                print(f"  measured: {rows[-1]}")
                committed = next((p for p in (ROOT / "reference" / "report.json", ROOT / "reports" / "report.json")
                                  if p.exists()), None)  # the committed standard run (moving to reference/)
                if budget == "standard" and name == "current" and committed is not None and report.get("claims"):
                    reference = attach(json.loads(committed.read_text()), committed.parent)
                    strict, loose = differences(reference, report), differences(reference, report, rel=1e-12)
                    results[f"{key}_vs_committed"] = {"differences": strict, "beyond_last_bits": loose}
                    print(f"  deciding numbers vs the committed standard report: {len(strict)} difference(s), "
                          f"{len(loose)} beyond last-bit float differences" + "".join(f"\n    {d}" for d in strict))
        table(f"`python -m proofcheck all` ({len(results['claims'])} claims in the catalogue: "
              f"{', '.join(results['claims'])}); load = highest 1-min load average at the start or end of the run "
              f"(other users of the machine make wall times longer; CPU s = the run and its workers)",
              ["tree", "command", "wall s", "CPU s", "load", "exit", "verdicts"], rows)
        for budget in ("quick",) + (() if skip_standard else ("standard",)):
            if f"all_{budget}_jobs1" in results and f"all_{budget}_jobs2" in results:
                one, two = results[f"all_{budget}_jobs1"]["seconds"], results[f"all_{budget}_jobs2"]["seconds"]
                results[f"speedup_{budget}"] = one / two
                print(f"\nparallel speed-up at {budget}: --jobs 1 {one:.1f}s / --jobs 2 {two:.1f}s = {one / two:.2f}x "
                      f"on {os.cpu_count()} cores")
            if baseline:
                for jobs in [j for b, j in runs if b == budget]:
                    old, new = results[f"all_{budget}_jobs{jobs}_baseline"], results[f"all_{budget}_jobs{jobs}"]
                    print(f"baseline / current at {budget} --jobs {jobs}: wall {old['seconds'] / new['seconds']:.2f}x, "
                          f"CPU {old['cpu_seconds'] / new['cpu_seconds']:.2f}x")
    return results


def pytest_run(root: Path, files: list[str]) -> dict:
    """The default test command of the source tree ``root`` (README: ``python -m pytest -q``) on ``files`` (all of
    its suite when empty), in a fresh process importing that tree: wall and CPU seconds and pytest's summary."""
    with tempfile.TemporaryDirectory() as tmp:  # a private result cache: neither tree reads the other's results
        env = dict(os.environ, PYTHONPATH=str(root), PROOFCHECK_CACHE_DIR=str(Path(tmp) / "cache"))
        cpu, start = children_cpu(), time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files], cwd=root,
                              capture_output=True, text=True, env=env)
        seconds = time.perf_counter() - start
    summary = next((line.strip("= ") for line in reversed(proc.stdout.splitlines()) if " in " in line), "")
    return {"seconds": seconds, "cpu_seconds": children_cpu() - cpu, "exit": proc.returncode, "summary": summary}


def bench_suite(baseline: str | None, files: list[str] | None = None, common: bool = True) -> dict:
    """The test suite's time against an earlier tree's, in one session: the test files both trees have (each tree
    runs its own version), then each whole default suite. A suite that grew is a different suite, so the common
    files are the like-for-like figure; the whole suites say what a contributor waits for."""
    trees = ([("baseline", Path(baseline).resolve())] if baseline else []) + [("current", ROOT)]
    results, rows = {}, []
    if baseline and common:
        names = lambda root: {p.name for p in (root / "tests").glob("test_*.py")}
        common = sorted(names(trees[0][1]) & names(ROOT))
        chosen = [f for f in common if not files or f in files]
        results["common_files"] = chosen
        for name, root in trees:
            results[f"common_{name}"] = pytest_run(root, [f"tests/{f}" for f in chosen])
            rows.append([name, f"{len(chosen)} common test files", *_suite_row(results[f"common_{name}"])])
            print(f"  measured: {rows[-1]}")
    for name, root in trees:
        results[f"whole_{name}"] = pytest_run(root, [])
        rows.append([name, "the whole default suite", *_suite_row(results[f"whole_{name}"])])
        print(f"  measured: {rows[-1]}")
    table("the test suite (`python -m pytest -q`, each tree's own tests; baseline right before current)",
          ["tree", "tests", "wall s", "CPU s", "exit", "pytest"], rows)
    if baseline:
        for what in ("common", "whole") if common else ("whole",):
            old, new = results[f"{what}_baseline"], results[f"{what}_current"]
            print(f"baseline / current, {what}: wall {old['seconds'] / new['seconds']:.2f}x, "
                  f"CPU {old['cpu_seconds'] / new['cpu_seconds']:.2f}x")
    return results


def _suite_row(run: dict) -> list:
    return [f"{run['seconds']:.1f}", f"{run['cpu_seconds']:.1f}", run["exit"], run["summary"]]


def bench_growth(budget: str) -> list[dict]:
    from proofcheck.registry import Registry

    with tempfile.TemporaryDirectory() as tmp:
        return grid_growth(Registry.builtin(), tmp, budget)


def grid_growth(reg, tmp: str, budget: str = "standard") -> list[dict]:
    """Time of each claim with a selectable grid on growing prefixes (1, 2, 4, 8 values) of its
    largest grid key, at ``budget`` with one job; reports the log-log slope of time against size."""
    rows, out = [], []
    for cid in reg.ids():
        params = reg.claims[cid].parameters
        if not params:
            continue
        key = max(params, key=lambda k: len(params[k]))
        values = list(params[key])
        sizes = [n for n in (1, 2, 4, 8) if n <= len(values)]
        for n in sizes:
            chosen = values[:n]
            target = f"{cid}[{key}=[{','.join(str(v) for v in chosen)}]]"
            seconds, code, report = proofcheck_cli(["run", target, "--budget", budget, "--jobs", "1"],
                                                   f"{tmp}/grow-{cid}-{n}")
            print(f"  measured: {target} {seconds:.1f} s")
            out.append({"claim": cid, "key": key, "grid_values": n, "values": chosen, "seconds": seconds, "exit": code})
            rows.append([cid, key, f"{n} (up to {chosen[-1]})", f"{seconds:.1f}", code])
        sub = [r for r in out if r["claim"] == cid and r["seconds"] > 0]
        if len(sub) >= 2:
            slope = np.polyfit(np.log([r["grid_values"] for r in sub]), np.log([r["seconds"] for r in sub]), 1)[0]
            rows.append([cid, key, "log-log slope", f"{slope:.2f}", ""])
    if rows:
        table(f"Growth of a {budget} run with the grid size (`run CLAIM[key=[first n values]] --budget {budget} "
              "--jobs 1`; time includes ~3 s of start-up; a grid key's later values may cost more per cell, "
              "e.g. larger d)", ["claim", "grid key", "values", "seconds", "exit"], rows)
    else:
        print("\n(no claim with a selectable grid in the catalogue yet: grid growth not measured)")
    return out


# The narrowed deep grid of the dask section: d up to 512 as in the deep budget, three kappa values
# (--jobs 1 took 55-96 s on 2 cores, depending on the host's load; kappa = [1e4,1e6] alone about 45 s).
DASK_GRID = "d=[128,256,512],kappa=[1e4,1e5,1e6]"


def cluster_cpu() -> float:
    """CPU seconds so far of this process (a LocalCluster's scheduler and nannies run in its threads) and of its live
    descendants (the Dask worker processes: the children's rusage counts a process only once it has been reaped);
    NaN without psutil."""
    try:
        import psutil
    except ImportError:
        return math.nan
    total = time.process_time()
    for proc in psutil.Process().children(recursive=True):
        try:
            times = proc.cpu_times()
        except psutil.Error:  # ended meanwhile
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def worker_sources(client) -> dict:
    """Where each Dask worker imports proofcheck from, and its compiled kernels' thread count (nothing imported)."""
    def where():
        import importlib.util
        import os

        return importlib.util.find_spec("proofcheck").origin, os.environ.get("NUMBA_NUM_THREADS") or os.cpu_count()

    return client.run(where)


def bench_dask(grid: str = DASK_GRID) -> dict:
    """``run adam-diagonal[grid] --budget deep --check scaling-sweep`` with --jobs 1, --jobs 2 and on a 2-worker
    LocalCluster (--scheduler), each in a fresh CLI process; the reports' deciding numbers compared with --jobs 1's."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        print(f"\n(dask section skipped: distributed is not importable: {exc}; pip install 'proofcheck[cluster]')")
        return {"skipped": f"distributed is not importable: {exc}"}
    import logging

    from compare_reports import differences

    target = f"adam-diagonal[{grid}]"
    command = ["run", target, "--budget", "deep", "--check", "scaling-sweep"]
    results: dict = {"target": target, "runs": {}}
    reports, rows = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        def measure(name: str, options: list[str], on_cluster: bool = False) -> None:
            before = cluster_cpu() if on_cluster else 0.0
            seconds, code, report = proofcheck_cli(command + options, f"{tmp}/{name}")
            cluster = cluster_cpu() - before if on_cluster else 0.0
            reports[name] = report
            if name == "jobs 1":
                found = []
            elif reports["jobs 1"].get("claims") and report.get("claims"):
                found = differences(reports["jobs 1"], report)
            else:
                found = ["a report is missing"]
            results["runs"][name] = {"seconds": seconds, "cpu_seconds": report["_cpu_seconds"] + cluster,
                                     "cluster_cpu_seconds": cluster, "load": report["_load"], "exit": code,
                                     "verdicts": verdict_line(report), "differences_vs_jobs1": found}
            rows.append([" ".join(options), f"{seconds:.1f}", f"{report['_cpu_seconds'] + cluster:.1f}",
                         f"{cluster:.1f}" if on_cluster else "-", f"{report['_load']:.1f}", code, verdict_line(report),
                         "-" if name == "jobs 1" else len(found)])
            print(f"  measured: {rows[-1]}" + "".join(f"\n    {d}" for d in found))

        measure("jobs 1", ["--jobs", "1"])
        measure("jobs 2", ["--jobs", "2"])
        # Spawned workers start with this process's sys.path (this tree first); env= reaches what they start.
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                          local_directory=tmp, silence_logs=logging.ERROR, env={"PYTHONPATH": str(ROOT)}) as cluster, \
                Client(cluster) as client:
            sources = worker_sources(client)
            results["dask_workers"] = {w: {"proofcheck": s, "numba_threads": t} for w, (s, t) in sources.items()}
            outside = [s for s, _ in sources.values() if not Path(s).resolve().is_relative_to(ROOT)]
            if outside:
                print(f"\n(dask run skipped: the workers import proofcheck from {outside[0]}, not from {ROOT})")
                results["skipped"] = f"workers import proofcheck from {outside[0]}"
            else:
                measure("dask", ["--scheduler", cluster.scheduler_address], on_cluster=True)
    table(f"T2's deep sweep on a narrowed grid: `{' '.join(command)}` (each in a fresh process, --rerun, private "
          f"cache); CPU s = the CLI and its workers, and the Dask cluster (its worker processes, via psutil, and the "
          f"scheduler and nannies in this process: the `cluster` column); load = highest 1-min load average at the "
          f"start or end; differences = deciding numbers differing from --jobs 1's (compare_reports.py)",
          ["command", "wall s", "CPU s", "cluster CPU s", "load", "exit", "verdicts", "differences"], rows)
    print("Dask: a 2-worker LocalCluster (processes, 1 thread each) on this machine; the workers import proofcheck "
          f"from {sorted({w['proofcheck'] for w in results['dask_workers'].values()})}, numba pool per worker "
          f"(NUMBA_NUM_THREADS, else the cores): {sorted({w['numba_threads'] for w in results['dask_workers'].values()})}"
          ", of which each proofcheck task uses 1 (execution.dask.execute_on_dask); with --jobs 1 the one local worker "
          f"runs its compiled kernels on all {os.cpu_count()} cores, with --jobs 2 each worker on "
          f"{max(1, (os.cpu_count() or 1) // 2)}"
          + ("" if not math.isnan(cluster_cpu()) else "; psutil is missing: the cluster's CPU is not measured (NaN)"))
    runs = results["runs"]
    for other in ("jobs 2", "dask"):
        if other in runs:
            ratio = runs["jobs 1"]["seconds"] / runs[other]["seconds"]
            results[f"jobs1_over_{other.replace(' ', '')}"] = ratio
            print(f"--jobs 1 / {other}: wall {runs['jobs 1']['seconds']:.1f} s / {runs[other]['seconds']:.1f} s = "
                  f"{ratio:.2f}x, CPU {runs['jobs 1']['cpu_seconds'] / runs[other]['cpu_seconds']:.2f}x "
                  f"on {os.cpu_count()} cores")
    return results


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)  # tables appear as they are measured, even into a file
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="rows,engines,cli,growth,dask,worstcase", help="comma-separated: rows "
                        "(issue 13's profile rows, old path vs new), engines (screening, highprec, certified), screening, "
                        "highprec, certified, cli, growth, dask, worstcase, suite (not in the default)")
    parser.add_argument("--growth-budget", default="standard", help="budget of the grid-growth runs")
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs (engines)")
    parser.add_argument("--skip-standard", action="store_true", help="cli: only the quick budget")
    parser.add_argument("--baseline", default=None, help="cli, suite: also run every command from this source tree (an "
                        "earlier commit, e.g. from `git archive REV | tar -x -C DIR`), interleaved, for ratios")
    parser.add_argument("--cli-runs", default=None, help="cli: only these runs, BUDGET:JOBS comma-separated "
                        "(e.g. standard:2)")
    parser.add_argument("--suite-whole-only", action="store_true", help="suite: only each tree's whole suite")
    parser.add_argument("--suite-files", default=None, help="suite: comma-separated test file names (test_x.py) "
                        "for the like-for-like figure (default: every file both trees have)")
    parser.add_argument("--dask-grid", default=DASK_GRID, help="dask: the narrowing of adam-diagonal's deep "
                        f"grid, as in CLAIM[...] (default {DASK_GRID})")
    parser.add_argument("--skip-dask", action="store_true", help="leave out the dask section")
    parser.add_argument("--json", default=None, help="also write every figure to this JSON file")
    args = parser.parse_args()
    only = set(args.only.split(","))
    if "engines" in only:
        only |= {"screening", "highprec", "certified"}
    print(f"proofcheck benchmarks on {os.cpu_count()} cores, python {sys.version.split()[0]}, "
          f"screening backend {fast.BACKEND}, high precision {highprec.BACKEND}; "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    figures = {}
    if "screening" in only:
        figures["screening"] = bench_screening(args.repeat)
    if "highprec" in only:
        figures["highprec"] = bench_highprec(args.repeat)
    if "certified" in only:
        figures["certified"] = bench_certified(args.repeat)
    if "cli" in only:
        only_runs = [(b, int(j)) for b, j in (r.split(":") for r in args.cli_runs.split(","))] if args.cli_runs else None
        figures["cli"] = bench_cli(args.skip_standard, args.baseline, only_runs)
    if "suite" in only:
        figures["suite"] = bench_suite(args.baseline, args.suite_files.split(",") if args.suite_files else None,
                                       common=not args.suite_whole_only)
    if "growth" in only:
        figures["growth"] = bench_growth(args.growth_budget)
    if "dask" in only and not args.skip_dask:
        figures["dask"] = bench_dask(args.dask_grid)
    if "rows" in only:
        figures["rows"] = bench_profile_rows()
    if "worstcase" in only:
        from proofcheck.pep.pepit_backend import available

        ok, why = available()
        if ok:
            from worstcase import bench_worstcase, print_table

            figures["worstcase"] = bench_worstcase(min(args.repeat, 3))
            print_table(figures["worstcase"])
        else:
            print(f"\n## worstcase: skipped ({why})")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
