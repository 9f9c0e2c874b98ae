"""``gmm-math explain``: every format, bad input, determinism, the JSON structure, and what the story says."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from typer.testing import CliRunner

from gmm_math.cli.main import app
from conftest import assert_one_line_error

SECTIONS = ["question", "single", "mixture", "em", "remedies", "boundary", "confusion"]


def _run(*args: str):
    return CliRunner().invoke(app, ["explain", *args])


@pytest.fixture(scope="module")
def html_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("html")
    result = _run("--out", str(folder / "explain"))
    assert result.exit_code == 0, result.stderr
    return result, folder / "explain" / "index.html"


@pytest.fixture(scope="module")
def json_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("json")
    result = _run("--format", "json", "--out", str(folder), "--quiet")
    assert result.exit_code == 0, result.stderr
    return result, folder / "explain.json"


def _section(json_run, key: str) -> dict:
    doc = json.loads(json_run[1].read_text(encoding="utf-8"))
    return next(s for s in doc["sections"] if s["key"] == key)


def _prose(section: dict) -> str:
    return " ".join(b["text"] for b in section["blocks"] if b["type"] == "prose")


def _first_table(section: dict) -> dict:
    return next(b for b in section["blocks"] if b["type"] == "table")


def test_html_prints_where_and_one_progress_line_per_section(html_run):
    result, page = html_run
    assert result.stdout.strip() == f"wrote {page}"
    progress = [line for line in result.stderr.splitlines() if re.match(r"\[\d/7\] ", line)]
    assert [line[:5] for line in progress] == [f"[{i}/7]" for i in range(1, 8)]


def test_html_is_one_self_contained_page(html_run):
    _, page = html_run
    text = page.read_text(encoding="utf-8")
    assert sorted(p.name for p in page.parent.iterdir()) == ["index.html"]
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text)
    assert not re.search(r"<(link|iframe|object)\b", text) and "url(" not in text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", text, flags=re.S)  # the slider: its data, its code
    assert [attributes for attributes, _ in scripts] == [' type="application/json" id="sigma-stops"', ""]
    digest = base64.b64encode(hashlib.sha256(scripts[1][1].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in text and "unsafe-inline'" not in text.split("script-src")[1][:80]
    assert "Content-Security-Policy" in text and 'name="viewport"' in text and "max-width" in text
    images = re.findall(r'<img [^>]*src="([^"]+)"', text)
    assert all(src.startswith("data:image/svg+xml;base64,") for src in images)
    figures = re.findall(r'<figure id="figure-([a-z-]+)">(.*?)</figure>', text, flags=re.S)
    assert [key for key, _ in figures] == ["limit", "collapse", "em", "em-ridge"]
    assert [inner.count("<img ") for _, inner in figures] == [1, 1, 3, 3]  # EM: data, log L, eigenvalues
    assert len(images) == 8
    assert text.count("<math") > 50 and "<merror" not in text and "\\frac" not in text
    toc = re.findall(r'<li><a href="#([a-z]+)">', text)
    ids = re.findall(r'<section id="([a-z]+)">', text)
    assert toc == ids == SECTIONS


def test_same_seed_same_bytes(html_run, tmp_path):
    _, page = html_run
    again = _run("--out", str(tmp_path / "index.html"), "--quiet")
    assert again.exit_code == 0, again.stderr
    assert (tmp_path / "index.html").read_bytes() == page.read_bytes()


def test_markdown_has_maths_and_relative_png_links(tmp_path):
    result = _run("--format", "md", "--out", str(tmp_path / "answer"), "-q")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    doc = (tmp_path / "answer" / "explain.md").read_text(encoding="utf-8")
    assert doc.count("$$") % 2 == 0 and doc.count("$$") > 40
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", doc)
    assert links == [f"figures/{k}.png" for k in ("limit", "collapse", "em", "em-ridge")]
    for link in links:
        assert (tmp_path / "answer" / link).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    headings = re.findall(r"^## (\d)\. ", doc, flags=re.M)
    assert headings == [str(i) for i in range(1, 8)]
    assert "](http" not in doc


def test_json_structure(json_run):
    result, path = json_run
    assert result.stderr == "" and result.stdout.strip().startswith(f"wrote {path}")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert [s["key"] for s in doc["sections"]] == SECTIONS
    assert [s["number"] for s in doc["sections"]] == list(range(1, 8))
    types = {b["type"] for s in doc["sections"] for b in s["blocks"]}
    assert types == {"prose", "formula", "derivation", "table", "figure", "slider"}
    derivations = [b for s in doc["sections"] for b in s["blocks"] if b["type"] == "derivation"]
    assert [d["case"] for d in derivations] == ["single", "mixture", "degenerate"]
    assert all(d["steps"] and d["numeric_trend_agrees"] for d in derivations)
    for key, relative in doc["figures"].items():
        assert (path.parent / relative).is_file(), key
    figures = [b for s in doc["sections"] for b in s["blocks"] if b["type"] == "figure"]
    assert [f["path"] for f in figures] == list(doc["figures"].values())


def test_pdf_without_pdflatex_is_one_clear_error(monkeypatch, tmp_path):
    from gmm_math.cli.explain import latex

    monkeypatch.setattr(latex.shutil, "which", lambda name: None)
    result = _run("--format", "pdf", "--out", str(tmp_path / "answer.pdf"))
    assert_one_line_error(result, "pdflatex")
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_pdf_with_pdflatex(tmp_path):
    import shutil

    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed (.ci/run installs TeX Live for this test)")
    result = _run("--format", "pdf", "--out", str(tmp_path / "answer.pdf"), "-q")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "answer.pdf").read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("args, needle", [
    (("--dps", "5"), "--dps"),
    (("--point", "3"), "--point 3 needs --data"),
    (("--data", "0,1", "--point", "5"), "--point 5"),
    (("--data", "0,x"), "data value"),
    (("--data", "0,1", "--data-file", "d.csv"), "not both"),
    (("--seed", "-1"), "--seed"),
    (("--format", "docx"), "docx"),
    (("--out", "answer.txt"), ".html"),
])
def test_bad_input_is_one_line_and_writes_nothing(args, needle, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _run(*args)
    assert_one_line_error(result, needle)
    assert not list(tmp_path.iterdir())


def test_story_names_the_collapse_fit_found(json_run):
    from gmm_math.numerics.datasets import seed_blobs
    from gmm_math.numerics.em.fit import fit

    text = _prose(_section(json_run, "em"))
    seeds = [fit(seed_blobs(), 3, init="seed-style", remedy="none", seed=s).collapse for s in range(40)]
    first = next(i for i, c in enumerate(seeds) if c is not None)
    assert all(c is None for c in seeds[:first])
    c = seeds[first]
    assert f"Seed {first} " in text
    assert f"Component {c.component + 1} collapsed onto " in text  # numbered 1..K, as the figure and `em` do
    assert f"point {c.point_index} = " in text
    assert f"at iteration {c.iteration}:" in text


def test_story_rates_match_the_data(json_run):
    single = _section(json_run, "single")
    prose = _prose(single)
    s_value = sum(x * x for x in (0, 1, 3))  # x_n = 0
    assert f"S = {s_value}," in prose and f"= {Fraction(-s_value, 2)};" in prose
    rows = _first_table(single)["rows"]
    assert rows[-1][0] == "1.0e-1000000" and rows[-1][2].startswith("-5.0")


def test_story_sorts_the_remedies(json_run):
    remedies = _section(json_run, "remedies")
    kinds = {row[0]: row[2] for row in _first_table(remedies)["rows"]}
    assert kinds == {"ridge": "bounds the objective", "map": "bounds the objective",
                     "penalty": "bounds the objective", "ratio": "bounds the objective",
                     "reset": "guards the algorithm only", "restart": "guards the algorithm only"}
    ridge = next(b["text"] for b in remedies["blocks"] if b.get("text", "").startswith("The ridge finding"))
    assert "bounded, but still a spike" in ridge


def test_story_shows_the_case_split(json_run):
    confusion = _section(json_run, "confusion")
    cases = {row[0]: row[1] for row in _first_table(confusion)["rows"]}
    assert cases == {"\u03bc\u2c7c = x\u2099": "\u221e", "\u03bc\u2c7c < x\u2099": "0", "\u03bc\u2c7c > x\u2099": "0"}
    assert "Verdict: fails" in _prose(confusion) and "holds" in _prose(confusion)


def test_story_on_two_dimensional_data():
    from gmm_math.derivations.core.data import Dataset
    from gmm_math.numerics.explain.build import build_story

    story = build_story(Dataset.from_text("0,0;1,1;3,2;3,2"), point=2, seed=5)
    assert story.figure_keys() == ("limit", "em", "em-ridge")  # Fig. 9.7 is 1-D only
    mixture = next(s for s in story.sections if s.key == "mixture")
    prose = " ".join(b.text for b in mixture.blocks if hasattr(b, "text"))
    assert "r = 2 point(s) at x_n and D = 2" in prose and "\u2212rD = -4;" in prose


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=2, max_size=5, unique=True), st.data())
def test_factor_limits_grow_only_at_the_point(values, data):
    """The point under the mean: factor -> oo; every other distinct distance: factor -> 0 (SymPy limits)."""
    import sympy as sp

    from gmm_math.derivations.core.data import Dataset
    from gmm_math.numerics.explain.build import _factor_limits

    point = data.draw(st.integers(0, len(values) - 1))
    limits = [eq.rhs for eq in _factor_limits(Dataset.from_text(",".join(map(str, values))), point)]
    assert limits[0] == sp.oo and all(v == 0 for v in limits[1:])


def test_remedy_kinds_follow_the_limit_and_the_em_objective():
    import sympy as sp

    from gmm_math.numerics.explain.remedy_story import kind

    assert kind("ridge", sp.Float(0.7)) == kind("map", -sp.oo) == "bounds the objective"
    assert kind("reset", sp.oo) == kind("restart", sp.oo) == "guards the algorithm only"
    assert kind("ratio", sp.oo).startswith("changes the objective, but does not bound it")


def test_a_remedy_that_refuses_the_data_is_reported_not_fatal():
    from gmm_math.derivations.core.data import Dataset
    from gmm_math.numerics.explain.remedy_story import _derivations

    derived, refused = _derivations(Dataset.from_text("2,2,2"), 0)
    assert set(derived) | set(refused) == {"ridge", "map", "penalty", "ratio", "reset"}
    assert "penalty" in refused and "equal" in refused["penalty"]
