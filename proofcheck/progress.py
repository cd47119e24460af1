"""Progress on long runs: a live per-claim display with a running tally, and a summary table.

On a terminal (``stream.isatty()``) :class:`LiveProgress` draws one rich progress row per claim
(checks done, plus the running check's own fraction when it reports one through
``ctx.report``) under a tally row that counts claims (``claims: PASS 3 FAIL 0 ERROR 0 INCONCLUSIVE 1 running 2``),
or checks with ``--tally checks``, never a mix of both.
When output is piped it draws nothing, but still keeps the tally. The hooks are small on purpose,
so that any executor can drive them:

- ``on_done(task, evidence_json)`` after each check (the ``on_done`` callback of the runners);
- ``progress_for(task)`` -> a ``(fraction, message)`` callable for ``run_check(progress=...)``,
  usable when the check runs in this process.

``summary`` renders the end-of-run table (a rich table on a terminal, aligned plain text otherwise): one
verdict line per claim (:func:`proofcheck.explain.explain`), with the reproducer under each non-PASS.
"""
from __future__ import annotations

import sys
import threading
from typing import Callable, Iterable

from .explain import explain
from .model import Decision, Evidence, combine, decide_known_false, expect_outcome

ORDER = ("PASS", "FAIL", "ERROR", "INCONCLUSIVE")
TALLY_UNITS = ("claims", "checks")
_STYLE = {"PASS": "green", "FAIL": "bold red", "ERROR": "bold magenta", "INCONCLUSIVE": "yellow",
          "REFUTED": "bold cyan"}  # a known-false claim refuted as expected: its own colour, never red
UNEXPECTED_STYLE = "bold red"  # a known-false claim not refuted ('PASS (expected REFUTED)'): the run is red


def is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _have_rich() -> bool:
    """rich is an optional dependency (the ``report`` extra): without it, output stays plain."""
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True


def claim_label(ref) -> str:
    """How a claim is named on screen: its id, plus the mutant when one runs."""
    return ref.id + (f" (mutant {ref.mutant})" if getattr(ref, "mutant", None) else "")


class LiveProgress:
    """Per-claim progress and a running tally; silent unless ``enabled`` (default: ``stream`` is a TTY)."""

    def __init__(self, tasks: Iterable, stream=None, enabled: bool | None = None, unit: str = "claims",
                 known_false: dict | None = None) -> None:
        if unit not in TALLY_UNITS:
            raise ValueError(f"the tally counts one of {TALLY_UNITS}, not {unit!r}")
        self.unit = unit  # what the tally row counts: claims (the default), or checks (--tally checks)
        self.known_false = dict(known_false or {})  # ref -> refuted_by, for the claims declared expect="FAIL"
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = is_terminal(self.stream) if enabled is None else enabled
        self._tasks: dict = {}  # ref -> list of tasks, in order
        for task in tasks:
            self._tasks.setdefault(task.ref, []).append(task)
        self._done: dict = {ref: {} for ref in self._tasks}  # ref -> {check: evidence json}
        self.verdicts: dict = {}  # ref -> claim verdict, once all its checks are done
        self._lock = threading.Lock()
        self._live = None
        self._rows: dict = {}
        self._tally_row = None

    # -- the tally -------------------------------------------------------------
    def tally(self) -> dict[str, int]:
        """Verdict counts of the finished claims and the claims still running; with ``unit="checks"``, of the
        finished checks and the checks not yet done. One unit at a time, never a mix."""
        counts = {v: 0 for v in ORDER}
        if self.unit == "checks":
            for done in self._done.values():
                for evidence in done.values():
                    counts[evidence.get("verdict")] = counts.get(evidence.get("verdict"), 0) + 1
            counts["to do"] = self._total_checks() - sum(map(len, self._done.values()))
            return counts
        for verdict in self.verdicts.values():
            counts[verdict] = counts.get(verdict, 0) + 1
        counts["running"] = len(self._tasks) - len(self.verdicts)
        return counts

    def _total_checks(self) -> int:
        return sum(map(len, self._tasks.values()))

    def tally_text(self) -> str:
        """'claims: PASS 3 FAIL 0 ERROR 0 INCONCLUSIVE 1 running 8' (or 'checks: ...')."""
        return f"{self.unit}: " + " ".join(f"{k} {v}" for k, v in self.tally().items())

    def _tally_progress(self) -> tuple[int, int]:
        """(finished, total) in the tally's unit."""
        if self.unit == "checks":
            return sum(map(len, self._done.values())), self._total_checks()
        return len(self.verdicts), len(self._tasks)

    # -- context manager ---------------------------------------------------------
    def __enter__(self) -> "LiveProgress":
        if self.enabled and self._tasks and _have_rich():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
            from rich.table import Column

            console = Console(file=self.stream, force_terminal=True)
            self._live = Progress(TextColumn("{task.description}"), BarColumn(bar_width=12), MofNCompleteColumn(),
                                  TextColumn("{task.fields[status]}",
                                             table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis")),
                                  console=console, expand=True,
                                  redirect_stdout=False, redirect_stderr=False, transient=False)
            self._tally_row = self._live.add_task(f"{'all ' + self.unit:<28.28}", total=self._tally_progress()[1],
                                                  status=self.tally_text())
            for ref, tasks in self._tasks.items():
                self._rows[ref] = self._live.add_task(f"{claim_label(ref):<28.28}", total=len(tasks), status="waiting")
            self._live.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    # -- hooks -----------------------------------------------------------------
    def log(self, line: str) -> None:
        """Print a line above the live display (or plainly when there is none)."""
        if self._live is not None:
            self._live.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=self.stream)

    def on_done(self, task, evidence: dict) -> None:
        """Record a finished check; when its claim is complete, add the claim's verdict to the tally."""
        with self._lock:
            done = self._done.setdefault(task.ref, {})
            done[task.check] = evidence
            tasks = self._tasks.get(task.ref, [])
            status = f"{task.check}: {evidence.get('verdict')}"
            if tasks and len(done) == len(tasks):
                evidence = [Evidence.from_json(done[t.check]) for t in tasks]
                verdict, reason = combine(evidence)
                if task.ref in self.known_false:  # REFUTED (its own colour), or a known-false claim not refuted
                    verdict = decide_known_false(Decision(verdict, reason), evidence, self.known_false[task.ref]).verdict
                self.verdicts[task.ref] = verdict.value
                status = _styled(verdict.value)
            if self._live is not None and task.ref in self._rows:
                self._live.update(self._rows[task.ref], completed=len(done), status=status)
                self._live.update(self._tally_row, completed=self._tally_progress()[0], status=self.tally_text())

    def progress_for(self, task) -> Callable[[float, str], None] | None:
        """A ``(fraction, message)`` callable that moves the claim's row within the running check."""
        if self._live is None:
            return None

        def report(fraction: float, message: str = "") -> None:
            with self._lock:
                if self._live is None or task.ref not in self._rows:
                    return
                base = len(self._done.get(task.ref, {}))
                self._live.update(self._rows[task.ref], completed=base + fraction,
                                  status=f"{task.check}: {message} {100 * fraction:.0f}%")

        return report


def _styled(verdict: str) -> str:
    if verdict.endswith("(expected REFUTED)"):  # model.verdict_label of a known-false claim not refuted
        return f"[{UNEXPECTED_STYLE}]{verdict}[/]"
    return f"[{_STYLE.get(verdict, 'white')}]{verdict}[/]"


def _claim_json(r) -> dict:
    return r if isinstance(r, dict) else r.to_json()


def seconds_text(claim: dict) -> str:
    """A claim's time in this run, in seconds (cached checks count their lookup only: see :func:`cached_text`)."""
    return f"{float(claim.get('seconds') or 0):.2f}"


def cached_text(claim: dict) -> str:
    """'3 of 9 checks, computed in 5.00 s': the checks of a claim served from the result cache and the time they took
    when they were computed; '' when none was."""
    evidence = claim.get("evidence") or []
    cached = [e for e in evidence if e.get("cached")]
    if not cached:
        return ""
    original = sum(float(e.get("original_seconds") or 0) for e in cached)
    return f"{len(cached)} of {len(evidence)} check{'s' if len(evidence) != 1 else ''}, computed in {original:.2f} s"


def summary_rows(claim_results, report: dict | None = None) -> list[tuple[str, str, str, str, str]]:
    """(verdict, claim, seconds, cached, why) per claim result; ``why`` is the verdict line's sentence."""
    rows = []
    for r in claim_results:
        claim = _claim_json(r)
        line = explain(claim, report)
        rows.append((line.verdict, line.name, seconds_text(claim), cached_text(claim), line.sentence))
    return rows


def cache_line(claim_results) -> str:
    """'from the result cache: 12 of 59 checks (they took 40.10 s when computed)', or '' when none came from it."""
    evidence = [e for r in claim_results for e in (_claim_json(r).get("evidence") or [])]
    cached = [e for e in evidence if e.get("cached")]
    if not cached:
        return ""
    original = sum(float(e.get("original_seconds") or 0) for e in cached)
    return f"from the result cache: {len(cached)} of {len(evidence)} checks (they took {original:.2f} s when computed)"


def tally_line(claim_results, report: dict | None = None) -> str:
    counts = {v: 0 for v in ORDER}
    for r in claim_results:
        verdict = _claim_json(r)["verdict"]
        counts[verdict] = counts.get(verdict, 0) + 1
    n = len(claim_results)
    report = report or {}
    where = f" ({report['budget']} budget, seed {report.get('seed')})" if report.get("budget") else ""
    # Known-false claims: REFUTED counted apart (only when there are some), and those not refuted named as red.
    if not counts.get("REFUTED"):
        counts.pop("REFUTED", None)
    unexpected = sum(expect_outcome(_claim_json(r)) == "unexpected" for r in claim_results)
    red = f"; {unexpected} known-false claim{'s' if unexpected != 1 else ''} NOT refuted" if unexpected else ""
    return (f"summary: {n} claim{'s' if n != 1 else ''}: " + ", ".join(f"{k} {v}" for v, k in counts.items()) + red
            + where)


def warning_lines(claims: list[dict]) -> list[str]:
    """One line per warning a check left for the author (``details["warnings"]``: a derivation step that proves
    nothing as written, with the line where it was written), e.g. ``warning: f1/derivation: step 'x' (f.py:12) not
    counted: both sides identical as written: proves nothing``."""
    lines = []
    for claim in claims:
        for e in claim.get("evidence") or []:
            for w in (e.get("details") or {}).get("warnings") or []:
                where = f" ({w['source']})" if w.get("source") else ""
                lines.append(f"warning: {claim['id']}/{e['check']}: step '{w.get('step', '')}'{where} "
                             f"{w.get('warning', '')}")
    return lines


def summary(claim_results, out, rich: bool | None = None, report: dict | None = None,
            only: tuple[str, ...] | None = None) -> None:
    """The end-of-run table: per claim its verdict line, each non-PASS's reproducer under it, the tally last.

    ``report`` (the report dict) names the budget and seed; ``only`` (e.g. ``("FAIL", "ERROR")`` for
    ``--quiet``) keeps just those verdicts and drops the table decorations.
    """
    claims = [_claim_json(r) for r in claim_results]
    shown = [c for c in claims if only is None or c["verdict"] in only or expect_outcome(c) == "unexpected"]
    if only is not None:
        for claim in shown:
            line = explain(claim, report)
            print(line.text, file=out)
            if line.reproducer:
                print(f"  reproduce: {line.reproducer}", file=out)
        return
    use_rich = (is_terminal(out) if rich is None else rich) and _have_rich()
    rows = summary_rows(shown, report)
    if use_rich:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="proofcheck summary", show_lines=False)
        with_cache = any(row[3] for row in rows)
        for col in ("verdict", "claim", "seconds") + (("cached",) if with_cache else ()) + ("why",):
            table.add_column(col, justify="right" if col == "seconds" else "left", overflow="fold")
        for verdict, name, seconds, cached, why in rows:
            table.add_row(_styled(verdict), name, seconds, *((cached or "—",) if with_cache else ()), why)
        console = Console(file=out, force_terminal=True)
        console.print(table)
        for claim in shown:
            line = explain(claim, report)
            if line.reproducer:
                console.print(f"reproduce {claim['id']}: {line.reproducer}", markup=False, highlight=False,
                              soft_wrap=True)
        for line in warning_lines(shown):
            console.print(line, markup=False, highlight=False, soft_wrap=True)
        if cache_line(shown):
            console.print(cache_line(shown), markup=False, highlight=False)
        console.print(tally_line(shown, report), markup=False, highlight=False)
        return
    for claim, (verdict, name, _, _, why) in zip(shown, rows):
        print(f"{verdict:12s} {name:36s} {why}", file=out)
        repro = explain(claim, report).reproducer
        if repro:
            print(f"{'':12s}   reproduce: {repro}", file=out)
    for line in warning_lines(shown):
        print(line, file=out)
    if cache_line(shown):
        print(cache_line(shown), file=out)
    print(tally_line(shown, report), file=out)
