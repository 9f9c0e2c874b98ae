"""EM you can watch: ``gmm-math em --animate``, the ``--plot`` panels, and what they read from numerics."""

from __future__ import annotations

import doctest
import shutil

import numpy as np
import pytest
from matplotlib.colors import to_rgba

from gmm_math.numerics.datasets import seed_blobs
from gmm_math.numerics.em import watch
from gmm_math.numerics.em.fit import fit
from conftest import assert_one_line_error

COLLAPSE = ("em", "--init", "seed-style", "--remedy", "none", "--seed", "30", "-q")


@pytest.fixture(scope="module")
def collapsed():
    return seed_blobs(), fit(seed_blobs(), 3, init="seed-style", remedy="none", seed=30)


def _drawn(X, result, iteration):
    from gmm_math.cli.plots.base import new_figure
    from gmm_math.cli.plots.em import draw_frame, figure_size

    figure = new_figure(*figure_size(result))
    draw_frame(figure, X, result, watch.frames(result)[iteration])
    figure.canvas.draw()
    return figure


def test_gif_one_frame_per_iteration_and_byte_reproducible(cli, tmp_path):
    from PIL import Image

    first, second = tmp_path / "a" / "em.gif", tmp_path / "b" / "em.gif"
    for target in (first, second):
        result = cli(*COLLAPSE, "--animate", str(target))
        assert result.exit_code == 0, result.stderr
    assert first.read_bytes().startswith(b"GIF89a") and first.read_bytes() == second.read_bytes()
    assert [p.name for p in first.parent.iterdir()] == ["em.gif"]
    with Image.open(first) as image:
        assert image.n_frames == 3  # iterations 0, 1 and the collapse at 2


def test_gif_for_a_longer_one_dimensional_run(cli, tmp_path):
    from PIL import Image

    target = tmp_path / "one.gif"
    result = cli("em", "--data", "0,0.1,0.2,5,5.1,5.3,2.5", "-k", "2", "--seed", "1", "--max-iter", "6",
                 "--tol", "0", "--animate", str(target), "-f", "json")
    assert result.exit_code == 0, result.stderr
    import json

    iterations = json.loads(result.stdout)["iterations"]
    with Image.open(target) as image:
        assert image.n_frames == iterations + 1


def test_mp4_without_ffmpeg_is_a_clear_error(cli, tmp_path, monkeypatch):
    from gmm_math.cli.plots import em_animate

    monkeypatch.setattr(em_animate.shutil, "which", lambda name: None)
    target = tmp_path / "em.mp4"
    assert_one_line_error(cli(*COLLAPSE, "--animate", str(target)), "needs the program ffmpeg")
    assert not target.exists()


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed (.ci/run installs it)")
def test_mp4_with_ffmpeg(cli, tmp_path):
    first, second = tmp_path / "a.mp4", tmp_path / "b.mp4"
    for target in (first, second):
        assert cli(*COLLAPSE, "--animate", str(target)).exit_code == 0
    assert first.read_bytes()[4:8] == b"ftyp" and first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("name, needle", [("em.png", "unknown animation type '.png'"), ("em", "'(none)'")])
def test_unknown_animation_type(cli, tmp_path, name, needle):
    assert_one_line_error(cli(*COLLAPSE, "--animate", str(tmp_path / name)), needle)


def test_frames_and_traces_come_from_the_fit_records(collapsed):
    _, result = collapsed
    found = watch.frames(result)
    assert [f.iteration for f in found] == [r.iteration for r in result.history] == [0, 1, 2]
    assert [f.collapsed for f in found] == [(), (), (result.collapse.component,)]
    iterations, values = watch.log_likelihood_trace(result)
    assert iterations.tolist() == [0, 1] and values.tolist() == result.log_likelihood
    _, mins = watch.eigenvalue_trace(result, 2)
    assert mins.tolist() == [r.min_eigenvalues[2] for r in result.history]


def test_plot_panels_integer_ticks_and_eigenvalues_on_a_log_axis(collapsed):
    X, result = collapsed
    figure = _drawn(X, result, -1)
    mixture, trace, eigen = figure.axes[:3]
    for ax in (trace, eigen):
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks == [0, 1, 2] and all(float(t).is_integer() for t in ticks)
    assert eigen.get_yscale() == "log"
    line = eigen.get_lines()[0]  # the eigenvalues plotted are the fit's, the zero one marked on the floor
    positive = [v for v in (r.min_eigenvalues[2] for r in result.history) if v > 0]
    assert line.get_ydata().tolist() == positive
    assert any("0 in float64" in text.get_text() for text in eigen.texts)


def test_collapsing_component_red_only_once_it_collapses(collapsed):
    X, result = collapsed
    red = to_rgba("red")

    def has_red(iteration):
        lines = _drawn(X, result, iteration).axes[0].get_lines()
        return any(to_rgba(line.get_color()) == red for line in lines)

    assert not has_red(1) and has_red(2)


def test_no_collapse_two_panels(cli, tmp_path):
    target = tmp_path / "fit.png"
    assert cli("em", "--remedy", "map", "--init", "seed-style", "--seed", "30", "-q", "--plot",
               str(target)).exit_code == 0
    assert target.read_bytes().startswith(b"\x89PNG")


def test_plot_is_byte_reproducible(cli, tmp_path):
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    for target in (first, second):
        assert cli(*COLLAPSE, "--plot", str(target)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


def test_doctests():
    failures, tried = doctest.testmod(watch, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0


@pytest.mark.parametrize("fps, frame_ms", [("2", 500), ("5", 200)])
def test_fps_and_the_last_frame_held(cli, tmp_path, fps, frame_ms):
    """--fps sets each iteration's time; the collapse stays HOLD_SECONDS; "wrote FILE" on stderr (stdout: report)."""
    from PIL import Image, ImageSequence

    from gmm_math.cli.plots.em_animate import HOLD_SECONDS

    target = tmp_path / "em.gif"
    result = cli(*COLLAPSE, "--animate", str(target), "--fps", fps)
    assert result.exit_code == 0, result.stderr
    assert f"wrote {target}" in result.stderr.splitlines() and "wrote" not in result.stdout
    with Image.open(target) as image:
        durations = [frame.info["duration"] for frame in ImageSequence.Iterator(image)]
    assert durations[:-1] == [frame_ms] * (len(durations) - 1)
    assert durations[-1] == pytest.approx(HOLD_SECONDS * 1000, abs=frame_ms)


@pytest.mark.parametrize("fps", ["0", "-1", "100", "nan"])
def test_bad_fps_is_one_line(cli, tmp_path, fps):
    target = tmp_path / "em.gif"
    assert_one_line_error(cli(*COLLAPSE, "--animate", str(target), "--fps", fps), "--fps")
    assert not target.exists()
