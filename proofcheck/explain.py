"""The verdict line: why a claim got its verdict, in one sentence, with the command that replays it.

Every output (the terminal summary, report.md, report.html, the JUnit message, the pytest failure)
explains a verdict through :func:`explain`, so they all say the same thing:

    FAIL adam-general at the standard budget (seed 0): scaling-sweep: T/bound grows 3.01x ...
    reproduce: python -m proofcheck run adam-general --budget standard --seed 0

It works on the JSON form of a claim result (``report.json``'s ``claims[i]``), so a saved report can be
re-rendered without running anything. The sentences themselves come from the check kinds (each kind's
``reason`` is one human sentence with the deciding numbers, the claimed limit and the place); this module
chooses which sentence decides, names the budget it was reached at (and, for a PASS, its scope), keeps the
verdict line to one line (:func:`short`: the deciding check, its deciding number and limit, the scope; the full
sentence is :attr:`VerdictLine.detail`, one click or ``explain`` away), and
makes sure no raw Python dict reaches the reader: a cell ``{'d': 64, '_qseed': 7}`` reads ``d = 64``
(keys starting with ``_`` are internal and dropped).
"""
from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass

from .model import expect_outcome, verdict_label

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
            f"{'s' if instances != 1 else ''}{where}){support}")


def _known_false_prefix(claim: dict, brief: bool = False) -> str:
    """'refuted as expected (SOURCE): ' for a REFUTED claim, 'not refuted (known false: SOURCE): ' for a known-false
    claim with any other verdict (model.expect_outcome), '' for every other claim; ``brief``: without the source (the
    one-line form; the source is in the full sentence and the claim's record)."""
    if claim.get("expect") != "FAIL":
        return ""
    source = "" if brief else f" ({clean_text(claim.get('refuted_by'))})"
    if expect_outcome(claim) == "as expected":
        return f"refuted as expected{source}: "
    return f"not refuted (known false{source.replace(' (', ': ', 1)[:-1] if source else ''}): "


def sentence(claim: dict) -> str:
    """The full human sentence behind the verdict (without the budget): '<check>: <check reason>' for a non-PASS.

    This is the sentence in full (every deciding check, every number); the verdict line carries :func:`short`.
    A known-false claim's sentence opens with whether it was refuted as expected (:func:`_known_false_prefix`)."""
    prefix = _known_false_prefix(claim)
    if prefix:
        plain = dict(claim, verdict="FAIL" if claim.get("verdict") == "REFUTED" else claim.get("verdict"), expect="PASS")
        return prefix + sentence(plain).removeprefix(prefix)
    if claim.get("verdict") == "PASS":
        return _scope(claim) + _claim_scope(claim)  # the engine's PASS reason only restates that every check passed
    reason = clean_text(claim.get("reason"))
    deciding = deciding_evidence(claim)
    if not deciding:
        return reason
    first = deciding[0]
    if reason.startswith(f"{first['check']}: ") and len(deciding) == 1:
        return reason  # already the deciding check's sentence (the engine's own format)
    parts = [f"{e['check']}: {clean_text(e.get('reason'))}" for e in deciding]
    return "; ".join(parts)


# -- the short form: one line --------------------------------------------------------------------------------------
LINE_LIMIT = 160  # a verdict line (verdict, claim, budget, short sentence) fits in about this many characters
SHORT_LIMIT = 160  # and its sentence never exceeds this, whatever the prefix (a "why" cell of the claims table)
BACKEND_LIMIT = 120  # a backend cell in the check tables
SHORT_REASON = 100  # a check's reason up to this long is its own headline


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with an ellipsis when cut."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:(") + "…"


def _claim_scope(claim: dict) -> str:
    """' for beta2 = 1, ...': the regimes a PASS decided (the claim's ``scope``, issue 17), or ''."""
    scope = str(claim.get("scope") or "").strip()
    return f"; {scope}" if scope and claim.get("verdict") == "PASS" else ""


def _interval_text(pair) -> str:
    if not isinstance(pair, (list, tuple)) or len(pair) != 2:
        return ""
    return f"[{format_value(pair[0], 3)}, {format_value(pair[1], 3)}]"


def _scaling_headline(e: dict) -> str | None:
    """'13 of 135 tests undecided; first adam-d (d 8 to 16): exponent 1.74 in [1.15, 2.36], limit 2.06'."""
    tests = (e.get("details") or {}).get("tests") or []
    if not tests:
        return None
    wanted = ("fail",) if e.get("verdict") == "FAIL" else ("open", "undecided", "inconclusive", "fail")
    bad = [t for t in tests if str(t.get("status", "")).lower() in wanted]
    if not bad:
        return None
    first = bad[0]
    word = "failed" if e.get("verdict") == "FAIL" else "undecided"
    count = f"{len(bad)} of {len(tests)} tests {word}; first "
    if first.get("local_exponents"):
        last = first["local_exponents"][-1]
        pair = last.get("x") or []
        where = (f", {first.get('vary', '')} {format_value(pair[0], 3)}-{format_value(pair[1], 3)}"
                 if len(pair) == 2 else "")
        return (f"{count}{first.get('spec') or first.get('vary', 'test')}{where}: exponent "
                f"{format_value(last.get('exponent'), 3)} {_interval_text(last.get('interval'))} vs limit "
                f"{format_value(last.get('limit'), 3)}")
    if first.get("p_hat") is not None:
        name = str(first.get("what", "crossover")).split(" exponent")[0]
        return (f"{count}{name}: p-hat {format_value(first.get('p_hat'), 3)} {_interval_text(first.get('interval'))} "
                f"vs claimed {first.get('relation', '')} {format_value(first.get('claimed'), 3)}")
    return None


def _case_text(case, limit: int = 48) -> str:
    if isinstance(case, dict):
        case = {k: v for k, v in case.items() if not isinstance(v, (list, dict))} or case
    return format_cell(case, limit=limit, digits=4, max_items=3)


def _probability_headline(e: dict) -> str | None:
    w = e.get("witness") if isinstance(e.get("witness"), dict) else (e.get("details") or {}).get("worst_case")
    if not isinstance(w, dict) or e.get("verdict") == "PASS":
        return None
    direction = (e.get("details") or {}).get("direction", "")
    value = _interval_text(w.get("interval")) if w.get("interval") else format_value(w.get("exact"), 4)
    return (f"P {'in ' if w.get('interval') else '= '}{value} against the claim P {direction} "
            f"{format_value(w.get('claimed'), 4)} at {_case_text(w.get('case') or {})}")


def _threshold_headline(e: dict) -> str | None:
    w = e.get("witness")
    if e.get("verdict") != "FAIL" or not isinstance(w, dict) or "formula" not in w:
        return None
    tol = (e.get("details") or {}).get("tolerance")
    return (f"boundary in {_interval_text([w.get('empirical_lo'), w.get('empirical_hi')])} against the formula "
            f"{format_value(w.get('formula'), 4)} (tolerance {format_value(tol, 3)}) at {_case_text(w.get('case') or {})}")


def _bound_headline(e: dict) -> str | None:
    if e.get("verdict") != "FAIL" or e.get("witness") is None:
        return None
    return (f"relative excess over the bound {format_value(e.get('worst_margin'), 3)} > 0 at "
            f"{_case_text(e.get('witness'))}")


def _identity_headline(e: dict) -> str | None:
    if e.get("verdict") != "FAIL" or not isinstance(e.get("witness"), dict):
        return None
    return f"relative residual {format_value(e.get('worst_margin'), 3)} != 0 at {_case_text(e.get('witness'))}"


def _symbolic_headline(e: dict) -> str | None:
    w = e.get("witness")
    if e.get("verdict") != "FAIL" or not isinstance(w, dict) or not w.get("step"):
        return None
    return f"step disproved: {w['step']}"


HEADLINES = {"scaling": _scaling_headline, "probability": _probability_headline, "threshold": _threshold_headline,
             "bound": _bound_headline, "identity": _identity_headline, "symbolic": _symbolic_headline}


def headline(e: dict) -> str:
    """One check's deciding number and its limit, in a few words: the kind's own summary of its evidence when it
    has one (:data:`HEADLINES`), else the first clause of its reason."""
    reason = clean_text(e.get("reason"))
    if len(reason) <= SHORT_REASON:  # the kind's own sentence already fits the line
        return reason
    make = HEADLINES.get(e.get("kind"))
    try:
        text = make(e) if make is not None else None
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):  # an unusual record: the reason, shortened
        text = None
    if not text:
        first = reason.split("; ")[0]
        text = first if len(first) >= 40 or first == reason else reason
    return text


def short(claim: dict, limit: int = SHORT_LIMIT) -> str:
    """The verdict line's sentence: the deciding check, its deciding number and limit, and for a PASS its scope, in at
    most ``limit`` characters (the full sentence is :func:`sentence`)."""
    prefix = _known_false_prefix(claim, brief=True)
    if prefix:  # a known-false claim: the line says first whether its refutation reproduced
        plain = dict(claim, verdict="FAIL" if claim.get("verdict") == "REFUTED" else claim.get("verdict"), expect="PASS")
        return clip(prefix + short(plain, max(40, limit - len(prefix))), limit)
    if claim.get("verdict") == "PASS":
        everything = claim.get("evidence") or []
        unsettled = [e["check"] for e in everything if e.get("role") == "supports" and e.get("verdict") != "PASS"]
        deciding = [e for e in everything if e.get("role", "decides") != "supports"]
        symbolic = sum("symbolic" in str(e.get("basis")) for e in deciding)
        numeric = sum("numeric" in str(e.get("basis")) for e in deciding)
        instances = sum(int(e.get("instances") or 0) for e in deciding)
        checks = (f"{len(deciding)} {'deciding ' if len(deciding) < len(everything) else ''}check"
                  f"{'s' if len(deciding) != 1 else ''} passed")
        scope = _claim_scope(claim)[2:]  # the regimes decided, in the claim's words ("for beta2 = 1, ...")
        support = ([f"supporting {', '.join(unsettled)} not settled", "supporting checks not settled", "support unsettled"]
                   if unsettled else [""])
        # The scope is what a PASS promises, so it is the last thing to be cut: the counts shrink first.
        counts = [f"{checks} ({symbolic} symbolic, {numeric} numeric; {instances} instance{'s' if instances != 1 else ''})",
                  f"{checks} ({symbolic} symbolic, {numeric} numeric)", checks, "" if scope else checks]
        candidates = [("; ".join(x for x in (c, scope, sup) if x)) for sup in support for c in counts]
        for text in candidates:
            if len(text) <= limit:
                return text
        return clip(candidates[-1], limit)
    deciding = deciding_evidence(claim)
    if not deciding:
        return clip(clean_text(claim.get("reason")), limit)
    first = deciding[0]
    more = f" (+{len(deciding) - 1} more)" if len(deciding) > 1 else ""
    return clip(f"{first['check']}: {headline(first)}", limit - len(more)) + more


def budget_phrase(report: dict | None) -> str:
    """'at the standard budget (seed 0)', or '' when the report does not say."""
    report = report or {}
    if not report.get("budget"):
        return ""
    seed = f" (seed {report['seed']})" if report.get("seed") is not None else ""
    return f"at the {report['budget']} budget{seed}"


@dataclass(frozen=True)
class VerdictLine:
    """A claim's verdict explained: ``text`` is the one line (about :data:`LINE_LIMIT` characters); ``detail`` the
    full sentence behind it; ``reproducer`` replays a non-PASS."""

    name: str
    verdict: str
    budget: str  # "at the standard budget (seed 0)" or ""
    sentence: str  # the short sentence of the line
    reproducer: str | None
    detail: str = ""  # the full sentence ('' when the short one already says everything)

    @property
    def text(self) -> str:
        """'FAIL adam-general at the standard budget (seed 0): <short sentence>'."""
        where = f" {self.budget}" if self.budget else ""
        return f"{self.verdict} {self.name}{where}: {self.sentence}"

    @property
    def message(self) -> str:
        """The verdict line, the full sentence and the reproducer, each on its own line (the pytest message)."""
        return (self.text + (f"\nwhy: {self.detail}" if self.detail else "")
                + (f"\nreproduce: {self.reproducer}" if self.reproducer else ""))


def explain(claim: dict, report: dict | None = None) -> VerdictLine:
    """The verdict line of ``claim`` (a claim of report.json); ``report`` supplies budget, seed and command."""
    name, verdict, budget = claim_name(claim), verdict_label(claim), budget_phrase(report)
    prefix = len(f"{verdict} {name} {budget}: ")
    brief = short(claim, max(120, min(SHORT_LIMIT, LINE_LIMIT - prefix)))
    full = sentence(claim)
    return VerdictLine(name=name, verdict=verdict, budget=budget, sentence=brief,
                       reproducer=reproducer(claim, report), detail="" if full == brief else full)


def cached_phrase(evidence: dict) -> str:
    """'cached, computed in 12.3 s' for evidence served from the result cache, else ''."""
    if not evidence.get("cached"):
        return ""
    original = evidence.get("original_seconds")
    return "cached" + (f", computed in {format_value(float(original), 4)} s" if original is not None else "")


def backend_cell(evidence: dict, limit: int = BACKEND_LIMIT) -> str:
    """A check's backend in one short line (the whole description stays in the record, the parts' in the side file)."""
    return clip(clean_text(evidence.get("backend") or "—"), limit)


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
