"""The remedied curve of ``plot-limit --remedy NAME``: Series for the mixture (and log) panels.

The choices are the registry's overlay remedies, each drawn in its registered colour.

Only the standard library at module level; SymPy, mpmath and the figure code are imported inside.
"""

from __future__ import annotations

from enum import Enum

from gmm_math.derivations.remedies import registry

PlotRemedy = Enum("PlotRemedy", {name: name for name in registry.names("overlay")}, type=str)

BELOW = 0.5  # remedy values more than this fraction of the raw curve's range below its minimum are not drawn


def remedy_derivation(name: str, dataset, point: int, components: int, params: dict):
    """The remedy's derivation (default remedy parameters) for the same mixture as the raw curve."""
    mixture = {k: v for k, v in params.items() if v is not None}
    dim = dataset.dim if dataset is not None else 1
    return registry.builder(name)(dim=dim, data=dataset, point=point, components=components, **mixture)


def remedy_series(derivation, name: str, x: tuple[float, ...], values: list, raw: tuple[float, ...]):
    """The remedied curve as Series: on the mixture panel over the raw curve, and, when it falls to -oo,
    also on the single panel (log scale of -log L), where a fall like -beta/sigma^2 stays legible.

    On the linear mixture panel, values far below the raw curve (``BELOW`` times its range under its
    minimum) are left out so the axis keeps showing the raw curve; the label says where the curve goes.
    """
    import math

    import sympy as sp

    from gmm_math.cli.plots.base import math_label
    from gmm_math.cli.plots.limit import Series
    from gmm_math.numerics.limit_panels import panel_value

    finite = [v for v in raw if math.isfinite(v)]
    floor = min(finite) - BELOW * (max(finite) - min(finite) or 1.0)
    y = tuple(float(v) if float(v) >= floor else float("nan") for v in values)
    limit = derivation.limit_log_likelihood
    shown = sp.latex(limit if not limit.is_finite else sp.Float(sp.N(limit, 6), 6))
    tends = math_label(rf"\log L \to {shown}", f"log L -> {limit}")
    cut = " (leaves the axis downwards)" if any(math.isnan(v) for v in y) else ""
    colour = registry.REMEDIES[name].overlay_colour
    series = [Series("mixture", "remedy", f"{name} remedy, mpmath: {tends}{cut}", x, y, colour)]
    if limit == -sp.oo:
        fall = tuple(panel_value("single", v) for v in values)
        lead = math_label(sp.latex(derivation.leading_term), str(derivation.leading_term))
        series.append(Series("single", "remedy", f"mixture with the {name} remedy, mpmath: {tends}, led by {lead}",
                             x, fall, colour))
    return tuple(series)


def with_remedy(plot, name: str, dataset, point: int, components: int, params: dict, sigmas: list[str], dps: int):
    """``plot`` (a LimitPlot) with the remedied curve added on the mixture panel.

    ``sigmas`` are the sigma texts the raw curve was evaluated at (the plot's one sigma grid), so both
    curves reach sigma by the same route: :func:`~gmm_math.numerics.sigma_text.sigma_from_text`.
    """
    from dataclasses import replace

    from gmm_math.numerics.objectives import log_objectives

    raw = next(s for s in plot.series if s.panel == "mixture" and s.role == "exact")
    derivation = remedy_derivation(name, dataset, point, components, params)
    values = log_objectives(derivation, sigmas, dps)
    return replace(plot, series=plot.series + remedy_series(derivation, name, raw.x, values, raw.y))
