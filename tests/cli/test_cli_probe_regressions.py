"""Inputs a probe of the merged CLI crashed on or answered untruly: each now succeeds or is one clean line."""

from __future__ import annotations

import json

import pytest

from conftest import assert_one_line_error


@pytest.mark.parametrize("args, needle", [
    (["evaluate", "--data", "1e300,-1e300", "--sigma", "1"], "beyond float64's range"),
    (["derive", "em-step", "--data", "1e300,0"], "beyond float64's range"),
    (["plot-collapse", "--scales", "1e-300"], "--scales"),
    (["check", "limit", "x", "--var", "x", "--to", "foo"], "--to"),
])
def test_extreme_or_malformed_input_is_one_line(cli, tmp_path, args, needle):
    extra = ["--out", str(tmp_path / "c.png")] if args[0] == "plot-collapse" else []
    assert_one_line_error(cli(*args, *extra), needle)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("s0", ["1e-301", "1e-1000"])
def test_em_step_from_below_float64(cli_json, s0):
    out = cli_json("derive", "em-step", "--s0", s0, "--format", "json")
    assert out["case"] == "em-step"


def test_em_step_on_tiny_data_finds_its_fixed_points(cli):
    assert cli("derive", "em-step", "--data", "1e-300,0,1").exit_code == 0


def test_a_nan_row_is_bad_data_not_a_header(cli, tmp_path):
    path = tmp_path / "nan.csv"
    path.write_text("1,nan\n0,0\n1,1\n3,2\n")
    assert_one_line_error(cli("em", "--data-file", str(path), "-k", "2", "-q"), "NaN")
    path.write_text("x,y\n0,0\n1,1\n3,2\n")
    assert cli("em", "--data-file", str(path), "-k", "2", "-q").exit_code == 0


def test_check_em_step_keeps_the_digits_large_data_need(cli):
    """1e40 against means 0 and 1: each point belongs to the nearer mean, not 0.5/0.5 (30 digits lose 1e40)."""
    out = json.loads(cli("check", "em-step", "--data", "1e40,-1e40", "--means", "0,1", "--format", "json").stdout)
    responsibilities = [[float(v) for v in row] for row in out["step"]["responsibilities"]]
    assert responsibilities[0][1] == pytest.approx(1.0) and responsibilities[1][0] == pytest.approx(1.0)


def test_explain_titles_follow_the_computed_limit(cli, tmp_path):
    result = cli("explain", "--data", "0,0,0", "--format", "md", "--out", str(tmp_path), "-q")
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "explain.md").read_text()
    assert "## 2. One Gaussian on a data point: L → ∞" in text and "L → 0" not in text.split("## 3.")[0]
