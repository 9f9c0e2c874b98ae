"""The numbers ``diagnose``'s pictures draw (issue 22, item 6); the drawing itself lives in cli/diagnose/plot.py.

- :func:`column_pairs`: which pairs of columns are drawn (all of them up to ``MAX_PAIRS``);
- :func:`ellipse_tracks`: each collapsing component's 2-sigma ellipse, projected on a pair of columns, at
  up to ``TRACKED`` iterations of the maximum-likelihood run it collapses in;
- :func:`remedy_bars`: the remedies' outcomes side by side, with the smallest eigenvalue in log10.

The weight and smallest eigenvalue against iteration are :func:`gmm_math.numerics.diagnose.report.traces`
(log-space values at the collapse, never a float64 floor).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from gmm_math.numerics.diagnose.report import DiagnoseReport

MAX_PAIRS = 3  # pairs of columns drawn for D > 2
TRACKED = 6  # iterations whose ellipse is drawn, evenly spaced over the run, the last always
ELLIPSE_RADIUS = 2.0  # in standard deviations
ELLIPSE_POINTS = 73  # closed outline (first point repeated)


def column_pairs(dim: int) -> list[tuple[int, int]]:
    """Pairs of columns drawn: (0, 1), (0, 2), (1, 2), ... at most ``MAX_PAIRS``; (0, 0) for one column."""
    return [(0, 0)] if dim == 1 else list(combinations(range(dim), 2))[:MAX_PAIRS]


def ellipse(mean: np.ndarray, covariance: np.ndarray, pair: tuple[int, int]) -> np.ndarray:
    """The ``ELLIPSE_RADIUS``-sigma ellipse of N(mean, covariance), shape (D,) and (D, D), on columns ``pair``:
    its outline, shape (ELLIPSE_POINTS, 2). A singular marginal gives a segment (eigenvalues clipped at 0)."""
    index = list(pair)
    values, vectors = np.linalg.eigh(covariance[np.ix_(index, index)])
    angle = np.linspace(0.0, 2.0 * np.pi, ELLIPSE_POINTS)
    circle = np.stack([np.cos(angle), np.sin(angle)])  # (2, P)
    return (mean[index][:, None] + ELLIPSE_RADIUS * vectors @ (np.sqrt(np.maximum(values, 0.0))[:, None] * circle)).T


@dataclass(frozen=True)
class EllipseTrack:
    """One collapsing component's ellipse at some iterations, on one pair of columns.

    Attributes
    ----------
    component : int
    pair : (int, int)
    iterations : tuple of int, shape (T,)
    outlines : ndarray, shape (T, ELLIPSE_POINTS, 2)
    """

    component: int
    pair: tuple[int, int]
    iterations: tuple[int, ...]
    outlines: np.ndarray


def _full(covariance: np.ndarray, dim: int) -> np.ndarray:
    """A stored covariance (D, D), (D,) or () as a (D, D) matrix."""
    covariance = np.asarray(covariance, dtype=float)
    if covariance.ndim == 2:
        return covariance
    return np.diag(np.broadcast_to(covariance, (dim,)))


def ellipse_tracks(report: DiagnoseReport) -> list[EllipseTrack]:
    """Every collapsing component of the first start that collapses, per pair of :func:`column_pairs`."""
    outcome = next((o for o in report.outcomes if o.ml is not None and o.ml.collapses), None)
    if outcome is None:
        return []
    dim = report.findings.dim
    history = outcome.ml.history
    picked = sorted(set(np.linspace(0, len(history) - 1, TRACKED).round().astype(int).tolist()))
    tracks = []
    for component in dict.fromkeys(c.component for c in outcome.ml.collapses):
        usable = [i for i in picked if np.all(np.isfinite(history[i].covariances[component]))
                  and np.all(np.isfinite(history[i].means[component]))]
        for pair in column_pairs(dim):
            outlines = np.array([ellipse(history[i].means[component], _full(history[i].covariances[component], dim),
                                         pair) for i in usable]).reshape(len(usable), ELLIPSE_POINTS, 2)
            tracks.append(EllipseTrack(component, pair, tuple(history[i].iteration for i in usable), outlines))
    return tracks


@dataclass(frozen=True)
class RemedyBars:
    """The remedies' outcomes side by side, shape (R,) each (NaN where a remedy was refused or not finite)."""

    names: tuple[str, ...]
    objective: np.ndarray
    log10_smallest_eigenvalue: np.ndarray
    smallest_support: np.ndarray
    same_partition: tuple[bool, ...]


def remedy_bars(report: DiagnoseReport) -> RemedyBars | None:
    """The remedies compared from the first start, or None when they were not run."""
    if not report.remedies:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        eigen = np.array([r.smallest_eigenvalue for r in report.remedies], dtype=float)
        log_eigen = np.where(eigen > 0, np.log10(np.where(eigen > 0, eigen, 1.0)), np.nan)
    return RemedyBars(tuple(r.remedy for r in report.remedies),
                      np.array([np.nan if r.objective is None else r.objective for r in report.remedies], dtype=float),
                      log_eigen, np.array([r.smallest_support for r in report.remedies], dtype=float),
                      tuple(r.same_partition for r in report.remedies))
