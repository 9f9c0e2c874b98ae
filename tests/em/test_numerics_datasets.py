"""seed-blobs and the blob generator: bit-for-bit equal to scikit-learn; `gmm-math dataset`."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_one_line_error
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_blobs

from gmm_math.numerics.datasets import DATASETS, blobs, load_named, seed_blobs
from gmm_math.numerics.points import load_points_csv


def test_seed_blobs_is_sklearn_bit_for_bit():
    X, _ = make_blobs(n_samples=500, centers=3, cluster_std=2.5, random_state=20)
    expected = X @ np.random.RandomState(0).randn(2, 2)
    ours = seed_blobs()
    assert ours.shape == (500, 2) and ours.dtype == np.float64
    assert ours.tobytes() == expected.tobytes()


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 400), centers=st.integers(1, 6), std=st.floats(0.1, 5.0),
       state=st.integers(0, 2**31 - 1), dim=st.integers(1, 4))
def test_blobs_match_make_blobs_for_any_arguments(n, centers, std, state, dim):
    X, _ = make_blobs(n_samples=n, centers=centers, cluster_std=std, random_state=state, n_features=dim)
    assert blobs(n, centers, std, state, n_features=dim).tobytes() == X.tobytes()


def test_load_named_unknown_is_one_error():
    with pytest.raises(ValueError, match="unknown data set 'nope'"):
        load_named("nope")
    assert set(DATASETS) == {"seed-blobs"}


def test_dataset_command_writes_csv_that_reads_back_exactly(cli, tmp_path):
    target = tmp_path / "deep" / "blobs.csv"
    result = cli("dataset", "seed-blobs", "--out", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == f"wrote 500 points in 2 dimensions to {target}"
    text = target.read_text()
    assert text.splitlines()[0] == "x1,x2" and len(text.splitlines()) == 501
    assert load_points_csv(target).tobytes() == seed_blobs().tobytes()


def test_dataset_command_to_stdout(cli):
    result = cli("dataset", "seed-blobs")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    first = seed_blobs()[0]
    assert lines[1] == f"{float(first[0])!r},{float(first[1])!r}"


def test_dataset_command_bad_input(cli, tmp_path):
    assert_one_line_error(cli("dataset", "iris"), "unknown data set 'iris'")
    folder = tmp_path / "a_folder.csv"
    folder.mkdir()
    assert_one_line_error(cli("dataset", "seed-blobs", "--out", str(folder)), "is a folder")
    assert list(tmp_path.iterdir()) == [folder]
