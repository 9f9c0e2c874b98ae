"""Every JSON output carries the one schema_version."""

from __future__ import annotations

import pytest

from gmm_math.cli.schema import SCHEMA_VERSION


@pytest.mark.parametrize("args", [
    ("derive", "single", "--format", "json"),
    ("derive", "mixture", "--format", "json"),
    ("derive", "remedy", "reset", "--format", "json"),
    ("derive", "degenerate", "--format", "json"),
    ("evaluate", "--sigma", "1e-3", "--format", "json"),
    ("em", "--data", "0,0.1,0.2,5,5.1,5.3", "-k", "2", "--format", "json"),
    ("check", "equal", "x + x", "2*x", "--format", "json"),
])
def test_schema_version_comes_first(cli, args):
    import json

    result = cli(*args)
    assert result.exit_code in (0, 1), result.stderr
    document = json.loads(result.stdout)
    assert list(document)[0] == "schema_version" and document["schema_version"] == SCHEMA_VERSION
    assert isinstance(SCHEMA_VERSION, int) and SCHEMA_VERSION >= 1
