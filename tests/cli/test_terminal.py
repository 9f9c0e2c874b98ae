"""A terminal that cannot show unicode (PYTHONIOENCODING=ascii or cp1252) gets plain text, never a traceback.

The fallback is automatic, at the CLI's output boundary (cli/terminal.py): σ as sigma, → as ->, ∞ as infinity.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

COMMANDS = [
    ("-h",),
    ("check", "limit", "-h"),
    ("derive", "single", "--data", "0,1,3"),
    ("check", "limit", "N(x_n, mu_j, sigma_j)", "--var", "sigma_j", "--to", "0+", "--claim", "oo"),
]


def _run(encoding: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-c", "from gmm_math.cli.main import run; run()", *args],
                          capture_output=True, env=env, timeout=300, check=False)


def _assert_plain(run: subprocess.CompletedProcess, encoding: str) -> str:
    assert b"Traceback" not in run.stderr and b"UnicodeEncodeError" not in run.stderr, run.stderr[-2000:]
    text = run.stdout.decode(encoding)
    if encoding == "ascii":
        assert run.stdout.isascii()
    return text


@pytest.mark.parametrize("encoding", ["ascii", "cp1252"])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_narrow_encoding_gets_plain_text(encoding, args):
    run = _run(encoding, *args)
    assert run.returncode in (0, 1), run.stderr[-2000:]  # check limit: 1 is "refuted"
    text = _assert_plain(run, encoding)
    assert text.strip()


@pytest.mark.slow
def test_explain_text_in_ascii():
    run = _run("ascii", "explain", "--format", "text", "--quiet", "--dps", "15")
    assert run.returncode == 0, run.stderr[-2000:]
    text = _assert_plain(run, "ascii")
    assert "sigma -> 0+" in text and "L -> infinity" in text and "?" not in text.replace("?\"", "")


def test_transliteration():
    from gmm_math.cli.terminal import transliterate

    assert "".join(map(transliterate, "μⱼ ≤ ∞ — “𝒩(xₙ | μ, σ²)” ┌─┐│")) == 'mu_j <= infinity -- "N(x_n | mu, sigma^2)" +-+|'
