"""The ``gmm-math`` entry point: the root Typer app, ``--version``, and the error boundary.

Only Typer is imported at module level: ``gmm-math --help`` must stay fast, so
SymPy, mpmath, numpy and matplotlib are imported inside the commands.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from gmm_math.cli import check
from gmm_math.cli import check_em_step
from gmm_math.cli.derive import commands as derive
from gmm_math.cli.diagnose import command as diagnose_command
from gmm_math.cli.em import commands as em_command
from gmm_math.cli.evaluate import commands as evaluate_command
from gmm_math.cli.explain import commands as explain_command
from gmm_math.cli import dataset as dataset_command
from gmm_math.cli.flags import flag_message
from gmm_math.cli.limits import long_integer_digits
from gmm_math.cli.options import DPS_MAX
from gmm_math.cli.plots import commands as plots
from gmm_math.cli.plots import em_map as em_map_plot
from gmm_math.derivations.core.errors import GmmMathError


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


app = typer.Typer(
    name="gmm-math",
    cls=_Boundary,
    help="Why Gaussian-mixture maximum likelihood has singularities (PRML 9.2.1), derived, evaluated and drawn.",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"gmm-math {version('gmm-math')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Why Gaussian-mixture maximum likelihood has singularities (PRML 9.2.1): derived, evaluated, drawn."""


app.command("explain")(explain_command.explain)  # first in --help: the whole answer
app.add_typer(derive.app, name="derive")
app.command("evaluate")(evaluate_command.evaluate)
app.add_typer(check.app, name="check")
check.app.command("em-step")(check_em_step.check_em_step_command)
app.command("em")(em_command.em)
app.command("diagnose")(diagnose_command.diagnose)
app.command("dataset")(dataset_command.dataset)
app.command("plot-limit")(plots.plot_limit)
app.command("plot-collapse")(plots.plot_collapse)
app.command("plot-em-map")(em_map_plot.plot_em_map)


def run() -> None:
    """Console-script entry point."""
    app()
