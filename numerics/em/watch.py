"""What a picture of an EM run shows, iteration by iteration, read off the fit's records.

>>> from gmm_math.numerics.datasets import seed_blobs
>>> from gmm_math.numerics.em.fit import fit
>>> result = fit(seed_blobs(), 3, init="seed-style", remedy="none", seed=30)
>>> [(f.iteration, f.collapsed) for f in frames(result)]
[(0, ()), (1, ()), (2, (2,))]
>>> iterations, values = eigenvalue_trace(result, 2)
>>> iterations.tolist(), bool(values[-1] < result.threshold < values[0])
([0, 1, 2], True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_math.numerics.em.fit import FitResult, IterationRecord


@dataclass(frozen=True)
class Frame:
    """One iteration of a run as drawn.

    Attributes
    ----------
    iteration : int
        The record's iteration (0: the start).
    record : IterationRecord
        Weights (K,), means (K, D), covariances (K, D, D), log-likelihood (None at a collapse).
    collapsed : tuple of int
        Components whose smallest covariance eigenvalue is below the run's collapse threshold
        (or not finite) in this record.
    """

    iteration: int
    record: IterationRecord
    collapsed: tuple[int, ...]


def frames(result: FitResult) -> list[Frame]:
    """One frame per recorded iteration of the final attempt, iteration 0 (the start) first."""
    out = []
    for record in result.history:
        mins = record.min_eigenvalues
        collapsed = tuple(int(k) for k in np.flatnonzero(~(mins >= result.threshold)))
        out.append(Frame(record.iteration, record, collapsed))
    return out


def log_likelihood_trace(result: FitResult, upto: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Iterations (int, shape (T,)) and log-likelihoods (shape (T,)) of the evaluated records up to ``upto``."""
    pairs = [(r.iteration, r.log_likelihood) for r in result.history
             if r.log_likelihood is not None and (upto is None or r.iteration <= upto)]
    return np.array([p[0] for p in pairs], dtype=int), np.array([p[1] for p in pairs], dtype=float)


def eigenvalue_trace(result: FitResult, component: int, upto: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Iterations (int, shape (T,)) and the smallest covariance eigenvalue of ``component`` (shape (T,))."""
    records = [r for r in result.history if upto is None or r.iteration <= upto]
    return (np.array([r.iteration for r in records], dtype=int),
            np.array([r.min_eigenvalues[component] for r in records], dtype=float))


def log_likelihood_range(result: FitResult) -> tuple[float, float]:
    """The smallest and largest evaluated log-likelihood of the run (fixed axes for an animation)."""
    values = log_likelihood_trace(result)[1]
    return float(values.min()), float(values.max())
