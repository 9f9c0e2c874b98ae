"""A collapse's smallest eigenvalue: the exact-rational route with its truncation against mpmath over every point."""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmm_math.numerics.em.logspace import _counted_range, log10_min_eigenvalue
from gmm_math.numerics.rank import affine_rank, exact_rows
from gmm_math.derivations.core.rank import exact_affine_rank


def _mpmath_over_every_point(X: np.ndarray, log_resp: np.ndarray, dps: int) -> tuple[mp.mpf, mp.mpf]:
    """The weighted covariance's eigenvalue range in mpmath at ``dps`` digits, every share by mp.exp."""
    peak = float(np.max(log_resp))
    with mp.workdps(dps):
        shares = [mp.exp(mp.mpf(float(v)) - peak) for v in log_resp]
        total = mp.fsum(shares)
        rows = [[mp.mpf(float(v)) for v in row] for row in X]
        dim = X.shape[1]
        mean = [mp.fsum(s * row[j] for s, row in zip(shares, rows)) / total for j in range(dim)]
        cov = mp.matrix(dim, dim)
        for i in range(dim):
            for j in range(dim):
                cov[i, j] = mp.fsum(s * (row[i] - mean[i]) * (row[j] - mean[j]) for s, row in zip(shares, rows)) / total
        values = sorted(mp.eigsy(cov, eigvals_only=True))
        return values[0], values[-1]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), spread=st.floats(1.0, 3000.0), dim=st.integers(1, 3))
def test_truncated_exact_route_agrees_with_mpmath_over_every_point(seed, spread, dim):
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(40, dim)), 3)
    log_resp = -spread * rng.random(40)  # shares from 1 down to exp(-spread): most are far below any precision
    log_resp[0] = 0.0
    smallest, largest, dps, resolved = _counted_range(X, log_resp, "full")
    reference_smallest, reference_largest = _mpmath_over_every_point(X, log_resp, dps + 40)
    with mp.workdps(dps + 40):
        # at dps digits an eigenvalue is known to 10^-dps of the largest; shares to 113 bits move each
        # eigenvalue by 2^-112 of itself
        def tolerance(value):
            return mp.mpf(10) ** (5 - dps) * reference_largest + mp.mpf(10) ** -30 * abs(value)

        assert abs(largest - reference_largest) <= tolerance(reference_largest)
        assert abs(smallest - reference_smallest) <= tolerance(reference_smallest)
        assert resolved == (reference_smallest > reference_largest * mp.mpf(10) ** (10 - dps) * 1.01) or (
            abs(reference_smallest / reference_largest / mp.mpf(10) ** (10 - dps) - 1) < 0.01)


@pytest.mark.parametrize("gap", [2000.0, 2e7])  # exact integers; shares too far apart for them (mpmath)
def test_a_component_on_one_point_reads_its_eigenvalue_from_the_next_share(gap):
    # one point holds the component; the next points' share e^-gap (far below float64) sets the eigenvalue
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
    log_resp = np.array([0.0, -gap, -gap, -9 * gap])
    value, resolved = log10_min_eigenvalue(X, log_resp)
    with mp.workdps(50):
        share = mp.exp(-gap)
        # covariance of 1 at (0,0) and share at (1,0) and (0,1): eigenvalues from the exact 2x2 matrix
        total = 1 + 2 * share
        mean = share / total
        a = (share * (1 - mean) ** 2 + (1 + share) * mean ** 2) / total
        b = (-2 * share * mean * (1 - mean) + (1 - share) * mean ** 2) / total
        expected = float(mp.log10(a - abs(b)))
    assert resolved and value == pytest.approx(expected, abs=1e-9)


def test_a_component_exactly_on_one_point_has_no_eigenvalue():
    X = np.array([[1.0, 2.0], [1.0, 2.0], [3.0, 4.0]])
    assert log10_min_eigenvalue(X, np.array([0.0, 0.0, -float("inf")])) == (float("-inf"), True)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), rows=st.integers(1, 30), dim=st.integers(1, 4), flat=st.booleans())
def test_affine_rank_from_scaled_integers_is_the_fraction_rank(seed, rows, dim, flat):
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(rows, dim)), 2) * 10.0 ** rng.integers(-3, 4)
    if flat:
        X[:, -1] = 0.5  # a constant column: the points lie in a hyperplane
    X = np.vstack([X, X[: rows // 2]])  # duplicates change nothing
    assert affine_rank(X).exact == exact_affine_rank(exact_rows(X))
