"""Shared fixtures: a CLI runner that keeps stdout and stderr apart."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from gmm_math.cli.main import app


@pytest.fixture
def cli():
    """Invoke ``gmm-math ARGS...``; returns the click Result (stdout, stderr, exit_code)."""
    runner = CliRunner()

    def invoke(*args: str, **kwargs):
        return runner.invoke(app, list(args), **kwargs)

    return invoke


@pytest.fixture
def cli_json(cli):
    """Invoke and parse stdout as JSON, asserting success."""

    def invoke(*args: str):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    return invoke


def assert_one_line_error(result, *needles: str) -> None:
    """Bad input: exit 2, exactly one line on stderr, nothing on stdout, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("gmm-math: error: ")
    assert "Traceback" not in result.stderr and result.stdout == ""
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
