"""``gmm-math explain``'s HTML page in a real browser: headless Chromium renders the maths and loads nothing.

Skipped where no Chromium is installed; .ci/run installs Debian's ``chromium`` so CI runs it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gmm_math.cli.main import app

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars")
# Test-only probe, appended to a copy of the page (the page itself has no script): after load it records
# how the maths laid out, whether any image failed, what the page fetched, and every CSP violation.
PROBE = """<script>
const violations = [];
document.addEventListener('securitypolicyviolation', e => violations.push(e.blockedURI));
window.addEventListener('load', () => {
  const maths = [...document.querySelectorAll('math')];
  const result = {
    maths: maths.length,
    laid_out: maths.filter(m => { const b = m.getBoundingClientRect(); return b.width > 0 && b.height > 0; }).length,
    math_display: maths.filter(m => getComputedStyle(m).display.includes('math')).length,
    merror: document.querySelectorAll('merror').length,
    raw_tex: /\\\\(frac|sqrt|left|right)\\b/.test(document.body.innerText),
    images: document.images.length,
    images_loaded: [...document.images].filter(i => i.complete && i.naturalWidth > 0).length,
    fetched: performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('data:')),
    violations: violations,
    page_width: document.documentElement.scrollWidth,
    viewport_width: window.innerWidth,
  };
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
});
</script>"""


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium installed (Debian: apt-get install chromium; .ci/run installs it)")


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    result = CliRunner().invoke(app, ["explain", "--out", str(folder), "--quiet"])
    assert result.exit_code == 0, result.stderr
    return folder / "index.html"


def _chromium(browser: str, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                              text=True, timeout=120, check=False)


@pytest.mark.slow
def test_chromium_renders_the_maths_and_loads_nothing(page, tmp_path):
    browser = _browser()
    html = page.read_text(encoding="utf-8")
    # let the probe (and only it) run: the page's own policy allows no script at all
    probed = html.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';", 1)
    assert probed != html
    copy = tmp_path / "probe.html"
    copy.write_text(probed.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    run = _chromium(browser, "--window-size=400,900", "--virtual-time-budget=10000", "--dump-dom", copy.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout, flags=re.S)
    assert found, run.stderr[-2000:]
    probe = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert probe["maths"] > 50
    assert probe["laid_out"] == probe["math_display"] == probe["maths"]
    assert probe["merror"] == 0 and not probe["raw_tex"]
    assert probe["images"] == probe["images_loaded"] == 4
    assert probe["fetched"] == [] and probe["violations"] == []
    assert probe["viewport_width"] <= 520  # a phone-sized window (headless may widen 400 a little)
    assert probe["page_width"] <= probe["viewport_width"]  # nothing forces sideways scrolling


@pytest.mark.slow
def test_chromium_screenshot(page, tmp_path):
    browser = _browser()
    shot = tmp_path / "page.png"
    run = _chromium(browser, "--window-size=420,1600", f"--screenshot={shot}", page.as_uri())
    assert shot.is_file(), run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
