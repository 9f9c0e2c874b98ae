"""EM for Gaussian mixtures with a view inside: per-iteration records, collapse detection, remedies.

>>> from gmm_math.numerics.datasets import seed_blobs
>>> result = fit(seed_blobs(), 3, init="seed-style", remedy="none", seed=30)
>>> c = result.collapse  # None, or where and when a component fell onto a data point
>>> (c.component, c.point_index, c.iteration, round(c.weight * 500, 3))
(2, 111, 2, 1.0)

A component *collapses* when it sits on too few points to have a covariance: its effective
support (the points whose responsibility for it is at least ``SUPPORT_RESPONSIBILITY`` = 1e-3) has
fewer than D + 1 affinely independent points (one point, r equal points, points on a line in 2-D),
and its smallest covariance eigenvalue is below ``COLLAPSE_FLOOR`` = 1e-12 times the data's mean
variance or has shrunk at least ``SHRINK_FACTOR`` = 10 times in each of the last two iterations (or
its parameters stopped being finite). There the likelihood grows without bound (PRML 9.2.1). A
component whose smallest eigenvalue is merely below ``collapse_tol`` times the mean variance but
that fails this test is *small but not collapsed* (its support spans, or its eigenvalue is bounded and
not falling) and reported as such, not as a singularity. An eigenvalue below ``COLLAPSE_FLOOR`` with a
spanning support also stops the run (Cholesky is no longer safe), reported as numerically singular. Without a
remedy the run stops at the collapsing M-step and reports it instead of failing in a Cholesky
factorisation; see :mod:`gmm_math.numerics.em.remedies` for what the remedies do.

A component holding fewer than ``STARVING_COUNT`` points has its M-step computed from its log
responsibilities (:mod:`gmm_math.numerics.em.logspace`): float64's, with scikit-learn's 10 eps added to
its count, would shrink its covariance towards 0 and report a collapse the exact M-step denies; its
support is then the points holding at least 1e-3 of its largest responsibility. Supports are ranked
exactly (:func:`gmm_math.numerics.rank.affine_rank`), every collapse of a step is reported
(``FitResult.collapses``), and each report's weight and smallest eigenvalue are computed in log space.

EM runs in standardised coordinates (:mod:`gmm_math.numerics.em.scaling`): centred, and scaled by one
power of two, so that it is scale-invariant; every number reported is in the data's units.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from gmm_math.derivations.core.display import NotebookDisplay
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import COVARIANCE_ALIASES
from gmm_math.derivations.remedies.registry import RIDGES
from gmm_math.numerics.em.init import INITS, Params, user_params
from gmm_math.numerics.em.kernels import EStep, Stats, columns, e_step, sample_log_likelihood, sufficient_stats
from gmm_math.numerics.em.data import STRUCTURES, DataSummary, Settings, structured
from gmm_math.numerics.em.logspace import (LOG10_E, LOG10_TINY, STARVING_COUNT, LogMoments, log10_min_eigenvalue,
                                           log_moments, log_responsibilities, relative_support)
from gmm_math.numerics.em.remedies import REMEDIES, Remedy
from gmm_math.numerics.em.scaling import Standardiser
from gmm_math.numerics.points import validate_points
from gmm_math.numerics.rank import affine_rank, flatness_cause

COVARIANCE_TYPES = tuple(STRUCTURES)
DEFAULT_COLLAPSE_TOL = 1e-6  # below this (relative) a component is at least "small"
SINGULAR_TOL = 1e-12  # below this (relative) even a bounded remedy stops: Cholesky is no longer safe
COLLAPSE_FLOOR = 1e-12  # a degenerate component with a smaller (relative) eigenvalue has collapsed
SHRINK_FACTOR = 10.0  # ... or one whose smallest eigenvalue shrank this much in each of two iterations
SUPPORT_RESPONSIBILITY = 1e-3  # the points a component holds: responsibility at least this
MAX_ITER = 10_000  # documented cap on EM iterations per attempt
UNSUPPORTED = {  # (remedy, covariance) pairs without a closed-form M-step, and why
    ("map", "diag"): "mclust's conjugate prior is defined for VVV and VII, full and spherical",
    ("map", "tied"): "mclust's conjugate prior is defined for VVV and VII, full and spherical",
    ("penalty", "tied"): "Chen, Tan & Zhang's penalty is per component; use full, diag or spherical",
}
USER_UNIT_INITS = ("seed-style",)  # starts defined in the data's units (integers, 5 I), mapped in

__all__ = ["COVARIANCE_TYPES", "INITS", "MAX_ITER", "REMEDIES", "RIDGES", "Collapse", "FitResult",
           "IterationRecord", "SmallComponent", "fit", "sample_log_likelihood"]


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
    support_size : int
        Points whose responsibility for it was at least ``SUPPORT_RESPONSIBILITY``.
    support_rank : int
        How many of them are affinely independent (fewer than D + 1 for every collapse), in exact arithmetic.
    log10_weight : float
        log10 of the weight, computed in log space (exact where ``weight`` underflows float64 or is
        scikit-learn's 10 eps floor).
    log10_min_eigenvalue : float
        log10 of the smallest eigenvalue of the exactly normalised M-step covariance (data units), from mpmath
        when float64 cannot resolve it; -inf when it is exactly 0.
    eigenvalue_resolved : bool
        False when even ``MAX_DPS`` digits did not resolve it: then ``log10_min_eigenvalue`` is an upper bound.
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
    support_size: int = 0
    support_rank: int = 0
    log10_weight: float = float("nan")
    log10_min_eigenvalue: float = float("nan")
    eigenvalue_resolved: bool = True

    @property
    def weight_underflows(self) -> bool:
        """The exact weight is below float64's smallest normal number."""
        return self.log10_weight < LOG10_TINY

    def as_dict(self) -> dict[str, object]:
        """The JSON form: component, iteration, point_index, point, weight (and the extras)."""
        return {"component": self.component, "iteration": self.iteration, "point_index": self.point_index,
                "point": list(self.point), "weight": self.weight, "effective_count": self.effective_count,
                "coincident": self.coincident, "min_eigenvalue": _finite_or_none(self.min_eigenvalue),
                "attempt": self.attempt, "support_size": self.support_size, "support_rank": self.support_rank,
                "log10_weight": _finite_or_none(self.log10_weight),
                "weight_underflows_float64": bool(self.weight_underflows),
                "log10_min_eigenvalue": _finite_or_none(self.log10_min_eigenvalue),
                "min_eigenvalue_resolved": self.eigenvalue_resolved}


@dataclass(frozen=True)
class SmallComponent:
    """A component whose smallest eigenvalue fell below ``collapse_tol`` x the mean variance but that
    did not collapse: its support spans its D dimensions (or its eigenvalue is neither tiny nor
    falling fast). Its likelihood contribution is bounded; it is not a singularity.

    Attributes
    ----------
    component, iteration, attempt : int
        The last M-step at which it was small.
    min_eigenvalue : float
        In the data's units.
    support_size, support_rank : int
        As in :class:`Collapse`.
    """

    component: int
    iteration: int
    min_eigenvalue: float
    support_size: int
    support_rank: int
    attempt: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"component": self.component, "iteration": self.iteration,
                "min_eigenvalue": _finite_or_none(self.min_eigenvalue), "support_size": self.support_size,
                "support_rank": self.support_rank, "attempt": self.attempt}


@dataclass(frozen=True)
class IterationRecord:
    """The state after one M-step (iteration 0: the initialisation).

    Attributes
    ----------
    iteration : int
    log_likelihood : float or None
        Total log-likelihood at these parameters; None for collapsed parameters (not evaluated).
    objective : float or None
        What EM climbs: the log-likelihood plus the remedy's prior/penalty term (the term as evaluated
        in the standardised coordinates, a constant away from its value in the data's units).
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


@dataclass(frozen=True, repr=False)
class FitResult(NotebookDisplay):
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
    threshold: float = 0.0  # "small" threshold on the smallest eigenvalue (collapse_tol x mean variance), data units
    small: list[SmallComponent] = field(default_factory=list)  # small, not collapsed (last attempt)
    ridge: str = "absolute"
    collapses: list[Collapse] = field(default_factory=list)  # every collapse of the step ``collapse`` is from

    def __repr__(self) -> str:
        """One line: K, the remedy, how the run ended, and the last log-likelihood."""
        c = self.collapse
        ended = (f"collapsed (component={c.component}, point_index={c.point_index}, iteration={c.iteration})"
                 if c is not None else "converged" if self.converged else "not converged")
        return (f"<FitResult K={len(self.weights)} remedy={self.remedy}: {ended} after {self.n_iter} iterations, "
                f"log L {self.log_likelihood[-1]:.6g}>")

    @property
    def score(self) -> float:
        """Mean per-point log-likelihood at the last evaluated parameters (scikit-learn's ``score``)."""
        return self.log_likelihood[-1] / self.n_points


def _finite_or_none(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


@dataclass(frozen=True)
class _Problem:
    X: np.ndarray
    raw: np.ndarray  # the data as given (exact ranks are taken of these)
    exponent: int  # internal variances times 4**exponent are the data's
    XT: np.ndarray
    data: DataSummary
    settings: Settings
    remedy: Remedy
    threshold: float
    max_iter: int
    tol: float

    def scale_out(self, variance: float) -> float:
        """An internal variance in the data's units."""
        with np.errstate(over="ignore", under="ignore"):
            return float(np.ldexp(variance, 2 * self.exponent))


@dataclass
class _Attempt:
    """Mutable state of one run from one starting point."""

    history: list[IterationRecord]
    params: Params
    converged: bool = False
    stopped: Collapse | None = None  # the collapse that ended the run
    noted: Collapse | None = None  # the first collapse a bounded remedy carried on through
    together: list[Collapse] = field(default_factory=list)  # all collapses of that step (stopped or noted)
    just_reset: bool = False
    events: list[Collapse] = field(default_factory=list)
    small: dict[int, SmallComponent] = field(default_factory=dict)


def _min_eigenvalues(covariances: np.ndarray) -> np.ndarray:
    finite = np.isfinite(covariances).all(axis=(1, 2))
    safe = np.where(finite[:, None, None], covariances, np.eye(covariances.shape[1]))
    return np.where(finite, np.linalg.eigvalsh(safe)[:, 0], np.nan)


def _record(iteration: int, params: Params, counts: np.ndarray, log_likelihood: float | None,
            objective: float | None) -> IterationRecord:
    return IterationRecord(iteration, log_likelihood, objective, params.weights, params.means,
                           params.covariances, _min_eigenvalues(params.covariances), counts)


def independent_points(points: np.ndarray) -> int:
    """How many of ``points`` (M, D) are affinely independent, exactly: 1 + their affine rank (0 if M = 0).

    >>> independent_points(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]))  # on a line
    2
    """
    return 1 + affine_rank(points).exact


def _support(problem: _Problem, resp: np.ndarray, moments: LogMoments | None) -> tuple[int, int]:
    """(size, exactly affinely independent count) of the points a component holds, counted in the data's own
    values (the standardised ones are rounded): responsibility >= SUPPORT_RESPONSIBILITY, or, for a starving
    component (``moments`` given), responsibility >= SUPPORT_RESPONSIBILITY x its largest one."""
    mask = resp >= SUPPORT_RESPONSIBILITY if moments is None else relative_support(
        moments.log_resp, SUPPORT_RESPONSIBILITY)
    held = problem.raw[mask]
    return int(held.shape[0]), independent_points(held)


def _shrinking(history: list[IterationRecord], mins: np.ndarray) -> np.ndarray:
    """Per component: did the smallest eigenvalue shrink SHRINK_FACTOR-fold in each of the last two iterations?"""
    if len(history) < 2:
        return np.zeros(mins.shape, dtype=bool)
    before, earlier = history[-1].min_eigenvalues, history[-2].min_eigenvalues
    with np.errstate(invalid="ignore"):
        return (mins * SHRINK_FACTOR <= before) & (before * SHRINK_FACTOR <= earlier)


@dataclass(frozen=True)
class _Verdicts:
    collapsed: np.ndarray  # component indices, ascending
    supports: dict[int, tuple[int, int]]  # component -> (support size, affine rank), for the suspects
    small: np.ndarray  # small-but-regular component indices


def _judge(problem: _Problem, estep: EStep, means: np.ndarray, mins: np.ndarray,
           history: list[IterationRecord], starving: dict[int, LogMoments]) -> _Verdicts:
    """Which components collapsed at this M-step, and which are only small (see the module docstring)."""
    scale = problem.data.scale
    broken = ~(np.isfinite(means).all(axis=1) & (mins > 0))  # also NaN eigenvalues
    shrinking = _shrinking(history, mins)
    with np.errstate(invalid="ignore"):
        tiny = ~(mins >= COLLAPSE_FLOOR * scale)
        below = ~(mins >= problem.threshold)
    suspects = np.flatnonzero(broken | below | shrinking)
    supports = {int(c): _support(problem, estep.resp[c], starving.get(int(c))) for c in suspects}
    dim = problem.X.shape[1]
    degenerate = {c: rank < dim + 1 for c, (_, rank) in supports.items()}
    collapsed = [c for c in supports if broken[c] or tiny[c] or (degenerate[c] and shrinking[c])]
    small = [c for c in supports if below[c] and c not in collapsed]
    return _Verdicts(np.array(collapsed, dtype=int), supports, np.array(small, dtype=int))


def _collapse(problem: _Problem, component: int, iteration: int, estep: EStep, stats: Stats,
              weights: np.ndarray, min_eigenvalue: float, attempt: int, support: tuple[int, int],
              params: Params, moments: LogMoments | None) -> Collapse:
    """The report of one collapse; its weight and smallest eigenvalue in log space (see logspace)."""
    X = problem.X
    log_resp = moments.log_resp if moments is not None else log_responsibilities(
        problem.XT, params.weights, params.means, params.covariances, estep.sample_log_likelihood, component)
    index = int(np.argmax(log_resp))
    point = X[index]
    log_count = moments.log_count if moments is not None else float(np.log(stats.counts[component]))
    log10_weight = (log_count - float(np.log(problem.data.n))) * LOG10_E
    if np.isfinite(min_eigenvalue) and min_eigenvalue > COLLAPSE_FLOOR * problem.data.scale:
        log10_min, resolved = float(np.log10(problem.scale_out(min_eigenvalue))), True
    else:  # float64 cannot resolve it: mpmath, from the log shares, on the data as given
        log10_min, resolved = log10_min_eigenvalue(problem.raw, log_resp, problem.settings.covariance)
    return Collapse(component=component, iteration=iteration, point_index=index,
                    point=tuple(float(v) for v in point), weight=float(weights[component]),
                    effective_count=float(stats.counts[component]),
                    coincident=int(np.all(X == point, axis=1).sum()),
                    min_eigenvalue=float(min_eigenvalue), attempt=attempt,
                    support_size=support[0], support_rank=support[1], log10_weight=log10_weight,
                    log10_min_eigenvalue=log10_min, eigenvalue_resolved=resolved)


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
    if attempt.noted is None:
        attempt.noted, attempt.together = reports[0], list(reports)
    return candidate


ON_COLLAPSE = {"stop": _stop, "restart": _stop, "reset": _reset_collapsed, "continue": _note_and_continue}


def _starving(problem: _Problem, params: Params, estep: EStep, stats: Stats) -> dict[int, LogMoments]:
    """The components holding fewer than STARVING_COUNT points, with their M-step moments from log space."""
    if problem.settings.covariance == "tied":  # one pooled covariance: a starving component barely enters it
        return {}
    return {int(c): log_moments(problem.XT, log_responsibilities(
        problem.XT, params.weights, params.means, params.covariances, estep.sample_log_likelihood, int(c)))
        for c in np.flatnonzero(stats.counts < STARVING_COUNT)}


def _with_exact_moments(stats: Stats, starving: dict[int, LogMoments]) -> Stats:
    """Stats whose starving components carry their exact centroid and covariance (scatter = covariance x count,
    so that the M-step's scatter / count is the exactly normalised one, not one shrunk by the 10 eps)."""
    if not starving:
        return stats
    counts, centroids, scatter = stats.counts.copy(), stats.centroids.copy(), stats.scatter.copy()
    for c, moments in starving.items():
        with np.errstate(under="ignore"):
            counts[c] = np.exp(moments.log_count) + 10.0 * np.finfo(np.float64).eps
        centroids[c] = moments.mean
        scatter[c] = moments.covariance * counts[c]
    return Stats(counts, centroids, scatter)


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
        starving = _starving(problem, params, estep, stats)
        stats = _with_exact_moments(stats, starving)
        means, covariances = remedy.m_step(stats, data, settings)
        weights = stats.counts / stats.counts.sum()
        mins = _min_eigenvalues(covariances)
        verdicts = _judge(problem, estep, means, mins, attempt.history, starving)
        collapsed = verdicts.collapsed
        for c in verdicts.small:
            size, rank = verdicts.supports[int(c)]
            attempt.small[int(c)] = SmallComponent(int(c), iteration, float(mins[c]), size, rank, number)
        candidate: Params | None = Params(weights, means, covariances)
        attempt.just_reset = False
        if collapsed.size:
            reports = [_collapse(problem, int(c), iteration, estep, stats, weights, mins[c], number,
                                 verdicts.supports[int(c)], params, starving.get(int(c))) for c in collapsed]
            candidate = handle(problem, candidate, collapsed, reports, mins, rng, attempt)
            if candidate is None:
                attempt.history.append(_record(iteration, Params(weights, means, covariances), stats.counts,
                                               None, None))
                attempt.stopped, attempt.together = reports[0], list(reports)
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
                   seed: int | None, ridge: str = "absolute") -> None:
    choices = {"init": (init, INITS), "remedy": (remedy, REMEDIES), "covariance": (covariance, COVARIANCE_TYPES),
               "ridge": (ridge, RIDGES)}
    for name, (value, known) in choices.items():
        if value not in known:
            raise GmmMathError(f"unknown {name} {value!r} (expected one of: {', '.join(known)})", parameter=name)
    if isinstance(components, bool) or not isinstance(components, (int, np.integer)) or not 1 <= components <= n:
        raise GmmMathError(f"components must be an integer from 1 to N={n} (the number of points), "
                           f"got {components!r}", parameter="components")
    if (remedy, covariance) in UNSUPPORTED:
        raise GmmMathError(f"the {remedy} remedy has no {covariance}-covariance M-step here ({UNSUPPORTED[remedy, covariance]})",
                           parameter="covariance")
    positive = {"reg_covar": reg_covar, "collapse_tol": collapse_tol}
    for name, value in positive.items():
        if not (np.isfinite(value) and value > 0):
            raise GmmMathError(f"{name} must be a positive finite number, got {value!r}", parameter=name)
    if not (np.isfinite(min_ratio) and 0 < min_ratio <= 1):
        raise GmmMathError(f"min_ratio must be in (0, 1], got {min_ratio!r}", parameter="min_ratio")
    if not (np.isfinite(tol) and tol >= 0):
        raise GmmMathError(f"tol must be a non-negative finite number, got {tol!r}", parameter="tol")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)) or not 1 <= max_iter <= MAX_ITER:
        raise GmmMathError(f"max_iter must be an integer from 1 to {MAX_ITER}, got {max_iter!r}",
                           parameter="max_iter")
    if max_restarts < 0:
        raise GmmMathError(f"max_restarts must be >= 0, got {max_restarts}", parameter="max_restarts")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise GmmMathError(f"seed must be a non-negative integer, got {seed!r}", parameter="seed")


def fit(X, components, *, init="kmeans++", remedy="ridge", reg_covar=1e-6, covariance="full", max_iter=100,
        tol=1e-6, seed=None, weights_init=None, means_init=None, covariances_init=None, min_ratio=0.01,
        max_restarts=10, collapse_tol=DEFAULT_COLLAPSE_TOL, callback=None, ridge="absolute", names=None) -> FitResult:
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
        Diagonal ridge for ``remedy="ridge"``: absolute (data units squared) or relative, see ``ridge``.
    covariance : {"full", "diag", "spherical", "tied"}
        scikit-learn's ``covariance_type``; ``"isotropic"`` is an alias of ``"spherical"``.
    max_iter : int
        EM iterations per attempt, 1..MAX_ITER.
    tol : float
        Stop when the objective per point changes by less than this (scikit-learn's rule).
    seed : int >= 0 or None
        Seeds every random choice (initialisation, resets, restarts).
    weights_init, means_init, covariances_init : array_like, optional
        Shapes (K,), (K, D), (K, D, D) (spherical: also (K,) variances), in the data's units; they
        override the init's.
    min_ratio : float in (0, 1]
        Smallest allowed eigenvalue ratio for ``remedy="ratio"``.
    max_restarts : int
        Restarts allowed for ``remedy="restart"``.
    collapse_tol : float
        "Small" threshold on the smallest covariance eigenvalue, relative to the data's mean variance;
        a small component is examined for a collapse (see the module docstring).
    callback : callable(iteration, IterationRecord), optional
        Called after every completed iteration (progress display); the record is in the data's units.
    ridge : {"absolute", "relative"}
        ``"absolute"`` adds ``reg_covar`` itself (scikit-learn's ``reg_covar``, not scale-invariant);
        ``"relative"`` adds ``reg_covar`` times the data's mean variance ``trace(cov(X)) / D``.
    names : tuple of str, optional
        Column names (a CSV header) for messages about the data.

    Returns
    -------
    FitResult
        Everything in the data's units.

    Examples
    --------
    >>> from gmm_math.numerics.datasets import seed_blobs
    >>> fit(seed_blobs(), 3, init="seed-style", remedy="none", seed=30)
    <FitResult K=3 remedy=none: collapsed (component=2, point_index=111, iteration=2) after 2 iterations, log L -3424.23>
    >>> fit([[0.0], [1.0], [3.0], [4.0]], 2, seed=0).means.shape
    (2, 1)
    """
    X = validate_points(X)
    n, dim = X.shape
    covariance = COVARIANCE_ALIASES.get(covariance, covariance)  # "isotropic" is "spherical"
    _check_options(components, n, init, remedy, covariance, reg_covar, min_ratio, max_iter, tol, max_restarts,
                   collapse_tol, seed, ridge)
    frame = Standardiser.of(X)
    Z = frame.data_in(X)
    data = DataSummary.of(Z)
    threshold = collapse_tol * data.scale
    frame.covariances_out(np.full((1, 1, 1), data.scale))  # the data's own variance must be representable
    _check_fittable(X, covariance, remedy, names)
    settings = Settings(components=int(components), covariance=covariance,
                        reg_covar=_internal_ridge(ridge, float(reg_covar), frame, data, remedy), min_ratio=float(min_ratio))
    problem = _Problem(Z, X, frame.exponent, columns(Z), data, settings, REMEDIES[remedy], threshold, int(max_iter), float(tol))
    rng = np.random.default_rng(seed)
    given = (weights_init, means_init, covariances_init)
    start = _given_start(frame, given, settings.components, dim, covariance, lambda: _initial(
        problem, frame, X, init, rng))
    start = _floored_start(start, problem)
    report = None if callback is None else (
        lambda iteration, record: callback(iteration, _record_out(frame, record, n, dim)))
    outcome = _climb(problem, start, rng, 0, report)
    events = list(outcome.events)
    restarts = 0
    while outcome.stopped is not None and problem.remedy.on_collapse == "restart" and restarts < max_restarts:
        events.append(outcome.stopped)
        restarts += 1
        outcome = _climb(problem, _initial(problem, frame, X, init, rng), rng, restarts, report)
    final = outcome.params
    collapse = outcome.stopped or outcome.noted
    return FitResult(converged=outcome.converged, n_iter=outcome.history[-1].iteration,
                     log_likelihood=[frame.log_likelihood_out(r.log_likelihood, n, dim) for r in outcome.history
                                     if r.log_likelihood is not None],
                     weights=final.weights, means=frame.means_out(final.means),
                     covariances=frame.covariances_out(final.covariances, COLLAPSE_FLOOR * data.scale),
                     collapse=None if collapse is None else _collapse_out(frame, X, collapse),
                     history=[_record_out(frame, r, n, dim) for r in outcome.history],
                     events=[_collapse_out(frame, X, event) for event in events],
                     remedy=remedy, init=init,
                     covariance=covariance, seed=seed, restarts=restarts, n_points=n,
                     threshold=frame.variance_out(threshold),
                     small=[replace(item, min_eigenvalue=frame.variance_out(item.min_eigenvalue))
                            for _, item in sorted(outcome.small.items())],
                     ridge=ridge, collapses=[_collapse_out(frame, X, each) for each in outcome.together])


BOUNDING_REMEDIES = ("ridge",)  # a covariance floor of their own: they fit data flat in exact arithmetic


def _check_fittable(X: np.ndarray, covariance: str, remedy: str, names: tuple[str, ...] | None) -> None:
    """Refuse only data that no model of this covariance type and remedy can fit, saying why (column, relation).

    Full and tied covariances need data of affine rank D (exactly, and numerically: float64 must hold the
    covariance), diagonal ones no constant column, spherical ones any spread; the ridge fits every data set.
    """
    if remedy in BOUNDING_REMEDIES:
        return
    dim = X.shape[1]
    if covariance == "diag":
        constant = [j for j in range(dim) if np.all(X[:, j] == X[0, j])]
        if constant:
            raise GmmMathError(f"covariance diag cannot fit these data without a ridge: {flatness_cause(X, names)} "
                               "(use remedy ridge, or drop the column)", parameter=("covariance", "remedy"))
    if covariance not in ("full", "tied"):
        return
    rank = affine_rank(X)
    if rank.exact < dim:
        raise GmmMathError(f"the data span {rank.exact} of {dim} dimensions exactly (affine rank {rank.exact}), so "
                           f"covariance {covariance} cannot fit them without a ridge: {flatness_cause(X, names)} "
                           "(use remedy ridge, spherical or diag covariances, or drop a column)",
                           parameter=("covariance", "remedy"))
    if rank.numerical < dim:
        ratio = rank.singular_values[-1] / rank.singular_values[0]
        raise GmmMathError(f"the data have affine rank {dim} exactly but {rank.numerical} numerically (smallest/"
                           f"largest singular value of the centred data {ratio:.3g}, below the tolerance "
                           f"max(N, D) x eps = {rank.tolerance:.3g}), so with covariance {covariance} float64 "
                           "cannot hold their covariance without a ridge (use remedy ridge)",
                           parameter=("covariance", "remedy"))


def _floored_start(start: Params, problem: _Problem) -> Params:
    """A bounding remedy's start on flat data: its ridge added to covariances float64 cannot factor (as
    scikit-learn's initial M-step adds ``reg_covar``); any other start unchanged."""
    if problem.remedy is not REMEDIES["ridge"]:
        return start
    if np.all(_min_eigenvalues(start.covariances) > SINGULAR_TOL * problem.data.scale):
        return start
    dim = start.covariances.shape[1]
    return replace(start, covariances=start.covariances + problem.settings.reg_covar * np.eye(dim))


def _internal_ridge(ridge: str, reg_covar: float, frame: Standardiser, data: DataSummary, remedy: str) -> float:
    """``reg_covar`` in the standardised coordinates: absolute (divided by scale^2) or relative."""
    with np.errstate(over="ignore", under="ignore"):
        internal = {"absolute": lambda: float(frame.covariances_in(np.float64(reg_covar))),
                    "relative": lambda: reg_covar * data.scale}[ridge]()
    if remedy == "ridge" and not (np.isfinite(internal) and internal > 0):
        raise GmmMathError(f"an absolute reg_covar of {reg_covar:g} is not representable next to data whose "
                           f"variance is about {frame.variance_text(data.scale)}; use the relative ridge "
                           "(reg_covar x the mean variance)", parameter="reg_covar")
    return internal


def _initial(problem: _Problem, frame: Standardiser, X: np.ndarray, init: str, rng: np.random.Generator) -> Params:
    """A start in the standardised coordinates; seed-style is defined in the data's units and mapped in."""
    settings = problem.settings
    if init not in USER_UNIT_INITS:
        return INITS[init](problem.X, settings.components, rng, problem.data, settings.covariance)
    user = INITS[init](X, settings.components, rng, problem.data, settings.covariance)
    return _mapped_in(frame, user, f"the {init} start")


def _mapped_in(frame: Standardiser, params: Params, what: str) -> Params:
    with np.errstate(over="ignore", under="ignore"):
        mapped = Params(params.weights, frame.means_in(params.means), frame.covariances_in(params.covariances))
    diagonal = np.diagonal(mapped.covariances, axis1=1, axis2=2)
    if not (np.isfinite(mapped.means).all() and np.isfinite(mapped.covariances).all() and (diagonal > 0).all()):
        raise GmmMathError(f"{what} is not representable next to data at this scale (standardised, its "
                           "covariances overflow or vanish); use the kmeans++ or random-points start",
                           parameter="init")
    return mapped


def _given_start(frame: Standardiser, given: tuple, k: int, dim: int, covariance: str,
                 initial: Callable[[], Params]) -> Params:
    """The start: the init's parameters, with the user-given ones (data units, validated) mapped in."""
    if all(v is not None for v in given):  # all given: the init draws nothing
        user = user_params(Params(np.full(k, 1.0 / k), np.zeros((k, dim)), np.repeat(np.eye(dim)[None], k, 0)),
                           k, dim, covariance, *given)
        return _mapped_in(frame, user, "the given start")
    base = initial()
    if all(v is None for v in given):
        return base
    placeholder = Params(base.weights, frame.means_out(base.means), np.repeat(np.eye(dim)[None], k, 0))
    user = user_params(placeholder, k, dim, covariance, *given)
    mapped = _mapped_in(frame, Params(user.weights, user.means, user.covariances), "the given start")
    return Params(mapped.weights, mapped.means if given[1] is not None else base.means,
                  mapped.covariances if given[2] is not None else base.covariances)


def _record_out(frame: Standardiser, record: IterationRecord, n: int, dim: int) -> IterationRecord:
    """An iteration record in the data's units (covariances beyond float64 become inf or 0 here)."""
    def loglik(value: float | None) -> float | None:
        return None if value is None else frame.log_likelihood_out(value, n, dim)

    with np.errstate(over="ignore", under="ignore"):
        covariances = np.ldexp(record.covariances, 2 * frame.exponent)
        mins = np.ldexp(record.min_eigenvalues, 2 * frame.exponent)
    return replace(record, log_likelihood=loglik(record.log_likelihood), objective=loglik(record.objective),
                   means=frame.means_out(record.means), covariances=covariances, min_eigenvalues=mins)


def _collapse_out(frame: Standardiser, X: np.ndarray, collapse: Collapse) -> Collapse:
    point = X[collapse.point_index]
    return replace(collapse, point=tuple(float(v) for v in point), coincident=int(np.all(X == point, axis=1).sum()),
                   min_eigenvalue=frame.variance_out(collapse.min_eigenvalue))
