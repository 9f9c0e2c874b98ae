"""Issue 23, hardening round three: each item with the issue's exact input, through the CLI.

Bad input: one stderr line, exit 2, no traceback; nothing hangs (every subprocess has a generous bound,
which only stops a hung test); a user's file keeps its mode, its links and its kind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import assert_one_line_error

GMM_MATH = [sys.executable, "-m", "gmm_math.cli"]
GENEROUS = 90.0  # seconds: a bound for a hung process, not a timing


def _startup_seconds() -> float:
    """How long this machine takes to start Python and import the gmm_math root (before the CLI's first line)."""
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", "import re, gmm_math.cli"], check=True, timeout=GENEROUS)
    return time.monotonic() - start


@pytest.mark.parametrize("after", [0.0, 0.03, 0.06, 0.09, 0.15, 0.4])
def test_ctrl_c_while_the_cli_starts_exits_130_without_a_traceback(after):
    """Ctrl-C in the first 0.15 s (while Typer, Click and Rich import) is one line and exit 130.

    The interpreter's own start-up comes first and is not ours to catch; the delays count from its end.
    """
    delay = 1.2 * _startup_seconds() + after
    proc = subprocess.Popen(GMM_MATH + ["derive", "single"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=GENEROUS)
    assert "Traceback" not in err.decode() and "KeyboardInterrupt" not in err.decode(), err.decode()
    assert proc.returncode == 130, (delay, proc.returncode, err.decode())
    assert err.decode() == "gmm-math: error: interrupted\n"


# ---------------------------------------------------------------------------------------------------------
# tracebacks


def _write_toml(tmp_path: Path, number: str) -> Path:
    path = tmp_path / "homework.toml"
    path.write_text(f"data = [{number}, 1, 3]\nmeans = [0, 2]\nvariances = [1, 1]\n")
    return path


@pytest.mark.parametrize("number", ["1" * 4400, "0x" + "f" * 4000], ids=["decimal", "hex"])
def test_a_toml_integer_beyond_4300_digits_is_one_line(cli, tmp_path, number):
    result = cli("check", "em-step", "--file", str(_write_toml(tmp_path, number)))
    assert_one_line_error(result, "an integer has more than 300 digits")


def test_mpmath_text_at_thousands_of_digits_works_inside_the_cli(cli):
    """mpmath's pure-Python printing needs str(int) beyond 4300 digits (explain --dps 4400 crashed in nstr)."""
    import mpmath
    from mpmath import mp

    assert cli("--version").exit_code == 0  # the boundary raises Python's int-to-text limit for the process
    with mp.workdps(4400):
        tiny = mp.mpf("1e-1000000") ** 2 * 3
        assert mpmath.nstr(tiny, 3) == "3.0e-2000000"


@pytest.mark.slow
def test_explain_json_at_4400_digits(cli, tmp_path):
    result = cli("explain", "--format", "json", "--dps", "4400", "--out", str(tmp_path / "e"), "--quiet")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "e" / "explain.json").is_file()


def _limited(kib: int):
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (kib * 1024, kib * 1024))
    return limit


def test_a_4_line_csv_under_ulimit_v_300000(tmp_path):
    """read_text_file no longer allocates its 200 MB limit up front: a 4-line file costs a small buffer."""
    data = tmp_path / "four.csv"
    data.write_text("0\n1\n2\n10\n")
    done = subprocess.run(GMM_MATH + ["em", "--data-file", str(data)], capture_output=True, text=True,
                          preexec_fn=_limited(300_000), timeout=GENEROUS)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


def test_explain_under_ulimit_v_300000_is_refused_in_one_line(tmp_path):
    done = subprocess.run(GMM_MATH + ["explain", "--out", str(tmp_path / "e")], capture_output=True, text=True,
                          preexec_fn=_limited(300_000), timeout=GENEROUS)
    assert done.returncode == 2 and done.stdout == "", done.stderr
    assert done.stderr.startswith("gmm-math: error: explain needs about") and done.stderr.count("\n") == 1
    assert not (tmp_path / "e").exists()


# ---------------------------------------------------------------------------------------------------------
# hangs: a FIFO as an input file


@pytest.fixture
def silent_fifo(tmp_path, monkeypatch):
    """A FIFO nobody writes to, and a short wait for it (PIPE_WAIT is 10 s)."""
    from gmm_math.derivations.core import data

    monkeypatch.setattr(data, "PIPE_WAIT", 0.3)
    path = tmp_path / "fifo"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("args", [["check", "steps"], ["check", "em-step", "--file"], ["em", "--data-file"],
                                  ["derive", "single", "--data-file"]])
def test_a_fifo_without_a_writer_as_input_is_refused(cli, silent_fifo, args):
    start = time.monotonic()
    result = cli(*args, str(silent_fifo))
    assert_one_line_error(result, "FIFO or pipe", "nothing was written")
    assert time.monotonic() - start < GENEROUS


def test_a_fifo_with_a_writer_is_read(cli, tmp_path):
    path = tmp_path / "fifo"
    os.mkfifo(path)
    writer = subprocess.Popen(["sh", "-c", f"sleep 0.3; printf '0\\n1\\n2\\n10\\n' > {path}"])
    result = cli("em", "--data-file", str(path))
    writer.wait(timeout=GENEROUS)
    assert result.exit_code == 0, result.stderr


# ---------------------------------------------------------------------------------------------------------
# silent acceptance


@pytest.mark.parametrize("flag", ["--means", "--data"])
def test_an_empty_list_is_not_the_default(cli, flag):
    assert_one_line_error(cli("check", "em-step", flag, ""), f"{flag} is empty")
