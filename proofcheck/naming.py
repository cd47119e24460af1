"""Naming claims on the command line: ids, catalogue labels, globs and ``-k`` expressions.

- an id: ``adam-general``;
- a catalogue label: ``T5`` (case-insensitive), read from the ``LABELS`` dict (label -> id) of a claim
  package (the built-in catalogue defines one; a user package may too);
- a catalogue: ``classics`` (a registered catalogue's name, or its package): every claim of that catalogue, in
  catalogue order (:meth:`proofcheck.registry.Registry.catalogue`); a claim id or label of the same spelling wins;
- a glob: ``'adam-*'`` (``*``, ``?``; matched against ids and labels);
- a ``-k`` expression, as in pytest: words joined by ``and``, ``or``, ``not`` and parentheses; a word
  matches a claim when it is a case-insensitive substring of its id or label (``-k 'adam and not general'``).

A narrowing suffix stays with the claim it names: ``T2[d=64]`` is ``adam-diagonal[d=64]``. Unknown
names raise :class:`UsageError` suggesting only close names (never the whole catalogue).
"""
from __future__ import annotations

import difflib
import fnmatch
import importlib
import re

from .errors import UsageError

GLOB_CHARS = "*?"


def labels(reg) -> dict[str, str]:
    """Label -> claim id, from the ``LABELS`` dict of every importable origin of the registry."""
    found: dict[str, str] = {}
    for origin in dict.fromkeys(reg.origins.values()):
        if origin.endswith(".py") or "/" in origin or "\\" in origin:
            continue
        try:
            module = importlib.import_module(origin)
        except Exception:  # noqa: BLE001 - an origin that cannot be re-imported simply has no labels
            continue
        for label, cid in (getattr(module, "LABELS", None) or {}).items():
            if cid in reg.claims:
                found[str(label)] = cid
    return found


def label_of(reg, claim_id: str) -> str:
    """The catalogue label of ``claim_id`` ('' when it has none)."""
    return next((label for label, cid in labels(reg).items() if cid == claim_id), "")


CLOSE = 0.75  # difflib similarity a suggestion needs: one or two typos in an id ("gd-rat"), not a shared word
_LABEL = re.compile(r"^([A-Za-z]+)(\d+)$")  # a catalogue label: letters, then a number (T5, F1)


def close_names(reg, name: str, n: int = 3) -> list[str]:
    """Ids, labels or catalogue names that look like ``name``: only genuinely close ones (similarity at least
    :data:`CLOSE`, compared case-insensitively, and within 0.1 of the best), best first; [] when nothing is close."""
    candidates = list(reg.claims) + list(labels(reg)) + reg.catalogue_names()
    lowered = name.lower()
    scored = sorted(((difflib.SequenceMatcher(None, lowered, c.lower()).ratio(), c) for c in candidates),
                    key=lambda sc: -sc[0])
    scored = [(score, c) for score, c in scored if score >= CLOSE]
    return [c for score, c in scored if score >= scored[0][0] - 0.1][:n] if scored else []


def sibling_labels(reg, name: str) -> list[str]:
    """For a label-shaped name that is no label (``T7``): the catalogue's labels of the same letter (T2, T4, ...)."""
    match = _LABEL.match(name)
    if not match:
        return []
    found = [label for label in labels(reg) if (m := _LABEL.match(label)) and m.group(1).lower() == match.group(1).lower()]
    return sorted(found, key=lambda label: int(_LABEL.match(label).group(2)))


def hint(reg, name: str) -> str:
    """'; did you mean gd-rate?', '; the catalogue's T labels are T2, T4, ...', or '' when nothing is close; for a
    catalogue's name where one claim is wanted (``show classics``), where its claims are listed."""
    if reg.catalogue(name) is not None:
        return f"; {name!r} is a catalogue: 'proofcheck list {name}' shows its claims"
    near = close_names(reg, name)
    if near:
        return f"; did you mean {', '.join(near)}?"
    siblings = sibling_labels(reg, name)
    if siblings:
        return f"; the catalogue's {_LABEL.match(name).group(1).upper()} labels are {', '.join(siblings)}"
    return ""


def unknown(reg, name: str) -> UsageError:
    near = hint(reg, name)
    return UsageError(f"unknown claim {name!r}{near}" + (" ('proofcheck list' shows the claims)" if near else
                                                         "; 'proofcheck list' shows the claims"))


def _lowered_labels(reg) -> dict[str, str]:
    """Lower-cased label -> claim id (labels are case-insensitive)."""
    return {label.lower(): cid for label, cid in labels(reg).items()}


def resolve(reg, name: str) -> str:
    """One claim id for an id or a label (case-insensitive); UsageError with close names otherwise."""
    if name in reg.claims:
        return name
    by_label = _lowered_labels(reg)
    if name.lower() in by_label:
        return by_label[name.lower()]
    raise unknown(reg, name)


def _whole_catalogue(reg, name: str) -> list[str] | None:
    """The claim ids of the catalogue ``name``, in catalogue order; None when ``name`` is a claim id or a label
    (those win) or names no registered catalogue. A catalogue without claims selects nothing: a UsageError."""
    if name in reg.claims or name.lower() in _lowered_labels(reg):
        return None
    ids = reg.catalogue(name)
    if ids == []:
        raise UsageError(f"catalogue {name!r} has no claims; 'proofcheck list' shows the claims")
    return ids


def is_glob(name: str) -> bool:
    return any(ch in name for ch in GLOB_CHARS)


def glob(reg, pattern: str) -> list[str]:
    """Claim ids matching a glob (on the id or the label), in catalogue order."""
    by_id = {cid: label for label, cid in labels(reg).items()}
    matches = [cid for cid in reg.claims
               if fnmatch.fnmatchcase(cid, pattern) or fnmatch.fnmatch(by_id.get(cid, ""), pattern)]
    if not matches:
        raise UsageError(f"no claim matches {pattern!r}; 'proofcheck list' shows the claims")
    return matches


_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")


def keyword(reg, expression: str) -> list[str]:
    """Claim ids selected by a pytest-style ``-k`` expression, in catalogue order."""
    tokens = _TOKEN.findall(expression)
    if not tokens:
        raise UsageError("empty -k expression")
    by_id = {cid: label for label, cid in labels(reg).items()}

    def matches(cid: str) -> bool:
        haystack = f"{cid} {by_id.get(cid, '')}".lower()
        position = 0

        def word() -> bool:
            nonlocal position
            if position >= len(tokens):
                raise UsageError(f"-k expression {expression!r} ends too early")
            token = tokens[position]
            position += 1
            if token == "(":
                value = disjunction()
                if position >= len(tokens) or tokens[position] != ")":
                    raise UsageError(f"-k expression {expression!r}: missing ')'")
                position += 1
                return value
            if token == "not":
                return not word()
            if token in ("and", "or", ")"):
                raise UsageError(f"-k expression {expression!r}: unexpected {token!r}")
            return token.lower() in haystack

        def chain(operator: str, operand, combine) -> bool:
            """``operand (operator operand)*``, folded with ``combine`` (every operand is parsed)."""
            nonlocal position
            value = operand()
            while position < len(tokens) and tokens[position] == operator:
                position += 1
                value = combine(operand(), value)
            return value

        def conjunction() -> bool:
            return chain("and", word, lambda a, b: a and b)

        def disjunction() -> bool:
            return chain("or", conjunction, lambda a, b: a or b)

        result = disjunction()
        if position != len(tokens):
            raise UsageError(f"-k expression {expression!r}: unexpected {tokens[position]!r}")
        return result

    return [cid for cid in reg.claims if matches(cid)]


def _is_origin(target: str, reg) -> bool:
    """A claim file or module given as a target (the run path loads those itself)."""
    return target.endswith(".py") or "/" in target or (target not in reg.claims and "." in target and "[" not in target)


def expand_targets(reg, targets, expression: str | None = None) -> list[str]:
    """``run`` targets with labels resolved to ids, globs expanded and ``-k`` matches appended.

    Claim files and modules pass through untouched; ``LABEL[key=value]`` keeps its narrowing.
    """
    if not targets and not expression:
        raise UsageError("run needs at least one CLAIM (an id, label, glob or file) or -k EXPR; "
                         "'proofcheck list' shows the claims")
    out: list[str] = []
    for target in targets or []:
        whole = _whole_catalogue(reg, target)
        if whole is not None:
            out += [cid for cid in whole if cid not in out]
            continue
        if _is_origin(target, reg):
            out.append(target)
            continue
        head, bracket, rest = target.partition("[")
        if is_glob(head):
            out += [cid for cid in glob(reg, head) if cid not in out]
        elif head.strip() in reg.claims:
            out.append(target)
        else:
            cid = _lowered_labels(reg).get(head.strip().lower())
            # an unknown name passes through: the run path reports it with the valid claims
            out.append(target if cid is None else cid + bracket + rest)
    if expression:
        selected = keyword(reg, expression)
        if not selected:
            raise UsageError(f"-k {expression!r} selects no claim; 'proofcheck list' shows the claims")
        out += [cid for cid in selected if cid not in out]
    return out


def select_ids(reg, names, expression: str | None = None) -> list[str]:
    """Claim ids for ``list``: every claim when nothing is named, else the named, globbed and -k ones."""
    if not names and not expression:
        return list(reg.claims)
    ids: list[str] = []
    for name in names or []:
        whole = _whole_catalogue(reg, name)
        for cid in (glob(reg, name) if is_glob(name) else whole if whole is not None else [resolve(reg, name)]):
            if cid not in ids:
                ids.append(cid)
    if expression:
        ids += [cid for cid in keyword(reg, expression) if cid not in ids]
    return [cid for cid in reg.claims if cid in ids]
