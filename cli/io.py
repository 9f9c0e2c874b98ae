"""Writing output files: atomically, never clobbering a device, and checked before the work.

- A regular file (or a new one) is written to a temporary file in the target's own folder and
  renamed over the target, so readers see the old file or the new one, never half of one.
- A symbolic link is followed: the file it points to is replaced the same way, in *that* file's
  folder, and the link itself stays a link.
- An existing target that is not a regular file (``/dev/null``, a FIFO, a terminal) is written
  *through*: the bytes are produced in a temporary file elsewhere and then copied into it; the
  node itself is never replaced.
- The temporary file is removed on every exception, on Ctrl-C (SIGINT) and on SIGTERM (exit
  code 143). SIGKILL cannot be caught: after ``kill -9`` a hidden ``.NAME-XXXXXXXX.EXT`` may remain.
- :func:`check_output_folder` is called before any computation: a target that cannot be created
  (a folder, a path under a file, a read-only folder, a name that is too long) fails at once.
- ``-`` means standard output (:func:`write_text` only: text, CSV or JSON).

Every OS error becomes one :class:`GmmMathError` line (exit 2 at the CLI boundary).
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from gmm_math.derivations.core.errors import GmmMathError

STDOUT = "-"
TERMINATED_EXIT = 128 + signal.SIGTERM  # 143, what a shell reports for a process ended by SIGTERM
_STEM_IN_TEMP = 60  # characters of the target's stem kept in the temporary name (NAME_MAX is 255)


def _cannot(path: Path, reason: str) -> GmmMathError:
    return GmmMathError(f"cannot write {str(path)!r}: {reason}")


def _os_reason(err: OSError) -> str:
    return err.strerror or type(err).__name__


def resolve_target(path: str | Path) -> Path:
    """The file that will really be written: ``path`` with every symbolic link followed."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _is_special(path: Path) -> bool:
    """True for an existing target that is not a regular file (device node, FIFO, socket)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _temp_name_parts(target: Path) -> tuple[str, str]:
    return f".{target.stem[:_STEM_IN_TEMP]}-", target.suffix[:20]


def check_output_folder(path: str | Path) -> Path:
    """Fail before any computation when ``path`` cannot be written; return it.

    Refused: a folder, a path under a file, a name longer than the file system allows, a folder
    without write permission. An existing device node or FIFO is accepted (it is written through).
    """
    path = Path(path)
    try:
        target = resolve_target(path)
        if target.is_dir():
            raise _cannot(path, "it is a folder")
        if _is_special(target):
            if not os.access(target, os.W_OK):
                raise _cannot(path, "permission denied")
            return path
        _check_name_length(path, target)
        folder = _first_existing_folder(path, target)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise _cannot(path, f"folder {str(folder)!r} is not writable")
        if folder == target.parent:
            _probe(path, target)
    except OSError as err:
        raise _cannot(path, _os_reason(err)) from None
    return path


def _check_name_length(path: Path, target: Path) -> None:
    for part in target.parts:
        if len(os.fsencode(part)) > 255:
            raise _cannot(path, "File name too long")


def _first_existing_folder(path: Path, target: Path) -> Path:
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise _cannot(path, f"{str(parent)!r} is a file, not a folder")
            return parent
    return Path(".")


def _probe(path: Path, target: Path) -> None:
    """Create and remove a temporary file where :func:`atomic_write` will (read-only mounts, quotas)."""
    prefix, suffix = _temp_name_parts(target)
    with _sigterm_unwinds():
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
        try:
            os.close(fd)
        finally:
            os.unlink(name)


class _Terminated(SystemExit):
    """SIGTERM arrived while a temporary file existed; unwinds through the cleanup, exit 143."""


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """While active, SIGTERM raises instead of killing the process, so ``finally`` blocks run."""
    def handler(signum, frame) -> None:
        raise _Terminated(TERMINATED_EXIT)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: signals cannot be handled here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Create ``path`` by calling ``write(tmp_path)``; nothing half-written is ever left at ``path``.

    The parent folder is created. A symbolic link's target is replaced in its own folder; a device
    node or FIFO is written through. Any OS error becomes one :class:`GmmMathError` line.

    Returns
    -------
    Path
        ``path`` as given.
    """
    path = check_output_folder(path)
    target = resolve_target(path)
    tmp: Path | None = None
    with _sigterm_unwinds():
        try:
            special = _is_special(target)
            folder = None if special else target.parent
            if folder is not None:
                folder.mkdir(parents=True, exist_ok=True)
            prefix, suffix = _temp_name_parts(target)
            fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
            os.close(fd)
            tmp = Path(name)
            write(tmp)
            if special:
                _copy_into(tmp, target)
            else:
                os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
                os.replace(tmp, target)
                tmp = None
        except OSError as err:
            raise _cannot(path, _os_reason(err)) from None
        finally:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
    return path


def _copy_into(source: Path, target: Path) -> None:
    """Write the bytes of ``source`` into the existing non-regular ``target`` (never replacing it)."""
    with open(source, "rb") as reader, open(target, "wb") as writer:
        shutil.copyfileobj(reader, writer)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | Path, text: str) -> Path | None:
    """Atomically write UTF-8 text to ``path``; ``"-"`` writes it to standard output (returns None)."""
    if str(path) == STDOUT:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except OSError as err:
            raise GmmMathError(f"cannot write to standard output: {_os_reason(err)}") from None
        return None
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
