"""report.html in a real browser: headless Chromium renders the MathML and fetches nothing.

Skipped (with the reason) when /usr/bin/chromium is not installed (Debian: ``apt-get install chromium``).
The test renders a small saved report, appends a probe script to a *copy* of the page (the report itself
carries no script) that measures the laid-out MathML and lists the resources the page loaded, and reads
the probe back with ``--dump-dom``. Networking is pointed at a local proxy that records any connection:
a self-contained page makes none.
"""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from proofcheck import html_report

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs /usr/bin/chromium (apt-get install chromium)")

PROBE = """<pre id="probe"></pre><script>
document.querySelectorAll('details').forEach(d => { d.open = true; });
const maths = [...document.querySelectorAll('math')].map(m => {
  const r = m.getBoundingClientRect(); return [r.width, r.height, m.namespaceURI]; });
const frac = document.querySelector('mfrac'), mi = document.querySelector('mi');
const resources = performance.getEntriesByType('resource').map(e => e.name)
  .filter(n => !n.startsWith('data:') && !n.startsWith('file:'));
document.getElementById('probe').textContent = JSON.stringify({maths, resources,
  frac: frac ? frac.getBoundingClientRect().height : 0, mi: mi ? mi.getBoundingClientRect().height : 0,
  imgs: [...document.images].map(i => [i.naturalWidth, i.src.slice(0, 5), i.getBoundingClientRect().width]),
  bars: [...document.querySelectorAll('mrow.overbar')].map(b => [parseFloat(getComputedStyle(b).borderTopWidth),
    b.getBoundingClientRect().height])});
</script>"""


# The browser's own background calls (clock, updates, accounts) reach the proxy too; they are not the page's.
BROWSER_SERVICES = ("google.com", "googleapis.com", "gvt1.com", "gstatic.com")


class RecordingProxy:
    """A TCP listener standing in for the network: it records every connection and answers nothing."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.requests: list[str] = []
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return self.sock.getsockname()[1]

    def _serve(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.requests.append(conn.recv(4096).decode("latin-1").split("\r\n")[0])
                except OSError:
                    self.requests.append("(connection)")

    def close(self) -> None:
        self.stop = True
        self.thread.join(timeout=2)
        self.sock.close()


def probe_in_chromium(page: str, tmp_path: Path) -> tuple[dict, list[str]]:
    """Load ``page`` (HTML text, plus the probe) in headless Chromium: (the probe's findings, page fetches)."""
    probe_page = tmp_path / "report.html"
    probe_page.write_text(page.replace("</body>", PROBE + "</body>"))
    proxy = RecordingProxy()
    try:
        done = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-default-apps", f"--proxy-server=http://127.0.0.1:{proxy.port}",
             "--proxy-bypass-list=<-loopback>",
             f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,900", "--virtual-time-budget=3000",
             "--dump-dom", probe_page.as_uri()],
            capture_output=True, text=True, timeout=180)
    finally:
        proxy.close()
    match = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert match, done.stderr[-2000:]
    fetched = [r for r in proxy.requests if not any(host in r for host in BROWSER_SERVICES)]
    return json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&")), fetched


def test_report_html_renders_math_offline_in_chromium(tmp_path):
    from test_reports import HAND

    page = html_report.render(HAND)
    assert "<script" not in page.lower()  # the report itself runs nothing
    probe, fetched = probe_in_chromium(page, tmp_path)
    assert len(probe["maths"]) == 2
    for width, height, namespace in probe["maths"]:
        assert width > 20 and height > 5 and namespace == "http://www.w3.org/1998/Math/MathML"
    assert probe["frac"] > 1.3 * probe["mi"] > 0  # \frac is laid out as a fraction, not as inline text
    assert probe["resources"] == [] and fetched == []  # nothing fetched from the network


REFERENCE = Path(__file__).resolve().parent.parent / "reference" / "report.html"


@pytest.mark.skipif(not REFERENCE.exists(), reason="no committed reference/report.html")
def test_the_committed_reference_report_renders_offline(tmp_path):
    """The committed standard run's report.html: every statement is laid-out MathML, every plot decodes."""
    page = REFERENCE.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    probe, fetched = probe_in_chromium(page, tmp_path)
    claims = page.count('<section class="claim"')
    assert claims and len(probe["maths"]) == claims
    assert all(w > 20 and h > 5 for w, h, _ in probe["maths"])
    assert probe["imgs"] and all(width > 0 and src == "data:" for width, src, _ in probe["imgs"])
    assert probe["resources"] == [] and fetched == []
    # kappa-bar has a visible bar: a border at least 1 px thick above the symbol (not latex2mathml's faint macron)
    assert probe["bars"] and all(width >= 1 and height > 5 for width, height in probe["bars"]), probe["bars"]
    assert "kappa_{diag}" not in page and "<mi>d</mi><mi>i</mi><mi>a</mi><mi>g</mi>" not in page  # upright subscripts
    # readable at the size the page shows them: no plot is shrunk to fit (the figures are at most the page's width)
    assert all(shown >= 0.95 * width for width, _, shown in probe["imgs"]), probe["imgs"]


PLOTS = REFERENCE.parent / "plots"


@pytest.mark.skipif(not PLOTS.is_dir(), reason="no committed reference/plots")
def test_the_plots_of_the_reference_in_a_browser_screenshot(tmp_path):
    """Every committed plot, as a browser draws it at the report's width: one screenshot of them all (kept in
    $PROOFCHECK_SCREENSHOTS when set, to look at), each plot's area drawn (not blank) and of its natural size."""
    import os

    image = pytest.importorskip("matplotlib.image", reason="needs matplotlib to read the screenshot")
    svgs = sorted(PLOTS.glob("*.svg"))
    assert svgs
    sizes = []
    for svg in svgs:
        head = svg.read_text(encoding="utf-8")[:3000]
        match = re.search(r'width="([0-9.]+)pt" height="([0-9.]+)pt"', head)
        sizes.append((round(float(match.group(1)) * 96 / 72), round(float(match.group(2)) * 96 / 72)))
    gallery = tmp_path / "gallery.html"
    gallery.write_text("<!DOCTYPE html><html><body style='margin:0;background:#fff;width:1216px'>" + "".join(
        f"<div style='height:{h}px'><img src='{svg.as_uri()}' width='{w}' height='{h}'></div>"
        for svg, (w, h) in zip(svgs, sizes)) + "</body></html>")
    shot = Path(os.environ.get("PROOFCHECK_SCREENSHOTS", tmp_path)) / "reference-plots.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    height = sum(h for _, h in sizes)
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           "--no-first-run", "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}",
                           f"--window-size=1216,{height}", f"--screenshot={shot}", gallery.as_uri()],
                          capture_output=True, text=True, timeout=180)
    assert shot.is_file(), done.stderr[-2000:]
    pixels = image.imread(str(shot))[..., :3]
    assert pixels.shape[0] >= height - 2 and pixels.shape[1] >= 1216 - 2
    top = 0
    for svg, (w, h) in zip(svgs, sizes):
        area = pixels[top:top + h, :w]
        inked = float((area.mean(axis=2) < 0.9).mean())  # share of non-white pixels
        assert 0.01 < inked < 0.6, (svg.name, inked)  # drawn, and not a black box
        assert float((pixels[top:top + h, w + 4:].mean(axis=2) < 0.9).mean()) < 0.001, svg.name  # no wider than said
        top += h
