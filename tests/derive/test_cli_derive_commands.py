"""`gmm-math derive single|mixture` through the CLI: every format, the JSON contract, bad input."""

from __future__ import annotations

import shutil
import subprocess

import mpmath
import pytest
from conftest import assert_one_line_error

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.numerics.loglik import log_likelihood

KEYS = {"case", "assumptions", "steps", "limit", "leading_term", "numeric_check", "dps"}


def test_json_contract_single(cli_json):
    out = cli_json("derive", "single", "--format", "json")
    assert KEYS <= out.keys()
    assert out["case"] == "single"
    assert out["limit"] == {"likelihood": "0", "log_likelihood": "-oo"}
    assert out["leading_term"] == "-S/(2*sigma**2)"
    assert all(isinstance(a, str) for a in out["assumptions"])
    assert all({"title", "text", "latex"} <= s.keys() for s in out["steps"])
    assert [c["sigma"] for c in out["numeric_check"]] == ["1e-1", "1e-10", "1e-100", "1e-1000"]
    assert out["dps"] == 50
    # the decimal strings are the mpmath values of the documented example, to 50 digits
    model = CollapseModel.single(Dataset.from_text("0,1,3"), 0)
    for row in out["numeric_check"]:
        with mpmath.workdps(50):
            expected = log_likelihood(model, row["sigma"], dps=50)
            assert mpmath.almosteq(mpmath.mpf(row["log_likelihood"]), expected, rel_eps=mpmath.mpf(10) ** -48)
        assert len(row["log_likelihood"].lstrip("-").split("e")[0].replace(".", "")) == 50


def test_json_contract_mixture_2d(cli_json):
    out = cli_json("derive", "mixture", "--dim", "2", "--format", "json", "--dps", "20")
    assert out["case"] == "mixture"
    assert out["limit"] == {"likelihood": "oo", "log_likelihood": "oo"}
    assert out["leading_term"] == "-2*log(sigma)"
    assert out["dps"] == 20
    values = [mpmath.mpf(c["log_likelihood"]) for c in out["numeric_check"]]
    assert values == sorted(values)


def test_mixture_with_data_and_parameters(cli_json):
    out = cli_json("derive", "mixture", "--data", "0,1,3,0", "--components", "3", "--weights", "0.5,0.25,0.25",
                   "--means", "1,3", "--scales", "1,2", "-f", "json")
    assert out["leading_term"] == "-2*log(sigma)"
    assert out["limit"]["log_likelihood"] == "oo"


def test_data_file(cli_json, tmp_path):
    path = tmp_path / "pts.csv"
    path.write_text("x,y\n0,0\n1,1\n3,2\n")
    out = cli_json("derive", "single", "--data-file", str(path), "--point", "1", "-f", "json")
    assert out["leading_term"] == "-7/(2*sigma**2)"  # S = (1+1) + 0 + (4+1) around (1,1)


def test_text_output_is_readable(cli):
    result = cli("derive", "mixture", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "Numeric check" in result.stdout and "xₙ" in result.stdout and "x[n]" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_markdown(cli):
    result = cli("derive", "single", "-f", "markdown")
    assert result.exit_code == 0
    assert result.stdout.count("$$") % 2 == 0 and result.stdout.count("$$") >= 12
    assert "| 1e-1000 |" in result.stdout


def test_latex_compiles(cli, tmp_path):
    """With exactly the documented preamble (article + amsmath); every output is compiled in test_rendering."""
    result = cli("derive", "mixture", "--covariance", "full", "--dim", "3", "-f", "latex")
    assert result.exit_code == 0
    fragment = result.stdout
    assert fragment.count(r"\begin{align*}") == fragment.count(r"\end{align*}") >= 5
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed")
    (tmp_path / "frag.tex").write_text(fragment)
    (tmp_path / "doc.tex").write_text("\\documentclass{article}\\usepackage{amsmath}"
                                      "\\begin{document}\\input{frag.tex}\\end{document}\n")
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_all_equal_data_diverges(cli_json):
    out = cli_json("derive", "single", "--data", "4,4", "-f", "json")
    assert out["limit"] == {"likelihood": "oo", "log_likelihood": "oo"}
    assert out["leading_term"] == "-2*log(sigma)"


@pytest.mark.parametrize("args, needle", [
    (["single", "--data", "0,abc"], "abc"),
    (["single", "--data", "0,nan"], "nan"),
    (["single", "--data", "0,inf"], "inf"),
    (["single", "--data", "0,1;2"], "ragged"),
    (["single", "--data", ""], "empty"),
    (["single", "--data", "0,1", "--point", "2"], "out of range"),
    (["single", "--data", "0,1", "--point", "-1"], "out of range"),
    (["single", "--point", "5"], "needs --data"),  # without data the example's x_n = point 0 is used
    (["mixture", "--point", "1"], "needs --data"),
    (["single", "--data", "\u0661,\u0662"], "not a finite decimal"),  # Arabic-Indic digits
    (["single", "--dim", "0"], "--dim"),
    (["single", "--dps", "14"], "--dps"),
    (["single", "--dps", "10001"], "--dps"),
    (["single", "--data-file", "/nonexistent/x.csv"], "cannot read"),
    (["single", "--data", "1,2", "--data-file", "x.csv"], "not both"),
    (["single", "--format", "pdf"], "--format"),
    (["mixture", "--components", "1"], "derive single"),
    (["mixture", "--components", "0"], "between 2"),
    (["mixture", "--dim", "0"], "--dim"),
    (["mixture", "--data", "0,1,3", "--weights", "-0.5,1.5"], "non-negative"),
    (["mixture", "--data", "0,1,3", "--weights", "0.5,0.4"], "sum to 1"),
    (["mixture", "--data", "0,1,3", "--weights", "0.5,0.25,0.25"], "--weights"),
    (["mixture", "--data", "0,1,3", "--scales", "0"], "positive"),
    (["mixture", "--data", "0,1,3", "--scales", "-1"], "positive"),
    (["mixture", "--data", "0,1,3", "--means", "x"], "--means"),
    (["mixture", "--data", "0,0;1,1", "--means", "1"], "1-D"),
    (["mixture", "--multiplicity", "0"], "multiplicity"),
    (["mixture", "--covariance", "diag"], "--covariance"),
    # an explicit --dim that contradicts the data is refused, --dim 1 included (it used to be ignored)
    (["single", "--dim", "1", "--data", "0,0;1,1"], "2 coordinates"),
    (["mixture", "--dim", "1", "--data", "0,0;1,1;3,3"], "--dim 1 does not match"),
    (["mixture", "--dim", "2", "--data", "0,1,3"], "1 coordinate"),
    (["remedy", "ridge", "--dim", "1", "--data", "0,0;1,1;3,3"], "--dim 1 does not match"),
])
def test_bad_input(cli, args, needle):
    assert_one_line_error(cli("derive", *args), needle)


@pytest.mark.parametrize("command", [["single"], ["mixture"], ["remedy", "ridge"]])
def test_dim_is_read_from_the_data_and_may_be_stated(cli_json, command):
    data = ["--data", "0,0;1,1;3,3", "-f", "json"]
    assert cli_json("derive", *command, *data) == cli_json("derive", *command, "--dim", "2", *data)


def test_unreadable_file(cli, tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(b"\xff\xfe\x00\x01")
    assert_one_line_error(cli("derive", "single", "--data-file", str(path)), "cannot read")


def test_isotropic_is_an_alias_of_spherical(cli):
    spherical = cli("derive", "mixture", "--covariance", "spherical", "-f", "json")
    isotropic = cli("derive", "mixture", "--covariance", "isotropic", "-f", "json")
    assert spherical.exit_code == 0 and spherical.stdout == isotropic.stdout
