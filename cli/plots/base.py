"""What every gmm-math figure shares: output formats, an Agg figure without pyplot, atomic saving, labels.

matplotlib is imported inside the functions (``gmm-math --help`` must not load it) and
only through :class:`matplotlib.figure.Figure` with the Agg canvas, so no global pyplot
state and no display are involved.
"""

from __future__ import annotations

from pathlib import Path

from gmm_math.derivations.core.errors import GmmMathError

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
DPI_MIN, DPI_MAX = 20, 1200
LOG10_MAX = 1_000_000
PALETTE = {
    "mixture": "#1b6ca8",
    "single": "#c0392b",
    "other": "#7f8c8d",
    "naive": "#e67e22",
    "logspace": "#8e44ad",
    "point": "#222222",
}


def output_format(path: Path, flag: str = "--out") -> str:
    """The image format named by the suffix of ``path`` (``.png``, ``.svg``, ``.pdf``); ``flag`` names it in errors."""
    from gmm_math.cli.io import is_device_or_fifo

    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None and not path.suffix and is_device_or_fifo(path):  # /dev/null, a FIFO: the default, PNG
        return "png"
    if fmt is None:
        raise GmmMathError(
            f"{flag} {str(path)!r}: unknown image type {path.suffix or '(no suffix)'!r} "
            f"(expected a path ending in {', '.join(FORMATS)})"
        )
    return fmt


def check_dpi(dpi: int) -> int:
    if not DPI_MIN <= dpi <= DPI_MAX:
        raise GmmMathError(f"--dpi must be between {DPI_MIN} and {DPI_MAX}, got {dpi}")
    return dpi


def check_log10_range(start: float, stop: float) -> tuple[float, float]:
    """``--from/--to`` in log10 sigma: finite, different, within +-LOG10_MAX."""
    for name, value in (("--from", start), ("--to", stop)):
        if not abs(value) <= LOG10_MAX:  # also rejects nan
            raise GmmMathError(f"{name} must be a log10 sigma between -{LOG10_MAX} and {LOG10_MAX}, got {value}")
    if start == stop:
        raise GmmMathError(f"--from and --to must differ (log10 sigma range), both are {start}")
    return start, stop


def new_figure(width: float, height: float, layout: str | None = "constrained"):
    """A matplotlib Figure on an Agg canvas (no pyplot), in inches."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout=layout)
    FigureCanvasAgg(figure)
    return figure


def save_figure(figure, path: Path, dpi: int, flag: str = "--out") -> Path:
    """Write ``figure`` to ``path`` atomically in the format its suffix names, byte-reproducibly.

    The one figure pipeline of every gmm-math picture: fixed metadata (no dates) and a fixed
    SVG hash salt, so the same input gives the same bytes in PNG, SVG and PDF.
    """
    from gmm_math.cli.io import atomic_write

    fmt = output_format(path, flag)
    return atomic_write(path, lambda tmp: tmp.write_bytes(figure_bytes(figure, fmt, dpi)))


def figure_bytes(figure, fmt: str, dpi: int) -> bytes:
    """``figure`` as the bytes of a ``fmt`` file ('png', 'svg', 'pdf'): fixed metadata, the same every run."""
    import io

    import matplotlib

    metadata = {"png": {"Software": "gmm-math"}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}[fmt]
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "gmm-math"}):  # same input, same bytes
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    data = buffer.getvalue()
    return _numbered_clip_ids(data.decode("utf-8")).encode("utf-8") if fmt == "svg" else data


def _numbered_clip_ids(svg: str) -> str:
    """Clip-path ids renumbered in order of appearance.

    matplotlib hashes a clip rectangle's full-precision bounds into its id, and constrained layout can
    move those bounds in the last bit between processes (hash-seeded ordering), although every
    coordinate written to the file is the same.

    >>> _numbered_clip_ids('<g clip-path="url(#pab12cd34ef)"/><clipPath id="pab12cd34ef">')
    '<g clip-path="url(#clip0)"/><clipPath id="clip0">'
    """
    import re

    names: dict[str, str] = {}
    return re.sub(r"\bp[0-9a-f]{10}\b", lambda m: names.setdefault(m.group(0), f"clip{len(names)}"), svg)


def math_label(latex: str, fallback: str) -> str:
    """``$latex$`` if matplotlib's mathtext can typeset it, else the plain ``fallback`` text."""
    from matplotlib.mathtext import MathTextParser

    text = f"${latex}$"
    try:
        MathTextParser("path").parse(text, dpi=72)
    except ValueError:
        return fallback.replace("$", r"\$")
    return text


def power_of_ten(exponent: float, digits: int = 3) -> str:
    """Mathtext for 10**exponent: ``10^{-300}`` for whole exponents, else ``3.16\\times10^{-2}``.

    >>> power_of_ten(-300.0)
    '10^{-300}'
    >>> power_of_ten(-1.5)
    '3.16\\\\times10^{-2}'
    """
    if float(exponent).is_integer():
        return f"10^{{{int(exponent)}}}"
    whole = int(exponent // 1)
    mantissa = f"{10 ** (exponent - whole):.{digits}g}"
    if mantissa == "10":
        mantissa, whole = "1", whole + 1
    if whole == 0:
        return mantissa
    return f"{mantissa}\\times10^{{{whole}}}"


_SUPERSCRIPT = str.maketrans("0123456789-+.", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b\u207a\u22c5")


def unicode_power_of_ten(exponent: float, digits: int = 3) -> str:
    """10**exponent as plain Unicode text (no mathtext to parse): ``10\u207b\u00b3\u2070\u2070``, ``3.16\u00d710\u207b\u00b2``.

    >>> unicode_power_of_ten(-300.0) == "10" + "-300".translate(_SUPERSCRIPT)
    True
    """
    text = power_of_ten(exponent, digits)
    if "10^" not in text:
        return text
    mantissa, _, power = text.rpartition("10^")
    mantissa = mantissa.replace("\\times", "\u00d7")
    return f"{mantissa}10{power.strip('{}').translate(_SUPERSCRIPT)}"
