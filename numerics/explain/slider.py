"""The σ slider of ``gmm-math explain``'s page: L and log L of one Gaussian and of the mixture, per σ, in mpmath.

The values are computed here (exact σ, ``dps`` digits, log space) and only looked up by the page:
dragging the slider shows the single Gaussian's likelihood fall and the collapsing mixture's rise.
"""

from __future__ import annotations

import mpmath
from mpmath import mp

from gmm_math.numerics.explain.story import Slider, SliderStop, Table

SWEEP = "0.5:-4:91"  # log10 sigma from, to, count: steps of 0.05
SHOWN_DIGITS = 8


def shown(value) -> str:
    """An mpf as the slider shows it (scientific notation beyond 1e±6, so tiny L stays readable)."""
    return mpmath.nstr(value, SHOWN_DIGITS, min_fixed=-6, max_fixed=6)


def stop(sigma_text: str, row, dps: int) -> SliderStop:
    """One evaluated row (``numerics.sweep.EvaluationRow`` at ``sigma_text``) as a stop: L = exp(log L) in mpmath."""
    with mp.workdps(dps):
        return SliderStop(sigma_text, shown(row.sigma), shown(row.log10_sigma),
                          shown(mpmath.exp(row.log_likelihood_single)), shown(row.log_likelihood_single),
                          shown(mpmath.exp(row.log_likelihood_mixture)), shown(row.log_likelihood_mixture))


def slider(rows: dict, dps: int, data_words: str) -> Slider:
    """The slider over ``rows`` (sigma text -> its evaluated row, for the sweep ``SWEEP``), starting at sigma = 1."""
    stops = tuple(stop(text, row, dps) for text, row in rows.items())
    start = next((i for i, s in enumerate(stops) if s.sigma_text == "1e0"), 0)
    return Slider(f"Drag \u03c3 from {stops[0].sigma} down to {stops[-1].sigma} on {data_words}: the likelihood of "
                  "one Gaussian on x_n falls towards 0, that of the mixture with a component on x_n rises without "
                  f"bound (mpmath, {dps} significant digits, {SHOWN_DIGITS} shown).", stops, start)


def as_table(block: Slider, every: int = 10) -> Table:
    """The slider for a page that cannot move: every ``every``-th stop as a table row (the last one too)."""
    chosen = [*block.stops[::every], *(block.stops[-1:] if (len(block.stops) - 1) % every else ())]
    return Table(block.caption.replace("Drag \u03c3", "\u03c3", 1) + " (the HTML page has a slider)",
                 ("\u03c3", "L, one Gaussian", "log L, one Gaussian", "L, mixture", "log L, mixture"),
                 tuple((s.sigma, s.single_likelihood, s.single_log_likelihood, s.mixture_likelihood,
                        s.mixture_log_likelihood) for s in chosen))
