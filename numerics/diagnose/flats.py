"""Small affine subspaces (flats) holding many points: where a component can collapse (issue 22, item 2).

A flat of dimension d < D holding at least D + 1 points is where a Gaussian component can sit with a
singular covariance while supported by more points than any flat holds in general position (there a
d-flat holds at most d + 1 <= D points). Such a flat is *reported* when it holds at least
``max(D + 1, FLAT_SHARE x N)`` rows (the criterion), with the lowest d found for its rows.

The search is deterministic and its cost follows the mathematics, not the row count:

- it screens on at most ``SCREEN_ROWS`` rows (every ``ceil(N / SCREEN_ROWS)``-th row, row 0 first) from at
  most ``SEEDS`` seed rows (one row of each of the largest duplicate groups, then evenly spaced screened
  rows); from a seed it grows a flat through exact affine spans of its nearest distinct screened
  neighbours, one dimension at a time, trying the ``2 D`` nearest neighbours off the current flat and
  keeping the one whose flat holds most screened rows. That is at most
  ``SEEDS x (D - 1) x 2 D`` screens of ``SCREEN_ROWS x D x d`` operations, whatever N is;
- a flat passing the criterion on the screened rows is counted once over all N rows (O(N D d)) and
  confirmed exactly: its equations are the exact null relations of the d + 1 points spanning it
  (:func:`gmm_math.derivations.core.rank.null_relations`, the elimination of
  :func:`~gmm_math.derivations.core.rank.exact_affine_rank`); there must be D - d of them, and every row on
  it must satisfy each one exactly, as the rationals float64 holds (integer arithmetic, O(N D)). Then the
  rows' exact affine rank is d.

A row is on a flat numerically when its distance to the flat is at most ``tolerance x max|X|``, with
``tolerance = max(N, D) x eps`` (the relative tolerance of :mod:`gmm_math.numerics.rank`), but no less than
``SCREEN_FLOOR`` (rounding of the projection itself). A flat whose rows are on it numerically but not
exactly is reported as such (``exact=False``).

>>> import numpy as np
>>> X = np.array([[t, 3.0] for t in range(6)] + [[0.5, 1.0], [2.5, 7.0], [4.5, -2.0]])
>>> [(f.dim, f.count, f.exact) for f in find_flats(X)]
[(1, 6, True)]
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import numpy as np

from gmm_math.derivations.core.rank import null_relations
from gmm_math.numerics.rank import EPS, exact_rows

FLAT_SHARE = 0.05  # a flat is reported when it holds at least this share of the rows (and at least D + 1)
SCREEN_ROWS = 2048  # rows screened
SEEDS = 64  # seed rows
SCREEN_FLOOR = 64 * EPS  # the smallest relative distance tolerance (rounding of the projection)
REPORTED = 5  # flats reported, most rows first
RUNS = 10  # runs of consecutive rows kept per flat


@dataclass(frozen=True)
class Flat:
    """An affine subspace of dimension ``dim`` < D holding ``count`` rows.

    Attributes
    ----------
    dim, count : int
        Its dimension (< D) and how many rows lie on it.
    runs : tuple of (first, last)
        The first ``RUNS`` runs of consecutive rows on it (rows numbered from 0).
    relations : tuple of (coefficients, constant)
        D - dim equations ``sum_j a_j x_j = c`` the flat satisfies; coefficients shape (D,), exact rationals.
    exact : bool
        Its rows span exactly ``dim`` dimensions as float64 holds them (else only to the tolerance).
    tolerance : float
        The relative distance tolerance used.
    """

    dim: int
    count: int
    runs: tuple[tuple[int, int], ...]
    relations: tuple[tuple[tuple[Fraction, ...], Fraction], ...]
    exact: bool
    tolerance: float


def _runs(rows: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Runs of consecutive integers in sorted ``rows``, shape (M,): the first ``RUNS`` as (first, last)."""
    breaks = np.flatnonzero(np.diff(rows) != 1)
    starts = np.concatenate([[0], breaks + 1])[:RUNS]
    ends = np.concatenate([breaks, [rows.size - 1]])[:RUNS]
    return tuple((int(rows[a]), int(rows[b])) for a, b in zip(starts, ends))


def _on_flat(points: np.ndarray, origin: np.ndarray, basis: np.ndarray, limit: float) -> np.ndarray:
    """Which points, shape (M, D), lie within ``limit`` of the flat ``origin + span(basis)`` (basis (d, D),
    orthonormal rows)."""
    offset = points - origin
    residual = offset - (offset @ basis.T) @ basis
    return np.einsum("ij,ij->i", residual, residual) <= limit * limit


def _orthonormal(directions: np.ndarray) -> np.ndarray | None:
    """Orthonormal rows spanning ``directions`` (d, D), or None when they are dependent numerically."""
    q, r = np.linalg.qr(directions.T)
    diagonal = np.abs(np.diag(r))
    if diagonal.size and diagonal.min() <= 1e-9 * diagonal.max():
        return None
    return q.T


def _grow(screen: np.ndarray, seed: int, dim: int, need: float, limit: float) -> tuple[int, list[int]] | None:
    """From screened row ``seed``, the lowest-dimensional flat through it and nearest neighbours whose
    screened count reaches ``need``: (its dimension, the screened rows spanning it), or None."""
    origin = screen[seed]
    distance = np.einsum("ij,ij->i", screen - origin, screen - origin)
    order = np.argsort(distance, kind="stable")
    order = order[distance[order] > 0]  # distinct from the seed
    spanning: list[int] = []
    basis = np.zeros((0, screen.shape[1]))
    for _ in range(1, dim):
        off = order[~_on_flat(screen[order], origin, basis, limit)] if basis.size else order
        best = None
        for candidate in off[:2 * dim]:
            trial = _orthonormal(np.vstack([screen[spanning] - origin, screen[candidate] - origin])
                                 if spanning else (screen[candidate] - origin)[None, :])
            if trial is None:
                continue
            held = int(_on_flat(screen, origin, trial, limit).sum())
            if best is None or held > best[0]:
                best = (held, int(candidate), trial)
        if best is None:
            return None
        spanning.append(best[1])
        basis = best[2]
        if best[0] >= need:
            return len(spanning), [seed, *spanning]
    return None


def _holds_exactly(points: np.ndarray, coefficients: tuple[Fraction, ...], constant: Fraction) -> bool:
    """Whether every row of ``points`` (M, D) satisfies ``coefficients . x = constant`` exactly, as float64 holds
    it: each value is written m 2^e with integer m (numpy's frexp), the sum taken in Python integers; O(M D)."""
    scale = 1
    for value in (*coefficients, constant):
        scale = lcm(scale, value.denominator)
    mantissa, exponent = np.frexp(points)
    integers = (mantissa * 2.0 ** 53).astype(np.int64).astype(object)  # exact: 53-bit mantissas
    exponent = exponent.astype(np.int64) - 53
    used = [j for j, a in enumerate(coefficients) if a]
    low = int(exponent[:, used].min())
    total = np.zeros(points.shape[0], dtype=object)
    for j in used:
        total = total + int(coefficients[j] * scale) * integers[:, j] * np.power(2, (exponent[:, j] - low).astype(object))
    target = constant * scale * Fraction(2) ** (-low)
    return target.denominator == 1 and bool(np.all(total == target.numerator))


def _relations(points: np.ndarray) -> tuple[tuple[tuple[Fraction, ...], Fraction], ...]:
    """The exact equations of the affine hull of ``points`` (d + 1, D): (coefficients, constant) each."""
    rows = exact_rows(points)
    return tuple((a, sum((x * c for x, c in zip(rows[0], a)), Fraction(0))) for a in null_relations(rows))


def find_flats(X: np.ndarray) -> tuple[Flat, ...]:
    """Flats of dimension < D holding at least ``max(D + 1, FLAT_SHARE x N)`` rows of X, shape (N, D).

    See the module docstring for the search, its cost bound and its tolerance. Most rows first, at most
    ``REPORTED``; duplicated rows alone (a flat of dimension 0) are the duplicate finding, not repeated here.
    """
    n, dim = X.shape
    need = max(dim + 1, FLAT_SHARE * n)
    if dim < 2 or n < need:
        return ()
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        top = float(np.max(np.abs(X)))
        if not top > 0 or not np.isfinite(top):
            return ()
        scaled = X / top  # distances are scale-free: safe at 1e+-150
    tolerance = max(max(n, dim) * EPS, SCREEN_FLOOR)
    step = -(-n // SCREEN_ROWS)
    screened = np.arange(0, n, step)
    screen = scaled[screened]
    screen_need = max(dim + 1, FLAT_SHARE * screened.size)
    candidates: dict[bytes, tuple[int, np.ndarray, list[int]] | None] = {}
    for seed in _seeds(screen):
        grown = _grow(screen, int(seed), dim, screen_need, tolerance)
        if grown is None:
            continue
        flat_dim, spanning = grown
        origin = screen[spanning[0]]
        basis = _orthonormal(screen[spanning[1:]] - origin)
        key = np.flatnonzero(_on_flat(screen, origin, basis, tolerance)).tobytes()
        if key in candidates:
            continue  # the same flat, grown from another seed: counted once over all rows
        members = np.flatnonzero(_on_flat(scaled, origin, basis, tolerance))
        candidates[key] = (flat_dim, members, spanning) if members.size >= need else None
    candidates = {key: c for key, c in candidates.items() if c is not None}
    kept = [c for c in candidates.values() if not _incidental(c, candidates.values(), dim + 1)]
    flats = []
    for flat_dim, members, spanning in kept:
        relations = _relations(X[screened[spanning]])
        exact = len(relations) == dim - flat_dim and all(_holds_exactly(X[members], a, c) for a, c in relations)
        flats.append(Flat(flat_dim, int(members.size), _runs(members), relations, exact, tolerance))
    return tuple(sorted(flats, key=lambda f: (-f.count, f.dim, f.runs))[:REPORTED])


def _incidental(flat, others, extra: int) -> bool:
    """A flat that is a lower-dimensional reported flat plus fewer than ``extra`` (D + 1) rows: that flat's."""
    dim, members, _ = flat
    return any(d < dim and members.size - inside.size < extra and np.isin(inside, members).all()
               for d, inside, _ in others)


def _seeds(screen: np.ndarray) -> np.ndarray:
    """Seed rows of the screen: one row of each duplicate group (largest first), then evenly spaced rows;
    at most ``SEEDS``, shape (S,)."""
    _, first, counts = np.unique(screen, axis=0, return_index=True, return_counts=True)
    repeated = first[counts > 1][np.argsort(-counts[counts > 1], kind="stable")][:SEEDS // 2]
    spaced = np.linspace(0, screen.shape[0] - 1, SEEDS - repeated.size).round().astype(int)
    return np.array(list(dict.fromkeys([*repeated.tolist(), *spaced.tolist()])), dtype=int)
