"""Wall-clock limits that really stop a computation: jobs run in a worker process that is killed.

A thread cannot be stopped from outside, so every job list runs in one child process
(``fork`` on Linux when the process is single-threaded, ``spawn`` otherwise, so that
no "fork with threads" warning or deadlock can arise). Each job gets its own deadline;
when one is missed the worker is killed, that job is reported as timed out, and a
fresh worker continues with the next job. The child's address space is capped too.

The worker never outlives the process that started it, however that process ends:

- on Linux the child asks the kernel for SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``,
  through ctypes), which also covers ``kill -KILL`` of the parent and ``subprocess.run(..., timeout=...)``;
- everywhere, a watchdog thread in the child polls the parent's PID and ends the child when the
  parent is gone (the fallback where prctl is missing, and the check for a parent that died before
  prctl took effect);
- the parent kills and reaps the worker on every exit path of :func:`run_limited` (``finally``),
  including Ctrl-C and the SIGTERM handler of the CLI's output writer.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from gmm_math.derivations.core.errors import GmmMathError

Job = tuple[Callable[..., Any], tuple[Any, ...]]
DEFAULT_TIMEOUT = 10.0  # seconds a check (or one line of a steps file) may take
DEFAULT_TOTAL_TIMEOUT = 120.0  # seconds a whole steps file may take
STARTUP_TIMEOUT = 120.0  # seconds a new worker may take to import its modules
MEMORY_HEADROOM = 2 * 1024**3  # bytes of address space a worker may add to what it inherits
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCHDOG_PERIOD = 0.25  # seconds between the worker's checks that its parent is alive


class Status(str, Enum):
    """What happened to a job: it returned, ran out of time, failed inside, was refused as bad input,
    or was never started (the total time limit came first)."""

    OK = "ok"
    TIMEOUT = "timeout"
    ERROR = "error"
    BAD_INPUT = "bad_input"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Outcome:
    """What happened to one job.

    Attributes
    ----------
    status : OK, TIMEOUT, ERROR (the job raised or the worker died), BAD_INPUT or SKIPPED
    value : the job's return value (OK), its last partial result (TIMEOUT, may be None),
        or a one-line message (ERROR, BAD_INPUT; an ERROR's is for developers, never shown)
    """

    status: Status
    value: Any


def ignore_partial(_: Any) -> None:
    """``emit`` when a job runs without a worker: partial results are not needed."""


def _thread_count() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Threads:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    import threading

    return threading.active_count()


def start_method() -> str:
    """'fork' when it is safe (Linux, one OS thread), else 'spawn'."""
    return "fork" if sys.platform.startswith("linux") and _thread_count() == 1 else "spawn"


def _cap_memory() -> None:
    try:
        import resource

        size = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
        limit = size + MEMORY_HEADROOM
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass


def _die_with_parent_kernel() -> bool:
    """Ask Linux to SIGKILL this process when its parent exits; False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _parent_gone(parent: int) -> bool:
    return os.getppid() != parent


def _watch_parent(parent: int) -> None:
    """Watchdog thread of the worker: end this process as soon as ``parent`` is no longer its parent."""
    while not _parent_gone(parent):
        time.sleep(WATCHDOG_PERIOD)
    os._exit(1)


def die_with_parent(parent: int) -> None:
    """Make the current (worker) process end when process ``parent`` does (see the module docstring)."""
    _die_with_parent_kernel()
    if _parent_gone(parent):  # it died before prctl took effect: no signal will come
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watchdog", daemon=True).start()


def _serve(connection: Any, jobs: Sequence[Job], first: int, parent: int | None = None) -> None:
    """Worker body: say "ready", then run the jobs in order, sending ("partial"|"ok"|"error"|"bad_input",
    index, value) messages."""
    if parent is not None:
        die_with_parent(parent)
    _cap_memory()
    connection.send(("ready", first, None))
    for index, (function, args) in enumerate(jobs, start=first):
        def emit(partial: Any, index: int = index) -> None:
            connection.send(("partial", index, partial))

        try:
            message = ("ok", index, function(*args, emit=emit))
        except GmmMathError as err:
            message = ("bad_input", index, str(err))
        except BaseException as err:  # noqa: BLE001 - any failure of the computation is reported, not raised
            message = ("error", index, f"{type(err).__name__}: {str(err)[:200]}")
        connection.send(message)
    connection.close()


def run_limited(jobs: Sequence[Job], timeout: float | None, method: str | None = None,
                total: float | None = None) -> list[Outcome]:
    """Run ``function(*args, emit=...)`` for every job, each within ``timeout`` seconds.

    Parameters
    ----------
    jobs : sequence of (module-level function, args) pairs; args and results must pickle
    timeout : seconds per job; None runs the jobs here, in this process, without a limit
    method : multiprocessing start method; default :func:`start_method`
    total : seconds for all jobs together (None: no total limit); jobs not started by then are
        "skipped", the one running then is a "timeout"

    Returns
    -------
    list of Outcome, one per job, in order
    """
    if timeout is None:
        return [_run_here(function, args) for function, args in jobs]
    context = multiprocessing.get_context(method or start_method())
    outcomes: list[Outcome | None] = [None] * len(jobs)
    stop = None if total is None else time.monotonic() + total
    start = 0
    while start < len(jobs):
        if stop is not None and time.monotonic() >= stop:
            outcomes[start:] = [Outcome(Status.SKIPPED, None)] * (len(jobs) - start)
            break
        start = _run_worker(context, jobs, start, timeout, outcomes, stop)
    return [outcome for outcome in outcomes if outcome is not None]


def _run_here(function: Callable[..., Any], args: tuple[Any, ...]) -> Outcome:
    try:
        return Outcome(Status.OK, function(*args, emit=ignore_partial))
    except GmmMathError as err:
        return Outcome(Status.BAD_INPUT, str(err))


def _started(receiver: Any) -> bool:
    """Wait for the worker's "ready" (under 'spawn' it first imports SymPy; that is not the job's time)."""
    try:
        return bool(receiver.poll(STARTUP_TIMEOUT)) and receiver.recv()[0] == "ready"
    except (EOFError, OSError):
        return False


def _run_worker(context: Any, jobs: Sequence[Job], start: int, timeout: float,
                outcomes: list[Outcome | None], stop: float | None = None) -> int:
    """Run jobs[start:] in one worker until they finish or one times out; return the next job to run."""
    receiver, sender = context.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, ValueError, OSError):
            pass
    process = context.Process(target=_serve, args=(sender, list(jobs[start:]), start, os.getpid()), daemon=True)
    try:
        process.start()
        sender.close()
        if not _started(receiver):
            outcomes[start] = Outcome(Status.ERROR, "the worker process did not start")
            return start + 1
        def limit() -> float:
            return time.monotonic() + timeout if stop is None else min(time.monotonic() + timeout, stop)

        index, partial, deadline = start, None, limit()
        while index < len(jobs):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not receiver.poll(remaining):
                outcomes[index] = Outcome(Status.TIMEOUT, partial)
                return index + 1
            try:
                kind, where, value = receiver.recv()
            except (EOFError, OSError):
                outcomes[index] = Outcome(Status.ERROR, "the worker process died (out of memory?)")
                return index + 1
            if kind == "partial":
                partial = value
                continue
            outcomes[where] = Outcome(Status(kind), value)
            index, partial, deadline = where + 1, None, limit()
        return index
    finally:
        _stop(process, sender, receiver)


def _stop(process: Any, sender: Any, receiver: Any) -> None:
    """Kill and reap the worker, whatever interrupted the parent (also a second Ctrl-C meanwhile)."""
    try:
        sender.close()
        receiver.close()
    finally:
        if process.pid is not None:
            try:
                if process.is_alive():
                    process.kill()
            finally:
                process.join()
                process.close()
