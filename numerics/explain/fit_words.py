"""The sentences ``gmm-math explain`` says about an EM fit, generated from the fit itself.

Every phrase here reads the same :class:`~gmm_math.numerics.em.fit.FitResult` (and its
:class:`~gmm_math.numerics.em.fit.Collapse`) that the EM figure is drawn from, and names components
as the figure and ``gmm-math em`` do: 1..K; points keep their 0-based row number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def component_name(index: int) -> str:
    """A 0-based component index as the text names it.

    >>> component_name(1)
    'component 2'
    """
    return f"component {index + 1}"


def _coordinates(point) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in point) + ")"


def where_collapsed(collapse) -> str:
    """Where a collapsed component went: onto one point, onto a flat set of points, or onto none.

    ``support_rank`` affinely independent points span ``support_rank - 1`` dimensions.
    """
    point = f"point {collapse.point_index} = {_coordinates(collapse.point)}"
    span = collapse.support_rank - 1
    if collapse.support_rank == 0:
        return f"holding no point (the most responsible one is {point})"
    if collapse.support_rank == 1:
        equal = f" (and {collapse.coincident - 1} equal point(s))" if collapse.coincident > 1 else ""
        return f"onto {point}{equal}"
    return (f"onto {collapse.support_size} points through {point} that span only {span} "
            f"dimension{'s' if span != 1 else ''}")


def why_singular(collapse, dim: int) -> str:
    """Why the re-fitted covariance is singular, in the terms of the collapse's support."""
    if collapse.support_rank == 0:
        return ("once it is responsible for (almost) no point, the fit has nothing to spread over and its "
                "covariance shrinks towards zero")
    if collapse.support_rank == 1:
        return "once that is essentially one point, the fit is a Gaussian of zero width on it"
    span = collapse.support_rank - 1
    return (f"once those points span only {span} of the D = {dim} dimensions, the fit is a Gaussian of zero width "
            "across them")


def collapse_paragraph(result) -> str:
    """Section 4's account of the collapse of ``result`` (a run that has one)."""
    c = result.collapse
    n, dim = result.n_points, len(c.point)
    return (f"{component_name(c.component).capitalize()} collapsed {where_collapsed(c)} at iteration "
            f"{c.iteration}: its weight is {c.weight:.6g} (about {c.weight * n:.3g} of {n} points), it holds "
            f"{c.effective_count:.3g} point(s) of responsibility ({c.support_size} with responsibility at least "
            f"0.001, {c.support_rank} affinely independent, fewer than D + 1 = {dim + 1}), and the smallest "
            f"eigenvalue of its covariance is {c.min_eigenvalue:.3g}, below the collapse threshold "
            f"{result.threshold:.3g}. Each M-step re-fits the component to the points it is responsible for; "
            f"{why_singular(c, dim)}: the singularity of section 3.")


@dataclass(frozen=True)
class Ending:
    """Where component ``component`` of a run ended, measured from the point another run collapsed onto.

    Attributes
    ----------
    component, point_index : int
        0-based.
    weight, min_eigenvalue, threshold : float
        After the last iteration; ``threshold`` is the run's small-component threshold.
    distance : float
        Euclidean distance from its final mean to the point.
    """

    component: int
    point_index: int
    weight: float
    min_eigenvalue: float
    threshold: float
    distance: float

    @property
    def thin(self) -> bool:
        """Is its smallest eigenvalue still below the small-component threshold (a spike)?"""
        return self.min_eigenvalue < self.threshold

    @property
    def on_point(self) -> bool:
        """Is its mean on the point, to within its own width (the square root of its smallest eigenvalue)?"""
        return self.distance <= max(np.sqrt(max(self.min_eigenvalue, 0.0)), 1e-9)


def ending(result, collapse, points: np.ndarray) -> Ending:
    """How ``result`` ended for the component and point of ``collapse`` (from another run on ``points``)."""
    k = collapse.component
    mean = np.asarray(result.means[k], dtype=float)
    distance = float(np.linalg.norm(mean - np.asarray(points[collapse.point_index], dtype=float)))
    return Ending(k, collapse.point_index, float(result.weights[k]), float(result.history[-1].min_eigenvalues[k]),
                  float(result.threshold), distance)


def ending_phrase(end: Ending) -> str:
    """The component's final state in words, every claim read from ``end``."""
    where = (f"its mean on point {end.point_index}" if end.on_point
             else f"its mean {end.distance:.3g} from point {end.point_index}")
    relation = "below the threshold {:.3g}: a spike" if end.thin else "above the threshold {:.3g}"
    return (f"{component_name(end.component)} ends with weight {end.weight:.3g}, {where}, smallest eigenvalue "
            f"{end.min_eigenvalue:.3g} ({relation.format(end.threshold)})")
