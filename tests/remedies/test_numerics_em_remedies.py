"""Collapse on seed-blobs without a remedy, and what each of the six remedies does about it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gmm_math.numerics.datasets import seed_blobs
from gmm_math.numerics.em.fit import REMEDIES, fit
from gmm_math.numerics.em.kernels import Stats
from gmm_math.numerics.em.data import DataSummary, Settings
from gmm_math.numerics.em.remedies import map_log_prior, m_step_map, m_step_penalty, penalty_log_term, ratio_truncation

X = seed_blobs()
DATA = DataSummary.of(X)
THRESHOLD = 1e-6 * DATA.scale
COLLAPSING = [6, 16, 18, 25, 30, 74]  # seed-style starts that walk into the singularity (asserted below)


def test_seed_30_collapses_onto_point_111_at_iteration_2():
    result = fit(X, 3, init="seed-style", remedy="none", seed=30)
    c = result.collapse
    assert (c.component, c.point_index, c.iteration) == (2, 111, 2)
    assert not result.converged and result.n_iter == 2
    # it sits on the point: its mean is that point, it holds one point's worth of responsibility
    assert np.allclose(result.means[2], X[111], rtol=0, atol=1e-9)
    assert abs(c.weight * len(X) - 1) < 1e-3 and abs(c.effective_count - 1) < 1e-3 and c.coincident == 1
    assert c.point == tuple(X[111])
    assert result.history[-1].min_eigenvalues[2] < THRESHOLD and result.history[-1].log_likelihood is None
    assert len(result.log_likelihood) == 2 and all(np.isfinite(result.log_likelihood))


@pytest.mark.parametrize("seed", COLLAPSING)
def test_no_remedy_stops_cleanly_at_the_collapse(seed):
    result = fit(X, 3, init="seed-style", remedy="none", seed=seed, max_iter=300)
    c = result.collapse
    assert c is not None and not result.converged and c.iteration == result.n_iter
    mins = result.history[-1].min_eigenvalues
    assert not mins[c.component] >= THRESHOLD
    # earlier records may hold a small component (below THRESHOLD, not collapsed: its exact M-step, from log
    # space, is regular), but every one of them was evaluated
    assert all(r.log_likelihood is not None for r in result.history[:-1])
    assert np.isfinite(result.weights).all() and np.isfinite(result.means).all()
    assert c.point == tuple(X[c.point_index])
    if c.effective_count > 0.5:  # it sits on its point: the nearest data point to its mean
        nearest = np.argmin(((X - result.means[c.component]) ** 2).sum(axis=1))
        assert nearest == c.point_index


@pytest.mark.parametrize("seed", COLLAPSING)
@pytest.mark.parametrize("remedy", ["reset", "restart", "map", "penalty", "ratio"])
def test_remedies_avoid_the_collapse(seed, remedy):
    result = fit(X, 3, init="seed-style", remedy=remedy, seed=seed, max_iter=500)
    assert result.collapse is None and result.converged
    assert np.isfinite(result.log_likelihood).all()
    small = {s.component for s in result.small}  # below THRESHOLD at a step, reported small, not collapsed
    assert all(r.min_eigenvalues[k] >= THRESHOLD for r in result.history for k in range(3) if k not in small)
    assert abs(result.weights.sum() - 1) < 1e-12


@pytest.mark.parametrize("seed", COLLAPSING)
@pytest.mark.parametrize("remedy", ["reset", "restart"])
def test_reset_and_restart_meet_the_same_collapse_first(seed, remedy):
    plain = fit(X, 3, init="seed-style", remedy="none", seed=seed, max_iter=300).collapse
    handled = fit(X, 3, init="seed-style", remedy=remedy, seed=seed, max_iter=500)
    first = handled.events[0]
    assert (first.component, first.iteration, first.point_index) == (plain.component, plain.iteration,
                                                                    plain.point_index)
    if remedy == "restart":
        assert handled.restarts == len(handled.events) >= 1


def test_restart_is_bounded():
    result = fit(X, 3, init="seed-style", remedy="restart", seed=16, max_restarts=1)
    assert result.restarts == 1 and result.collapse is not None and not result.converged
    assert [e.attempt for e in result.events] == [0] and result.collapse.attempt == 1


@pytest.mark.parametrize("seed", COLLAPSING)
def test_ridge_keeps_going_but_the_component_sits_on_a_point(seed):
    plain = fit(X, 3, init="seed-style", remedy="none", seed=seed, max_iter=300).collapse
    result = fit(X, 3, init="seed-style", remedy="ridge", seed=seed, max_iter=500)
    c = result.collapse
    assert result.converged and result.history[-1].log_likelihood is not None
    # the component plain EM lost is reported: as a collapse the ridge carried on through, or (when the
    # ridge caught its eigenvalue before it shrank twice tenfold) as small but not collapsed
    if c is not None:
        assert c.component == plain.component and c.iteration == plain.iteration
    else:
        assert plain.component in {small.component for small in result.small}
    # the ridge is the floor of its smallest eigenvalue, far below the data's variance
    assert abs(result.history[-1].min_eigenvalues.min() - 1e-6) < 1e-12
    bigger = fit(X, 3, init="seed-style", remedy="ridge", reg_covar=1.0, seed=seed, max_iter=500)
    assert bigger.collapse is None and bigger.history[-1].min_eigenvalues.min() >= 1.0


def _increasing(values, slack=1e-9):
    values = np.array(values)
    return np.all(np.diff(values) >= -slack * np.abs(values[1:]))


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), covariance=st.sampled_from(["full", "spherical"]))
def test_em_climbs_its_objective(seed, covariance):
    for remedy in ("none", "map", "penalty", "ratio"):
        result = fit(X, 3, init="random-points", remedy=remedy, covariance=covariance, seed=seed, max_iter=60,
                     tol=0.0)
        objective = [r.objective for r in result.history if r.objective is not None]
        assert _increasing(objective), remedy
        if remedy == "ratio":
            for record in result.history[1:]:
                eig = np.linalg.eigvalsh(record.covariances)
                assert eig.min() >= 0.01 * eig.max() * (1 - 1e-9)


def _q_plus(term, stats, means, covs, settings_):
    diff = stats.centroids - means
    spread = stats.scatter + stats.counts[:, None, None] * np.einsum("ki,kj->kij", diff, diff)
    precision = np.linalg.inv(covs)
    q = (-stats.counts / 2 * np.linalg.slogdet(covs)[1]
         - 0.5 * np.einsum("kij,kji->k", precision, spread)).sum()
    return q + term(means, covs, DATA, settings_)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), covariance=st.sampled_from(["full", "spherical"]),
       pair=st.sampled_from([(m_step_map, map_log_prior), (m_step_penalty, penalty_log_term)]))
def test_map_and_penalty_m_steps_maximise_their_objective(seed, covariance, pair):
    """The closed forms are the maximisers: any nearby parameters score lower."""
    m_step, term = pair
    rng = np.random.default_rng(seed)
    resp = rng.dirichlet(np.ones(3) * 0.3, size=len(X)).T
    counts = resp.sum(axis=1)
    centroids = resp @ X / counts[:, None]
    scatter = np.stack([((X - m) * r[:, None]).T @ (X - m) for m, r in zip(centroids, resp)])
    stats = Stats(counts, centroids, scatter)
    settings_ = Settings(3, covariance, 1e-6, 0.01)
    means, covs = m_step(stats, DATA, settings_)
    best = _q_plus(term, stats, means, covs, settings_)
    for _ in range(20):
        step = rng.normal(size=(3, 2, 2)) * 1e-3
        step = step + np.swapaxes(step, 1, 2) if covariance == "full" else (
            rng.normal(size=3)[:, None, None] * 1e-3 * np.eye(2))
        other = _q_plus(term, stats, means + rng.normal(size=means.shape) * 1e-3,
                        covs @ (np.eye(2) + step), settings_) if covariance == "spherical" else _q_plus(
            term, stats, means + rng.normal(size=means.shape) * 1e-3, covs + step * np.trace(covs[0]) / 2,
            settings_)
        assert other <= best + 1e-9 * abs(best)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 4), dim=st.integers(1, 3),
       ratio=st.floats(0.001, 1.0), zero=st.booleans())
def test_ratio_truncation_is_the_constrained_optimum(seed, k, dim, ratio, zero):
    rng = np.random.default_rng(seed)
    lam = np.exp(rng.normal(scale=3, size=(k, dim)))
    if zero:
        lam[0, 0] = 0.0  # a collapsed component
    assume(lam.max() > 0)
    counts = rng.uniform(0.5, 100, size=k)
    clipped = ratio_truncation(lam, counts, ratio)
    assert clipped.min() >= ratio * clipped.max() * (1 - 1e-12)

    def cost(d):  # the Gaussian likelihood's eigenvalue part, negated; d has shape (..., K, D)
        return (counts[:, None] * (np.log(d) + lam / d)).sum(axis=(-2, -1))

    grid = np.exp(np.linspace(np.log(lam.max() * ratio) - 12, np.log(lam.max()) + 1, 20_000))[:, None, None]
    brute = cost(np.clip(lam, grid, grid / ratio)).min()
    assert cost(clipped) <= brute + 1e-9 * abs(brute)


def test_every_remedy_is_documented():
    assert set(REMEDIES) == {"none", "ridge", "reset", "restart", "map", "penalty", "ratio"}
    assert all(r.source and r.on_collapse in ("stop", "reset", "restart", "continue") for r in REMEDIES.values())
