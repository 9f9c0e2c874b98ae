"""Item 6 of issue 22: diagnose's pictures (--plot and the HTML report), drawn from numerics' numbers."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from awkward_data import write_csv
from gmm_math.cli.diagnose.plot import html_images, save_plot
from gmm_math.cli.main import app
from gmm_math.numerics.diagnose.pictures import ELLIPSE_RADIUS, column_pairs, ellipse, ellipse_tracks, remedy_bars
from gmm_math.numerics.diagnose.report import diagnose, traces

RNG = np.random.default_rng(7)
COLLAPSING = np.vstack([RNG.normal(size=(40, 3)), RNG.normal(size=(40, 3)) + 6, [[10.0, 10.0, 10.0]] * 3])


@pytest.fixture(scope="module")
def report():
    return diagnose(COLLAPSING, components=3, seed=0, remedies=True)


def test_the_collapse_traced_in_log_space_beyond_float64(report):
    (trace,) = traces(report)
    (collapse,) = report.collapses
    assert trace.log10_min_eigenvalue[-1] == collapse.log10_min_eigenvalue < np.log10(np.finfo(float).tiny)
    assert trace.log10_weight[-1] == collapse.log10_weight


def test_ellipses_follow_the_collapsing_component_on_every_pair(report):
    tracks = ellipse_tracks(report)
    assert {t.pair for t in tracks} == set(column_pairs(3)) == {(0, 1), (0, 2), (1, 2)}
    (collapse,) = report.collapses
    for t in tracks:
        assert t.component == collapse.component and t.iterations[0] == 0
    record = report.outcomes[0].ml.history[0]
    mean, cov = record.means[collapse.component], record.covariances[collapse.component]
    outline = ellipse(mean, cov, (0, 1))
    offset = outline - mean[[0, 1]]  # every outline point is ELLIPSE_RADIUS in the Mahalanobis metric
    inverse = np.linalg.inv(cov[np.ix_([0, 1], [0, 1])])
    np.testing.assert_allclose(np.einsum("ij,jk,ik->i", offset, inverse, offset), ELLIPSE_RADIUS ** 2, rtol=1e-9)


def test_remedies_side_by_side_come_from_the_report(report):
    bars = remedy_bars(report)
    assert bars.names == tuple(r.remedy for r in report.remedies)
    ridge = bars.names.index("ridge")
    assert bars.log10_smallest_eigenvalue[ridge] == pytest.approx(np.log10(report.remedies[ridge].smallest_eigenvalue))


def test_plot_bytes_are_deterministic(report, tmp_path):
    a, b = save_plot(report, tmp_path / "a.png"), save_plot(report, tmp_path / "b.png")
    assert a.read_bytes() == b.read_bytes() and a.read_bytes()[:4] == b"\x89PNG"


def test_html_report_is_self_contained_with_three_pictures(report):
    page = report._repr_html_()
    assert page.count('src="data:image/png;base64,') == 3
    assert "<script" not in page and 'src="http' not in page
    assert [alt for alt, _ in html_images(report)] == ["the data", "the collapse", "the remedies"]
    assert page == report._repr_html_()


def test_cli_plot_writes_a_png(tmp_path):
    csv = write_csv(tmp_path / "d.csv", COLLAPSING, "x,y,z")
    result = CliRunner().invoke(app, ["diagnose", "--data-file", str(csv), "-k", "3", "-q",
                                      "--plot", str(tmp_path / "p.png")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"
