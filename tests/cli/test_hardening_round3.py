"""Issue 23, hardening round three: each item with the issue's exact input, through the CLI.

Bad input: one stderr line, exit 2, no traceback; nothing hangs (every subprocess has a generous bound,
which only stops a hung test); a user's file keeps its mode, its links and its kind.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import assert_one_line_error

GMM_MATH = [sys.executable, "-m", "gmm_math.cli"]
GENEROUS = 90.0  # seconds: a bound for a hung process, not a timing


@pytest.mark.parametrize("after", [0.0, 0.03, 0.06, 0.09, 0.15, 0.4])
def test_ctrl_c_while_the_cli_starts_exits_130_without_a_traceback(after):
    """Ctrl-C in the first 0.15 s (while Typer, Click and Rich import) is one line and exit 130.

    The interpreter's own start-up comes first and is not ours to catch: the delays count from the moment
    the entry module is imported, which ``-X importtime`` announces on stderr.
    """
    proc = subprocess.Popen([sys.executable, "-X", "importtime", *GMM_MATH[1:], "derive", "single"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if line.rstrip().endswith("gmm_math.cli.entry"):
            break
    time.sleep(after)
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=GENEROUS)
    said = "".join(line + "\n" for line in rest.splitlines() if not line.startswith("import time:"))
    assert "Traceback" not in said and "KeyboardInterrupt" not in said, said
    assert proc.returncode == 130, (after, proc.returncode, said)
    assert said == "gmm-math: error: interrupted\n"


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


def test_mpmath_text_at_thousands_of_digits_works_inside_the_cli():
    """mpmath's pure-Python printing needs str(int) beyond 4300 digits (explain --dps 4400 crashed in nstr);
    the CLI boundary lifts the limit while a command runs and restores it afterwards."""
    import mpmath
    from mpmath import mp

    from gmm_math.cli.limits import long_integer_digits
    from gmm_math.cli.main import INT_STR_DIGITS

    with mp.workdps(4400):
        tiny = mp.mpf("1e-1000000") ** 2 * 3
        with pytest.raises(ValueError):
            mpmath.nstr(tiny, 3)
        with long_integer_digits(INT_STR_DIGITS):
            assert mpmath.nstr(tiny, 3) == "3.0e-2000000"
    assert sys.get_int_max_str_digits() == 4300


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


# ---------------------------------------------------------------------------------------------------------
# users' files: mode, links, kinds; every writer goes through cli/io.py


from test_hostile_inputs import SUFFIX, WRITERS  # noqa: E402  (dataset, plot-limit, em --plot)


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_write_protected_file_is_refused_and_kept(cli, tmp_path, command):
    target = tmp_path / f"kept{SUFFIX[command]}"
    target.write_text("old\n")
    target.chmod(0o444)
    assert_one_line_error(cli(*WRITERS[command](str(target))), "write-protected", "0444")
    assert target.read_text() == "old\n" and stat.S_IMODE(target.stat().st_mode) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_symlink_loop_is_refused_not_replaced(cli, tmp_path, command):
    a, b = tmp_path / f"a{SUFFIX[command]}", tmp_path / f"b{SUFFIX[command]}"
    a.symlink_to(b.name)
    b.symlink_to(a.name)
    assert_one_line_error(cli(*WRITERS[command](str(a))), "symbolic link loop")
    assert a.is_symlink() and b.is_symlink() and os.readlink(a) == b.name


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_followed_symlink_keeps_its_targets_mode(cli, tmp_path, command):
    target = tmp_path / f"private{SUFFIX[command]}"
    target.write_text("old\n")
    target.chmod(0o600)
    link = tmp_path / f"link{SUFFIX[command]}"
    link.symlink_to(target.name)
    result = cli(*WRITERS[command](str(link)))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and target.read_bytes() != b"old\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_hard_link_is_written_in_place_and_kept(cli, tmp_path, command):
    first = tmp_path / f"first{SUFFIX[command]}"
    first.write_text("old\n")
    second = tmp_path / f"second{SUFFIX[command]}"
    os.link(first, second)
    inode = first.stat().st_ino
    result = cli(*WRITERS[command](str(second)))
    assert result.exit_code == 0, result.stderr
    assert first.stat().st_ino == second.stat().st_ino == inode and first.stat().st_nlink == 2
    assert first.read_bytes() == second.read_bytes() != b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, second.name])


@pytest.fixture
def short_fifo_wait(monkeypatch):
    from gmm_math.cli import io

    monkeypatch.setattr(io, "FIFO_WAIT", 0.3)


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_out_to_a_fifo_without_a_reader_is_refused_not_hung(cli, tmp_path, short_fifo_wait, command):
    fifo = tmp_path / f"pipe{SUFFIX[command]}"
    os.mkfifo(fifo)
    assert_one_line_error(cli(*WRITERS[command](str(fifo))), "FIFO", "nothing read from it")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and [p.name for p in tmp_path.iterdir()] == [fifo.name]


def test_explain_html_to_a_fifo_without_a_reader_is_refused(cli, tmp_path, short_fifo_wait):
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    result = cli("explain", "--out", str(fifo), "--quiet", "--dps", "15")
    assert_one_line_error(result, "FIFO", "nothing read from it")


def test_out_to_a_fifo_whose_reader_stops_reading_is_refused(cli, tmp_path, short_fifo_wait):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # opened, never read: the 64 KiB pipe fills up
    try:
        result = cli("plot-limit", "--points", "20", "--dpi", "300", "--out", str(fifo))
    finally:
        os.close(reader)
    assert_one_line_error(result, "FIFO", "its reader took nothing")


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_out_dev_null_works(cli, command):
    result = cli(*WRITERS[command]("/dev/null"))
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize("value", ["x.png/", "figures/x.svg/"])
def test_out_with_a_trailing_slash_after_a_file_name_is_refused(cli, tmp_path, value):
    os.chdir(tmp_path)
    assert_one_line_error(cli("plot-limit", "--points", "3", "--out", value), "ends in '/'", "drop the '/'")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------------------
# explain's file + figures/ as one set (cli/io.write_with_folder, used by the md and json writers)


def _old_set(folder: Path) -> None:
    (folder / "figures").mkdir(parents=True)
    (folder / "explain.md").write_text("old page\n")
    for key in ("limit", "em"):
        (folder / "figures" / f"{key}.png").write_bytes(b"old " + key.encode())


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _build(figures: int, fail_at: int | None = None, error: BaseException | None = None):
    from gmm_math.cli.io import write_text

    def build(staged: Path) -> list[Path]:
        written = []
        for i in range(figures):
            if i == fail_at:
                raise error
            written.append(write_text(staged.parent / "figures" / f"new{i}.png", f"new {i}"))
        return [write_text(staged, "new page\n"), *written]

    return build


@pytest.mark.parametrize("error", [KeyboardInterrupt(), OSError(28, "No space left on device")])
def test_an_interrupted_rerun_leaves_the_old_set_whole(tmp_path, error):
    from gmm_math.cli.io import write_with_folder
    from gmm_math.derivations.core.errors import GmmMathError

    _old_set(tmp_path)
    before = _snapshot(tmp_path)
    with pytest.raises(type(error) if isinstance(error, KeyboardInterrupt) else GmmMathError):
        write_with_folder(tmp_path / "explain.md", "figures", _build(3, fail_at=2, error=error))
    assert _snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["explain.md", "figures"]  # no staging folder left


def test_a_full_disk_leaves_no_empty_figures_folder(tmp_path):
    from gmm_math.cli.io import write_with_folder
    from gmm_math.derivations.core.errors import GmmMathError

    with pytest.raises(GmmMathError, match="No space left"):
        write_with_folder(tmp_path / "out" / "explain.md", "figures",
                          _build(3, fail_at=0, error=OSError(28, "No space left on device")))
    assert list((tmp_path / "out").iterdir()) == []


def test_a_rerun_replaces_the_whole_set(tmp_path):
    from gmm_math.cli.io import write_with_folder

    _old_set(tmp_path)
    written = write_with_folder(tmp_path / "explain.md", "figures", _build(2))
    assert written[0] == tmp_path / "explain.md"
    assert _snapshot(tmp_path) == {"explain.md": b"new page\n", "figures/new0.png": b"new 0",
                                   "figures/new1.png": b"new 1"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["explain.md", "figures"]


# ---------------------------------------------------------------------------------------------------------
# budgets


def test_plot_em_map_at_10000_digits_is_refused_up_front(cli, tmp_path):
    from gmm_math.numerics.em_map import cobweb_rows

    start = time.monotonic()
    result = cli("plot-em-map", "--dps", "10000", "--out", str(tmp_path / "m.png"))
    assert_one_line_error(result, f"{cobweb_rows(2)} rows", "x 10000 digits", "--no-limit")
    assert time.monotonic() - start < 20 and list(tmp_path.iterdir()) == []


def test_cobweb_rows_counts_the_evaluations_at_dps(monkeypatch):
    """cobweb_rows is the number of f evaluations at dps outside the fixed-point search (which runs at 15 digits)."""
    from gmm_math.derivations.core.data import Dataset
    from gmm_math.derivations.core.model import CollapseModel
    from gmm_math.numerics import em_map

    em = em_map.EmMap.from_model(CollapseModel.mixture(Dataset.from_text("0,1,2,3,10"), 0), 30)
    fixed = em_map.fixed_points(em)
    monkeypatch.setattr(em_map, "fixed_points", lambda _: fixed)
    calls = []
    original = em_map.EmMap.log_f
    monkeypatch.setattr(em_map.EmMap, "log_f", lambda self, v: calls.append(1) or original(self, v))
    em_map.cobweb(em)
    assert 0 < len(calls) <= em_map.cobweb_rows(2)


@pytest.mark.parametrize("args", [["em"], ["derive", "single"], ["evaluate"]])
def test_a_5_mb_one_line_csv_is_refused_before_parsing(cli, tmp_path, args):
    path = tmp_path / "oneline.csv"
    path.write_text(",".join(["1.2345"] * 800_000) + "\n")
    start = time.process_time()
    assert_one_line_error(cli(*args, "--data-file", str(path)), "line 1 of oneline.csv has 800000 values",
                          "at most 50 coordinates")
    assert time.process_time() - start < 3.0  # was 11 s of parsing; reading 5 MB is the rest


def test_a_long_inline_list_is_refused_before_parsing(cli):
    assert_one_line_error(cli("derive", "single", "--data", ",".join(["1"] * 200_001)), "200001 values")


@pytest.mark.parametrize("scale", ["e-330", "e-310"])
def test_data_scaled_below_float64_is_said_to_underflow(cli, tmp_path, scale):
    path = tmp_path / "tiny.csv"
    path.write_text("".join(f"{v}{scale}\n" for v in (1, 2, 3, 5, 8)))
    assert_one_line_error(cli("em", "--data-file", str(path)), f"'1{scale}' underflows float64", "rescale")


def test_zeros_are_not_an_underflow(cli, tmp_path):
    path = tmp_path / "zeros.csv"
    path.write_text("0\n0.0\n-0e5\n1\n2\n")
    assert cli("em", "-q", "--data-file", str(path)).exit_code == 0
