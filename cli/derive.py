"""``gmm-math derive``: the symbolic collapse derivations."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Derive, step by step with SymPy, what happens to the likelihood as a variance collapses.",
    no_args_is_help=True,
)
