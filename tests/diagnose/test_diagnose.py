"""`gmm-math diagnose` on awkward data sets, each with its expected diagnosis, and its bad input."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from sklearn.mixture import GaussianMixture
from typer.testing import CliRunner

from awkward_data import sensor_csv, sensor_rows, write_csv
from gmm_math.cli.diagnose.render import as_payload, fix_lines
from gmm_math.cli.main import app
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.numerics.diagnose.report import diagnose, sklearn_fit_error

runner = CliRunner()
RNG = np.random.default_rng(7)
BLOBS = np.vstack([RNG.normal(size=(40, 2)), RNG.normal(size=(40, 2)) + 6])


def _ill_defined_data() -> np.ndarray:
    """Two blobs and a far pair of points, each repeated 3 times (rows 80..85), all times 1e7: scikit-learn's
    'ill-defined empirical covariance' error with its defaults."""
    far = np.array([[30.0, -30.0], [31.0, -29.0]] * 3)
    return np.vstack([BLOBS, far]) * 1e7


def test_scikit_learn_fails_and_diagnose_names_the_rows_and_a_reg_covar_that_works():
    X = _ill_defined_data()
    assert "ill-defined empirical covariance" in sklearn_fit_error(X, 3, "full", 1e-6, "kmeans", 1, 0)
    report = diagnose(X, components=3, seed=0)
    assert report.degenerate and "ill-defined" in report.sklearn_error
    named = {row for o in report.outcomes for _, rows in o.ill_defined for row in rows}
    named |= {c.point_index for c in report.collapses}
    assert named and named <= set(range(80, 86))  # the far pair, nothing else
    assert {d.rows for d in report.findings.duplicates} == {(80, 82, 84), (81, 83, 85)}
    reg = report.sklearn_reg_covar
    assert reg is not None and sklearn_fit_error(X, 3, "full", reg, "kmeans", 1, 0) is None
    model = GaussianMixture(3, reg_covar=reg, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X)  # scikit-learn's own fit succeeds with it
    assert model.converged_ or model.n_iter_ > 0
    # the far pair is a line holding six rows: no reg_covar makes that component healthy, one stops the error
    assert report.recommended_reg_covar is None
    assert [(f.dim, f.count, f.runs) for f in report.findings.flats] == [(1, 6, ((80, 85),))]
    text = "\n".join(fix_lines(report))
    assert "recommended_reg_covar: none on the decade grid" in text and "No reg_covar on the grid cures that" in text
    assert f"sklearn_reg_covar = {reg:g}: " in text and "It stops the error, nothing more" in text
    payload = as_payload(report)
    assert (payload["recommended_reg_covar"], payload["sklearn_reg_covar"]) == (None, reg)
    assert payload["recommended_criterion"] == {"min_support": 3, "eigenvalue_factor": 10.0,
                                                "sklearn_must_succeed": True}


def test_recommended_reg_covar_where_the_data_shape_every_component():
    report = diagnose(BLOBS, components=2, seed=0, remedies=True)
    reg = report.recommended_reg_covar
    assert reg is not None and report.sklearn_reg_covar is not None and report.sklearn_reg_covar <= reg
    trial = next(t for t in report.regcovar if t.reg_covar == reg)
    assert trial.degenerate_starts == 0 and trial.sklearn_ok
    assert f"recommended_reg_covar = {reg:g}: " in "\n".join(fix_lines(report))


def test_a_model_whose_fit_raised_is_read_for_its_settings():
    X = _ill_defined_data()
    model = GaussianMixture(3, random_state=0)
    with pytest.raises(ValueError), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X)
    report = diagnose(X, model, remedies=False)
    assert (report.components, report.covariance, report.reg_covar, report.init) == (3, "full", 1e-6, "kmeans")
    assert report.sklearn_error is not None


def test_a_model_of_another_kind_is_refused():
    from sklearn.cluster import KMeans

    with pytest.raises(GmmMathError, match="must be a scikit-learn GaussianMixture, got KMeans"):
        diagnose(BLOBS, KMeans(2))


def test_a_clean_fit_does_not_degenerate_and_searches_nothing():
    report = diagnose(BLOBS, components=2, seed=0)
    assert not report.degenerate and report.regcovar == () and report.recommended_reg_covar is None
    assert "does not degenerate" in repr(report) and "<h3>" in report._repr_html_()


def test_sensor_data_near_constant_column_named_with_lines():
    X = sensor_rows()
    report = diagnose(X, components=4, names=("temperature", "pressure"), remedies=False)
    (column,) = report.findings.columns
    assert (report.table.names[column.column], column.value, column.count) == ("pressure", 3.0, 1980)
    assert column.rows[:3] == (120, 121, 122)
    assert report.findings.rank.exact == 2


def test_duplicates_give_the_multiplicity():
    X = np.vstack([BLOBS, [[2.5, 2.5]] * 5])
    report = diagnose(X, components=2, remedies=False)
    assert report.findings.duplicates[0].multiplicity == 5 and report.findings.duplicates[0].rows[0] == 80


def test_a_constant_column():
    X = np.column_stack([BLOBS[:, 0], np.full(80, 2.0)])
    report = diagnose(X, components=2, remedies=False)
    assert report.findings.rank.exact == 1 and report.findings.columns[0].constant


def test_points_on_a_line_in_3d():
    t = np.arange(30.0)
    X = np.column_stack([t, 2 * t + 1, -t + 4])
    report = diagnose(X, components=2, remedies=False)
    assert (report.findings.rank.exact, report.findings.rank.numerical) == (1, 1)


def test_grouped_data_on_a_grid():
    X = np.round(BLOBS * 2) / 2  # grouped to halves
    report = diagnose(X, components=2, remedies=False)
    assert {g.step for g in report.findings.grids} == {0.5}


@pytest.mark.parametrize("scale", [1e150, 1e-150])
def test_scales_1e_pm_150(scale):
    X = BLOBS * np.array([scale, 1.0])
    report = diagnose(X, components=2, remedies=False)
    assert report.findings.scale_ratio == pytest.approx(scale if scale > 1 else 1 / scale, rel=1.0)
    assert report.findings.rank.exact == 2


def test_more_dimensions_than_points():
    X = RNG.normal(size=(4, 6))
    report = diagnose(X, components=1, remedies=False)
    assert report.findings.rank.exact == 3 and report.findings.parameters.needed_points == 7


def test_as_many_components_as_points():
    X = RNG.normal(size=(5, 2))
    report = diagnose(X, components=5, remedies=False)
    assert report.findings.parameters.total > report.findings.n


# --- the command -------------------------------------------------------------------------------------------

def test_cli_json_on_the_sensor_csv(tmp_path):
    path = sensor_csv(tmp_path)
    result = runner.invoke(app, ["diagnose", "--data-file", str(path), "-k", "2", "--format", "json", "-q"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["columns"] == ["temperature", "pressure"] and "recommended_reg_covar" in payload
    assert payload["near_constant_columns"][0]["count"] == 1980


@pytest.mark.parametrize("fmt, needle", [("md", "## What in the data causes it"), ("html", "<h4>")])
def test_cli_writes_markdown_and_html(tmp_path, fmt, needle):
    out = tmp_path / f"report.{fmt}"
    result = runner.invoke(app, ["diagnose", "--data", "0,0;1,0;0,1;5,5;6,5;5,6", "-k", "2", "--format", fmt,
                                 "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert needle in out.read_text()


@pytest.mark.parametrize("text, needle", [
    ("a,b\n1,2\n3,x\n", "line 3 of bad.csv, column 'b': 'x' is not a number"),
    ("a,b\n1,2\n3,nan\n", "line 3 of bad.csv, column 'b': 'nan' is not a finite number"),
    ("a,b\n1,2\n3\n", "line 3 of bad.csv has 1 values but the header has 2 columns"),
    ("", "bad.csv is empty"),
    ("a,b\n", "has a header (a, b) but no rows"),
    ("a,b\n1,2\n3,4\n", "K = 5 exceeds the N = 2 rows of the data"),
])
def test_bad_input_is_one_line_naming_row_and_column(tmp_path, text, needle):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    result = runner.invoke(app, ["diagnose", "--data-file", str(path), "-k", "5" if "K = 5" in needle else "1"])
    assert result.exit_code == 2
    assert needle in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_stdin_is_read(tmp_path):
    text = "x,y\n" + "\n".join(f"{a},{b}" for a, b in BLOBS) + "\n"
    result = runner.invoke(app, ["diagnose", "--data-file", "-", "-k", "2", "-q"], input=text)
    assert result.exit_code == 0 and "does not degenerate" in result.stdout


def test_write_csv_helper_round_trips(tmp_path):
    path = write_csv(tmp_path / "b.csv", BLOBS, "x,y")
    assert np.array_equal(np.loadtxt(path, delimiter=",", skiprows=1), BLOBS)


def test_without_scikit_learn_diagnose_says_which_initialisation_it_used(monkeypatch):
    import gmm_math.numerics.diagnose.report as report_module
    import gmm_math.numerics.diagnose.starts as starts_module

    monkeypatch.setattr(starts_module, "have_sklearn", lambda: False)
    monkeypatch.setattr(report_module, "have_sklearn", lambda: False)
    report = diagnose(BLOBS, components=2, seed=0, remedies=False)
    assert "this package's k-means++" in report.starts_how and "scikit-learn is not installed" in report.starts_how
    assert not report.sklearn_ran and report.sklearn_error is None
