"""The library names its parameters; the CLI boundary maps each to its flag from one table."""

from __future__ import annotations

import ast
import importlib
import pathlib
import re

import pytest
import typer

from gmm_math.cli.flags import PARAMETER_FLAGS, flag_message
from gmm_math.cli.main import app
from gmm_math.derivations.core.errors import GmmMathError

from conftest import assert_one_line_error

def _all_flags() -> set[str]:
    def walk(command):
        for param in command.params:
            yield from param.opts
        for sub in getattr(command, "commands", {}).values():
            yield from walk(sub)

    return set(walk(typer.main.get_command(app)))


def test_every_mapped_flag_exists():
    assert set(PARAMETER_FLAGS.values()) <= _all_flags()


def _strings(path: pathlib.Path):
    """Every string literal of a module except docstrings, with its line number."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


@pytest.mark.parametrize("layer", ["derivations", "numerics"])
def test_the_library_never_writes_a_flag(layer):
    root = pathlib.Path(importlib.import_module(f"gmm_math.{layer}").__file__).parent
    offenders = [f"{path.name}:{line}: {text!r}" for path in sorted(root.rglob("*.py"))
                 for line, text in _strings(path) if re.search(r"(?<![\w-])--[a-z]", text)]
    assert offenders == []


@pytest.mark.parametrize("message, parameters, expected", [
    ("eps must be positive", ("eps",), "--eps must be positive"),
    ("give data or data_file, not both", ("data", "data_file"), "give --data or --data-file, not both"),
    ("give data_file or data", ("data", "data_file"), "give --data-file or --data"),
    ("point 3 needs data (the example data)", ("point", "data"), "--point 3 needs --data (the example data)"),
    ("reg_covar must be positive", ("reg_covar",), "--reg-covar must be positive"),
    ("the fit failed", ("min_ratio",), "the fit failed (--min-ratio)"),
    ("collapse_tol must be positive", ("collapse_tol",), "collapse_tol must be positive"),
    ("epsilon and eps", ("eps",), "epsilon and --eps"),
])
def test_flag_message(message, parameters, expected):
    assert flag_message(message, parameters) == expected


def test_the_boundary_maps_library_parameters(cli):
    assert_one_line_error(cli("derive", "remedy", "ridge", "--eps", "0"), "--eps must be a positive number")
    assert_one_line_error(cli("evaluate", "--data", "0,1", "--data-file", "x.csv"), "give --data or --data-file")
    assert_one_line_error(cli("em", "--dataset", "seed-blobs", "--reg-covar", "-1"), "--reg-covar must be")


def test_errors_carry_their_parameters():
    assert GmmMathError("x", parameter=("a", "b")).parameters == ("a", "b")
    assert GmmMathError("x").parameters == ()
