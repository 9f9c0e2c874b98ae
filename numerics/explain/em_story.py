"""Section 4 of ``gmm-math explain``: EM on the worked example's data walks into a collapse.

EM (seed-style initialisation, no remedy) is run from seed ``seed`` upwards until a run
collapses; the collapse (component, point, iteration) is then named as :func:`fit` found it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.remedies import registry
from gmm_math.numerics.explain.fit_words import collapse_paragraph, component_name
from gmm_math.numerics.explain.story import FigureSlot, Prose, Section, Table

DATASET = "seed-blobs"
COMPONENTS = 3
INIT = "seed-style"
SEARCH = 1000  # seeds tried at most
RIDGE_EPS = 1e-6  # the ridge of the EM runs and of the ridge derivation (scikit-learn's reg_covar)
REMEDIES = tuple(name for name in registry.names("em") if registry.REMEDIES[name].kind != registry.NONE)  # vs. plain ML


@dataclass(frozen=True)
class EmRun:
    """The collapsing EM run and the same start under each remedy.

    Attributes
    ----------
    section : Section
        Section 4 of the story ("Why EM walks there"): the run, its trace and its figure.
    seed : int
        The first seed >= the requested one whose plain-ML run collapses.
    tried : int
        How many seeds were tried to find it.
    points : ndarray, shape (N, 2)
    fits : dict of str -> FitResult
        ``"none"`` and every name in ``REMEDIES``.
    """

    section: Section
    seed: int
    tried: int
    points: np.ndarray
    fits: dict


def _fit(points: np.ndarray, remedy: str, seed: int):
    from gmm_math.numerics.em.fit import fit

    return fit(points, COMPONENTS, init=INIT, remedy=remedy, seed=seed, reg_covar=RIDGE_EPS)


def find_collapse(points: np.ndarray, seed: int) -> tuple[int, object]:
    """The first seed >= ``seed`` whose unremedied run collapses, and that run."""
    for candidate in range(seed, seed + SEARCH):
        result = _fit(points, "none", candidate)
        if result.collapse is not None:
            return candidate, result
    raise GmmMathError(f"no seed from {seed} to {seed + SEARCH - 1} makes EM collapse on {DATASET}",
                       parameter="seed")


def stopped(result) -> bool:
    """Did the run stop at a collapse (its last parameters were not evaluated)?"""
    return result.collapse is not None and result.history[-1].log_likelihood is None


def _trace(result) -> Table:
    k = result.collapse.component
    name = component_name(k)
    rows = tuple((str(r.iteration), "not evaluated (collapsed)" if r.log_likelihood is None
                  else f"{r.log_likelihood:.6f}", f"{r.weights[k]:.6g}", f"{r.min_eigenvalues[k]:.6g}")
                 for r in result.history)
    return Table(f"EM iterations ({name} is the one that collapses)",
                 ("iteration", "log-likelihood", f"weight of {name}",
                  f"smallest eigenvalue of \u03a3_{k + 1}"), rows)


def collapsing_run(seed: int) -> EmRun:
    """Section 4 and the fits sections 4 and 5 show."""
    from gmm_math.numerics.datasets import load_named

    points = load_named(DATASET)
    found, result = find_collapse(points, seed)
    fits = {"none": result, **{name: _fit(points, name, found) for name in REMEDIES}}
    c = result.collapse
    n = result.n_points
    searched = (f"Seed {found} is the first seed from {seed} on whose run collapses ({found - seed + 1} tried)."
                if found != seed else f"Seed {found} collapses.")
    section = Section("em", "Why EM walks there", (
        Prose(f"EM on {DATASET} (the worked example's data: N = {n} points in D = {points.shape[1]}), K = "
              f"{COMPONENTS} components, {INIT} initialisation, plain maximum likelihood. {searched}"),
        Prose(collapse_paragraph(result)),
        _trace(result),
        FigureSlot("em", f"EM on {DATASET}, seed {found}: the data with 1- and 2-sigma ellipses ({component_name(c.component)} "
                   f"in red, ringed at point {c.point_index}) and the log-likelihood trace."),
    ))
    return EmRun(section, found, found - seed + 1, points, fits)
