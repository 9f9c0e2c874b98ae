"""The remedied curve for `plot-limit --remedy`: its data are the mpmath remedied objective, and it draws."""

from __future__ import annotations

import math
from pathlib import Path

import mpmath
import pytest
import sympy as sp
from conftest import assert_one_line_error

from gmm_math.cli.plots.remedy import remedy_derivation, remedy_series, with_remedy
from gmm_math.numerics.objectives import log_objective
from gmm_math.numerics.sigma_text import sigma_grid

PARAMS = {"weights": None, "means": None, "scales": None}


def _limit_plot(start=1.0, stop=-60.0, points=62):
    from gmm_math.cli.plots.commands import limit_figure_data

    return limit_figure_data(None, 0, 2, PARAMS, sigma_grid(start, stop, points), 30)


@pytest.mark.parametrize("name", ["ridge", "map", "penalty"])
def test_series_are_the_remedied_objective(name):
    sigmas = sigma_grid(1.0, -60.0, 62)
    plot = with_remedy(_limit_plot(), name, None, 0, 2, PARAMS, sigmas, 30)
    raw = next(s for s in plot.series if s.panel == "mixture" and s.role == "exact")
    added = [s for s in plot.series if s.role == "remedy"]
    derivation = remedy_derivation(name, None, 0, 2, PARAMS)
    mixture = next(s for s in added if s.panel == "mixture")
    assert mixture.x == raw.x
    for sigma, y in zip(sigmas, mixture.y):
        value = float(log_objective(derivation, sigma, 30))
        assert (math.isnan(y) and value < min(raw.y)) or y == pytest.approx(value, rel=1e-12)
    if name == "ridge":  # a finite limit: the curve flattens at it, nothing leaves the axis
        assert len(added) == 1 and not any(math.isnan(v) for v in mixture.y)
        assert mixture.y[-1] == pytest.approx(float(sp.N(derivation.limit_log_likelihood)), rel=1e-12)
    else:  # -oo: it leaves the linear axis and is drawn in full on the log-scale panel
        single = next(s for s in added if s.panel == "single")
        assert math.isnan(mixture.y[-1]) and "leaves the axis" in mixture.label
        value = log_objective(derivation, sigmas[-1], 30)
        assert single.y[-1] == pytest.approx(float(mpmath.log10(-value)), rel=1e-12)


def test_labels_carry_the_symbolic_limit():
    derivation = remedy_derivation("map", None, 0, 2, PARAMS)
    series = remedy_series(derivation, "map", (0.0, -1.0), [mpmath.mpf(-1), mpmath.mpf(-1e9)], (0.0, 10.0))
    assert "infty" in series[0].label and "sigma" in series[1].label


def test_figure_with_a_remedy_is_written(tmp_path: Path):
    from gmm_math.cli.plots.base import save_figure
    from gmm_math.cli.plots.limit_draw import draw_limit

    plot = with_remedy(_limit_plot(), "penalty", None, 0, 2, PARAMS, sigma_grid(1.0, -60.0, 62), 30)
    written = save_figure(draw_limit(plot, 1.0, -60.0), tmp_path / "limit.png", 60)
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", ["ridge", "map", "penalty"])
def test_plot_limit_remedy_option(cli, tmp_path, name):
    out = tmp_path / f"limit-{name}.png"
    result = cli("plot-limit", "--remedy", name, "--to", "-40", "--points", "41", "--dps", "20", "--dpi", "40",
                 "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_limit_bad_remedy(cli, tmp_path):
    out = tmp_path / "x.png"
    assert_one_line_error(cli("plot-limit", "--remedy", "reset", "--out", str(out)), "--remedy")
    assert not out.exists()
