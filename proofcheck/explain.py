"""The verdict line: why a claim got its verdict, in one sentence, with the command that replays it.

Every output (the terminal summary, report.md, report.html, the JUnit message, the pytest failure)
explains a verdict through :func:`explain`, so they all say the same thing:

    FAIL adam-general at the standard budget (seed 0): scaling-sweep: T/bound grows 3.01x ...
    reproduce: python -m proofcheck run adam-general --budget standard --seed 0

It works on the JSON form of a claim result (``report.json``'s ``claims[i]``), so a saved report can be
re-rendered without running anything. The sentences themselves come from the check kinds (each kind's
``reason`` is one human sentence with the deciding numbers, the claimed limit and the place); this module
chooses which sentence decides, names the budget it was reached at (and, for a PASS, its scope), and
makes sure no raw Python dict reaches the reader: a cell ``{'d': 64, '_qseed': 7}`` reads ``d = 64``
(keys starting with ``_`` are internal and dropped).
"""
from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass

NON_PASS_ORDER = ("FAIL", "ERROR", "INCONCLUSIVE")  # which evidence decides a claim, first match wins


def format_value(value, digits: int = 6, max_items: int | None = None) -> str:
    """A number as a reader writes it: ``digits`` significant digits, ``100`` rather than ``100.0``; lists shortened
    to ``max_items`` entries when given (long witnesses inside a sentence)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    if isinstance(value, (list, tuple)):
        items = list(value) if max_items is None else list(value)[:max_items]
        more = ", ..." if max_items is not None and len(value) > max_items else ""
        return "[" + ", ".join(format_value(v, digits, max_items) for v in items) + more + "]"
    if isinstance(value, dict):
        return "{" + format_cell(value, digits=digits, max_items=max_items) + "}" if max_items else format_cell(value)
    if type(value).__name__ == "mpf":  # an mpmath number (not imported here: reports do not need mpmath)
        import mpmath

        return mpmath.nstr(value, digits)
    return str(value)


def format_cell(cell: dict, limit: int | None = None, digits: int = 6, max_items: int | None = None) -> str:
    """``{'d': 64, 'kappa_bar': 100.0, '_qseed': 7}`` -> ``'d = 64, kappa_bar = 100'`` (internal keys dropped);
    a cell already formatted as text is returned as it is; ``limit`` cuts long text."""
    if isinstance(cell, str):
        text = cell
    elif not isinstance(cell, dict):
        text = format_value(cell, digits, max_items)
    else:
        text = ", ".join(f"{key} = {format_value(value, digits, max_items)}" for key, value in cell.items()
                         if not str(key).startswith("_"))
    return text if limit is None or len(text) <= limit else text[: limit - 3] + "..."


# A Python dict repr as older check reasons embed them: "{'d': 64, ...}" (no nested braces).
_DICT_REPR = re.compile(r"\{'[^{}]*\}")


def clean_text(text) -> str:
    """``text`` with every embedded Python dict repr replaced by its :func:`format_cell` form."""
    if text is None:
        return ""
    text = str(text)

    def readable(match: re.Match) -> str:
        try:
            value = ast.literal_eval(match.group(0))
        except (ValueError, SyntaxError):
            return match.group(0)
        return format_cell(value) if isinstance(value, dict) else match.group(0)

    return _DICT_REPR.sub(readable, text)


def claim_name(claim: dict) -> str:
    """A claim's display name: its id, plus the mutant when a false variant ran."""
    return claim["id"] + (f" (mutant {claim['mutant']})" if claim.get("mutant") else "")


def deciding_evidence(claim: dict) -> list[dict]:
    """The checks that decided a non-PASS verdict (the FAILs of a FAIL, and so on); [] for a PASS."""
    evidence = claim.get("evidence") or []
    verdict = claim.get("verdict")
    if verdict == "PASS":
        return []
    same = [e for e in evidence if e.get("verdict") == verdict]
    if same:
        return same
    return [e for e in evidence if e.get("verdict") != "PASS"]


_VALUED = {"--out", "--format", "--budget", "--seed", "--jobs", "--scheduler", "--instance", "--check", "--mutant"}


def _claims_options(report: dict | None) -> list[str]:
    """``--claims ORIGIN`` for every claim file or module of the recorded command (``--claims X``, or a
    ``run`` target that is a file), so that a user claim replays with its file."""
    command = list((report or {}).get("command") or [])
    options, skip = [], False
    for i, word in enumerate(command[1:], start=1):
        if skip:
            skip = False
        elif word == "--claims" and i + 1 < len(command):
            options += ["--claims", command[i + 1]]
            skip = True
        elif word.startswith("--claims="):
            options += ["--claims", word.split("=", 1)[1]]
        elif word in _VALUED:
            skip = True
        elif not word.startswith("-") and (word.endswith(".py") or "/" in word):
            options += ["--claims", word]
    return options


def _recorded(report: dict | None, option: str) -> str | None:
    """The value the recorded command gave ``option`` (``--check X`` or ``--check=X``), if any."""
    command = list((report or {}).get("command") or [])
    for i, word in enumerate(command):
        if word == option and i + 1 < len(command):
            return command[i + 1]
        if word.startswith(option + "="):
            return word.split("=", 1)[1]
    return None


def _target(claim: dict) -> str:
    selection = claim.get("selection") or {}
    if not selection:
        return claim["id"]
    body = ",".join(f"{k}={v[0] if len(v) == 1 else '[' + ','.join(map(str, v)) + ']'}"
                    for k, v in ((k, [format_value(x) for x in vs]) for k, vs in selection.items()))
    return f"{claim['id']}[{body}]"


def reproducer(claim: dict, report: dict | None = None) -> str | None:
    """The command that replays a non-PASS verdict.

    A check that found a witness gives its own one-line reproducer (``--instance``); otherwise the
    claim is re-run as it ran: same target, mutant, check (``--check``), budget and seed (the run is
    deterministic).
    """
    if claim.get("verdict") == "PASS":
        return None
    for e in deciding_evidence(claim):
        if e.get("reproducer"):
            return e["reproducer"]
    report = report or {}
    words = ["python", "-m", "proofcheck", "run", *_claims_options(report), _target(claim)]
    if claim.get("mutant"):
        words += ["--mutant", claim["mutant"]]
    check = _recorded(report, "--check")
    if check is not None and all(e.get("check") == check for e in claim.get("evidence") or []):
        words += ["--check", check]  # the run was of this check alone: its verdict is that check's
    if report.get("budget"):
        words += ["--budget", str(report["budget"])]
    if report.get("seed") is not None:
        words += ["--seed", str(report["seed"])]
    return " ".join(shlex.quote(w) for w in words)


def _scope(claim: dict) -> str:
    """What a PASS covers: the checks, their bases and the instances they tried."""
    everything = claim.get("evidence") or []
    evidence = [e for e in everything if e.get("role", "decides") != "supports"]
    symbolic = sum("symbolic" in str(e.get("basis")) for e in evidence)
    numeric = sum("numeric" in str(e.get("basis")) for e in evidence)
    instances = sum(int(e.get("instances") or 0) for e in evidence)
    checks = f"{len(evidence)} {'deciding ' if len(evidence) < len(everything) else ''}check{'s' if len(evidence) != 1 else ''}"
    where = ""
    if claim.get("selection"):
        where = f", narrowed to {format_cell({k: v[0] if len(v) == 1 else v for k, v in claim['selection'].items()})}"
    unsettled = [e for e in everything if e.get("role") == "supports" and e.get("verdict") != "PASS"]
    support = ""
    if unsettled:
        support = ("; supporting evidence not settled at this budget: "
                   + "; ".join(f"{e['check']}: {clean_text(e.get('reason'))}" for e in unsettled))
    return (f"{checks} passed ({symbolic} symbolic, {numeric} numeric; {instances} instance"
            f"{'s' if instances != 1 else ''} tried{where}){support}")


def sentence(claim: dict) -> str:
    """The human sentence behind the verdict (without the budget): '<check>: <check reason>' for a non-PASS."""
    if claim.get("verdict") == "PASS":
        return _scope(claim)  # the engine's PASS reason only restates that every check passed
    reason = clean_text(claim.get("reason"))
    deciding = deciding_evidence(claim)
    if not deciding:
        return reason
    first = deciding[0]
    if reason.startswith(f"{first['check']}: ") and len(deciding) == 1:
        return reason  # already the deciding check's sentence (the engine's own format)
    parts = [f"{e['check']}: {clean_text(e.get('reason'))}" for e in deciding]
    return "; ".join(parts)


def budget_phrase(report: dict | None) -> str:
    """'at the standard budget (seed 0)', or '' when the report does not say."""
    report = report or {}
    if not report.get("budget"):
        return ""
    seed = f" (seed {report['seed']})" if report.get("seed") is not None else ""
    return f"at the {report['budget']} budget{seed}"


@dataclass(frozen=True)
class VerdictLine:
    """A claim's verdict explained: ``text`` is the one line; ``reproducer`` replays a non-PASS."""

    name: str
    verdict: str
    budget: str  # "at the standard budget (seed 0)" or ""
    sentence: str
    reproducer: str | None

    @property
    def text(self) -> str:
        """'FAIL adam-general at the standard budget (seed 0): <sentence>'."""
        where = f" {self.budget}" if self.budget else ""
        return f"{self.verdict} {self.name}{where}: {self.sentence}"

    @property
    def message(self) -> str:
        """The verdict line and, on its own line, the reproducer (the JUnit and pytest message)."""
        return self.text + (f"\nreproduce: {self.reproducer}" if self.reproducer else "")


def explain(claim: dict, report: dict | None = None) -> VerdictLine:
    """The verdict line of ``claim`` (a claim of report.json); ``report`` supplies budget, seed and command."""
    return VerdictLine(name=claim_name(claim), verdict=claim.get("verdict", "?"), budget=budget_phrase(report),
                       sentence=sentence(claim), reproducer=reproducer(claim, report))


def cached_phrase(evidence: dict) -> str:
    """'cached (originally 12.3 s)' for evidence served from the result cache, else ''."""
    if not evidence.get("cached"):
        return ""
    original = evidence.get("original_seconds")
    return "cached" + (f" (originally {format_value(float(original))} s)" if original is not None else "")


def precision_text(evidence: dict) -> str:
    """'50 digits', or 'exact (symbolic)' for evidence without a working precision."""
    dps = evidence.get("dps")
    return "exact (symbolic)" if dps is None else f"{format_value(dps)} digits"


def inputs_text(evidence: dict) -> str | None:
    """The data files a check read (``Evidence.inputs``), each with the start of its SHA-256; None when none."""
    files = evidence.get("inputs") or {}
    if not files:
        return None
    return "data files read: " + ", ".join(f"{path} (sha256 {str(digest)[:12]})" for path, digest in files.items())


def witness_text(witness, limit: int = 600) -> str:
    """A witness as a reader reads it: cells and scalars as ``key = value``; long matrices abbreviated."""
    if witness is None:
        return ""
    if isinstance(witness, dict):
        parts = []
        for key, value in witness.items():
            if str(key).startswith("_") or key == "what":
                continue
            if isinstance(value, dict):
                parts.append(f"{key}: {format_cell(value)}")
            else:
                parts.append(f"{key} = {_short(value)}")
        text = "; ".join(parts)
    else:
        text = _short(witness)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short(value) -> str:
    text = format_value(value)
    return text if len(text) <= 200 else text[:199] + "…"
