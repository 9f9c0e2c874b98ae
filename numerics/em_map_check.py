"""The numeric half of ``derive em-step``: fixed points, the orbit from s_0, and the check against the EM code.

Everything here is computed (mpmath at ``dps``, numpy float64 for the EM code) and returned as
:class:`~gmm_math.derivations.result.Step` objects, so every output format shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import sympy as sp
from mpmath import mp

from gmm_math.derivations.core.model import CollapseModel
from gmm_math.derivations.em_step import F, S, eq
from gmm_math.derivations.result import Derivation, Step
from gmm_math.numerics.confirm import NumericCheck, confirm
from gmm_math.numerics.em_map import BoundarySide, EmMap, FixedPoints, Orbit, boundary_side, fixed_points, orbit

FLOAT64_SMALLEST = mpmath.mpf("1e-300")  # the EM code's s must be a normal float64 with room to spare
FLOAT64_LARGEST = mpmath.mpf("1e300")
SHOWN_ITERATES = 6


def em_step_check(derivation: Derivation, dps: int) -> NumericCheck:
    """log L at shrinking sigma = sqrt(s) (the objective EM climbs), as for ``derive mixture``."""
    return confirm(derivation, dps)


def _float(value, digits: int) -> sp.Float:
    return sp.Float(mpmath.nstr(value, digits), digits)


def _log10(log_s):
    return log_s / mpmath.log(10)


@dataclass(frozen=True)
class EmMapReport:
    """What ``derive em-step`` adds to the derivation (see :func:`em_map_report`).

    Attributes
    ----------
    fixed : FixedPoints
        The positive fixed points of the map f, and why there are none outside the scanned range.
    path : Orbit
        From s_0 until s < below.
    below_steps : int or None
        Iterations to fall below ``below``.
    step_error : float
        Largest relative difference, over the iterates s_t >= 1e-300, between one step of the EM
        code (float64) and f(s_t) in mpmath.
    path_error : float
        Largest relative difference between the EM code's own iterates and the mpmath ones.
    frozen_steps : int
        How many iterates entered the comparison.
    fit_ran : bool
        False when s_0 is outside float64's comfortable range (1e-300..1e300): no free fit is run.
    fit_iteration, fit_component : int or None
        Where the free ``fit`` (no remedy) from the same start collapsed.
    predicted : int or None
        The iteration at which fit's collapse test (:func:`predicted_collapse`) fires on the iterates of f.
    threshold : float
        fit's collapse floor: 1e-12 times the data's variance (data units).
    near : BoundarySide or None
        Where s_0 lies when it is within NEAR_BOUNDARY of the basin boundary (the orbit is then run at the
        precision that decided it; not decided: the orbit is s_0 alone, fate "on boundary").
    """

    fixed: FixedPoints
    path: Orbit
    below_steps: int | None
    step_error: float
    path_error: float
    frozen_steps: int
    fit_ran: bool
    fit_iteration: int | None
    fit_component: int | None
    predicted: int | None
    threshold: float
    near: BoundarySide | None = None


def em_map_report(model: CollapseModel, log_s0, log_below, dps: int, s0_text: str | None = None) -> EmMapReport:
    """Fixed points, the orbit from s_0, and the comparison with the EM code and a free fit.

    ``s0_text`` (s_0 as written) lets a start near the basin boundary be read again at higher precision.
    """
    from gmm_math.numerics.em.frozen import FrozenEm, free_fit

    em = EmMap.from_model(model, dps)
    fixed = fixed_points(em)
    near = None if s0_text is None or fixed.boundary is None else boundary_side(model, s0_text, fixed.boundary, dps)
    tol = None
    if near is not None and near.side:
        em = EmMap.from_model(model, near.digits)
        with mp.workdps(near.digits + 10):
            log_s0, tol = mpmath.log(mp.mpf(s0_text)), mp.mpf(10) ** -near.digits
    path = Orbit((log_s0,), "on boundary") if near is not None and not near.side else orbit(em, log_s0, log_below,
                                                                                              tol=tol)
    frozen = FrozenEm(model)
    with mp.workdps(dps + 10):
        # compared as logs: exp(log s) of a collapsed iterate is no number to compute
        lo, hi = mpmath.log(FLOAT64_SMALLEST), mpmath.log(FLOAT64_LARGEST)
        comparable = [v for v in path.log_s if lo <= v <= hi]
        exact = [mpmath.exp(v) for v in comparable]
        steps = [abs(frozen.step(float(a)) - b) / b for a, b in zip(exact, exact[1:])]
        own = [float(exact[0])] if exact else []  # no iterate in float64's range: nothing to compare
        for _ in exact[1:]:
            if not FLOAT64_SMALLEST <= own[-1] <= FLOAT64_LARGEST:
                break  # the EM code's own orbit left float64's range (near a repelling point it may part early)
            own.append(frozen.step(own[-1]))
        path_errors = [abs(mp.mpf(a) - b) / b for a, b in zip(own, exact)]
        fit = free_fit(model, float(mpmath.exp(log_s0))) if lo <= log_s0 <= hi else None
        predicted = None if fit is None or path.fate == "on boundary" else predicted_collapse(
            _iterates(em, log_s0, mpmath.log(fit.floor), tol), mpmath.log(fit.floor))
    return EmMapReport(
        fixed=fixed, path=path, below_steps=path.steps if path.fate == "below" else None,
        step_error=float(max(steps, default=0)), path_error=float(max(path_errors, default=0)),
        frozen_steps=len(exact), fit_ran=fit is not None,
        fit_iteration=None if fit is None else fit.collapse_iteration,
        fit_component=None if fit is None else fit.collapsed_component,
        predicted=predicted,
        threshold=float("nan") if fit is None else fit.floor,
        near=near,
    )


def _iterates(em: EmMap, log_s0, log_floor, tol=None) -> tuple:
    """log s_0, log s_1, ... until s falls below the floor; at least one step (s_0 may start below it)."""
    path = orbit(em, log_s0, log_floor, tol=tol)
    return path.log_s if path.steps else orbit(em, log_s0, max_iter=1).log_s


def predicted_collapse(log_s, log_floor) -> int | None:
    """The first iteration t at which fit's collapse test fires on the iterates log s_0, log s_1, ...

    As in :mod:`gmm_math.numerics.em.fit`: s_t below the collapse floor, or s shrunk ``SHRINK_FACTOR``-fold
    in each of the last two iterations (a component on one point always has too small a support).

    >>> predicted_collapse([0, -5, -10], -100), predicted_collapse([0, -1, -2], -1.5)
    (2, 2)
    """
    from gmm_math.numerics.em.fit import SHRINK_FACTOR

    shrink = mpmath.log(SHRINK_FACTOR)
    for t in range(1, len(log_s)):
        shrinking = t >= 2 and log_s[t] + shrink <= log_s[t - 1] and log_s[t - 1] + shrink <= log_s[t - 2]
        if log_s[t] < log_floor or shrinking:
            return t
    return None


def report_steps(report: EmMapReport, s0_text: str, below_text: str, dps: int) -> tuple[Step, ...]:
    """The report as derivation steps (SymPy Floats at ``dps`` digits, integers exact)."""
    with mp.workdps(dps + 5):
        return (_fixed_step(report.fixed, dps), _orbit_step(report, s0_text, below_text, dps), _code_step(report))


def _fixed_step(fixed: FixedPoints, dps: int) -> Step:
    bounds = (eq(sp.Symbol("s_lo"), _float(mpmath.exp(fixed.log_s_lo), 15)),
              eq(sp.Function("B")(sp.Symbol("s_lo")), _float(fixed.bound, 15)),
              eq(sp.Symbol("s_hi"), _float(mpmath.exp(fixed.log_s_hi), 15)))
    ranges = (f"for s <= s_lo, f(s)/s <= B(s_lo) < 1 (a bound: the numerator's responsibilities by pi_1 N/g, "
              f"the denominator's by their value at s_lo); for s >= s_hi = max d^2, f(s) < max d^2 <= s; "
              f"in between, {fixed.grid} points evenly spaced in log s, refined by mpmath findroot")
    if not fixed.points:
        return Step("Positive fixed points (mpmath)",
                    f"None: f(s) < s for every s > 0, so EM started on x_n collapses from any s_0 — {ranges}; "
                    "the largest f(s)/s on the grid:",
                    bounds + (eq(sp.Symbol("max_grid f(s)/s"), _float(fixed.peak_ratio, 15)),))
    lines = []
    for i, p in enumerate(fixed.points, 1):
        star = sp.Symbol(f"s*_{i}")
        lines += [eq(star, _float(p.s, dps)), eq(sp.Subs(sp.Derivative(F(S), S), S, star), _float(p.slope, 15))]
    boundary = fixed.boundary
    text = f"f(s) = s at {len(fixed.points)} point(s) ({ranges}). "
    if boundary is not None:
        text += ("A slope above 1 repels: the smallest repelling one is the basin boundary, below it EM started "
                 "on x_n collapses; a slope below 1 attracts (a regular maximum in s).")
    return Step("Positive fixed points (mpmath)", text, bounds + tuple(lines))


def _orbit_step(report: EmMapReport, s0_text: str, below_text: str, dps: int) -> Step:
    path = report.path
    shown = list(enumerate(path.log_s))
    if len(shown) > SHOWN_ITERATES:
        shown = shown[:2] + shown[-(SHOWN_ITERATES - 2):]
    lines = tuple(eq(sp.Function("log10")(sp.Symbol(f"s_{t}")), _float(_log10(v), 15)) for t, v in shown)
    fates = {  # lazy: exp(log s) of a collapsed orbit's last iterate is no number to compute
        "below": lambda: f"s falls below {below_text} after {path.steps} EM iteration(s):",
        "converged": lambda: f"s does not fall below {below_text}: EM converges to the fixed point s = "
                             f"{mpmath.nstr(mpmath.exp(path.log_s[-1]), 15)} after {path.steps} iteration(s):",
        "max_iter": lambda: f"s has not fallen below {below_text} after {path.steps} iteration(s):",
        "out of range": lambda: f"s is still above {below_text} after {path.steps} iteration(s) and the next "
                                "step is beyond the evaluated range:",
        "on boundary": lambda: "no iterate is computed (at this precision the orbit would stay on the boundary):",
    }
    count = (eq(sp.Symbol("t_below"), report.below_steps),) if report.below_steps is not None else ()
    near = "" if report.near is None else _side_text(report.near) + " "
    return Step(f"EM from s_0 = {s0_text}", near + fates[path.fate]() + " (mpmath, in log s)", count + lines)


def _side_text(near: BoundarySide) -> str:
    """Where s_0 lies against the basin boundary s*_1, as :func:`~gmm_math.numerics.em_map.boundary_side` decided."""
    if not near.side:
        return (f"s_0 equals the basin boundary to {near.digits} digits: which side it lies on (so whether "
                f"EM collapses) is not decided at that precision;")
    where = "below" if near.side < 0 else "above"
    fate = "EM collapses" if near.side < 0 else "EM does not collapse"
    return (f"s_0 lies {where} the basin boundary (relative distance {mpmath.nstr(near.gap, 3)}, decided "
            f"at {near.digits} digits, at which the orbit is computed): {fate};")


def _code_step(report: EmMapReport) -> Step:
    fit = ("did not collapse" if report.fit_iteration is None else
           f"collapsed component {report.fit_component + 1} at iteration {report.fit_iteration}")
    predicted = ("no collapse" if report.predicted is None else f"iteration {report.predicted}")
    agrees = report.fit_iteration == report.predicted and report.fit_component in (0, None)
    verdict = "as predicted" if agrees else "NOT as predicted (the free parameters moved far from the frozen ones)"
    free = (f"A free fit (no remedy) from the same start {fit}; f predicts {predicted} by fit's collapse test "
            f"(s below {report.threshold:.6g}, 1e-12 times the data's variance, or shrinking 10-fold in each of "
            f"two iterations): {verdict}." if report.fit_ran
            else "s_0 is outside float64's range 1e-300..1e300: no free fit is run.")
    if report.fit_ran and report.path.fate == "on boundary":
        free = (f"A free fit (no remedy) from the same start (float64, so s_0 rounded off the boundary) {fit}; "
                "f predicts nothing from a start on the boundary.")
    return Step(
        "Checked against the EM code",
        f"The E-step and M-step of numerics.em (float64) with everything but s frozen, applied to the "
        f"{report.frozen_steps} iterate(s) 1e-300 <= s_t <= 1e300 of f: err_step is the largest relative "
        f"difference of one step, err_path that of the EM code's own iterates (errors grow with the map's "
        f"slope). {free}",
        (eq(sp.Symbol("err_step"), sp.Float(report.step_error, 3)),
         eq(sp.Symbol("err_path"), sp.Float(report.path_error, 3)))
        + tuple(eq(sp.Symbol(name), value) for name, value in
                (("t_fit", report.fit_iteration), ("t_predicted", report.predicted)) if value is not None),
    )
