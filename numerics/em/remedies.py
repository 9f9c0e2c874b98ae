"""What the M-step does about the singularity: six remedies, each a documented option with its source.

Every remedy turns the responsibility-weighted statistics (:class:`~gmm_math.numerics.em.kernels.Stats`)
into new means and covariances, adds its own term to the objective EM climbs
(zero for plain likelihood), and says what happens when a component collapses:

=========  ==================================================================  ==============
remedy     M-step                                                              on collapse
=========  ==================================================================  ==============
none       maximum likelihood                                                  stop, report
ridge      ML + ``reg_covar`` on the diagonal (scikit-learn's ``reg_covar``)     report, go on
reset      ML; the collapsed component is re-initialised (Bishop, PRML 9.2.1)   reset, go on
restart    ML; the whole fit starts again from a fresh init (mixtools)          restart
map        MAP under a conjugate Normal-inverse-Wishart prior with mclust's     report, go on
           default hyperparameters (Fraley & Raftery 2007)
penalty    penalised likelihood, a_n = n^(-1/2) (Chen, Tan & Zhang 2008)        report, go on
ratio      eigenvalue-ratio constraint >= ``min_ratio`` (Hathaway 1985),       report, go on
           solved exactly as in Fritz, Garcia-Escudero & Mayo-Iscar (2013)
=========  ==================================================================  ==============

The bounded remedies (ridge, map, penalty, ratio) keep every eigenvalue away
from zero, so EM can go on; a collapse they report means the bound sits below
the collapse threshold for the data's scale (a ridge of 1e-6 against a data
variance of 143 leaves a component sitting on one point: bounded, still a spike).
If their bound is so weak that a covariance is numerically singular, they stop too.

Each remedy is a :class:`Remedy` subclass registered under its name in the remedy registry
(:mod:`gmm_math.derivations.remedies.registry`), overriding the hooks it changes; :data:`REMEDIES` maps
the names to instances, so every remedy can be run from the same start::

    for name in REMEDIES:
        fit(X, 3, remedy=name, init="seed-style", seed=30)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from gmm_math.derivations.remedies.registry import REMEDIES as REGISTRY
from gmm_math.numerics.em.data import DataSummary, Settings, identity_times, structured
from gmm_math.numerics.em.kernels import Stats

MAP_SHRINKAGE = 0.01  # mclust's defaultPrior: kappa


def m_step_ml(stats: Stats, data: DataSummary, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood means (K, D) and covariances (K, D, D)."""
    return stats.centroids, structured(stats.scatter / stats.counts[:, None, None], settings.covariance, stats.counts)


def m_step_ridge(stats: Stats, data: DataSummary, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """ML plus ``reg_covar`` on every covariance diagonal (scikit-learn's ``reg_covar``)."""
    means, covariances = m_step_ml(stats, data, settings)
    return means, covariances + settings.reg_covar * np.eye(data.dim)  # spherical stays spherical


@dataclass(frozen=True)
class NiwPrior:
    """mclust's default conjugate prior (``defaultPrior``), Fraley & Raftery (2007).

    Means: ``mu_k | S_k ~ N(mean, S_k / shrinkage)``; covariances: inverse Wishart
    with ``dof = D + 2`` and ``scale = (1/K)^(2/D) var(X)`` (full) or
    ``(1/K)^(2/D) trace(var(X)) / D`` (spherical, inverse gamma), ``var`` with the 1/(N-1) divisor as R's.
    """

    shrinkage: float
    mean: np.ndarray
    dof: float
    scale: np.ndarray

    @classmethod
    def default(cls, data: DataSummary, settings: Settings) -> "NiwPrior":
        factor = (1.0 / settings.components) ** (2.0 / data.dim)
        unbiased = data.covariance * data.n / max(data.n - 1, 1)
        scales = {"full": lambda: unbiased, "spherical": lambda: np.trace(unbiased) / data.dim}
        scale = factor * scales[settings.covariance]()
        return cls(shrinkage=MAP_SHRINKAGE, mean=data.mean, dof=data.dim + 2.0, scale=np.asarray(scale))


def _map_full(prior: NiwPrior, stats: Stats, diff: np.ndarray, contraction: np.ndarray) -> np.ndarray:
    dim = diff.shape[1]
    spread = prior.scale + stats.scatter + contraction[:, None, None] * np.einsum("ki,kj->kij", diff, diff)
    return spread / (prior.dof + stats.counts + dim + 2)[:, None, None]


def _map_spherical(prior: NiwPrior, stats: Stats, diff: np.ndarray, contraction: np.ndarray) -> np.ndarray:
    dim = diff.shape[1]
    spread = prior.scale + np.trace(stats.scatter, axis1=1, axis2=2) + contraction * (diff ** 2).sum(axis=1)
    return identity_times(spread / (prior.dof + stats.counts * dim + dim + 2), dim)


_MAP_COVARIANCES = {"full": _map_full, "spherical": _map_spherical}


def m_step_map(stats: Stats, data: DataSummary, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Posterior modes under :class:`NiwPrior` (mclust's VVV and VII M-steps with a prior).

    ``mu_k = (n_k xbar_k + kappa m) / (n_k + kappa)``;
    full: ``S_k = (Lambda + W_k + kappa n_k/(n_k+kappa) d d^T) / (nu + n_k + D + 2)``;
    spherical: ``s_k = (s^2 + tr W_k + kappa n_k/(n_k+kappa) |d|^2) / (nu + n_k D + D + 2)``, ``d = xbar_k - m``.
    """
    prior = NiwPrior.default(data, settings)
    counts, kappa = stats.counts, prior.shrinkage
    means = (counts[:, None] * stats.centroids + kappa * prior.mean) / (counts + kappa)[:, None]
    diff = stats.centroids - prior.mean
    contraction = kappa * counts / (counts + kappa)
    return means, _MAP_COVARIANCES[settings.covariance](prior, stats, diff, contraction)


def _log_prior_full(prior: NiwPrior, diff: np.ndarray, covariances: np.ndarray) -> np.ndarray:
    dim = diff.shape[1]
    precision = np.linalg.inv(covariances)
    quad = np.einsum("ki,kij,kj->k", diff, precision, diff)
    trace = np.einsum("ij,kji->k", prior.scale, precision)
    return -(prior.dof + dim + 2) / 2 * np.linalg.slogdet(covariances)[1] - trace / 2 - prior.shrinkage / 2 * quad


def _log_prior_spherical(prior: NiwPrior, diff: np.ndarray, covariances: np.ndarray) -> np.ndarray:
    dim = diff.shape[1]
    variances = covariances[:, 0, 0]
    return (-(prior.dof + 2 + dim) / 2 * np.log(variances)
            - (prior.scale + prior.shrinkage * (diff ** 2).sum(axis=1)) / (2 * variances))


_MAP_LOG_PRIOR = {"full": _log_prior_full, "spherical": _log_prior_spherical}


def map_log_prior(means: np.ndarray, covariances: np.ndarray, data: DataSummary, settings: Settings) -> float:
    """Log density of the NIW prior at the parameters, up to a constant (the MAP objective's extra term)."""
    prior = NiwPrior.default(data, settings)
    return float(_MAP_LOG_PRIOR[settings.covariance](prior, means - prior.mean, covariances).sum())


def penalty_strength(n: int) -> float:
    """Chen, Tan & Zhang's (2008) a_n = n^(-1/2)."""
    return float(n) ** -0.5


def m_step_penalty(stats: Stats, data: DataSummary, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """Closed-form M-step of the penalised likelihood of Chen, Tan & Zhang (2008).

    Penalty per component ``-a_n (tr(S_x S_k^-1) + log|S_k|)`` with S_x the data's
    sample covariance gives ``S_k = (2 a_n S_x + W_k) / (2 a_n + n_k)`` (full) and
    ``s_k = (2 a_n tr S_x + tr W_k) / (D (2 a_n + n_k))`` (spherical).
    """
    a = penalty_strength(data.n)
    full = (2 * a * data.covariance + stats.scatter) / (2 * a + stats.counts)[:, None, None]
    return stats.centroids, structured(full, settings.covariance)


def penalty_log_term(means: np.ndarray, covariances: np.ndarray, data: DataSummary, settings: Settings) -> float:
    """``sum_k -a_n (tr(S_x S_k^-1) + log|S_k|)``, the penalised objective's extra term."""
    a = penalty_strength(data.n)
    precision = np.linalg.inv(covariances)
    trace = np.einsum("ij,kji->k", data.covariance, precision)
    return float(-a * (trace + np.linalg.slogdet(covariances)[1]).sum())


def ratio_truncation(eigenvalues: np.ndarray, counts: np.ndarray, min_ratio: float) -> np.ndarray:
    """Eigenvalues that maximise the likelihood subject to ``min / max >= min_ratio``.

    The optimum clips every eigenvalue into ``[m, m / min_ratio]`` for one m, the
    weighted minimiser of ``sum_k n_k sum_j (log d_kj + lambda_kj / d_kj)``; it lies at a
    breakpoint (some lambda or min_ratio * lambda) or at the stationary point of one of the
    pieces in between (Fritz, Garcia-Escudero & Mayo-Iscar 2013), so all are tried.

    Parameters
    ----------
    eigenvalues : ndarray, shape (K, D), >= 0
    counts : ndarray, shape (K,)
    min_ratio : float in (0, 1]
    """
    lam = np.maximum(eigenvalues, 0.0)
    if lam.min() >= min_ratio * lam.max():
        return lam
    weights = np.broadcast_to(counts[:, None], lam.shape)
    breaks = np.unique(np.concatenate([lam.ravel(), min_ratio * lam.ravel()]))
    breaks = breaks[breaks > 0]
    edges = np.concatenate([[0.0], breaks, [np.inf]])
    lows, highs = edges[:-1], edges[1:]
    mid = np.where(np.isinf(highs), 2.0 * lows, (lows + highs) / 2)
    below = lam[None] < mid[:, None, None]
    above = min_ratio * lam[None] > mid[:, None, None]
    numer = (np.where(below, weights * lam, 0) + np.where(above, weights * min_ratio * lam, 0)).sum(axis=(1, 2))
    denom = (np.where(below, weights, 0) + np.where(above, weights, 0)).sum(axis=(1, 2))
    stationary = np.clip(numer / np.where(denom > 0, denom, 1), lows, highs)
    stationary = stationary[(stationary > 0) & np.isfinite(stationary)]
    candidates = np.concatenate([breaks, stationary])
    clipped = np.clip(lam[None], candidates[:, None, None], candidates[:, None, None] / min_ratio)
    objective = (weights * (np.log(clipped) + lam[None] / clipped)).sum(axis=(1, 2))
    best = candidates[np.argmin(objective)]
    return np.clip(lam, best, best / min_ratio)


def m_step_ratio(stats: Stats, data: DataSummary, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """ML M-step under Hathaway's (1985) constraint on every ratio of covariance eigenvalues."""
    means, covariances = m_step_ml(stats, data, settings)
    eigenvalues, vectors = np.linalg.eigh(covariances)
    clipped = ratio_truncation(eigenvalues, stats.counts, settings.min_ratio)
    rebuilt = np.einsum("kij,kj,klj->kil", vectors, clipped, vectors)
    return means, (rebuilt + np.swapaxes(rebuilt, 1, 2)) / 2


class Remedy:
    """One remedy's numeric side: the M-step EM takes, the term it adds to the objective, its action on collapse.

    The base class is plain maximum likelihood; a remedy overrides the hooks it changes and registers
    under its key in the remedy registry (:mod:`gmm_math.derivations.remedies.registry`) by subclassing
    with ``key=``, e.g. ``class Ridge(Remedy, key="ridge")``. Instances are stateless: the data-dependent
    quantities (the prior, a_n) come from the :class:`DataSummary` and :class:`Settings` each hook receives.

    Attributes
    ----------
    key : str
        Its name in every layer.
    on_collapse : {"stop", "reset", "restart", "continue"}
        What :func:`~gmm_math.numerics.em.fit.fit` does when a component collapses.
    """

    key: ClassVar[str]
    on_collapse: ClassVar[str] = "continue"

    def __init_subclass__(cls, key: str, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if key not in REGISTRY or not REGISTRY[key].em:
            raise TypeError(f"{cls.__name__}: {key!r} is not an EM remedy of the remedy registry")
        if key in REMEDIES:
            raise TypeError(f"{cls.__name__}: remedy {key!r} is already registered by {type(REMEDIES[key]).__name__}")
        cls.key = key
        REMEDIES[key] = cls()

    @property
    def source(self) -> str:
        """Where it comes from: the remedy registry's entry (one place for it)."""
        return REGISTRY[self.key].source

    @property
    def keeps_likelihood(self) -> bool:
        """Does it keep plain maximum likelihood's M-step and objective (it only acts on the iterates)?"""
        return type(self).m_step is Remedy.m_step and type(self).objective_term is Remedy.objective_term

    def m_step(self, stats: Stats, data: DataSummary, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
        """New means (K, D) and covariances (K, D, D) from the responsibility-weighted statistics."""
        return m_step_ml(stats, data, settings)

    def objective_term(self, means: np.ndarray, covariances: np.ndarray, data: DataSummary,
                       settings: Settings) -> float:
        """What the remedy adds to the log-likelihood in the objective EM climbs (its prior, its penalty)."""
        return 0.0

    def __repr__(self) -> str:
        return f"<remedy {self.key}: {self.source}>"


REMEDIES: dict[str, Remedy] = {}
"""Every EM remedy by key, in registration order: ``for key, remedy in REMEDIES.items(): fit(X, K, remedy=key)``."""


class MaximumLikelihood(Remedy, key="none"):
    on_collapse = "stop"


class Ridge(Remedy, key="ridge"):
    def m_step(self, stats, data, settings):
        return m_step_ridge(stats, data, settings)


class Reset(Remedy, key="reset"):
    on_collapse = "reset"


class Restart(Remedy, key="restart"):
    on_collapse = "restart"


class Map(Remedy, key="map"):
    def m_step(self, stats, data, settings):
        return m_step_map(stats, data, settings)

    def objective_term(self, means, covariances, data, settings):
        return map_log_prior(means, covariances, data, settings)


class Penalty(Remedy, key="penalty"):
    def m_step(self, stats, data, settings):
        return m_step_penalty(stats, data, settings)

    def objective_term(self, means, covariances, data, settings):
        return penalty_log_term(means, covariances, data, settings)


class Ratio(Remedy, key="ratio"):
    def m_step(self, stats, data, settings):
        return m_step_ratio(stats, data, settings)
