"""The numbers behind the collapse picture (PRML Fig. 9.7): one panel per sigma, every curve computed here.

Each panel's log-likelihood and spike height are mpmath (log space, any sigma, also far
below float64's range), from the same sigma texts as ``evaluate``
(:func:`~gmm_math.numerics.sigma_text.sigma_from_text`). The density curves are numpy, in
log space and clipped before exponentiating, so the spike is drawn however narrow it is.
The CLI only draws what :func:`collapse_figure` returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np
from mpmath import mp

from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.numerics.loglik import CollapseTerms, to_mpf
from gmm_math.numerics.sigma_text import sigma_from_text

SPIKE_SAMPLES = 201  # samples across +-8 sigma of the spike, so it is drawn however narrow it is
BROAD_SAMPLES = 800
HEADROOM = 2.2  # y-axis top, as a multiple of the largest density of components 2..K
CLIP = 1.5  # densities are clipped at this multiple of the axis top (in log space, before exp)


@dataclass(frozen=True)
class CollapsePanel:
    """One small multiple: sigma, the numbers printed on it (mpmath) and the curves drawn (numpy).

    Attributes
    ----------
    log10_sigma : float
    sigma, log_likelihood, spike_peak : mpf
        sigma, log L of the mixture, and pi_1 N(x_n | x_n, sigma^2) (the spike's height).
    log10_spike_peak : float
    xs : ndarray, shape (M,)
        Sorted abscissae: the broad grid and extra samples across the spike.
    spike : ndarray, shape (M,)
        pi_1 N(x | x_n, sigma^2), clipped.
    others : ndarray, shape (K - 1, M)
        pi_k N(x | mu_k, s_k^2) of components 2..K, clipped.
    total : ndarray, shape (M,)
        The mixture density, clipped.
    """

    log10_sigma: float
    sigma: object
    log_likelihood: object
    spike_peak: object
    log10_spike_peak: float
    xs: np.ndarray
    spike: np.ndarray
    others: np.ndarray
    total: np.ndarray


@dataclass(frozen=True)
class CollapseFigure:
    """Everything the collapse figure draws.

    Attributes
    ----------
    grid : ndarray, shape (BROAD_SAMPLES,)
        The x-axis range (first and last value).
    top : float
        The y-axis top.
    data : ndarray, shape (N,)
    panels : tuple of CollapsePanel
    """

    grid: np.ndarray
    top: float
    data: np.ndarray
    panels: tuple[CollapsePanel, ...]


def collapse_figure(model: CollapseModel, sigmas: list[str], dps: int = 50) -> CollapseFigure:
    """The figure's data: the axis range and top, the data points, and one :class:`CollapsePanel` per sigma."""
    grid = broad_grid(model)
    with np.errstate(all="ignore"):  # an extreme scale gives inf/nan here, refused just below
        _, rest = component_log_densities(model, 0.0, 1.0, grid, np.zeros(0))
        rest_total = np.exp(np.logaddexp.reduce(rest[1:], axis=0)) if len(rest) > 1 else np.zeros(grid.shape)
    top = HEADROOM * float(rest_total.max()) or 1.0  # 0: components 2..K too narrow to meet the grid
    if not np.isfinite(top):
        raise GmmMathError(f"the densities of components 2..K do not fit float64's range on the picture's axis "
                           f"(their peak is {float(rest_total.max()):g}): choose scales nearer the data's spread",
                           parameter="scales")
    terms = CollapseTerms.from_model(model, dps)
    with np.errstate(all="ignore"):  # far tails and extreme sigma: clipped to the axis in _panel
        panels = tuple(_panel(model, terms, text, grid, top, dps) for text in sigmas)
    data = np.array([float(row[0]) for row in model.data.rows])
    return CollapseFigure(grid, top, data, panels)


def _panel(model: CollapseModel, terms: CollapseTerms, text: str, grid, top: float, dps: int) -> CollapsePanel:
    sigma, log10_sigma = sigma_from_text(text, dps)
    with mp.workdps(dps):
        sigma = +sigma
        peak = to_mpf(model.weights[0]) / (mpmath.sqrt(2 * mp.pi) * sigma)
        log_likelihood = +terms.mixture(sigma)
        log_sigma = float(mpmath.log(sigma))
        log10_peak = float(mpmath.log10(peak))
    xs, logs = component_log_densities(model, log_sigma, float(sigma), grid,
                                       np.linspace(-8.0, 8.0, SPIKE_SAMPLES))
    cap = np.log(CLIP * top)  # clip in log space before exponentiating: the spike may exceed any float
    clipped = np.exp(np.minimum(logs, cap))
    total = np.exp(np.minimum(np.logaddexp.reduce(logs, axis=0), cap))
    return CollapsePanel(float(log10_sigma), sigma, log_likelihood, peak, log10_peak, xs, clipped[0],
                         clipped[1:], total)


def component_log_densities(model: CollapseModel, log_sigma: float, sigma: float, x, z_spike):
    """Weighted log densities log(pi_k N(x | mu_k, var_k)) of every component on a grid, numpy.

    Parameters
    ----------
    log_sigma, sigma : float
        log sigma (always finite) and sigma as a float (may underflow to 0).
    x : ndarray, shape (M,)
        Grid away from the spike.
    z_spike : ndarray, shape (P,)
        Standardised offsets (x - x_n) / sigma of extra samples across the spike.

    Returns
    -------
    xs : ndarray, shape (M + P,), sorted
    logs : ndarray, shape (K, M + P)
    """
    centre = float(model.centre[0])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = np.where(x == centre, 0.0, (x - centre) / sigma)
    xs = np.concatenate([x, centre + sigma * z_spike])
    z = np.concatenate([z, z_spike])
    order = np.argsort(xs, kind="stable")
    xs, z = xs[order], z[order]
    half_log_2pi = 0.5 * np.log(2 * np.pi)
    with np.errstate(over="ignore"):  # z**2 = inf far from a tiny spike: its log density is -inf there
        rows = [np.log(float(model.weights[0])) - half_log_2pi - log_sigma - z**2 / 2]
    for weight, mean, variance in zip(model.weights[1:], model.means, model.variances):
        var = float(variance)
        log_weight = np.log(float(weight)) if weight > 0 else -np.inf
        rows.append(log_weight - half_log_2pi - 0.5 * np.log(var) - (xs - float(mean[0])) ** 2 / (2 * var))
    return xs, np.vstack(rows)


def broad_grid(model: CollapseModel):
    """Uniform grid covering the data and components 2..K (+-3.5 standard deviations), shape (BROAD_SAMPLES,)."""
    values = [float(row[0]) for row in model.data.rows]
    for mean, variance in zip(model.means, model.variances):
        spread = 3.5 * float(variance) ** 0.5
        values += [float(mean[0]) - spread, float(mean[0]) + spread]
    lo, hi = min(values), max(values)
    pad = 0.05 * (hi - lo or 1.0)
    return np.linspace(lo - pad, hi + pad, BROAD_SAMPLES)
