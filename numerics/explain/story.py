"""The document ``gmm-math explain`` renders: sections of typed blocks, every number computed.

Renderers (HTML, Markdown, LaTeX, JSON) dispatch on the block type; nothing here prints or draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

import sympy as sp

from gmm_math.derivations.core.display import NotebookDisplay
from gmm_math.derivations.result import Derivation
from gmm_math.numerics.confirm import NumericCheck


@dataclass(frozen=True)
class Prose:
    """A paragraph of plain text (numbers in it are formatted from computed values)."""

    text: str


@dataclass(frozen=True)
class Formula:
    """Display maths: one SymPy expression or relation per line, with an optional lead-in sentence."""

    exprs: tuple[sp.Basic, ...]
    caption: str = ""

    def __post_init__(self) -> None:
        if not all(isinstance(e, sp.Basic) for e in self.exprs):
            raise TypeError("Formula.exprs must be SymPy objects")


@dataclass(frozen=True)
class Worked:
    """A derivation and its numeric confirmation (mpmath), rendered step by step."""

    derivation: Derivation
    check: NumericCheck


@dataclass(frozen=True)
class Table:
    """A table of text cells under a caption: a ``header`` of C cells over R ``rows`` of C cells each."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class FigureSlot:
    """Where a figure goes; ``key`` names one of the figures in :class:`FigureData`."""

    key: str
    caption: str


@dataclass(frozen=True)
class SliderStop:
    """One position of the σ slider, computed by :mod:`gmm_math.numerics.explain.slider` (mpmath text).

    Attributes
    ----------
    sigma_text : str
        The exact sigma it was computed at (e.g. ``10^(-9/20)``).
    sigma, log10_sigma : str
    single_likelihood, single_log_likelihood, mixture_likelihood, mixture_log_likelihood : str
    """

    sigma_text: str
    sigma: str
    log10_sigma: str
    single_likelihood: str
    single_log_likelihood: str
    mixture_likelihood: str
    mixture_log_likelihood: str


@dataclass(frozen=True)
class Slider:
    """A block of the story: the slider's stops, in order of decreasing sigma, and the text around it."""

    caption: str
    stops: tuple[SliderStop, ...]
    start: int  # the stop shown first

    def as_json(self) -> list[dict[str, str]]:
        """The stops as the page embeds them."""
        from dataclasses import asdict

        return [asdict(stop) for stop in self.stops]


Block = Union[Prose, Formula, Worked, Table, FigureSlot, Slider]


@dataclass(frozen=True)
class Section:
    """One numbered section: a short ``key`` (anchor, JSON), a title and its blocks in order."""

    key: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class FigureData:
    """What the figures are drawn from (computed once, in the sections that show them).

    Attributes
    ----------
    limit_table : EvaluationTable
        The sweep behind the plot-limit picture (symbolic limits filled in from the derivations).
    collapse_model : CollapseModel or None
        The 1-D mixture for PRML Fig. 9.7 (None for data in D > 1).
    collapse_numbers : CollapseFigure or None
        Fig. 9.7's panels computed by :func:`gmm_math.numerics.collapse_panels.collapse_figure`.
    em_points : ndarray, shape (N, 2)
        The EM data set.
    em_fits : dict of str -> FitResult
        ``"none"``: the run that collapses; ``"ridge"``: the same start with the ridge.
    """

    limit_table: Any
    collapse_model: Any
    collapse_numbers: Any
    em_points: Any
    em_fits: dict


@dataclass(frozen=True, repr=False)
class Story(NotebookDisplay):
    """The whole document.

    Attributes
    ----------
    title : str
    sections : tuple of Section
        In the page's order: question, single, mixture, em, remedies, boundary, confusion.
    figures : FigureData
    seed, dps : int
        The options it was computed with.
    data_label : str
        Which data sections 2, 3, 5 and 6 use.
    """

    title: str
    sections: tuple[Section, ...]
    figures: FigureData
    seed: int
    dps: int
    data_label: str

    def __repr__(self) -> str:
        """One line: the sections, the figures and the options it was computed with."""
        return (f"<Story: {len(self.sections)} sections, {len(self.figure_keys())} figures, on {self.data_label}, "
                f"seed {self.seed}, {self.dps} digits>")

    def figure_keys(self) -> tuple[str, ...]:
        """The figures the sections show, in order of appearance."""
        return tuple(b.key for s in self.sections for b in s.blocks if isinstance(b, FigureSlot))
