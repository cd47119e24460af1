"""pytest plugin: ``pytest --proofcheck`` runs the claims as test items.

Installed with proofcheck (entry point ``pytest11``: ``proofcheck.pytest_plugin``); without the
installation, load it with ``pytest -p proofcheck.pytest_plugin``. It changes nothing unless
``--proofcheck`` is given. Options::

    --proofcheck                       run claims as tests (one item per claim: proofcheck::CLAIM)
    --proofcheck-claims FILE_OR_MODULE  claims to run (repeatable; default: the built-in ``lemmas``)
    --proofcheck-budget quick|standard|deep   (default quick)
    --proofcheck-seed N                (default 0)
    --proofcheck-mutants               also run every mutant (proofcheck::CLAIM[MUTANT]), expecting FAIL

A claim's verdict maps to the test outcome: PASS passes; FAIL fails with the one-line reproducer
as its message; ERROR fails with the traceback; INCONCLUSIVE is skipped with the reason. The
hypothesis settings profile named after the budget (``quick``, ``standard``, ``deep``) is loaded,
and registered with budget-scaled defaults when the project has not registered it.
"""
from __future__ import annotations

import pytest

from .context import BUDGETS, Budget
from .errors import UsageError
from .model import Verdict
from .registry import BUILTIN, ClaimRef, Registry
from .runner import merge, run_sequential, tasks_for

PROFILE_EXAMPLES = {"quick": 25, "standard": 200, "deep": 2000}


def pytest_addoption(parser) -> None:
    group = parser.getgroup("proofcheck", "proofcheck: run the claims of a paper as tests")
    group.addoption("--proofcheck", action="store_true", default=False, help="run proofcheck claims as test items")
    group.addoption("--proofcheck-claims", action="append", default=[], metavar="FILE_OR_MODULE",
                    help="claim file or module to run (repeatable; default: the built-in lemmas)")
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
                f"claims from {', '.join(config.getoption('proofcheck_claims') or [BUILTIN])}")
    return None


@pytest.hookimpl(tryfirst=True)  # before -k / -m deselection, so that they apply to claim items too
def pytest_collection_modifyitems(session, config, items) -> None:
    if not _enabled(config):
        return
    reg = Registry()
    try:
        for origin in config.getoption("proofcheck_claims") or [BUILTIN]:
            reg.add_origin(origin)
    except UsageError as exc:
        raise pytest.UsageError(f"proofcheck: {exc}") from None
    with_mutants = config.getoption("proofcheck_mutants")
    for cid in reg.ids():
        items.append(ClaimItem.from_parent(session, name=cid, nodeid=f"proofcheck::{cid}", registry=reg,
                                           ref=reg.ref(cid)))
        if with_mutants:
            for name in reg.mutants.get(cid, {}):
                items.append(ClaimItem.from_parent(session, name=f"{cid}[{name}]", nodeid=f"proofcheck::{cid}[{name}]",
                                                   registry=reg, ref=reg.ref(cid, name)))


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
        budget = Budget(self.config.getoption("proofcheck_budget"))
        tasks = tasks_for([ref], claims, self.config.getoption("proofcheck_seed"), budget)
        (result,) = merge([ref], claims, run_sequential(tasks), tasks)
        repro = next((e.reproducer for e in result.evidence if e.verdict is Verdict.FAIL and e.reproducer), None)
        if ref.mutant is not None:  # a false variant: FAIL is the expected outcome
            if result.verdict is not Verdict.FAIL:
                raise ClaimFailed(f"mutant {ref.mutant} of {ref.id} was not detected: {result.verdict}: {result.reason}")
            return
        if result.verdict is Verdict.FAIL:
            raise ClaimFailed(repro or f"{ref.id} FAIL: {result.reason}")
        if result.verdict is Verdict.ERROR:
            tracebacks = "\n".join(e.details.get("traceback", "") for e in result.evidence if e.verdict is Verdict.ERROR)
            raise ClaimFailed(f"{ref.id} ERROR: {result.reason}\n{tracebacks}")
        if result.verdict is Verdict.INCONCLUSIVE:
            pytest.skip(f"INCONCLUSIVE: {result.reason}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"proofcheck::{self.name}"
