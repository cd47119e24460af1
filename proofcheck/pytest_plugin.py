"""pytest plugin: ``pytest --proofcheck`` runs the claims as test items.

Installed with proofcheck (entry point ``pytest11``: ``proofcheck.pytest_plugin``); without the
installation, load it with ``pytest -p proofcheck.pytest_plugin``. It changes nothing unless
``--proofcheck`` is given. Options::

    --proofcheck                       run claims as tests (one item per claim: <claim module>::CLAIM)
    --proofcheck-claims FILE_OR_MODULE  claims to run (repeatable; default: every registered catalogue)
    --proofcheck-budget quick|standard|deep   (default quick)
    --proofcheck-seed N                (default 0)
    --proofcheck-mutants               also run every mutant (proofcheck::CLAIM[MUTANT]), expecting FAIL

Claims are collected the normal way (one ``ClaimModule`` collector per module that defines claims,
one ``ClaimItem`` per claim), so ``--co``, ``-k``, ``-m proofcheck``, ``--lf`` and ``-x`` work, and an
outcome is located at the claim's own module and line. A claim's verdict maps to the test outcome:
PASS passes; FAIL fails with the verdict line (:func:`proofcheck.explain.explain`: the deciding check's
sentence and the budget) and the reproducer; ERROR fails with the verdict line and the traceback;
INCONCLUSIVE is skipped with the verdict line. The
hypothesis settings profile named after the budget (``quick``, ``standard``, ``deep``) is loaded,
and registered with budget-scaled defaults when the project has not registered it.
"""
from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

from .context import BUDGETS, Budget
from .errors import UsageError
from .model import Verdict
from .explain import explain
from .registry import NOT_REFUTED, ClaimRef, Registry, catalogues, load_origin, mutant_expectation
from .runner import merge, tasks_for

PROFILE_EXAMPLES = {"quick": 25, "standard": 200, "deep": 2000}


def pytest_addoption(parser) -> None:
    group = parser.getgroup("proofcheck", "proofcheck: run the claims of a paper as tests")
    group.addoption("--proofcheck", action="store_true", default=False, help="run proofcheck claims as test items")
    group.addoption("--proofcheck-claims", action="append", default=[], metavar="FILE_OR_MODULE",
                    help="claim file or module to run (repeatable; default: every registered catalogue)")
    group.addoption("--proofcheck-budget", default="quick", choices=BUDGETS,
                    help="proofcheck budget, also the hypothesis profile (default quick)")
    group.addoption("--proofcheck-seed", type=int, default=0, help="proofcheck run seed (default 0)")
    group.addoption("--proofcheck-mutants", action="store_true", default=False,
                    help="also run every claim's mutants, which must FAIL")


def _enabled(config) -> bool:
    return bool(config.getoption("proofcheck", default=False))


def load_hypothesis_profile(budget: str) -> str:
    """Load the hypothesis profile named after ``budget``, registering a default one if needed."""
    from hypothesis import HealthCheck, settings
    from hypothesis.errors import InvalidArgument

    try:
        settings.get_profile(budget)
    except InvalidArgument:
        settings.register_profile(budget, max_examples=PROFILE_EXAMPLES[budget], deadline=None,
                                  derandomize=budget == "quick", suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(budget)
    return budget


def pytest_configure(config) -> None:
    if not _enabled(config):
        return
    config.addinivalue_line("markers", "proofcheck: a proofcheck claim run as a test item")
    if config.getoption("proofcheck_seed") < 0:
        raise pytest.UsageError(f"--proofcheck-seed must be a non-negative integer, got {config.getoption('proofcheck_seed')}")


def pytest_sessionstart(session) -> None:
    # After every conftest has been imported (they may register or load profiles of their own).
    if _enabled(session.config):
        load_hypothesis_profile(session.config.getoption("proofcheck_budget"))


def pytest_report_header(config):
    if _enabled(config):
        return (f"proofcheck: budget {config.getoption('proofcheck_budget')}, seed {config.getoption('proofcheck_seed')}, "
                f"claims from {', '.join(config.getoption('proofcheck_claims') or catalogues())}")
    return None


def _claim_modules(config) -> dict[Path, tuple[list[str], Registry]]:
    """{module file: (claim ids defined there, registry)} for every claim origin, in catalogue order
    (loaded once per session)."""
    cached = getattr(config, "_proofcheck_modules", None)
    if cached is not None:
        return cached
    reg = Registry()
    try:
        for origin in config.getoption("proofcheck_claims") or catalogues():
            reg.add_origin(origin)
    except UsageError as exc:
        raise pytest.UsageError(f"proofcheck: {exc}") from None
    by_file: dict[Path, tuple[list[str], Registry]] = {}
    for cid in reg.ids():
        by_file.setdefault(_defining_file(reg, cid), ([], reg))[0].append(cid)
    config._proofcheck_modules = by_file
    return by_file


def _defining_file(reg: Registry, cid: str) -> Path:
    """The file of the module that defines claim ``cid`` (where its failures are reported)."""
    origin = reg.origins[cid]
    if origin.endswith(".py") or "/" in origin:
        return Path(origin).resolve()
    for module in load_origin(origin):
        if any(c.id == cid for c in getattr(module, "CLAIMS", None) or [getattr(module, "CLAIM", None)] if c):
            return Path(inspect.getfile(module)).resolve()
    return Path(inspect.getfile(importlib.import_module(origin))).resolve()


def _collection_roots(config) -> list[Path]:
    """The paths pytest walks in this session (its arguments, or testpaths / the current directory)."""
    base = Path(config.invocation_params.dir)
    return [(base / arg.split("::")[0]).resolve() for arg in config.args]


def _walked(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def pytest_collect_file(file_path, parent):
    """A claim module met by pytest's own walk (or named on the command line, also as ``FILE::CLAIM``)."""
    if not _enabled(parent.config):
        return None
    found = _claim_modules(parent.config).get(Path(file_path).resolve())
    if found is None:
        return None
    ids, reg = found
    return ClaimModule.from_parent(parent, path=Path(file_path), claim_ids=ids, registry=reg)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    """Claim modules outside the paths pytest walks (the built-in catalogue, a user file elsewhere) are
    added to the session's collection, so that every claim is collected the normal way: ``--co`` lists
    them, ``-k``/``-m``/``--lf``/``-x`` apply, and reports name their module. Given explicit paths
    (``pytest --proofcheck path/to/claims.py::claim-id``), pytest collects only what they name."""
    report = yield
    config = collector.config
    if isinstance(collector, pytest.Session) and _enabled(config) and report.passed \
            and config.args_source != pytest.Config.ArgsSource.ARGS:
        roots = _collection_roots(config)
        for path, (ids, reg) in _claim_modules(config).items():
            if not _walked(path, roots):
                report.result.append(ClaimModule.from_parent(collector, path=path, claim_ids=ids, registry=reg))
    return report


class ClaimModule(pytest.File):
    """The claims (and, with --proofcheck-mutants, the mutants) defined in one module."""

    def __init__(self, *, claim_ids: list[str], registry: Registry, **kw) -> None:
        super().__init__(**kw)
        self.claim_ids, self.registry = claim_ids, registry

    def collect(self):
        from .naming import labels

        with_mutants = self.config.getoption("proofcheck_mutants")
        tags = {cid: label for label, cid in labels(self.registry).items()}
        for cid in self.claim_ids:
            item = ClaimItem.from_parent(self, name=cid, registry=self.registry, ref=self.registry.ref(cid))
            if cid in tags:
                item.extra_keyword_matches.add(tags[cid])  # -k T5 selects adam-general
            yield item
            if with_mutants:
                for name in self.registry.mutants.get(cid, {}):
                    yield ClaimItem.from_parent(self, name=f"{cid}[{name}]", registry=self.registry,
                                                ref=self.registry.ref(cid, name))


class ClaimFailed(Exception):
    """A claim (or an undetected mutant) that makes its test fail; the message is shown as is."""


class ClaimItem(pytest.Item):
    """One claim (or one mutant) of the registry, run with the session's budget and seed."""

    def __init__(self, *, registry: Registry, ref: ClaimRef, **kw) -> None:
        super().__init__(**kw)
        self.registry, self.ref = registry, ref
        self.add_marker("proofcheck")

    def runtest(self) -> None:
        reg, ref = self.registry, self.ref
        key = ref.id if ref.mutant is None else f"{ref.id}::{ref.mutant}"
        claims = {key: reg.claims[ref.id] if ref.mutant is None else reg.mutant(ref.id, ref.mutant)}
        budget_name = self.config.getoption("proofcheck_budget")
        seed = self.config.getoption("proofcheck_seed")
        tasks = tasks_for([ref], claims, seed, Budget(budget_name), plots=False)  # no report shows figures
        from .execution import run_tasks

        (result,) = merge([ref], claims, run_tasks(tasks, jobs=1, isolate=False), tasks)  # the local executor
        report = {"budget": budget_name, "seed": seed,
                  "command": ["proofcheck", "run", *(["--claims", ref.origin] if ref.origin not in catalogues() else [])]}
        line = explain(result.to_json(), report)
        if ref.mutant is not None:  # a false variant: FAIL is the expected outcome
            expect = mutant_expectation(reg.mutants[ref.id][ref.mutant], reg.claims[ref.id])
            if expect == NOT_REFUTED:  # a mutant of a known-false claim (its witness broken): must not be REFUTED
                if result.verdict not in (Verdict.PASS, Verdict.INCONCLUSIVE):
                    raise ClaimFailed(f"mutant {ref.mutant} of {ref.id} was still refuted: {line.text}")
                return
            if result.verdict is not Verdict.FAIL:
                raise ClaimFailed(f"mutant {ref.mutant} of {ref.id} was not detected: {line.text}")
            return
        if result.claim.expect == "FAIL":  # a known-false claim: REFUTED passes; anything else fails (xfail strict)
            if result.verdict is Verdict.REFUTED:
                self.user_properties.append(("refuted_by", result.claim.refuted_by))
                return
            raise ClaimFailed(line.message)
        if result.verdict is Verdict.FAIL:
            raise ClaimFailed(line.message)
        if result.verdict is Verdict.ERROR:
            tracebacks = "\n".join(e.details.get("traceback", "") for e in result.evidence if e.verdict is Verdict.ERROR)
            raise ClaimFailed(f"{line.text}\n{tracebacks}")
        if result.verdict is Verdict.INCONCLUSIVE:
            # located at the claim (reportinfo), not at this file
            raise pytest.skip.Exception(line.text, _use_item_location=True)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def _location(self) -> tuple[Path, int]:
        """The claim's file and 0-based line: its ``id="..."``, else the ``CLAIMS``/``CLAIM`` assignment."""
        path = Path(self.path)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return path, 0
        needle = f'"{self.ref.id}"'
        for number, text in enumerate(lines):
            if "id=" in text and needle in text.replace("'", '"'):
                return path, number
        for number, text in enumerate(lines):
            if text.startswith(("CLAIMS =", "CLAIM =", "CLAIMS:", "CLAIM:")):
                return path, number
        return path, 0

    def reportinfo(self):
        path, line = self._location()
        return path, line, f"proofcheck claim {self.name}"
