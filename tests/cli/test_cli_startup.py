"""Start-up of ``gmm-math``: only the invoked command is imported (same help), and cli/defaults.py takes a value
without validation only when it is exactly what Typer's own coercion returns."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer
from typer._coercion import build_runtime_param
from typer.core import _TyperParameter

from gmm_math.cli.defaults import _UNCHANGED, unchanged
from gmm_math.cli.main import app


def _parameters():
    """(command path, click parameter) for every parameter of every command."""
    root = typer.main.get_command(app)

    def walk(command, path):
        for param in command.params:
            yield path, param
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")

    return [(path, p) for path, p in walk(root, "gmm-math") if isinstance(p, _TyperParameter)]


PARAMETERS = _parameters()


def test_every_command_has_parameters_to_compare():
    assert len({path for path, _ in PARAMETERS}) >= 15
    taken = [p for _, p in PARAMETERS if p.default is not None
             and unchanged(p.type_descriptor, p.default, bool(p.multiple or p.nargs == -1)) is not _UNCHANGED]
    assert len(taken) >= 40  # the comparison below covers real defaults, not only None


@pytest.mark.parametrize(("path", "param"), PARAMETERS, ids=[f"{p}:{q.name}" for p, q in PARAMETERS])
def test_defaults_match_typers_coercion(path, param):
    ctx = typer.main.get_command(app).make_context("gmm-math", ["--help"], resilient_parsing=True)
    multi = bool(param.multiple or param.nargs == -1)
    choices = [member.value for member in getattr(param.type_descriptor.annotation, "__members__", {}).values()]
    for value in (param.default, None, "text", 3, -1, "12", "-7", "007", " 5", "1_000", "99999999999999999999",
                  *choices, *(c.upper() for c in choices if isinstance(c, str))):
        fast = unchanged(param.type_descriptor, value, multi, ctx)
        if fast is _UNCHANGED:
            continue
        assert fast == build_runtime_param(param.type_descriptor).coerce(value, param=param, ctx=ctx)
        assert type(fast) is type(build_runtime_param(param.type_descriptor).coerce(value, param=param, ctx=ctx))


def test_an_int_out_of_bounds_and_other_text_go_to_typer():
    class Info:
        parser = None
        min, max = 1, 5

    class Descriptor:
        parameter_info, annotation, file_annotation = Info, int, None

    assert unchanged(Descriptor, 3, False) == 3
    assert unchanged(Descriptor, 9, False) is _UNCHANGED
    assert unchanged(Descriptor, "3", False) == 3 and unchanged(Descriptor, "9", False) is _UNCHANGED
    assert unchanged(Descriptor, "03", False) is _UNCHANGED and unchanged(Descriptor, "3.0", False) is _UNCHANGED
    assert unchanged(Descriptor, None, True) == ()


@pytest.mark.parametrize("args", [["derive", "single"], ["derive", "single", "--format", "json", "--dps", "30"]])
def test_derive_single_does_not_import_pydantic_or_other_commands(args):
    code = (f"import sys; from gmm_math.cli.entry import run; sys.argv = ['gmm-math', *{args!r}];\n"
            "import atexit; atexit.register(lambda: print(sorted(m for m in sys.modules if m.startswith(("
            "'pydantic', 'gmm_math.cli.check', 'gmm_math.cli.em', 'gmm_math.cli.explain', 'gmm_math.cli.plots'))),"
            " file=sys.stderr))\nrun()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_bad_values_keep_typers_messages():
    done = subprocess.run([sys.executable, "-c", "from gmm_math.cli.entry import run; run()", "derive", "single",
                           "--dps", "x"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == ("gmm-math: error: Invalid value for '--dps': Input should be a valid integer, unable to "
                           "parse string as an integer (see --help)\n")


def _cli(entry: str, *args: str) -> subprocess.CompletedProcess:
    code = f"from gmm_math.cli.main import {entry}; {entry}()"
    env = {**__import__("os").environ, "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("args", [["--help"], ["derive", "--help"], ["derive", "single", "--help"],
                                  ["check", "--help"], ["check", "em-step", "--help"], ["em", "--help"],
                                  ["deriv"], ["derive", "single", "--nope"]])
def test_registering_only_the_invoked_command_changes_no_output(args):
    lazy, full = _cli("run", *args), _cli("app", *args)
    assert (lazy.returncode, lazy.stdout, lazy.stderr) == (full.returncode, full.stdout, full.stderr)
    assert lazy.stdout or lazy.stderr
