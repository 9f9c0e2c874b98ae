"""gmm-math: why Gaussian-mixture maximum likelihood has singularities.

The public Python API. Every name is imported lazily on first use, so
``import gmm_math`` (and ``gmm-math --help``) loads none of SymPy, NumPy,
mpmath or Matplotlib.

>>> import gmm_math
>>> isinstance(gmm_math.__version__, str)
True
"""

from __future__ import annotations

from importlib import import_module

# public name -> (module, attribute); filled in as the entry points are published
_EXPORTS: dict[str, tuple[str, str]] = {
    "GmmMathError": ("gmm_math.derivations.core.errors", "GmmMathError"),
}

__all__ = ["__version__", *_EXPORTS]


def _version() -> str:
    """The installed distribution's version (looked up on first use: importlib.metadata costs ~40 ms)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gmm-math")
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled tree
        return "0+unknown"


def __getattr__(name: str):
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'gmm_math' has no attribute {name!r}") from None
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
