"""The public ``gmm_math`` API: every exported name resolves, lazily; results print short and display computed numbers."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import gmm_math

HEAVY = ("sympy", "numpy", "mpmath", "matplotlib", "scipy")
ENTRY_POINTS = ("single_gaussian_collapse", "mixture_collapse", "em_step_collapse", "remedy_collapse",
                "degenerate_collapse", "evaluate", "fit", "explain", "check_steps", "check_claim", "explore")
SHORT = 200  # characters a repr may take


def _heavy_after(code: str) -> list[str]:
    script = f"import sys\n{code}\nprint('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    return [name for name in out.strip().splitlines()[-1].removeprefix("HEAVY=").split(",") if name]


def test_importing_gmm_math_imports_no_heavy_library():
    assert _heavy_after("import gmm_math; gmm_math.__version__; dir(gmm_math)") == []


def test_the_probe_sees_a_heavy_import():
    """Not vacuous: touching a derivation does load SymPy."""
    assert "sympy" in _heavy_after("import gmm_math; gmm_math.single_gaussian_collapse")


def test_every_name_in_all_resolves_to_its_defining_module():
    for name in gmm_math.__all__:
        value = getattr(gmm_math, name)
        if name != "__version__":
            module, attribute = gmm_math._EXPORTS[name]
            assert value is getattr(sys.modules[module], attribute), name
    assert set(gmm_math.__all__) == {"__version__", *gmm_math._EXPORTS}
    assert set(ENTRY_POINTS) <= set(gmm_math.__all__)


def test_dir_lists_the_api_and_unknown_names_fail():
    assert dir(gmm_math) == sorted(gmm_math.__all__)
    with pytest.raises(AttributeError, match="no_such_name"):
        gmm_math.no_such_name  # noqa: B018


def test_static_tools_see_every_export():
    """The ``if TYPE_CHECKING:`` imports (what griffe/mkdocstrings and IDEs read) name the same objects as ``_EXPORTS``."""
    tree = ast.parse(Path(gmm_math.__file__).read_text())
    block = next(node for node in tree.body if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING")
    static = {(alias.asname or alias.name): (node.module, alias.name)
              for node in block.body if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert static == gmm_math._EXPORTS


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_entry_points_have_numpydoc_with_examples(name):
    doc = inspect.getdoc(getattr(gmm_math, name))
    for section in ("Parameters\n----------", "Returns\n-------", "Examples\n--------", ">>> "):
        assert section in doc, (name, section)


def test_check_wrappers_keep_the_runner_defaults():
    from gmm_math.numerics.check import check_claim, check_steps, runner

    defaults = {name: p.default for name, p in inspect.signature(runner.check_steps).parameters.items()
                if p.default is not inspect.Parameter.empty}
    ours = inspect.signature(check_steps).parameters
    assert {name: ours[name].default for name in defaults} == defaults
    limit = inspect.signature(runner.check_limit).parameters
    assert {n: p.default for n, p in inspect.signature(check_claim).parameters.items() if n in ("timeout", "seed", "language")} \
        == {n: limit[n].default for n in ("timeout", "seed", "language")}


def test_remedy_collapse_knows_the_registry():
    from gmm_math.derivations.remedies import registry

    with pytest.raises(gmm_math.GmmMathError, match="ridge, map"):
        gmm_math.remedy_collapse("no-such-remedy")
    assert registry.names("derive")[0] == "ridge"


# ---------------------------------------------------------------------------------------------------------------
# short reprs, computed from the object


def _short(obj) -> str:
    text = repr(obj)
    assert "\n" not in text and len(text) < SHORT, text
    return text


@pytest.mark.parametrize("build, limit", [
    (lambda: gmm_math.single_gaussian_collapse(), "-oo"),
    (lambda: gmm_math.mixture_collapse(), "oo"),
    (lambda: gmm_math.single_gaussian_collapse(data=gmm_math.Dataset.from_text("2,2,2")), "oo"),
    (lambda: gmm_math.degenerate_collapse(data=gmm_math.Dataset.from_text("0,0;1,0;0,1")), "-oo"),
])
def test_derivation_repr_says_the_limit_sympy_found(build, limit):
    derivation = build()
    assert str(derivation.limit_log_likelihood) == limit
    assert _short(derivation) == (f"<Derivation {derivation.case}: {len(derivation.steps)} steps, "
                                  f"log L -> {limit} as sigma -> 0+>")


def test_a_long_limit_is_shown_by_its_value():
    import sympy as sp

    derivation = gmm_math.remedy_collapse("ridge", eps=Fraction(1, 10))
    limit = derivation.limit_log_likelihood
    assert len(str(limit)) > 40 and limit.is_finite  # the exact limit is a long closed form
    assert _short(derivation).endswith(f"log L_epsilon -> {sp.N(limit, 6)} as sigma -> 0+>")


@pytest.fixture(scope="module")
def table():
    return gmm_math.evaluate(gmm_math.Dataset.from_text("0,1,3"), sigmas=["0.5", "1e-300", "1e-5000"], dps=30)


def test_evaluation_table_repr(table):
    assert _short(table) == ("<EvaluationTable: 3 rows, log10 sigma -0.30103 .. -5000.0, N=3 D=1 K=2, 30 digits; "
                             "log L -> -oo (single), oo (mixture)>")


@pytest.fixture(scope="module")
def collapsed():
    from gmm_math.numerics.datasets import seed_blobs

    return gmm_math.fit(seed_blobs(), 3, init="seed-style", remedy="none", seed=30)


def test_fit_repr_reports_the_collapse(collapsed):
    c = collapsed.collapse
    assert _short(collapsed) == (f"<FitResult K=3 remedy=none: collapsed (component={c.component}, "
                                 f"point_index={c.point_index}, iteration={c.iteration}) after {collapsed.n_iter} "
                                 f"iterations, log L {collapsed.log_likelihood[-1]:.6g}>")
    converged = gmm_math.fit([[0.0], [0.1], [3.0], [3.2]], 2, seed=0)
    assert converged.converged and "converged after" in _short(converged)


# ---------------------------------------------------------------------------------------------------------------
# rich display: the numbers of the object, rendered in cli/


def test_derivation_html_and_latex_show_its_steps_and_limit():
    from gmm_math.derivations.printing import latex as to_latex, mathml

    derivation = gmm_math.mixture_collapse(multiplicity=2)
    html = derivation._repr_html_()
    assert html.count("<li><strong>") == len(derivation.steps)
    assert all(mathml(e) in html for step in derivation.steps for e in step.exprs)
    inner = mathml(derivation.limit_log_likelihood).removeprefix('<math display="block">').removesuffix("</math>")
    assert html.endswith(f"<mo>=</mo>{inner}</mrow></math></div>")
    latex = derivation._repr_latex_()
    assert latex.startswith("$\\begin{aligned}") and latex.endswith("\\end{aligned}$")
    assert all(to_latex(e) in latex for step in derivation.steps for e in step.exprs)


def test_evaluation_html_shows_the_rows_numbers(table):
    import mpmath

    html = table._repr_html_()
    for row in table.rows:
        for value in (row.log10_sigma, row.log_likelihood_single, row.log_likelihood_mixture):
            assert f"<td>{mpmath.nstr(value, 12)}</td>" in html
    assert f"<td>{mpmath.nstr(table.sigma_star, 12)}</td>" in html
    assert "naive_single:underflow" in html and table._repr_latex_() is None


def test_fit_html_shows_the_parameters(collapsed):
    html = collapsed._repr_html_()
    for k, weight in enumerate(collapsed.weights):
        assert f"<td>{weight:.6g}</td>" in html
        assert f"<td>{collapsed.history[-1].min_eigenvalues[k]:.6g}</td>" in html
    assert f"on point {collapsed.collapse.point_index}" in html


def test_story_repr_and_html():
    from gmm_math.derivations.core.data import Dataset
    from gmm_math.numerics.explain import build

    story = build.build_story(Dataset.from_text("0,1,3"), seed=0, dps=20)
    assert _short(story).startswith(f"<Story: {len(story.sections)} sections, {len(story.figure_keys())} figures")
    html = story._repr_html_()
    assert all(section.title.replace("'", "&#x27;") in html for section in story.sections)
    assert html.count("[figure: ") == len(story.figure_keys())


def test_dataset_repr_is_short_even_for_many_or_long_points():
    assert repr(gmm_math.Dataset.from_text("0,1,3")) == "<Dataset N=3 D=1: 0; 1; 3>"
    many = gmm_math.Dataset.from_text(";".join(f"{i},{i}" for i in range(500)))
    assert _short(many) == "<Dataset N=500 D=2: 0,0; 1,1; 2,2; 3,3; ...>"
    assert _short(gmm_math.Dataset.from_text("1e-300,2")).endswith("...>")
