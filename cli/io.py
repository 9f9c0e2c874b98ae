"""Writing output files: atomically, never clobbering a device, and checked before the work.

- A regular file (or a new one) is written to a temporary file in the target's own folder and
  renamed over the target, so readers see the old file or the new one, never half of one. The new
  file keeps the old one's permission bits (a new file gets the usual 0666 & ~umask).
- A write-protected file (no write bit, e.g. 0444) is refused, as ``cp`` and most tools do.
- A symbolic link is followed: the file it points to is replaced the same way, in *that* file's
  folder, keeping its mode, and the link itself stays a link. A symlink loop is refused.
- A file with several hard links is written *in place* (the bytes are produced in a temporary file,
  then copied into it), so every link still names it; that copy is not atomic.
- An existing target that is not a regular file (``/dev/null``, a FIFO, a terminal) is written
  *through* the same way; the node itself is never replaced. A FIFO is opened without blocking:
  with no reader for ``FIFO_WAIT`` seconds (or a reader that stops reading) it is refused.
- A file and a folder beside it written as one set (``explain``'s Markdown or JSON and its
  ``figures/``): :func:`write_with_folder` builds both in a hidden sibling folder, then exchanges
  the folder and renames the file into place, so an interrupted run leaves the old set untouched,
  a full disk leaves no empty folder, and a reader sees old or new (between the two renames, a
  few microseconds, new figures beside the old file).
- The temporary file is removed on every exception, on Ctrl-C (SIGINT) and on SIGTERM (exit
  code 143). SIGKILL cannot be caught: after ``kill -9`` a hidden ``.NAME-XXXXXXXX.EXT`` may remain.
- :func:`check_output_folder` is called before any computation: a target that cannot be created
  (a folder, a path under a file, a read-only folder, a name that is too long) fails at once.
- ``-`` means standard output (:func:`write_text` only: text, CSV or JSON).

Every OS error becomes one :class:`GmmMathError` line (exit 2 at the CLI boundary).
"""

from __future__ import annotations

import errno
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
FIFO_WAIT = 10.0  # seconds a FIFO may go without a reader (or without reading) before the write is refused
_COPY_CHUNK = 1 << 16
TERMINATED_EXIT = 128 + signal.SIGTERM  # 143, what a shell reports for a process ended by SIGTERM
_STEM_IN_TEMP = 60  # characters of the target's stem kept in the temporary name (NAME_MAX is 255)


def _cannot(path: Path, reason: str) -> GmmMathError:
    return GmmMathError(f"cannot write {str(path)!r}: {reason}")


def _os_reason(err: OSError) -> str:
    return err.strerror or type(err).__name__


def resolve_target(path: str | Path) -> Path:
    """The file that will really be written: ``path`` with every symbolic link followed (a loop is refused)."""
    path = Path(path)
    if not path.is_symlink():
        return path
    try:
        return Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:  # a dangling link: its target will be created
        return Path(os.path.realpath(path))
    except OSError as err:  # ELOOP: a symlink loop
        raise _cannot(path, f"{_os_reason(err)} (a symbolic link loop)") from None


def _existing_mode(target: Path) -> os.stat_result | None:
    try:
        return os.stat(target)
    except OSError:
        return None


def _written_in_place(info: os.stat_result | None) -> bool:
    """True for a target whose bytes are copied into it, never replaced: a device, FIFO or hard-linked file."""
    if info is None:
        return False
    return not stat.S_ISREG(info.st_mode) or info.st_nlink > 1


def is_device_or_fifo(path: str | Path) -> bool:
    """True when ``path`` (links followed) exists and is not a regular file or folder: it is written through.

    Such a target (``/dev/null``, a FIFO, a terminal) has no suffix to name a format: the writer uses its default.
    """
    return _is_special(Path(path))


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
        info = _existing_mode(target)
        if info is not None and stat.S_ISREG(info.st_mode) and not info.st_mode & 0o222:
            raise _cannot(path, f"it is write-protected (mode {stat.S_IMODE(info.st_mode):04o}); "
                                "remove it or make it writable first")
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
            info = _existing_mode(target)
            in_place = _written_in_place(info)
            folder = None if in_place else target.parent
            if folder is not None:
                folder.mkdir(parents=True, exist_ok=True)
            prefix, suffix = _temp_name_parts(target)
            fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
            os.close(fd)
            tmp = Path(name)
            write(tmp)
            if in_place:
                _copy_into(tmp, target, path)
            else:
                # mkstemp makes 0600: keep the replaced file's permission bits (never set-id ones), else the usual
                os.chmod(tmp, info.st_mode & 0o777 if info is not None else 0o666 & ~_umask())
                os.replace(tmp, target)
                tmp = None
        except OSError as err:
            raise _cannot(path, _os_reason(err)) from None
        finally:
            if tmp is not None:
                tmp.unlink(missing_ok=True)
    return path


def _copy_into(source: Path, target: Path, shown: Path) -> None:
    """Write the bytes of ``source`` into the existing ``target`` (a device, FIFO or hard-linked file) in place.

    Opened without blocking: a FIFO with no reader is waited for FIFO_WAIT seconds, and every chunk
    must find room within FIFO_WAIT seconds, else the write is refused (``shown`` names it).
    """
    import select
    import time

    flags = os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    end = time.monotonic() + FIFO_WAIT
    while True:
        try:
            fd = os.open(target, flags | (0 if stat.S_ISFIFO(os.stat(target).st_mode) else os.O_TRUNC))
            break
        except OSError as err:
            if err.errno != errno.ENXIO or time.monotonic() > end:  # ENXIO: a FIFO nobody reads
                if err.errno == errno.ENXIO:
                    raise _cannot(shown, f"it is a FIFO and nothing read from it for {FIFO_WAIT:g} s") from None
                raise
            time.sleep(0.05)
    try:
        piped = stat.S_ISFIFO(os.fstat(fd).st_mode)
        if not piped:
            os.set_blocking(fd, True)
        with open(source, "rb") as reader:
            while chunk := reader.read(_COPY_CHUNK):
                view = memoryview(chunk)
                while view:
                    if piped and not select.select([], [fd], [], FIFO_WAIT)[1]:
                        raise _cannot(shown, f"it is a FIFO and its reader took nothing for {FIFO_WAIT:g} s")
                    view = view[os.write(fd, view):]
    finally:
        os.close(fd)


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


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step (Linux renameat2 RENAME_EXCHANGE); False where it is unavailable."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL):  # an old kernel, or a file system without exchange
        return False
    raise OSError(err, os.strerror(err), str(a))


def write_with_folder(target: str | Path, folder_name: str, build: Callable[[Path], list[Path]]) -> list[Path]:
    """Write ``target`` and the folder ``folder_name`` beside it as one set; return the paths written.

    ``build(staged_target)`` writes the file and its folder inside a hidden staging folder (a sibling
    of ``target``) and returns what it wrote. Then the staged folder is exchanged with the old one
    (one ``renameat2`` step; else the old one is moved aside first) and the staged file renamed over
    ``target``. On any error, Ctrl-C or SIGTERM the staging folder is removed: the old set stays as it
    was and no empty folder is left behind.
    """
    path = check_output_folder(target)
    final = resolve_target(path)
    if _written_in_place(_existing_mode(final)):
        raise _cannot(path, "a file with several links or a device cannot be written together with a folder")
    stage: Path | None = None
    with _sigterm_unwinds():
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            stage = Path(tempfile.mkdtemp(prefix=f".{final.stem[:_STEM_IN_TEMP]}-set-", dir=final.parent))
            written = build(stage / final.name)
            staged_folder, live_folder = stage / folder_name, final.parent / folder_name
            if staged_folder.exists():
                if live_folder.is_dir() and not live_folder.is_symlink():
                    if not _exchange(staged_folder, live_folder):
                        os.replace(live_folder, stage / f"{folder_name}.old")
                        os.replace(staged_folder, live_folder)
                else:
                    os.replace(staged_folder, live_folder)
            atomic_write(path, lambda tmp: shutil.copyfile(stage / final.name, tmp))
            return [path if p == stage / final.name else final.parent / p.relative_to(stage) for p in written]
        except OSError as err:
            raise _cannot(path, _os_reason(err)) from None
        finally:
            if stage is not None:
                shutil.rmtree(stage, ignore_errors=True)


OUT_FLAGS = ("--out", "-o", "--plot", "--animate")  # the options whose value is a path written


def check_out_arguments(args: list[str]) -> None:
    """Refuse an output path written with a trailing ``/`` after a file suffix (``--out x.png/``).

    The slash says "a folder named x.png", but ``Path`` drops it and the file x.png would be written.
    Checked on the raw arguments, before Typer turns them into paths.
    """
    for i, arg in enumerate(args):
        flag, eq, value = arg.partition("=")
        if flag not in OUT_FLAGS:
            continue
        if not eq:
            value = args[i + 1] if i + 1 < len(args) else ""
        stripped = value.rstrip("/" + os.sep)
        if stripped != value and stripped and Path(stripped).suffix:
            raise GmmMathError(f"{flag} {value!r} ends in '/', which names a folder, but {Path(stripped).name!r} "
                               "is a file name; drop the '/'")
