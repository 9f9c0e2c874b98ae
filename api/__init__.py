"""gmm-math: why Gaussian-mixture maximum likelihood has singularities (Bishop, PRML 9.2.1).

The public Python API: the entry points behind the ``gmm-math`` commands.

- derivations (SymPy), each returning a ``Derivation``: ``single_gaussian_collapse``,
  ``mixture_collapse``, ``em_step_collapse``, ``remedy_collapse``, ``degenerate_collapse``;
- numerics (mpmath, numpy): ``evaluate`` (an ``EvaluationTable``), ``fit`` (EM, a ``FitResult``),
  ``explain`` (the whole answer, a ``Story``);
- the checker: ``check_steps``, ``check_claim``;
- the notebook: ``explore`` (sliders; needs the ``[notebook]`` extra);
- data and errors: ``Dataset``, ``GmmMathError``.

Every name is imported lazily on first use, so ``import gmm_math`` (and ``gmm-math --help``) loads
none of SymPy, NumPy, mpmath or Matplotlib. Results print as one line and show themselves in Jupyter.

>>> import gmm_math
>>> isinstance(gmm_math.__version__, str)
True
>>> gmm_math.single_gaussian_collapse()
<Derivation single: 7 steps, log L -> -oo as sigma -> 0+>

Why this package is the folder ``api/``, mapped to ``gmm_math`` in pyproject.toml, and not a
``gmm_math/`` folder: run from the checkout (the current folder on ``sys.path``), a ``gmm_math/``
folder at the root would shadow the installed package and lack the mapped sub-packages
(``derivations/``, ``numerics/``, ``cli/`` stay top-level folders).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

# public name -> (defining module, attribute). A new entry point goes here, into the TYPE_CHECKING
# imports and into __all__ below (tests/test_public_api.py checks that the three agree).
_EXPORTS: dict[str, tuple[str, str]] = {
    # derivations (SymPy): what happens to the likelihood as a variance collapses
    "single_gaussian_collapse": ("gmm_math.derivations.single", "single_gaussian_collapse"),
    "mixture_collapse": ("gmm_math.derivations.mixture", "mixture_collapse"),
    "em_step_collapse": ("gmm_math.derivations.em_step", "em_step_collapse"),
    "remedy_collapse": ("gmm_math.derivations.remedies", "remedy_collapse"),
    "degenerate_collapse": ("gmm_math.derivations.remedies.degenerate", "degenerate_collapse"),
    # numerics (mpmath, numpy)
    "evaluate": ("gmm_math.numerics.sweep", "evaluate_table"),
    "fit": ("gmm_math.numerics.em.fit", "fit"),
    "explain": ("gmm_math.numerics.explain.build", "build_story"),
    "diagnose": ("gmm_math.numerics.diagnose.report", "diagnose"),
    # the checker
    "check_steps": ("gmm_math.numerics.check", "check_steps"),
    "check_claim": ("gmm_math.numerics.check", "check_claim"),
    # the notebook explorer (ipywidgets)
    "explore": ("gmm_math.cli.notebook", "explore"),
    # data, results and the one library exception
    "Dataset": ("gmm_math.derivations.core.data", "Dataset"),
    "Derivation": ("gmm_math.derivations.result", "Derivation"),
    "EvaluationTable": ("gmm_math.numerics.sweep", "EvaluationTable"),
    "FitResult": ("gmm_math.numerics.em.fit", "FitResult"),
    "Story": ("gmm_math.numerics.explain.story", "Story"),
    "GmmMathError": ("gmm_math.derivations.core.errors", "GmmMathError"),
}

if TYPE_CHECKING:  # what static tools (mkdocstrings/griffe, IDEs, type checkers) read; never run
    from gmm_math.cli.notebook import explore
    from gmm_math.derivations.core.data import Dataset
    from gmm_math.derivations.core.errors import GmmMathError
    from gmm_math.derivations.em_step import em_step_collapse
    from gmm_math.derivations.mixture import mixture_collapse
    from gmm_math.derivations.remedies import remedy_collapse
    from gmm_math.derivations.remedies.degenerate import degenerate_collapse
    from gmm_math.derivations.result import Derivation
    from gmm_math.derivations.single import single_gaussian_collapse
    from gmm_math.numerics.check import check_claim, check_steps
    from gmm_math.numerics.diagnose.report import diagnose
    from gmm_math.numerics.em.fit import FitResult, fit
    from gmm_math.numerics.explain.build import build_story as explain
    from gmm_math.numerics.explain.story import Story
    from gmm_math.numerics.sweep import EvaluationTable, evaluate_table as evaluate

__all__ = [
    "__version__",
    "single_gaussian_collapse", "mixture_collapse", "em_step_collapse", "remedy_collapse", "degenerate_collapse",
    "evaluate", "fit", "explain", "diagnose",
    "check_steps", "check_claim",
    "explore",
    "Dataset", "Derivation", "EvaluationTable", "FitResult", "Story", "GmmMathError",
]


def _version() -> str:
    """The installed distribution's version (looked up on first use: importlib.metadata costs ~40 ms)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gmm-math")
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
        return "0+unknown"


def __getattr__(name: str):
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'gmm_math' has no attribute {name!r}") from None
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
