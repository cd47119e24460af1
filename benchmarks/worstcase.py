"""Benchmark of the worstcase check kind: time spent solving (PEPit + Clarabel), rationalizing (turning the solver's
multipliers and worst case into exact certificates) and verifying (exact LDL^T and exact replay), per cell; and the
classics catalogue (lemmas/classics) against this paper's catalogue in one run.

    python benchmarks/worstcase.py              # both tables
    python benchmarks/worstcase.py --cells      # the per-cell table only (seconds)
    python benchmarks/run_all.py --only worstcase

The catalogue table runs ``python -m proofcheck run <labels> --budget standard --jobs 2 --no-cache`` for the
paper's claims (F, T, N, S labels: the baseline) and for the classics (C labels), one after the other in the same
session: wall and CPU seconds (the run and its workers), and the classics' solve/rationalize/verify/family seconds
summed over their cells (from stored certificates nothing is solved: the figures say what a run without the pep
extra pays).

The baseline is the SDP solve of the same cell in the same run: ``rationalize/solve`` and ``verify/solve`` say
what exactness costs on top of PEPit, and ``stored`` is the whole decision of the cell from its stored certificate
(no solver: what a run without the pep extra pays). Each figure is the best of ``repeat`` runs.
"""
from __future__ import annotations

import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from proofcheck import WorstCase  # noqa: E402
from proofcheck.pep import Quantity, SmoothStronglyConvex, distance, function_gap, gradient_descent  # noqa: E402
from proofcheck.pep.certificates import CertificateStore  # noqa: E402


def gd_check(directory: Path) -> WorstCase:
    """Drori-Teboulle: GD with h = 1 on convex L-smooth functions, f(x_N) - f* <= L R^2 / (4N + 2)."""
    return WorstCase("gd", function_class=SmoothStronglyConvex(mu=0, L="L"),
                     method=lambda s, c: gradient_descent(s, s.start(), c["N"], c["h"] / c["L"]),
                     initial=distance(0), measure=function_gap(-1),
                     tau=lambda c: c["L"] / (4 * c["N"] * c["h"] + 2), cells=[], eta=Fraction(1, 10**8),
                     certificates=directory)


def contraction_check(directory: Path) -> WorstCase:
    """GD contraction on F_{mu,L}: max{(1 - gamma L)^2, (1 - gamma mu)^2}^n."""
    def runs(s, c):
        return (gradient_descent(s, s.start(), c["n"], c["gamma"]), gradient_descent(s, s.start(), c["n"], c["gamma"]))

    return WorstCase("contraction", function_class=SmoothStronglyConvex(mu="mu", L="L"), method=runs,
                     initial=Quantity("||x0 - y0||^2", lambda s, r: s.sq(r[0][0] - r[1][0])),
                     measure=Quantity("||xn - yn||^2", lambda s, r: s.sq(r[0][-1] - r[1][-1])),
                     tau=lambda c: max((1 - c["gamma"] * c["L"]) ** 2, (1 - c["gamma"] * c["mu"]) ** 2) ** c["n"],
                     cells=[], eta=Fraction(1, 10**8), certificates=directory, optimum=False)


def classics_cases() -> list:
    """(label, factory, cell) for one cell of each classic worst-case claim (the largest of its grid)."""
    import importlib

    cases = []
    for name in ("gd_contraction", "gd_convex", "gd_all_steps", "polyak_steps", "exact_line_search", "inexact_gd",
                 "nesterov_strongly_convex", "heavy_ball_ghadimi", "fgm_simplified", "ogm", "ogm_g", "fgm_lambda"):
        module = importlib.import_module(f"lemmas.classics.{name}")
        check = module.CLAIM.checks[0]
        cell = check.cells_for(None)[-1] if not callable(check.cells) else None

        def make(directory, module=module):
            c = module.build().checks[0]
            c.certificates = Path(directory)
            return c

        cases.append((name, make, cell))
    return cases


CASES = [("gd", gd_check, {"N": n, "L": 1, "h": 1}) for n in (1, 2, 5, 10)] + \
        [("contraction", contraction_check, {"n": n, "L": 1, "mu": "1/10", "gamma": 1}) for n in (1, 2, 3)]


def bench_worstcase(repeat: int = 3) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, make, cell in CASES + classics_cases():
            check = make(Path(tmp))
            best = None
            for _ in range(repeat):
                store = CertificateStore(check.store_path)
                entry = check.decide_cell(cell, store, refresh=True)
                if best is None or sum(entry["seconds"].values()) < sum(best["seconds"].values()):
                    best = entry
                store.save({"check": check.name})
            stored = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                again = check.decide_cell(cell, CertificateStore(check.store_path), refresh=False)
                stored = min(stored, time.perf_counter() - start)
            assert again["status"] == best["status"] == "PASS", (label, cell, again["reason"])
            t = best["seconds"]
            rows.append({"check": label, "cell": ", ".join(f"{k}={v}" for k, v in cell.items()),
                         "matrix": best["size"], "conditions": best["conditions"], "solve_s": t["solve"],
                         "rationalize_s": t["rationalize"], "verify_s": t["verify"], "stored_s": stored,
                         "rationalize/solve": t["rationalize"] / t["solve"], "verify/solve": t["verify"] / t["solve"],
                         "B/tau-1": best["certified_bound_float"] / best["claimed_tau_float"] - 1,
                         "W/tau-1": (best["witness_ratio_float"] / best["claimed_tau_float"] - 1
                                     if best.get("witness_ratio_float") is not None else float("nan"))})
    return rows


def bench_catalogues(jobs: int = 2) -> list[dict]:
    """The paper's catalogue and the classics, each by ``proofcheck run`` at the standard budget (no cache)."""
    import json
    import os
    import resource
    import subprocess

    from lemmas import adam, classics

    groups = [("paper (F, T, N, S)", sorted(adam.LABELS)), ("classics (C)", sorted(classics.LABELS))]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PYTHONPATH=str(ROOT), PROOFCHECK_CACHE_DIR=f"{tmp}/cache")
        for name, labels in groups:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            out = f"{tmp}/{len(rows)}"
            done = subprocess.run([sys.executable, "-m", "proofcheck", "run", *labels, "--budget", "standard", "--jobs",
                                   str(jobs), "--no-cache", "--out", out, "--format", "json", "--quiet"], env=env,
                                  cwd=ROOT, capture_output=True, text=True)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            report = json.loads(Path(out, "report.json").read_text()) if Path(out, "report.json").exists() else {}
            verdicts, phases = {}, {"solve": 0.0, "rationalize": 0.0, "verify": 0.0, "families": 0.0}
            for claim in report.get("claims", []):
                verdicts[claim["verdict"]] = verdicts.get(claim["verdict"], 0) + 1
                for e in claim.get("evidence", []):
                    for cell in (e.get("details") or {}).get("cells", []) if e.get("kind") == "worstcase" else []:
                        for k, v in (cell.get("seconds") or {}).items():
                            phases[k] = phases.get(k, 0.0) + v
            rows.append({"catalogue": name, "claims": len(report.get("claims", [])), "exit": done.returncode,
                         "wall_s": wall, "cpu_s": cpu, "load": os.getloadavg()[0],
                         "verdicts": ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())),
                         **{f"{k}_s": v for k, v in phases.items()}})
    for row in rows:
        row["wall/paper"] = row["wall_s"] / rows[0]["wall_s"]
    return rows


def print_table(rows: list[dict], title: str = "") -> None:
    header = list(rows[0])
    fmt = [[f"{v:.3g}" if isinstance(v, float) else str(v) for v in r.values()] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in fmt)) for i, h in enumerate(header)]
    print("\n## " + (title or "worstcase: solve (PEPit + Clarabel) vs exact rationalization and verification, per "
                         "cell") + "\n")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for r in fmt:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    print_table(bench_worstcase())
    if "--cells" not in sys.argv:
        print_table(bench_catalogues(), "the classics against the paper's catalogue: `proofcheck run <labels> --budget "
                                        "standard --jobs 2 --no-cache`, one after the other")
