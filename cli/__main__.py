"""``python -m gmm_math.cli``: the same as the ``gmm-math`` command."""

from gmm_math.cli.entry import run

run()
