"""``gmm-math check em-step``: textbook exercises, half with one planted slip, checked against an
independent numpy EM step (and the float64 kernels that ``fit`` uses)."""

from __future__ import annotations

import doctest
import json

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from gmm_math.numerics.em import hand_step
from gmm_math.numerics.em.hand_step import check_claims, exact_iteration, precision
from gmm_math.numerics.em.kernels import columns, e_step, sufficient_stats
from conftest import assert_one_line_error


def reference_step(X, weights, means, covs, slip=None):
    """A plain numpy EM step, written independently of hand_step, with one slip switched on."""
    X, weights, means, covs = (np.asarray(a, float) for a in (X, weights, means, covs))
    n, dim = X.shape
    dens = np.empty((n, weights.size))
    for k in range(weights.size):
        dev = X - means[k]
        quad = np.einsum("nd,de,ne->n", dev, np.linalg.inv(covs[k]), dev)
        dens[:, k] = weights[k] * np.exp(-quad / 2) / np.sqrt((2 * np.pi) ** dim * np.linalg.det(covs[k]))
    resp = dens if slip == "responsibilities not normalised" else dens / dens.sum(axis=1, keepdims=True)
    nk = resp.sum(axis=0)
    new_w = nk if slip == "weights not summing to 1" else nk / n
    mu = resp.T @ X / nk[:, None]
    shown_mu = resp.T @ X / n if slip == "N instead of N_k" else mu
    centre = means if slip == "old mean used in the variance update" else mu
    out = []
    for k in range(weights.size):
        dev = X - centre[k]
        cov = (resp[:, k, None] * dev).T @ dev / (n if slip == "N instead of N_k" else nk[k])
        if slip == "standard deviation reported for variance":
            cov[np.diag_indices(dim)] = np.sqrt(np.diag(cov))
        out.append(cov)
    return resp, new_w, shown_mu, np.array(out)


def written(values, digits=4):
    return ",".join(f"{v:.{digits}f}" for v in np.ravel(values))


def args_1d(data, weights, means, variances):
    return ["check", "em-step", "--data", data, "--weights", weights, "--means", means, "--variances", variances]


def as_floats(text):
    return [float(v) for v in text.split(",")]


EXERCISES = {  # textbook-style 1-D exercises: data, weights, means, variances
    "worked example": ("0,1,3", "0.5,0.5", "0,2", "1,1"),
    "two clusters": ("1,2,3,6,7,8", "0.5,0.5", "2,7", "1,1"),
    "unequal start": ("-1.2,0.3,0.8,2.5,4.1", "0.3,0.7", "0,3", "0.5,2"),
    "three components": ("0,0.5,2,2.5,5,5.5", "0.2,0.3,0.5", "0,2,5", "1,1,1"),
    "bishop-like": ("1.1,1.9,2.2,3.8,4.5,5.2,5.9", "0.4,0.6", "2,5", "0.8,1.5"),
    "far apart": ("-3,-2.5,10,11", "0.5,0.5", "-2,9", "4,4"),
}


def _dims(exercise):
    data, weights, means, variances = exercise
    X = np.array(as_floats(data))[:, None]
    mu = np.array(as_floats(means))[:, None]
    covs = np.array(as_floats(variances))[:, None, None]
    return X, np.array(as_floats(weights)), mu, covs


@pytest.mark.parametrize("name", list(EXERCISES))
def test_correct_hand_step_holds(cli_json, name):
    exercise = EXERCISES[name]
    _, w, mu, cov = reference_step(*_dims(exercise))
    found = cli_json(*args_1d(*exercise), "--claim-weights", written(w), "--claim-means", written(mu),
                     "--claim-variances", written(cov), "-f", "json")
    assert found["verdict"] == "holds"
    assert len(found["entries"]) == 3 * len(w)
    assert all(e["holds"] and e["slip"] is None for e in found["entries"])


PLANTED = [  # (exercise, slip, which claim carries it)
    ("worked example", "old mean used in the variance update", "variances"),
    ("two clusters", "N instead of N_k", "means"),
    ("unequal start", "standard deviation reported for variance", "variances"),
    ("three components", "weights not summing to 1", "weights"),
    ("bishop-like", "N instead of N_k", "variances"),
    ("far apart", "standard deviation reported for variance", "variances"),
]


@pytest.mark.parametrize("name, slip, quantity", PLANTED)
def test_planted_slip_is_named(cli, name, slip, quantity):
    exercise = EXERCISES[name]
    X, w0, mu0, cov0 = _dims(exercise)
    right = dict(zip(("weights", "means", "variances"), reference_step(X, w0, mu0, cov0)[1:]))
    slipped = dict(zip(("weights", "means", "variances"), reference_step(X, w0, mu0, cov0, slip)[1:]))
    claims = {**{q: written(v) for q, v in right.items()}, quantity: written(slipped[quantity])}
    result = cli(*args_1d(*exercise), *(arg for q, text in claims.items() for arg in (f"--claim-{q}", text)),
                 "-f", "json")
    assert result.exit_code == 1, result.stderr
    entries = json.loads(result.stdout)["entries"]
    wrong = [e for e in entries if not e["holds"]]
    assert wrong and {e["quantity"] for e in wrong} == {quantity[:-1]}
    assert {e["slip"] for e in wrong} == {slip}
    for e in wrong:  # the right value is given
        index = e["component"]
        assert float(e["computed"]) == pytest.approx(float(np.ravel(right[quantity])[index]), rel=1e-12)


def test_unnormalised_responsibilities_from_csv(cli, tmp_path):
    exercise = EXERCISES["two clusters"]
    X, w, mu, cov = _dims(exercise)
    unnormalised = reference_step(X, w, mu, cov, "responsibilities not normalised")[0]
    path = tmp_path / "r.csv"
    path.write_text("# r_n1, r_n2\n" + "\n".join(",".join(f"{v:.5g}" for v in row) for row in unnormalised))
    result = cli(*args_1d(*exercise), "--claim-responsibilities", str(path), "-f", "json")
    assert result.exit_code == 1
    entries = json.loads(result.stdout)["entries"]
    assert len(entries) == 12 and {e["quantity"] for e in entries} == {"responsibility"}
    assert {e["slip"] for e in entries if not e["holds"]} == {"responsibilities not normalised"}


def test_correct_responsibilities_from_csv(cli, tmp_path):
    exercise = EXERCISES["worked example"]
    resp = reference_step(*_dims(exercise))[0]
    path = tmp_path / "r.csv"
    path.write_text("\n".join(",".join(f"{v:.4f}" for v in row) for row in resp) + "\n")
    result = cli(*args_1d(*exercise), "--claim-responsibilities", str(path))
    assert result.exit_code == 0, result.stdout
    assert "verdict: holds - all 6 claimed number(s) hold" in result.stdout


HOMEWORK_2D = """
# a 2-D exercise with full covariances
data = [[0, 0], [1, 0], [0, 1], [4, 4], [5, 4], [4.5, 5]]
weights = [0.5, 0.5]
means = [[0, 0], [4, 4]]
covariances = [[[1, 0], [0, 1]], [[1, 0.5], [0.5, 1]]]
"""


def _homework_2d_claims(slip=None):
    X = np.array([[0, 0], [1, 0], [0, 1], [4, 4], [5, 4], [4.5, 5]], float)
    _, w, mu, cov = reference_step(X, [0.5, 0.5], [[0, 0], [4, 4]], [np.eye(2), [[1, 0.5], [0.5, 1]]], slip)
    fmt = lambda a: "[" + ", ".join(fmt(v) for v in a) + "]" if np.ndim(a) else f"{a:.4f}"  # noqa: E731
    return f"\n[claims]\nweights = {fmt(w)}\nmeans = {fmt(mu)}\ncovariances = {fmt(cov)}\n"


def test_homework_file_2d_full_covariances_holds(cli_json, tmp_path):
    path = tmp_path / "homework.toml"
    path.write_text(HOMEWORK_2D + _homework_2d_claims())
    found = cli_json("check", "em-step", "--file", str(path), "-f", "json")
    assert found["verdict"] == "holds" and len(found["entries"]) == 2 + 4 + 8
    assert {tuple(e["index"]) for e in found["entries"] if e["quantity"] == "covariance"} == \
        {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_homework_file_2d_old_mean_slip(cli, tmp_path):
    path = tmp_path / "homework.toml"
    right = _homework_2d_claims().split("covariances = ")[0]
    wrong = "covariances = " + _homework_2d_claims("old mean used in the variance update").split("covariances = ")[1]
    path.write_text(HOMEWORK_2D + right + wrong)
    result = cli("check", "em-step", "--file", str(path), "-f", "json")
    assert result.exit_code == 1
    wrong_entries = [e for e in json.loads(result.stdout)["entries"] if not e["holds"]]
    assert wrong_entries and {e["quantity"] for e in wrong_entries} == {"covariance"}
    assert {e["slip"] for e in wrong_entries} == {"old mean used in the variance update"}


def test_precision_as_written_and_tol(cli):
    base = args_1d(*EXERCISES["worked example"])  # weight 0 is 0.466261...
    assert cli(*base, "--claim-weights", "0.47,0.53").exit_code == 0
    refuted = cli(*base, "--claim-weights", "0.470,0.530")
    assert refuted.exit_code == 1 and "(no known slip reproduces it)" in refuted.stdout
    assert cli(*base, "--claim-weights", "0.470,0.530", "--tol", "0.01").exit_code == 0
    assert cli(*base, "--claim-weights", "0.470,0.530", "--tol", "0.001").exit_code == 1


def test_precision_is_half_a_unit_of_the_last_digit():
    assert precision("0.47") == hand_step.mp.mpf("0.005")
    assert precision("1.2e-3") == hand_step.mp.mpf("5e-5")
    assert precision("3") == hand_step.mp.mpf("0.5")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-5, 5, allow_nan=False), min_size=3, max_size=8),
       st.floats(0.1, 0.9), st.floats(0.2, 3.0), st.floats(0.2, 3.0))
@example([5.0, 5.0, 5.0], 0.5, 0.25, 1.0)  # component 1's count ~1e-28: float64 knows it only to ~1e-15 absolutely
def test_mpmath_step_matches_the_float64_kernels_of_fit(xs, w, v1, v2):
    """Route 1 (mpmath, 30 digits) against route 2 (the vectorised float64 E- and M-step that fit uses)."""
    X = np.array(xs)[:, None]
    weights, means, covs = np.array([w, 1 - w]), np.array([[-1.0], [1.5]]), np.array([[[v1]], [[v2]]])
    step = exact_iteration([repr(x) for x in xs], [repr(w), repr(1 - w)], ["-1.0", "1.5"], [repr(v1), repr(v2)])
    estep = e_step(columns(X), weights, means, covs)
    stats = sufficient_stats(columns(X), estep.resp)
    assert float(step.log_likelihood) == pytest.approx(estep.log_likelihood, rel=1e-12)
    np.testing.assert_allclose(np.array(step.responsibilities, float), estep.resp.T, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(np.array(step.counts, float), stats.counts - 10 * np.finfo(float).eps, rtol=1e-9,
                               atol=100 * len(xs) * np.finfo(float).eps)
    counts = np.array(step.counts, float)[:, None]  # the kernels add 10 eps to N_k: compare the moments
    np.testing.assert_allclose(np.array(step.means, float) * counts, stats.centroids * stats.counts[:, None],
                               rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.array(step.covariances, float)[:, 0, 0] * counts[:, 0],
                               stats.scatter[:, 0, 0], rtol=1e-8, atol=1e-12)


def test_slip_is_only_named_when_it_changes_the_value():
    step = exact_iteration(["0", "1", "3"], ["0.5", "0.5"], ["0", "2"], ["1", "1"])
    entries = check_claims(step, {"means": ["9", "9"]})
    assert [e.slip for e in entries] == [None, None] and not any(e.holds for e in entries)


def test_no_claims_prints_the_step_and_is_nothing_checked(cli):
    result = cli("check", "em-step")
    assert result.exit_code == 3
    assert "0.880797" in result.stdout and "verdict: nothing checked - nothing claimed" in result.stdout


def test_doctests():
    failures, tried = doctest.testmod(hand_step, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


@pytest.mark.parametrize("extra, needle", [
    (["--weights", "0.6,0.6"], "sum to 1"),
    (["--means", "0,2,4", "--weights", "0.5,0.5"], "K = 2"),
    (["--variances", "1,-1"], "--variances"),
    (["--claim-means", "0.4,abc"], "--claim-means"),
    (["--claim-weights", "0.5"], "shape"),
    (["--claim-weights", "0.5,0.5", "--tol", "-1"], "--tol"),
    (["--claim-responsibilities", "/nonexistent/r.csv"], "responsibilities file"),
    (["--data", "1e99999999"], "--data"),
    (["--data", "0,0;1,1;3,2"], "--file"),
])
def test_bad_command_line_input(cli, extra, needle):
    assert_one_line_error(cli("check", "em-step", *extra), needle)


@pytest.mark.parametrize("text, needle", [
    ("data = [0, 1, 3]\nmeans = [0, 2]\nvariances = [1, 1]\nvariance = [1, 1]\n", "unknown key 'variance'"),
    ("data = [0, 1, 3\n", "cannot read the homework file"),
    ("data = [0, 1, 3]\nmeans = [0, 2]\n", "variances"),
    ("data = [0, 1, 3]\nmeans = [0, 2]\nvariances = [1, 1]\n[claims]\nmeanz = [0, 1]\n", "meanz"),
    ("data = [[0, 0], [1, 1]]\nmeans = [[0, 0], [1, 1]]\ncovariances = [[[1, 2], [2, 1]], [[1, 0], [0, 1]]]\n",
     "positive definite"),
])
def test_bad_homework_file(cli, tmp_path, text, needle):
    path = tmp_path / "homework.toml"
    path.write_text(text)
    assert_one_line_error(cli("check", "em-step", "--file", str(path)), needle)


def test_file_and_claim_options_do_not_mix(cli, tmp_path):
    path = tmp_path / "homework.toml"
    path.write_text("data = [0, 1, 3]\nmeans = [0, 2]\nvariances = [1, 1]\n")
    assert cli("check", "em-step", "--file", str(path)).exit_code == 3  # nothing claimed: nothing checked
    assert_one_line_error(cli("check", "em-step", "--file", str(path), "--claim-weights", "0.5,0.5"),
                          "--claim-weights")


@pytest.mark.parametrize("option", [["--data", "0,1,4"], ["--weights", "0.3,0.7"], ["--means", "0,3"],
                                    ["--variances", "2,2"]])
def test_file_and_start_options_do_not_mix(cli, tmp_path, option):
    # the file's data and start are the ones checked: a start option beside it would be silently ignored
    path = tmp_path / "homework.toml"
    path.write_text("data = [0, 1, 3]\nmeans = [0, 2]\nvariances = [1, 1]\n")
    assert_one_line_error(cli("check", "em-step", "--file", str(path), *option), option[0])
