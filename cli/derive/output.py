"""What every ``derive`` command shares: the output options (--dps --format --no-numbers) and confirm-then-render.

Its own module because both ``derive/commands.py`` (single, mixture) and ``derive/remedy.py``
(remedy, degenerate) use it, and ``commands.py`` imports ``remedy.py`` to register its commands.
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

import typer

from gmm_math.cli.options import Dps, check_dps, format_choices, format_option, option, option_group
from gmm_math.derivations.core.errors import GmmMathError

Format = format_choices("text", "latex", "markdown", "json")
FormatOpt = format_option(Format, "Output format.")
NoNumbers = Annotated[bool, typer.Option("--no-numbers", help="latex: a handout, without the numeric check's "
                                         "table of digits.")]


PROGRESS_DELAY = 1.0  # seconds of work before a status line appears on stderr


@contextmanager
def delayed_status(message: str, delay: float = PROGRESS_DELAY):
    """A transient rich status on stderr, shown only on a terminal and only once the work has taken ``delay`` s."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    lock, state = threading.Lock(), {"status": None, "done": False}

    def start() -> None:
        with lock:
            if not state["done"]:
                state["status"] = Console(stderr=True).status(message)
                state["status"].start()

    timer = threading.Timer(delay, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["status"] is not None:
                state["status"].stop()


def check_numbers(fmt: Format, no_numbers: bool) -> None:
    """``--no-numbers`` is the LaTeX handout; the other formats keep their numbers."""
    if no_numbers and fmt.value != "latex":
        raise GmmMathError(f"--no-numbers is for --format latex (the handout); --format {fmt.value} keeps its numbers")


@dataclass(frozen=True)
class Output:
    """How a ``derive`` command prints: the numeric check at ``dps`` digits, in ``fmt``, with the check's
    digits unless ``numbers`` is False (--no-numbers)."""

    dps: int
    fmt: Format
    numbers: bool


def _output(dps: int, fmt: Format, no_numbers: bool) -> Output:
    check_dps(dps)
    check_numbers(fmt, no_numbers)
    return Output(dps, fmt, not no_numbers)


# Decorator: --dps --format --no-numbers, checked before the command runs, in place of ``output: Output``.
with_output = option_group("output", (option("dps", Dps, 50), option("fmt", FormatOpt, Format.text),
                                      option("no_numbers", NoNumbers, False)), _output)


def show(derivation, output: Output, check=None) -> None:
    """Print ``derivation`` with its numeric check (default: :func:`gmm_math.numerics.confirm.confirm`);
    ``output.numbers`` False: LaTeX without the check's table of digits."""
    from rich.console import Console

    from gmm_math.cli.render import render

    dps = output.dps
    if check is None:
        from gmm_math.numerics.confirm import confirm

        with delayed_status(f"numeric check: log L in mpmath at {dps} digits for {derivation.model.data.n} points"):
            check = confirm(derivation, dps)
    with delayed_status("rendering"):
        render(derivation, check, output.fmt.value, Console(), output.numbers)
