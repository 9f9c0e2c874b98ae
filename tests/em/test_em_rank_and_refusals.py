"""`em`, `derive degenerate` and the rank function they share: true refusals that name the cause and column."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from awkward_data import sensor_csv, sensor_rows
from gmm_math.cli.main import app
from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.rank import exact_affine_rank, null_relation
from gmm_math.derivations.remedies.degenerate import affine_rank as derive_rank
from gmm_math.numerics.em.fit import fit
from gmm_math.numerics.rank import affine_rank, flatness_cause

runner = CliRunner()


def test_sensor_data_are_of_full_rank_exactly_and_numerically():
    rank = affine_rank(sensor_rows())
    assert (rank.exact, rank.numerical, rank.dim) == (2, 2, 2)
    assert rank.tolerance == 2000 * np.finfo(float).eps


@pytest.mark.parametrize("remedy", ["ridge", "none", "reset", "restart", "map", "penalty", "ratio"])
def test_em_fits_the_sensor_csv_with_every_remedy(tmp_path, remedy):
    """The issue's 2,000-row CSV was refused with 'the data span fewer than 2 dimensions' (false: rank 2)."""
    path = sensor_csv(tmp_path)
    result = runner.invoke(app, ["em", "--data-file", str(path), "-k", "4", "--remedy", remedy, "-q",
                                 "--max-iter", "5"])
    assert result.exit_code == 0, result.output
    assert "fewer than 2 dimensions" not in result.output and "span" not in result.output.split("\n")[0]


def test_em_fits_the_sensor_csv_with_a_relative_ridge(tmp_path):
    result = runner.invoke(app, ["em", "--data-file", str(sensor_csv(tmp_path)), "-k", "4", "--ridge", "relative",
                                 "-q", "--max-iter", "5"])
    assert result.exit_code == 0, result.output


def test_derive_degenerate_and_em_agree_on_the_sensor_rank():
    rows = sensor_rows()[:300]  # derive reads exact decimals; the float rows are the same numbers
    data = Dataset.from_text(";".join(",".join(repr(float(v)) for v in row) for row in rows))
    assert derive_rank(data) == affine_rank(rows).exact == 2


def test_a_constant_column_is_refused_by_name_without_a_ridge_and_fitted_with_one():
    X = np.column_stack([np.arange(10.0), np.full(10, 3.0)])
    with pytest.raises(GmmMathError) as info:
        fit(X, 2, remedy="none", names=("temperature", "pressure"))
    message = str(info.value)
    assert "span 1 of 2 dimensions exactly" in message and "pressure is constant (every row equals 3)" in message
    ridge = fit(X, 2, remedy="ridge", seed=0, max_iter=5)
    assert np.isfinite(ridge.log_likelihood[-1])


def test_a_flat_relation_is_named_exactly():
    X = np.array([[0.0, 3.0, 1.0], [1.0, 5.0, 1.5], [2.0, 7.0, 2.0], [4.0, 11.0, 3.0]])  # x2 = 2 x1 + 3; x3 free-ish
    rank = affine_rank(X)
    assert rank.exact == 1 < rank.dim
    assert "every row satisfies" in flatness_cause(X)


def test_diag_refuses_only_a_constant_column():
    line = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [5.0, 5.0]])
    assert fit(line, 1, covariance="diag", remedy="none").converged  # flat, but every column varies
    with pytest.raises(GmmMathError, match="column 2 is constant"):
        fit(np.column_stack([np.arange(5.0), np.ones(5)]), 1, covariance="diag", remedy="none")


def test_exactly_full_but_numerically_flat_data_are_refused_with_the_tolerance():
    X = np.column_stack([np.arange(50.0), np.full(50, 1.0)])
    X[7, 1] = 1.0 + 2.0**-52  # one row off the line by one ulp: rank 2 exactly, 1 numerically
    rank = affine_rank(X)
    assert (rank.exact, rank.numerical) == (2, 1)
    with pytest.raises(GmmMathError, match=r"affine rank 2 exactly but 1 numerically .*tolerance"):
        fit(X, 1, remedy="none")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-5, 5), st.integers(-5, 5), st.integers(-5, 5)), min_size=1, max_size=8),
       st.integers(1, 4))
def test_the_exact_rank_matches_numpy_on_small_integers_and_the_relation_holds(points, scale):
    rows = [tuple(Fraction(v, scale) for v in p) for p in points]
    array = np.array(points, dtype=float)
    expected = int(np.linalg.matrix_rank(array - array[0])) if len(points) > 1 else 0
    assert exact_affine_rank(rows) == expected == affine_rank(array / scale).exact
    relation = null_relation(rows)
    assert (relation is None) == (expected == 3)
    if relation is not None:
        values = {sum(a * x for a, x in zip(relation, row)) for row in rows}
        assert len(values) == 1
