"""Every derive / derive remedy / derive degenerate output through the real renderers.

LaTeX is compiled with pdflatex (the documented preamble: article + amsmath, nothing else) and its log read for
errors and overfull boxes; every Markdown maths block is rendered by KaTeX (throwOnError); the Markdown is
parsed as CommonMark. All outputs go into ONE pdflatex run and ONE node run to keep this lean; the tests skip
with a reason where pdflatex / node / the katex package are missing (.ci/run installs them).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from markdown_it import MarkdownIt

from gmm_math.cli.render import LATEX_PREAMBLE, latex_document
from gmm_math.derivations.printing import latex_text, prose_latex, prose_markdown, prose_text

CASES = {
    "single": ["derive", "single"],
    "single-2d": ["derive", "single", "--dim", "2"],
    "single-data": ["derive", "single", "--data", "0,0,1,3"],
    "mixture": ["derive", "mixture"],
    "mixture-2d": ["derive", "mixture", "--dim", "2"],
    "mixture-data": ["derive", "mixture", "--data", "0,0,1,3"],
    "mixture-k3": ["derive", "mixture", "-k", "3"],
    "mixture-full-2d": ["derive", "mixture", "--covariance", "full", "--dim", "2"],
    "mixture-full-3d": ["derive", "mixture", "--covariance", "full", "--dim", "3"],
    **{f"remedy-{name}": ["derive", "remedy", name]
       for name in ("ridge", "map", "penalty", "ratio", "reset", "reparam")},
    "remedy-ratio-2d": ["derive", "remedy", "ratio", "--data", "0,0;1,0.5;3,2;3,3;-1,2", "--c", "0.2",
                        "--components", "3"],
    "remedy-ridge-k3-data": ["derive", "remedy", "ridge", "--components", "3", "--data", "0,1,3,4,7"],
    "degenerate": ["derive", "degenerate"],
}
KATEX_DIR = Path(os.environ.get("GMM_MATH_KATEX", Path(__file__).parents[2] / ".ci" / "katex" / "node_modules"))
OVERFULL = re.compile(r"Overfull \\hbox \(([\d.]+)pt too wide\)")


@pytest.fixture(scope="module")
def outputs():
    """{(case, format): stdout} for every case in latex and markdown, produced by the CLI."""
    from typer.testing import CliRunner

    from gmm_math.cli.main import app

    runner, out = CliRunner(), {}
    for case, args in CASES.items():
        for fmt in ("latex", "markdown"):
            result = runner.invoke(app, [*args, "-f", fmt])
            assert result.exit_code == 0, (case, fmt, result.stderr)
            out[case, fmt] = result.stdout
    return out


def _outside_maths(latex_source: str) -> list[str]:
    """The text-mode pieces of a fragment: outside ``$...$`` and outside ``align*``."""
    body = re.sub(r"\\begin\{align\*\}.*?\\end\{align\*\}", "", latex_source, flags=re.S)
    body = "\n".join(line for line in body.splitlines() if not line.startswith("%"))
    return body.split("$")[::2]


@pytest.mark.slow
def test_every_latex_output_compiles_without_overfull_boxes(outputs, tmp_path):
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed (Debian: apt-get install texlive-latex-base; .ci/run installs it)")
    parts = [rf"\typeout{{CASE {case}}}" + "\n" + outputs[case, "latex"] + "\\clearpage\n" for case in CASES]
    (tmp_path / "all.tex").write_text(latex_document("".join(parts)))
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "all.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    log = (tmp_path / "all.log").read_text(errors="replace")
    assert proc.returncode == 0, log[-3000:]
    assert "! " not in log and "Missing character" not in log
    case, overfull = None, []
    for line in log.splitlines():
        case = line[5:] if line.startswith("CASE ") else case
        match = OVERFULL.search(line)
        if match and float(match.group(1)) > 1:
            overfull.append((case, float(match.group(1))))
    assert overfull == []
    assert log.count("CASE ") == len(CASES)


def test_latex_needs_only_the_documented_preamble(outputs):
    assert LATEX_PREAMBLE == "\\documentclass{article}\n\\usepackage{amsmath}\n"
    for case in CASES:
        fragment = outputs[case, "latex"]
        body = "\n".join(line for line in fragment.splitlines() if not line.startswith("%"))
        assert r"\mathbb" not in body and r"\usepackage" not in body and r"\documentclass" not in body
        assert "% needs: \\documentclass{article} \\usepackage{amsmath}" in fragment


def test_latex_prose_is_escaped_and_uses_inline_maths(outputs):
    for case in CASES:
        fragment = outputs[case, "latex"]
        for piece in _outside_maths(fragment):
            bare = re.sub(r"\\[A-Za-z]+(\{\})?|\\[_%&#$^{}~]", "", piece)
            assert not re.search(r"[<>|^_]", bare), (case, piece)
            assert "->" not in piece and not re.search(r"\bsigma\b", piece), (case, piece)
    assert r"$\sigma \to 0^+$" in outputs["single", "latex"]
    assert r"$\sigma^{2} I$" in outputs["single", "latex"]


@pytest.mark.parametrize("dps", [50, 23])
def test_latex_numeric_check_prints_the_digits_it_announces(cli, dps):
    fragment = cli("derive", "single", "--dps", str(dps), "-f", "latex").stdout
    assert f"mpmath, {dps} significant digits" in fragment
    numbers = re.findall(r"\\colon\\quad (-?[\d.]+)", fragment)
    assert len(numbers) == 4
    for number in numbers:
        assert len(number.lstrip("-").replace(".", "").lstrip("0")) == dps, number


def _maths_blocks(markdown: str) -> list[str]:
    return re.findall(r"^\$\$\n(.*?)\n\$\$$", markdown, flags=re.S | re.M)


@pytest.mark.slow
def test_every_markdown_maths_block_renders_in_katex(outputs):
    if shutil.which("node") is None or not (KATEX_DIR / "katex").is_dir():
        pytest.skip(f"node or the katex package not installed (npm install --prefix .ci/katex katex; looked in "
                    f"{KATEX_DIR}, set GMM_MATH_KATEX to override)")
    blocks = [(case, tex) for case in CASES for tex in _maths_blocks(outputs[case, "markdown"])]
    assert len(blocks) > 5 * len(CASES)
    script = Path(__file__).with_name("katex_check.js")
    proc = subprocess.run(["node", str(script), str(KATEX_DIR / "katex")], capture_output=True, text=True,
                          input=json.dumps([[tex, True] for _, tex in blocks]), timeout=300)
    assert proc.returncode == 0, proc.stderr
    errors = [(case, tex, err) for (case, tex), err in zip(blocks, json.loads(proc.stdout)) if err]
    assert errors == []


def test_katex_check_can_fail():
    if shutil.which("node") is None or not (KATEX_DIR / "katex").is_dir():
        pytest.skip("node or the katex package not installed")
    script = Path(__file__).with_name("katex_check.js")
    proc = subprocess.run(["node", str(script), str(KATEX_DIR / "katex")], capture_output=True, text=True,
                          input=json.dumps([[r"\mathbb{I} \frac{1}", True], [r"\frac{1}{2}", True]]), timeout=60)
    first, second = json.loads(proc.stdout)
    assert first and second is None


def test_markdown_parses_as_commonmark(outputs):
    md = MarkdownIt("commonmark").enable("table")
    for case in CASES:
        source = outputs[case, "markdown"]
        tokens = md.parse(source)
        headings = [t for t in tokens if t.type == "heading_open"]
        assert len(headings) == source.count("\n### ") + 1
        assert any(t.type == "table_open" for t in tokens), case
        for block in _maths_blocks(source):
            inline = next(t for t in tokens if t.type == "inline" and block.splitlines()[0] in t.content)
            assert not any(c.type in ("em_open", "strong_open", "link_open", "html_inline")
                           for c in inline.children), (case, block)


def test_markdown_prose_reads_back_as_the_unicode_text(cli_json, outputs):
    md = MarkdownIt("commonmark")
    steps = cli_json("derive", "remedy", "ridge", "-f", "json")["steps"]
    rendered = md.render(outputs["remedy-ridge", "markdown"])
    for step in steps:
        paragraph = md.render(prose_markdown(step["text"])).strip()
        assert paragraph in rendered
        expected = prose_text(step["text"]).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert paragraph == f"<p>{expected}</p>".replace('"', "&quot;")


# --- notation: one printer for text, LaTeX and Markdown -------------------------------------------------------

def test_text_uses_textbook_notation(cli):
    mixture = cli("derive", "mixture", env={"COLUMNS": "100"}).stdout
    assert "πₖ 𝒩(xₘ | μₖ, Σₖ)" in mixture and "log π₁" in mixture
    ridge = cli("derive", "remedy", "ridge", env={"COLUMNS": "100"}).stdout
    assert "λᵢ" in ridge and "log L_ε" in ridge
    single = cli("derive", "single", env={"COLUMNS": "100"}).stdout
    assert "(xₘ − μ)" in single
    for out in (mixture, ridge, single):
        for old in ("Normal(", "pi[", "lambda[", "Lₑₚₛᵢₗₒₙ", "x[m]", "-μ + x", "𝕀", "sigma"):
            assert old not in out, old


def test_latex_and_markdown_use_the_same_notation(outputs):
    for fmt in ("latex", "markdown"):
        mixture = outputs["mixture", fmt]
        assert r"\pi_{k} \mathcal{N}\left(x_{m} \,\middle|\, \mu_{k}, \Sigma_{k}\right)" in mixture
        assert r"\log \pi_{1}" in mixture
        ridge = outputs["remedy-ridge", fmt]
        assert r"L_{\epsilon}" in ridge and r"\lambda_{i}" in ridge
        assert r"\left(x_{m} - \mu\right)^{2}" in outputs["single", fmt]


def test_repr_latex_uses_the_textbook_printer():
    from gmm_math.derivations.mixture import mixture_collapse
    from gmm_math.derivations.printing import latex

    derivation = mixture_collapse()
    shown = derivation._repr_latex_()
    for step in derivation.steps:
        for expr in step.exprs:
            assert latex(expr) in shown
    assert r"\mathcal{N}" in shown and "Normal" not in shown


# --- text at 80 columns -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["mixture", "mixture-full-3d", "remedy-ridge", "remedy-map", "remedy-reset",
                                  "remedy-ratio-2d", "degenerate"])
def test_text_fits_80_columns_and_bullets_keep_their_indent(cli, case):
    out = cli(*CASES[case], env={"COLUMNS": "80"}).stdout
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "↪" not in out
    first = next(i for i, line in enumerate(lines) if line.startswith("  • "))
    for line in lines[first:]:
        if not line.strip():
            break
        assert line.startswith(("  • ", "    ")), line


def test_a_term_too_wide_to_draw_is_written_on_lines_not_cut(cli):
    """Three components on five points: each point's log-sum is wider than 80 columns by itself."""
    out = cli("derive", "remedy", "ridge", "--components", "3", "--data", "0,1,3,4,7", env={"COLUMNS": "80"}).stdout
    assert "↪" not in out and max(map(len, out.splitlines())) <= 80
    assert "+ log(500⋅√2⋅exp(−24500000)/(3⋅√π) +" in out  # the textbook's notation, on one line


def test_ridge_limit_is_broken_into_whole_terms(cli):
    out = cli("derive", "remedy", "ridge", env={"COLUMNS": "80"}).stdout
    step = out.split("Limit along the collapse")[1].split("\n6.")[0]
    assert step.count("+ log") == 2 and "↪" not in step


# --- the remedied objective is named ----------------------------------------------------------------------------

OBJECTIVES = {"map": ("log posterior", "log p"), "penalty": ("penalised log-likelihood", "log L_pen"),
              "reparam": ("penalised log-likelihood", "log L_pen"),
              "ratio": ("log-likelihood under the ratio constraint", "log L"),
              "ridge": ("regularised log-likelihood", "log L_ε"), "reset": ("log-likelihood (unchanged)", "log L_reset")}


@pytest.mark.parametrize("name", sorted(OBJECTIVES))
def test_remedy_names_its_objective(cli, cli_json, name):
    objective, symbol = OBJECTIVES[name]
    out = cli_json("derive", "remedy", name, "-f", "json")
    assert out["objective"] == objective
    text = cli("derive", "remedy", name, env={"COLUMNS": "200"}).stdout
    assert f"Result as σ → 0⁺\n  objective: {symbol}, the {objective}\n" in text
    assert f"{symbol} → " in text
    head = next(line for line in text.splitlines() if line.startswith("┃"))
    assert symbol in head and (objective in head or objective == "log-likelihood")


def test_plain_derivations_keep_the_log_likelihood(cli_json):
    for args in (["single"], ["mixture"], ["degenerate"]):
        assert cli_json("derive", *args, "-f", "json")["objective"] == "log-likelihood"


# --- prose conversion, for any text -----------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abxnsigmSKDN_^()<>|=+-/.,;:0123 \\{}$%&#~'")), max_size=60))
def test_prose_latex_is_balanced_and_escaped(text):
    out = prose_latex(text)
    pieces = re.split(r"(?<!\\)\$", out)
    assert len(pieces) % 2 == 1
    for piece in pieces[::2]:
        bare = re.sub(r"\\[A-Za-z]+(\{\})?|\\[_%&#$^{}~\\]", "", piece)
        assert not re.search(r"[<>|^_%&#{}~\\]", bare), (text, out)
    for piece in pieces[1::2]:
        bare = piece.replace(r"\{", "").replace(r"\}", "")
        assert bare.count("{") == bare.count("}"), (text, out)


@given(st.lists(st.sampled_from(["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dogs", ",", ".", ";"]),
                max_size=20).map(" ".join))
def test_prose_without_maths_is_unchanged(text):
    assert prose_text(text) == text
    assert prose_latex(text) == latex_text(text)


PROSE_PIECES = [*"abxnsigmSKDN_^()<>|=+-/.,;:0123 \\{}$%&#~'*!?\"@", "sigma", "->", "0+", "log(", "sqrt(", "x_n",
                "(s)", "..", "||", "mu_1", "a", "I", "N(", "exp(", "^(", "tr(", "sum_m", "eps", "d_min", "tau2", "s*"]


@pytest.mark.slow
def test_any_prose_compiles(tmp_path):
    """Seeded random prose (maths fragments, TeX's special characters, unbalanced parentheses) compiles."""
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed (Debian: apt-get install texlive-latex-base; .ci/run installs it)")
    import random

    rng = random.Random(0)
    texts = ["".join(rng.choice(PROSE_PIECES) for _ in range(rng.randint(1, 40))) for _ in range(1500)]
    body = "\n\n".join(rf"\noindent {prose_latex(text)}" for text in texts)
    (tmp_path / "prose.tex").write_text(latex_document(body + "\n"))
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "prose.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
