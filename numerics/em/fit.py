"""EM for Gaussian mixtures with a view inside: per-iteration records, collapse detection, remedies.

>>> from gmm_math.numerics.datasets import seed_blobs
>>> result = fit(seed_blobs(), 3, init="seed-style", remedy="none", seed=30)
>>> c = result.collapse  # None, or where and when a component fell onto a data point
>>> (c.component, c.point_index, c.iteration, round(c.weight * 500, 3))
(2, 111, 2, 1.0)

A component *collapses* when the smallest eigenvalue of its covariance falls
below ``collapse_tol`` times the data's mean variance (or stops being finite).
Then it sits on essentially one data point (or on ``coincident`` equal points):
the likelihood there grows without bound (PRML 9.2.1). Without a remedy the
run stops at that M-step and reports it instead of failing in a Cholesky
factorisation; see :mod:`gmm_math.numerics.em.remedies` for what the remedies do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import COVARIANCE_ALIASES
from gmm_math.numerics.em.init import INITS, Params, user_params
from gmm_math.numerics.em.kernels import EStep, Stats, columns, e_step, sample_log_likelihood, sufficient_stats
from gmm_math.numerics.em.data import STRUCTURES, DataSummary, Settings, structured
from gmm_math.numerics.em.remedies import REMEDIES, Remedy
from gmm_math.numerics.points import validate_points

COVARIANCE_TYPES = tuple(STRUCTURES)
DEFAULT_COLLAPSE_TOL = 1e-6
SINGULAR_TOL = 1e-12  # below this (relative) even a bounded remedy stops: Cholesky is no longer safe

__all__ = ["COVARIANCE_TYPES", "INITS", "REMEDIES", "Collapse", "FitResult", "IterationRecord", "fit",
           "sample_log_likelihood"]


@dataclass(frozen=True)
class Collapse:
    """Where and when a component collapsed.

    Attributes
    ----------
    component : int
        0-based component index.
    iteration : int
        The M-step (1-based) that produced the collapsed covariance.
    point_index : int
        0-based index of the data point the component sits on (its largest responsibility).
    point : tuple of float
        That point's coordinates.
    weight : float
        The component's mixing weight after that M-step (about coincident / N).
    effective_count : float
        ``sum_n resp[n, k]``, how many points it held.
    coincident : int
        How many data points equal ``point`` (itself included).
    min_eigenvalue : float
        Smallest eigenvalue of its covariance (NaN when it was not finite).
    attempt : int
        0 for the first run, r for the r-th restart.
    """

    component: int
    iteration: int
    point_index: int
    point: tuple[float, ...]
    weight: float
    effective_count: float
    coincident: int
    min_eigenvalue: float
    attempt: int = 0

    def as_dict(self) -> dict[str, object]:
        """The JSON form: component, iteration, point_index, point, weight (and the extras)."""
        return {"component": self.component, "iteration": self.iteration, "point_index": self.point_index,
                "point": list(self.point), "weight": self.weight, "effective_count": self.effective_count,
                "coincident": self.coincident, "min_eigenvalue": _finite_or_none(self.min_eigenvalue),
                "attempt": self.attempt}


@dataclass(frozen=True)
class IterationRecord:
    """The state after one M-step (iteration 0: the initialisation).

    Attributes
    ----------
    iteration : int
    log_likelihood : float or None
        Total log-likelihood at these parameters; None for collapsed parameters (not evaluated).
    objective : float or None
        What EM climbs: the log-likelihood plus the remedy's prior/penalty term.
    weights : ndarray, shape (K,)
    means : ndarray, shape (K, D)
    covariances : ndarray, shape (K, D, D)
    min_eigenvalues : ndarray, shape (K,)
        Smallest covariance eigenvalue per component.
    effective_counts : ndarray, shape (K,)
        Responsibility sums that produced these parameters (iteration 0: those they imply).
    """

    iteration: int
    log_likelihood: float | None
    objective: float | None
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    min_eigenvalues: np.ndarray
    effective_counts: np.ndarray


@dataclass(frozen=True)
class FitResult:
    """Outcome of :func:`fit`.

    ``log_likelihood`` lists the total log-likelihood at the initial parameters and after
    every completed iteration of the final attempt; ``weights``/``means``/``covariances`` are
    the last parameters reached (the collapsed ones when the run stopped at a collapse);
    ``events`` are collapses a remedy handled (reset, restart) before the run went on.
    """

    converged: bool
    n_iter: int
    log_likelihood: list[float]
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    collapse: Collapse | None
    history: list[IterationRecord]
    events: list[Collapse] = field(default_factory=list)
    remedy: str = "ridge"
    init: str = "kmeans++"
    covariance: str = "full"
    seed: int | None = None
    restarts: int = 0
    n_points: int = 0
    threshold: float = 0.0  # collapse threshold on the smallest eigenvalue, in data units

    @property
    def score(self) -> float:
        """Mean per-point log-likelihood at the last evaluated parameters (scikit-learn's ``score``)."""
        return self.log_likelihood[-1] / self.n_points


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


@dataclass(frozen=True)
class _Problem:
    X: np.ndarray
    XT: np.ndarray
    data: DataSummary
    settings: Settings
    remedy: Remedy
    threshold: float
    max_iter: int
    tol: float


@dataclass
class _Attempt:
    """Mutable state of one run from one starting point."""

    history: list[IterationRecord]
    params: Params
    converged: bool = False
    stopped: Collapse | None = None  # the collapse that ended the run
    noted: Collapse | None = None  # the first collapse a bounded remedy carried on through
    just_reset: bool = False
    events: list[Collapse] = field(default_factory=list)


def _min_eigenvalues(covariances: np.ndarray) -> np.ndarray:
    finite = np.isfinite(covariances).all(axis=(1, 2))
    safe = np.where(finite[:, None, None], covariances, np.eye(covariances.shape[1]))
    return np.where(finite, np.linalg.eigvalsh(safe)[:, 0], np.nan)


def _record(iteration: int, params: Params, counts: np.ndarray, log_likelihood: float | None,
            objective: float | None) -> IterationRecord:
    return IterationRecord(iteration, log_likelihood, objective, params.weights, params.means,
                           params.covariances, _min_eigenvalues(params.covariances), counts)


def _collapse(problem: _Problem, component: int, iteration: int, estep: EStep, stats: Stats,
              weights: np.ndarray, min_eigenvalue: float, attempt: int) -> Collapse:
    X = problem.X
    resp = estep.resp[component]
    index = int(np.argmax(resp)) if resp.max() > 0 else int(
        np.argmin(((X - stats.centroids[component]) ** 2).sum(axis=1)))
    point = X[index]
    return Collapse(component=component, iteration=iteration, point_index=index,
                    point=tuple(float(v) for v in point), weight=float(weights[component]),
                    effective_count=float(stats.counts[component]),
                    coincident=int(np.all(X == point, axis=1).sum()),
                    min_eigenvalue=float(min_eigenvalue), attempt=attempt)


def _reset(problem: _Problem, params: Params, components: np.ndarray, rng: np.random.Generator) -> Params:
    """PRML's heuristic: a collapsed component restarts at a random data point with the data covariance."""
    data = problem.data
    means, covs, weights = params.means.copy(), params.covariances.copy(), params.weights.copy()
    spread = structured(data.covariance, problem.settings.covariance)
    for c in components:
        means[c] = problem.X[rng.integers(data.n)]
        covs[c] = spread
        weights[c] = 1.0 / problem.settings.components
    return Params(weights / weights.sum(), means, covs)


def _stop(problem: _Problem, candidate: Params, collapsed: np.ndarray, reports: list[Collapse],
          mins: np.ndarray, rng: np.random.Generator, attempt: _Attempt) -> Params | None:
    return None


def _reset_collapsed(problem: _Problem, candidate: Params, collapsed: np.ndarray, reports: list[Collapse],
                     mins: np.ndarray, rng: np.random.Generator, attempt: _Attempt) -> Params | None:
    attempt.events.extend(reports)
    attempt.just_reset = True
    return _reset(problem, candidate, collapsed, rng)


def _note_and_continue(problem: _Problem, candidate: Params, collapsed: np.ndarray, reports: list[Collapse],
                       mins: np.ndarray, rng: np.random.Generator, attempt: _Attempt) -> Params | None:
    """Bounded remedies go on (their likelihood is bounded) unless a covariance is numerically singular."""
    if not (np.all(mins > SINGULAR_TOL * problem.data.scale) and np.isfinite(candidate.means).all()):
        return None
    attempt.noted = attempt.noted or reports[0]
    return candidate


ON_COLLAPSE = {"stop": _stop, "restart": _stop, "reset": _reset_collapsed, "continue": _note_and_continue}


def _climb(problem: _Problem, start: Params, rng: np.random.Generator, number: int,
           callback: Callable[[int, IterationRecord], None] | None) -> _Attempt:
    """EM iterations from ``start`` until convergence, ``max_iter`` or a collapse that stops the run."""
    remedy, data, settings = problem.remedy, problem.data, problem.settings
    params = start
    estep = e_step(problem.XT, params.weights, params.means, params.covariances)
    objective = estep.log_likelihood + remedy.objective_term(params.means, params.covariances, data, settings)
    attempt = _Attempt(history=[_record(0, params, estep.resp.sum(axis=1), estep.log_likelihood, objective)],
                       params=params)
    handle = ON_COLLAPSE[remedy.on_collapse]
    for iteration in range(1, problem.max_iter + 1):
        stats = sufficient_stats(problem.XT, estep.resp)
        means, covariances = remedy.m_step(stats, data, settings)
        weights = stats.counts / stats.counts.sum()
        mins = _min_eigenvalues(covariances)
        collapsed = np.flatnonzero(~(mins >= problem.threshold) | ~np.isfinite(means).all(axis=1))
        candidate: Params | None = Params(weights, means, covariances)
        attempt.just_reset = False
        if collapsed.size:
            reports = [_collapse(problem, int(c), iteration, estep, stats, weights, mins[c], number)
                       for c in collapsed]
            candidate = handle(problem, candidate, collapsed, reports, mins, rng, attempt)
            if candidate is None:
                attempt.history.append(_record(iteration, Params(weights, means, covariances), stats.counts,
                                               None, None))
                attempt.stopped = reports[0]
                attempt.params = Params(weights, means, covariances)
                return attempt
        params = attempt.params = candidate
        estep = e_step(problem.XT, params.weights, params.means, params.covariances)
        previous = objective
        objective = estep.log_likelihood + remedy.objective_term(params.means, params.covariances, data, settings)
        attempt.history.append(_record(iteration, params, stats.counts, estep.log_likelihood, objective))
        if callback is not None:
            callback(iteration, attempt.history[-1])
        if not attempt.just_reset and abs(objective - previous) / data.n < problem.tol:
            attempt.converged = True
            return attempt
    return attempt


def _check_options(components: int, n: int, init: str, remedy: str, covariance: str, reg_covar: float,
                   min_ratio: float, max_iter: int, tol: float, max_restarts: int, collapse_tol: float,
                   seed: int | None) -> None:
    choices = {"init": (init, INITS), "remedy": (remedy, REMEDIES), "covariance": (covariance, COVARIANCE_TYPES)}
    for name, (value, known) in choices.items():
        if value not in known:
            raise GmmMathError(f"unknown {name} {value!r} (expected one of: {', '.join(known)})", parameter=name)
    if isinstance(components, bool) or not isinstance(components, (int, np.integer)) or not 1 <= components <= n:
        raise GmmMathError(f"components must be an integer from 1 to N={n} (the number of points), "
                           f"got {components!r}", parameter="components")
    positive = {"reg_covar": reg_covar, "collapse_tol": collapse_tol}
    for name, value in positive.items():
        if not (np.isfinite(value) and value > 0):
            raise GmmMathError(f"{name} must be a positive finite number, got {value!r}", parameter=name)
    if not (np.isfinite(min_ratio) and 0 < min_ratio <= 1):
        raise GmmMathError(f"min_ratio must be in (0, 1], got {min_ratio!r}", parameter="min_ratio")
    if not (np.isfinite(tol) and tol >= 0):
        raise GmmMathError(f"tol must be a non-negative finite number, got {tol!r}", parameter="tol")
    if max_iter < 1 or max_restarts < 0:
        raise GmmMathError(f"max_iter must be >= 1 and max_restarts >= 0, got {max_iter} and "
                           f"{max_restarts}", parameter=("max_iter", "max_restarts"))
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise GmmMathError(f"seed must be a non-negative integer, got {seed!r}", parameter="seed")


def fit(X, components, *, init="kmeans++", remedy="ridge", reg_covar=1e-6, covariance="full", max_iter=100,
        tol=1e-6, seed=None, weights_init=None, means_init=None, covariances_init=None, min_ratio=0.01,
        max_restarts=10, collapse_tol=DEFAULT_COLLAPSE_TOL, callback=None) -> FitResult:
    """Fit a K-component Gaussian mixture by EM, watching for collapsing components.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Finite data, N >= 2.
    components : int
        K, 1 <= K <= N.
    init : {"seed-style", "random-points", "kmeans++"}
    remedy : {"none", "ridge", "reset", "restart", "map", "penalty", "ratio"}
        See :mod:`gmm_math.numerics.em.remedies`.
    reg_covar : float > 0
        Diagonal ridge for ``remedy="ridge"``.
    covariance : {"full", "spherical"}
    max_iter : int
        EM iterations per attempt.
    tol : float
        Stop when the objective per point changes by less than this (scikit-learn's rule).
    seed : int >= 0 or None
        Seeds every random choice (initialisation, resets, restarts).
    weights_init, means_init, covariances_init : array_like, optional
        Shapes (K,), (K, D), (K, D, D) (spherical: also (K,) variances); they override the init's.
    min_ratio : float in (0, 1]
        Smallest allowed eigenvalue ratio for ``remedy="ratio"``.
    max_restarts : int
        Restarts allowed for ``remedy="restart"``.
    collapse_tol : float
        Collapse threshold on the smallest covariance eigenvalue, relative to the data's mean variance.
    callback : callable(iteration, IterationRecord), optional
        Called after every completed iteration (progress display).

    Returns
    -------
    FitResult
    """
    X = validate_points(X)
    n, dim = X.shape
    covariance = COVARIANCE_ALIASES.get(covariance, covariance)  # "isotropic" is "spherical"
    _check_options(components, n, init, remedy, covariance, reg_covar, min_ratio, max_iter, tol, max_restarts,
                   collapse_tol, seed)
    data = DataSummary.of(X)
    threshold = collapse_tol * data.scale
    if np.linalg.eigvalsh(structured(data.covariance, covariance))[0] < threshold:
        raise GmmMathError(f"the data span fewer than {dim} dimensions, so no full covariance fits them "
                           "(use covariance spherical or drop a coordinate)", parameter="covariance")
    settings = Settings(components=int(components), covariance=covariance, reg_covar=float(reg_covar),
                        min_ratio=float(min_ratio))
    problem = _Problem(X, columns(X), data, settings, REMEDIES[remedy], threshold, int(max_iter), float(tol))
    rng = np.random.default_rng(seed)
    given = (weights_init, means_init, covariances_init)
    base = (Params(*given) if all(v is not None for v in given)  # all given: the init draws nothing
            else INITS[init](X, settings.components, rng, data, covariance))
    start = user_params(base, settings.components, dim, covariance, *given)
    outcome = _climb(problem, start, rng, 0, callback)
    events = list(outcome.events)
    restarts = 0
    while outcome.stopped is not None and problem.remedy.on_collapse == "restart" and restarts < max_restarts:
        events.append(outcome.stopped)
        restarts += 1
        fresh = INITS[init](X, settings.components, rng, data, covariance)
        outcome = _climb(problem, fresh, rng, restarts, callback)
    final = outcome.params
    return FitResult(converged=outcome.converged, n_iter=outcome.history[-1].iteration,
                     log_likelihood=[r.log_likelihood for r in outcome.history if r.log_likelihood is not None],
                     weights=final.weights, means=final.means, covariances=final.covariances,
                     collapse=outcome.stopped or outcome.noted, history=outcome.history, events=events,
                     remedy=remedy, init=init,
                     covariance=covariance, seed=seed, restarts=restarts, n_points=n,
                     threshold=threshold)
