"""Command-line layer of gmm-math (Typer): the only layer that prints, plots or writes files."""
