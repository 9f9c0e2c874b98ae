"""The numbers behind plot-limit are `evaluate`'s (evaluate_table) and the derivations'; drawing is data-driven."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import pytest

from gmm_math.cli.plots.limit import PANELS, LimitPlot, Series
from gmm_math.cli.plots.limit_draw import draw_limit
from gmm_math.cli.plots.commands import limit_figure_data
from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.mixture import mixture_collapse
from gmm_math.derivations.core.model import example_data
from gmm_math.derivations.single import single_gaussian_collapse
from gmm_math.numerics.limit_panels import panel_value
from gmm_math.numerics.sigma_text import sigma_grid
from gmm_math.numerics.sweep import evaluate_table, parse_sweep

SWEEP = "1:-400:12"
NO_OPTIONS = {"weights": None, "means": None, "scales": None}


@pytest.fixture(scope="module")
def example():
    """The default plot's data behind the figure (fewer sigma) and the table it must reproduce."""
    data = example_data()
    plot = limit_figure_data(None, 0, 2, NO_OPTIONS, parse_sweep(SWEEP), 30)
    table = evaluate_table(data, 0, sigmas=parse_sweep(SWEEP), dps=30, components=2)
    return plot, table


def by(plot: LimitPlot, panel: str, role: str) -> Series:
    (series,) = [s for s in plot.series if s.panel == panel and s.role == role]
    return series


def test_exact_curves_are_evaluates_mpmath_columns(example):
    plot, table = example
    for panel, column in (("mixture", "log_likelihood_mixture"), ("single", "log_likelihood_single")):
        series = by(plot, panel, "exact")
        assert series.x == pytest.approx([float(row.log10_sigma) for row in table.rows], abs=1e-12)
        for y, row in zip(series.y, table.rows):
            value = getattr(row, column)
            expected = float(value) if panel == "mixture" else float(mpmath.log10(-value))
            assert y == pytest.approx(expected, rel=1e-12)
    assert series.x[0] == pytest.approx(1.0) and series.x[-1] == pytest.approx(-400.0)


def test_float64_markers_are_evaluates_float64_columns(example):
    plot, table = example
    for route, prefix in (("float64", "float64_"), ("naive", "float64_naive_")):
        for panel in PANELS:
            series = by(plot, panel, route)
            for y, row in zip(series.y, table.rows):
                value = getattr(row, prefix + panel)
                if value is None or not math.isfinite(value) or (panel == "single" and value >= 0):
                    assert math.isnan(y)
                else:
                    assert y == (value if panel == "mixture" else math.log10(-value))


def _wrong(row, attribute: str, exact) -> bool:
    """Independent of the flags: the float64 value is missing or off by more than 1e-9 relative."""
    value = getattr(row, attribute)
    if value is None or not math.isfinite(value):
        return True
    return abs(mpmath.mpf(value) - exact) > 1e-9 * abs(exact)


def test_breakdowns_mark_the_first_sigma_where_float64_is_wrong(example):
    plot, table = example
    assert {(b.panel, b.route) for b in plot.breakdowns} == {(p, r) for p in PANELS for r in ("float64", "naive")}
    for b in plot.breakdowns:
        attribute = ("float64_" if b.route == "float64" else "float64_naive_") + b.panel
        exact = [getattr(row, f"log_likelihood_{b.panel}") for row in table.rows]
        wrong = [_wrong(row, attribute, e) for row, e in zip(table.rows, exact)]
        first = wrong.index(True) if any(wrong) else None
        assert b.log10_sigma == (None if first is None else pytest.approx(float(table.rows[first].log10_sigma)))
        assert (b.flags != ()) == (first is not None)
    # float64 cannot even hold sigma = 1e-400: every route must have broken down by the last row
    assert all(b.log10_sigma is not None for b in plot.breakdowns)


def test_notes_show_the_derivations_limits_and_leading_terms(example):
    plot, table = example
    single = single_gaussian_collapse(data=example_data())
    mixture = mixture_collapse(data=example_data())
    single_text, mixture_text = "\n".join(plot.notes["single"]), "\n".join(plot.notes["mixture"])
    assert single.leading_term == -5 / single.sigma**2
    assert r"- \frac{5}{\sigma^{2}}" in single_text and r"\log L = -\infty" in single_text
    assert r"\log{\left(\sigma \right)}" in mixture_text and r"\log L = \infty" in mixture_text
    assert str(mixture.limit_likelihood) == "oo" and str(single.limit_likelihood) == "0"
    assert "\u2192 -\u221e" in plot.panel_titles["single"] and "\u2192 \u221e" in plot.panel_titles["mixture"]
    last = table.rows[-1]
    assert mpmath.nstr(last.slope_mixture, 8) in plot.notes["mixture"][-1]
    assert mpmath.nstr(last.sigma2_loglik_single, 8) in plot.notes["single"][-1]


def test_single_gaussian_optimum_is_marked(example):
    plot, table = example
    ((panel, x, y, _),) = plot.marks
    assert panel == "single"
    assert x == pytest.approx(float(mpmath.log10(table.sigma_star)))
    assert y == pytest.approx(float(mpmath.log10(-table.loglik_at_sigma_star)))


def test_user_data_and_mixture_options_reach_the_table():
    import sympy as sp

    data = Dataset.from_text("0,0,2,5")
    options = {"weights": None, "means": (Fraction(3), Fraction(-1)), "scales": None}
    plot = limit_figure_data(data, 1, 3, options, sigma_grid(-1.0, -50.0, 2), 25)
    table = evaluate_table(data, 1, sigmas=["1e-1", "1e-50"], dps=25, components=3, **options)
    # the first row drawn from float64 (within its error bound), the printed last row from mpmath
    assert by(plot, "mixture", "exact").y == pytest.approx([float(r.log_likelihood_mixture) for r in table.rows],
                                                          rel=1e-14)
    assert by(plot, "mixture", "exact").y[-1] == float(table.rows[-1].log_likelihood_mixture)
    lead = mixture_collapse(3, data=data, point=1, **options).leading_term
    assert lead == -2 * sp.log(single_gaussian_collapse().sigma)  # x_n = 0 occurs twice
    assert sp.latex(lead) in "\n".join(plot.notes["mixture"])


def test_positive_log_likelihood_is_not_drawn_on_the_log_axis():
    assert math.isnan(panel_value("single", mpmath.mpf("2.5")))
    assert panel_value("single", mpmath.mpf("-1e500")) == pytest.approx(500.0)
    assert panel_value("mixture", mpmath.mpf("2.5")) == 2.5


@pytest.mark.parametrize(("start", "stop", "points", "expected"), [
    (1.0, -400.0, 402, "1:-400:402"), (0.25, -1e6, 3, "0.25:-1000000:3"), (-0.0, 1e-5, 2, "0:0.00001:2"),
])
def test_the_plot_grid_is_evaluates_sweep(start, stop, points, expected):
    assert sigma_grid(start, stop, points) == parse_sweep(expected)


def test_sigma_grid_is_exact_for_whole_exponents():
    assert sigma_grid(1.0, -300.0, 2) == ["1e1", "1e-300"]
    assert sigma_grid(-1000000.0, -1000000.0, 1) == ["1e-1000000"]
    (text,) = sigma_grid(-2.5, -2.5, 1)
    assert text == "10^(-5/2)"


@pytest.mark.parametrize(("start", "stop"), [(1.0, -400.0), (-400.0, 1.0)])
def test_an_extra_series_is_one_more_curve(example, start, stop):
    plot, _ = example
    base = draw_limit(plot, start, stop)
    remedy = Series("mixture", "remedy", "ridge (example)", plot.series[0].x, tuple(0.0 for _ in plot.series[0].x))
    extended = LimitPlot(plot.series + (remedy,), plot.breakdowns, plot.notes, plot.title, plot.panel_titles,
                         plot.marks)
    figure = draw_limit(extended, start, stop)
    before, after = (len(f.axes[0].get_lines()) for f in (base, figure))
    assert after == before + 1
    assert "ridge (example)" in [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert figure.axes[1].get_xlim() == (start, stop)
