"""The certificate file's format name and the parsing of its fields (docstring of
:mod:`proofcheck.pep.certificates`)."""
from __future__ import annotations

from fractions import Fraction

from ...exact import NotExact, parse_fraction



FORMAT = "proofcheck-worstcase-certificates/1"


class CertificateFormatError(ValueError):
    """A stored record that is not a well-formed certificate (wrong keys, inexact numbers, wrong shapes)."""


def field_fraction(text, what: str) -> Fraction:
    try:
        return parse_fraction(text, what)
    except NotExact as exc:
        raise CertificateFormatError(str(exc)) from None


def field_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CertificateFormatError(f"{what} must be an integer, got {value!r}")
    return value


def field_list(value, what: str) -> list:
    if not isinstance(value, list):
        raise CertificateFormatError(f"{what} must be a list, got {type(value).__name__}")
    return value


