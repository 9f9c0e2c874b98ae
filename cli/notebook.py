"""The collapse in a notebook: ``explore(data="0,1,3", point=0)`` (needs the ``[notebook]`` extra, ipywidgets).

Two sliders. One moves sigma of component 1 (its mean on x_n) from 10^0 down to 10^-300 and
redraws PRML Fig. 9.7's panel with the mixture's log-likelihood, computed in mpmath by
:mod:`gmm_math.numerics.loglik` (the numbers of ``gmm-math evaluate``). The other steps through
a recorded EM run (:func:`gmm_math.numerics.em.fit.fit`) started with component 1 on x_n and
draws the panels of ``gmm-math em --plot`` at that iteration. Figures are rendered with Agg
into PNG image widgets, so no GUI backend is needed. Reachable as ``gmm_math.explore``.
"""

from __future__ import annotations

import io

from gmm_math.derivations.core.errors import GmmMathError

SIGMA_RANGE = (-300, 0)  # log10 sigma on the slider
DPS = 50
SIGMA_FIGURE = (9.0, 4.2)


def _widgets():
    try:
        import ipywidgets
    except ImportError:
        raise GmmMathError("explore needs ipywidgets: pip install 'gmm-math[notebook]'") from None
    return ipywidgets


def _png(figure, dpi: int = 90) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": "gmm-math"})
    return buffer.getvalue()


class Explorer:
    """The widgets of :func:`explore` and what they currently show.

    Attributes
    ----------
    sigma_slider, iteration_slider : ipywidgets sliders
        log10 sigma (``SIGMA_RANGE``) and the EM iteration (0 .. the run's last).
    log_likelihood : mpf
        log L of the mixture at the slider's sigma (mpmath, ``DPS`` digits).
    sigma_png, em_png : bytes
        The two figures as PNG.
    widget : ipywidgets.VBox
        Everything, for display.
    """

    def __init__(self, model, X, result, dps: int):
        widgets = _widgets()
        self.model, self.X, self.result, self.dps = model, X, result, dps
        self.sigma_slider = widgets.FloatSlider(value=0.0, min=SIGMA_RANGE[0], max=SIGMA_RANGE[1], step=1.0,
                                                description="log10 σ", continuous_update=False,
                                                layout=widgets.Layout(width="95%"))
        self.iteration_slider = widgets.IntSlider(value=0, min=0, max=result.n_iter, step=1,
                                                  description="EM iteration", continuous_update=False,
                                                  layout=widgets.Layout(width="95%"))
        self.value_label = widgets.HTML()
        self.sigma_image = widgets.Image(format="png")
        self.em_image = widgets.Image(format="png")
        self.sigma_slider.observe(lambda change: self.set_sigma(change["new"]), names="value")
        self.iteration_slider.observe(lambda change: self.set_iteration(change["new"]), names="value")
        self.widget = widgets.VBox([self.sigma_slider, self.value_label, self.sigma_image,
                                    self.iteration_slider, self.em_image])
        self.set_sigma(self.sigma_slider.value)
        self.set_iteration(self.iteration_slider.value)

    def set_sigma(self, log10_sigma: float) -> None:
        """Recompute log L at sigma = 10**log10_sigma (mpmath) and redraw the Fig. 9.7 panel."""
        import mpmath

        from gmm_math.cli.plots.collapse import draw_collapse
        from gmm_math.numerics.collapse_panels import collapse_figure
        from gmm_math.numerics.sigma_text import decimal_exponent, power_text

        numbers = collapse_figure(self.model, [power_text(decimal_exponent(float(log10_sigma)))], self.dps)
        panel = numbers.panels[0]
        self.log_likelihood = panel.log_likelihood
        figure = draw_collapse(self.model, numbers, self.dps)
        figure.set_size_inches(*SIGMA_FIGURE)  # one panel: wide enough for the title and the legend
        self.sigma_png = _png(figure)
        self.sigma_image.value = self.sigma_png
        self.value_label.value = (f"σ = 10<sup>{log10_sigma:g}</sup>: log L = "
                                  f"{mpmath.nstr(panel.log_likelihood, 15)} (mpmath, {self.dps} digits)")

    def set_iteration(self, iteration: int) -> None:
        """Draw the recorded EM run at ``iteration``."""
        from gmm_math.cli.plots.base import new_figure
        from gmm_math.cli.plots.em import draw_frame, figure_size
        from gmm_math.numerics.em.watch import frames

        frame = frames(self.result)[int(iteration)]
        figure = new_figure(*figure_size(self.result))
        draw_frame(figure, self.X, self.result, frame)
        self.em_png = _png(figure, dpi=60)
        self.em_image.value = self.em_png

    def __repr__(self) -> str:
        import mpmath

        return (f"<Explorer: log10 sigma {self.sigma_slider.value:g}, log L {mpmath.nstr(self.log_likelihood, 15)}, "
                f"EM iteration {self.iteration_slider.value} of {self.iteration_slider.max}>")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def explore(data: str = "0,1,3", point: int = 0, components: int = 2, em_sigma: float = 0.3,
            max_iter: int = 50, dps: int = DPS) -> Explorer:
    """Sliders over sigma (10^0 .. 10^-300) and over the iterations of an EM run, for 1-D ``data``.

    Parameters
    ----------
    data : str
        1-D points, e.g. ``"0,1,3"``.
    point : int
        0-based index of the data point x_n component 1 sits on.
    components : int
        K >= 2; components 2..K as in ``gmm-math derive mixture`` (its defaults).
    em_sigma : float > 0
        The standard deviation component 1 starts EM with (on x_n); the others start as in the model.
    max_iter : int
        EM iterations at most (the run stops at a collapse).
    dps : int
        mpmath digits for log L.

    Returns
    -------
    Explorer
        Displays itself as the widgets; ``explorer.log_likelihood`` is the value shown.

    Examples
    --------
    >>> explorer = explore(data="0,1,3", point=0)
    >>> explorer.sigma_slider.value = -150
    >>> explorer.log_likelihood
    mpf('339.181...')
    >>> explorer
    <Explorer: log10 sigma -150, log L 339.181..., EM iteration 0 of 3>
    """
    import numpy as np

    from gmm_math.derivations.core.data import Dataset
    from gmm_math.derivations.core.model import CollapseModel
    from gmm_math.numerics.em.fit import fit

    _widgets()
    if not (isinstance(em_sigma, (int, float)) and np.isfinite(em_sigma) and em_sigma > 0):
        raise GmmMathError(f"em_sigma must be a positive number, got {em_sigma!r}", parameter="em_sigma")
    model = CollapseModel.mixture(Dataset.from_text(data), point, components)
    if model.data.dim != 1:
        raise GmmMathError(f"explore draws 1-D data, but the data have D = {model.data.dim}", parameter="data")
    X = np.array([[float(row[0])] for row in model.data.rows])
    means = [[float(model.centre[0])]] + [[float(m[0])] for m in model.means]
    variances = [em_sigma ** 2] + [float(v) for v in model.variances]
    result = fit(X, components, remedy="none", weights_init=[float(w) for w in model.weights],
                 means_init=means, covariances_init=[[[v]] for v in variances], max_iter=max_iter)
    return Explorer(model, X, result, dps)


__all__ = ["Explorer", "explore"]
