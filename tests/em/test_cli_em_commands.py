"""`gmm-math em` through the CLI: text, the JSON contract, pictures, progress, and every bad input."""

from __future__ import annotations

import io
import json
import sys

import numpy as np
import pytest
from conftest import assert_one_line_error

import gmm_math.cli.em.commands as em_cli
from gmm_math.numerics.datasets import seed_blobs
from gmm_math.numerics.em.fit import fit

X = seed_blobs()
CONTRACT = {"converged", "iterations", "log_likelihood", "weights", "means", "covariances", "collapse", "remedy",
            "init", "seed"}
COLLAPSE_KEYS = {"component", "iteration", "point_index", "point", "weight"}


def test_text_tells_the_collapse_in_plain_words(cli):
    result = cli("em", "--init", "seed-style", "--remedy", "none", "--seed", "30")
    assert result.exit_code == 0, result.stderr
    c = fit(X, 3, init="seed-style", remedy="none", seed=30).collapse
    x, y = c.point
    sentence = (f"component {c.component + 1} collapsed onto point {c.point_index} = ({x:.6g}, {y:.6g}) "
                f"at iteration {c.iteration}; its weight is 1/500")
    assert sentence in result.stdout
    assert "stopped at a collapse after 2 iteration(s)" in result.stdout
    assert result.stdout.count("\ncomponent ") >= 3 and result.stderr == ""


def test_json_contract_matches_the_api(cli_json):
    out = cli_json("em", "--init", "seed-style", "--remedy", "none", "--seed", "30", "--format", "json")
    assert CONTRACT <= out.keys()
    api = fit(X, 3, init="seed-style", remedy="none", seed=30)
    assert out["converged"] is False and out["iterations"] == api.n_iter == 2
    assert out["log_likelihood"] == api.log_likelihood
    assert np.array_equal(out["means"], api.means) and np.array_equal(out["covariances"], api.covariances)
    assert np.array_equal(out["weights"], api.weights)
    assert COLLAPSE_KEYS <= out["collapse"].keys()
    assert out["collapse"]["point_index"] == 111 and out["collapse"]["point"] == list(X[111])
    assert (out["remedy"], out["init"], out["seed"]) == ("none", "seed-style", 30)


def test_json_without_collapse(cli_json):
    out = cli_json("em", "--format", "json", "--seed", "2", "--max-iter", "500")
    assert out["collapse"] is None and out["converged"] is True
    assert (out["remedy"], out["init"]) == ("ridge", "kmeans++")
    assert len(out["log_likelihood"]) == out["iterations"] + 1
    assert abs(sum(out["weights"]) - 1) < 1e-12


def test_json_restart_lists_events(cli_json):
    out = cli_json("em", "--init", "seed-style", "--remedy", "restart", "--seed", "16", "--format", "json")
    assert out["restarts"] == len(out["events"]) >= 1 and out["collapse"] is None
    assert all(COLLAPSE_KEYS <= e.keys() for e in out["events"])


def test_ridge_text_says_em_went_on(cli):
    out = cli("em", "--init", "seed-style", "--remedy", "ridge", "--seed", "30", "--max-iter", "300").stdout
    assert "converged" in out and "so EM went on" in out and "smallest eigenvalue now 1e-06" in out
    assert "the component still sits on a point" in out


@pytest.mark.parametrize("remedy", ["reset", "restart", "map", "penalty", "ratio"])
def test_each_remedy_runs_from_the_cli(cli_json, remedy):
    out = cli_json("em", "--init", "seed-style", "--remedy", remedy, "--seed", "30", "--format", "json",
                   "--max-iter", "500", "--min-ratio", "0.05")
    assert out["collapse"] is None and out["converged"]


def test_spherical_and_options_reach_fit(cli_json):
    out = cli_json("em", "--covariance", "spherical", "-k", "2", "--init", "random-points", "--seed", "4",
                   "--tol", "1e-3", "--format", "json")
    api = fit(X, 2, covariance="spherical", init="random-points", seed=4, tol=1e-3)
    assert out["log_likelihood"] == api.log_likelihood and out["covariance"] == "spherical"


def test_data_file_and_inline_data(cli_json, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("# a comment\nx,y\n0,0\n\n0.5,0.1\n10,10\n10.2,9.9\n  # another\n9.8,10.1\n")
    out = cli_json("em", "--data-file", str(path), "-k", "2", "--format", "json")
    inline = cli_json("em", "--data", "0,0;0.5,0.1;10,10;10.2,9.9;9.8,10.1", "-k", "2", "--format", "json")
    assert out["log_likelihood"] == inline["log_likelihood"] and out["n_points"] == 5
    one_d = cli_json("em", "--data", "0,0.1,0.2,5,5.1,5.3", "-k", "2", "--format", "json")
    assert one_d["dim"] == 1 and len(one_d["means"]) == 2


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_plot_is_byte_reproducible(cli, tmp_path, suffix):
    """The same run twice gives the same bytes: the one figure pipeline fixes dates, ids and metadata."""
    args = ("em", "--data", "0,0.1,0.2,5,5.1,5.3", "-k", "2", "--seed", "3", "--quiet")
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    assert cli(*args, "--plot", str(first)).exit_code == 0
    assert cli(*args, "--plot", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_plot_files(cli, tmp_path, suffix, magic):
    target = tmp_path / "sub" / f"fit{suffix}"
    result = cli("em", "--init", "seed-style", "--remedy", "none", "--seed", "30", "--plot", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes().startswith(magic)
    assert [p.name for p in target.parent.iterdir()] == [target.name]


def test_plot_one_dimensional(cli, tmp_path):
    target = tmp_path / "one.png"
    assert cli("em", "--data", "0,0.1,0.2,5,5.1,5.3", "-k", "2", "--plot", str(target)).exit_code == 0
    assert target.read_bytes().startswith(b"\x89PNG")


def _csv(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("args, needle", [
    (["-k", "0"], "--components"),
    (["-k", "501"], "from 1 to N=500"),
    (["--init", "bogus"], "Invalid value for '--init'"),
    (["--remedy", "bogus"], "'bogus' is not one of 'none', 'ridge'"),
    (["--covariance", "banded"], "'banded' is not one of 'full', 'diag', 'spherical', 'tied', 'isotropic'"),
    (["--reg-covar", "0"], "--reg-covar"),
    (["--reg-covar", "-1e-3"], "--reg-covar"),
    (["--min-ratio", "0"], "--min-ratio"),
    (["--max-iter", "0"], "--max-iter"),
    (["--tol", "-1"], "--tol"),
    (["--seed", "-1"], "--seed"),
    (["--format", "yaml"], "Invalid value for '--format'"),
    (["--plot", "out.gif"], "unknown image type '.gif'"),
    (["--dataset", "iris"], "unknown data set 'iris'"),
    (["--data", "1,2", "--dataset", "seed-blobs"], "give one data source"),
    (["--data", "5"], "1 point(s)"),
    (["--data", "1,nan"], "not a finite decimal number"),
    (["--data", "0,0;1"], "ragged"),
    (["--data", "2,2,2"], "all data points are equal"),
    (["--data-file", "/no/such/file.csv"], "cannot read data file"),
    (["--components", "x"], "--components"),
])
def test_bad_input_is_one_line(cli, args, needle):
    assert_one_line_error(cli("em", *args), needle)


@pytest.mark.parametrize("text, needle", [
    ("1,2\n3,4\n5\n", "line 3 of bad.csv has 1 values but the first data line has 2"),
    ("x,y\n1,2\n3,abc\n", "line 3 of bad.csv has a value that is not a number"),
    ("1,2\n3,nan\n4,5\n", "row 1 of the data holds NaN or infinity"),
    ("1,2\ninf,4\n4,5\n", "row 1 of the data holds NaN or infinity"),
    ("# only a comment\n", "holds no data"),
    ("1,2\n", "1 point(s)"),
])
def test_bad_files_are_one_line(cli, tmp_path, text, needle):
    assert_one_line_error(cli("em", "--data-file", _csv(tmp_path, "bad.csv", text)), needle)


def test_bad_input_writes_no_picture(cli, tmp_path):
    target = tmp_path / "never.png"
    assert_one_line_error(cli("em", "--data", "5", "--plot", str(target)), "1 point(s)")
    assert not target.exists()


def test_mismatched_dimension_of_initial_parameters_is_one_line():
    # the CLI has no option for initial parameters; the API check is the contract
    from gmm_math.derivations.core.errors import GmmMathError

    with pytest.raises(GmmMathError, match="means_init has shape"):
        fit(X, 3, means_init=np.zeros((3, 1)))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert em_cli._progress(10, quiet=False) == (None, None)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert em_cli._progress(10, quiet=True) == (None, None)
    progress, callback = em_cli._progress(5, quiet=False)
    with progress:
        fit(X, 3, max_iter=5, tol=0.0, seed=0, callback=callback)
    assert progress.tasks[0].completed == 5
    assert "log-likelihood" in progress.tasks[0].description


def test_quiet_runs_print_nothing_on_stderr(cli):
    result = cli("em", "--quiet", "--format", "json")
    assert result.exit_code == 0 and result.stderr == ""
    json.loads(result.stdout)


def test_reset_and_restart_tell_what_they_did(cli):
    reset = cli("em", "--init", "seed-style", "--remedy", "reset", "--seed", "30", "--max-iter", "500").stdout
    plain = fit(X, 3, init="seed-style", remedy="none", seed=30).collapse
    assert f"reset: component {plain.component + 1} collapsed onto point {plain.point_index}" in reset
    assert "it was re-initialised" in reset and "converged after" in reset
    restart = cli("em", "--init", "seed-style", "--remedy", "restart", "--seed", "16").stdout
    api = fit(X, 3, init="seed-style", remedy="restart", seed=16)
    for event in api.events:
        assert f"attempt {event.attempt} was abandoned" in restart
    assert f"and {api.restarts} restart(s)" in restart


def test_choices_are_the_numerics_keys():
    """em's Enums list exactly what fit() accepts (the CLI cannot import numpy at start-up to read them)."""
    from gmm_math.cli.em.commands import EmCovariance, EmRemedy, Init
    from gmm_math.numerics.em.fit import COVARIANCE_TYPES, INITS, REMEDIES

    assert [i.value for i in Init] == list(INITS)
    assert {r.value for r in EmRemedy} == set(REMEDIES)
    assert {c.canonical for c in EmCovariance} == set(COVARIANCE_TYPES)


def test_isotropic_is_an_alias_of_spherical(cli_json):
    args = ("em", "--data", "0,0.1,0.2,5,5.1,5.3", "-k", "2", "--format", "json", "--covariance")
    assert cli_json(*args, "isotropic") == cli_json(*args, "spherical")


class _FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_time_left_is_measured_on_the_iterations_after_the_first():
    from gmm_math.cli.em.progress import TimeLeft, iteration_text

    clock = _FakeClock()
    left = TimeLeft(max_iter=100, clock=clock)
    clock.now = 5.0  # reading, starting and the first iteration: not a measure of one iteration
    left.ended(1)
    assert left.seconds() is None and iteration_text(left, None) == "time left: measuring"
    for iteration in range(2, 11):
        clock.now += 0.5
        left.ended(iteration)
    assert left.seconds() == pytest.approx(0.5 * 90)
    assert iteration_text(left, -12.5) == "at most 45 s left, log-likelihood -12.5000"
    clock.now += 60.0
    left.ended(1)  # a restart: measured again
    assert left.seconds() is None


def test_reading_and_starting_say_what_runs(tmp_path):
    from gmm_math.cli.em.progress import reading_text, starting_text

    path = tmp_path / "big.csv"
    path.write_text("0\n" * 1_000_000)
    assert reading_text(path) == f"reading {path} (2.0 MB)"
    assert reading_text("-") == "reading standard input" and reading_text(None) == "reading the data"
    assert starting_text("kmeans++", 1_000_000) == "kmeans++ start on 1,000,000 points"


def test_the_line_appears_before_the_first_iteration_and_never_on_stdout(monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    progress, callback = em_cli._progress(5, quiet=False)
    with progress:
        progress.phase("reading the data")
        assert progress.tasks[0].description == "reading the data" and progress.tasks[0].completed == 0
        fit(X, 3, max_iter=5, tol=0.0, seed=0, callback=callback)
    assert progress.tasks[0].description.startswith("at most ")
