"""What in the data makes a mixture fit degenerate, found and counted (issue 22, item 2).

Every finding names rows (numbered from 0, as ``em`` numbers points) and columns (by the CSV header).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_math.numerics.diagnose.flats import Flat, find_flats
from gmm_math.numerics.rank import AffineRank, affine_rank

NEAR_CONSTANT_SHARE = 0.5  # a column whose most common value holds at least this share of the rows
GRID_DISTINCT_SHARE = 0.5  # a column with fewer distinct values than this share of N, all on one step
SCALE_RATIO_WARN = 1e3  # columns whose standard deviations differ more than this
SHOWN = 10  # rows listed per finding


@dataclass(frozen=True)
class Duplicates:
    """Rows with equal values: ``rows`` (first ``SHOWN``), and how many (r, the r of the sigma^(-rD) rate)."""

    rows: tuple[int, ...]
    multiplicity: int


@dataclass(frozen=True)
class ColumnValue:
    """A column's most common value and how many rows hold it (all of them: a constant column)."""

    column: int
    value: float
    count: int
    rows: tuple[int, ...]  # the rows off that value (first SHOWN), for a near-constant column

    @property
    def constant(self) -> bool:
        return not self.rows and self.count > 0


@dataclass(frozen=True)
class Grid:
    """A column whose values sit on a grid of step ``step`` (rounded or grouped data, Biernacki 2007)."""

    column: int
    step: float
    distinct: int


@dataclass(frozen=True)
class Parameters:
    """Free parameters of K components of this covariance type against N."""

    components: int
    per_component: int
    total: int
    n: int
    needed_points: int  # K (D + 1): each component needs D + 1 affinely independent points


@dataclass(frozen=True)
class DataFindings:
    """Everything item 2 names (see the module docstring)."""

    n: int
    dim: int
    rank: AffineRank
    duplicates: tuple[Duplicates, ...]
    duplicated_rows: int
    columns: tuple[ColumnValue, ...]
    scale_ratio: float
    scale_columns: tuple[int, int]  # (largest, smallest) standard deviation
    grids: tuple[Grid, ...]
    parameters: Parameters
    flats: tuple[Flat, ...] = ()  # small affine subspaces holding many rows (see numerics.diagnose.flats)


def duplicate_groups(X: np.ndarray) -> tuple[tuple[Duplicates, ...], int]:
    """Groups of equal rows (largest first) and how many rows repeat an earlier one."""
    _, inverse, counts = np.unique(X, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    groups = []
    for g in np.flatnonzero(counts > 1)[np.argsort(-counts[counts > 1], kind="stable")]:
        rows = np.flatnonzero(inverse == g)
        groups.append(Duplicates(tuple(int(r) for r in rows[:SHOWN]), int(counts[g])))
    return tuple(groups), int((counts - 1).sum())


def column_values(X: np.ndarray) -> tuple[ColumnValue, ...]:
    """Constant and near-constant columns (the most common value holds >= NEAR_CONSTANT_SHARE of the rows)."""
    found = []
    n = X.shape[0]
    for j in range(X.shape[1]):
        values, counts = np.unique(X[:, j], return_counts=True)
        top = int(np.argmax(counts))
        if counts[top] >= NEAR_CONSTANT_SHARE * n:
            off = np.flatnonzero(X[:, j] != values[top])
            found.append(ColumnValue(j, float(values[top]), int(counts[top]), tuple(int(r) for r in off[:SHOWN])))
    return tuple(found)


def grids(X: np.ndarray) -> tuple[Grid, ...]:
    """Columns with few distinct values, all integer multiples of their smallest gap (to 1e-9 of it)."""
    found = []
    n = X.shape[0]
    for j in range(X.shape[1]):
        values = np.unique(X[:, j])
        if values.size < 3 or values.size >= GRID_DISTINCT_SHARE * n:
            continue
        step = float(np.min(np.diff(values)))
        steps = (values - values[0]) / step
        if np.all(np.abs(steps - np.round(steps)) <= 1e-9 * np.maximum(1.0, np.abs(steps))):
            found.append(Grid(j, step, int(values.size)))
    return tuple(found)


def parameters(n: int, dim: int, components: int, covariance: str) -> Parameters:
    """scikit-learn's count of free parameters (as its ``_n_parameters``)."""
    per = {"full": dim * (dim + 1) // 2, "diag": dim, "spherical": 1, "tied": 0}[covariance]
    shared = dim * (dim + 1) // 2 if covariance == "tied" else 0
    total = components * (dim + per) + shared + components - 1
    return Parameters(components, dim + per + 1, total, n, components * (dim + 1))


def find(X: np.ndarray, components: int, covariance: str) -> DataFindings:
    """All data findings for fitting ``components`` Gaussians of this covariance type to X (N, D)."""
    n, dim = X.shape
    groups, repeated = duplicate_groups(X)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        top = np.max(np.abs(X))
        spread = np.std(X / top, axis=0) if top > 0 else np.zeros(dim)  # scale-free: safe at 1e+-150
    varying = np.flatnonzero(spread > 0)
    if varying.size:
        big, small = int(varying[np.argmax(spread[varying])]), int(varying[np.argmin(spread[varying])])
        ratio = float(spread[big] / spread[small])
    else:
        big = small = 0
        ratio = 1.0
    return DataFindings(n, dim, affine_rank(X), groups, repeated, column_values(X), ratio, (big, small), grids(X),
                        parameters(n, dim, components, covariance), find_flats(X))
