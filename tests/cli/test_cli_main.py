"""The CLI shell: --help, -h, --version, start-up imports, the error boundary."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

HEAVY = ("sympy", "numpy", "mpmath", "matplotlib", "scipy")


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"gmm-math {version('gmm-math')}"


def test_help_short_and_long(cli):
    for flag in ("-h", "--help"):
        result = cli(flag)
        assert result.exit_code == 0
        assert "derive" in result.stdout
    assert "single" in cli("derive", "-h").stdout


def test_help_imports_no_heavy_library():
    code = (
        "import sys\n"
        "from gmm_math.cli.main import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "HEAVY="


def test_unknown_command_is_one_line(cli):
    from conftest import assert_one_line_error

    assert_one_line_error(cli("no-such-command"), "no-such-command")


def test_console_script_exit_code_and_stderr():
    proc = subprocess.run([sys.executable, "-m", "gmm_math.cli", "derive", "single", "--dps", "5"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "gmm-math: error: --dps must be between 15 and 10000, got 5"
