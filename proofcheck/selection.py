"""Selection syntax: ``CLAIM[key=value,...]`` narrows a claim's parameter grid.

Borrowed from benchopt's ``name[param=value]``. Examples::

    adam-diagonal[d=64,kappa=1e4]        # one cell
    adam-diagonal[d=[64,128],kappa=1e4]  # two values of d

A claim declares what may be selected in ``Claim.parameters`` (key -> list of allowed values; an
empty list or None admits any finite number). The parsed selection is a dict key -> list of values,
normalised to the claim's own spelling of each value (``1e4`` selects an allowed ``10000``), and
reaches checks as ``ctx.selection``. Every malformed target raises :class:`UsageError` with one line
naming the bad key or value and the valid choices.
"""
from __future__ import annotations

import math
import re

from .errors import UsageError

_TARGET = re.compile(r"^(?P<id>[^\[\]]+?)\s*\[(?P<body>.*)\]\s*$", re.S)


def split_target(target: str) -> tuple[str, str | None]:
    """``'claim[body]'`` -> ``('claim', 'body')``; a plain ``'claim'`` -> ``('claim', None)``."""
    if "[" not in target and "]" not in target:
        return target, None
    match = _TARGET.match(target)
    if not match:
        raise UsageError(f"malformed selection {target!r}; expected CLAIM[key=value,...]")
    return match["id"].strip(), match["body"]


def _split_top(body: str, target: str) -> list[str]:
    """Split on commas that are not inside ``[...]``."""
    parts, depth, current = [], 0, []
    for ch in body:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth < 0:
                raise UsageError(f"malformed selection {target!r}: unbalanced ']'")
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if depth != 0:
        raise UsageError(f"malformed selection {target!r}: unbalanced '['")
    parts.append("".join(current))
    return [p.strip() for p in parts]


def parse_value(text: str, key: str):
    """An int, a finite float, or a bare string; NaN and infinities are refused."""
    text = text.strip().strip("'\"")
    if not text:
        raise UsageError(f"empty value for {key!r} in selection")
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text
    if not math.isfinite(value):
        raise UsageError(f"selection value {key}={text} is not a finite number")
    return value


def parse_body(body: str, target: str = "") -> dict[str, list]:
    """``'d=64,kappa=[1e3,1e4]'`` -> ``{'d': [64], 'kappa': [1000.0, 10000.0]}`` (not yet validated)."""
    target = target or f"[{body}]"
    selection: dict[str, list] = {}
    if not body.strip():
        raise UsageError(f"empty selection in {target!r}; expected CLAIM[key=value,...]")
    for part in _split_top(body, target):
        if "=" not in part:
            raise UsageError(f"malformed selection item {part!r} in {target!r}; expected key=value")
        key, _, raw = part.partition("=")
        key, raw = key.strip(), raw.strip()
        if not key:
            raise UsageError(f"malformed selection item {part!r} in {target!r}: missing key")
        if raw.startswith("["):
            if not raw.endswith("]"):
                raise UsageError(f"malformed list {raw!r} for {key!r} in {target!r}")
            items = [t for t in _split_top(raw[1:-1], target) if t]
            if not items:
                raise UsageError(f"empty list for {key!r} in {target!r}")
            values = [parse_value(t, key) for t in items]
        else:
            values = [parse_value(raw, key)]
        if key in selection:
            raise UsageError(f"key {key!r} given twice in {target!r}")
        selection[key] = values
    return selection


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return float(a) == float(b)
    return str(a) == str(b)


def _show(values) -> str:
    return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)


def validate(claim, selection: dict[str, list]) -> dict[str, list]:
    """Check keys against ``claim.parameters`` and map values to the claim's allowed spelling."""
    params = dict(getattr(claim, "parameters", None) or {})
    if not params:
        raise UsageError(f"claim {claim.id!r} has no selectable parameters (selection {_fmt(selection)} not allowed)")
    out: dict[str, list] = {}
    for key, values in selection.items():
        if key not in params:
            raise UsageError(f"claim {claim.id!r} has no parameter {key!r} (valid parameters: {', '.join(params)})")
        allowed = params[key]
        chosen = []
        for value in values:
            if not allowed:
                if not isinstance(value, (int, float)):
                    raise UsageError(f"parameter {key}={value!r} of claim {claim.id!r} must be a finite number")
                chosen.append(value)
                continue
            match = next((a for a in allowed if _same(a, value)), None)
            if match is None:
                raise UsageError(f"claim {claim.id!r}: {key}={_show([value])} is not allowed "
                                 f"(valid values of {key}: {_show(allowed)})")
            if match not in chosen:
                chosen.append(match)
        out[key] = chosen
    return out


def _fmt(selection: dict) -> str:
    return "[" + ",".join(f"{k}={_show(v)}" for k, v in selection.items()) + "]"


def parse(target: str, claim) -> dict[str, list]:
    """The validated selection of ``target`` for ``claim`` (empty dict when there is no ``[...]``)."""
    _, body = split_target(target)
    if body is None:
        return {}
    return validate(claim, parse_body(body, target))


def narrow(values, selection: dict, key: str) -> list:
    """Helper for checks: the grid values of ``key`` kept by ``ctx.selection`` (all when not selected)."""
    if key not in selection:
        return list(values)
    return [v for v in values if any(_same(v, s) for s in selection[key])]
