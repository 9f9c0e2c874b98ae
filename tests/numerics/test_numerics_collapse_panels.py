"""The numbers behind plot-collapse: log L from numerics (as `evaluate`), spike heights, drawn densities."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from gmm_math.numerics.collapse_panels import collapse_figure, component_log_densities
from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.model import CollapseModel, example_data
from gmm_math.numerics.loglik import log_likelihood
from gmm_math.numerics.sweep import evaluate_table


def test_titles_carry_the_numerics_log_likelihood():
    model = CollapseModel.mixture(example_data(), 0)
    panels = collapse_figure(model, ["1e0", "1e-1", "10^(-5/2)", "1e-300"], dps=40).panels
    for panel, text in zip(panels, ["1", "0.1", "0.0031622776601683793319988935444327185337195551393252", "1e-300"]):
        with mpmath.workdps(40):
            assert mpmath.almosteq(panel.sigma, mpmath.mpf(text), rel_eps=mpmath.mpf(10) ** -35)
        assert mpmath.almosteq(panel.log_likelihood, log_likelihood(model, text, dps=40), rel_eps=1e-30)
    assert [p.log10_sigma for p in panels] == [0.0, -1.0, -2.5, -300.0]


def test_titles_agree_with_evaluate_table():
    data = Dataset.from_text("0,1,3,3.5")
    model = CollapseModel.mixture(data, 2, 3)
    table = evaluate_table(data, 2, sigmas=["1", "1e-3", "1e-40"], dps=30, components=3)
    panels = collapse_figure(model, ["1", "1e-3", "1e-40"], dps=30).panels
    for panel, row in zip(panels, table.rows):
        assert mpmath.almosteq(panel.log_likelihood, row.log_likelihood_mixture, rel_eps=1e-25)


def test_spike_height_is_the_collapsing_component_at_its_centre():
    model = CollapseModel.mixture(Dataset.from_text("0,1,3"), 1, weights=(Fraction(1, 4), Fraction(3, 4)))
    panels = collapse_figure(model, ["1e-1", "1e-5", "1e-1000"], dps=30).panels
    assert float(panels[0].spike_peak) == pytest.approx(0.25 * norm.pdf(0.0, scale=0.1), rel=1e-12)
    assert float(panels[1].spike_peak) == pytest.approx(0.25 * norm.pdf(0.0, scale=1e-5), rel=1e-12)
    assert mpmath.almosteq(mpmath.log10(panels[2].spike_peak), 1000 + mpmath.log10(0.25 / mpmath.sqrt(2 * mpmath.pi)))


@settings(max_examples=25, deadline=None)
@given(
    points=st.lists(st.integers(-50, 50), min_size=2, max_size=8, unique=True),
    index=st.integers(0, 7),
    exponent=st.integers(20, 200),
)
def test_log_likelihood_grows_like_minus_log_sigma(points, index, exponent):
    """Past the data spacing each factor 10 in sigma adds log 10 to log L (one point under the spike)."""
    model = CollapseModel.mixture(Dataset.from_text(",".join(map(str, points))), index % len(points))
    first, second = collapse_figure(model, [f"1e-{exponent}", f"1e-{exponent + 1}"], dps=30).panels
    assert mpmath.almosteq(second.log_likelihood - first.log_likelihood, mpmath.log(10), rel_eps=1e-20)


@pytest.mark.parametrize("sigma", [0.7, 0.05])
def test_drawn_densities_match_scipy(sigma):
    model = CollapseModel.mixture(Dataset.from_text("0,1,3"), 0, 3)
    grid = np.linspace(-4, 6, 101)
    xs, logs = component_log_densities(model, np.log(sigma), sigma, grid, np.linspace(-3, 3, 7))
    assert logs.shape == (3, xs.size) and np.all(np.diff(xs) >= 0)
    expected = [np.log(1 / 3) + norm.logpdf(xs, 0.0, sigma)]
    for mean, variance in zip(model.means, model.variances):
        expected.append(np.log(1 / 3) + norm.logpdf(xs, float(mean[0]), np.sqrt(float(variance))))
    np.testing.assert_allclose(logs, np.vstack(expected), rtol=1e-10, atol=1e-10)


def test_drawn_spike_below_float64_range_stays_finite():
    model = CollapseModel.mixture(Dataset.from_text("0,1,3"), 0)
    log_sigma = float(mpmath.log(mpmath.mpf("1e-400")))
    xs, logs = component_log_densities(model, log_sigma, 0.0, np.linspace(-1, 4, 11), np.linspace(-8, 8, 5))
    assert np.all(np.isfinite(xs))
    at_centre = logs[0][xs == 0.0]
    assert np.all(np.isfinite(at_centre)) and at_centre.max() == pytest.approx(
        np.log(0.5) - 0.5 * np.log(2 * np.pi) - log_sigma)
    assert np.all(logs[0][xs != 0.0] == -np.inf)


def test_command_draws_spikes_far_below_float64_without_warnings(tmp_path):
    """sigma = 1e-200 overflows z**2 and 1e-400 is 0.0 in float64: drawn anyway, no warning (warnings are errors)."""
    from typer.testing import CliRunner

    from gmm_math.cli.main import app

    out = tmp_path / "far.png"
    result = CliRunner().invoke(app, ["plot-collapse", "--from", "-200", "--to", "-400", "--panels", "2",
                                      "--dpi", "30", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")
