"""``em``'s progress on a terminal (stderr): what it is doing from the first second, and the time left.

A fit on 10^6 points spends seconds before its first iteration ends: reading the file, the
initialisation (k-means++ over every point) and the first E-step. The line says which of these is
running, with the elapsed time; once iterations finish, the time left is measured from them:
``--max-iter`` minus the iterations done, times the mean time of an iteration after the first (the
first also carries the initialisation). EM usually converges earlier, so it is an upper bound, said as
"at most". Never on standard output, never with ``--quiet`` or when stderr is not a terminal.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from gmm_math.cli.progress import duration


@dataclass
class TimeLeft:
    """The time left of at most ``max_iter`` EM iterations, from the times the iterations ended.

    ``clock`` is injectable (tests use a fake one). A restart (the iteration count going back) starts
    the measurement again.
    """

    max_iter: int
    clock: Callable[[], float] = time.monotonic
    ends: list[tuple[int, float]] = field(default_factory=list)  # (iteration, clock) when it ended

    def ended(self, iteration: int) -> None:
        if self.ends and iteration <= self.ends[-1][0]:
            self.ends.clear()
        self.ends.append((iteration, self.clock()))

    def seconds(self) -> float | None:
        """At most this many seconds left, or None before two iterations have ended."""
        if len(self.ends) < 2:
            return None
        (first, start), (last, now) = self.ends[0], self.ends[-1]
        return (now - start) / (last - first) * (self.max_iter - last)


def iteration_text(time_left: TimeLeft, log_likelihood: float | None) -> str:
    """The progress line's words after an iteration: the time left (at most) and the log-likelihood."""
    seconds = time_left.seconds()
    left = "time left: measuring" if seconds is None else f"at most {duration(seconds)} left"
    return left if log_likelihood is None else f"{left}, log-likelihood {log_likelihood:.4f}"


def reading_text(source: str | Path | None) -> str:
    """What the line says while the data are read: the file and its size when it has one."""
    if source is None or str(source) == "-":
        return "reading the data" if source is None else "reading standard input"
    try:
        size = Path(source).stat().st_size
    except OSError:
        return f"reading {source}"
    return f"reading {source} ({size / 1e6:.1f} MB)"


def starting_text(init: str, n_points: int) -> str:
    """While the components start and the first E-step runs (short: the line fits 80 columns)."""
    return f"{init} start on {n_points:,} points"


class EmProgress:
    """A rich progress line on stderr; :meth:`phase` names the current step, :meth:`advance` is fit's callback."""

    def __init__(self, max_iter: int, clock: Callable[[], float] = time.monotonic) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.time_left = TimeLeft(max_iter, clock)
        self.progress = Progress(SpinnerColumn(), TextColumn("EM"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TextColumn("{task.description}"),
                                 console=Console(stderr=True), transient=True)
        self.task = self.progress.add_task("", total=max_iter)

    @property
    def tasks(self):
        return self.progress.tasks

    def __enter__(self) -> "EmProgress":
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def phase(self, text: str) -> None:
        self.progress.update(self.task, description=text)

    def advance(self, iteration: int, record) -> None:
        self.time_left.ended(iteration)
        self.progress.update(self.task, completed=iteration,
                             description=iteration_text(self.time_left, record.log_likelihood))
