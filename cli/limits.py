"""The process's own resource limits, checked before work that could not finish under them.

``ulimit -v`` (RLIMIT_AS) caps the address space. Matplotlib, NumPy's BLAS threads and SymPy together
reserve a few hundred MB of it; under a tighter cap a drawing fails deep inside a C extension
(MemoryError, or a SystemError that hides it). A command that draws several figures asks here first
and is refused in one line instead.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from gmm_math.derivations.core.errors import GmmMathError

MIB = 1 << 20
# `explain` (all formats) needs ~300 MiB of address space on Linux x86-64 (it failed at 293 MiB and
# passed at 342 MiB, numpy 2 / matplotlib 3.10); this leaves room for larger data
EXPLAIN_ADDRESS_SPACE = 420 * MIB


def check_address_space(needed: int, command: str) -> None:
    """Refuse ``command`` at once when the address-space limit (``ulimit -v``) is below ``needed`` bytes."""
    try:
        import resource
    except ImportError:  # not a Unix: no such limit
        return
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY and soft < needed:
        raise GmmMathError(f"{command} needs about {needed // MIB} MiB of address space but the process is limited "
                           f"to {soft // MIB} MiB (ulimit -v {soft // 1024}); raise the limit")


@contextmanager
def long_integer_digits(limit: int = 0) -> Iterator[None]:
    """Lift Python's 4300-digit int->str limit to ``limit`` digits (0: none) while active, then restore it.

    mpmath formats a value through ``str`` of its (up to ``--dps``-digit) integer mantissa; the limit
    guards against untrusted huge integers, and ours are bounded by the ``--dps`` range. A limit
    already higher (or none) is kept.
    """
    getter = getattr(sys, "get_int_max_str_digits", None)
    if getter is None:  # Python without the limit
        yield
        return
    previous = getter()
    if previous == 0 or (limit and previous >= limit):
        yield
        return
    sys.set_int_max_str_digits(limit)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(previous)
