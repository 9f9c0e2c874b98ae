"""Section 5 of ``gmm-math explain``: which remedies bound the objective and which only guard the algorithm.

Each remedy's derivation (on the user's data) gives its one-line result and its bound; the EM
column is the collapsing start of section 4 run again under that remedy.
"""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.remedies import registry
from gmm_math.derivations.result import SIGMA
from gmm_math.numerics.explain.em_story import REMEDIES as COMPARED, RIDGE_EPS, EmRun, stopped
from gmm_math.numerics.explain.story import FigureSlot, Formula, Prose, Section, Table

COMPONENTS = 2


def _story_parameters(name: str) -> dict:
    """The derivation's parameters that section 4's EM runs fix: the ridge of both is RIDGE_EPS."""
    return {"eps": Fraction(repr(RIDGE_EPS))} if name == "ridge" else {}


def _derivations(data: Dataset | None, point: int) -> tuple[dict, dict]:
    """Each compared remedy's derivation on these data, and for those that refuse the data the reason why."""
    common = {"dim": data.dim if data is not None else 1, "data": data, "point": point, "components": COMPONENTS}
    derived, refused = {}, {}
    for name in COMPARED:
        if registry.REMEDIES[name].derivation is None:
            continue
        try:
            derived[name] = registry.builder(name)(**common, **_story_parameters(name))
        except GmmMathError as err:
            refused[name] = str(err)
    return derived, refused


def log_objective(derivation) -> sp.Expr:
    """log of the remedied objective, by the symbol the derivation names it with (log L by default)."""
    return sp.log(derivation.objective_symbol)


def shown(value: sp.Basic) -> sp.Basic:
    """An exact limit as it is shown: itself, or 15 digits when it is a long closed form."""
    return sp.N(value, 15) if value.is_number and value.is_finite and not value.is_Rational else value


def bound_exprs(derivation) -> tuple[sp.Basic, ...]:
    """The bound a remedy proves: on the objective (``bound`` parameter) or its last step's statement."""
    params = dict(derivation.parameters)
    if "bound" in params:
        target = log_objective(derivation)
        return (sp.Le(target, params["bound"]), sp.Le(target, sp.N(params["bound"], 15)))
    return derivation.steps[-1].exprs


def bounds_objective(limit: sp.Basic) -> bool:
    """A remedy bounds the objective when the collapse no longer sends it to +oo."""
    return limit != sp.oo


def _em_outcome(result, collapsed: int, point: int) -> str:
    if stopped(result):
        return "stops at the collapse"
    events = f"{len(result.events)} collapse(s) handled, " if result.events else ""
    floor = result.history[-1].min_eigenvalues[collapsed]
    spike = (f"component {collapsed} still sits on point {point}" if floor < result.threshold
             else f"component {collapsed} is not on a point")
    return (f"{events}log-likelihood {result.log_likelihood[-1]:.6f} after {result.n_iter} iteration(s); "
            f"{spike} (smallest eigenvalue {floor:.3g})")


def objective_unchanged(name: str) -> bool:
    """Does EM remedy ``name`` keep plain maximum likelihood's M-step and objective (it only acts on iterates)?"""
    from gmm_math.numerics.em.remedies import REMEDIES as EM_REMEDIES

    return EM_REMEDIES[name].keeps_likelihood


def _limits(derivations: dict, ml_limit: sp.Basic) -> dict:
    """lim log objective per remedy: its derivation's, or plain likelihood's for an underived remedy that keeps it."""
    limits = {}
    for name in COMPARED:
        if name in derivations:
            limits[name] = derivations[name].limit_log_likelihood
        elif registry.REMEDIES[name].derivation is None and objective_unchanged(name):
            limits[name] = ml_limit
    return limits


def kind(name: str, limit: sp.Basic) -> str:
    if bounds_objective(limit):
        return "bounds the objective"
    if objective_unchanged(name):
        return "guards the algorithm only"
    return "changes the objective, but does not bound it on these data"


def remedy_section(data: Dataset | None, point: int, dps: int, em: EmRun, ml_limit: sp.Basic) -> Section:
    """Section 5; ``ml_limit`` is lim log L of plain maximum likelihood (section 3's derivation)."""
    derivations, refused = _derivations(data, point)
    limits = _limits(derivations, ml_limit)
    collapse = em.fits["none"].collapse
    k, p = collapse.component, collapse.point_index
    kinds = {name: kind(name, lim) for name, lim in limits.items()}
    described = {name: registry.REMEDIES[name].description for name in COMPARED}
    rows = tuple((name, described[name], kinds[name], sp.pretty(shown(lim), use_unicode=True),
                  _em_outcome(em.fits[name], k, p)) for name, lim in limits.items())
    rows += tuple((name, described[name], "not derived on these data", reason, _em_outcome(em.fits[name], k, p))
                  for name, reason in refused.items())
    blocks: list = [
        Prose("A remedy either changes the objective so that the collapse no longer sends it to +\u221e "
              "(it bounds the objective), or leaves the likelihood as it is and only stops the algorithm from "
              "following it (it guards the algorithm). Limits from the derivations on these data "
              f"(K = {COMPONENTS}); EM from section 4's collapsing start (seed {em.seed})."),
        Table("Remedies: the limit of the log objective along the collapse, and EM under each",
              ("remedy", "what it does", "kind", "lim log objective, \u03c3 \u2192 0+", "EM from the collapsing start"),
              rows),
    ]
    for name, derivation in derivations.items():
        target = log_objective(derivation)
        blocks.append(Formula((sp.Eq(sp.Limit(target, SIGMA, 0, "+"), shown(limits[name])), *bound_exprs(derivation)),
                              f"{name} ({kinds[name]}): {derivation.title}."))
    if "ridge" in derivations:
        blocks += _ridge_finding(derivations["ridge"], em, k, p)
    return Section("remedies", "The remedies: bound the objective, or guard the algorithm", tuple(blocks))


def _ridge_finding(derivation, em: EmRun, k: int, p: int) -> list:
    ridge = em.fits["ridge"]
    floor = ridge.history[-1].min_eigenvalues[k]
    bound = sp.N(dict(derivation.parameters)["bound"], 6)
    still = floor < ridge.threshold
    relation, spike = (("below", "bounded, but still a spike") if still
                       else ("above", "here the component has left the point"))
    stays = "stays on the point" if still else "leaves the point"
    return [
        Prose(f"The ridge finding: with \u03b5 = {RIDGE_EPS:g} the objective is bounded (log L_\u03b5 \u2264 "
              f"{bound} on these data) and has a finite limit along the collapse, yet from section 4's start EM "
              f"with the same ridge ends with component {k}'s smallest eigenvalue {floor:.3g}, {relation} the "
              f"collapse threshold {ridge.threshold:.3g} (point {p}): {spike}."),
        FigureSlot("em-ridge", f"The same start as in section 4 (seed {em.seed}) with the ridge \u03b5 = "
                   f"{RIDGE_EPS:g}: the likelihood stays finite, the component {stays}."),
    ]
