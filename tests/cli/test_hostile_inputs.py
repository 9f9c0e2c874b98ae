"""Hostile or careless use never hangs, clobbers, orphans or crashes.

Each item goes through the CLI: exit code, one stderr line, no traceback, no leftover file, no replaced
device node, no orphan process (checked by PID). Time bounds are generous (the machine may be loaded):
they only stop a hung test, they do not measure speed.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import assert_one_line_error
from gmm_math.cli.dataset import format_csv
from gmm_math.cli.io import atomic_write
from gmm_math.numerics.datasets import seed_blobs

GMM_MATH = [sys.executable, "-m", "gmm_math.cli"]
GENEROUS = 90.0  # seconds: a bound for a hung process, not a timing
SLOW_CHECK = ["check", "equal", "(x+y+z+1)**40*(x-y)**30", "(x-y)**29*(1+x+y+z)**40*(x - y + 1/10**9)",
              "--timeout", "600"]  # SymPy works on this for the whole time limit, in the worker


# ---------------------------------------------------------------------------------------------------------
# helpers: processes by session, waiting with a bound


def _session_members(session: int) -> set[int]:
    """PIDs of the live (not zombie) processes in session ``session`` (from /proc)."""
    members = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == session:
            members.add(int(entry.name))
    return members


def _wait_for(condition, bound: float = GENEROUS, step: float = 0.05):
    end = time.monotonic() + bound
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def _start(args: list[str], **kwargs) -> subprocess.Popen:
    """A gmm-math (or python) process leading its own session, so that its descendants can be found."""
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, **kwargs)


def _workers_started(proc: subprocess.Popen) -> set[int]:
    return _wait_for(lambda: _session_members(proc.pid) - {proc.pid})


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find processes")

SPIN = textwrap.dedent("""
    import sys
    from gmm_math.numerics.check.time_limit import run_limited

    def spin(emit):
        while True:
            pass

    if __name__ == "__main__":
        run_limited([(spin, ())], 600, method=sys.argv[1])
""")


# ---------------------------------------------------------------------------------------------------------
# item 2: the time-limited worker dies with its parent


@needs_proc
@pytest.mark.parametrize("method", ["fork", "spawn"])
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_worker_dies_with_its_parent(tmp_path, method, how):
    script = tmp_path / "spin.py"
    script.write_text(SPIN)
    proc = _start([sys.executable, str(script), method])
    try:
        workers = _workers_started(proc)
        assert workers, "the worker never started"
        time.sleep(0.5)  # let the worker reach its job
        os.kill(proc.pid, how)
        proc.wait(GENEROUS)
        assert _wait_for(lambda: not _session_members(proc.pid)), f"orphans: {_session_members(proc.pid)}"
    finally:
        _kill_session(proc)


@needs_proc
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_check_worker_dies_when_the_cli_is_killed(how):
    proc = _start([*GMM_MATH, *SLOW_CHECK])
    try:
        assert _workers_started(proc), "the checker's worker never started"
        os.kill(proc.pid, how)
        proc.wait(GENEROUS)
        assert _wait_for(lambda: not _session_members(proc.pid)), f"orphans: {_session_members(proc.pid)}"
    finally:
        _kill_session(proc)


@needs_proc
def test_check_worker_dies_after_subprocess_run_timeout():
    """What ``subprocess.run(..., timeout=4)`` does: kill the child (SIGKILL) when the time is up."""
    proc = _start([*GMM_MATH, *SLOW_CHECK])
    try:
        assert _workers_started(proc)
        with pytest.raises(subprocess.TimeoutExpired):
            proc.communicate(timeout=4)
        proc.kill()
        proc.communicate()
        assert _wait_for(lambda: not _session_members(proc.pid)), f"orphans: {_session_members(proc.pid)}"
    finally:
        _kill_session(proc)


def _kill_session(proc: subprocess.Popen) -> None:
    """Clean up whatever a failed test left behind (only processes of this test's own session)."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    for pid in _session_members(proc.pid) if Path("/proc").exists() else ():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# ---------------------------------------------------------------------------------------------------------
# item 4: budgets, --no-limit, Ctrl-C, progress on a terminal


@pytest.mark.parametrize("args, rows, dps", [
    (["evaluate", "--dps", "10000", "--sweep", "0:-1000000:2000"], 2000, 10000),
    (["evaluate", "--dps", "10000", "--sweep", "0:-400:200"], 200, 10000),  # 66 s of CPU: over the minute
    (["plot-limit", "--points", "2000", "--dps", "10000"], 2000, 10000),
    (["plot-limit", "--points", "1500", "--dps", "3000", "--remedy", "penalty"], 3000, 3000),
])
def test_over_budget_is_refused_up_front(cli, tmp_path, args, rows, dps):
    from gmm_math.cli.progress import duration
    from gmm_math.numerics.budget import estimate_work

    if args[0] == "plot-limit":
        args = [*args, "--out", str(tmp_path / "x.png")]
    started = time.monotonic()
    result = cli(*args)
    work = estimate_work(rows, dps)
    assert_one_line_error(result, f"{rows} rows", f"{dps} digits", f"would take about {duration(work.seconds)} of CPU",
                          f"({work.per_row:.2g} s a row)", "over the budget of 60 s", "--no-limit")
    assert time.monotonic() - started < GENEROUS and list(tmp_path.iterdir()) == []


def test_the_budget_weights_digits_by_their_measured_cost():
    """2000 rows at 1000 digits (about 16 s) fits; 200 rows at 10,000 digits (about 66 s) does not, though
    both are 2,000,000 digit-rows: a row costs about dps^1.7."""
    from gmm_math.numerics.budget import estimate_work, row_seconds

    assert not estimate_work(2000, 1000).over and estimate_work(200, 10_000).over
    assert row_seconds(10_000) / row_seconds(1_000) == pytest.approx(10 ** 1.7, rel=0.2)
    assert row_seconds(10_000) == pytest.approx(0.33, rel=0.01)  # the measurement in numerics/budget.py


def test_no_limit_lifts_the_budget(cli, monkeypatch):
    from gmm_math.numerics import budget

    monkeypatch.setattr(budget, "TIME_BUDGET", 0.001)
    result = cli("evaluate", "--sweep", "0:-10:3", "--dps", "50", "-f", "json")
    assert_one_line_error(result, "3 rows", "over the budget of 0 s")
    result = cli("evaluate", "--sweep", "0:-10:3", "--dps", "50", "-f", "json", "--no-limit")
    assert result.exit_code == 0 and len(json.loads(result.stdout)["rows"]) == 3


def test_ctrl_c_stops_cleanly_without_a_partial_file(tmp_path):
    out = tmp_path / "limit.png"
    proc = _start([*GMM_MATH, "plot-limit", "--points", "2000", "--dps", "1000", "--out", str(out)])
    try:
        time.sleep(4)  # importing and starting the evaluation
        assert proc.poll() is None, "plot-limit ended before it could be interrupted"
        os.kill(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=GENEROUS)
        assert proc.returncode == 130, stderr
        assert b"Traceback" not in stderr and list(tmp_path.iterdir()) == []
    finally:
        _kill_session(proc)


@pytest.mark.slow
def test_progress_with_time_left_on_a_terminal():
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([*GMM_MATH, "evaluate", "--dps", "1000", "--sweep", "0:-1000:300", "-f", "json"],
                            stdout=subprocess.DEVNULL, stderr=slave, start_new_session=True)
    os.close(slave)
    seen = b""
    try:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal closed: the process ended
                break
            if not chunk:
                break
            seen += chunk
        proc.wait(GENEROUS)
    finally:
        os.close(master)
        _kill_session(proc)
    assert proc.returncode == 0 and b"time left" in seen and b"Traceback" not in seen


# ---------------------------------------------------------------------------------------------------------
# items 5 and 12: em --max-iter is bounded


@pytest.mark.parametrize("value", ["100000000000", "10001", "0"])
def test_max_iter_outside_the_range_is_refused(cli, value):
    assert_one_line_error(cli("em", "--max-iter", value), "--max-iter", "between 1 and 10000", value)


# ---------------------------------------------------------------------------------------------------------
# item 6: EM on badly scaled data


X = seed_blobs()
EQUIVARIANT = [("none", []), ("reset", []), ("restart", []), ("map", []), ("penalty", []), ("ratio", []),
               ("ridge", ["--ridge", "relative"])]


def _em_json(cli, path: Path, remedy: str, extra: list[str], covariance: str, init: str = "kmeans++"):
    return cli("em", "--data-file", str(path), "--remedy", remedy, *extra, "--covariance", covariance,
               "--init", init, "--seed", "3", "--max-iter", "200", "-q", "-f", "json")


def _scaled_file(tmp_path: Path, k: int) -> Path:
    path = tmp_path / f"scaled{k}.csv"
    if not path.exists():
        path.write_text(format_csv(X * 10.0 ** k))
    return path


def _assert_scaled(fit: dict, base: dict, k: int) -> None:
    s = 10.0 ** k
    means, covs = np.array(fit["means"]), np.array(fit["covariances"])
    assert np.isfinite(means).all() and np.isfinite(covs).all() and np.isfinite(fit["log_likelihood"]).all()
    assert fit["iterations"] == base["iterations"] and fit["status"] == base["status"]
    np.testing.assert_allclose(fit["weights"], base["weights"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(means, np.array(base["means"]) * s, rtol=1e-9, atol=1e-9 * s)
    np.testing.assert_allclose(covs, np.array(base["covariances"]) * s * s, rtol=1e-9, atol=1e-9 * s * s)
    shift = len(X) * X.shape[1] * k * np.log(10.0)  # the log-Jacobian of x -> 10^k x
    np.testing.assert_allclose(fit["log_likelihood"][-1], base["log_likelihood"][-1] - shift, rtol=1e-9)


def _check_scales(cli, tmp_path, remedy, extra, covariance, scales):
    base_result = _em_json(cli, _scaled_file(tmp_path, 0), remedy, extra, covariance)
    assert base_result.exit_code == 0, base_result.stderr
    base = json.loads(base_result.stdout)
    for k in scales:
        result = _em_json(cli, _scaled_file(tmp_path, k), remedy, extra, covariance)
        assert result.exit_code == 0, (k, result.stderr)
        _assert_scaled(json.loads(result.stdout), base, k)


@pytest.mark.parametrize("covariance", ["full", "spherical"])
@pytest.mark.parametrize("remedy, extra", EQUIVARIANT)
def test_em_is_scale_invariant_at_the_ends_of_the_range(cli, tmp_path, remedy, extra, covariance):
    _check_scales(cli, tmp_path, remedy, extra, covariance, [-150, 150])


@pytest.mark.slow
@pytest.mark.parametrize("covariance", ["full", "spherical"])
@pytest.mark.parametrize("remedy, extra", EQUIVARIANT)
def test_em_is_scale_invariant_from_1e_minus150_to_1e150(cli, tmp_path, remedy, extra, covariance):
    _check_scales(cli, tmp_path, remedy, extra, covariance, [-100, -50, 50, 100])


@pytest.mark.parametrize("k", [-300, -200, 200, 300])
@pytest.mark.parametrize("remedy, extra", EQUIVARIANT + [("ridge", [])])
def test_em_beyond_the_representable_range_exits_cleanly(cli, tmp_path, remedy, extra, k):
    result = _em_json(cli, _scaled_file(tmp_path, k), remedy, extra, "full")
    if result.exit_code == 0:
        assert np.isfinite(np.array(json.loads(result.stdout)["covariances"])).all()
    else:
        assert_one_line_error(result, "not representable")


AWKWARD = {
    "near 6e299": lambda: 6e299 + X * 1e297,
    "near 1e-299": lambda: X * 1e-299,
    "columns 1e200 and 1e-200": lambda: X * np.array([1e200, 1e-200]),
}


@pytest.mark.parametrize("init", ["kmeans++", "random-points", "seed-style"])
@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_awkward_data_exit_2_with_the_reason(cli, tmp_path, name, init):
    path = tmp_path / "awkward.csv"
    path.write_text(format_csv(AWKWARD[name]()))
    result = cli("em", "--data-file", str(path), "--init", init, "-q", "-f", "json")
    assert_one_line_error(result, "not representable in float64")


def test_seed_style_on_huge_but_representable_data_exits_2(cli, tmp_path):
    result = _em_json(cli, _scaled_file(tmp_path, 150), "none", [], "full", init="seed-style")
    assert_one_line_error(result, "seed-style", "64-bit integers")


@pytest.mark.parametrize("init", ["kmeans++", "random-points"])
def test_other_starts_on_huge_data_work(cli, tmp_path, init):
    result = _em_json(cli, _scaled_file(tmp_path, 150), "map", [], "full", init=init)
    assert result.exit_code == 0 and np.isfinite(np.array(json.loads(result.stdout)["covariances"])).all()


def test_relative_ridge_is_the_absolute_one_times_the_mean_variance(cli_json, tmp_path):
    path = _scaled_file(tmp_path, 0)
    variance = float(np.trace(np.cov(X.T, bias=True)) / 2)
    common = ["em", "--data-file", str(path), "--init", "seed-style", "--seed", "30", "-q", "-f", "json"]
    relative = cli_json(*common, "--ridge", "relative", "--reg-covar", "1e-6")
    absolute = cli_json(*common, "--reg-covar", repr(1e-6 * variance))
    assert relative["ridge"] == "relative" and absolute["ridge"] == "absolute"
    np.testing.assert_allclose(relative["covariances"], absolute["covariances"], rtol=1e-7, atol=1e-12)


# ---------------------------------------------------------------------------------------------------------
# item 7: text output with more than 4300 digits


@pytest.mark.parametrize("dps, sigma", [(5000, "1e-1000000"), pytest.param(10000, "1e-2000", marks=pytest.mark.slow)])
def test_huge_precision_in_text_format(cli, dps, sigma):
    result = cli("evaluate", "--dps", str(dps), "--sigma", sigma, "-q")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.output and "log10" in result.stdout
    assert sys.get_int_max_str_digits() == 4300  # the limit is lifted only while rendering


# ---------------------------------------------------------------------------------------------------------
# items 8-11: the output boundary

LONG_NAME = "a" * 300
WRITERS = {
    "dataset": lambda out: ["dataset", "seed-blobs", "--out", out],
    "plot-limit": lambda out: ["plot-limit", "--points", "3", "--dpi", "20", "--out", out],
    "em": lambda out: ["em", "-q", "--max-iter", "2", "--plot", out],
}
SUFFIX = {"dataset": ".csv", "plot-limit": ".png", "em": ".png"}


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_300_character_name_is_one_line(cli, tmp_path, command):
    result = cli(*WRITERS[command](str(tmp_path / (LONG_NAME + SUFFIX[command]))))
    assert_one_line_error(result, "cannot write", "File name too long")
    assert list(tmp_path.iterdir()) == []


def _read_fifo(path: Path, sink: list) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as handle:
            sink.append(handle.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_fifo_is_written_through_not_replaced(cli, tmp_path, command):
    fifo = tmp_path / ("pipe" + SUFFIX[command])
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = _read_fifo(fifo, received)
    result = cli(*WRITERS[command](str(fifo)))
    reader.join(GENEROUS)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and sorted(p.name for p in tmp_path.iterdir()) == [fifo.name]
    expected = {".csv": b"x1,x2\n", ".png": b"\x89PNG"}[SUFFIX[command]]
    assert received and received[0].startswith(expected)


def _char_device(tmp_path: Path, name: str, minor: int) -> Path:
    """A copy of /dev/null (minor 3) or /dev/full (minor 7) in tmp_path; skips unless root may mknod here."""
    if os.geteuid() != 0:
        pytest.skip("creating a character device needs root")
    node = tmp_path / name
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
        with open(node, "wb") as handle:  # a nodev mount refuses to open it
            handle.write(b"")
    except OSError as err:
        pytest.skip(f"cannot create or open a character device here: {err.strerror}")
    return node


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_null_device_is_written_through_not_replaced(cli, tmp_path, command):
    node = _char_device(tmp_path, "null" + SUFFIX[command], 3)
    result = cli(*WRITERS[command](str(node)))
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(os.lstat(node).st_mode) and [p.name for p in tmp_path.iterdir()] == [node.name]


def test_a_full_device_is_one_line_and_stays_a_device(cli, tmp_path):
    node = _char_device(tmp_path, "full.csv", 7)
    assert_one_line_error(cli("dataset", "seed-blobs", "--out", str(node)), "No space left on device")
    assert stat.S_ISCHR(os.lstat(node).st_mode) and [p.name for p in tmp_path.iterdir()] == [node.name]


def test_a_symlink_is_followed_and_its_target_replaced_in_its_own_folder(cli, tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    target = tmp_path / "real" / "blobs.csv"
    target.write_text("old\n")
    link = tmp_path / "links" / "blobs.csv"
    link.symlink_to(target)
    result = cli("dataset", "seed-blobs", "--out", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text().startswith("x1,x2\n")
    assert [p.name for p in (tmp_path / "real").iterdir()] == ["blobs.csv"]
    assert [p.name for p in (tmp_path / "links").iterdir()] == ["blobs.csv"]


def test_sigterm_while_writing_removes_the_temporary_file(tmp_path):
    target = tmp_path / "figure.png"
    target.write_bytes(b"old")

    def write(tmp: Path) -> None:
        tmp.write_bytes(b"partial")
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(GENEROUS)  # the handler interrupts this

    with pytest.raises(SystemExit) as info:
        atomic_write(target, write)
    assert info.value.code == 128 + signal.SIGTERM
    assert [p.name for p in tmp_path.iterdir()] == ["figure.png"] and target.read_bytes() == b"old"
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the handler was only there while writing


def test_an_exception_while_writing_removes_the_temporary_file(tmp_path):
    def write(tmp: Path) -> None:
        tmp.write_bytes(b"partial")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "figure.png", write)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_sigterm_during_a_big_plot_leaves_no_hidden_file(tmp_path):
    out = tmp_path / "big.png"
    proc = _start([*GMM_MATH, "plot-limit", "--dpi", "1200", "--points", "50", "--out", str(out)])
    try:
        def lasting_temporary() -> bool:  # the real one, not the instant probe made before the work
            first = {p.name for p in tmp_path.iterdir() if p.name.startswith(".big-")}
            time.sleep(0.2)
            return bool(first & {p.name for p in tmp_path.iterdir()})

        assert _wait_for(lasting_temporary, step=0.01), "the temporary file never appeared"
        os.kill(proc.pid, signal.SIGTERM)
        _, stderr = proc.communicate(timeout=GENEROUS)
        assert proc.returncode == 128 + signal.SIGTERM and b"Traceback" not in stderr
        assert list(tmp_path.iterdir()) == []
    finally:
        _kill_session(proc)


def test_an_unwritable_output_fails_before_the_work(cli, tmp_path, monkeypatch):
    from gmm_math.cli.plots import commands as plots

    def no_work(*args, **kwargs):
        raise AssertionError("computed before checking the output")

    monkeypatch.setattr(plots, "limit_figure_data", no_work)
    (tmp_path / "file").write_text("x")
    for out, needle in [(tmp_path / "file" / "x.png", "is a file"), (tmp_path / (LONG_NAME + ".png"), "too long")]:
        assert_one_line_error(cli("plot-limit", "--out", str(out)), needle)
    if os.geteuid() != 0:  # root may write into a read-only folder
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        assert_one_line_error(cli("plot-limit", "--out", str(locked / "x.png")), "not writable")


# ---------------------------------------------------------------------------------------------------------
# item 13: what a reported collapse is


def _affine_rank(points: np.ndarray) -> int:
    return 0 if len(points) == 0 else 1 + (np.linalg.matrix_rank(points[1:] - points[0]) if len(points) > 1 else 0)


def _check_collapses(inits: tuple[str, ...], components: tuple[int, ...]) -> int:
    """Every collapse reported on seed-blobs over 60 seeds: support of fewer than D + 1 affinely
    independent points, eigenvalue tiny or shrinking tenfold twice (recomputed here, in the data's units)."""
    from gmm_math.numerics.em.fit import fit
    from gmm_math.numerics.em.kernels import columns, e_step

    XT, scale, dim = columns(X), float(np.trace(np.cov(X.T, bias=True)) / X.shape[1]), X.shape[1]
    reported = 0
    for k in components:
        for init in inits:
            for seed in range(60):
                result = fit(X, k, init=init, remedy="none", seed=seed, max_iter=300)
                c = result.collapse
                if c is None:
                    continue
                reported += 1
                before = result.history[-2]
                resp = e_step(XT, before.weights, before.means, before.covariances).resp[c.component]
                # a starving component (holding < 1e-3 points) is judged on its responsibilities relative to its
                # largest, from log space (numerics/em/logspace.py): here, those that did not underflow
                held = resp >= (1e-3 if resp.sum() >= 1e-3 else 1e-3 * resp.max())
                rank = _affine_rank(X[held]) if resp.max() > 0 else c.support_rank
                assert rank < dim + 1 and rank == c.support_rank, (k, init, seed, rank)
                mins = [record.min_eigenvalues[c.component] for record in result.history[-3:]]
                shrinking = len(mins) == 3 and mins[2] * 10 <= mins[1] and mins[1] * 10 <= mins[0]
                assert not mins[-1] >= 1e-12 * scale or shrinking, (k, init, seed, mins)
    return reported


def test_every_collapse_on_seed_blobs_is_one():
    assert _check_collapses(("seed-style",), (3,)) >= 6


@pytest.mark.slow
def test_every_collapse_on_seed_blobs_is_one_for_other_starts_and_k():
    assert _check_collapses(("seed-style", "random-points"), (5,)) >= 20


def test_a_small_regular_component_is_not_a_collapse():
    """Three clusters and a tight but 2-D group: the tight group is small, never a singularity."""
    from gmm_math.numerics.em.fit import fit

    rng = np.random.default_rng(5)
    tight = np.array([[0.0, 0.0], [1e-3, 0.0], [0.0, 1e-3], [1e-3, 1e-3], [5e-4, 5e-4]]) + 40.0
    data = np.vstack([rng.normal(0, 3, (50, 2)), rng.normal(15, 3, (50, 2)), rng.normal(-15, 3, (50, 2)), tight])
    means = np.array([[0.0, 0.0], [15.0, 15.0], [-15.0, -15.0], [40.0, 40.0]])
    result = fit(data, 4, remedy="none", means_init=means, weights_init=[0.3, 0.3, 0.3, 0.1],
                 covariances_init=np.array([9 * np.eye(2)] * 3 + [1e-4 * np.eye(2)]))
    assert result.collapse is None and result.converged
    small = {item.component: item for item in result.small}
    assert 3 in small and small[3].support_rank == 3 and small[3].support_size == 5


# ---------------------------------------------------------------------------------------------------------
# item 15: "-" is standard input / standard output


CSV = "x\n0\n1\n3\n"


@pytest.mark.parametrize("args", [
    ["em", "-q", "-k", "2", "--max-iter", "5"],
    ["evaluate", "--sigma", "0.1", "-q"],
    ["derive", "single"],
])
def test_data_file_dash_reads_standard_input(cli, args):
    from_stdin = cli(*args, "--data-file", "-", input=CSV)
    inline = cli(*args, "--data", "0,1,3")
    assert from_stdin.exit_code == 0, from_stdin.stderr
    assert from_stdin.stdout.replace("standard input", "--data") == inline.stdout


def test_data_file_dash_names_standard_input_in_errors(cli):
    assert_one_line_error(cli("em", "--data-file", "-", input="0,0\n1\n"), "standard input")
    assert_one_line_error(cli("evaluate", "--data-file", "-", input="0\nx\n"), "standard input")


def test_dataset_out_dash_writes_standard_output(cli, tmp_path):
    result = cli("dataset", "seed-blobs", "--out", "-")
    assert result.exit_code == 0 and result.stdout == format_csv(X) and result.stderr == ""
    assert not Path("-").exists()


def test_the_collapse_sentence_says_what_the_support_is():
    from gmm_math.cli.em.report import collapse_sentence
    from gmm_math.numerics.em.fit import Collapse

    def sentence(size: int, rank: int) -> str:
        return collapse_sentence(Collapse(1, 3, 5, (0.0, 1.0), 0.1, 5.0, 1, 1e-20, 0, size, rank), 50)

    assert "onto point 5 = (0, 1)" in sentence(1, 1) and "fewer than D + 1 = 3" in sentence(1, 1)
    assert "onto 2 points through point 5" in sentence(2, 2) and "span only 1 dimension " in sentence(2, 2)
    assert "holding no point" in sentence(0, 0)
    assert "numerically singular" in sentence(5, 3) and "collapsed" not in sentence(5, 3)
