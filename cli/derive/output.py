"""What every ``derive`` command shares: the output format option and confirm-then-render.

Its own module because both ``derive/commands.py`` (single, mixture) and ``derive/remedy.py``
(remedy, degenerate) use it, and ``commands.py`` imports ``remedy.py`` to register its commands.
"""

from __future__ import annotations

from gmm_math.cli.options import format_choices, format_option

Format = format_choices("text", "latex", "markdown", "json")
FormatOpt = format_option(Format, "Output format.")


def show(derivation, dps: int, fmt: Format, check=None) -> None:
    """Print ``derivation`` with its numeric check (default: :func:`gmm_math.numerics.confirm.confirm`)."""
    from rich.console import Console

    from gmm_math.cli.render import render

    if check is None:
        from gmm_math.numerics.confirm import confirm

        check = confirm(derivation, dps)
    render(derivation, check, fmt.value, Console())
