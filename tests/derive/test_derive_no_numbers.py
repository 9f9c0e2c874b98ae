"""``derive ... --format latex --no-numbers``: the handout without the numeric check's digits (issue 23)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from gmm_math.cli.main import app

COMMANDS = [["derive", "single"], ["derive", "mixture"], ["derive", "em-step", "--data", "0,1,2,3,10"],
            ["derive", "remedy", "ridge"], ["derive", "degenerate"]]


def _run(args):
    return CliRunner().invoke(app, args, env={"COLUMNS": "80"})


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_the_handout_leaves_out_the_digits_and_keeps_the_derivation(command):
    full = _run([*command, "--format", "latex", "--dps", "30"])
    handout = _run([*command, "--format", "latex", "--dps", "30", "--no-numbers"])
    assert full.exit_code == handout.exit_code == 0, handout.output
    assert len(handout.stdout) < len(full.stdout)
    digits = lambda text: {token for token in text.split() if sum(ch.isdigit() for ch in token) >= 25}  # noqa: E731
    # the check's 30-digit values are gone; what is left is the derivation's own (em-step's fixed points s*)
    assert digits(handout.stdout) < digits(full.stdout)
    assert handout.stdout.splitlines()[:3] == full.stdout.splitlines()[:3]  # the same derivation opens both


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_other_formats_keep_their_numbers(fmt):
    result = _run(["derive", "single", "--format", fmt, "--no-numbers"])
    assert result.exit_code == 2 and "--no-numbers is for --format latex" in result.stderr
    assert "Traceback" not in result.output
