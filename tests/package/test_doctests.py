"""Every docstring example in the installed package runs and holds, found by walking the package."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import gmm_math
import gmm_math.cli
import gmm_math.derivations
import gmm_math.numerics

PACKAGES = (gmm_math.derivations, gmm_math.numerics, gmm_math.cli)


def _modules() -> list[str]:
    """The root package (its own docstring; its lazy exports are found in their defining modules) and every
    module of the three layers, which live in their own folders (not below the root's ``api/``)."""
    names = [gmm_math.__name__]
    for package in PACKAGES:
        names.append(package.__name__)
        names += [info.name for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
                  if not info.name.endswith(".__main__")]  # running it would run the CLI
    return sorted(names)


MODULES = _modules()
FINDER = doctest.DocTestFinder(exclude_empty=True)


def _examples(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    return [test for test in FINDER.find(module) if test.examples]


WITH_EXAMPLES = [name for name in MODULES if _examples(name)]


def test_the_walk_finds_the_package():
    """Not vacuous: the walk reaches every layer, and the modules known to carry examples are among them."""
    for name in ("gmm_math", "gmm_math.derivations.check.claims", "gmm_math.derivations.check.parser",
                 "gmm_math.derivations.core.data", "gmm_math.numerics.sigma_text", "gmm_math.cli.flags",
                 "gmm_math.derivations.remedies.registry", "gmm_math.numerics.em.fit",
                 "gmm_math.numerics.sweep", "gmm_math.numerics.explain.build", "gmm_math.numerics.check",
                 "gmm_math.cli.notebook", "gmm_math.derivations.remedies"):
        assert name in WITH_EXAMPLES, name
    assert len(WITH_EXAMPLES) >= 25


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_docstring_examples(name):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in _examples(name):
        runner.run(test)
    failed, tried = runner.summarize(verbose=False)
    assert tried > 0 and failed == 0


def test_repr_latex():
    from gmm_math.derivations.single import single_gaussian_collapse

    latex = single_gaussian_collapse()._repr_latex_()
    assert latex.startswith("$\\begin{aligned}") and latex.endswith("\\end{aligned}$")
    assert r"\frac{S}{2 \sigma^{2}}" in latex
