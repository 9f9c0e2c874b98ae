"""Writing output files atomically: a temporary file in the target folder, then a rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from gmm_math.derivations.core.errors import GmmMathError


def check_output_folder(path: str | Path) -> Path:
    """Fail before any computation when ``path`` cannot be a file: it is a folder, or lies under a file."""
    path = Path(path)
    if path.is_dir():
        raise GmmMathError(f"cannot write {str(path)!r}: it is a folder")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise GmmMathError(f"cannot write {str(path)!r}: {str(parent)!r} is a file, not a folder")
            break
    return path


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Create ``path`` by calling ``write(tmp_path)`` and renaming; nothing half-written is left.

    The parent folder is created. Any OS error becomes one :class:`GmmMathError` line.
    """
    target = check_output_folder(path)
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
        os.close(fd)
        tmp = Path(name)
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, target)
        tmp = None
    except OSError as err:
        raise GmmMathError(f"cannot write {str(target)!r}: {err.strerror or type(err).__name__}") from None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | Path, text: str) -> Path:
    """Atomically write UTF-8 text to ``path``."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
