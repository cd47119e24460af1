"""JUnit XML reports (``--format junit`` -> ``report.junit.xml``) and GitHub Actions annotations.

One ``<testcase>`` per claim (``classname="proofcheck"``, ``name`` = the claim id, plus the mutant
when one ran). The claim's verdict maps to:

- FAIL -> ``<failure>``: message = the verdict line (the deciding check's sentence with its numbers, the
  budget; :func:`proofcheck.explain.explain`) and the reproducer; text = every failing check and witness;
- ERROR -> ``<error>``: message = the verdict line; text = the tracebacks;
- INCONCLUSIVE -> ``<skipped>`` with the verdict line and the command that replays it;
- PASS -> an empty testcase.

Each testcase's ``<system-out>`` lists every check's evidence line (kind, basis, verdict,
instances, worst margin, dps, backend). The suite's ``<properties>`` record the seed, budget,
git revision and command, so a CI system shows how to reproduce the run.

:func:`annotations` gives one GitHub Actions workflow command per FAIL
(``::error title=proofcheck CLAIM::reason; reproduce: ...``); the CLI prints them on stdout when
the environment has ``GITHUB_ACTIONS=true`` or when ``--annotations`` is given.
"""
from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET

from . import report as reporting
from .explain import backend_cell, cached_phrase, clean_text, explain, format_value, witness_text
from .model import expect_outcome

FILENAME = "report.junit.xml"


def _name(claim: dict) -> str:
    return claim["id"] + (f" (mutant {claim['mutant']})" if claim.get("mutant") else "")


def _evidence_line(e: dict) -> str:
    cached = cached_phrase(e)
    return (f"{e['check']} [{e['kind']}, {e['basis']}]: {e['verdict']}; instances={e['instances']} "
            f"worst_margin={format_value(e['worst_margin'])} dps={format_value(e['dps'])} backend={backend_cell(e)}"
            f"{' certified' if e.get('certified') else ''}{'; ' + cached if cached else ''}; {clean_text(e['reason'])}")


def failure_message(claim: dict, report: dict | None = None) -> str:
    """One line: the verdict line (:func:`proofcheck.explain.explain`) and, for a non-PASS, its reproducer."""
    line = explain(claim, report)
    return line.text + (f"; reproduce: {line.reproducer}" if line.reproducer else "")


# Characters XML 1.0 cannot hold at all (even escaped): C0 controls other than tab, newline and carriage
# return, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value):
    """``value`` with every character XML cannot hold shown as ``\\xNN`` (``\\uNNNN``), recursively."""
    if isinstance(value, str):
        return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                            else f"\\u{ord(m.group()):04x}", value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [xml_safe(item) for item in value]
    return value


def render(report: dict) -> str:
    """The JUnit XML text of a report (deterministic apart from the ``time`` attributes); titles,
    reasons and tracebacks holding control characters still give valid XML (:func:`xml_safe`)."""
    report = xml_safe(report)
    claims = report["claims"]
    count = {v: sum(1 for c in claims if c["verdict"] == v and not _not_refuted(c)) for v in ("FAIL", "ERROR",
                                                                                          "INCONCLUSIVE")}
    count["FAIL"] += sum(1 for c in claims if _not_refuted(c) and c["verdict"] != "ERROR")
    count["ERROR"] += sum(1 for c in claims if _not_refuted(c) and c["verdict"] == "ERROR")
    seconds = sum(float(c.get("seconds") or 0) for c in claims)
    suites = ET.Element("testsuites", name="proofcheck", tests=str(len(claims)), failures=str(count["FAIL"]),
                        errors=str(count["ERROR"]), skipped=str(count["INCONCLUSIVE"]), time=f"{seconds:.3f}")
    suite = ET.SubElement(suites, "testsuite", name=f"proofcheck ({report['budget']} budget, seed {report['seed']})",
                          tests=str(len(claims)), failures=str(count["FAIL"]), errors=str(count["ERROR"]),
                          skipped=str(count["INCONCLUSIVE"]), time=f"{seconds:.3f}")
    props = ET.SubElement(suite, "properties")
    for key in ("seed", "budget", "complete", "git_revision", "git_dirty"):
        ET.SubElement(props, "property", name=key, value=str(report.get(key)))
    ET.SubElement(props, "property", name="command", value=" ".join(report.get("command") or []))
    for claim in claims:
        case = ET.SubElement(suite, "testcase", classname="proofcheck", name=_name(claim),
                             time=f"{float(claim.get('seconds') or 0):.3f}")
        verdict = claim["verdict"]
        why = explain(claim, report).detail
        why = f"why: {why}\n" if why else ""  # the full sentence behind the one-line message
        if claim.get("expect") == "FAIL":
            _known_false(case, claim, report, why)
        elif verdict == "FAIL":
            failing = [e for e in claim["evidence"] if e["verdict"] == "FAIL"]
            node = ET.SubElement(case, "failure", message=failure_message(claim, report), type="FAIL")
            node.text = why + "\n".join(_evidence_line(e) + (f"\nwitness: {witness_text(e['witness'], 4000)}"
                                                      if e["witness"] is not None else "")
                                  + (f"\nreproduce: {e['reproducer']}" if e.get("reproducer") else "")
                                  for e in failing)
        elif verdict == "ERROR":
            node = ET.SubElement(case, "error", message=failure_message(claim, report), type="ERROR")
            node.text = "\n".join(f"{e['check']}: {e['reason']}\n{e['details'].get('traceback', '')}"
                                  for e in claim["evidence"] if e["verdict"] == "ERROR")
        elif verdict == "INCONCLUSIVE":
            ET.SubElement(case, "skipped", message=failure_message(claim, report)).text = why.strip() or None
        out = ET.SubElement(case, "system-out")
        out.text = f"{claim['title']}\nprovenance: {claim['provenance']}; source: {claim['source']}\n" + \
            "\n".join(_evidence_line(e) for e in claim["evidence"])
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


# -- known-false claims (model.expect_outcome) ------------------------------------------------------------------
def _not_refuted(claim: dict) -> bool:
    """A known-false claim whose refutation did not reproduce: a failed testcase (an ERROR stays an error)."""
    return expect_outcome(claim) == "unexpected"


def _known_false(case, claim: dict, report: dict, why: str) -> None:
    """A known-false claim's testcase: REFUTED passes, with the refutation in its properties (source, reason, the
    certified failing checks); any other verdict fails (an ERROR is an error) like pytest's xfail(strict=True)."""
    if claim["verdict"] == "REFUTED":
        props = ET.SubElement(case, "properties")
        refuting = [e for e in claim["evidence"] if e["verdict"] == "FAIL" and e.get("certified")]
        for name, value in (("verdict", "REFUTED"), ("expect", "FAIL"), ("refuted_by", claim.get("refuted_by")),
                            ("refutation", claim.get("reason")),
                            ("certified_checks", ", ".join(e["check"] for e in refuting))):
            ET.SubElement(props, "property", name=name, value=str(value))
        for e in refuting:
            if e.get("witness") is not None:
                ET.SubElement(props, "property", name=f"witness.{e['check']}", value=witness_text(e["witness"], 2000))
        return
    kind = "error" if claim["verdict"] == "ERROR" else "failure"
    node = ET.SubElement(case, kind, message=failure_message(claim, report),
                         type=f"{claim['verdict']} (expected REFUTED)")
    node.text = why + "\n".join(f"{e['check']}: {e['verdict']}: {e['reason']}" for e in claim["evidence"])


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotations(report: dict) -> list[str]:
    """One GitHub Actions ``::error`` workflow command per FAILed claim."""
    lines = []
    for claim in report["claims"]:
        if claim["verdict"] == "FAIL" or (_not_refuted(claim) and claim["verdict"] != "ERROR"):
            title = _escape_property(f"proofcheck {_name(claim)}")
            lines.append(f"::error title={title}::{_escape_data(failure_message(claim, report))}")
    return lines


def annotations_wanted(flag: bool = False, environ=None) -> bool:
    """Annotations are printed with ``--annotations`` or when running under GitHub Actions."""
    env = os.environ if environ is None else environ
    return bool(flag) or env.get("GITHUB_ACTIONS", "").lower() == "true"


reporting.register_writer("junit", FILENAME, render)
