"""The examples in the library's docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "gmm_math.derivations.core.data",
    "gmm_math.derivations.core.model",
    "gmm_math.derivations.result",
    "gmm_math.derivations.notation",
    "gmm_math.derivations.single",
    "gmm_math.derivations.mixture",
    "gmm_math.numerics.loglik",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


def test_repr_latex():
    from gmm_math.derivations.single import single_gaussian_collapse

    latex = single_gaussian_collapse()._repr_latex_()
    assert latex.startswith("$\\begin{aligned}") and latex.endswith("\\end{aligned}$")
    assert r"\frac{S}{2 \sigma^{2}}" in latex
