"""Text and JSON renderings of an EM fit (imported inside ``gmm-math em`` only: it needs numpy)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from gmm_math.numerics.em.fit import Collapse, FitResult, SmallComponent


def component_name(index: int) -> str:
    """A component as every command's text names it: numbered 1..K (as PRML and ``derive``); JSON keeps 0-based indices.

    >>> component_name(0)
    'component 1'
    """
    return f"component {index + 1}"


def _num(value: float) -> str:
    return f"{value:.6g}"


def _vector(values: Iterable[float]) -> str:
    return "(" + ", ".join(_num(v) for v in values) + ")"


def _matrix(values: np.ndarray) -> str:
    return "[" + "; ".join(", ".join(_num(v) for v in row) for row in values) + "]"


def power_of_ten(log10_value: float) -> str:
    """A positive number from its base-10 logarithm, also beyond float64: '1.3e-37', '2.4e-197307'.

    >>> power_of_ten(-197306.62)
    '2.4e-197307'
    """
    whole = int(log10_value // 1)
    return f"{10 ** (log10_value - whole):.2g}e{whole:+d}".replace("e+", "e")


def weight_phrase(collapse: Collapse, n: int) -> str:
    """'1/500' when the weight is a whole number of points over N, else the number and the points it held;
    a weight below float64's range is given by its power of ten (computed in log space)."""
    if collapse.weight_underflows:
        return f"{power_of_ten(collapse.log10_weight)} (computed in log space; it underflows float64)"
    if collapse.effective_count < 1e-3:  # scikit-learn's 10 eps floor would show here: the log-space value
        return f"{power_of_ten(collapse.log10_weight)} (computed in log space)"
    points = collapse.weight * n
    whole = round(points)
    if whole >= 1 and abs(points - whole) < 0.05:
        return f"{whole}/{n}"
    return f"{_num(collapse.weight)} (it held {_num(collapse.effective_count)} points)"


def eigenvalue_phrase(collapse: Collapse) -> str:
    """The smallest eigenvalue, exact in log space: a number, 'exactly 0', or 'below 10^e' when unresolved."""
    value = collapse.log10_min_eigenvalue
    if value != value:  # NaN: not computed (a report built by hand)
        return _num(collapse.min_eigenvalue)
    if value == float("-inf"):
        return "exactly 0"
    text = power_of_ten(value)
    underflow = " (it underflows float64)" if value < -307.65 else ""
    return (f"{text}{underflow}" if collapse.eigenvalue_resolved
            else f"below {text} (not resolved at 2000 digits){underflow}")


def _where(collapse: Collapse) -> str:
    """Where the component went: onto a point, onto a flat set of points, or nowhere (it holds none)."""
    point = f"point {collapse.point_index} = {_vector(collapse.point)}"
    coincident = f" (and {collapse.coincident - 1} equal points)" if collapse.coincident > 1 else ""
    span = collapse.support_rank - 1
    places = {
        0: lambda: f"holding no point (the most responsible one is {point})",
        1: lambda: f"onto {point}{coincident}",
        2: lambda: (f"onto {collapse.support_size} points through {point} that span only {span} "
                    f"dimension{'s' if span != 1 else ''}"),
    }
    return places[min(collapse.support_rank, 2)]()


def collapse_sentence(collapse: Collapse, n: int) -> str:
    """The plain-language line, e.g. 'component 3 collapsed onto point 111 = (x, y) at iteration 2; ...'."""
    dim = len(collapse.point)
    if collapse.support_rank > dim:  # not a collapse: EM stopped because the covariance is unusable
        return (f"{component_name(collapse.component)} became numerically singular at iteration {collapse.iteration}"
                f" (smallest eigenvalue {_num(collapse.min_eigenvalue)}, below 1e-12 x the mean variance, or not"
                f" finite) although its support of {collapse.support_size} points spans its {dim} dimensions;"
                f" its weight is {weight_phrase(collapse, n)}")
    return (f"{component_name(collapse.component)} collapsed {_where(collapse)} at iteration {collapse.iteration};"
            f" its weight is {weight_phrase(collapse, n)}; smallest eigenvalue {eigenvalue_phrase(collapse)};"
            f" its support (responsibility >= 0.001) is"
            f" {collapse.support_size} point(s), {collapse.support_rank} affinely independent, fewer than"
            f" D + 1 = {dim + 1}")


def small_sentence(small: SmallComponent, dim: int, threshold: float) -> str:
    """Why a small component is not a collapse."""
    reason = (f"its support spans its {dim} dimension{'s' if dim != 1 else ''}" if small.support_rank > dim
              else "its smallest eigenvalue is neither below 1e-12 x the mean variance nor shrinking 10x an iteration")
    return (f"{component_name(small.component)} is small but not collapsed (iteration {small.iteration}): smallest "
            f"eigenvalue {_num(small.min_eigenvalue)} below {_num(threshold)}, support {small.support_size} "
            f"point(s), {small.support_rank} affinely independent; {reason}")


def status(result: FitResult) -> str:
    stopped = result.collapse is not None and result.history[-1].log_likelihood is None
    table = {(True, False): "converged", (False, True): "stopped at a collapse", (False, False): "not converged"}
    return table[(result.converged, stopped)]


def _aftermath(result: FitResult) -> list[str]:
    """What the remedy did about collapses (nothing to say when none happened)."""
    lines = []
    aftermath = {
        "reset": lambda event: "it was re-initialised (a random data point, the data covariance)",
        "restart": lambda event: f"attempt {event.attempt} was abandoned and the fit started again",
    }
    for event in result.events:
        lines.append(f"{result.remedy}: {collapse_sentence(event, result.n_points)}; "
                     f"{aftermath[result.remedy](event)}")
    carried_on = result.collapse is not None and result.history[-1].log_likelihood is not None
    if carried_on:
        floor = result.history[-1].min_eigenvalues[result.collapse.component]
        verdict = ("the likelihood is bounded but the component still sits on a point" if floor < result.threshold
                   else "the component has since left the point")
        lines.append(f"the {result.remedy} remedy bounds its variance (smallest eigenvalue now {_num(floor)}, "
                     f"small-component threshold {_num(result.threshold)}), so EM went on: {verdict}")
    return lines


def render_text(result: FitResult, source: str, dim: int) -> str:
    """The human summary of a fit."""
    lines = [f"EM on {source}: N={result.n_points}, D={dim}, K={result.weights.size}, "
             f"{result.covariance} covariances, init {result.init}, remedy {result.remedy}"
             + (f" ({result.ridge})" if result.remedy == "ridge" and result.ridge != "absolute" else "")
             + f", seed {result.seed}",
             f"{status(result)} after {result.n_iter} iteration(s)"
             + (f" and {result.restarts} restart(s)" if result.restarts else ""),
             f"log-likelihood {result.log_likelihood[-1]:.6f} (per point "
             f"{result.log_likelihood[-1] / result.n_points:.6f}) at iteration {len(result.log_likelihood) - 1}"
             + (", the last one evaluated before the collapse" if status(result) == "stopped at a collapse" else "")]
    for k in range(result.weights.size):
        lines.append(f"{component_name(k)}: weight {_num(result.weights[k])}, mean {_vector(result.means[k])}, "
                     f"covariance {_matrix(result.covariances[k])}")
    if result.collapse is not None:
        lines.extend(collapse_sentence(each, result.n_points) for each in result.collapses or [result.collapse])
    lines.extend(_aftermath(result))
    collapsed = {each.component for each in result.collapses or [result.collapse] if each is not None}
    lines.extend(small_sentence(small, dim, result.threshold) for small in result.small
                 if small.component not in collapsed)
    return "\n".join(lines)


def as_json(result: FitResult, dim: int) -> str:
    """The JSON contract of ``gmm-math em --format json``."""
    payload = {
        "converged": result.converged,
        "iterations": result.n_iter,
        "log_likelihood": [float(v) for v in result.log_likelihood],
        "weights": result.weights.tolist(),
        "means": result.means.tolist(),
        "covariances": result.covariances.tolist(),
        "collapse": None if result.collapse is None else result.collapse.as_dict(),
        "collapses": [each.as_dict() for each in result.collapses],
        "remedy": result.remedy,
        "init": result.init,
        "seed": result.seed,
        "covariance": result.covariance,
        "status": status(result),
        "n_points": result.n_points,
        "dim": dim,
        "restarts": result.restarts,
        "collapse_threshold": result.threshold,
        "events": [event.as_dict() for event in result.events],
        "small_components": [small.as_dict() for small in result.small],
        "ridge": result.ridge,
    }
    from gmm_math.cli.schema import json_text

    return json_text(payload, allow_nan=False)
