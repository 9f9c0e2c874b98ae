"""``gmm-math em --animate em.gif|em.mp4``: one frame per EM iteration.

Each frame holds the panels of ``--plot`` at that iteration (:func:`gmm_math.cli.plots.em.draw_frame`):
the data with 1- and 2-sigma ellipses, the collapsing component in red once it has collapsed, and the
log-likelihood trace grown up to that iteration (and, for a collapse, the smallest eigenvalue).
The last frame (the collapse, or where EM ended) is held for ``HOLD_SECONDS`` so it can be seen.
GIFs go through matplotlib's PillowWriter (no timestamps), MP4s through ffmpeg with bit-exact flags
and no metadata, so a fixed ``--seed`` gives the same bytes.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from gmm_math.derivations.core.errors import GmmMathError

if TYPE_CHECKING:
    import numpy as np

    from gmm_math.numerics.em.fit import FitResult

FPS = 2.0  # frames (EM iterations) per second, --fps
FPS_RANGE = (0.1, 60.0)
HOLD_SECONDS = 3.0  # how long the last frame stays before the animation ends or loops
DPI = 72
_FFMPEG_FLAGS = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1",
                 "-threads", "1"]


def _gif_writer(fps: float):
    from matplotlib.animation import PillowWriter

    return PillowWriter(fps=fps)


def _mp4_writer(fps: float):
    from matplotlib.animation import FFMpegWriter

    return FFMpegWriter(fps=fps, codec="libx264", extra_args=["-pix_fmt", "yuv420p", *_FFMPEG_FLAGS])


WRITERS = {".gif": (_gif_writer, None), ".mp4": (_mp4_writer, "ffmpeg")}


def check_animation_path(path: str) -> str:
    """The suffix (.gif or .mp4) of ``path``; fails before any fitting when the program it needs is missing."""
    suffix = Path(path).suffix.lower()
    if suffix not in WRITERS:
        raise GmmMathError(f"--animate {str(path)!r}: unknown animation type {suffix or '(none)'!r} "
                           "(expected .gif or .mp4)")
    program = WRITERS[suffix][1]
    if program is not None and shutil.which(program) is None:
        raise GmmMathError(f"--animate {str(path)!r} needs the program {program}, which is not installed "
                           f"(install {program}, or write a .gif)")
    return suffix


def check_fps(fps: float) -> float:
    """``fps`` when it is within ``FPS_RANGE``, else one clear error."""
    low, high = FPS_RANGE
    if not low <= fps <= high:
        raise GmmMathError(f"--fps must be between {low:g} and {high:g} frames per second, got {fps:g}")
    return fps


def held_frames(fps: float) -> int:
    """How many extra copies of the last frame hold it for ``HOLD_SECONDS`` (at least one frame's time)."""
    return max(1, round(HOLD_SECONDS * fps)) - 1


def save_animation(X: np.ndarray, result: FitResult, path: str, fps: float = FPS) -> Path:
    """Write one frame per recorded iteration of ``result`` atomically to ``path`` (.gif or .mp4), the last
    one held for ``HOLD_SECONDS``; returns the path written."""
    import matplotlib

    from gmm_math.cli.io import atomic_write
    from gmm_math.cli.plots.base import new_figure
    from gmm_math.cli.plots.em import draw_frame, figure_size
    from gmm_math.numerics.em.watch import frames

    make_writer = WRITERS[check_animation_path(path)][0]
    figure = new_figure(*figure_size(result))

    def write(tmp: Path) -> None:
        writer = make_writer(check_fps(fps))
        with matplotlib.rc_context({"svg.hashsalt": "gmm-math"}), writer.saving(figure, str(tmp), DPI):
            for frame in frames(result):
                figure.clear()
                draw_frame(figure, X, result, frame)
                writer.grab_frame()
            for _ in range(held_frames(fps)):
                writer.grab_frame()

    try:
        return atomic_write(path, write)
    except subprocess.CalledProcessError as err:
        raise GmmMathError(f"--animate {str(path)!r}: {Path(str(err.cmd[0])).name} failed (exit {err.returncode})") from None
