"""What every ``derive`` command shares: the output format option and confirm-then-render."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer


class Format(str, Enum):
    text = "text"
    latex = "latex"
    markdown = "markdown"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def show(derivation, dps: int, fmt: Format, check=None) -> None:
    """Print ``derivation`` with its numeric check (default: :func:`gmm_math.numerics.confirm.confirm`)."""
    from rich.console import Console

    from gmm_math.cli.render import render

    if check is None:
        from gmm_math.numerics.confirm import confirm

        check = confirm(derivation, dps)
    render(derivation, check, fmt.value, Console())
