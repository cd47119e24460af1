"""What a rendered page shows of control characters (a leaf module: report.py and every writer import it)."""
import re

# Characters that no reader of a rendered page should receive raw: C0 controls but tab and newlines (an ESC would
# restyle a terminal, a NUL makes tools call report.md binary), DEL, the Unicode line and paragraph separators, and the
# bidirectional overrides that make text read differently from what it holds.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def visible_controls(text: str) -> str:
    """``text`` with every control character (:data:`_INVISIBLE`) shown as ``\\xNN`` or ``\\uNNNN``, for report.md
    and report.html (report.json keeps the text as it is; JUnit has :func:`proofcheck.junit_report.xml_safe`)."""
    return _INVISIBLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                          text)
