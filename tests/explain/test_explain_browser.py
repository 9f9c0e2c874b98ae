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
# Test-only probe, appended to a copy of the page (the page runs only its slider's script): after load it records
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
    main_width: document.querySelector('main').clientWidth,
    panels: [...document.querySelectorAll('.panels')].map(p => [...p.querySelectorAll('img')].map(i => {
      const b = i.getBoundingClientRect(); return [b.left, b.top, b.width, b.height]; })),
    boxes_outside: [...document.querySelectorAll('.eq, .scroll, figure, p, h2, h3, table caption')]
      .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).length,
    scrolling_boxes: [...document.querySelectorAll('.eq, .scroll')].filter(e => e.scrollWidth > e.clientWidth).length,
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


def _probe(browser: str, page: Path, tmp_path: Path, width: int) -> dict:
    """The page with PROBE appended, loaded at ``width`` px: what the probe found."""
    html = page.read_text(encoding="utf-8")
    # let the probe run too: the page's own policy allows only the slider's script, by its hash
    probed = re.sub(r"script-src 'sha256-[^']+'", "script-src 'unsafe-inline'", html, count=1)
    assert probed != html
    copy = tmp_path / f"probe-{width}.html"
    copy.write_text(probed.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    run = _chromium(browser, f"--window-size={width},900", "--virtual-time-budget=10000", "--dump-dom", copy.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', run.stdout, flags=re.S)
    assert found, run.stderr[-2000:]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.slow
def test_chromium_renders_the_maths_and_loads_nothing(page, tmp_path):
    html = page.read_text(encoding="utf-8")
    probe = _probe(_browser(), page, tmp_path, 400)
    assert probe["maths"] > 50
    assert probe["laid_out"] == probe["math_display"] == probe["maths"]
    assert probe["merror"] == 0 and not probe["raw_tex"]
    assert probe["images"] == probe["images_loaded"] == html.count("<img ")
    assert probe["fetched"] == [] and probe["violations"] == []
    assert probe["viewport_width"] <= 520  # a phone-sized window (headless may widen 400 a little)
    assert probe["page_width"] <= probe["viewport_width"]  # nothing forces sideways scrolling


PHONE = """return {
  viewport_width: window.innerWidth,
  page_width: document.documentElement.scrollWidth,
  main_width: document.querySelector('main').clientWidth,
  panels: [...document.querySelectorAll('.panels')].map(p => [...p.querySelectorAll('img')].map(i => {
    const b = i.getBoundingClientRect(); return [b.left, b.top, b.width, b.height]; })),
  outside: [...document.querySelectorAll('.eq, .scroll, figure, p, h1, h2, h3, h4, caption, li')]
    .filter(e => !e.closest('.scroll, .eq') || e.matches('.scroll, .eq'))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).map(e => e.outerHTML.slice(0, 80)),
  scrolling: [...document.querySelectorAll('.eq, .scroll')].filter(e => e.scrollWidth > e.clientWidth + 1).length,
  images_loaded: [...document.images].every(i => i.complete && i.naturalWidth > 0),
};"""


@pytest.fixture(scope="module")
def driver():
    """Chromium driven by Selenium through Debian's chromedriver (skipped with the reason when either is absent)."""
    chromedriver = shutil.which("chromedriver")
    if chromedriver is None:
        pytest.skip("no chromedriver installed (Debian: apt-get install chromium-driver; .ci/run installs it)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _browser()
    for flag in FLAGS:
        options.add_argument(flag)
    with tempfile.TemporaryDirectory() as profile:
        options.add_argument(f"--user-data-dir={profile}")
        chrome = webdriver.Chrome(service=Service(chromedriver), options=options)
        try:
            yield chrome
        finally:
            chrome.quit()


def _open(driver, page: Path, width: int, height: int = 844):
    """Load ``page`` in a ``width`` px wide phone viewport (CSS pixels, device metrics overridden)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
    driver.get(page.as_uri())
    return driver


@pytest.mark.slow
def test_phone_width_stacks_the_panels_and_scrolls_wide_things_in_their_box(driver, page, tmp_path):
    """At 390 px: the EM panels stand one above the other, each the column's width; wide tables and
    equations scroll inside their own box; no box sticks out of the window."""
    probe = _open(driver, page, 390).execute_script(PHONE)
    assert probe["viewport_width"] == 390 and probe["images_loaded"]
    assert probe["page_width"] <= probe["viewport_width"] and probe["outside"] == []
    assert len(probe["panels"]) == 2  # section 4's EM figure and the ridge's
    for panels in probe["panels"]:
        assert len(panels) >= 2
        tops = [top for _, top, _, _ in panels]
        assert tops == sorted(tops) and len(set(tops)) == len(tops)  # stacked
        assert all(width >= probe["main_width"] - 40 for _, _, width, _ in panels)  # the column's width
    assert probe["scrolling"] >= 1  # the wide ones scroll where they are
    shot = tmp_path / "phone.png"
    driver.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_the_sigma_slider_shows_the_embedded_mpmath_values(driver, page):
    """Drag the slider (keyboard and mouse, as a reader would): the page shows exactly the values embedded,
    which are the story's mpmath values; the single Gaussian's L falls and the mixture's rises."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    chrome = _open(driver, page, 800, 900)
    stops = json.loads(chrome.find_element(By.ID, "sigma-stops").get_attribute("textContent"))
    slider = chrome.find_element(By.ID, "sigma")
    chrome.execute_script("arguments[0].scrollIntoView({block: 'center'})", slider)

    def shown() -> dict:
        return {o.get_attribute("data-key"): o.text for o in chrome.find_elements(By.CSS_SELECTOR, "output[data-key]")}

    def expected(index: int) -> dict:
        return {key: value.replace("-", "\u2212") for key, value in stops[index].items() if key != "sigma_text"}

    start = int(slider.get_attribute("value"))
    assert {k: v for k, v in shown().items()} == {k: v for k, v in expected(start).items() if k in shown()}
    seen = [start]
    for _ in range(25):
        slider.send_keys(Keys.ARROW_RIGHT)
        seen.append(int(slider.get_attribute("value")))
        values = shown()
        assert values == {k: v for k, v in expected(seen[-1]).items() if k in values}
    assert seen == list(range(start, start + 26))  # one stop per key press, towards smaller sigma
    ActionChains(chrome).click_and_hold(slider).move_by_offset(slider.size["width"] // 2 - 1, 0).release().perform()
    end = int(slider.get_attribute("value"))
    assert end == len(stops) - 1 and shown()["sigma"] == expected(end)["sigma"]
    assert set(shown()) == {"sigma", "log10_sigma", "single_likelihood", "single_log_likelihood",
                            "mixture_likelihood", "mixture_log_likelihood"}
    single = [float(s["single_log_likelihood"]) for s in stops]
    mixture = [float(s["mixture_log_likelihood"]) for s in stops[start:]]
    assert single[-1] < single[start] and mixture[-1] > mixture[0]


def test_the_embedded_values_are_mpmath_values():
    """The stops the page embeds, recomputed here from the definitions (mpmath, log space)."""
    import mpmath

    from gmm_math.derivations.core.model import example_data
    from gmm_math.numerics.explain.build import build_story

    story = build_story(dps=30)
    stops = next(b for s in story.sections for b in s.blocks if type(b).__name__ == "Slider").stops
    x = [mpmath.mpf(int(r[0])) for r in example_data().rows]
    with mpmath.workdps(40):
        for stop in (stops[0], stops[37], stops[-1]):
            sigma = mpmath.mpf(10) ** mpmath.mpf(stop.log10_sigma)
            single = sum(-mpmath.log(sigma) - mpmath.log(2 * mpmath.pi) / 2 - (v - x[0]) ** 2 / (2 * sigma**2)
                         for v in x)
            assert mpmath.almosteq(mpmath.mpf(stop.single_log_likelihood), single, rel_eps=1e-7)
            assert mpmath.almosteq(mpmath.mpf(stop.single_likelihood), mpmath.exp(single), rel_eps=1e-7)


@pytest.mark.slow
def test_chromium_screenshot(page, tmp_path):
    browser = _browser()
    shot = tmp_path / "page.png"
    run = _chromium(browser, "--window-size=420,1600", f"--screenshot={shot}", page.as_uri())
    assert shot.is_file(), run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
