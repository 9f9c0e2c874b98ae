"""The variance map run through the real EM code: the E-step and M-step that ``fit`` uses, others frozen.

Component 1 sits on x_n with variance s; one call of :func:`~gmm_math.numerics.em.kernels.e_step`,
:func:`~gmm_math.numerics.em.kernels.sufficient_stats` and the maximum-likelihood M-step gives the
new variance about the new mean; the variance about x_n (mu_1 held) adds back the squared shift
of the mean (the centred scatter plus n (centroid - x_n)^2). Weights, mean and components 2..K
are then reset to their frozen values, so the iterates are s_{t+1} = f(s_t) in float64.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_math.derivations.core.model import CollapseModel
from gmm_math.numerics.em.kernels import columns, e_step, sufficient_stats
from gmm_math.numerics.em.remedies import DataSummary, Settings, m_step_ml


def _arrays(model: CollapseModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Data (N, 1), weights (K,), means (K, 1) with component 1 on x_n, and the fixed variances (K-1,)."""
    from gmm_math.numerics.float64_loglik import as_float64

    X = as_float64([row[0] for row in model.data.rows], "the data")[:, None]
    weights = as_float64(model.weights, "the weights")
    means = as_float64([model.centre[0]] + [m[0] for m in model.means], "the means")[:, None]
    others = as_float64(model.variances, "the variances of components 2..K")
    return X, weights, means, others


class FrozenEm:
    """One EM step of the variance s of component 1 on x_n, everything else frozen, in float64."""

    def __init__(self, model: CollapseModel) -> None:
        X, self.weights, self.means, self.others = _arrays(model)
        self.XT = columns(X)
        self.data = DataSummary.of(X)
        self.settings = Settings(components=len(self.weights), covariance="full", reg_covar=0.0, min_ratio=1.0)

    def step(self, s: float) -> float:
        """s' = f(s) from fit's E-step and ML M-step: the variance about the new mean plus its squared shift."""
        covariances = np.concatenate(([s], self.others))[:, None, None]
        stats = sufficient_stats(self.XT, e_step(self.XT, self.weights, self.means, covariances).resp)
        new_means, new_covs = m_step_ml(stats, self.data, self.settings)
        shift = new_means[0, 0] - self.means[0, 0]
        return float(new_covs[0, 0, 0] + shift * shift)


def frozen_iterates(model: CollapseModel, s0: float, steps: int) -> list[float]:
    """s_0, s_1, ... from the EM code with everything but s frozen; stops early once s is 0 or not finite.

    Returns
    -------
    list of float, length <= steps + 1
    """
    em = FrozenEm(model)
    out = [float(s0)]
    for _ in range(steps):
        if not (np.isfinite(out[-1]) and out[-1] > 0):
            break
        out.append(em.step(out[-1]))
    return out


@dataclass(frozen=True)
class FreeFit:
    """A full EM run (``fit``, no remedy) from component 1 on x_n with variance s_0.

    collapse_iteration is None when it did not collapse; threshold is fit's "small" threshold and
    floor its collapse floor (``COLLAPSE_FLOOR`` x the data's mean variance), both in data units.
    """

    collapse_iteration: int | None
    collapsed_component: int | None
    threshold: float
    floor: float


def free_fit(model: CollapseModel, s0: float, max_iter: int = 200) -> FreeFit:
    """Run ``fit`` with every parameter free from the frozen model's start (``remedy="none"``)."""
    from gmm_math.numerics.em.fit import COLLAPSE_FLOOR, fit

    X, weights, means, others = _arrays(model)
    covariances = np.concatenate(([float(s0)], others))[:, None, None]
    result = fit(X, len(weights), remedy="none", covariance="full", weights_init=weights, means_init=means,
                 covariances_init=covariances, max_iter=max_iter, tol=0.0)
    c = result.collapse
    floor = COLLAPSE_FLOOR * float(np.var(X[:, 0]))  # the data's mean variance trace(cov)/D, D = 1
    return FreeFit(None if c is None else c.iteration, None if c is None else c.component, result.threshold, floor)
