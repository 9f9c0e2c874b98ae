"""The console script's first code: Ctrl-C at any moment, even while the CLI is still importing, exits 130.

``gmm-math`` starts here, not in :mod:`gmm_math.cli.main`, because importing ``main`` (Typer, Click, Rich)
takes about a tenth of a second, during which a KeyboardInterrupt would otherwise end in a traceback.
While the imports run nothing has been written, so SIGINT ends the process at once (one line, exit
130); from the first command on, Python's own handler is back and Ctrl-C unwinds through the cleanup
(temporary files removed) to the same line and exit code at the CLI boundary.
"""

from __future__ import annotations

import os
import signal
import sys

INTERRUPTED_EXIT = 130  # what a shell reports for a process ended by SIGINT
INTERRUPTED_LINE = b"gmm-math: error: interrupted\n"


def _exit_at_once(signum, frame) -> None:
    os.write(2, INTERRUPTED_LINE)
    os._exit(INTERRUPTED_EXIT)


def run() -> None:
    """Console-script entry point: :func:`gmm_math.cli.main.run`, with Ctrl-C during start-up as one line."""
    try:
        previous = signal.signal(signal.SIGINT, _exit_at_once)
    except ValueError:  # not the main thread (an embedding host): nothing to take over
        previous = None
    try:
        from gmm_math.cli.main import run as main_run

        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        main_run()
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED_LINE.decode())
        _end_interrupted()
    except SystemExit as done:
        if done.code == INTERRUPTED_EXIT:
            _end_interrupted()
        raise


def _end_interrupted() -> None:
    """Exit 130 after Ctrl-C. Not by SystemExit: CPython may remember the KeyboardInterrupt behind it and end
    the process by SIGINT (a status of -2, not 130) at shutdown. Everything is cleaned up by now (the ``finally``
    blocks ran while the interrupt unwound); only the standard streams are flushed.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    os._exit(INTERRUPTED_EXIT)
