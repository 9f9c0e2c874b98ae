"""Helpers shared by the remedy derivation tests (not a test module)."""

from __future__ import annotations


import numpy as np
import sympy as sp
from hypothesis import strategies as st
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.remedies import registry

SIGMA = sp.Symbol("sigma", positive=True)


BUILDERS = {name: registry.builder(name) for name in registry.names("derive")}


EXPECTED_LIMIT = {"map": -sp.oo, "penalty": -sp.oo, "reparam": -sp.oo, "reset": sp.oo, "ratio": -sp.oo}


DATA_2D = Dataset.from_text("0,0;1,2;3,1;0,0;4,4")


def _mixture_float(x, weights, means, covs):
    """log L of a Gaussian mixture with scipy in float64, x shape (N, D)."""
    parts = [np.log(w) + np.atleast_1d(multivariate_normal(m, c).logpdf(x)) for w, m, c in zip(weights, means, covs)]
    return float(logsumexp(np.vstack(parts), axis=0).sum())


coords = st.integers(-20, 20).map(lambda v: v / 4)
