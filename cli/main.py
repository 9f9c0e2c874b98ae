"""The ``gmm-math`` entry point: the root Typer app, ``--version``, and the error boundary.

Only Typer is imported at module level: ``gmm-math --help`` must stay fast, so
SymPy, mpmath, numpy and matplotlib are imported inside the commands.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from gmm_math.cli import defaults
from gmm_math.cli.flags import flag_message
from gmm_math.cli.limits import long_integer_digits
from gmm_math.cli.options import DPS_MAX
from gmm_math.derivations.core.errors import GmmMathError


defaults.install()  # option values that need no validation skip Typer's pydantic (a tenth of a second)


def fail(message: str, code: int = 2) -> None:
    """Print one line on stderr and exit (2: bad input)."""
    line = " ".join(str(message).split())
    typer.echo(f"gmm-math: error: {line}", err=True)
    sys.exit(code)


# mpmath (pure-Python backend) turns its mantissas into decimal text with str(int): at --dps up to DPS_MAX it
# needs integers of about twice that many digits, beyond Python's default 4300-digit conversion limit
INT_STR_DIGITS = 4 * DPS_MAX
INTERRUPTED_EXIT = 130  # Typer turns Ctrl-C into a silent Exit(130): returned here, said in one line


class _Boundary(TyperGroup):
    """Root group that turns every library or usage error into one stderr line and exit 2."""

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        from gmm_math.cli.terminal import ascii_fallback

        ascii_fallback(sys.stdout, sys.stderr)  # an ASCII or cp1252 terminal gets sigma, ->, infinity
        try:
            arguments = list(sys.argv[1:] if args is None else args)
            if any(str(a).endswith("/") for a in arguments):  # only such a value can be refused: import io then
                from gmm_math.cli.io import check_out_arguments

                check_out_arguments(arguments)
            with long_integer_digits(INT_STR_DIGITS):
                rv = super().main(args, prog_name or "gmm-math", complete_var, standalone_mode=False, **extra)
        except GmmMathError as err:
            fail(flag_message(str(err), err.parameters))
        except typer.Abort:
            fail("aborted", 1)
        except typer.TyperException as err:  # usage errors: bad option values, unknown commands
            message = err.format_message() if hasattr(err, "format_message") else str(err)
            if not message:  # a group called without a command has already shown its help
                sys.exit(getattr(err, "exit_code", 2))
            fail(f"{message} (see --help)")
        except KeyboardInterrupt:
            fail("interrupted", INTERRUPTED_EXIT)
        except MemoryError:
            fail("out of memory (a memory limit such as ulimit -v may be too low for this command)")
        if rv == INTERRUPTED_EXIT:  # no command returns a number: this is Typer's Exit(130) for Ctrl-C
            fail("interrupted", INTERRUPTED_EXIT)
        sys.exit(rv if isinstance(rv, int) else 0)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"gmm-math {version('gmm-math')}")
        raise typer.Exit()


def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Why Gaussian-mixture maximum likelihood has singularities (PRML 9.2.1): derived, evaluated, drawn."""


def _root_app() -> typer.Typer:
    """The root app with its callback (--version) and no commands yet."""
    root = typer.Typer(
        name="gmm-math",
        cls=_Boundary,
        help="Why Gaussian-mixture maximum likelihood has singularities (PRML 9.2.1), derived, evaluated and drawn.",
        context_settings={"help_option_names": ["-h", "--help"]},
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    root.callback()(_root)
    return root


# Every command in --help order: (name, module, attribute, a sub-app or one command). Only the invoked
# command's module is imported (``derive single`` need not import the checker, em, explain or the plots).
COMMANDS = (
    ("explain", "gmm_math.cli.explain.commands", "explain", False),  # first in --help: the whole answer
    ("derive", "gmm_math.cli.derive.commands", "app", True),
    ("evaluate", "gmm_math.cli.evaluate.commands", "evaluate", False),
    ("check", "gmm_math.cli.check", "app", True),
    ("em", "gmm_math.cli.em.commands", "em", False),
    ("diagnose", "gmm_math.cli.diagnose.command", "diagnose", False),
    ("dataset", "gmm_math.cli.dataset", "dataset", False),
    ("plot-limit", "gmm_math.cli.plots.commands", "plot_limit", False),
    ("plot-collapse", "gmm_math.cli.plots.commands", "plot_collapse", False),
    ("plot-em-map", "gmm_math.cli.plots.em_map", "plot_em_map", False),
)


def _check_app() -> typer.Typer:
    """``gmm-math check`` with ``em-step`` (its own module) registered once, last."""
    from gmm_math.cli import check, check_em_step

    if not any(info.name == "em-step" for info in check.app.registered_commands):
        check.app.command("em-step")(check_em_step.check_em_step_command)
    return check.app


def _register(root: typer.Typer, names: set[str] | None = None) -> typer.Typer:
    """Add the commands in ``names`` (all when None) to ``root``, in --help order."""
    from importlib import import_module

    for name, module, attribute, is_group in COMMANDS:
        if names is not None and name not in names:
            continue
        if name == "check":
            root.add_typer(_check_app(), name=name)
        elif is_group:
            root.add_typer(getattr(import_module(module), attribute), name=name)
        else:
            root.command(name)(getattr(import_module(module), attribute))
    return root


def _invoked(arguments: list[str]) -> set[str] | None:
    """The one command ``arguments`` invoke, or None (help, --version, a mistyped name: every command)."""
    known = {name for name, *_ in COMMANDS}
    return {arguments[0]} if arguments and arguments[0] in known else None


def __getattr__(name: str) -> Any:
    """``app``: the root app with every command, built on first use (tests, ``typer.testing``)."""
    if name == "app":
        globals()["app"] = built = _register(_root_app())
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run() -> None:
    """Console-script entry point: only the invoked command's module is imported."""
    _register(_root_app(), _invoked(sys.argv[1:]))()
