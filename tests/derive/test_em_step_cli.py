"""gmm-math derive em-step and plot-em-map from the command line: formats, the JSON contract, images, bad input."""

from __future__ import annotations

import pytest

from conftest import assert_one_line_error

SIGNATURES = {".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-", ".svg": b"<?xml"}
BASIN = "0,1,2,3,10"
FAST_PLOT = ["--dps", "20", "--dpi", "30"]


def _step(payload: dict, title_start: str) -> dict:
    (step,) = [s for s in payload["steps"] if s["title"].startswith(title_start)]
    return step


def test_json_contract_and_numbers(cli_json):
    payload = cli_json("derive", "em-step", "--format", "json")
    assert payload["case"] == "em-step"
    assert {"case", "title", "assumptions", "steps", "limit", "leading_term", "numeric_check", "dps"} <= set(payload)
    assert payload["limit"]["log_likelihood"] == "oo" and payload["numeric_trend_agrees"] is True
    assert "Eq(C, sqrt(14)*exp(1/28)/3)" in _step(payload, "Asymptotics")["sympy"]
    assert "Eq(delta, 1)" in _step(payload, "Asymptotics")["sympy"]
    assert "Eq(t_below, 3)" in _step(payload, "EM from s_0 = 0.1")["sympy"]
    code = _step(payload, "Checked against the EM code")
    assert "Eq(t_fit, 3)" in code["sympy"] and "Eq(t_predicted, 3)" in code["sympy"]
    assert "as predicted" in code["text"]
    assert _step(payload, "Positive fixed points")["text"].startswith("None: f(s) < s for every s > 0")


def test_basin_boundary_shown(cli_json):
    payload = cli_json("derive", "em-step", "--data", BASIN, "--s0", "0.2", "--format", "json", "--dps", "30")
    fixed = _step(payload, "Positive fixed points")
    assert any(line.startswith("Eq(s*_1, 0.10832") for line in fixed["sympy"])
    assert any(line.startswith("Eq(s*_2, 2.16287") for line in fixed["sympy"])
    assert "converges to the fixed point" in _step(payload, "EM from s_0 = 0.2")["text"]


@pytest.mark.parametrize("fmt, marker", [("text", "The variance map"), ("latex", r"\begin{align*}"),
                                         ("markdown", "## EM near a collapse")])
def test_other_formats(cli, fmt, marker):
    result = cli("derive", "em-step", "--format", fmt, "--dps", "20")
    assert result.exit_code == 0, result.stderr
    assert marker in result.stdout


def test_far_below_float64(cli_json):
    payload = cli_json("derive", "em-step", "--s0", "1e-5", "--below", "1e-100000", "--format", "json")
    step = _step(payload, "EM from s_0 = 1e-5")
    assert "Eq(t_below, 2)" in step["sympy"]
    assert step["sympy"][-1].startswith("Eq(log10(s_2), -2.81044")


@pytest.mark.parametrize("options, fragment", [
    (["--s0", "-1"], "--s0"),
    (["--s0", "abc"], "--s0"),
    (["--below", "0"], "--below"),
    (["--data", "2,2,2"], "equals x_n"),
    (["--data", "0,0;1,1;3,2"], "1-D"),
    (["--point", "3"], "--point"),
    (["--dps", "5"], "--dps"),
    (["--components", "1"], "single"),
    (["--weights", "0.5,0.6"], "weights"),
])
def test_derive_bad_input(cli, options, fragment):
    assert_one_line_error(cli("derive", "em-step", *options), fragment)


@pytest.mark.parametrize("suffix", sorted(SIGNATURES))
def test_plot_writes_each_format(cli, tmp_path, suffix):
    out = tmp_path / "nested" / f"map{suffix}"
    result = cli("plot-em-map", *FAST_PLOT, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out}"
    payload = out.read_bytes()
    assert payload.startswith(SIGNATURES[suffix]) and len(payload) > 2000
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_plot_is_reproducible_and_depends_on_data(cli, tmp_path):
    a, b, c = (tmp_path / f"{n}.svg" for n in "abc")
    for out, data in ((a, BASIN), (b, BASIN), (c, "0,1,3")):
        assert cli("plot-em-map", *FAST_PLOT, "--data", data, "--out", str(out)).exit_code == 0
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()


def test_plot_png_has_ink(cli, tmp_path):
    import matplotlib.image
    import numpy as np

    out = tmp_path / "map.png"
    assert cli("plot-em-map", *FAST_PLOT, "--data", BASIN, "--s0", "0.05,0.3", "--out", str(out)).exit_code == 0
    pixels = matplotlib.image.imread(out)
    assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 20
    assert (pixels[..., :3] < 0.5).mean() > 0.002


@pytest.mark.parametrize("options, fragment", [
    (["--s0", "0"], "--s0"),
    (["--s0", ",".join(["0.1"] * 7)], "--s0"),
    (["--below", "x"], "--below"),
    (["--data", "0,0;1,1"], "1-D"),
    (["--dpi", "5"], "--dpi"),
])
def test_plot_bad_input_writes_nothing(cli, tmp_path, options, fragment):
    out = tmp_path / "map.png"
    assert_one_line_error(cli("plot-em-map", *FAST_PLOT, *options, "--out", str(out)), fragment)
    assert not out.exists()


def test_plot_bad_suffix(cli, tmp_path):
    assert_one_line_error(cli("plot-em-map", "--out", str(tmp_path / "map.gif")), "unknown image type")


def test_start_beyond_float64_runs_no_free_fit(cli_json):
    payload = cli_json("derive", "em-step", "--s0", "1e400", "--format", "json", "--dps", "20")
    code = _step(payload, "Checked against the EM code")
    assert "no free fit is run" in code["text"]
    assert [line.split(",")[0] for line in code["sympy"]] == ["Eq(err_step", "Eq(err_path"]
    assert "Eq(t_below, 27)" in _step(payload, "EM from s_0 = 1e400")["sympy"]
