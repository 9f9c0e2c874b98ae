"""The one remedy table: every layer's names agree with it, and its two sides are related as documented."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from gmm_math.derivations.remedies import registry
from gmm_math.derivations.remedies.registry import KINDS, REMEDIES


def test_numerics_objectives_are_keyed_by_the_registry():
    from gmm_math.numerics.objectives import OBJECTIVES

    remedy_keys = {e.objective for e in REMEDIES.values() if e.objective}
    assert set(OBJECTIVES) == remedy_keys | {"single", "mixture", "em-step", "degenerate"}


def test_em_updates_are_keyed_by_the_registry():
    from gmm_math.numerics.em.remedies import REMEDIES as EM

    assert set(EM) == set(registry.names("em"))
    assert all(EM[name].source == REMEDIES[name].source for name in EM)


@pytest.mark.parametrize("name", registry.names("derive"))
def test_each_builder_makes_the_case_its_objective_reads(name):
    derivation = registry.builder(name)()
    assert derivation.case == REMEDIES[name].objective
    taken = set(inspect.signature(registry.builder(name)).parameters)
    assert {p.name for p in REMEDIES[name].derive_parameters} <= taken


def test_every_entry_is_complete():
    for name, entry in REMEDIES.items():
        assert entry.name == name and entry.kind in KINDS and entry.summary and entry.source
        assert entry.derivation or entry.em, name
        assert entry.relation.text
        for parameter in entry.derive_parameters + entry.em_parameters:
            assert parameter.type in ("decimal", "float") and parameter.measures and parameter.range
        if entry.overlay:
            assert entry.kind == registry.BOUNDS and entry.derivation


@pytest.mark.parametrize("name", ["ridge", "ratio"])
def test_related_defaults_agree(name):
    """Where the two sides are the same quantity in other units, the defaults are converted by the relation."""
    relation = REMEDIES[name].relation
    derive = registry.derive_parameter(relation.derive)
    em = registry.em_parameter(relation.em)
    assert relation.em_value(float(derive.default)) == pytest.approx(float(em.default), rel=1e-12)


def test_em_defaults_are_the_cli_defaults():
    from gmm_math.cli.em.commands import em

    defaults = {name: p.default for name, p in inspect.signature(em).parameters.items()}
    for name in ("reg_covar", "min_ratio"):
        assert defaults[name] == float(registry.em_parameter(name).default)


def _option_help(path: list[str], flag: str) -> str:
    import typer

    from gmm_math.cli.main import app

    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return next(p.help for p in command.params if flag in p.opts)


def test_clis_read_their_remedy_names_and_help_from_the_registry():
    from gmm_math.cli.derive.remedy import Remedy
    from gmm_math.cli.plots.remedy import PlotRemedy

    assert [r.value for r in Remedy] == list(registry.names("derive"))
    assert [r.value for r in PlotRemedy] == list(registry.names("overlay"))
    assert _option_help(["derive", "remedy"], "--eps") == registry.derive_parameter("eps").help_text()
    assert "A variance, > 0; default 1e-6." in _option_help(["derive", "remedy"], "--eps")
    assert "standard-deviation ratio" in _option_help(["derive", "remedy"], "--c")


def test_the_registry_is_light():
    """Reading the table imports neither SymPy nor the numerics."""
    code = ("import sys; import gmm_math.derivations.remedies.registry as r; r.summary('em'); "
            "print(sorted(m for m in ('sympy', 'mpmath', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
