"""Progress on a terminal for the long commands: a bar on stderr with the time left, nothing elsewhere.

Imported inside command bodies; rich is imported only once a bar is really shown.
"""

from __future__ import annotations

import sys
import time

PROGRESS_DELAY = 1.0  # seconds of work before a bar appears (short runs stay quiet)


def on_terminal(quiet: bool = False) -> bool:
    """True when progress should be shown: not ``--quiet`` and stderr is a terminal."""
    try:
        return not quiet and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def duration(seconds: float) -> str:
    """``seconds`` rounded for people: '3 s', '4.2 min', '1.5 h'.

    >>> duration(2.4), duration(252), duration(5400)
    ('2 s', '4.2 min', '1.5 h')
    """
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


class LazyProgress:
    """A rich progress bar on stderr (with the estimated time left) that only appears once the work
    has taken ``PROGRESS_DELAY`` seconds; call it as ``progress(done, total)``."""

    def __init__(self, enabled: bool, label: str = "evaluating") -> None:
        self.enabled = enabled
        self.label = label
        self.start = time.perf_counter()
        self.bar = None
        self.task = None

    def __enter__(self) -> "LazyProgress":
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.perf_counter() - self.start < PROGRESS_DELAY:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(),
                                TextColumn("time left"), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done)
