"""The affine rank of float data, exact and numerical side by side, with the tolerance stated.

Every float64 is a dyadic rational, so the *exact* rank of float data is well defined; it comes from
:func:`gmm_math.derivations.core.rank.exact_affine_rank` (the function ``derive degenerate`` uses), tried
first on the rows a pivoted QR picks, so data of full rank cost little. The *numerical* rank counts the
singular values of the centred data above ``NUMERICAL_RANK_TOL`` (= max(N, D) x float64 epsilon, numpy's
``matrix_rank`` rule) times the largest: below it float64 cannot tell the data from flat ones.

>>> import numpy as np
>>> r = affine_rank(np.array([[0.0, 3.0], [1.0, 3.0], [2.0, 3.000001]]))
>>> (r.exact, r.numerical, r.dim)
(2, 2, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from gmm_math.derivations.core.rank import exact_affine_rank, null_relation

EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class AffineRank:
    """Exact and numerical affine rank of N points in D dimensions.

    Attributes
    ----------
    exact : int
        Dimension of the affine hull of the points as the exact rationals float64 holds (-1 for no points).
    numerical : int
        Singular values of the centred data (N, D) above ``tolerance`` x the largest.
    tolerance : float
        The relative tolerance used, max(N, D) x eps.
    singular_values : ndarray, shape (min(N, D),)
        Of the centred data, largest first.
    dim : int
    """

    exact: int
    numerical: int
    tolerance: float
    singular_values: np.ndarray
    dim: int

    @property
    def full(self) -> bool:
        """Exactly of full rank D (the one-Gaussian likelihood is bounded)."""
        return self.exact == self.dim

    @property
    def ill_conditioned(self) -> bool:
        """Of full rank exactly, but not numerically: float64 sees flat data."""
        return self.exact == self.dim and self.numerical < self.dim


def exact_rows(X: np.ndarray) -> list[tuple[Fraction, ...]]:
    """The float rows as exact Fractions (float -> Fraction is exact), shape (N, D) as nested tuples."""
    return [tuple(Fraction(float(v)) for v in row) for row in X]


def _pivot_rows(centred: np.ndarray, count: int) -> list[int]:
    """Rows a pivoted QR of the centred data's transpose selects first (numerically most independent)."""
    from_rows = np.argsort(-np.abs(centred).max(axis=1), kind="stable")[:1]
    picked = [int(from_rows[0])]
    residual = centred - centred[picked[0]]
    for _ in range(count):
        norms = (residual ** 2).sum(axis=1)
        best = int(np.argmax(norms))
        if norms[best] == 0 or best in picked:
            break
        picked.append(best)
        direction = residual[best] / np.sqrt(norms[best])
        residual = residual - np.outer(residual @ direction, direction)
    return picked


def affine_rank(X: np.ndarray) -> AffineRank:
    """Exact and numerical affine rank of the points X, shape (N, D) (see :class:`AffineRank`)."""
    X = np.asarray(X, dtype=np.float64)
    n, dim = X.shape
    if n == 0:
        return AffineRank(-1, -1, 0.0, np.zeros(0), dim)
    with np.errstate(over="ignore", under="ignore"):
        top = np.max(np.abs(X))
        scaled = X / top if top > 0 else X  # singular values are scale-free; avoid overflow at 1e+-150
        centred = scaled - scaled.mean(axis=0)
        values = np.linalg.svd(centred, compute_uv=False) if n > 1 else np.zeros(min(n, dim))
    tolerance = max(n, dim) * EPS
    numerical = int((values > tolerance * values[0]).sum()) if values.size and values[0] > 0 else 0
    order = _pivot_rows(centred, dim) if n > 1 else [0]
    candidates = [tuple(Fraction(float(v)) for v in X[i]) for i in order]
    if exact_affine_rank(candidates) == dim:  # the guessed rows already span: full rank, exactly
        return AffineRank(dim, numerical, tolerance, values, dim)
    return AffineRank(exact_affine_rank(np.unique(X, axis=0).tolist()), numerical, tolerance, values, dim)


def flat_relation(X: np.ndarray) -> tuple[Fraction, ...] | None:
    """A direction a (exact rationals, last nonzero entry 1) with a . x constant over all points, or None."""
    return null_relation(exact_rows(np.unique(X, axis=0)))


def column_label(index: int, names: tuple[str, ...] | None = None) -> str:
    """A column as messages name it: its CSV header name, else 'column j' numbered from 1.

    >>> column_label(1, ("temperature", "pressure")), column_label(1)
    ('pressure', 'column 2')
    """
    return names[index] if names and index < len(names) else f"column {index + 1}"


def flatness_cause(X: np.ndarray, names: tuple[str, ...] | None = None) -> str:
    """Why data of affine rank below D are flat, in the user's terms: a constant column, or the exact relation."""
    constant = [j for j in range(X.shape[1]) if np.all(X[:, j] == X[0, j])]
    if constant:
        return "; ".join(f"{column_label(j, names)} is constant (every row equals {X[0, j]:.17g})"
                         for j in constant)
    relation = flat_relation(X)
    if relation is None:
        return "they are not flat"
    terms = [f"{'' if a == 1 else ('-' if a == -1 else str(a) + ' ')}{column_label(j, names)}"
             for j, a in enumerate(relation) if a]
    value = sum(Fraction(float(v)) * a for v, a in zip(X[0], relation))
    return f"every row satisfies {' + '.join(terms).replace('+ -', '- ')} = {float(value):.17g}"
