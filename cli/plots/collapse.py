"""The collapse picture (PRML Fig. 9.7): a broad component, a spike on one data point, shrinking sigma.

:func:`collapse_panels` is the data behind the figure: one log-likelihood per sigma from
:mod:`gmm_math.numerics.loglik` (mpmath, log space) and the spike height, also in mpmath.
The density curves are evaluated with numpy for drawing only, in log space and clipped
before exponentiating, so any sigma (also far below float64's range) can be drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from gmm_math.cli.plots.base import PALETTE, math_label, new_figure, power_of_ten
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel

SPIKE_SAMPLES = 201  # samples across +-8 sigma of the spike, so it is drawn however narrow it is
BROAD_SAMPLES = 800
HEADROOM = 2.2  # y-axis top, as a multiple of the largest density of components 2..K


@dataclass(frozen=True)
class CollapsePanel:
    """One small multiple: sigma and the numbers printed on it, all mpmath.

    Attributes
    ----------
    log10_sigma : float
    sigma, log_likelihood, spike_peak : mpf
        sigma, log L of the mixture, and pi_1 N(x_n | x_n, sigma^2) (the spike's height).
    """

    log10_sigma: float
    sigma: object
    log_likelihood: object
    spike_peak: object


def check_one_dimensional(model: CollapseModel) -> CollapseModel:
    if model.data.dim != 1:
        raise GmmMathError(f"plot-collapse draws 1-D data (PRML Fig. 9.7), but the data have D = {model.data.dim}")
    return model


def collapse_panels(model: CollapseModel, log10_sigmas: list[float], dps: int = 50) -> tuple[CollapsePanel, ...]:
    """log L and the spike height for every sigma = 10**x, x in ``log10_sigmas`` (mpmath, ``dps`` digits)."""
    import mpmath
    from mpmath import mp

    from gmm_math.numerics.loglik import CollapseTerms, to_mpf

    terms = CollapseTerms.from_model(model, dps)
    panels = []
    with mp.workdps(dps):
        for x in log10_sigmas:
            sigma = mp.mpf(10) ** mp.mpf(x)
            peak = to_mpf(model.weights[0]) / (mpmath.sqrt(2 * mp.pi) * sigma)
            panels.append(CollapsePanel(float(x), sigma, +terms.mixture(sigma), +peak))
    return tuple(panels)


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
    import numpy as np

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
    import numpy as np

    values = [float(row[0]) for row in model.data.rows]
    for mean, variance in zip(model.means, model.variances):
        spread = 3.5 * float(variance) ** 0.5
        values += [float(mean[0]) - spread, float(mean[0]) + spread]
    lo, hi = min(values), max(values)
    pad = 0.05 * (hi - lo or 1.0)
    return np.linspace(lo - pad, hi + pad, BROAD_SAMPLES)


def draw_collapse(model: CollapseModel, panels: tuple[CollapsePanel, ...], dps: int):
    """The small multiples as a matplotlib Figure (Agg canvas)."""
    import numpy as np

    count = len(panels)
    ncols = count if count <= 3 else int(np.ceil(np.sqrt(count)))
    nrows = int(np.ceil(count / ncols))
    figure = new_figure(3.6 * ncols + 0.4, 2.9 * nrows + 0.9)
    axes = figure.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
    grid = broad_grid(model)
    z_spike = np.linspace(-8.0, 8.0, SPIKE_SAMPLES)
    _, rest = component_log_densities(model, 0.0, 1.0, grid, z_spike[:0])
    rest_total = np.exp(np.logaddexp.reduce(rest[1:], axis=0)) if len(rest) > 1 else np.zeros(grid.shape)
    top = HEADROOM * float(rest_total.max())
    for ax, panel in zip(axes, panels):
        _draw_panel(ax, model, panel, grid, z_spike, top, dps)
    for ax in axes[count:]:
        ax.set_visible(False)
    for ax in axes[(nrows - 1) * ncols:]:
        ax.set_xlabel("$x$")
    for ax in axes[::ncols]:
        ax.set_ylabel("density $p(x)$")
    centre = f"{float(model.centre[0]):g}"
    figure.suptitle(
        f"Component 1 of a K = {model.components} mixture shrinks onto $x_n = {centre}$ "
        f"(point {model.point}); the other components stay put\n"
        f"panel titles: log-likelihood of all N = {model.data.n} points (mpmath, {dps} digits)",
        fontsize=10,
    )
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), fontsize=8, frameon=False)
    return figure


def _draw_panel(ax, model, panel: CollapsePanel, grid, z_spike, top: float, dps: int) -> None:
    import mpmath
    import numpy as np

    log_sigma = float(mpmath.log(panel.sigma))
    xs, logs = component_log_densities(model, log_sigma, float(panel.sigma), grid, z_spike)
    cap = np.log(1.5 * top)  # clip in log space before exponentiating: the spike may exceed any float
    total = np.exp(np.minimum(np.logaddexp.reduce(logs, axis=0), cap))
    spike = np.exp(np.minimum(logs[0], cap))
    ax.fill_between(xs, spike, color=PALETTE["single"], alpha=0.18, lw=0)
    ax.plot(xs, spike, color=PALETTE["single"], lw=1.1, zorder=3, label=r"spike $\pi_1\,\mathcal{N}(x\,|\,x_n,\sigma^2)$")
    for k, row in enumerate(logs[1:], start=2):
        label = r"broad $\pi_k\,\mathcal{N}(x\,|\,\mu_k,s_k^2)$, $k \geq 2$" if k == 2 else None
        ax.plot(xs, np.exp(np.minimum(row, cap)), color=PALETTE["other"], lw=1.1, ls="--", zorder=3,
                label=label)
    ax.plot(xs, total, color=PALETTE["mixture"], lw=2.4, alpha=0.85, zorder=2, label="mixture $p(x)$")
    data = np.array([float(row[0]) for row in model.data.rows])
    ax.plot(data, np.zeros_like(data), "o", color=PALETTE["point"], ms=5, clip_on=False, zorder=5, label="data")
    ax.plot([data[model.point]], [0.0], "o", color=PALETTE["single"], ms=8, mfc="none", mew=1.6,
            clip_on=False, zorder=6, label=f"$x_n$ (point {model.point})")
    ax.set_ylim(0.0, top)
    ax.set_xlim(grid[0], grid[-1])
    if panel.spike_peak > top:
        right_half = data[model.point] > (grid[0] + grid[-1]) / 2  # label on the side with room
        ax.annotate(
            f"peak ${power_of_ten(float(mpmath.log10(panel.spike_peak)))}$ (off scale)",
            xy=(data[model.point], top), xytext=(-8 if right_half else 8, -14), textcoords="offset points",
            fontsize=8, color=PALETTE["single"], arrowprops={"arrowstyle": "-|>", "color": PALETTE["single"]},
            ha="right" if right_half else "left", va="top", annotation_clip=False,
        )
    log_l = mpmath.nstr(panel.log_likelihood, 6).replace("-", "\u2212")
    title = math_label(rf"\sigma = {power_of_ten(panel.log10_sigma)}", f"sigma = 1e{panel.log10_sigma:g}")
    ax.set_title(f"{title}:   $\\log L$ = {log_l}", fontsize=10)
    ax.grid(alpha=0.25, lw=0.5)
